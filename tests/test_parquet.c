/* Unit tests: parquet.c, the footer decoder.
 *
 * The fixtures under tests/fixtures/parquet/ were written by DuckDB and by
 * arrow-rs (tools/parquet-fixtures/gen.mjs); expected.txt is what DuckDB's
 * reader reports about each.  Every fixture is decoded and compared with
 * it, then every prefix of its footer and a bit-flipped copy of every byte
 * are decoded (they must fail cleanly or decode into a consistent schema;
 * valgrind and ASan watch the memory).  Hand-built footers cover what no
 * writer produces: hostile counts and lengths, deep nesting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parquet.h"

#define FIRST_READ (64 * 1024)

static const char *fixture_dir(void)
{
	const char *d = getenv("S3PERM_PARQUET_FIXTURES");

	return d && *d ? d : "tests/fixtures/parquet";
}

static unsigned char *slurp(const char *name, size_t *len)
{
	char path[1024];
	FILE *f;
	unsigned char *p;
	long n;

	snprintf(path, sizeof(path), "%s/%s", fixture_dir(), name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open '%s'", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

/* One block of expected.txt. */
struct expect {
	char file[128];
	int encrypted;
	size_t size;
	unsigned long footer_len;
	char magic[5];
	long long num_rows, key_rows;
	unsigned long long row_groups;
	char created_by[256];
	char *cols[2048];            /* the "col ..." lines, without "col " */
	size_t ncols;
};

static void expect_release(struct expect *e)
{
	for (size_t i = 0; i < e->ncols; i++)
		free(e->cols[i]);
	e->ncols = 0;
}

/* The next line of *cursor (cut in place), NULL at the end. */
static char *next_line(char **cursor)
{
	char *line = *cursor, *nl;

	if (!line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = NULL;
	}
	return line;
}

/* Read the next block from *cursor; false at the end. */
static bool next_expect(char **cursor, struct expect *e)
{
	char *line;

	memset(e, 0, sizeof(*e));
	e->num_rows = e->key_rows = -1;
	while ((line = next_line(cursor)) != NULL) {
		if (!*line || *line == '#')
			continue;
		if (!strncmp(line, "file ", 5))
			snprintf(e->file, sizeof(e->file), "%s", line + 5);
		else if (!strncmp(line, "encrypted ", 10))
			e->encrypted = atoi(line + 10);
		else if (!strncmp(line, "size ", 5))
			e->size = strtoull(line + 5, NULL, 10);
		else if (!strncmp(line, "footer_len ", 11))
			e->footer_len = strtoul(line + 11, NULL, 10);
		else if (!strncmp(line, "magic ", 6))
			snprintf(e->magic, sizeof(e->magic), "%s", line + 6);
		else if (!strncmp(line, "num_rows ", 9))
			e->num_rows = strtoll(line + 9, NULL, 10);
		else if (!strncmp(line, "key_rows ", 9))
			e->key_rows = strtoll(line + 9, NULL, 10);
		else if (!strncmp(line, "row_groups ", 11))
			e->row_groups = strtoull(line + 11, NULL, 10);
		else if (!strncmp(line, "created_by ", 11))
			snprintf(e->created_by, sizeof(e->created_by), "%s",
				 line + 11);
		else if (!strncmp(line, "col ", 4)) {
			assert_true(e->ncols < 2048);
			e->cols[e->ncols] = strdup(line + 4);
			assert_non_null(e->cols[e->ncols]);
			e->ncols++;
		} else if (!strcmp(line, "end"))
			return true;
		else
			fail_msg("expected.txt: unknown line '%s'", line);
	}
	return false;
}

static void fmt_int(char *out, size_t size, int32_t v)
{
	if (v == PARQUET_NONE)
		snprintf(out, size, "-");
	else
		snprintf(out, size, "%ld", (long)v);
}

/* A column in expected.txt's spelling. */
static void col_line(const struct parquet_column *c, char *out, size_t size)
{
	char tl[16], nc[16], sc[16], pr[16], lt[64];

	fmt_int(tl, sizeof(tl), c->type_length);
	fmt_int(nc, sizeof(nc), c->num_children);
	fmt_int(sc, sizeof(sc), c->scale);
	fmt_int(pr, sizeof(pr), c->precision);
	parquet_logical_format(&c->logical, lt, sizeof(lt));
	snprintf(out, size, "%s|%s|%s|%s|%s|%s|%s|%s|%s", c->name,
		 parquet_type_name(c->type), tl,
		 parquet_repetition_name(c->repetition), nc,
		 parquet_converted_name(c->converted), sc, pr, lt);
}

