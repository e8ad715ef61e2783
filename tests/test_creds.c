/* test_creds.c - credentials found the way the AWS CLI finds them:
 * environment, shared credentials / config files, profiles, precedence,
 * missing and half-set credentials, session tokens, region and endpoint
 * from the environment.  Every test runs in a fresh HOME with an empty
 * AWS_* environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "creds.h"
#include "error.h"

static char home[256];

static const char *const aws_vars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION",
	"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
	"AWS_CA_BUNDLE", NULL };

static void write_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", home, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void rm_rf_home(void)
{
	const char *files[] = { ".aws/credentials", ".aws/config", "creds2",
		"conf2", NULL };
	char path[512];

	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", home, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/.aws", home);
	rmdir(path);
	rmdir(home);
}

static int setup(void **state)
{
	char path[512];

	(void)state;
	for (int i = 0; aws_vars[i]; i++)
		unsetenv(aws_vars[i]);
	snprintf(home, sizeof(home), "/tmp/s3perm-creds.XXXXXX");
	if (!mkdtemp(home))
		return -1;
	snprintf(path, sizeof(path), "%s/.aws", home);
	mkdir(path, 0700);
	setenv("HOME", home, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_rf_home();
	return 0;
}

static void expect_error(const char *profile, const char *needle)
{
	struct creds c;
	struct s3p_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(creds_load(profile, &c, &err), -1);
	assert_int_equal(err.kind, S3P_E_S3);
	if (!strstr(err.msg, needle))
		fail_msg("error '%s' lacks '%s'", err.msg, needle);
	assert_null(c.access_key_id);
	assert_null(c.secret_access_key);
}

/* AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. */
static void test_environment(void **state)
{
	struct creds c;
	struct s3p_error err;

	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secret/env+", 1);
	setenv("AWS_SESSION_TOKEN", "tok", 1);
	assert_int_equal(creds_load(NULL, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDENV");
	assert_string_equal(c.secret_access_key, "secret/env+");
	assert_string_equal(c.session_token, "tok");
	assert_string_equal(c.source, "environment");
	assert_null(c.profile);
	creds_free(&c);
	assert_null(c.access_key_id);
	assert_null(c.secret_access_key);
}

/* One of the pair without the other: botocore's PartialCredentialsError. */
static void test_environment_half_set(void **state)
{
	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	expect_error(NULL, "but AWS_SECRET_ACCESS_KEY is not");
	unsetenv("AWS_ACCESS_KEY_ID");
	setenv("AWS_SECRET_ACCESS_KEY", "s3cr3tvalue", 1);
	expect_error(NULL, "but AWS_ACCESS_KEY_ID is not");
}

/* ~/.aws/credentials [default], region from ~/.aws/config [default]. */
static void test_default_profile_home(void **state)
{
	struct creds c;
	struct s3p_error err;

	(void)state;
	write_file(".aws/credentials",
		   "# comment\n[other]\naws_access_key_id = AKIDOTHER\n"
		   "aws_secret_access_key = x\n\n[default]\n"
		   "aws_access_key_id=AKIDDEF\n aws_secret_access_key = nested\n"
		   "aws_secret_access_key = s3cr3t = with equals \r\n");
	write_file(".aws/config",
		   "[default]\nregion = eu-central-1\ns3 =\n"
		   "  addressing_style = path\n[profile other]\nregion = x\n");
	assert_int_equal(creds_load(NULL, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDDEF");
	/* the indented line is a nested setting, not the key */
	assert_string_equal(c.secret_access_key, "s3cr3t = with equals");
	assert_null(c.session_token);
	assert_string_equal(c.region, "eu-central-1");
	assert_string_equal(c.profile, "default");
	assert_non_null(strstr(c.source, "profile 'default' in '"));
	assert_non_null(strstr(c.source, "/.aws/credentials'"));
	creds_free(&c);
}

/* AWS_PROFILE + AWS_SHARED_CREDENTIALS_FILE + AWS_CONFIG_FILE with
 * "[profile NAME]" sections; the session token comes from the profile. */
static void test_named_profile_files(void **state)
{
	struct creds c;
	struct s3p_error err;
	char p1[512], p2[512];

	(void)state;
	write_file("creds2", "[vendor]\naws_access_key_id = AKIDV\n"
			     "aws_secret_access_key = sv\n"
			     "aws_session_token = tokv\n");
	write_file("conf2", "[profile vendor]\nregion = ap-south-1\n"
			    "endpoint_url = http://127.0.0.1:9\n"
			    "[vendor]\nregion = wrong\n");
	snprintf(p1, sizeof(p1), "%s/creds2", home);
	snprintf(p2, sizeof(p2), "%s/conf2", home);
	setenv("AWS_SHARED_CREDENTIALS_FILE", p1, 1);
	setenv("AWS_CONFIG_FILE", p2, 1);
	setenv("AWS_PROFILE", "vendor", 1);
	assert_int_equal(creds_load(NULL, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDV");
	assert_string_equal(c.session_token, "tokv");
	assert_string_equal(c.region, "ap-south-1");
	assert_string_equal(c.endpoint_url, "http://127.0.0.1:9");
	assert_string_equal(c.profile, "vendor");
	creds_free(&c);
}

/* Keys only in the config file's [profile x] section are used too; the
 * credentials file wins when both have them. */
static void test_config_file_keys_and_precedence(void **state)
{
	struct creds c;
	struct s3p_error err;

	(void)state;
	write_file(".aws/config", "[profile cfgonly]\naws_access_key_id = AKIDC\n"
				  "aws_secret_access_key = sc\n"
				  "[profile both]\naws_access_key_id = AKIDCONF\n"
				  "aws_secret_access_key = sconf\nregion = us-west-2\n");
	write_file(".aws/credentials", "[both]\naws_access_key_id = AKIDCRED\n"
				       "aws_secret_access_key = scred\n");
	assert_int_equal(creds_load("cfgonly", &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDC");
	assert_non_null(strstr(c.source, ".aws/config'"));
	creds_free(&c);
	assert_int_equal(creds_load("both", &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDCRED");
	assert_string_equal(c.secret_access_key, "scred");
	assert_string_equal(c.region, "us-west-2");
	creds_free(&c);
}

/* --profile beats the environment's keys; the environment's keys beat
 * AWS_PROFILE (the AWS CLI's order). */
static void test_precedence_env_vs_profile(void **state)
{
	struct creds c;
	struct s3p_error err;

	(void)state;
	write_file(".aws/credentials", "[p]\naws_access_key_id = AKIDP\n"
				       "aws_secret_access_key = sp\n");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "senv", 1);
	assert_int_equal(creds_load("p", &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDP");
	creds_free(&c);
	setenv("AWS_PROFILE", "p", 1);
	assert_int_equal(creds_load(NULL, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDENV");
	creds_free(&c);
	/* --profile wins even over a half-set environment */
	unsetenv("AWS_SECRET_ACCESS_KEY");
	assert_int_equal(creds_load("p", &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDP");
	creds_free(&c);
}

/* A named profile that exists nowhere: the error says where we looked. */
static void test_missing_profile(void **state)
{
	(void)state;
	write_file(".aws/credentials", "[a]\naws_access_key_id = K\n"
				       "aws_secret_access_key = S\n");
	expect_error("nope", "profile 'nope' not found in '");
	expect_error("nope", "/.aws/config'");
	setenv("AWS_PROFILE", "gone", 1);
	expect_error(NULL, "profile 'gone' not found");
}

/* Nothing anywhere: a clear error naming the variables and the files. */
static void test_no_credentials(void **state)
{
	(void)state;
	expect_error(NULL, "no credentials found");
	expect_error(NULL, "AWS_ACCESS_KEY_ID");
	expect_error(NULL, "/.aws/credentials'");
}

/* A profile with a secret but no key id (or the reverse); the secret never
 * appears in the message. */
static void test_profile_half_set(void **state)
{
	struct creds c;
	struct s3p_error err;

	(void)state;
	write_file(".aws/credentials", "[h]\naws_secret_access_key = TOPSECRET\n"
				       "[k]\naws_access_key_id = AKIDK\n");
	memset(&err, 0, sizeof(err));
	assert_int_equal(creds_load("h", &c, &err), -1);
	assert_non_null(strstr(err.msg, "aws_access_key_id is missing"));
	assert_null(strstr(err.msg, "TOPSECRET"));
	expect_error("k", "aws_secret_access_key is missing");
}

/* AWS_REGION beats AWS_DEFAULT_REGION; AWS_ENDPOINT_URL_S3 beats
 * AWS_ENDPOINT_URL; empty means unset. */
static void test_env_settings(void **state)
{
	(void)state;
	assert_null(creds_env_region());
	assert_null(creds_env_endpoint());
	assert_null(creds_env_ca_bundle());
	setenv("AWS_DEFAULT_REGION", "eu-west-1", 1);
	assert_string_equal(creds_env_region(), "eu-west-1");
	setenv("AWS_REGION", "eu-west-3", 1);
	assert_string_equal(creds_env_region(), "eu-west-3");
	setenv("AWS_REGION", "", 1);
	assert_string_equal(creds_env_region(), "eu-west-1");
	setenv("AWS_ENDPOINT_URL", "http://a", 1);
	assert_string_equal(creds_env_endpoint(), "http://a");
	setenv("AWS_ENDPOINT_URL_S3", "http://b", 1);
	assert_string_equal(creds_env_endpoint(), "http://b");
	setenv("AWS_CA_BUNDLE", "/x.pem", 1);
	assert_string_equal(creds_env_ca_bundle(), "/x.pem");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_environment_half_set, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_default_profile_home, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_named_profile_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_config_file_keys_and_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence_env_vs_profile,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_profile, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_credentials, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_profile_half_set, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_env_settings, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
