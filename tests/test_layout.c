/* Unit tests: layout.c (the pure layout check, with a pinned clock),
 * layout_report.c (text and JSON) and layout_local.c (a directory tree). */
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
#include "mini_parquet.h"

static int day(int y, int m, int d)
{
	int n = layout_day_from_ymd(y, m, d);

	assert_int_not_equal(n, LAYOUT_NO_DAY);
	return n;
}

/* A check with "today" pinned to 2024-06-15 and content reads on. */
static struct layout *new_check(void)
{
	struct layout_options o = { 0 };

	o.since = o.until = LAYOUT_NO_DAY;
	o.today = day(2024, 6, 15);
	o.content = true;
	return layout_new(&o);
}

/* "severity code path" per finding, one per line, in report order. */
static char *findings(const struct layout *l)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < layout_finding_count(l); i++) {
		const struct finding *f = layout_finding_at(l, i);

		buf_printf(&b, "%s %s %s\n", severity_name(f->severity),
			   f->code, f->path);
	}
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

static const unsigned char good_head[4] = { 'P', 'A', 'R', '1' };
static const unsigned char good_tail[8] = { 100, 0, 0, 0, 'P', 'A', 'R', '1' };

/* Add a file; answer a content read with a valid parquet head and tail
 * (mini_parquet.h's footer: 10 rows, so any size from 41 bytes on fits). */
static void add_good(struct layout *l, const char *key, uint64_t size)
{
	if (layout_add(l, key, size) == LAYOUT_READ_CONTENT)
		assert_int_equal(layout_content(l, key, size, good_head,
			(const unsigned char *)MINI_PQ_TAIL,
			MINI_PQ_TAIL_LEN), 0);
}

/* ---- dates ---------------------------------------------------------- */

static void test_day_numbers(void **state)
{
	(void)state;
	assert_int_equal(layout_day_from_ymd(1970, 1, 1), 0);
	assert_int_equal(layout_day_from_ymd(1969, 12, 31), -1);
	assert_int_equal(layout_day_from_ymd(2000, 3, 1), 11017);
	assert_int_equal(layout_day_from_ymd(2024, 2, 29) + 1,
			 layout_day_from_ymd(2024, 3, 1));
	assert_int_equal(layout_day_from_ymd(2023, 12, 31) + 1,
			 layout_day_from_ymd(2024, 1, 1));
	assert_int_equal(layout_day_from_ymd(2023, 2, 29), LAYOUT_NO_DAY);
	assert_int_equal(layout_day_from_ymd(1900, 2, 29), LAYOUT_NO_DAY);
	assert_int_not_equal(layout_day_from_ymd(2000, 2, 29), LAYOUT_NO_DAY);
	assert_int_equal(layout_day_from_ymd(2024, 13, 1), LAYOUT_NO_DAY);
	assert_int_equal(layout_day_from_ymd(2024, 0, 1), LAYOUT_NO_DAY);
	assert_int_equal(layout_day_from_ymd(2024, 4, 31), LAYOUT_NO_DAY);
	assert_int_equal(layout_day_from_ymd(0, 1, 1), LAYOUT_NO_DAY);
	assert_int_equal(layout_day_from_ymd(2024, 1, 0), LAYOUT_NO_DAY);
}

static void test_day_round_trip(void **state)
{
	int from = day(1899, 1, 1), to = day(2101, 12, 31);
	char iso[11];

	(void)state;
	for (int n = from; n <= to; n++) {
		int y, m, d;

		layout_day_to_ymd(n, &y, &m, &d);
		assert_int_equal(layout_day_from_ymd(y, m, d), n);
	}
	layout_day_format(day(2024, 1, 8), iso);
	assert_string_equal(iso, "2024-01-08");
	layout_day_format(day(999, 12, 31), iso);
	assert_string_equal(iso, "0999-12-31");
}

