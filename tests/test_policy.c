/* Unit tests: policy.c - parse, merge (idempotence, Sid replacement,
 * foreign statements untouched), remove, size, output formats. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "names.h"
#include "policy.h"

static char *vendor_sids[] = { "StatsigListBucket", "StatsigReadObjects" };

static struct principal vendor_pr;
static struct policy_vendor pv;

static const char vendor_text[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":["
	"{\"Sid\":\"StatsigListBucket\",\"Effect\":\"Allow\","
	"\"Principal\":{\"AWS\":\"arn:aws:iam::999689269917:user/v\"},"
	"\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\"},"
	"{\"Sid\":\"StatsigReadObjects\",\"Effect\":\"Allow\","
	"\"Principal\":{\"AWS\":\"arn:aws:iam::999689269917:user/v\"},"
	"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}";

static const char current_text[] =
	"{\"Version\":\"2012-10-17\",\"Id\":\"Customer\",\"Statement\":["
	"{\"Sid\":\"Mine\",\"Effect\":\"Allow\",\"Principal\":\"*\","
	"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/pub/*\","
	"\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}},"
	"{\"Sid\":\"StatsigListBucket\",\"Effect\":\"Allow\","
	"\"Principal\":{\"AWS\":\"arn:aws:iam::999689269917:user/old\"},"
	"\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b\"},"
	"{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
	"\"Resource\":\"arn:aws:s3:::b/secret/*\"}]}";

static json_t *parse(const char *text)
{
	struct s3p_error err;
	json_t *doc;

	if (policy_parse(text, strlen(text), "t", &doc, &err))
		fail_msg("parse: %s", err.msg);
	return doc;
}

static json_t *parse(const char *text);

/* The vendor of these tests: user v of the vendor's account; the mode's
 * policy is vendor_text. */
static int setup(void **state)
{
	struct s3p_error err;

	(void)state;
	if (names_parse_principal("arn:aws:iam::999689269917:user/v",
				  &vendor_pr, &err))
		return -1;
	pv.principal = &vendor_pr;
	pv.sids = vendor_sids;
	pv.nsids = 2;
	pv.mode = parse(vendor_text);
	pv.mode_name = "read";
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	json_decref((json_t *)pv.mode);
	return 0;
}

static void test_merge(void **state)
{
	json_t *cur = parse(current_text), *vendor = parse(vendor_text);
	json_t *m1, *m2, *st;
	struct policy_changes ch;
	struct s3p_error err;

	(void)state;
	assert_int_equal(policy_merge(cur, vendor, &pv, &m1, &ch, &err), 0);
	st = json_object_get(m1, "Statement");
	/* foreign statements kept in order; the old vendor statement (an
	 * s3perm Sid, a user of the vendor's account) grants s3:* - more than
	 * the mode - so it is kept and reported, and the new ones appended */
	assert_int_equal(json_array_size(st), 5);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(st, 0), "Sid")), "Mine");
	assert_true(json_equal(json_array_get(st, 1), json_array_get(
		json_object_get(cur, "Statement"), 1)));
	assert_true(json_equal(json_array_get(st, 2), json_array_get(
		json_object_get(cur, "Statement"), 2)));
	assert_true(json_equal(json_array_get(st, 3), json_array_get(
		json_object_get(vendor, "Statement"), 0)));
	assert_true(json_equal(json_array_get(st, 4), json_array_get(
		json_object_get(vendor, "Statement"), 1)));
	assert_int_equal(ch.n, 1);
	assert_int_equal(ch.items[0].fate, POLICY_KEPT_MORE);
	assert_int_equal(ch.items[0].index, 1);
	assert_string_equal(ch.items[0].detail, "s3:* on 'arn:aws:s3:::b'");
	policy_changes_release(&ch);
	assert_string_equal(json_string_value(json_object_get(m1, "Id")),
			    "Customer");
	/* idempotent */
	assert_int_equal(policy_merge(m1, vendor, &pv, &m2, &ch, &err), 0);
	assert_true(json_equal(m1, m2));
	policy_changes_release(&ch);
	json_decref(m1);
	json_decref(m2);
	json_decref(cur);
	json_decref(vendor);
}