/* Read the footer the way layout does: the last 64 KiB, then exactly the
 * footer when it is longer. */
static enum parquet_status read_like_layout(const unsigned char *file,
					    size_t size,
					    struct parquet_meta *m,
					    int *reads, struct s3p_error *err)
{
	size_t first = size < FIRST_READ ? size : FIRST_READ, need;
	enum parquet_status st;

	*reads = 1;
	st = parquet_read_tail(file + size - first, first, size, m, &need,
			       err);
	if (st == PARQUET_OK && need) {
		assert_true(need <= size);
		assert_true(need > first);
		*reads = 2;
		st = parquet_read_tail(file + size - need, need, size, m,
				       &need, err);
		assert_int_equal(need, 0);
	}
	return st;
}

/* The invariants of any successful decode. */
static void check_consistent(const struct parquet_meta *m)
{
	assert_true(m->ncols >= 1);
	assert_int_equal(m->cols[0].depth, 0);
	assert_true(m->num_rows >= 0);
	for (size_t i = 0; i < m->ncols; i++) {
		assert_non_null(m->cols[i].name);
		if (i)
			assert_true(m->cols[i].depth >= 1 &&
				    m->cols[i].depth <= PARQUET_MAX_DEPTH);
	}
}

static void test_fixtures_match_writer(void **state)
{
	size_t len, files = 0, wide = 0;
	char *text = (char *)slurp("expected.txt", &len), *cursor = text;
	struct expect e;

	(void)state;
	while (next_expect(&cursor, &e)) {
		size_t size;
		unsigned char *file = slurp(e.file, &size);
		struct parquet_meta m;
		struct s3p_error err = { 0 };
		uint32_t flen;
		int reads;
		enum parquet_status st;

		assert_int_equal(size, e.size);
		st = parquet_tail(file + size - 8, size, &flen, &err);
		assert_int_equal(flen, e.footer_len);
		assert_memory_equal(file + size - 4, e.magic, 4);
		st = read_like_layout(file, size, &m, &reads, &err);
		if (e.encrypted) {
			assert_int_equal(st, PARQUET_ENCRYPTED);
			assert_string_equal(e.magic, "PARE");
			assert_true(e.key_rows > 0);
			free(file);
			expect_release(&e);
			files++;
			continue;
		}
		if (st != PARQUET_OK)
			fail_msg("%s: %s", e.file, err.msg);
		assert_int_equal(reads, e.footer_len + 8 > FIRST_READ ? 2 : 1);
		if (reads == 2)
			wide++;
		assert_int_equal(m.num_rows, e.num_rows);
		assert_int_equal(m.row_groups, e.row_groups);
		assert_non_null(m.created_by);
		assert_string_equal(m.created_by, e.created_by);
		assert_false(m.column_encryption);
		assert_int_equal(m.ncols, e.ncols);
		for (size_t i = 0; i < m.ncols; i++) {
			char got[512];

			col_line(&m.cols[i], got, sizeof(got));
			/* arrow-rs leaves the root's repetition unset;
			 * DuckDB reports it as absent too. */
			if (strcmp(got, e.cols[i]))
				fail_msg("%s column %zu: got '%s', writer "
					 "says '%s'", e.file, i, got,
					 e.cols[i]);
		}
		check_consistent(&m);
		parquet_meta_release(&m);
		free(file);
		expect_release(&e);
		files++;
	}
	/* Every fixture is in expected.txt, one of them over 64 KiB. */
	assert_true(files >= 20);
	assert_int_equal(wide, 1);
	free(text);
}

