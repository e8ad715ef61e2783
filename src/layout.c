/* layout.c - the ingestion layout check (see layout.h). */
#include "layout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "days.h"
#include "parquet.h"

/* A day folder (or what should have been one) of a dataset. */
struct folder {
	char *name;
	enum layout_day_kind kind;
	int day;
	uint64_t files;
	uint64_t bytes;
	/* Footers (content reads on). */
	uint64_t to_read;     /* files handed to the feeder for a read */
	uint64_t footers;     /* footers decoded */
	uint64_t rows;
	int schema1, schema2; /* two schemas seen (index), -1: none */
};

/* A distinct schema of a dataset. */
struct schema {
	char *sig;            /* one "path\tdescription\n" per element */
	struct layout_column *cols;
	size_t ncols;
	uint64_t files;
	int first_day;        /* LAYOUT_NO_DAY: not in a day folder */
	char *first_file;     /* the first file with it (day, then key) */
};

/* Open-addressing map from folder name to folder, owned by the dataset. */
struct folder_map {
	struct folder **slots;
	size_t cap;   /* a power of two, or 0 */
	size_t len;
};

struct ds {
	char *name;
	bool by_day;
	struct folder_map folders;
	uint64_t files;   /* signals/ only: every file */
	uint64_t bytes;
	uint64_t markers;
	uint64_t footers, rows;
	struct schema *schemas;
	size_t nschemas;
};

struct layout {
	struct layout_options opt;
	struct ds **ds;
	size_t nds;
	size_t last;      /* index of the dataset of the previous entry */
	struct finding_list findings;
	struct layout_dataset *out;  /* after layout_finish() */
	size_t nout;
	bool finished;
	uint64_t listed, read;       /* for opt.progress */
};

static void tick(struct layout *l, uint64_t listed, uint64_t read)
{
	l->listed += listed;
	l->read += read;
	if (l->opt.progress)
		l->opt.progress(l->opt.progress_ctx, l->listed, l->read);
}

/* ---- dates ---------------------------------------------------------- */

static int days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dim[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int layout_day_from_ymd(int y, int m, int d)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return LAYOUT_NO_DAY;
	return (int)days_from_civil(y, m, d);
}

void layout_day_to_ymd(int day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned mm = mp < 10 ? mp + 3 : mp - 9;

	*y = (int)yoe + era * 400 + (mm <= 2);
	*m = (int)mm;
	*d = (int)dd;
}

