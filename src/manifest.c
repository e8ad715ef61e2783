/* manifest.c - parse the fleet check's manifest, a line at a time (see
 * manifest.h).  JSON lines go through Jansson; CSV is parsed here. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "manifest.h"

enum fmt { FMT_UNKNOWN, FMT_JSON, FMT_CSV, FMT_CSV_BROKEN };

/* The string fields, by name, and where each goes. */
static const struct field {
	const char *name;
	size_t off;
} fields[] = {
	{ "id", offsetof(struct manifest_entry, id) },
	{ "bucket", offsetof(struct manifest_entry, bucket) },
	{ "mode", offsetof(struct manifest_entry, mode) },
	{ "region", offsetof(struct manifest_entry, region) },
	{ "user", offsetof(struct manifest_entry, user) },
	{ "account", offsetof(struct manifest_entry, account) },
	{ "principal", offsetof(struct manifest_entry, principal) },
	{ "object", offsetof(struct manifest_entry, object) },
	{ "upload_key", offsetof(struct manifest_entry, upload_key) },
	{ "upload_id", offsetof(struct manifest_entry, upload_id) },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
#define COL_PREFIX (-1)
#define COL_IGNORED (-2)

struct manifest {
	enum fmt fmt;
	int *cols;      /* CSV: per column, an index into fields[],
			   COL_PREFIX or COL_IGNORED */
	size_t ncols;
};

struct manifest *manifest_new(void)
{
	return xcalloc(1, sizeof(struct manifest));
}

void manifest_free(struct manifest *m)
{
	if (!m)
		return;
	free(m->cols);
	free(m);
}

const char *manifest_format(const struct manifest *m)
{
	switch (m->fmt) {
	case FMT_JSON: return "json";
	case FMT_CSV: case FMT_CSV_BROKEN: return "csv";
	default: return NULL;
	}
}

void manifest_entry_release(struct manifest_entry *e)
{
	for (size_t i = 0; i < NFIELDS; i++)
		free(*(char **)((char *)e + fields[i].off));
	for (size_t i = 0; i < e->nprefixes; i++)
		free(e->prefixes[i]);
	free(e->prefixes);
	memset(e, 0, sizeof(*e));
}

static char **field_slot(struct manifest_entry *e, size_t i)
{
	return (char **)((char *)e + fields[i].off);
}

static int field_index(const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (!strcmp(fields[i].name, name))
			return (int)i;
	return !strcmp(name, "prefix") ? COL_PREFIX : COL_IGNORED;
}

static int bad(struct s3p_error *err, size_t lineno, const char *what)
{
	return s3p_error_set(err, S3P_E_INPUT, "line %zu: %s", lineno, what);
}

static int add_prefix(struct manifest_entry *e, const char *p, size_t n,
		      size_t lineno, struct s3p_error *err)
{
	if (e->nprefixes == MANIFEST_MAX_PREFIXES)
		return bad(err, lineno, "more than 64 prefixes");
	if (!e->prefixes)
		e->prefixes = xcalloc(MANIFEST_MAX_PREFIXES, sizeof(char *));
	e->prefixes[e->nprefixes++] = xstrndup(p, n);
	return 0;
}

/* A string value may not hold a NUL: every consumer takes C strings. */
static int set_field(struct manifest_entry *e, size_t i, const char *s,
		     size_t n, size_t lineno, struct s3p_error *err)
{
	char **slot = field_slot(e, i);

	if (memchr(s, '\0', n)) {
		s3p_error_set(err, S3P_E_INPUT, "line %zu: '%s' holds a NUL "
			      "byte", lineno, fields[i].name);
		return -1;
	}
	if (*slot) {
		s3p_error_set(err, S3P_E_INPUT, "line %zu: '%s' given twice",
			      lineno, fields[i].name);
		return -1;
	}
	*slot = xstrndup(s, n);
	return 0;
}

/* ---- JSON lines ------------------------------------------------------ */

static int json_entry(const char *line, size_t len, size_t lineno,
		      struct manifest_entry *e, struct s3p_error *err)
{
	json_error_t jerr;
	json_t *doc = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *key;
	json_t *v;
	int rc = -1;

	if (!doc) {
		s3p_error_set(err, S3P_E_INPUT, "line %zu: not JSON: %s "
			      "(column %d)", lineno, jerr.text, jerr.column);
		return -1;
	}
	if (!json_is_object(doc)) {
		bad(err, lineno, "not a JSON object");
		goto done;
	}
	json_object_foreach(doc, key, v) {
		int fi = field_index(key);

		if (fi == COL_IGNORED)
			continue;
		if (fi == COL_PREFIX) {
			size_t k;
			json_t *p;

			if (json_is_string(v)) {
				if (add_prefix(e, json_string_value(v),
					       json_string_length(v), lineno,
					       err) < 0)
					goto done;
				continue;
			}
			if (!json_is_array(v)) {
				bad(err, lineno, "'prefix' must be a string "
				    "or an array of strings");
				goto done;
			}
			json_array_foreach(v, k, p) {
				if (!json_is_string(p)) {
					bad(err, lineno, "'prefix' must be a "
					    "string or an array of strings");
					goto done;
				}
				if (add_prefix(e, json_string_value(p),
					       json_string_length(p), lineno,
					       err) < 0)
					goto done;
			}
			continue;
		}
		if (json_is_null(v))
			continue;
		if (json_is_integer(v) && !strcmp(key, "id")) {
			char num[32];

			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
			if (set_field(e, (size_t)fi, num, strlen(num), lineno,
				      err) < 0)
				goto done;
			continue;
		}
		if (!json_is_string(v)) {
			s3p_error_set(err, S3P_E_INPUT, "line %zu: '%s' must "
				      "be a string", lineno, key);
			goto done;
		}
		if (set_field(e, (size_t)fi, json_string_value(v),
			      json_string_length(v), lineno, err) < 0)
			goto done;
	}
	rc = 0;
done:
	json_decref(doc);
	return rc;
}

/* ---- CSV ------------------------------------------------------------- */

/* Split one CSV record into cells (RFC 4180 within one line).  Each cell
 * is appended to cells as bytes; bounds[i] is its end offset.  Returns the
 * number of cells, or -1 for a broken quote. */
static long csv_split(const char *s, size_t len, struct buf *cells,
		      size_t **bounds, size_t *cap)
{
	size_t i = 0, n = 0;

	buf_reset(cells);
	for (;;) {
		if (i < len && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= len)
					return -1;  /* unterminated quote */
				if (s[i] == '"') {
					if (i + 1 < len && s[i + 1] == '"') {
						buf_putc(cells, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				buf_putc(cells, s[i++]);
			}
			if (i < len && s[i] != ',')
				return -1;  /* text after the closing quote */
		} else {
			while (i < len && s[i] != ',') {
				if (s[i] == '"')
					return -1;  /* quote inside a cell */
				buf_putc(cells, s[i++]);
			}
		}
		if (n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*bounds = xrealloc(*bounds, *cap * sizeof(size_t));
		}
		(*bounds)[n++] = cells->len;
		if (i >= len)
			break;
		i++;  /* the comma */
	}
	return (long)n;
}

static int csv_header(struct manifest *m, const char *line, size_t len,
		      size_t lineno, struct s3p_error *err)
{
	struct buf cells = BUF_INIT;
	size_t *bounds = NULL, cap = 0, start = 0;
	long n = csv_split(line, len, &cells, &bounds, &cap);
	int have_bucket = 0, rc = -1;

	m->fmt = FMT_CSV_BROKEN;
	if (n < 0) {
		bad(err, lineno, "CSV header: unbalanced quotes");
		goto done;
	}
	m->cols = xcalloc((size_t)n, sizeof(int));
	m->ncols = (size_t)n;
	for (long i = 0; i < n; i++) {
		char *name = xstrndup(buf_str(&cells) + start,
				      bounds[i] - start);
		int fi;

		start = bounds[i];
		/* Tolerate spaces around the names ("bucket, mode"). */
		char *b = name, *end;
		while (*b == ' ' || *b == '\t')
			b++;
		end = b + strlen(b);
		while (end > b && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		fi = field_index(b);
		for (long j = 0; j < i && fi >= 0; j++)
			if (m->cols[j] == fi) {
				s3p_error_set(err, S3P_E_INPUT, "line %zu: CSV "
					      "header names '%s' twice", lineno,
					      b);
				free(name);
				goto done;
			}
		if (fi >= 0 && !strcmp(fields[fi].name, "bucket"))
			have_bucket = 1;
		m->cols[i] = fi;
		free(name);
	}
	if (!have_bucket) {
		bad(err, lineno, "CSV header has no 'bucket' column (a "
		    "manifest is JSON lines, or CSV with a header naming "
		    "bucket, mode, region, prefix, user, account, principal, "
		    "id, object, upload_key, upload_id)");
		goto done;
	}
	m->fmt = FMT_CSV;
	rc = 0;
done:
	buf_release(&cells);
	free(bounds);
	return rc;
}

static int csv_entry(struct manifest *m, const char *line, size_t len,
		     size_t lineno, struct manifest_entry *e,
		     struct s3p_error *err)
{
	struct buf cells = BUF_INIT;
	size_t *bounds = NULL, cap = 0, start = 0;
	long n = csv_split(line, len, &cells, &bounds, &cap);
	int rc = -1;

	if (n < 0) {
		bad(err, lineno, "unbalanced quotes");
		goto done;
	}
	if ((size_t)n > m->ncols) {
		s3p_error_set(err, S3P_E_INPUT, "line %zu: %ld cells, the "
			      "header names %zu columns", lineno, n, m->ncols);
		goto done;
	}
	for (long i = 0; i < n; i++) {
		const char *cell = buf_str(&cells) + start;
		size_t clen = bounds[i] - start;

		start = bounds[i];
		if (clen == 0 || m->cols[i] == COL_IGNORED)
			continue;
		if (m->cols[i] == COL_PREFIX) {
			if (add_prefix(e, cell, clen, lineno, err) < 0)
				goto done;
			continue;
		}
		if (set_field(e, (size_t)m->cols[i], cell, clen, lineno,
			      err) < 0)
			goto done;
	}
	rc = 0;
done:
	buf_release(&cells);
	free(bounds);
	return rc;
}

/* ---- Lines ----------------------------------------------------------- */

static int blank_or_comment(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i == len || s[i] == '#';
}

int manifest_feed(struct manifest *m, size_t lineno, const char *line,
		  size_t len, struct manifest_entry *e,
		  struct s3p_error *err)
{
	int rc;

	memset(e, 0, sizeof(*e));
	if (len && line[len - 1] == '\r')
		len--;
	if (blank_or_comment(line, len))
		return 0;
	if (len > MANIFEST_MAX_LINE)
		return bad(err, lineno, "line longer than 65536 bytes");
	if (m->fmt == FMT_UNKNOWN) {
		size_t i = 0;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (line[i] != '{')
			return csv_header(m, line, len, lineno, err) < 0 ?
				-1 : 0;
		m->fmt = FMT_JSON;
	}
	if (m->fmt == FMT_CSV_BROKEN)
		return bad(err, lineno, "skipped: the CSV header is not "
			   "usable");
	e->line = lineno;
	rc = m->fmt == FMT_JSON ? json_entry(line, len, lineno, e, err) :
		csv_entry(m, line, len, lineno, e, err);
	if (rc == 0 && !e->bucket) {
		bad(err, lineno, "no bucket");
		rc = -1;
	}
	if (rc < 0) {
		manifest_entry_release(e);
		return -1;
	}
	return 1;
}