/* Depths from the nested fixture, as the writer's tree gives them. */
static void test_nested_depths(void **state)
{
	size_t size;
	unsigned char *file = slurp("duckdb_nested.parquet", &size);
	struct parquet_meta m;
	struct s3p_error err = { 0 };
	int reads;
	static const struct { const char *name; int depth; } want[] = {
		{ "duckdb_schema", 0 }, { "id", 1 }, { "st", 1 }, { "x", 2 },
		{ "y", 2 }, { "li", 1 }, { "list", 2 }, { "element", 3 },
		{ "mp", 1 }, { "key_value", 2 }, { "key", 3 }, { "value", 3 },
		{ "los", 1 }, { "list", 2 }, { "element", 3 }, { "a", 4 },
		{ "b", 4 }, { "list", 5 }, { "element", 6 }, { "deep", 1 },
		{ "inner", 2 }, { "deep", 3 }, { "list", 4 }, { "element", 5 },
	};

	(void)state;
	assert_int_equal(read_like_layout(file, size, &m, &reads, &err),
			 PARQUET_OK);
	assert_int_equal(m.ncols, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < m.ncols; i++) {
		assert_string_equal(m.cols[i].name, want[i].name);
		assert_int_equal(m.cols[i].depth, want[i].depth);
	}
	parquet_meta_release(&m);
	free(file);
}

/* Every file of expected.txt, by name. */
static size_t fixture_names(char names[][128], size_t max)
{
	size_t len, n = 0;
	char *text = (char *)slurp("expected.txt", &len), *cursor = text;
	struct expect e;

	while (n < max && next_expect(&cursor, &e)) {
		snprintf(names[n++], 128, "%s", e.file);
		expect_release(&e);
	}
	free(text);
	return n;
}

/* A file cut short anywhere is never read as a whole one; every prefix of
 * a footer fails to decode (the last byte is the struct's stop). */
static void test_truncated(void **state)
{
	char names[64][128];
	size_t n = fixture_names(names, 64);

	(void)state;
	for (size_t f = 0; f < n; f++) {
		size_t size, need;
		unsigned char *file = slurp(names[f], &size);
		struct parquet_meta m;
		struct s3p_error err = { 0 };
		uint32_t flen;
		enum parquet_status st;
		size_t step = size > 4096 ? size / 997 : 1;

		for (size_t cut = 0; cut < size; cut += step) {
			size_t first = cut < FIRST_READ ? cut : FIRST_READ;

			st = parquet_read_tail(file + cut - first, first, cut,
					       &m, &need, &err);
			assert_int_not_equal(st, PARQUET_OK);
			assert_int_equal(need, 0);
			parquet_meta_release(&m);
		}
		if (parquet_tail(file + size - 8, size, &flen, &err) !=
		    PARQUET_OK) {
			free(file);
			continue;               /* encrypted */
		}
		for (size_t j = 0; j < flen; j += flen > 8192 ? 61 : 1) {
			st = parquet_decode(file + size - 8 - flen, j, &m,
					    &err);
			assert_int_equal(st, PARQUET_CORRUPT);
			assert_int_equal(err.kind, S3P_E_INPUT);
			parquet_meta_release(&m);
		}
		free(file);
	}
}

/* One bit flipped in every byte of every small footer (and every 8th byte
 * set to 0xff): a clean result either way. */
static void test_bit_flips(void **state)
{
	char names[64][128];
	size_t n = fixture_names(names, 64), decoded = 0, refused = 0;

	(void)state;
	for (size_t f = 0; f < n; f++) {
		size_t size;
		unsigned char *file = slurp(names[f], &size);
		uint32_t flen;
		struct s3p_error err = { 0 };
		unsigned char *foot;

		if (parquet_tail(file + size - 8, size, &flen, &err) !=
		    PARQUET_OK || flen > 8192) {
			free(file);
			continue;
		}
		foot = malloc(flen);
		assert_non_null(foot);
		for (size_t i = 0; i < flen; i++) {
			/* 0xff too on every 8th byte: half the time under
			 * valgrind of doing both everywhere. */
			for (int k = 0; k < (i % 8 ? 1 : 2); k++) {
				struct parquet_meta m;

				memcpy(foot, file + size - 8 - flen, flen);
				foot[i] = k ? 0xff
					    : foot[i] ^ (unsigned char)(1u << (i % 8));
				if (parquet_decode(foot, flen, &m, &err) ==
				    PARQUET_OK) {
					check_consistent(&m);
					decoded++;
				} else {
					assert_int_equal(err.kind,
							 S3P_E_INPUT);
					refused++;
				}
				parquet_meta_release(&m);
			}
		}
		free(foot);
		free(file);
	}
	/* Both outcomes happen: flips in values decode, flips in the
	 * structure do not. */
	assert_true(decoded > 0);
	assert_true(refused > 0);
}

