/* parquet.c - the parquet footer decoder (see parquet.h).
 *
 * The first half is a Thrift compact protocol reader over a bounded
 * buffer; the second half walks FileMetaData with it.  Every read checks
 * the bytes left first; a list's count is checked against the bytes left
 * (every element takes at least one byte) before anything is allocated,
 * and skipping unknown fields recurses at most TC_MAX_NEST levels.
 */
#include "parquet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Thrift compact protocol ------------------------------------------ */

enum tc_type {
	TC_STOP = 0, TC_TRUE = 1, TC_FALSE = 2, TC_BYTE = 3, TC_I16 = 4,
	TC_I32 = 5, TC_I64 = 6, TC_DOUBLE = 7, TC_BINARY = 8, TC_LIST = 9,
	TC_SET = 10, TC_MAP = 11, TC_STRUCT = 12
};

#define TC_MAX_NEST 32

struct tc {
	const unsigned char *p;
	size_t len, pos;
	int nest;
	const char *why;             /* the first error, static */
	size_t why_at;
};

static int tc_fail(struct tc *t, const char *why)
{
	if (!t->why) {
		t->why = why;
		t->why_at = t->pos;
	}
	return -1;
}

static size_t tc_left(const struct tc *t)
{
	return t->len - t->pos;
}

static int tc_byte(struct tc *t, unsigned char *out)
{
	if (tc_left(t) < 1)
		return tc_fail(t, "unexpected end of footer");
	*out = t->p[t->pos++];
	return 0;
}

static int tc_varint(struct tc *t, uint64_t *out)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 70; shift += 7) {
		unsigned char b;

		if (tc_byte(t, &b))
			return -1;
		if (shift == 63 && (b & 0x7e))
			return tc_fail(t, "varint too long");
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return tc_fail(t, "varint too long");
}

static int tc_i64(struct tc *t, int64_t *out)
{
	uint64_t u;

	if (tc_varint(t, &u))
		return -1;
	/* zigzag */
	*out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return 0;
}

static int tc_i32(struct tc *t, int32_t *out)
{
	int64_t v;

	if (tc_i64(t, &v))
		return -1;
	if (v < INT32_MIN || v > INT32_MAX)
		return tc_fail(t, "i32 out of range");
	*out = (int32_t)v;
	return 0;
}

/* A binary's length, checked against what is left. */
static int tc_binary(struct tc *t, const unsigned char **data, size_t *n)
{
	uint64_t len;

	if (tc_varint(t, &len))
		return -1;
	if (len > tc_left(t))
		return tc_fail(t, "string longer than the footer");
	*data = t->p + t->pos;
	*n = (size_t)len;
	t->pos += (size_t)len;
	return 0;
}

/* A list or set header; the count is checked against the bytes left, as
 * every element takes at least one byte (booleans one byte each in a
 * list, doubles eight). */
static int tc_list(struct tc *t, int *elem, size_t *count)
{
	unsigned char b;
	uint64_t n;

	if (tc_byte(t, &b))
		return -1;
	*elem = b & 0x0f;
	n = b >> 4;
	if (n == 15 && tc_varint(t, &n))
		return -1;
	if (n > tc_left(t) ||
	    (*elem == TC_DOUBLE && n > tc_left(t) / 8))
		return tc_fail(t, "list count larger than the footer");
	*count = (size_t)n;
	return 0;
}

/* A field header: *type TC_STOP at the end of a struct. */
static int tc_field(struct tc *t, int16_t *id, int *type)
{
	unsigned char b;

	if (tc_byte(t, &b))
		return -1;
	*type = b & 0x0f;
	if (*type == TC_STOP)
		return 0;
	if (b >> 4) {
		int v = *id + (b >> 4);

		if (v > INT16_MAX)
			return tc_fail(t, "field id out of range");
		*id = (int16_t)v;
	} else {
		int64_t v;

		if (tc_i64(t, &v))
			return -1;
		if (v < INT16_MIN || v > INT16_MAX)
			return tc_fail(t, "field id out of range");
		*id = (int16_t)v;
	}
	if (*type > TC_STRUCT)
		return tc_fail(t, "unknown field type");
	return 0;
}

