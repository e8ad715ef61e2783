/* Unit tests: layout's footer checks on trees built from the
 * parquet fixtures (tests/fixtures/parquet/, written by DuckDB and
 * arrow-rs): schema drift, mixed days, 0-row days, row-count outliers,
 * cut-short, corrupt and encrypted files, footers over the first 64 KiB
 * read, Spark markers, a tree given one level too deep; and the report. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "layout.h"
#include "layout_local.h"
#include "layout_report.h"

static const char *fixture_dir(void)
{
	const char *d = getenv("S3PERM_PARQUET_FIXTURES");

	return d && *d ? d : "tests/fixtures/parquet";
}

static unsigned char *slurp(const char *name, size_t *len)
{
	struct buf p = BUF_INIT;
	FILE *f;
	unsigned char *data;
	long n;

	buf_printf(&p, "%s/%s", fixture_dir(), name);
	f = fopen(p.data, "rb");
	if (!f)
		fail_msg("cannot open '%s'", p.data);
	buf_release(&p);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	data = malloc((size_t)n);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return data;
}

/* Write LEN bytes (all of the fixture when LEN is 0, "" for a marker file)
 * of fixture NAME at ROOT/REL, making the folders. */
static void put(const char *root, const char *rel, const char *fixture,
		size_t len)
{
	struct buf p = BUF_INIT;
	unsigned char *data = NULL;
	size_t n = 0;
	FILE *f;

	buf_printf(&p, "%s/%s", root, rel);
	for (char *s = p.data + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p.data, 0700);
		*s = '/';
	}
	if (fixture) {
		data = slurp(fixture, &n);
		if (len && len < n)
			n = len;
	}
	f = fopen(p.data, "wb");
	assert_non_null(f);
	if (n)
		assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	free(data);
	buf_release(&p);
}

static void rm_tree(const char *root)
{
	struct buf cmd = BUF_INIT;

	buf_printf(&cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd.data), 0);
	buf_release(&cmd);
}

static struct layout *new_check(unsigned pct, bool content)
{
	struct layout_options o = { 0 };

	o.since = o.until = LAYOUT_NO_DAY;
	o.today = layout_day_from_ymd(2024, 6, 15);
	o.content = content;
	o.outlier_pct = pct;
	return layout_new(&o);
}

static char *findings(const struct layout *l)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < layout_finding_count(l); i++) {
		const struct finding *f = layout_finding_at(l, i);

		buf_printf(&b, "%s %s %s\n", severity_name(f->severity),
			   f->code, f->path);
	}
	if (!b.data)
		buf_puts(&b, "");
	return buf_detach(&b);
}

static void assert_findings(const struct layout *l, const char *want)
{
	char *got = findings(l);

	if (strcmp(got, want))
		fail_msg("findings differ\n--- got:\n%s--- want:\n%s", got,
			 want);
	free(got);
}

static const char *message(const struct layout *l, const char *code,
			   const char *path)
{
	for (size_t i = 0; i < layout_finding_count(l); i++) {
		const struct finding *f = layout_finding_at(l, i);

		if (!strcmp(f->code, code) && !strcmp(f->path, path))
			return f->message;
	}
	fail_msg("no finding %s at %s", code, path);
	return NULL;
}

/* The planted tree of the e2e test, as a directory: 10 days of the base
 * schema (1000 rows a day) with a type change on day 3, a dropped column
 * on day 4, 0 rows on day 5, 5% of the rows on day 6, a file cut short on
 * day 7, an added column next to a base file on day 8. */
static void plant(const char *root)
{
	static const char *const days[] = {
		"2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04",
		"2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08",
		"2024-01-09", "2024-01-10",
	};
	struct buf p = BUF_INIT;

	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		const char *fx = "layout_base.parquet";

		switch (i) {
		case 2: fx = "layout_type_change.parquet"; break;
		case 3: fx = "layout_drop_column.parquet"; break;
		case 4: fx = "layout_empty.parquet"; break;
		case 5: fx = "layout_small.parquet"; break;
		default: break;
		}
		p.len = 0;
		buf_printf(&p, "events/%s/part-0.parquet", days[i]);
		put(root, p.data, fx, 0);
	}
	put(root, "events/2024-01-07/part-1.parquet", "layout_base.parquet",
	    5000);
	put(root, "events/2024-01-08/part-1.parquet",
	    "layout_add_column.parquet", 0);
	put(root, "events/2024-01-08/_SUCCESS", NULL, 0);
	put(root, "events/2024-01-08/_committed_123", NULL, 0);
	put(root, "events/2024-01-08/_started_123", NULL, 0);
	put(root, "events/2024-01-08/.part-0.parquet.crc", NULL, 0);
	buf_release(&p);
}