/* A footer built by hand: FileMetaData with version 1, a schema list,
 * num_rows 0 and no row groups. */
static size_t put_footer(unsigned char *out, const unsigned char *schema,
			 size_t schema_len)
{
	size_t n = 0;

	out[n++] = 0x15;                 /* field 1, i32 */
	out[n++] = 0x02;                 /* 1 */
	memcpy(out + n, schema, schema_len);
	n += schema_len;
	out[n++] = 0x16;                 /* field 3, i64 */
	out[n++] = 0x00;
	out[n++] = 0x19;                 /* field 4, list */
	out[n++] = 0x0c;                 /* 0 structs */
	out[n++] = 0x00;                 /* stop */
	return n;
}

static void test_hand_built(void **state)
{
	/* field 2, list of 2 structs: root (name "r", 1 child), leaf
	 * (type INT96, name "t"). */
	static const unsigned char good[] = {
		0x19, 0x2c,
		0x48, 0x01, 'r', 0x15, 0x02, 0x00,
		0x15, 0x06, 0x38, 0x01, 't', 0x00,
	};
	unsigned char buf[256];
	struct parquet_meta m;
	struct s3p_error err = { 0 };
	size_t n = put_footer(buf, good, sizeof(good));

	(void)state;
	assert_int_equal(parquet_decode(buf, n, &m, &err), PARQUET_OK);
	assert_int_equal(m.ncols, 2);
	assert_string_equal(m.cols[1].name, "t");
	assert_string_equal(parquet_type_name(m.cols[1].type), "INT96");
	assert_int_equal(m.num_rows, 0);
	assert_int_equal(m.row_groups, 0);
	assert_null(m.created_by);
	parquet_meta_release(&m);

	/* One byte more after the stop: refused. */
	buf[n] = 0;
	assert_int_equal(parquet_decode(buf, n + 1, &m, &err),
			 PARQUET_CORRUPT);
	assert_non_null(strstr(err.msg, "after the end"));
	parquet_meta_release(&m);
}

static void expect_corrupt(const unsigned char *schema, size_t len,
			   const char *why)
{
	unsigned char buf[512];
	struct parquet_meta m;
	struct s3p_error err = { 0 };
	size_t n = put_footer(buf, schema, len);

	assert_int_equal(parquet_decode(buf, n, &m, &err), PARQUET_CORRUPT);
	if (!strstr(err.msg, why))
		fail_msg("'%s' does not say '%s'", err.msg, why);
	parquet_meta_release(&m);
}

static void test_hostile(void **state)
{
	/* A list claiming 2^32 - 1 structs in 10 bytes: refused before
	 * any allocation. */
	static const unsigned char huge_list[] = {
		0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00,
	};
	/* A name claiming 2 GiB. */
	static const unsigned char huge_name[] = {
		0x19, 0x1c, 0x48, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00,
	};
	/* The root claims 5 children, there is 1. */
	static const unsigned char lying_root[] = {
		0x19, 0x2c,
		0x48, 0x01, 'r', 0x15, 0x0a, 0x00,
		0x15, 0x02, 0x38, 0x01, 'a', 0x00,
	};
	/* A group claims 3 children, there is 1. */
	static const unsigned char lying_group[] = {
		0x19, 0x3c,
		0x48, 0x01, 'r', 0x15, 0x04, 0x00,
		0x48, 0x01, 'g', 0x15, 0x06, 0x00,
		0x15, 0x02, 0x38, 0x01, 'a', 0x00,
	};
	/* A leaf without a type. */
	static const unsigned char untyped[] = {
		0x19, 0x2c,
		0x48, 0x01, 'r', 0x15, 0x02, 0x00,
		0x48, 0x01, 'a', 0x00,
	};
	/* A varint that never ends. */
	static const unsigned char endless[] = {
		0x19, 0x1c, 0x48, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0x01,
	};
	/* An unknown field holding structs nested 40 deep. */
	unsigned char deep[128];
	size_t n = 0;

	(void)state;
	expect_corrupt(huge_list, sizeof(huge_list), "list count");
	expect_corrupt(huge_name, sizeof(huge_name), "string longer");
	expect_corrupt(lying_root, sizeof(lying_root), "root claims");
	expect_corrupt(lying_group, sizeof(lying_group), "children");
	expect_corrupt(untyped, sizeof(untyped), "without a type");
	expect_corrupt(endless, sizeof(endless), "varint too long");
	deep[n++] = 0x7c;                /* field 7: struct */
	for (int i = 0; i < 40; i++)
		deep[n++] = 0x1c;        /* field 1: struct */
	for (int i = 0; i < 41; i++)
		deep[n++] = 0x00;
	expect_corrupt(deep, n, "nested too deep");
}