void layout_day_format(int day, char out[11])
{
	int y, m, d;

	layout_day_to_ymd(day, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
		 (unsigned)m % 100u, (unsigned)d % 100u);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* YYYY?MM?DD with one separator from "-_." used twice; *sep gets it. */
static bool split_date10(const char *s, size_t n, char *sep)
{
	if (n != 10 || !all_digits(s, 4) || !all_digits(s + 5, 2) ||
	    !all_digits(s + 8, 2) || s[4] != s[7] || !strchr("-_.", s[4]))
		return false;
	*sep = s[4];
	return true;
}

enum layout_day_kind layout_parse_day_name(const char *name, int *day)
{
	const char *v = name, *eq = strrchr(name, '=');
	size_t n;
	char sep = 0;
	int y, m, d;
	bool hive = false;

	/* Hive-style partition folders: dt=2024-01-18, date=20240118. */
	if (eq && eq != name) {
		v = eq + 1;
		hive = true;
	}
	n = strlen(v);
	if (split_date10(v, n, &sep)) {
		y = num(v, 4);
		m = num(v + 5, 2);
		d = num(v + 8, 2);
	} else if (n == 8 && all_digits(v, 8)) {
		y = num(v, 4);
		m = num(v + 4, 2);
		d = num(v + 6, 2);
	} else {
		return LAYOUT_DAY_NONE;
	}
	*day = layout_day_from_ymd(y, m, d);
	if (*day == LAYOUT_NO_DAY)
		return LAYOUT_DAY_INVALID;
	return sep == '-' && !hive ? LAYOUT_DAY_ISO : LAYOUT_DAY_OTHER;
}

int layout_parse_iso_day(const char *s, int *day, struct s3p_error *err)
{
	int d;

	if (layout_parse_day_name(s, &d) != LAYOUT_DAY_ISO)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid date '%s': expected a valid YYYY-MM-DD", s);
	*day = d;
	return 0;
}

/* ---- parquet -------------------------------------------------------- */

const char *layout_parquet_problem(uint64_t size, const unsigned char head[4],
				   const unsigned char tail[8])
{
	uint64_t footer;

	if (size < 12)
		return "too small to be parquet";
	if (memcmp(head, "PAR1", 4))
		return "does not start with the parquet magic PAR1";
	if (memcmp(tail + 4, "PAR1", 4))
		return "does not end with the parquet magic PAR1";
	footer = (uint64_t)tail[0] | (uint64_t)tail[1] << 8 |
		 (uint64_t)tail[2] << 16 | (uint64_t)tail[3] << 24;
	if (footer == 0 || footer > size - 12)
		return "footer length does not fit the file";
	return NULL;
}

static bool parquet_name(const char *key)
{
	static const char ext[] = ".parquet";
	size_t n = strlen(key), e = sizeof(ext) - 1;
	const char *base = strrchr(key, '/');

	base = base ? base + 1 : key;
	if (strlen(base) <= e)
		return false;
	for (size_t i = 0; i < e; i++) {
		char c = key[n - e + i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != ext[i])
			return false;
	}
	return true;
}

/* ---- findings ------------------------------------------------------- */

static void add_finding(struct layout *l, enum severity sev,
			const char *code, char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Takes ownership of path. */
static void add_finding(struct layout *l, enum severity sev,
			const char *code, char *path, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	finding_add(&l->findings, sev, code, path, FINDING_NO_STATEMENT, "%s",
		    tmp);
}

/* "dataset/folder/", or "dataset/" when folder is NULL. */
static char *folder_path(const char *ds, const char *folder)
{
	struct buf p = BUF_INIT;

	buf_printf(&p, "%s/", ds);
	if (folder)
		buf_printf(&p, "%s/", folder);
	return buf_detach(&p);
}

/* ---- folder map ----------------------------------------------------- */

static size_t hash_name(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static void map_grow(struct folder_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct folder **slots = xcalloc(ncap, sizeof(*slots));

	for (size_t i = 0; i < m->cap; i++) {
		struct folder *f = m->slots[i];
		size_t j;

		if (!f)
			continue;
		j = hash_name(f->name, strlen(f->name)) & (ncap - 1);
		while (slots[j])
			j = (j + 1) & (ncap - 1);
		slots[j] = f;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = ncap;
}

/* The folder named by the n bytes at name, created when new. */
static struct folder *map_get(struct folder_map *m, const char *name,
			      size_t n, bool *created)
{
	size_t j;
	struct folder *f;

	*created = false;
	if ((m->len + 1) * 2 > m->cap)
		map_grow(m);
	j = hash_name(name, n) & (m->cap - 1);
	while ((f = m->slots[j])) {
		if (strlen(f->name) == n && !memcmp(f->name, name, n))
			return f;
		j = (j + 1) & (m->cap - 1);
	}
	f = xcalloc(1, sizeof(*f));
	f->name = xstrndup(name, n);
	f->kind = layout_parse_day_name(f->name, &f->day);
	f->schema1 = f->schema2 = -1;
	m->slots[j] = f;
	m->len++;
	*created = true;
	return f;
}

static void map_release(struct folder_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i]) {
			free(m->slots[i]->name);
			free(m->slots[i]);
		}
	}
	free(m->slots);
	m->slots = NULL;
	m->cap = m->len = 0;
}

/* ---- the check ------------------------------------------------------ */

static bool utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = utf8_seq_len(s + i, n - i)))
			return false;
	return true;
}

struct layout *layout_new(const struct layout_options *opt)
{
	struct layout *l = xcalloc(1, sizeof(*l));

	l->opt = *opt;
	return l;
}

void layout_free(struct layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nds; i++) {
		struct ds *d = l->ds[i];

		map_release(&d->folders);
		for (size_t k = 0; k < d->nschemas; k++) {
			struct schema *sc = &d->schemas[k];

			for (size_t c = 0; c < sc->ncols; c++)
				free(sc->cols[c].path);
			free(sc->cols);
			free(sc->sig);
			free(sc->first_file);
		}
		free(d->schemas);
		free(d->name);
		free(d);
	}

	free(l->ds);
	finding_list_release(&l->findings);
	for (size_t i = 0; i < l->nout; i++) {
		free(l->out[i].name);
		free(l->out[i].gaps);
		free(l->out[i].day_rows);
	}
	free(l->out);
	free(l);
}

static bool wants_n(const struct layout *l, const char *name, size_t n)
{
	if (!l->opt.datasets)
		return true;
	for (size_t i = 0; i < l->opt.ndatasets; i++)
		if (strlen(l->opt.datasets[i]) == n &&
		    !memcmp(l->opt.datasets[i], name, n))
			return true;
	return false;
}

bool layout_wants_dataset(const struct layout *l, const char *name)
{
	return wants_n(l, name, strlen(name));
}

const char *const *layout_dataset_filter(const struct layout *l, size_t *n)
{
	*n = l->opt.datasets ? l->opt.ndatasets : 0;
	return l->opt.datasets;
}

static struct ds *get_ds(struct layout *l, const char *name, size_t n)
{
	struct ds *d;