static void test_merge_appends_and_wraps_single_statement(void **state)
{
	json_t *cur = parse("{\"Version\":\"2012-10-17\",\"Statement\":"
		"{\"Effect\":\"Allow\",\"Principal\":\"*\","
		"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}}");
	json_t *vendor = parse(vendor_text), *m;
	struct policy_changes ch;
	struct s3p_error err;

	(void)state;
	assert_int_equal(policy_merge(cur, vendor, &pv, &m, &ch, &err), 0);
	assert_int_equal(ch.n, 0);
	assert_int_equal(json_array_size(json_object_get(m, "Statement")), 3);
	assert_null(json_object_get(json_array_get(
		json_object_get(m, "Statement"), 0), "Sid"));
	json_decref(m);
	json_decref(cur);
	json_decref(vendor);
}

static void test_remove(void **state)
{
	json_t *cur = parse(current_text), *r;
	struct policy_changes ch;
	struct s3p_error err;

	(void)state;
	assert_int_equal(policy_remove(cur, &pv, &r, &ch, &err), 0);
	assert_int_equal(ch.n, 1);
	assert_int_equal(ch.items[0].fate, POLICY_REMOVED);
	policy_changes_release(&ch);
	assert_int_equal(json_array_size(json_object_get(r, "Statement")), 2);
	json_decref(r);
	json_decref(cur);
}

static void test_parse_errors(void **state)
{
	struct s3p_error err;
	json_t *doc;

	(void)state;
	assert_int_equal(policy_parse("{\n  \"a\": ,\n}", 12, "p.json", &doc,
				      &err), -1);
	assert_int_equal(err.kind, S3P_E_INPUT);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_non_null(strstr(err.msg, "column"));
	assert_non_null(strstr(err.msg, "'p.json'"));
	assert_int_equal(policy_parse("[1]", 3, "p", &doc, &err), -1);
	assert_non_null(strstr(err.msg, "not a JSON object"));
	assert_int_equal(policy_parse("{\"Version\":\"2012-10-17\"}", 24, "p",
				      &doc, &err), -1);
	assert_non_null(strstr(err.msg, "Statement"));
}

static void test_size(void **state)
{
	json_t *doc = parse("{ \"Version\" : \"2012-10-17\",\n \"Statement\": [ ] }");

	(void)state;
	assert_int_equal(policy_size(doc),
			 strlen("{\"Version\":\"2012-10-17\",\"Statement\":[]}"));
	json_decref(doc);
}

static void test_formats(void **state)
{
	json_t *doc = parse("{\"Version\":\"2012-10-17\",\"Statement\":[{"
		"\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\","
		"\"Resource\":\"arn:aws:s3:::b/${aws:username}/%{x}\"}]}");
	struct s3p_error err;
	enum policy_format f;
	json_t *cfn, *pd;
	json_error_t jerr;
	char *text;

	(void)state;
	assert_int_equal(policy_parse_format("terraform", &f, &err), 0);
	assert_int_equal(policy_format(doc, f, "b", NULL, &text, &err), 0);
	assert_non_null(strstr(text, "resource \"aws_s3_bucket_policy\""));
	assert_non_null(strstr(text, "bucket = \"b\""));
	assert_non_null(strstr(text, "$${aws:username}/%%{x}"));
	assert_non_null(strstr(text, "policy = jsonencode({"));
	assert_non_null(strstr(text, "resource \"aws_s3_bucket_policy\" \"b\""));
	free(text);

	assert_int_equal(policy_parse_format("cloudformation", &f, &err), 0);
	assert_int_equal(policy_format(doc, f, "b", NULL, &text, &err), 0);
	cfn = json_loads(text, 0, &jerr);
	assert_non_null(cfn);
	pd = json_object_get(json_object_get(json_object_get(json_object_get(
		cfn, "Resources"), "StatsigBucketPolicy"), "Properties"),
		"PolicyDocument");
	assert_true(json_equal(pd, doc));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(cfn, "Resources"), "StatsigBucketPolicy"),
		"Type")), "AWS::S3::BucketPolicy");
	json_decref(cfn);
	free(text);

	assert_int_equal(policy_parse_format("json", &f, &err), 0);
	assert_int_equal(policy_format(doc, f, "b", NULL, &text, &err), 0);
	assert_true(text[strlen(text) - 1] == '\n');
	assert_non_null(strstr(text, "\n    \"Statement\""));
	free(text);
	assert_int_equal(policy_parse_format("yaml", &f, &err), -1);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_appends_and_wraps_single_statement),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