/* Schema nesting past PARQUET_MAX_DEPTH: refused. */
static void test_deep_schema(void **state)
{
	unsigned char schema[2048], buf[4096];
	size_t n = 0, levels = PARQUET_MAX_DEPTH + 2;
	struct parquet_meta m;
	struct s3p_error err = { 0 };

	(void)state;
	schema[n++] = 0x19;
	schema[n++] = 0xfc;
	schema[n++] = (unsigned char)(levels + 1);  /* < 128 */
	for (size_t i = 0; i < levels; i++) {
		schema[n++] = 0x48;      /* name "g" */
		schema[n++] = 0x01;
		schema[n++] = 'g';
		schema[n++] = 0x15;      /* num_children 1 */
		schema[n++] = 0x02;
		schema[n++] = 0x00;
	}
	schema[n++] = 0x15;              /* a leaf: INT32 "x" */
	schema[n++] = 0x02;
	schema[n++] = 0x38;
	schema[n++] = 0x01;
	schema[n++] = 'x';
	schema[n++] = 0x00;
	n = put_footer(buf, schema, n);
	assert_int_equal(parquet_decode(buf, n, &m, &err), PARQUET_CORRUPT);
	assert_non_null(strstr(err.msg, "nested too deep"));
	parquet_meta_release(&m);
}

static void test_tail(void **state)
{
	unsigned char t[8] = { 10, 0, 0, 0, 'P', 'A', 'R', '1' };
	uint32_t flen;
	struct s3p_error err = { 0 };

	(void)state;
	assert_int_equal(parquet_tail(t, 22, &flen, &err), PARQUET_OK);
	assert_int_equal(flen, 10);
	/* One byte short of holding magic + footer + tail. */
	assert_int_equal(parquet_tail(t, 21, &flen, &err), PARQUET_TRUNCATED);
	assert_non_null(strstr(err.msg, "does not fit"));
	assert_int_equal(parquet_tail(t, 11, &flen, &err), PARQUET_TRUNCATED);
	t[0] = 0;
	assert_int_equal(parquet_tail(t, 100, &flen, &err), PARQUET_TRUNCATED);
	t[0] = 10;
	t[7] = 'E';
	assert_int_equal(parquet_tail(t, 100, &flen, &err), PARQUET_ENCRYPTED);
	t[7] = 'X';
	assert_int_equal(parquet_tail(t, 100, &flen, &err), PARQUET_TRUNCATED);
	assert_non_null(strstr(err.msg, "magic"));
	/* A footer over the limit is not read. */
	{
		unsigned char big[8] = { 0, 0, 0, 0x10, 'P', 'A', 'R', '1' };
		size_t need;
		struct parquet_meta m;

		assert_int_equal(parquet_read_tail(big, 8, 1ull << 40, &m,
						   &need, &err),
				 PARQUET_CORRUPT);
		assert_int_equal(need, 0);
	}
}

static void test_names(void **state)
{
	struct parquet_logical lt = { 0 };
	char out[64];

	(void)state;
	assert_string_equal(parquet_type_name(PARQUET_NONE), "-");
	assert_string_equal(parquet_type_name(3), "INT96");
	assert_string_equal(parquet_type_name(9), "?");
	assert_string_equal(parquet_converted_name(21), "INTERVAL");
	assert_string_equal(parquet_repetition_name(2), "REPEATED");
	assert_string_equal(parquet_logical_format(&lt, out, sizeof(out)), "-");
	lt.kind = PARQUET_LT_OTHER;
	lt.other_id = 42;
	assert_string_equal(parquet_logical_format(&lt, out, sizeof(out)),
			    "OTHER(42)");
	lt.kind = PARQUET_LT_GEOGRAPHY;
	assert_string_equal(parquet_logical_format(&lt, out, sizeof(out)),
			    "GEOGRAPHY");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_match_writer),
		cmocka_unit_test(test_nested_depths),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_hand_built),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_deep_schema),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