static void test_planted_tree(void **state)
{
	char root[] = "/tmp/s3perm-footers-XXXXXX";
	struct layout *l = new_check(0, true);
	struct s3p_error err = { 0 };
	const struct layout_dataset *d;
	const char *m;

	(void)state;
	assert_non_null(mkdtemp(root));
	plant(root);
	assert_int_equal(layout_local_scan(l, root, &err), 0);
	layout_finish(l);
	assert_findings(l,
		"info job_markers events/\n"
		"error schema_drift events/2024-01-03/\n"
		"error schema_drift events/2024-01-04/\n"
		"warning empty_day events/2024-01-05/\n"
		"warning row_count_outlier events/2024-01-06/\n"
		"error truncated_parquet events/2024-01-07/part-1.parquet\n"
		"error schema_drift events/2024-01-08/\n"
		"error schema_mixed_within_day events/2024-01-08/\n");
	m = message(l, "schema_drift", "events/2024-01-03/");
	assert_string_equal(m, "schema differs from the dataset's (8 files): "
		"column 'user_id' changed from INT64 OPTIONAL INT_64 to "
		"BYTE_ARRAY OPTIONAL UTF8; in 1 file, first on 2024-01-03, "
		"e.g. 'events/2024-01-03/part-0.parquet'");
	assert_non_null(strstr(message(l, "schema_drift",
				       "events/2024-01-04/"),
			       "column 'ts' removed (was INT64 OPTIONAL "
			       "TIMESTAMP(MICROS,local))"));
	assert_non_null(strstr(message(l, "schema_drift",
				       "events/2024-01-08/"),
			       "column 'price' added (DOUBLE OPTIONAL)"));
	assert_string_equal(message(l, "row_count_outlier",
				    "events/2024-01-06/"),
		"50 rows: 5.0% of the dataset's median day (1000 rows), below "
		"the 25% threshold");

	d = layout_dataset_at(l, 0);
	assert_int_equal(d->markers, 4);
	assert_int_equal(d->files, 12);
	assert_int_equal(d->footers, 11);   /* all but the cut one */
	assert_int_equal(d->rows, 7 * 1000 + 50 + 1000 + 1000);
	assert_int_equal(d->nschemas, 4);
	assert_int_equal(d->nschema, 3);
	assert_string_equal(d->schema[0].path, "user_id");
	assert_string_equal(d->schema[2].logical, "TIMESTAMP(MICROS,local)");
	assert_int_equal(d->nday_rows, 10);
	assert_int_equal(d->day_rows[4].rows, 0);
	assert_true(d->day_rows[5].outlier);
	assert_false(d->day_rows[6].complete);   /* the cut file */
	assert_int_equal(d->day_rows[7].rows, 2000);
	assert_int_equal(d->rows_min, 50);
	assert_int_equal(d->rows_median, 1000);
	assert_int_equal(d->rows_max, 2000);
	layout_free(l);

	/* The threshold is settable: at 4% the 5% day is not an outlier. */
	l = new_check(4, true);
	assert_int_equal(layout_local_scan(l, root, &err), 0);
	layout_finish(l);
	{
		char *got = findings(l);

		assert_null(strstr(got, "row_count_outlier"));
		assert_non_null(strstr(got, "empty_day"));
		free(got);
	}
	layout_free(l);

	/* --no-content: names only, none of the footer findings. */
	l = new_check(0, false);
	assert_int_equal(layout_local_scan(l, root, &err), 0);
	layout_finish(l);
	assert_findings(l, "info job_markers events/\n");
	assert_int_equal(layout_dataset_at(l, 0)->footers, 0);
	layout_free(l);
	rm_tree(root);
}

/* Pointed at a dataset's folder: one finding says so. */
static void test_one_level_too_deep(void **state)
{
	char root[] = "/tmp/s3perm-footers-XXXXXX";
	struct layout *l = new_check(0, true);
	struct s3p_error err = { 0 };
	struct buf sub = BUF_INIT;

	(void)state;
	assert_non_null(mkdtemp(root));
	plant(root);
	buf_printf(&sub, "%s/events", root);
	assert_int_equal(layout_local_scan(l, sub.data, &err), 0);
	layout_finish(l);
	assert_findings(l, "error root_is_dataset \n");
	assert_non_null(strstr(layout_finding_at(l, 0)->message,
			       "one dataset's folder"));
	assert_int_equal(layout_dataset_count(l), 0);
	layout_free(l);
	buf_release(&sub);
	rm_tree(root);
}

/* A footer longer than the first read (the 1000-column fixture, 138,893
 * bytes): layout_content() asks for exactly the footer, then decodes. */