static int tc_skip(struct tc *t, int type);

static int tc_skip_struct(struct tc *t)
{
	int16_t id = 0;
	int type;

	if (++t->nest > TC_MAX_NEST)
		return tc_fail(t, "nested too deep");
	for (;;) {
		if (tc_field(t, &id, &type))
			return -1;
		if (type == TC_STOP)
			break;
		if (tc_skip(t, type))
			return -1;
	}
	t->nest--;
	return 0;
}

/* Skip one value of TYPE; inside a list a boolean is one byte. */
static int tc_skip_value(struct tc *t, int type, bool in_list)
{
	unsigned char b;
	uint64_t u;
	const unsigned char *d;
	size_t n;

	switch (type) {
	case TC_TRUE:
	case TC_FALSE:
		return in_list ? tc_byte(t, &b) : 0;
	case TC_BYTE:
		return tc_byte(t, &b);
	case TC_I16:
	case TC_I32:
	case TC_I64:
		return tc_varint(t, &u);
	case TC_DOUBLE:
		if (tc_left(t) < 8)
			return tc_fail(t, "unexpected end of footer");
		t->pos += 8;
		return 0;
	case TC_BINARY:
		return tc_binary(t, &d, &n);
	case TC_STRUCT:
		return tc_skip_struct(t);
	case TC_LIST:
	case TC_SET: {
		int elem;

		if (++t->nest > TC_MAX_NEST)
			return tc_fail(t, "nested too deep");
		if (tc_list(t, &elem, &n))
			return -1;
		if (n && (elem == TC_STOP || elem > TC_STRUCT))
			return tc_fail(t, "unknown list element type");
		for (size_t i = 0; i < n; i++)
			if (tc_skip_value(t, elem, true))
				return -1;
		t->nest--;
		return 0;
	}
	case TC_MAP: {
		int kt = 0, vt = 0;

		if (++t->nest > TC_MAX_NEST)
			return tc_fail(t, "nested too deep");
		if (tc_varint(t, &u))
			return -1;
		if (u > tc_left(t) / 2)
			return tc_fail(t, "map count larger than the footer");
		if (u) {
			if (tc_byte(t, &b))
				return -1;
			kt = b >> 4;
			vt = b & 0x0f;
			if (kt == TC_STOP || kt > TC_STRUCT ||
			    vt == TC_STOP || vt > TC_STRUCT)
				return tc_fail(t, "unknown map element type");
		}
		for (uint64_t i = 0; i < u; i++)
			if (tc_skip_value(t, kt, true) ||
			    tc_skip_value(t, vt, true))
				return -1;
		t->nest--;
		return 0;
	}
	default:
		return tc_fail(t, "unknown field type");
	}
}

static int tc_skip(struct tc *t, int type)
{
	return tc_skip_value(t, type, false);
}

/* Read a field that must be an i32 (an enum or a count). */
static int tc_want_i32(struct tc *t, int type, int32_t *out)
{
	if (type != TC_I32)
		return tc_fail(t, "field of the wrong type");
	return tc_i32(t, out);
}

static int tc_want_bool(struct tc *t, int type, bool *out)
{
	if (type != TC_TRUE && type != TC_FALSE)
		return tc_fail(t, "field of the wrong type");
	*out = type == TC_TRUE;
	return 0;
}

/* ---- FileMetaData ------------------------------------------------------ */

static char *dup_bytes(const unsigned char *d, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, d, n);
	s[n] = '\0';
	/* Names are shown to people: no control bytes, no NUL inside. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
	return s;
}

/* struct TimeUnit (a union of empty structs). */
static int read_time_unit(struct tc *t, enum parquet_time_unit *unit)
{
	int16_t id = 0;
	int type;

	for (;;) {
		if (tc_field(t, &id, &type))
			return -1;
		if (type == TC_STOP)
			return 0;
		if (type == TC_STRUCT && id >= 1 && id <= 3)
			*unit = (enum parquet_time_unit)id;
		if (tc_skip(t, type))
			return -1;
	}
}