	if (l->nds && strlen(l->ds[l->last]->name) == n &&
	    !memcmp(l->ds[l->last]->name, name, n))
		return l->ds[l->last];
	for (size_t i = 0; i < l->nds; i++) {
		if (strlen(l->ds[i]->name) == n &&
		    !memcmp(l->ds[i]->name, name, n)) {
			l->last = i;
			return l->ds[i];
		}
	}
	l->ds = xrealloc(l->ds, (l->nds + 1) * sizeof(*l->ds));
	d = xcalloc(1, sizeof(*d));
	d->name = xstrndup(name, n);
	d->by_day = strcmp(d->name, LAYOUT_SIGNALS) != 0;
	l->last = l->nds;
	l->ds[l->nds++] = d;
	return d;
}

static bool in_range(const struct layout *l, int day)
{
	return (l->opt.since == LAYOUT_NO_DAY || day >= l->opt.since) &&
	       (l->opt.until == LAYOUT_NO_DAY || day <= l->opt.until);
}

/* The checks every counted file gets; the file is counted already.  f:
 * its day folder, NULL outside one. */
static enum layout_add_result check_file(struct layout *l, struct folder *f,
					 const char *key, uint64_t size)
{
	if (!parquet_name(key)) {
		add_finding(l, SEVERITY_ERROR, "not_parquet", xstrdup(key),
			    "not a parquet file: the name does not end in "
			    ".parquet");
		return LAYOUT_DONE;
	}
	if (size == 0) {
		add_finding(l, SEVERITY_ERROR, "zero_bytes", xstrdup(key),
			    "zero-byte file");
		return LAYOUT_DONE;
	}
	if (size < 12) {
		add_finding(l, SEVERITY_ERROR, "bad_parquet", xstrdup(key),
			    "not parquet: %llu bytes is too small to be parquet",
			    (unsigned long long)size);
		return LAYOUT_DONE;
	}
	if (!l->opt.content)
		return LAYOUT_DONE;
	if (f)
		f->to_read++;
	return LAYOUT_READ_CONTENT;
}

bool layout_is_marker(const char *name)
{
	size_t n = strlen(name);

	return !strcmp(name, "_SUCCESS") ||
	       !strncmp(name, "_committed_", 11) ||
	       !strncmp(name, "_started_", 9) ||
	       (n > 4 && !strcmp(name + n - 4, ".crc"));
}

static enum layout_add_result add_entry(struct layout *l, const char *key,
					uint64_t size);

enum layout_add_result layout_add(struct layout *l, const char *key,
				  uint64_t size)
{
	enum layout_add_result r = add_entry(l, key, size);

	tick(l, 1, 0);
	return r;
}

static enum layout_add_result add_entry(struct layout *l, const char *key,
					uint64_t size)
{
	const char *slash = strchr(key, '/'), *rest, *slash2;
	size_t klen = strlen(key);
	bool marker = klen && key[klen - 1] == '/';
	struct ds *d;
	struct folder *f;
	bool created;

	if (klen && !utf8_valid(key, klen))
		add_finding(l, SEVERITY_WARNING, "not_utf8", xstrdup(key),
			    "the name is not valid UTF-8: tools that read names "
			    "as text may not find it (the report shows such "
			    "bytes as \\xNN)");
	if (!slash || slash == key) {
		/* A top-level object (or a key starting with '/', which S3
		 * allows): outside every dataset folder. */
		if (!l->opt.datasets && klen)
			add_finding(l, SEVERITY_WARNING, "top_level_object",
				    xstrdup(key),
				    "object outside every dataset folder");
		return LAYOUT_DONE;
	}
	if (!wants_n(l, key, (size_t)(slash - key)))
		return LAYOUT_DONE;
	d = get_ds(l, key, (size_t)(slash - key));
	rest = slash + 1;
	if (!*rest)
		return LAYOUT_DONE;   /* the dataset folder itself */
	if (!marker) {
		const char *base = strrchr(key, '/') + 1;

		if (layout_is_marker(base)) {
			d->markers++;
			return LAYOUT_DONE;
		}
	}


	if (!d->by_day) {
		if (marker)
			return LAYOUT_DONE;
		d->files++;
		d->bytes += size;
		return check_file(l, NULL, key, size);
	}

	slash2 = strchr(rest, '/');
	if (!slash2) {
		add_finding(l, SEVERITY_WARNING, "loose_file", xstrdup(key),
			    "file directly in the dataset folder, outside "
			    "every day folder");
		return LAYOUT_DONE;
	}
	f = map_get(&d->folders, rest, (size_t)(slash2 - rest), &created);
	if (marker)
		return LAYOUT_DONE;
	f->files++;
	f->bytes += size;
	if (f->kind != LAYOUT_DAY_ISO && f->kind != LAYOUT_DAY_OTHER)
		return LAYOUT_DONE;   /* reported once, for the folder */
	if (!in_range(l, f->day) || f->day > l->opt.today)
		return LAYOUT_DONE;
	return check_file(l, f, key, size);
}