static void test_long_footer(void **state)
{
	size_t size;
	unsigned char *file = slurp("duckdb_wide.parquet", &size);
	struct layout *l = new_check(0, true);
	const char *key = "wide/2024-01-01/a.parquet";
	size_t need;
	const struct layout_dataset *d;

	(void)state;
	assert_true(size > LAYOUT_TAIL_READ);
	assert_int_equal(layout_add(l, key, size), LAYOUT_READ_CONTENT);
	need = layout_content(l, key, size, file,
			      file + size - LAYOUT_TAIL_READ,
			      LAYOUT_TAIL_READ);
	assert_int_equal(need, 138893 + 8);
	assert_int_equal(layout_content(l, key, size, file,
					file + size - need, need), 0);
	layout_finish(l);
	assert_findings(l, "");
	d = layout_dataset_at(l, 0);
	assert_int_equal(d->footers, 1);
	assert_int_equal(d->rows, 2);
	assert_int_equal(d->nschema, 1000);
	assert_string_equal(d->schema[999].path,
			    "column_with_a_long_name_0999");
	layout_free(l);
	free(file);
}

/* The same through a directory: pread of the tail, then of the footer. */
static void test_local_reads_long_and_bad_footers(void **state)
{
	char root[] = "/tmp/s3perm-footers-XXXXXX";
	struct layout *l = new_check(0, true);
	struct s3p_error err = { 0 };
	size_t size;
	unsigned char *nested = slurp("duckdb_nested.parquet", &size);
	struct buf p = BUF_INIT;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	put(root, "wide/2024-01-01/a.parquet", "duckdb_wide.parquet", 0);
	put(root, "wide/2024-01-01/b.parquet", "duckdb_encrypted.parquet", 0);
	/* A byte of the footer's schema list header changed: the footer
	 * no longer decodes. */
	nested[size - 8 - 1082 + 3] ^= 0xf0;
	buf_printf(&p, "%s/wide/2024-01-01/c.parquet", root);
	f = fopen(p.data, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(nested, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(layout_local_scan(l, root, &err), 0);
	layout_finish(l);
	assert_findings(l,
		"warning encrypted_footer wide/2024-01-01/b.parquet\n"
		"error corrupt_footer wide/2024-01-01/c.parquet\n");
	assert_int_equal(layout_dataset_at(l, 0)->footers, 1);
	assert_int_equal(layout_dataset_at(l, 0)->nschema, 1000);
	layout_free(l);
	free(nested);
	buf_release(&p);
	rm_tree(root);
}

/* --schema: nested columns indented under their group. */
static void test_schema_report(void **state)
{
	char root[] = "/tmp/s3perm-footers-XXXXXX";
	struct layout *l = new_check(0, true);
	struct s3p_error err = { 0 };
	char *text, *json;

	(void)state;
	assert_non_null(mkdtemp(root));
	put(root, "nested/2024-01-01/a.parquet", "duckdb_nested.parquet", 0);
	assert_int_equal(layout_local_scan(l, root, &err), 0);
	layout_finish(l);
	text = layout_report_schema(l);
	assert_string_equal(text,
		"nested:\n"
		"    id                 INT64 OPTIONAL INT_64\n"
		"    st                 group OPTIONAL\n"
		"      x                INT64 OPTIONAL INT_64\n"
		"      y                BYTE_ARRAY OPTIONAL UTF8\n"
		"    li                 group OPTIONAL LIST\n"
		"      list             group REPEATED\n"
		"        element        INT64 OPTIONAL INT_64\n"
		"    mp                 group OPTIONAL MAP\n"
		"      key_value        group REPEATED\n"
		"        key            BYTE_ARRAY REQUIRED UTF8\n"
		"        value          INT64 OPTIONAL INT_64\n"
		"    los                group OPTIONAL LIST\n"
		"      list             group REPEATED\n"
		"        element        group OPTIONAL\n"
		"          a            INT64 OPTIONAL INT_64\n"
		"          b            group OPTIONAL LIST\n"
		"            list       group REPEATED\n"
		"              element  BYTE_ARRAY OPTIONAL UTF8\n"
		"    deep               group OPTIONAL\n"
		"      inner            group OPTIONAL\n"
		"        deep           group OPTIONAL LIST\n"
		"          list         group REPEATED\n"
		"            element    INT64 OPTIONAL INT_64\n");
	free(text);
	json = layout_report_json(l, LAYOUT_ROOT_DIRECTORY, root, &err);
	assert_non_null(json);
	assert_non_null(strstr(json,
		"          \"path\": \"los.list.element.b.list.element\",\n"
		"          \"depth\": 6,\n"
		"          \"type\": \"BYTE_ARRAY\",\n"));
	free(json);
	layout_free(l);
	rm_tree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_planted_tree),
		cmocka_unit_test(test_one_level_too_deep),
		cmocka_unit_test(test_long_footer),
		cmocka_unit_test(test_local_reads_long_and_bad_footers),
		cmocka_unit_test(test_schema_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