/* TimeType and TimestampType: 1 isAdjustedToUTC, 2 unit. */
static int read_time_type(struct tc *t, struct parquet_logical *lt)
{
	int16_t id = 0;
	int type;

	for (;;) {
		if (tc_field(t, &id, &type))
			return -1;
		if (type == TC_STOP)
			return 0;
		if (id == 1) {
			if (tc_want_bool(t, type, &lt->utc))
				return -1;
		} else if (id == 2 && type == TC_STRUCT) {
			if (read_time_unit(t, &lt->unit))
				return -1;
		} else if (tc_skip(t, type)) {
			return -1;
		}
	}
}

static int read_decimal_type(struct tc *t, struct parquet_logical *lt)
{
	int16_t id = 0;
	int type;

	for (;;) {
		if (tc_field(t, &id, &type))
			return -1;
		if (type == TC_STOP)
			return 0;
		if (id == 1) {
			if (tc_want_i32(t, type, &lt->scale))
				return -1;
		} else if (id == 2) {
			if (tc_want_i32(t, type, &lt->precision))
				return -1;
		} else if (tc_skip(t, type)) {
			return -1;
		}
	}
}

/* IntType: 1 bitWidth (i8), 2 isSigned. */
static int read_int_type(struct tc *t, struct parquet_logical *lt)
{
	int16_t id = 0;
	int type;
	unsigned char b;

	for (;;) {
		if (tc_field(t, &id, &type))
			return -1;
		if (type == TC_STOP)
			return 0;
		if (id == 1 && type == TC_BYTE) {
			if (tc_byte(t, &b))
				return -1;
			lt->bit_width = (signed char)b;
		} else if (id == 2) {
			if (tc_want_bool(t, type, &lt->is_signed))
				return -1;
		} else if (tc_skip(t, type)) {
			return -1;
		}
	}
}

/* union LogicalType: one member, a struct. */
static int read_logical(struct tc *t, struct parquet_logical *lt)
{
	int16_t id = 0;
	int type;
	int rc;

	if (++t->nest > TC_MAX_NEST)
		return tc_fail(t, "nested too deep");
	for (;;) {
		if (tc_field(t, &id, &type))
			return -1;
		if (type == TC_STOP)
			break;
		if (type != TC_STRUCT) {
			if (tc_skip(t, type))
				return -1;
			continue;
		}
		t->nest++;
		switch (id) {
		case 5:
			lt->kind = PARQUET_LT_DECIMAL;
			rc = read_decimal_type(t, lt);
			break;
		case 7:
		case 8:
			lt->kind = id == 7 ? PARQUET_LT_TIME
					   : PARQUET_LT_TIMESTAMP;
			rc = read_time_type(t, lt);
			break;
		case 10:
			lt->kind = PARQUET_LT_INTEGER;
			rc = read_int_type(t, lt);
			break;
		default:
			t->nest--;
			if (id >= 1 && id <= 18 && id != 9)
				lt->kind = (enum parquet_logical_kind)
					(id < 9 ? id : id - 1);
			else {
				lt->kind = PARQUET_LT_OTHER;
				lt->other_id = id;
			}
			rc = tc_skip_struct(t);
			t->nest++;
			break;
		}
		t->nest--;
		if (rc)
			return -1;
	}
	t->nest--;
	return 0;
}

static void column_init(struct parquet_column *c)
{
	memset(c, 0, sizeof(*c));
	c->type = c->repetition = c->converted = PARQUET_NONE;
	c->type_length = c->num_children = PARQUET_NONE;
	c->scale = c->precision = c->field_id = PARQUET_NONE;
}