static void test_day_names(void **state)
{
	static const struct {
		const char *name;
		enum layout_day_kind kind;
		int y, m, d;
	} cases[] = {
		{ "2024-01-18", LAYOUT_DAY_ISO, 2024, 1, 18 },
		{ "2024-02-29", LAYOUT_DAY_ISO, 2024, 2, 29 },
		{ "20240118", LAYOUT_DAY_OTHER, 2024, 1, 18 },
		{ "2024_01_18", LAYOUT_DAY_OTHER, 2024, 1, 18 },
		{ "2024.01.18", LAYOUT_DAY_OTHER, 2024, 1, 18 },
		{ "dt=2024-01-18", LAYOUT_DAY_OTHER, 2024, 1, 18 },
		{ "date=20240118", LAYOUT_DAY_OTHER, 2024, 1, 18 },
		{ "2024-13-01", LAYOUT_DAY_INVALID, 0, 0, 0 },
		{ "2023-02-29", LAYOUT_DAY_INVALID, 0, 0, 0 },
		{ "20241301", LAYOUT_DAY_INVALID, 0, 0, 0 },
		{ "dt=2024-04-31", LAYOUT_DAY_INVALID, 0, 0, 0 },
		{ "0000-01-01", LAYOUT_DAY_INVALID, 0, 0, 0 },
		{ "latest", LAYOUT_DAY_NONE, 0, 0, 0 },
		{ "2024-1-18", LAYOUT_DAY_NONE, 0, 0, 0 },
		{ "2024-01-18x", LAYOUT_DAY_NONE, 0, 0, 0 },
		{ "2024-01_18", LAYOUT_DAY_NONE, 0, 0, 0 },
		{ "=2024-01-18", LAYOUT_DAY_NONE, 0, 0, 0 },
		{ "2024011", LAYOUT_DAY_NONE, 0, 0, 0 },
		{ "", LAYOUT_DAY_NONE, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int n = 12345;
		enum layout_day_kind k = layout_parse_day_name(cases[i].name,
							       &n);

		if (k != cases[i].kind)
			fail_msg("'%s': kind %d, want %d", cases[i].name,
				 (int)k, (int)cases[i].kind);
		if (k == LAYOUT_DAY_ISO || k == LAYOUT_DAY_OTHER)
			assert_int_equal(n, day(cases[i].y, cases[i].m,
						cases[i].d));
	}
}

static void test_iso_option(void **state)
{
	struct s3p_error err = { 0 };
	int n = 0;

	(void)state;
	assert_int_equal(layout_parse_iso_day("2024-03-01", &n, &err), 0);
	assert_int_equal(n, day(2024, 3, 1));
	assert_int_equal(layout_parse_iso_day("20240301", &n, &err), -1);
	assert_int_equal(err.kind, S3P_E_USAGE);
	assert_string_equal(err.msg, "invalid date '20240301': expected a "
			    "valid YYYY-MM-DD");
	assert_int_equal(layout_parse_iso_day("2024-02-30", &n, &err), -1);
	assert_int_equal(layout_parse_iso_day("", &n, &err), -1);
}

/* ---- parquet content ------------------------------------------------ */

static void test_parquet_content(void **state)
{
	unsigned char head[4], tail[8];

	(void)state;
	assert_null(layout_parquet_problem(112, good_head, good_tail));
	/* footer of 100 bytes: 4 + 100 + 4 + 4 = 112 is the smallest fit */
	assert_non_null(layout_parquet_problem(111, good_head, good_tail));
	assert_string_equal(layout_parquet_problem(11, good_head, good_tail),
			    "too small to be parquet");
	memcpy(head, "PAR0", 4);
	assert_string_equal(layout_parquet_problem(200, head, good_tail),
			    "does not start with the parquet magic PAR1");
	memcpy(tail, good_tail, 8);
	memcpy(tail + 4, "PARX", 4);
	assert_string_equal(layout_parquet_problem(200, good_head, tail),
			    "does not end with the parquet magic PAR1");
	memcpy(tail, "\0\0\0\0PAR1", 8);
	assert_string_equal(layout_parquet_problem(200, good_head, tail),
			    "footer length does not fit the file");
	memcpy(tail, "\xff\xff\xff\x7fPAR1", 8);
	assert_non_null(layout_parquet_problem(200, good_head, tail));
	/* little-endian: 0x00000100 = 256 */
	memcpy(tail, "\x00\x01\x00\x00PAR1", 8);
	assert_null(layout_parquet_problem(268, good_head, tail));
	assert_non_null(layout_parquet_problem(267, good_head, tail));
}

/* ---- the check ------------------------------------------------------ */

static void test_clean_layout(void **state)
{
	struct layout *l = new_check();
	const struct layout_dataset *d;

	(void)state;
	add_good(l, "events/2024-01-01/part-0.parquet", 200);
	add_good(l, "events/2024-01-01/part-1.parquet", 300);
	add_good(l, "events/2024-01-02/part-0.parquet", 400);
	add_good(l, "events/2024-01-03/part-0.snappy.parquet", 500);
	assert_int_equal(layout_add(l, "events/", 0), LAYOUT_DONE);
	assert_int_equal(layout_add(l, "events/2024-01-02/", 0), LAYOUT_DONE);
	add_good(l, "metrics/2024-01-02/m.PARQUET", 1000);
	layout_finish(l);
	assert_findings(l, "");
	assert_int_equal(layout_dataset_count(l), 2);
	d = layout_dataset_at(l, 0);
	assert_string_equal(d->name, "events");
	assert_true(d->by_day);
	assert_int_equal(d->first_day, day(2024, 1, 1));
	assert_int_equal(d->last_day, day(2024, 1, 3));
	assert_int_equal(d->days, 3);
	assert_int_equal(d->files, 4);
	assert_int_equal(d->bytes, 1400);
	assert_int_equal(d->nmissing, 0);
	d = layout_dataset_at(l, 1);
	assert_string_equal(d->name, "metrics");
	assert_int_equal(d->days, 1);
	assert_int_equal(d->files, 1);
	layout_free(l);
}

static void test_content_reads_asked(void **state)
{
	struct layout_options o = { 0 };
	struct layout *l;

	(void)state;
	o.since = o.until = LAYOUT_NO_DAY;
	o.today = day(2024, 6, 15);
	o.content = true;
	l = layout_new(&o);
	assert_int_equal(layout_add(l, "e/2024-01-01/a.parquet", 12),
			 LAYOUT_READ_CONTENT);
	assert_int_equal(layout_add(l, "e/2024-01-01/b.parquet", 11),
			 LAYOUT_DONE);
	assert_int_equal(layout_add(l, "e/2024-01-01/c.csv", 100),
			 LAYOUT_DONE);
	assert_int_equal(layout_add(l, "e/2099-01-01/d.parquet", 100),
			 LAYOUT_DONE);
	assert_int_equal(layout_add(l, "e/loose.parquet", 100), LAYOUT_DONE);
	assert_int_equal(layout_add(l, "signals/x/a.parquet", 100),
			 LAYOUT_READ_CONTENT);
	layout_free(l);
	o.content = false;
	l = layout_new(&o);
	assert_int_equal(layout_add(l, "e/2024-01-01/a.parquet", 100),
			 LAYOUT_DONE);
	assert_int_equal(layout_add(l, "signals/x/a.parquet", 100),
			 LAYOUT_DONE);
	layout_finish(l);
	assert_findings(l, "");
	layout_free(l);
}

static void test_gaps(void **state)
{
	struct layout *l = new_check();
	const struct layout_dataset *d;
	const struct finding *f;

	(void)state;
	add_good(l, "events/2024-01-01/a.parquet", 100);
	add_good(l, "events/2024-01-03/a.parquet", 100);
	add_good(l, "events/2024-01-09/a.parquet", 100);
	layout_finish(l);
	assert_findings(l,
		"warning missing_days events/2024-01-02/\n"
		"warning missing_days events/2024-01-04/\n");
	f = layout_finding_at(l, 0);
	assert_string_equal(f->message, "day 2024-01-02 is missing");
	f = layout_finding_at(l, 1);
	assert_string_equal(f->message,
			    "5 days are missing: 2024-01-04 to 2024-01-08");
	d = layout_dataset_at(l, 0);
	assert_int_equal(d->days, 3);
	assert_int_equal(d->nmissing, 6);
	assert_int_equal(d->ngaps, 2);
	assert_int_equal(d->gaps[0].from, day(2024, 1, 2));
	assert_int_equal(d->gaps[0].to, day(2024, 1, 2));
	assert_int_equal(d->gaps[1].from, day(2024, 1, 4));
	assert_int_equal(d->gaps[1].to, day(2024, 1, 8));
	layout_free(l);
}

static void test_month_and_year_boundaries(void **state)
{
	struct layout *l = new_check();
	const struct layout_dataset *d;
	char iso[11];

	(void)state;
	/* 2023-12-30 .. 2024-03-02, every day but 2024-02-29 (leap). */
	for (int n = day(2023, 12, 30); n <= day(2024, 3, 2); n++) {
		char key[64];

		if (n == day(2024, 2, 29))
			continue;
		layout_day_format(n, iso);
		snprintf(key, sizeof(key), "events/%s/part.parquet", iso);
		add_good(l, key, 1000);
	}
	layout_finish(l);
	assert_findings(l, "warning missing_days events/2024-02-29/\n");
	d = layout_dataset_at(l, 0);
	assert_int_equal(d->days, 2 + 31 + 29 + 2 - 1);
	assert_int_equal(d->nmissing, 1);
	layout_free(l);
}

static void test_file_findings(void **state)
{
	struct layout *l = new_check();
	static const unsigned char csv_head[4] = { 'a', ',', 'b', '\n' };
	const struct layout_dataset *d;

	(void)state;
	add_good(l, "events/2024-01-01/a.parquet", 100);
	assert_int_equal(layout_add(l, "events/2024-01-01/b.csv", 50),
			 LAYOUT_DONE);
	assert_int_equal(layout_add(l, "events/2024-01-01/c.parquet", 0),
			 LAYOUT_DONE);
	assert_int_equal(layout_add(l, "events/2024-01-01/d.parquet", 100),
			 LAYOUT_READ_CONTENT);
	layout_content(l, "events/2024-01-01/d.parquet", 100, csv_head,
		       good_tail, 8);
	assert_int_equal(layout_add(l, "events/2024-01-01/e.parquet", 100),
			 LAYOUT_READ_CONTENT);
	layout_content_failed(l, "events/2024-01-01/e.parquet",
			      "403 AccessDenied");
	assert_int_equal(layout_add(l, "events/2024-01-01/f.parquet", 5),
			 LAYOUT_DONE);
	layout_finish(l);
	assert_findings(l,
		"error not_parquet events/2024-01-01/b.csv\n"
		"error zero_bytes events/2024-01-01/c.parquet\n"
		"error bad_parquet events/2024-01-01/d.parquet\n"
		"warning content_unreadable events/2024-01-01/e.parquet\n"
		"error bad_parquet events/2024-01-01/f.parquet\n");
	assert_string_equal(layout_finding_at(l, 2)->message,
			    "named .parquet but not parquet: does not start "
			    "with the parquet magic PAR1");
	assert_string_equal(layout_finding_at(l, 3)->message,
			    "content not checked: 403 AccessDenied");
	d = layout_dataset_at(l, 0);
	/* every file of a counted day is counted, good or bad */
	assert_int_equal(d->files, 6);
	assert_int_equal(d->bytes, 355);
	assert_int_equal(finding_count(layout_findings(l), SEVERITY_ERROR), 4);
	assert_int_equal(finding_count(layout_findings(l), SEVERITY_WARNING), 1);
	layout_free(l);
}

static void test_empty_days(void **state)
{
	struct layout *l = new_check();
	const struct layout_dataset *d;

	(void)state;
	add_good(l, "events/2024-01-01/a.parquet", 100);
	layout_add(l, "events/2024-01-02/", 0);     /* marker only: empty */
	layout_add(l, "events/2024-01-03/", 0);     /* marker + file */
	add_good(l, "events/2024-01-03/a.parquet", 100);
	layout_add(l, "events/2024-01-04/sub/", 0); /* only a sub-folder */
	add_good(l, "events/2024-01-05/sub/a.parquet", 100); /* nested */
	layout_finish(l);
	assert_findings(l,
		"warning empty_day events/2024-01-02/\n"
		"warning empty_day events/2024-01-04/\n");
	d = layout_dataset_at(l, 0);
	/* empty days are not counted, so they are missing in the figures */
	assert_int_equal(d->days, 3);
	assert_int_equal(d->files, 3);
	assert_int_equal(d->nmissing, 2);
	assert_int_equal(d->ngaps, 2);
	assert_int_equal(d->gaps[0].from, day(2024, 1, 2));
	assert_int_equal(d->gaps[0].to, day(2024, 1, 2));
	assert_int_equal(d->gaps[1].from, day(2024, 1, 4));
	assert_int_equal(d->gaps[1].to, day(2024, 1, 4));
	layout_free(l);
}

static void test_bad_day_names(void **state)
{
	struct layout *l = new_check();
	const struct layout_dataset *d;

	(void)state;
	add_good(l, "events/2024-01-01/a.parquet", 100);
	add_good(l, "events/2024-13-01/a.parquet", 100);
	add_good(l, "events/2024-13-01/b.parquet", 100);
	assert_int_equal(layout_add(l, "events/latest/x.csv", 100),
			 LAYOUT_DONE);
	layout_add(l, "events/tmp/", 0);
	layout_finish(l);
	assert_findings(l,
		"error invalid_day events/2024-13-01/\n"
		"error invalid_day events/latest/\n"
		"error invalid_day events/tmp/\n");
	assert_string_equal(layout_finding_at(l, 0)->message,
			    "day folder '2024-13-01' is not a valid date");
	assert_string_equal(layout_finding_at(l, 1)->message,
			    "folder 'latest' is not a day: expected a date "
			    "such as YYYY-MM-DD");
	d = layout_dataset_at(l, 0);
	assert_int_equal(d->days, 1);
	assert_int_equal(d->files, 1);
	layout_free(l);
}

static void test_other_date_formats(void **state)
{
	struct layout *l = new_check();
	const struct layout_dataset *d;

	(void)state;
	add_good(l, "events/2024-01-17/a.parquet", 100);
	add_good(l, "events/20240118/a.parquet", 100);
	add_good(l, "events/2024-01-19/a.parquet", 100);
	add_good(l, "events/dt=2024-01-19/a.parquet", 100);
	layout_finish(l);
	assert_findings(l,
		"warning day_not_iso events/20240118/\n"
		"warning day_not_iso events/dt=2024-01-19/\n"
		"warning duplicate_day events/dt=2024-01-19/\n");
	assert_string_equal(layout_finding_at(l, 0)->message,
			    "day folder '20240118' is read as 2024-01-18; "
			    "the recommended name is '2024-01-18'");
	assert_string_equal(layout_finding_at(l, 2)->message,
			    "folder 'dt=2024-01-19' names the same day as "
			    "'2024-01-19'");
	d = layout_dataset_at(l, 0);
	assert_int_equal(d->days, 3);
	assert_int_equal(d->files, 4);
	assert_int_equal(d->nmissing, 0);
	layout_free(l);
}

static void test_future_days(void **state)
{
	struct layout *l = new_check();   /* today: 2024-06-15 */
	const struct layout_dataset *d;

	(void)state;
	add_good(l, "events/2024-06-14/a.parquet", 100);
	add_good(l, "events/2024-06-15/a.parquet", 100);
	assert_int_equal(layout_add(l, "events/2024-06-16/a.csv", 100),
			 LAYOUT_DONE);
	layout_add(l, "events/2099-01-01/", 0);
	layout_finish(l);
	assert_findings(l,
		"warning future_day events/2024-06-16/\n"
		"warning future_day events/2099-01-01/\n");
	assert_string_equal(layout_finding_at(l, 0)->message,
			    "day 2024-06-16 is in the future");
	d = layout_dataset_at(l, 0);
	assert_int_equal(d->last_day, day(2024, 6, 15));
	assert_int_equal(d->days, 2);
	assert_int_equal(d->files, 2);
	layout_free(l);
}

static void test_stray_objects(void **state)
{
	struct layout *l = new_check();

	(void)state;
	add_good(l, "events/2024-01-01/a.parquet", 100);
	assert_int_equal(layout_add(l, "events/notes.txt", 10), LAYOUT_DONE);
	assert_int_equal(layout_add(l, "events/x.parquet", 100), LAYOUT_DONE);
	assert_int_equal(layout_add(l, "README.md", 10), LAYOUT_DONE);
	assert_int_equal(layout_add(l, "/events/2024-01-01/a.parquet", 10),
			 LAYOUT_DONE);
	layout_add(l, "empty/", 0);
	layout_finish(l);
	assert_findings(l,
		"warning top_level_object /events/2024-01-01/a.parquet\n"
		"warning top_level_object README.md\n"
		"warning no_days empty/\n"
		"warning loose_file events/notes.txt\n"
		"warning loose_file events/x.parquet\n");
	assert_int_equal(layout_dataset_count(l), 2);
	assert_string_equal(layout_dataset_at(l, 0)->name, "empty");
	assert_int_equal(layout_dataset_at(l, 0)->first_day, LAYOUT_NO_DAY);
	layout_free(l);
}

static void test_no_datasets(void **state)
{
	struct layout *l = new_check();

	(void)state;
	layout_finish(l);
	assert_findings(l, "warning no_datasets \n");
	layout_free(l);
}

static void test_dataset_filter(void **state)
{
	static const char *const only[] = { "events", "metrics", "events" };
	struct layout_options o = { 0 };
	struct layout *l;

	(void)state;
	o.datasets = only;
	o.ndatasets = 3;
	o.since = o.until = LAYOUT_NO_DAY;
	o.today = day(2024, 6, 15);
	l = layout_new(&o);
	assert_true(layout_wants_dataset(l, "events"));
	assert_false(layout_wants_dataset(l, "event"));
	assert_false(layout_wants_dataset(l, "other"));
	add_good(l, "events/2024-01-01/a.parquet", 100);
	layout_add(l, "other/2024-13-01/a.csv", 100);
	layout_add(l, "README.md", 10);    /* top level: not asked for */
	layout_finish(l);
	assert_findings(l, "warning dataset_missing metrics/\n");
	assert_int_equal(layout_dataset_count(l), 1);
	layout_free(l);
}

static void test_since_until(void **state)
{
	struct layout_options o = { 0 };
	struct layout *l;
	const struct layout_dataset *d;

	(void)state;
	o.since = day(2024, 1, 10);
	o.until = day(2024, 1, 20);
	o.today = day(2024, 6, 15);
	o.content = true;
	l = layout_new(&o);
	add_good(l, "events/2024-01-01/a.parquet", 100);
	layout_add(l, "events/2024-01-05/a.csv", 100);   /* out of range */
	layout_add(l, "events/2024-01-06/", 0);          /* out of range */
	add_good(l, "events/2024-01-10/a.parquet", 100);
	add_good(l, "events/2024-01-12/a.parquet", 100);
	add_good(l, "events/2024-01-20/a.parquet", 100);
	add_good(l, "events/2024-01-21/a.parquet", 100);
	layout_add(l, "events/bad/a.csv", 100);          /* no date: shown */
	layout_finish(l);
	assert_findings(l,
		"warning missing_days events/2024-01-11/\n"
		"warning missing_days events/2024-01-13/\n"
		"error invalid_day events/bad/\n");
	d = layout_dataset_at(l, 0);
	assert_int_equal(d->first_day, day(2024, 1, 10));
	assert_int_equal(d->last_day, day(2024, 1, 20));
	assert_int_equal(d->days, 3);
	assert_int_equal(d->nmissing, 1 + 7);
	layout_free(l);

	o.since = day(2025, 1, 1);
	o.until = LAYOUT_NO_DAY;
	l = layout_new(&o);
	add_good(l, "events/2024-01-01/a.parquet", 100);
	layout_finish(l);
	assert_findings(l, "warning no_days events/\n");
	assert_string_equal(layout_finding_at(l, 0)->message,
			    "no day folder with files in the dates asked for");
	layout_free(l);
}

static void test_signals(void **state)
{
	struct layout *l = new_check();
	const struct layout_dataset *d;

	(void)state;
	add_good(l, "signals/finished_date/part-0.parquet", 100);
	add_good(l, "signals/finished_date/2024-13-01/x.parquet", 100);
	add_good(l, "signals/top.parquet", 100);
	layout_add(l, "signals/finished_date/", 0);
	layout_add(l, "signals/finished_date/_SUCCESS", 0);
	layout_add(l, "signals/finished_date/empty.parquet", 0);
	layout_finish(l);
	/* A Spark marker is counted as one, not reported as not parquet. */
	assert_findings(l,
		"info job_markers signals/\n"
		"error zero_bytes signals/finished_date/empty.parquet\n");
	d = layout_dataset_at(l, 0);
	assert_false(d->by_day);
	assert_int_equal(d->first_day, LAYOUT_NO_DAY);
	assert_int_equal(d->days, 0);
	assert_int_equal(d->markers, 1);
	assert_int_equal(d->files, 4);
	assert_int_equal(d->bytes, 300);
	layout_free(l);
}

/* The same tree in any order gives the same findings and figures. */
static void test_order_independent(void **state)
{
	static const char *const keys[] = {
		"events/2024-01-01/a.parquet", "events/2024-01-04/a.csv",
		"events/2024-13-01/a.parquet", "events/20240105/a.parquet",
		"events/loose.txt", "metrics/2024-02-01/", "top.txt",
		"metrics/2024-02-03/a.parquet", "events/2024-01-02/",
		"events/2024-01-02/z.parquet", "metrics/latest/a.parquet",
		"signals/x.csv", "events/2099-01-01/a.parquet",
	};
	enum { N = sizeof(keys) / sizeof(*keys) };
	char *first = NULL;
	unsigned seed = 7;

	(void)state;
	for (int round = 0; round < 20; round++) {
		size_t order[N];
		struct layout *l = new_check();
		char *got;

		for (size_t i = 0; i < N; i++)
			order[i] = i;
		for (size_t i = N - 1; round && i > 0; i--) {
			size_t j;

			seed = seed * 1103515245u + 12345u;
			j = (seed >> 16) % (i + 1);
			size_t t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (size_t i = 0; i < N; i++)
			add_good(l, keys[order[i]], 100);
		layout_finish(l);
		got = findings(l);
		if (!first)
			first = got;
		else {
			assert_string_equal(got, first);
			free(got);
		}
		assert_int_equal(layout_dataset_at(l, 0)->days, 4);
		layout_free(l);
	}
	assert_string_equal(first,
		"warning missing_days events/2024-01-03/\n"
		"error not_parquet events/2024-01-04/a.csv\n"
		"error invalid_day events/2024-13-01/\n"
		"warning day_not_iso events/20240105/\n"
		"warning future_day events/2099-01-01/\n"
		"warning loose_file events/loose.txt\n"
		"warning empty_day metrics/2024-02-01/\n"
		"error invalid_day metrics/latest/\n"
		"error not_parquet signals/x.csv\n"
		"warning top_level_object top.txt\n");
	free(first);
}

/* Many files in few days: the check keeps one record per day folder. */
static void test_many_files(void **state)
{
	struct layout_options o = { 0 };
	struct layout *l;
	char key[80], iso[11];

	(void)state;
	o.since = o.until = LAYOUT_NO_DAY;
	o.today = day(2030, 1, 1);
	l = layout_new(&o);
	for (int n = 0; n < 50000; n++) {
		layout_day_format(day(2020, 1, 1) + n % 1000, iso);
		snprintf(key, sizeof(key), "events/%s/part-%06d.parquet",
			 iso, n);
		assert_int_equal(layout_add(l, key, 1000), LAYOUT_DONE);
	}
	layout_finish(l);
	assert_findings(l, "");
	assert_int_equal(layout_dataset_at(l, 0)->days, 1000);
	assert_int_equal(layout_dataset_at(l, 0)->files, 50000);
	layout_free(l);
}

/* ---- reports -------------------------------------------------------- */

static struct layout *small_broken(void)
{
	struct layout *l = new_check();

	add_good(l, "events/2024-01-01/a.parquet", 100);
	add_good(l, "events/2024-01-03/a.parquet", 120);
	layout_add(l, "events/2024-01-03/b.csv", 7);
	add_good(l, "signals/f.parquet", 50);
	layout_finish(l);
	return l;
}

static void test_report_json(void **state)
{
	struct layout *l = small_broken();
	struct s3p_error err = { 0 };
	char *json = layout_report_json(l, LAYOUT_ROOT_BUCKET, "my-bucket",
					&err);

	(void)state;
	assert_non_null(json);
	assert_string_equal(json,
		"{\n"
		"  \"bucket\": \"my-bucket\",\n"
		"  \"datasets\": [\n"
		"    {\n"
		"      \"name\": \"events\",\n"
		"      \"first_day\": \"2024-01-01\",\n"
		"      \"last_day\": \"2024-01-03\",\n"
		"      \"days\": 2,\n"
		"      \"files\": 3,\n"
		"      \"bytes\": 227,\n"
		"      \"missing_days\": [\n"
		"        {\n"
		"          \"from\": \"2024-01-02\",\n"
		"          \"to\": \"2024-01-02\",\n"
		"          \"days\": 1\n"
		"        }\n"
		"      ],\n"
		"      \"missing_day_count\": 1,\n"
		"      \"markers\": 0,\n"
		"      \"footers\": 2,\n"
		"      \"rows\": 20,\n"
		"      \"schemas\": 1,\n"
		"      \"schema\": [\n"
		"        {\n"
		"          \"path\": \"id\",\n"
		"          \"depth\": 1,\n"
		"          \"type\": \"INT64\",\n"
		"          \"type_length\": null,\n"
		"          \"repetition\": \"REQUIRED\",\n"
		"          \"converted_type\": null,\n"
		"          \"logical_type\": null,\n"
		"          \"num_children\": null\n"
		"        }\n"
		"      ],\n"
		"      \"rows_per_day\": [\n"
		"        {\n"
		"          \"day\": \"2024-01-01\",\n"
		"          \"rows\": 10,\n"
		"          \"files\": 1,\n"
		"          \"complete\": true,\n"
		"          \"outlier\": false\n"
		"        },\n"
		"        {\n"
		"          \"day\": \"2024-01-03\",\n"
		"          \"rows\": 10,\n"
		"          \"files\": 1,\n"
		"          \"complete\": true,\n"
		"          \"outlier\": false\n"
		"        }\n"
		"      ]\n"
		"    },\n"
		"    {\n"
		"      \"name\": \"signals\",\n"
		"      \"first_day\": null,\n"
		"      \"last_day\": null,\n"
		"      \"days\": 0,\n"
		"      \"files\": 1,\n"
		"      \"bytes\": 50,\n"
		"      \"missing_days\": [],\n"
		"      \"missing_day_count\": 0,\n"
		"      \"markers\": 0,\n"
		"      \"footers\": 1,\n"
		"      \"rows\": 10,\n"
		"      \"schemas\": 1,\n"
		"      \"schema\": [\n"
		"        {\n"
		"          \"path\": \"id\",\n"
		"          \"depth\": 1,\n"
		"          \"type\": \"INT64\",\n"
		"          \"type_length\": null,\n"
		"          \"repetition\": \"REQUIRED\",\n"
		"          \"converted_type\": null,\n"
		"          \"logical_type\": null,\n"
		"          \"num_children\": null\n"
		"        }\n"
		"      ],\n"
		"      \"rows_per_day\": []\n"

		"    }\n"
		"  ],\n"
		"  \"findings\": [\n"
		"    {\n"
		"      \"severity\": \"warning\",\n"
		"      \"code\": \"missing_days\",\n"
		"      \"path\": \"events/2024-01-02/\",\n"
		"      \"message\": \"day 2024-01-02 is missing\"\n"
		"    },\n"
		"    {\n"
		"      \"severity\": \"error\",\n"
		"      \"code\": \"not_parquet\",\n"
		"      \"path\": \"events/2024-01-03/b.csv\",\n"
		"      \"message\": \"not a parquet file: the name does not "
		"end in .parquet\"\n"
		"    }\n"
		"  ]\n"
		"}\n");
	free(json);
	layout_free(l);
}

static void test_report_text(void **state)
{
	struct layout *l = small_broken();
	char *text = layout_report_text(l, LAYOUT_ROOT_DIRECTORY, "out");

	(void)state;
	assert_string_equal(text,
		"directory: out\n"
		"\n"
		"dataset  first day   last day      days     files"
		"           bytes  missing days\n"
		"events   2024-01-01  2024-01-03       2         3"
		"             227  1\n"
		"signals  -           -                -         1"
		"              50  -  (not by day: parquet files only)\n"
		"\n"
		"events: 20 rows in 2 footers; rows per day: first 2024-01-01 "
		"10, last 2024-01-03 10, min 10, median 10, max 10\n"
		"  schema (1 column):\n"
		"    id  INT64 REQUIRED\n"
		"\n"
		"signals: 10 rows in 1 footer\n"
		"  schema (1 column):\n"
		"    id  INT64 REQUIRED\n"
		"\n"
		"events/2024-01-02/: warning: day 2024-01-02 is missing "
		"[missing_days]\n"
		"events/2024-01-03/b.csv: error: not a parquet file: the name "
		"does not end in .parquet [not_parquet]\n"
		"\n"
		"1 error, 1 warning\n");
	free(text);
	layout_free(l);
	l = new_check();
	add_good(l, "events/2024-01-01/a.parquet", 100);
	layout_finish(l);
	text = layout_report_text(l, LAYOUT_ROOT_BUCKET, "b");
	assert_non_null(strstr(text, "\nlayout ok: no finding\n"));
	free(text);
	layout_free(l);
}


/* A folder dated 0001-01-01 next to 2024-01-01: one gap of 738,884 days,
 * reported as one range and one finding, with memory and time that do not
 * grow with the length of the gap; the implausible span is a finding. */
static void test_huge_gap_is_one_range(void **state)
{
	struct layout *l = new_check();
	const struct layout_dataset *d;
	struct s3p_error err = { 0 };
	char *json, *text;

	(void)state;
	add_good(l, "events/0001-01-01/a.parquet", 100);
	add_good(l, "events/2024-01-01/a.parquet", 100);
	layout_add(l, "events/1000-06-01/", 0);          /* an empty day */
	layout_finish(l);
	assert_findings(l,
		"warning implausible_days events/\n"
		"warning missing_days events/0001-01-02/\n"
		"warning empty_day events/1000-06-01/\n"
		"warning missing_days events/1000-06-02/\n");
	d = layout_dataset_at(l, 0);
	assert_int_equal(d->ngaps, 1);
	assert_int_equal(d->gaps[0].from, day(1, 1, 2));
	assert_int_equal(d->gaps[0].to, day(2023, 12, 31));
	assert_int_equal(d->nmissing, 738884);
	assert_non_null(strstr(layout_finding_at(l, 0)->message,
			       "span 2023 years, 0001-01-01 to 2024-01-01"));
	json = layout_report_json(l, LAYOUT_ROOT_BUCKET, "b", &err);
	assert_non_null(json);
	assert_true(strlen(json) < 4096);
	assert_non_null(strstr(json, "\"from\": \"0001-01-02\",\n"
			       "          \"to\": \"2023-12-31\",\n"
			       "          \"days\": 738884\n"));
	free(json);
	text = layout_report_text(l, LAYOUT_ROOT_BUCKET, "b");
	assert_non_null(strstr(text, "events/0001-01-02/: warning: 365027 "
			       "days are missing: 0001-01-02 to 1000-05-31 "
			       "[missing_days]\n"));
	free(text);
	layout_free(l);
}

/* Names that are not UTF-8 never break the JSON: the bytes are shown as
 * \xNN, and the findings say so. */
static void test_report_json_not_utf8(void **state)
{
	struct layout *l = new_check();
	struct s3p_error err = { 0 };
	char *json;

	(void)state;
	add_good(l, "ev\xffnts/2024-01-01/a\xc3(.parquet", 100);
	layout_add(l, "events/2024-01-01/b\x80.csv", 100);
	layout_finish(l);
	json = layout_report_json(l, LAYOUT_ROOT_DIRECTORY, "root\xfe",
				  &err);
	if (!json)
		fail_msg("no JSON: %s", err.msg);
	assert_non_null(strstr(json, "\"directory\": \"root\\\\xfe\""));
	assert_non_null(strstr(json, "\"name\": \"ev\\\\xffnts\""));
	assert_non_null(strstr(json, "\"path\": \"events/2024-01-01/"
			       "b\\\\x80.csv\""));
	assert_non_null(strstr(json, "\"code\": \"not_utf8\""));
	assert_non_null(strstr(json, "end in .parquet (bytes that are not "
			       "UTF-8 are shown as \\\\xNN)\""));
	free(json);
	layout_free(l);
}

/* Control characters in names never reach the terminal raw: a key with
 * ESC or a newline cannot clear the screen or forge a report line. */
static void test_report_text_escapes(void **state)
{
	struct layout *l = new_check();
	char *text;

	(void)state;
	layout_add(l, "events/2024-01-01/x\x1b[2J\nevents/2024-01-01/ok: "
		   "info: fine [x]\r.csv", 100);
	layout_add(l, "ev\x07/2024-01-01/a\xc2\x9b.csv", 100);
	layout_finish(l);
	text = layout_report_text(l, LAYOUT_ROOT_BUCKET, "b\x1b]0;t\x07");
	assert_null(strchr(text, '\x1b'));
	assert_null(strchr(text, '\r'));
	assert_null(strchr(text, '\x07'));
	assert_null(strstr(text, "\xc2\x9b"));
	assert_non_null(strstr(text, "bucket: b\\e]0;t\\x07\n"));
	assert_non_null(strstr(text, "\nevents/2024-01-01/x\\e[2J\\nevents/"
			       "2024-01-01/ok: info: fine [x]\\r.csv: error: "
			       "not a parquet file"));
	assert_non_null(strstr(text, "\nev\\x07  "));
	assert_non_null(strstr(text, "a\\u009b.csv"));
	free(text);
	layout_free(l);
}

/* ---- a local directory ---------------------------------------------- */

static void put(const char *root, const char *rel, const void *data,
		size_t len)
{
	struct buf p = BUF_INIT;
	FILE *f;

	buf_printf(&p, "%s/%s", root, rel);
	for (char *s = p.data + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p.data, 0700);
		*s = '/';
	}
	if (p.data[p.len - 1] == '/') {
		p.data[p.len - 1] = '\0';
		mkdir(p.data, 0700);
	} else {
		f = fopen(p.data, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
	}
	buf_release(&p);
}

static void rm_tree(const char *root)
{
	struct buf cmd = BUF_INIT;

	buf_printf(&cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd.data), 0);
	buf_release(&cmd);
}

static void test_local_tree(void **state)
{
	char root[] = "/tmp/s3perm-layout-XXXXXX";
	unsigned char pq[120] = "PAR1";
	struct layout *l = new_check();
	struct s3p_error err = { 0 };
	const struct layout_dataset *d;

	(void)state;
	assert_non_null(mkdtemp(root));
	memcpy(pq + sizeof(pq) - MINI_PQ_TAIL_LEN, MINI_PQ_TAIL,
	       MINI_PQ_TAIL_LEN);                   /* a real footer */
	put(root, "events/2024-01-01/a.parquet", pq, sizeof(pq));
	put(root, "events/2024-01-03/a.parquet", pq, sizeof(pq));
	put(root, "events/2024-01-03/fake.parquet", "a,b\n1,2\n3,4\n5,6\n",
	    16);
	put(root, "events/2024-01-03/empty.parquet", "", 0);
	put(root, "events/2024-01-04/", NULL, 0);
	put(root, "events/2024-13-01/a.parquet", pq, sizeof(pq));
	put(root, "events/loose.parquet", pq, sizeof(pq));
	put(root, "metrics/2024-01-01/a.parquet", pq, 100); /* cut short */
	put(root, "README", "hi", 2);
	assert_int_equal(layout_local_scan(l, root, &err), 0);
	layout_finish(l);
	assert_findings(l,
		"warning top_level_object README\n"
		"warning missing_days events/2024-01-02/\n"
		"error zero_bytes events/2024-01-03/empty.parquet\n"
		"error bad_parquet events/2024-01-03/fake.parquet\n"
		"warning empty_day events/2024-01-04/\n"
		"error invalid_day events/2024-13-01/\n"
		"warning loose_file events/loose.parquet\n"
		"error truncated_parquet metrics/2024-01-01/a.parquet\n");
	d = layout_dataset_at(l, 0);
	assert_int_equal(d->days, 2);
	assert_int_equal(d->footers, 2);
	assert_int_equal(d->rows, 2 * MINI_PQ_ROWS);
	assert_int_equal(d->files, 4);
	assert_int_equal(d->bytes, 120 * 2 + 16);
	layout_free(l);
	rm_tree(root);
}

static void test_local_errors(void **state)
{
	struct layout *l = new_check();
	struct s3p_error err = { 0 };

	(void)state;
	assert_int_equal(layout_local_scan(l, "/nonexistent/s3perm", &err),
			 -1);
	assert_int_equal(err.kind, S3P_E_INPUT);
	assert_string_equal(err.msg, "cannot open directory "
			    "'/nonexistent/s3perm': No such file or directory");
	assert_int_equal(layout_local_scan(l, "/etc/hostname", &err), -1);
	assert_string_equal(err.msg, "'/etc/hostname' is not a directory");
	layout_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_numbers),
		cmocka_unit_test(test_day_round_trip),
		cmocka_unit_test(test_day_names),
		cmocka_unit_test(test_iso_option),
		cmocka_unit_test(test_parquet_content),
		cmocka_unit_test(test_clean_layout),
		cmocka_unit_test(test_content_reads_asked),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_month_and_year_boundaries),
		cmocka_unit_test(test_file_findings),
		cmocka_unit_test(test_empty_days),
		cmocka_unit_test(test_bad_day_names),
		cmocka_unit_test(test_other_date_formats),
		cmocka_unit_test(test_future_days),
		cmocka_unit_test(test_stray_objects),
		cmocka_unit_test(test_no_datasets),
		cmocka_unit_test(test_dataset_filter),
		cmocka_unit_test(test_since_until),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_order_independent),
		cmocka_unit_test(test_many_files),
		cmocka_unit_test(test_report_json),
		cmocka_unit_test(test_report_text),
		cmocka_unit_test(test_huge_gap_is_one_range),
		cmocka_unit_test(test_report_json_not_utf8),
		cmocka_unit_test(test_report_text_escapes),
		cmocka_unit_test(test_local_tree),
		cmocka_unit_test(test_local_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
