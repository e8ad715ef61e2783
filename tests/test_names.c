/* Unit tests: names.c - every bucket rule, IAM user names, accounts,
 * partitions, principals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "names.h"

static void test_bucket_accepted(void **state)
{
	static const char *const ok[] = {
		"abc", "my-data", "my.data.bucket", "a1b2c3", "123bucket",
		"bucket-123", "a.b-c", "xn-a", "s3alias-bucket", "data--x",
		"ab-cdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz",
		"10.0.0", "1.2.3.4.5",
	};
	struct s3p_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		if (names_check_bucket(ok[i], &err))
			fail_msg("'%s' rejected: %s", ok[i], err.msg);
	}
}

static void test_bucket_rejected(void **state)
{
	static const struct { const char *name, *why; } bad[] = {
		{ "ab", "3 to 63" },
		{ "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01", "3 to 63" },
		{ "My-Data", "lowercase" },
		{ "my_data", "lowercase" },
		{ "my data", "lowercase" },
		{ "-data", "start and end" },
		{ "data-", "start and end" },
		{ ".data", "start and end" },
		{ "data.", "start and end" },
		{ "my..data", "'..'" },
		{ "192.168.1.1", "IP address" },
		{ "xn--data", "'xn--'" },
		{ "sthree-data", "'sthree-'" },
		{ "amzn-s3-demo-bucket", "'amzn-s3-demo-'" },
		{ "data-s3alias", "'-s3alias'" },
		{ "data--ol-s3", "'--ol-s3'" },
		{ "data.mrap", "'.mrap'" },
		{ "data--x-s3", "'--x-s3'" },
		{ "data--table-s3", "'--table-s3'" },
		{ "YOUR_S3_BUCKET", "placeholder" },
		{ "", "3 to 63" },
	};
	struct s3p_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		memset(&err, 0, sizeof(err));
		if (!names_check_bucket(bad[i].name, &err))
			fail_msg("'%s' accepted", bad[i].name);
		assert_int_equal(err.kind, S3P_E_USAGE);
		if (!strstr(err.msg, bad[i].why))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].name,
				 err.msg, bad[i].why);
	}
}

static void test_user(void **state)
{
	static const char *const ok[] = {
		"statsig-abc", "a", "A+b=c,d.e@f_g-h",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
	};
	static const char *const bad[] = {
		"", "a b", "a/b", "a:b", "a*b", "STATSIG_IAM_USER", "é",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm",
	};
	struct s3p_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
		if (names_check_user(ok[i], &err))
			fail_msg("'%s' rejected: %s", ok[i], err.msg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (!names_check_user(bad[i], &err))
			fail_msg("'%s' accepted", bad[i]);
}

static void test_account_partition_region(void **state)
{
	struct s3p_error err;

	(void)state;
	assert_int_equal(names_check_account("999689269917", &err), 0);
	assert_int_equal(names_check_account("99968926991", &err), -1);
	assert_int_equal(names_check_account("9996892699170", &err), -1);
	assert_int_equal(names_check_account("99968926991a", &err), -1);
	assert_int_equal(names_check_partition("aws", &err), 0);
	assert_int_equal(names_check_partition("aws-cn", &err), 0);
	assert_int_equal(names_check_partition("aws-us-gov", &err), 0);
	assert_int_equal(names_check_partition("aws-iso", &err), -1);
	assert_int_equal(names_check_partition("AWS", &err), -1);
	assert_int_equal(names_check_region("eu-west-1", &err), 0);
	assert_int_equal(names_check_region("EU", &err), -1);
	assert_int_equal(names_check_region("us east", &err), -1);
}

static void test_principal(void **state)
{
	struct principal p;
	struct s3p_error err;

	(void)state;
	assert_int_equal(names_parse_principal(
		"arn:aws:iam::999689269917:user/statsig-abc", &p, &err), 0);
	assert_int_equal(p.type, PRINCIPAL_USER);
	assert_string_equal(p.account, "999689269917");
	assert_string_equal(p.name, "statsig-abc");
	assert_int_equal(names_parse_principal(
		"arn:aws-cn:iam::123456789012:role/path/to/Reader", &p, &err), 0);
	assert_int_equal(p.type, PRINCIPAL_ROLE);
	assert_string_equal(p.partition, "aws-cn");
	assert_string_equal(p.name, "Reader");
	assert_int_equal(names_parse_principal("123456789012", &p, &err), 0);
	assert_int_equal(p.type, PRINCIPAL_ACCOUNT);
	assert_string_equal(p.arn, "arn:aws:iam::123456789012:root");
	assert_int_equal(names_parse_principal(
		"arn:aws:iam::123456789012:root", &p, &err), 0);
	assert_int_equal(p.type, PRINCIPAL_ACCOUNT);
	assert_int_equal(names_parse_principal(
		"arn:aws:sts::123456789012:assumed-role/R/session", &p, &err), 0);
	assert_int_equal(p.type, PRINCIPAL_ASSUMED_ROLE);
	assert_string_equal(p.name, "R");
	/* S3-compatible servers: a tenant in the account field */
	assert_int_equal(names_parse_principal(
		"arn:aws:iam::tenant1:user/bob", &p, &err), 0);

	assert_int_equal(names_parse_principal("statsig", &p, &err), -1);
	assert_int_equal(names_parse_principal(
		"arn:aws:s3:::bucket", &p, &err), -1);
	assert_int_equal(names_parse_principal(
		"arn:aws-iso:iam::123456789012:root", &p, &err), -1);
	assert_int_equal(names_parse_principal(
		"arn:aws:iam::123456789012:group/g", &p, &err), -1);
	assert_int_equal(names_parse_principal(
		"arn:aws:iam::999689269917:user/STATSIG_IAM_USER", &p, &err), -1);
	assert_non_null(strstr(err.msg, "placeholder"));
	assert_int_equal(names_parse_principal(
		"arn:aws:iam:us-east-1:123456789012:user/x", &p, &err), -1);

	assert_int_equal(names_user_principal("aws-us-gov", "999689269917",
					      "statsig-abc", &p, &err), 0);
	assert_string_equal(p.arn,
		"arn:aws-us-gov:iam::999689269917:user/statsig-abc");
}

static void test_placeholders(void **state)
{
	(void)state;
	assert_string_equal(names_find_placeholder(
		"arn:aws:s3:::YOUR_S3_BUCKET/*"), "YOUR_S3_BUCKET");
	assert_string_equal(names_find_placeholder("user/STATSIG_IAM_USER"),
			    "STATSIG_IAM_USER");
	assert_null(names_find_placeholder("arn:aws:s3:::my-data/*"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_accepted),
		cmocka_unit_test(test_bucket_rejected),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_account_partition_region),
		cmocka_unit_test(test_principal),
		cmocka_unit_test(test_placeholders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