static int read_schema_element(struct tc *t, struct parquet_column *c,
			       bool *oom)
{
	int16_t id = 0;
	int type;
	int32_t v;
	const unsigned char *d;
	size_t n;

	if (++t->nest > TC_MAX_NEST)
		return tc_fail(t, "nested too deep");
	for (;;) {
		if (tc_field(t, &id, &type))
			return -1;
		if (type == TC_STOP)
			break;
		switch (id) {
		case 1: case 2: case 3: case 5: case 6: case 7: case 8: case 9:
			if (tc_want_i32(t, type, &v))
				return -1;
			switch (id) {
			case 1: c->type = v < 0 || v > 7 ? 8 : v; break;
			case 2: c->type_length = v; break;
			case 3: c->repetition = v < 0 || v > 2 ? 3 : v; break;
			case 5: c->num_children = v; break;
			case 6: c->converted = v < 0 || v > 21 ? 22 : v; break;
			case 7: c->scale = v; break;
			case 8: c->precision = v; break;
			default: c->field_id = v; break;
			}
			break;
		case 4:
			if (type != TC_BINARY)
				return tc_fail(t, "field of the wrong type");
			if (tc_binary(t, &d, &n))
				return -1;
			free(c->name);
			c->name = dup_bytes(d, n);
			if (!c->name) {
				*oom = true;
				return tc_fail(t, "out of memory");
			}
			break;
		case 10:
			if (type != TC_STRUCT)
				return tc_fail(t, "field of the wrong type");
			if (read_logical(t, &c->logical))
				return -1;
			break;
		default:
			if (tc_skip(t, type))
				return -1;
		}
	}
	t->nest--;
	if (!c->name)
		return tc_fail(t, "schema element without a name");
	return 0;
}

/* Give every element its depth from the num_children tree (a group's
 * children follow it, depth first), and check the tree is whole: every
 * element is inside the root, no group claims more children than there
 * are elements left. */
static int schema_depths(struct tc *t, struct parquet_meta *m)
{
	/* remaining[d]: children still expected at depth d. */
	int64_t remaining[PARQUET_MAX_DEPTH + 1];
	int depth = 0;

	if (m->ncols == 0)
		return tc_fail(t, "empty schema");
	m->cols[0].depth = 0;
	if (m->cols[0].num_children < 0 ||
	    (size_t)m->cols[0].num_children > m->ncols - 1)
		return tc_fail(t, "schema root claims more children than "
			       "there are");
	remaining[0] = m->cols[0].num_children;
	for (size_t i = 1; i < m->ncols; i++) {
		struct parquet_column *c = &m->cols[i];

		while (depth > 0 && remaining[depth] == 0)
			depth--;
		if (remaining[depth] == 0)
			return tc_fail(t, "schema has elements outside the root");
		remaining[depth]--;
		c->depth = depth + 1;
		if (c->num_children > 0) {
			if ((size_t)c->num_children > m->ncols - 1 - i)
				return tc_fail(t, "schema group claims more "
					       "children than there are");
			if (depth + 1 >= PARQUET_MAX_DEPTH)
				return tc_fail(t, "schema nested too deep");
			depth++;
			remaining[depth] = c->num_children;
		} else if (c->num_children < PARQUET_NONE) {
			return tc_fail(t, "negative num_children");
		} else if (c->type == PARQUET_NONE) {
			return tc_fail(t, "schema leaf without a type");
		}
	}
	for (int d = 0; d <= depth; d++)
		if (remaining[d])
			return tc_fail(t, "schema ends inside a group");
	return 0;
}

