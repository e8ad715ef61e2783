/* Unit tests: template.c - rendering the templates/ documents and the
 * grants each mode requires. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "template.h"

#define VENDOR "arn:aws:iam::999689269917:user/statsig-abc"

static json_t *render(const char *mode, const char *partition,
		      const char *const *prefixes, size_t n)
{
	struct tpl_params p = { 0 };
	struct s3p_error err;
	json_t *doc = NULL;

	p.mode = mode;
	p.principal = VENDOR;
	p.partition = partition;
	p.bucket = "my-data";
	p.prefixes = prefixes;
	p.nprefixes = n;
	p.templates_dir = "templates";
	if (template_render(&p, &doc, &err))
		fail_msg("render %s: %s", mode, err.msg);
	return doc;
}

static void expect_doc(json_t *doc, const char *expected)
{
	json_error_t jerr;
	json_t *want = json_loads(expected, 0, &jerr);

	assert_non_null(want);
	if (!json_equal(doc, want)) {
		char *got = json_dumps(doc, JSON_INDENT(2));

		print_error("got:\n%s\n", got);
		free(got);
		fail();
	}
	json_decref(want);
	json_decref(doc);
}

static void test_read(void **state)
{
	(void)state;
	expect_doc(render("read", NULL, NULL, 0),
		"{\"Version\":\"2012-10-17\",\"Statement\":["
		"{\"Sid\":\"StatsigGetBucketLocation\",\"Effect\":\"Allow\","
		"\"Principal\":{\"AWS\":\"" VENDOR "\"},"
		"\"Action\":[\"s3:GetBucketLocation\"],"
		"\"Resource\":\"arn:aws:s3:::my-data\"},"
		"{\"Sid\":\"StatsigListBucket\",\"Effect\":\"Allow\","
		"\"Principal\":{\"AWS\":\"" VENDOR "\"},"
		"\"Action\":[\"s3:ListBucket\"],"
		"\"Resource\":\"arn:aws:s3:::my-data\"},"
		"{\"Sid\":\"StatsigReadObjects\",\"Effect\":\"Allow\","
		"\"Principal\":{\"AWS\":\"" VENDOR "\"},"
		"\"Action\":[\"s3:GetObject\"],"
		"\"Resource\":\"arn:aws:s3:::my-data/*\"}]}");
}

static void test_export_prefixes_partition(void **state)
{
	static const char *const prefixes[] = { "events/", "metrics/" };

	(void)state;
	expect_doc(render("export", "aws-cn", prefixes, 2),
		"{\"Version\":\"2012-10-17\",\"Statement\":["
		"{\"Sid\":\"StatsigExportBucket\",\"Effect\":\"Allow\","
		"\"Principal\":{\"AWS\":\"" VENDOR "\"},"
		"\"Action\":[\"s3:GetBucketLocation\","
		"\"s3:ListBucketMultipartUploads\"],"
		"\"Resource\":\"arn:aws-cn:s3:::my-data\"},"
		"{\"Sid\":\"StatsigListBucket\",\"Effect\":\"Allow\","
		"\"Principal\":{\"AWS\":\"" VENDOR "\"},"
		"\"Action\":[\"s3:ListBucket\"],"
		"\"Resource\":\"arn:aws-cn:s3:::my-data\","
		"\"Condition\":{\"StringLike\":{\"s3:prefix\":"
		"[\"events/*\",\"metrics/*\"]}}},"
		"{\"Sid\":\"StatsigExportObjects\",\"Effect\":\"Allow\","
		"\"Principal\":{\"AWS\":\"" VENDOR "\"},"
		"\"Action\":[\"s3:GetObject\",\"s3:PutObject\","
		"\"s3:DeleteObject\",\"s3:DeleteObjectVersion\","
		"\"s3:AbortMultipartUpload\",\"s3:ListMultipartUploadParts\"],"
		"\"Resource\":[\"arn:aws-cn:s3:::my-data/events/*\","
		"\"arn:aws-cn:s3:::my-data/metrics/*\"]}]}");
}

static void test_one_prefix_is_a_string(void **state)
{
	static const char *const prefixes[] = { "events/" };
	json_t *doc = render("read", NULL, prefixes, 1);
	json_t *st = json_array_get(json_object_get(doc, "Statement"), 2);

	(void)state;
	assert_string_equal(json_string_value(json_object_get(st, "Resource")),
			    "arn:aws:s3:::my-data/events/*");
	json_decref(doc);
}

static void test_key_order(void **state)
{
	json_t *doc = render("read", NULL, NULL, 0);
	char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	const char *v = strstr(s, "\"Version\""), *st = strstr(s, "\"Statement\"");
	const char *sid = strstr(s, "\"Sid\""), *eff = strstr(s, "\"Effect\"");
	const char *pr = strstr(s, "\"Principal\""), *ac = strstr(s, "\"Action\"");
	const char *re = strstr(s, "\"Resource\"");

	(void)state;
	assert_true(v < st && sid < eff && eff < pr && pr < ac && ac < re);
	free(s);
	json_decref(doc);
}

static void test_grants(void **state)
{
	static const char *const prefixes[] = { "events/" };
	struct tpl_params p = { 0 };
	struct grant_list gl;
	struct s3p_error err;
	size_t objects = 0;

	(void)state;
	p.mode = "read";
	p.principal = VENDOR;
	p.bucket = "b1";
	p.templates_dir = "templates";
	assert_int_equal(template_grants(&p, &gl, &err), 0);
	assert_int_equal(gl.n, 3);
	assert_string_equal(gl.items[0].action, "s3:GetBucketLocation");
	assert_string_equal(gl.items[0].resource, "arn:aws:s3:::b1");
	assert_true(gl.items[0].bucket_level);
	assert_string_equal(gl.items[2].action, "s3:GetObject");
	assert_string_equal(gl.items[2].resource, "arn:aws:s3:::b1/*");
	assert_false(gl.items[2].bucket_level);
	assert_int_equal(gl.items[1].nprefixes, 0);
	grant_list_release(&gl);

	p.mode = "export";
	p.prefixes = prefixes;
	p.nprefixes = 1;
	assert_int_equal(template_grants(&p, &gl, &err), 0);
	assert_int_equal(gl.n, 9);
	for (size_t i = 0; i < gl.n; i++) {
		if (!gl.items[i].bucket_level) {
			objects++;
			assert_string_equal(gl.items[i].resource,
					    "arn:aws:s3:::b1/events/*");
		}
		if (!strcmp(gl.items[i].action, "s3:ListBucket")) {
			assert_int_equal(gl.items[i].nprefixes, 1);
			assert_string_equal(gl.items[i].prefixes[0], "events/");
		}
		if (!strcmp(gl.items[i].action, "s3:ListBucketMultipartUploads"))
			assert_true(gl.items[i].bucket_level);
	}
	assert_int_equal(objects, 6);
	grant_list_release(&gl);
}

static void test_builtin_matches_files(void **state)
{
	struct tpl_params p = { 0 };
	struct s3p_error err;
	json_t *a, *b;

	(void)state;
	p.mode = "export";
	p.principal = VENDOR;
	p.bucket = "b1";
	p.templates_dir = "templates";
	assert_int_equal(template_render(&p, &a, &err), 0);
	p.templates_dir = NULL;
	setenv("S3PERM_TEMPLATES", "", 1);
	assert_int_equal(template_render(&p, &b, &err), 0);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
}

static void test_errors(void **state)
{
	struct tpl_params p = { 0 };
	struct s3p_error err;
	json_t *doc;
	char **sids;
	size_t n;

	(void)state;
	p.mode = "write";
	p.principal = VENDOR;
	p.bucket = "b1";
	assert_int_equal(template_render(&p, &doc, &err), -1);
	assert_int_equal(err.kind, S3P_E_USAGE);
	p.mode = "read";
	p.templates_dir = "/nonexistent";
	assert_int_equal(template_render(&p, &doc, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/read.json"));
	assert_int_equal(template_all_sids("templates", &sids, &n, &err), 0);
	assert_int_equal(n, 5);
	template_free_sids(sids, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_export_prefixes_partition),
		cmocka_unit_test(test_one_prefix_is_a_string),
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_grants),
		cmocka_unit_test(test_builtin_matches_files),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