/* The dataset and day folder of a key, NULL when unknown. */
static struct ds *locate(struct layout *l, const char *key,
			 struct folder **folder)
{
	const char *slash = strchr(key, '/'), *rest, *slash2;
	struct ds *d = NULL;
	size_t n;

	*folder = NULL;
	if (!slash)
		return NULL;
	n = (size_t)(slash - key);
	for (size_t i = 0; i < l->nds && !d; i++)
		if (strlen(l->ds[i]->name) == n &&
		    !memcmp(l->ds[i]->name, key, n))
			d = l->ds[i];
	if (!d || !d->by_day || !d->folders.cap)
		return d;
	rest = slash + 1;
	slash2 = strchr(rest, '/');
	if (!slash2)
		return d;
	n = (size_t)(slash2 - rest);
	for (size_t j = hash_name(rest, n) & (d->folders.cap - 1);
	     d->folders.slots[j]; j = (j + 1) & (d->folders.cap - 1)) {
		struct folder *f = d->folders.slots[j];

		if (strlen(f->name) == n && !memcmp(f->name, rest, n)) {
			*folder = f;
			break;
		}
	}
	return d;
}

void layout_column_desc(const struct layout_column *c, struct buf *b)
{
	if (c->num_children >= 0)
		buf_printf(b, "group %s", c->repetition);
	else if (c->type_length >= 0)
		buf_printf(b, "%s(%ld) %s", c->type, (long)c->type_length,
			   c->repetition);
	else
		buf_printf(b, "%s %s", c->type, c->repetition);
	if (strcmp(c->logical, "-"))
		buf_printf(b, " %s", c->logical);
	else if (strcmp(c->converted, "-"))
		buf_printf(b, " %s", c->converted);
}

/* The columns of a decoded footer, and their signature. */
static struct layout_column *schema_columns(const struct parquet_meta *m,
					    struct buf *sig)
{
	struct layout_column *cols = xcalloc(m->ncols, sizeof(*cols));
	const char *names[PARQUET_MAX_DEPTH + 1];

	for (size_t i = 1; i < m->ncols; i++) {
		const struct parquet_column *pc = &m->cols[i];
		struct layout_column *c = &cols[i - 1];
		struct buf path = BUF_INIT;

		names[pc->depth] = pc->name;
		for (int k = 1; k <= pc->depth; k++)
			buf_printf(&path, "%s%s", k > 1 ? "." : "", names[k]);
		c->path = buf_detach(&path);
		c->depth = pc->depth;
		c->type = parquet_type_name(pc->type);
		c->repetition = parquet_repetition_name(pc->repetition);
		c->converted = parquet_converted_name(pc->converted);
		parquet_logical_format(&pc->logical, c->logical,
				       sizeof(c->logical));
		c->type_length = pc->type_length;
		c->num_children = pc->num_children > 0 ? pc->num_children
						       : -1;
		buf_printf(sig, "%s\t", c->path);
		layout_column_desc(c, sig);
		buf_putc(sig, '\n');
	}
	return cols;
}

static void record_footer(struct layout *l, const char *key,
			  const struct parquet_meta *m)
{
	struct folder *f;
	struct ds *d = locate(l, key, &f);
	struct buf sig = BUF_INIT;
	struct layout_column *cols;
	struct schema *sc = NULL;
	size_t id;
	int day = f ? f->day : LAYOUT_NO_DAY;

	if (!d)
		return;
	cols = schema_columns(m, &sig);
	if (!sig.data)
		buf_puts(&sig, "");
	for (id = 0; id < d->nschemas; id++)
		if (!strcmp(d->schemas[id].sig, buf_str(&sig)))
			break;
	if (id < d->nschemas) {
		sc = &d->schemas[id];
		for (size_t c = 0; c + 1 < m->ncols; c++)
			free(cols[c].path);
		free(cols);
		buf_release(&sig);
	} else {
		d->schemas = xrealloc(d->schemas, (d->nschemas + 1) *
				      sizeof(*d->schemas));
		sc = &d->schemas[d->nschemas++];
		memset(sc, 0, sizeof(*sc));
		sc->sig = buf_detach(&sig);
		sc->cols = cols;
		sc->ncols = m->ncols - 1;
		sc->first_day = LAYOUT_NO_DAY;
	}
	sc->files++;
	if (!sc->first_file || (day != LAYOUT_NO_DAY &&
	    (sc->first_day == LAYOUT_NO_DAY || day < sc->first_day ||
	     (day == sc->first_day && strcmp(key, sc->first_file) < 0)))) {
		free(sc->first_file);
		sc->first_file = xstrdup(key);
		sc->first_day = day;
	}
	d->footers++;
	d->rows += (uint64_t)m->num_rows;
	if (!f)
		return;
	f->footers++;
	f->rows += (uint64_t)m->num_rows;
	if (f->schema1 < 0)
		f->schema1 = (int)id;
	else if (f->schema1 != (int)id && f->schema2 < 0)
		f->schema2 = (int)id;
}

