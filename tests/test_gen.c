/* Unit tests: gen.c - validation order, merge with Deny detection through
 * the evaluator, remove warnings, size limit. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "gen.h"

static struct gen_request base(void)
{
	struct gen_request r = { 0 };

	r.mode = "read";
	r.bucket = "my-data";
	r.user = "statsig-abc";
	r.format = "json";
	r.templates_dir = "templates";
	return r;
}

static const char *write_tmp(const char *text)
{
	static char path[] = "/tmp/s3perm-test-gen-XXXXXX";
	int fd;
	FILE *f;

	strcpy(path, "/tmp/s3perm-test-gen-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_deny_detected(void **state)
{
	struct gen_request r = base();
	struct gen_result res;
	struct s3p_error err;
	const char *path = write_tmp(
		"{\"Version\":\"2012-10-17\",\"Statement\":["
		"{\"Sid\":\"NoReads\",\"Effect\":\"Deny\",\"Principal\":\"*\","
		"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::my-data/*\"},"
		"{\"Sid\":\"OrgOnly\",\"Effect\":\"Deny\",\"Principal\":\"*\","
		"\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::my-data\","
		"\"arn:aws:s3:::my-data/*\"],\"Condition\":{\"StringNotEquals\":"
		"{\"aws:PrincipalOrgID\":\"o-123\"}}}]}");

	(void)state;
	r.merge_path = path;
	assert_int_equal(gen_run(&r, &res, &err), 0);
	assert_non_null(res.text);
	assert_true(res.nwarnings >= 2);
	{
		int org = 0, reads = 0;

		for (size_t i = 0; i < res.nwarnings; i++) {
			if (strstr(res.warnings[i], "OrgOnly") &&
			    strstr(res.warnings[i], "may deny") &&
			    strstr(res.warnings[i], "aws:PrincipalOrgID"))
				org = 1;
			if (strstr(res.warnings[i], "'NoReads'") &&
			    strstr(res.warnings[i], " denies s3:GetObject"))
				reads = 1;
		}
		assert_true(org);
		assert_true(reads);
	}
	gen_result_release(&res);
	unlink(path);
}

static void test_deny_for_others_is_silent(void **state)
{
	struct gen_request r = base();
	struct gen_result res;
	struct s3p_error err;
	const char *path = write_tmp(
		"{\"Version\":\"2012-10-17\",\"Statement\":["
		"{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":"
		"\"arn:aws:iam::111122223333:user/intern\"},"
		"\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::my-data/*\"},"
		"{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
		"\"Resource\":\"arn:aws:s3:::my-data/*\",\"Condition\":{\"Bool\":"
		"{\"aws:SecureTransport\":\"false\"}}}]}");

	(void)state;
	r.merge_path = path;
	assert_int_equal(gen_run(&r, &res, &err), 0);
	assert_int_equal(res.nwarnings, 0);
	gen_result_release(&res);
	unlink(path);
}

static void test_validation(void **state)
{
	struct gen_request r = base();
	struct gen_result res;
	struct s3p_error err;
	static const char *dup[] = { "a/", "a/" };

	(void)state;
	r.bucket = NULL;
	assert_int_equal(gen_run(&r, &res, &err), -1);
	assert_int_equal(err.kind, S3P_E_USAGE);
	r = base();
	r.principal = "arn:aws:iam::123456789012:root";
	assert_int_equal(gen_run(&r, &res, &err), -1);
	assert_non_null(strstr(err.msg, "together"));
	r = base();
	r.remove = 1;
	assert_int_equal(gen_run(&r, &res, &err), -1);
	assert_non_null(strstr(err.msg, "--remove"));
	r = base();
	r.prefixes = dup;
	r.nprefixes = 2;
	assert_int_equal(gen_run(&r, &res, &err), 0);
	assert_non_null(strstr(res.text, "\"arn:aws:s3:::my-data/a/*\""));
	assert_null(strstr(strstr(res.text, "my-data/a/*") + 1, "my-data/a/*"));
	gen_result_release(&res);
}

static void test_size_limit(void **state)
{
	struct gen_request r = base();
	struct gen_result res;
	struct s3p_error err;
	char *big = malloc(30000);
	const char *path;
	size_t n = 0;

	(void)state;
	n += (size_t)sprintf(big, "{\"Version\":\"2012-10-17\",\"Statement\":[");
	for (int i = 0; i < 200; i++)
		n += (size_t)sprintf(big + n, "%s{\"Effect\":\"Allow\",\"Principal\""
			":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":"
			"\"arn:aws:s3:::my-data/some/long/path/%03d/*\"}",
			i ? "," : "", i);
	strcpy(big + n, "]}");
	path = write_tmp(big);
	free(big);
	r.merge_path = path;
	assert_int_equal(gen_run(&r, &res, &err), -1);
	assert_int_equal(err.kind, S3P_E_INPUT);
	assert_non_null(strstr(err.msg, "20480"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deny_detected),
		cmocka_unit_test(test_deny_for_others_is_silent),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_size_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