static int read_schema(struct tc *t, int type, struct parquet_meta *m,
		       bool *oom)
{
	int elem;
	size_t n;

	if (type != TC_LIST)
		return tc_fail(t, "schema is not a list");
	if (m->cols)
		return tc_fail(t, "schema given twice");
	if (tc_list(t, &elem, &n))
		return -1;
	if (elem != TC_STRUCT)
		return tc_fail(t, "schema is not a list of structs");
	if (n == 0)
		return tc_fail(t, "empty schema");
	/* n <= bytes left: bounded by the footer, not by the claim. */
	m->cols = calloc(n, sizeof(*m->cols));
	if (!m->cols) {
		*oom = true;
		return tc_fail(t, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		column_init(&m->cols[i]);
		m->ncols = i + 1;
		if (read_schema_element(t, &m->cols[i], oom))
			return -1;
	}
	return 0;
}

static int read_row_groups(struct tc *t, int type, struct parquet_meta *m)
{
	int elem;
	size_t n;

	if (type != TC_LIST)
		return tc_fail(t, "row_groups is not a list");
	if (tc_list(t, &elem, &n))
		return -1;
	if (n && elem != TC_STRUCT)
		return tc_fail(t, "row_groups is not a list of structs");
	for (size_t i = 0; i < n; i++)
		if (tc_skip_struct(t))
			return -1;
	m->row_groups = n;
	return 0;
}

static int read_file_metadata(struct tc *t, struct parquet_meta *m,
			      bool *oom)
{
	int16_t id = 0;
	int type;
	bool have_rows = false, have_groups = false, have_version = false;
	const unsigned char *d;
	size_t n;

	for (;;) {
		if (tc_field(t, &id, &type))
			return -1;
		if (type == TC_STOP)
			break;
		switch (id) {
		case 1:
			if (tc_want_i32(t, type, &m->version))
				return -1;
			have_version = true;
			break;
		case 2:
			if (read_schema(t, type, m, oom))
				return -1;
			break;
		case 3:
			if (type != TC_I64)
				return tc_fail(t, "field of the wrong type");
			if (tc_i64(t, &m->num_rows))
				return -1;
			if (m->num_rows < 0)
				return tc_fail(t, "negative num_rows");
			have_rows = true;
			break;
		case 4:
			if (read_row_groups(t, type, m))
				return -1;
			have_groups = true;
			break;
		case 6:
			if (type != TC_BINARY)
				return tc_fail(t, "field of the wrong type");
			if (tc_binary(t, &d, &n))
				return -1;
			free(m->created_by);
			m->created_by = dup_bytes(d, n);
			if (!m->created_by) {
				*oom = true;
				return tc_fail(t, "out of memory");
			}
			break;
		case 8:
			m->column_encryption = true;
			if (tc_skip(t, type))
				return -1;
			break;
		default:
			if (tc_skip(t, type))
				return -1;
		}
	}
	if (!have_version)
		return tc_fail(t, "no version");
	if (!m->cols)
		return tc_fail(t, "no schema");
	if (!have_rows)
		return tc_fail(t, "no num_rows");
	if (!have_groups)
		return tc_fail(t, "no row_groups");
	return schema_depths(t, m);
}

void parquet_meta_release(struct parquet_meta *meta)
{
	if (!meta)
		return;
	for (size_t i = 0; i < meta->ncols; i++)
		free(meta->cols[i].name);
	free(meta->cols);
	free(meta->created_by);
	memset(meta, 0, sizeof(*meta));
}

enum parquet_status parquet_decode(const unsigned char *buf, size_t len,
				   struct parquet_meta *meta,
				   struct s3p_error *err)
{
	struct tc t = { 0 };
	bool oom = false;

	memset(meta, 0, sizeof(*meta));
	t.p = buf;
	t.len = len;
	if (read_file_metadata(&t, meta, &oom) == 0) {
		if (t.pos != len) {
			tc_fail(&t, "bytes after the end of the footer");
		} else {
			return PARQUET_OK;
		}
	}
	if (oom) {
		parquet_meta_release(meta);
		s3p_error_set(err, S3P_E_NOMEM, "out of memory");
		return PARQUET_CORRUPT;
	}
	s3p_error_set(err, S3P_E_INPUT, "%s at byte %zu of %zu", t.why,
		      t.why_at, len);
	return PARQUET_CORRUPT;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

enum parquet_status parquet_tail(const unsigned char tail[PARQUET_TAIL_LEN],
				 uint64_t file_size, uint32_t *footer_len,
				 struct s3p_error *err)
{
	bool enc;

	*footer_len = 0;
	if (file_size < 12) {
		s3p_error_set(err, S3P_E_INPUT, "%llu bytes: too short for "
			      "a parquet file", (unsigned long long)file_size);
		return PARQUET_TRUNCATED;
	}
	enc = memcmp(tail + 4, "PARE", 4) == 0;
	if (!enc && memcmp(tail + 4, "PAR1", 4) != 0) {
		s3p_error_set(err, S3P_E_INPUT,
			      "no trailing PAR1 magic (cut short, or not "
			      "parquet)");
		return PARQUET_TRUNCATED;
	}
	*footer_len = le32(tail);
	/* 4 bytes of leading magic, the footer, 8 bytes of tail. */
	if (*footer_len == 0 || *footer_len > file_size - 12) {
		s3p_error_set(err, S3P_E_INPUT, "footer length %lu does not "
			      "fit in %llu bytes", (unsigned long)*footer_len,
			      (unsigned long long)file_size);
		return PARQUET_TRUNCATED;
	}
	if (enc) {
		s3p_error_set(err, S3P_E_INPUT, "encrypted footer (PARE)");
		return PARQUET_ENCRYPTED;
	}
	return PARQUET_OK;
}

enum parquet_status parquet_read_tail(const unsigned char *buf, size_t buf_len,
				      uint64_t file_size,
				      struct parquet_meta *meta, size_t *need,
				      struct s3p_error *err)
{
	uint32_t flen;
	enum parquet_status st;

	*need = 0;
	memset(meta, 0, sizeof(*meta));
	if (buf_len < PARQUET_TAIL_LEN || buf_len > file_size) {
		s3p_error_set(err, S3P_E_INPUT, "%zu bytes read of a file of "
			      "%llu: too short for a parquet file", buf_len,
			      (unsigned long long)file_size);
		return PARQUET_TRUNCATED;
	}
	st = parquet_tail(buf + buf_len - PARQUET_TAIL_LEN, file_size, &flen,
			  err);
	if (st != PARQUET_OK)
		return st;
	if (flen > PARQUET_MAX_FOOTER) {
		s3p_error_set(err, S3P_E_INPUT, "footer of %lu bytes is over "
			      "the %u s3perm reads", (unsigned long)flen,
			      PARQUET_MAX_FOOTER);
		return PARQUET_CORRUPT;
	}
	if ((size_t)flen + PARQUET_TAIL_LEN > buf_len) {
		*need = (size_t)flen + PARQUET_TAIL_LEN;
		return PARQUET_OK;
	}
	return parquet_decode(buf + buf_len - PARQUET_TAIL_LEN - flen, flen,
			      meta, err);
}

/* ---- names ------------------------------------------------------------- */

const char *parquet_type_name(int type)
{
	static const char *const names[] = {
		"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE",
		"BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"
	};

	if (type == PARQUET_NONE)
		return "-";
	return type >= 0 && type < 8 ? names[type] : "?";
}

const char *parquet_repetition_name(int repetition)
{
	static const char *const names[] = { "REQUIRED", "OPTIONAL",
					     "REPEATED" };

	if (repetition == PARQUET_NONE)
		return "-";
	return repetition >= 0 && repetition < 3 ? names[repetition] : "?";
}

const char *parquet_converted_name(int converted)
{
	static const char *const names[] = {
		"UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL",
		"DATE", "TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS",
		"TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64",
		"INT_8", "INT_16", "INT_32", "INT_64", "JSON", "BSON",
		"INTERVAL"
	};

	if (converted == PARQUET_NONE)
		return "-";
	return converted >= 0 && converted < 22 ? names[converted] : "?";
}

char *parquet_logical_format(const struct parquet_logical *lt, char *out,
			     size_t size)
{
	static const char *const names[] = {
		"-", "STRING", "MAP", "LIST", "ENUM", "DECIMAL", "DATE",
		"TIME", "TIMESTAMP", "INT", "UNKNOWN", "JSON", "BSON", "UUID",
		"FLOAT16", "VARIANT", "GEOMETRY", "GEOGRAPHY", "OTHER"
	};
	static const char *const units[] = { "?", "MILLIS", "MICROS",
					     "NANOS" };

	if (!size)
		return out;
	switch (lt->kind) {
	case PARQUET_LT_DECIMAL:
		snprintf(out, size, "DECIMAL(%ld,%ld)", (long)lt->precision,
			 (long)lt->scale);
		break;
	case PARQUET_LT_TIME:
	case PARQUET_LT_TIMESTAMP:
		snprintf(out, size, "%s(%s,%s)", names[lt->kind],
			 units[lt->unit], lt->utc ? "UTC" : "local");
		break;
	case PARQUET_LT_INTEGER:
		snprintf(out, size, "INT(%d,%s)", lt->bit_width,
			 lt->is_signed ? "signed" : "unsigned");
		break;
	case PARQUET_LT_OTHER:
		snprintf(out, size, "OTHER(%d)", lt->other_id);
		break;
	default:
		snprintf(out, size, "%s",
			 (unsigned)lt->kind < sizeof(names) / sizeof(names[0])
				 ? names[lt->kind] : "?");
	}
	return out;
}