static size_t content_check(struct layout *l, const char *key, uint64_t size,
			    const unsigned char *head,
			    const unsigned char *tail, size_t tail_len);

size_t layout_content(struct layout *l, const char *key, uint64_t size,
		      const unsigned char *head, const unsigned char *tail,
		      size_t tail_len)
{
	size_t need = content_check(l, key, size, head, tail, tail_len);

	if (!need)
		tick(l, 0, 1);
	return need;
}

static size_t content_check(struct layout *l, const char *key, uint64_t size,
			    const unsigned char *head,
			    const unsigned char *tail, size_t tail_len)
{
	struct parquet_meta m;
	struct s3p_error e = { 0 };
	size_t need = 0;
	enum parquet_status st;

	/* An encrypted file (encrypted footer) starts with PARE too.  The
	 * head is known when the whole file was read. */
	if (size < 12 || (head && memcmp(head, "PAR1", 4) &&
			  memcmp(head, "PARE", 4))) {
		add_finding(l, SEVERITY_ERROR, "bad_parquet", xstrdup(key),
			    "named .parquet but not parquet: %s",
			    size < 12 ? "too small to be parquet" :
			    "does not start with the parquet magic PAR1");
		return 0;
	}
	st = parquet_read_tail(tail, tail_len, size, &m, &need, &e);
	if (st == PARQUET_OK && need > tail_len && need <= size) {
		parquet_meta_release(&m);
		return need;
	}
	switch (st) {
	case PARQUET_OK:
		if (need)
			add_finding(l, SEVERITY_WARNING, "content_unreadable",
				    xstrdup(key), "content not checked: "
				    "the footer was not read whole");
		else
			record_footer(l, key, &m);
		break;
	case PARQUET_TRUNCATED:
		add_finding(l, SEVERITY_ERROR, "truncated_parquet", xstrdup(key),
			    "truncated: %s", e.msg);
		break;
	case PARQUET_ENCRYPTED:
		add_finding(l, SEVERITY_WARNING, "encrypted_footer",
			    xstrdup(key), "encrypted footer (PARE): its "
			    "schema and rows cannot be read without the key");
		break;
	case PARQUET_CORRUPT:
	default:
		if (e.kind == S3P_E_NOMEM)
			add_finding(l, SEVERITY_WARNING, "content_unreadable",
				    xstrdup(key), "content not checked: %s",
				    e.msg);
		else
			add_finding(l, SEVERITY_ERROR, "corrupt_footer",
				    xstrdup(key), "parquet footer does not "
				    "decode: %s", e.msg);
		break;
	}
	parquet_meta_release(&m);
	return 0;
}

void layout_content_failed(struct layout *l, const char *key,
			   const char *reason)
{
	add_finding(l, SEVERITY_WARNING, "content_unreadable", xstrdup(key),
		    "content not checked: %s", reason);
}

/* ---- finish --------------------------------------------------------- */

