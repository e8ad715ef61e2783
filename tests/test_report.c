/* Unit tests: report.c (the check report) with bytes a hostile server or
 * key can carry: never a broken or shortened JSON, never a raw control
 * character on the terminal.  The reports are built by hand: what matters
 * is what the renderers do with the strings, not how the probes got them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "buf.h"
#include "probe.h"
#include "report.h"

/* One result and one leftover, with ESC / CR / LF / C1 and bytes that
 * are not UTF-8 in everything the server or a key decides. */
static void hostile_report(struct probe_report *r)
{
	memset(r, 0, sizeof(*r));
	r->bucket = "my-data";
	r->region = "us-east-1";
	r->mode = "read";
	r->prefix = "ev\x1b[2Jents/";
	r->versioned = -1;
	r->results = calloc(1, sizeof(*r->results));
	r->nresults = 1;
	r->results[0].action = "s3:GetObject";
	r->results[0].resource = "arn:aws:s3:::my-data/ev\x1b[2Jents/*";
	r->results[0].status = PROBE_GRANTED;
	r->results[0].basis = PROBE_BASIS_READ;
	r->results[0].http_status = 200;
	r->results[0].request_id = "REQ\r\nGRANTED  s3:PutObject\xff";
	r->results[0].evidence = "GET ev\x1b[2Jents/a\xc2\x9b.parquet -> 200";
	r->results[0].detail = "version \xfe\x1b]0;title\x07";
	r->left = calloc(1, sizeof(*r->left));
	r->nleft = 1;
	r->left[0].what = "probe object";
	r->left[0].key = "ev\x1b[2Jents/probe\n";
	r->left[0].version_id = "v\x80";
	r->left[0].command = "aws s3api delete-object --key 'x\x1b'";
}

static void release(struct probe_report *r)
{
	free(r->results);
	free(r->left);
}

static void test_json_never_loses_a_member(void **state)
{
	struct probe_report r;
	struct report_opts o = { 0 };
	struct s3p_error err = { 0 };
	struct buf out = BUF_INIT;
	json_error_t jerr;
	json_t *doc, *res, *left;
	const char *detail;

	(void)state;
	hostile_report(&r);
	o.templates_dir = "templates";
	assert_int_equal(report_json(&r, &o, &out, &err), 0);
	doc = json_loads(buf_str(&out), 0, &jerr);
	if (!doc)
		fail_msg("not JSON: %s\n%s", jerr.text, buf_str(&out));
	res = json_array_get(json_object_get(doc, "results"), 0);
	/* valid UTF-8 keeps its exact value, control characters included */
	assert_string_equal(json_string_value(json_object_get(res,
			    "resource")),
			    "arn:aws:s3:::my-data/ev\x1b[2Jents/*");
	assert_string_equal(json_string_value(json_object_get(res,
			    "evidence")),
			    "read: GET ev\x1b[2Jents/a\xc2\x9b.parquet -> 200");
	/* bytes that are not UTF-8 are \xNN, and the detail says so */
	assert_string_equal(json_string_value(json_object_get(res,
			    "request_id")),
			    "REQ\r\nGRANTED  s3:PutObject\\xff");
	detail = json_string_value(json_object_get(res, "detail"));
	assert_non_null(detail);
	assert_non_null(strstr(detail, "version \\xfe\x1b]0;title\x07"));
	assert_non_null(strstr(detail, "are shown as \\xNN"));
	left = json_array_get(json_object_get(doc, "left_behind"), 0);
	assert_non_null(left);
	assert_string_equal(json_string_value(json_object_get(left,
			    "version_id")), "v\\x80");
	assert_string_equal(json_string_value(json_object_get(left, "key")),
			    "ev\x1b[2Jents/probe\n");
	json_decref(doc);
	buf_release(&out);
	release(&r);
}

static void test_table_escapes_control_characters(void **state)
{
	struct probe_report r;
	struct report_opts o = { 0 };
	struct s3p_error err = { 0 };
	struct buf out = BUF_INIT;
	const char *t;

	(void)state;
	hostile_report(&r);
	o.templates_dir = "templates";
	o.verbose = 1;   /* the evidence of granted grants too */
	assert_int_equal(report_table(&r, &o, &out, &err), 0);
	t = buf_str(&out);
	assert_null(strchr(t, '\x1b'));
	assert_null(strchr(t, '\r'));
	assert_null(strchr(t, '\x07'));
	assert_null(strstr(t, "\xc2\x9b"));
	assert_null(strstr(t, "\nGRANTED  s3:PutObject"));
	assert_non_null(strstr(t, "prefix 'ev\\e[2Jents/'"));
	assert_non_null(strstr(t, "request id REQ\\r\\nGRANTED  "
			       "s3:PutObject\\xff\n"));
	assert_non_null(strstr(t, "a\\u009b.parquet"));
	assert_non_null(strstr(t, "left behind: probe object "
			       "'ev\\e[2Jents/probe\\n' version v\\x80"));
	buf_reset(&out);
	report_leftovers(&r, &out);
	assert_null(strchr(buf_str(&out), '\x1b'));
	buf_release(&out);
	release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_never_loses_a_member),
		cmocka_unit_test(test_table_escapes_control_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