static int cmp_folder_day(const void *a, const void *b)
{
	const struct folder *x = *(struct folder *const *)a;
	const struct folder *y = *(struct folder *const *)b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_ds(const void *a, const void *b)
{
	const struct ds *x = *(struct ds *const *)a;
	const struct ds *y = *(struct ds *const *)b;

	return strcmp(x->name, y->name);
}

static void gap_finding(struct layout *l, const char *ds, int from, int to)
{
	char a[11], b[11];

	layout_day_format(from, a);
	layout_day_format(to, b);
	if (from == to)
		add_finding(l, SEVERITY_WARNING, "missing_days",
			    folder_path(ds, a), "day %s is missing", a);
	else
		add_finding(l, SEVERITY_WARNING, "missing_days",
			    folder_path(ds, a),
			    "%d days are missing: %s to %s", to - from + 1,
			    a, b);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Index of the first of the n sorted days that is >= day. */
static size_t lower_bound(const int *days, size_t n, int day)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Days from..to are missing.  They go in the figures as one range; the
 * findings leave out the days an empty_day finding already names.  The
 * work is proportional to the empty days in the range, never to its
 * length (a folder dated 0001-01-01 makes a gap of 738,000 days). */
static void add_gap(struct layout *l, struct layout_dataset *out,
		    size_t *capgaps, int from, int to, const int *empty,
		    size_t nempty)
{
	int run = from;

	if (out->ngaps == *capgaps) {
		*capgaps = *capgaps ? *capgaps * 2 : 8;
		out->gaps = xrealloc(out->gaps, *capgaps * sizeof(*out->gaps));
	}
	out->gaps[out->ngaps].from = from;
	out->gaps[out->ngaps].to = to;
	out->ngaps++;
	out->nmissing += (uint64_t)((long long)to - from + 1);
	for (size_t i = lower_bound(empty, nempty, from);
	     i < nempty && empty[i] <= to; i++) {
		if (empty[i] > run)
			gap_finding(l, out->name, run, empty[i] - 1);
		run = empty[i] + 1;
	}
	if (run <= to)
		gap_finding(l, out->name, run, to);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The folder path of a key: "events/2024-01-01/" of
 * "events/2024-01-01/a.parquet". */
static char *dir_of(const char *key)
{
	const char *slash = strrchr(key, '/');

	return xstrndup(key, slash ? (size_t)(slash - key) + 1 : 0);
}

/* How schema OTHER differs from the dominant one, in words. */
static void schema_diff(const struct schema *dom, const struct schema *other,
			struct buf *b)
{
	size_t shown = 0;

	for (size_t i = 0; i < dom->ncols; i++) {
		const struct layout_column *c = &dom->cols[i];
		const struct layout_column *o = NULL;
		struct buf x = BUF_INIT, y = BUF_INIT;

		for (size_t k = 0; k < other->ncols && !o; k++)
			if (!strcmp(other->cols[k].path, c->path))
				o = &other->cols[k];
		layout_column_desc(c, &x);
		if (!o) {
			buf_printf(b, "%scolumn '%s' removed (was %s)",
				   shown++ ? "; " : "", c->path, buf_str(&x));
		} else {
			layout_column_desc(o, &y);
			if (strcmp(buf_str(&x), buf_str(&y)))
				buf_printf(b, "%scolumn '%s' changed from %s "
					   "to %s", shown++ ? "; " : "",
					   c->path, buf_str(&x), buf_str(&y));
		}
		buf_release(&x);
		buf_release(&y);
	}
	for (size_t k = 0; k < other->ncols; k++) {
		const struct layout_column *o = &other->cols[k];
		bool found = false;
		struct buf y = BUF_INIT;

		for (size_t i = 0; i < dom->ncols && !found; i++)
			found = !strcmp(dom->cols[i].path, o->path);
		if (found)
			continue;
		layout_column_desc(o, &y);
		buf_printf(b, "%scolumn '%s' added (%s)", shown++ ? "; " : "",
			   o->path, buf_str(&y));
		buf_release(&y);
	}
	if (!shown)
		buf_puts(b, "columns in another order");
}

/* The dominant schema (most files, then the earliest) and schema_drift
 * for each other one. */
static void finish_schemas(struct layout *l, struct ds *d,
			   struct layout_dataset *out)
{
	size_t dom = 0;

	if (!d->nschemas)
		return;
	for (size_t i = 1; i < d->nschemas; i++) {
		const struct schema *a = &d->schemas[i], *b = &d->schemas[dom];

		if (a->files > b->files ||
		    (a->files == b->files && a->first_day < b->first_day))
			dom = i;
	}
	out->schema = d->schemas[dom].cols;
	out->nschema = d->schemas[dom].ncols;
	out->nschemas = d->nschemas;
	for (size_t i = 0; i < d->nschemas; i++) {
		const struct schema *sc = &d->schemas[i];
		struct buf msg = BUF_INIT;
		char iso[11] = "";

		if (i == dom)
			continue;
		if (sc->first_day != LAYOUT_NO_DAY)
			layout_day_format(sc->first_day, iso);
		buf_printf(&msg, "schema differs from the dataset's (%llu "
			   "file%s): ", (unsigned long long)d->schemas[dom].files,
			   d->schemas[dom].files == 1 ? "" : "s");
		schema_diff(&d->schemas[dom], sc, &msg);
		buf_printf(&msg, "; in %llu file%s", (unsigned long long)
			   sc->files, sc->files == 1 ? "" : "s");
		if (*iso)
			buf_printf(&msg, ", first on %s", iso);
		buf_printf(&msg, ", e.g. '%s'", sc->first_file);
		add_finding(l, SEVERITY_ERROR, "schema_drift",
			    d->by_day ? dir_of(sc->first_file) :
			    xstrdup(sc->first_file), "%s", buf_str(&msg));
		buf_release(&msg);
	}
}

/* Rows per day from the footers: empty_day (0 rows), row_count_outlier,
 * schema_mixed_within_day.  counted: the day folders, sorted by day. */
static void finish_rows(struct layout *l, struct ds *d,
			struct layout_dataset *out, struct folder **counted,
			size_t n)
{
	uint64_t *rows = xmalloc((n + 1) * sizeof(*rows));
	size_t nrows = 0;
	unsigned pct = l->opt.outlier_pct ? l->opt.outlier_pct
					  : LAYOUT_OUTLIER_PCT;

	out->day_rows = xcalloc(n + 1, sizeof(*out->day_rows));
	for (size_t i = 0; i < n; i++) {
		struct folder *f = counted[i];
		struct layout_day_rows *r;

		if (f->schema2 >= 0)
			add_finding(l, SEVERITY_ERROR, "schema_mixed_within_day",
				    folder_path(d->name, f->name),
				    "files of this day do not share one schema "
				    "(see schema_drift)");
		if (!f->to_read)
			continue;
		r = &out->day_rows[out->nday_rows++];
		r->day = f->day;
		r->folder = f->name;
		r->rows = f->rows;
		r->files = f->footers;
		r->complete = f->footers == f->to_read;
		if (!r->complete)
			continue;
		if (!f->rows)
			add_finding(l, SEVERITY_WARNING, "empty_day",
				    folder_path(d->name, f->name),
				    "day has %llu parquet file%s and 0 rows",
				    (unsigned long long)f->footers,
				    f->footers == 1 ? "" : "s");
		else
			rows[nrows++] = f->rows;
	}
	if (nrows) {
		qsort(rows, nrows, sizeof(*rows), cmp_u64);
		out->rows_min = rows[0];
		out->rows_max = rows[nrows - 1];
		out->rows_median = rows[nrows / 2];
	}
	/* Below pct% of the median, with 3 days at least to have one. */
	for (size_t i = 0; nrows >= 3 && i < out->nday_rows; i++) {
		struct layout_day_rows *r = &out->day_rows[i];
		char iso[11];

		if (!r->complete || !r->rows ||
		    r->rows * 100 >= out->rows_median * pct)
			continue;
		r->outlier = true;
		layout_day_format(r->day, iso);
		add_finding(l, SEVERITY_WARNING, "row_count_outlier",
			    folder_path(d->name, r->folder),
			    "%llu rows: %.1f%% of the dataset's median day "
			    "(%llu rows), below the %u%% threshold",
			    (unsigned long long)r->rows,
			    100.0 * (double)r->rows /
			    (double)out->rows_median,
			    (unsigned long long)out->rows_median, pct);
	}
	free(rows);
}

static void finish_by_day(struct layout *l, struct ds *d,
			  struct layout_dataset *out)
{
	struct folder **counted = xmalloc((d->folders.len + 1) *
					  sizeof(*counted));
	int *empty = xmalloc((d->folders.len + 1) * sizeof(*empty));
	size_t n = 0, nempty = 0, capgaps = 0;
	char iso[11];

	for (size_t i = 0; i < d->folders.cap; i++) {
		struct folder *f = d->folders.slots[i];
		char *p;

		if (!f)
			continue;
		p = folder_path(d->name, f->name);
		if (f->kind == LAYOUT_DAY_INVALID) {
			add_finding(l, SEVERITY_ERROR, "invalid_day", p,
				    "day folder '%s' is not a valid date",
				    f->name);
			continue;
		}
		if (f->kind == LAYOUT_DAY_NONE) {
			add_finding(l, SEVERITY_ERROR, "invalid_day", p,
				    "folder '%s' is not a day: expected a "
				    "date such as YYYY-MM-DD", f->name);
			continue;
		}
		if (!in_range(l, f->day)) {
			free(p);
			continue;
		}
		layout_day_format(f->day, iso);
		if (f->day > l->opt.today) {
			add_finding(l, SEVERITY_WARNING, "future_day", p,
				    "day %s is in the future", iso);
			continue;
		}
		if (!f->files) {
			add_finding(l, SEVERITY_WARNING, "empty_day", p,
				    "day folder holds no file");
			empty[nempty++] = f->day;
			continue;
		}
		if (f->kind == LAYOUT_DAY_OTHER)
			add_finding(l, SEVERITY_WARNING, "day_not_iso",
				    xstrdup(p), "day folder '%s' is read as "
				    "%s; the recommended name is '%s'",
				    f->name, iso, iso);
		free(p);
		counted[n++] = f;
	}
	qsort(counted, n, sizeof(*counted), cmp_folder_day);
	qsort(empty, nempty, sizeof(*empty), cmp_int);

	out->first_day = out->last_day = LAYOUT_NO_DAY;
	if (n) {
		out->first_day = counted[0]->day;
		out->last_day = counted[n - 1]->day;
	}
	if (n && out->last_day - out->first_day >= LAYOUT_MAX_SPAN_DAYS) {
		char a[11], b[11];

		layout_day_format(out->first_day, a);
		layout_day_format(out->last_day, b);
		add_finding(l, SEVERITY_WARNING, "implausible_days",
			    folder_path(d->name, NULL),
			    "the days span %d years, %s to %s: the first or "
			    "the last day folder probably has a wrong date",
			    (int)((((long long)out->last_day -
				    out->first_day) * 400 + 73048) / 146097),
			    a, b);
	}
	for (size_t i = 0; i < n; i++) {
		struct folder *f = counted[i];

		out->files += f->files;
		out->bytes += f->bytes;
		if (i && counted[i - 1]->day == f->day) {
			add_finding(l, SEVERITY_WARNING, "duplicate_day",
				    folder_path(d->name, f->name),
				    "folder '%s' names the same day as '%s'",
				    f->name, counted[i - 1]->name);
			continue;
		}
		out->days++;
		if (i && f->day > counted[i - 1]->day + 1)
			add_gap(l, out, &capgaps, counted[i - 1]->day + 1,
				f->day - 1, empty, nempty);
	}
	finish_rows(l, d, out, counted, n);
	if (!n)
		add_finding(l, SEVERITY_WARNING, "no_days",
			    folder_path(d->name, NULL),
			    l->opt.since != LAYOUT_NO_DAY ||
			    l->opt.until != LAYOUT_NO_DAY
			    ? "no day folder with files in the dates asked for"
			    : "no day folder with files");
	free(counted);
	free(empty);
}

/* Pointed one level too deep (at a dataset's folder): every top-level
 * folder is named as a day.  Say so once instead of reporting each day as
 * a dataset without days. */
static bool root_is_dataset(struct layout *l)
{
	size_t days = 0;
	int day;

	for (size_t i = 0; i < l->nds; i++) {
		if (!l->ds[i]->by_day ||
		    layout_parse_day_name(l->ds[i]->name, &day) ==
		    LAYOUT_DAY_NONE)
			return false;
		days++;
	}
	if (!days)
		return false;
	/* What was found on the way (loose files...) read the tree wrong. */
	finding_list_release(&l->findings);
	l->out = xcalloc(1, sizeof(*l->out));
	add_finding(l, SEVERITY_ERROR, "root_is_dataset", xstrdup(""),
		    "the top-level folders are days ('%s'%s): this is one "
		    "dataset's folder; point at the folder that holds the "
		    "datasets", l->ds[0]->name, days > 1 ? ", ..." : "");
	return true;
}

void layout_finish(struct layout *l)
{
	if (l->finished)
		return;
	l->finished = true;
	if (l->nds)
		qsort(l->ds, l->nds, sizeof(*l->ds), cmp_ds);
	l->last = 0;
	if (root_is_dataset(l))
		goto sort;
	l->out = xcalloc(l->nds + 1, sizeof(*l->out));
	for (size_t i = 0; i < l->nds; i++) {
		struct ds *d = l->ds[i];
		struct layout_dataset *out = &l->out[l->nout++];

		out->name = xstrdup(d->name);
		out->by_day = d->by_day;
		out->first_day = out->last_day = LAYOUT_NO_DAY;
		out->markers = d->markers;
		out->footers = d->footers;
		out->rows = d->rows;
		if (d->by_day) {
			finish_by_day(l, d, out);
		} else {
			out->files = d->files;
			out->bytes = d->bytes;
		}
		finish_schemas(l, d, out);
		if (d->markers)
			add_finding(l, SEVERITY_INFO, "job_markers",
				    folder_path(d->name, NULL),
				    "%llu Spark/Hadoop job marker%s (_SUCCESS, "
				    "_committed_*, _started_*, *.crc) not "
				    "checked", (unsigned long long)d->markers,
				    d->markers == 1 ? "" : "s");
	}
	if (l->opt.datasets) {
		for (size_t i = 0; i < l->opt.ndatasets; i++) {
			const char *name = l->opt.datasets[i];
			bool seen = false;

			for (size_t j = 0; j < l->nds && !seen; j++)
				seen = !strcmp(l->ds[j]->name, name);
			for (size_t j = 0; j < i && !seen; j++)
				seen = !strcmp(l->opt.datasets[j], name);
			if (!seen)
				add_finding(l, SEVERITY_WARNING,
					    "dataset_missing",
					    folder_path(name, NULL),
					    "no dataset folder '%s'", name);
		}
	} else if (!l->nds) {
		add_finding(l, SEVERITY_WARNING, "no_datasets", xstrdup(""),
			    "no dataset folder at the top level");
	}
sort:
	finding_list_sort(&l->findings);
}

size_t layout_dataset_count(const struct layout *l)
{
	return l->nout;
}

const struct layout_dataset *layout_dataset_at(const struct layout *l,
					       size_t i)
{
	return i < l->nout ? &l->out[i] : NULL;
}

size_t layout_finding_count(const struct layout *l)
{
	return l->findings.n;
}

const struct finding *layout_finding_at(const struct layout *l, size_t i)
{
	return i < l->findings.n ? &l->findings.items[i] : NULL;
}

const struct finding_list *layout_findings(const struct layout *l)
{
	return &l->findings;
}
