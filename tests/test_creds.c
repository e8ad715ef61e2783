/* test_creds.c - credentials found the way the AWS CLI finds them:
 * environment, shared credentials / config files, profiles, precedence,
 * missing and half-set credentials, session tokens, region and endpoint
 * from the environment; the provider chain's messages, credential_process
 * with scripts, the assume-role checks made before any STS call, the STS
 * answer shapes of the AWS API reference, IAM Identity Center's token
 * cache, container FULL_URI restrictions, refresh timing with a fake clock.
 * Every test runs in a fresh HOME with an empty AWS_* environment and the
 * instance metadata service disabled (no network beyond 127.0.0.1; the
 * providers that talk HTTP are tested against stand-in servers in
 * tests/test_creds_providers.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <cmocka.h>

#include "buf.h"
#include "creds.h"
#include "creds_int.h"
#include "crypto.h"
#include "error.h"
#include "http.h"
#include "s3.h"

static char home[256];

static const char *const aws_vars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION",
	"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
	"AWS_CA_BUNDLE", "AWS_EC2_METADATA_DISABLED",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_ENDPOINT_URL_STS",
	"AWS_ENDPOINT_URL_SSO", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_STS_REGIONAL_ENDPOINTS", "AWS_USE_FIPS_ENDPOINT",
	"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_USE_DUALSTACK_ENDPOINT",
	NULL };

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

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];
	struct stat st;

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(path);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void rm_rf_home(void)
{
	rm_tree(home);
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
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
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

static void expect_error_kind(const char *profile, enum s3p_err_kind kind,
			      const char *needle)
{
	struct creds c;
	struct s3p_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(creds_load(profile, &c, &err), -1);
	assert_int_equal(err.kind, kind);
	if (!strstr(err.msg, needle))
		fail_msg("error '%s' lacks '%s'", err.msg, needle);
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

/* ---- the provider chain ------------------------------------------------ */

static time_t fake_now_value;
static time_t fake_now(void *ctx)
{
	(void)ctx;
	return fake_now_value;
}

/* Load with a pinned clock; returns creds_load_opts's result. */
static int load_at(const char *profile, time_t now, struct creds *c,
		   struct s3p_error *err)
{
	struct creds_options o = { 0 };

	o.profile = profile;
	o.now = fake_now;
	fake_now_value = now;
	memset(err, 0, sizeof(*err));
	return creds_load_opts(&o, c, err);
}

static void write_script(const char *rel, const char *body)
{
	char path[512];

	write_file(rel, body);
	snprintf(path, sizeof(path), "%s/%s", home, rel);
	assert_int_equal(chmod(path, 0700), 0);
}

/* Key names are case-insensitive in both files, as the AWS CLI reads them
 * (the old reader matched them byte for byte and found no key). */
static void test_key_names_case_insensitive(void **state)
{
	struct creds c;
	struct s3p_error err;

	(void)state;
	write_file(".aws/credentials", "[default]\nAWS_Access_Key_ID = AKIDUP\n"
				       "AWS_SECRET_ACCESS_KEY = SUP\n"
				       "Aws_Session_Token = TUP\n");
	write_file(".aws/config", "[default]\nREGION = eu-north-1\n");
	assert_int_equal(creds_load(NULL, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDUP");
	assert_string_equal(c.secret_access_key, "SUP");
	assert_string_equal(c.session_token, "TUP");
	assert_string_equal(c.region, "eu-north-1");
	assert_string_equal(c.provider, "shared credentials file");
	creds_free(&c);
}

/* Nothing applies: one message names every provider, in the AWS CLI's
 * order, each with why it did not apply. */
static void test_no_credentials_lists_every_provider(void **state)
{
	static const char *const order[] = {
		"environment (AWS_ACCESS_KEY_ID not set)",
		"assume role (no role_arn)",
		"web identity (AWS_WEB_IDENTITY_TOKEN_FILE and "
		"web_identity_token_file not set)",
		"IAM Identity Center (no sso_session nor sso_start_url)",
		"shared credentials file (no [default] in '",
		"credential_process (not set)",
		"config file (no [default] in '",
		"container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI "
		"not set)",
		"instance metadata (AWS_EC2_METADATA_DISABLED is true)" };
	struct creds c;
	struct s3p_error err;
	const char *p;

	(void)state;
	assert_int_equal(creds_load(NULL, &c, &err), -1);
	p = strstr(err.msg, "no credentials found (profile 'default'); tried: ");
	assert_non_null(p);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *q = strstr(p, order[i]);

		if (!q)
			fail_msg("'%s' lacks '%s'", err.msg, order[i]);
		p = q;
	}
	/* an explicit --profile says why the environment was skipped */
	write_file(".aws/config", "[profile x]\nregion = us-east-1\n");
	assert_int_equal(creds_load("x", &c, &err), -1);
	assert_non_null(strstr(err.msg, "environment (not used with an "
				       "explicit --profile)"));
	assert_non_null(strstr(err.msg, "config file (no aws_access_key_id"));
}

/* AWS_PROFILE naming a missing profile is refused even with keys in the
 * environment, as the AWS CLI refuses it; before, the
 * environment's keys were used silently. */
static void test_aws_profile_missing_with_env_keys(void **state)
{
	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "senv", 1);
	setenv("AWS_PROFILE", "typo", 1);
	expect_error(NULL, "profile 'typo' not found in '");
	expect_error(NULL, "(AWS_PROFILE names it)");
}

static const char proc_ok[] =
	"#!/bin/sh\n"
	"[ \"$1\" = 'a b' ] && [ \"$2\" = \"it's\" ] || exit 9\n"
	"echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
	"\"SecretAccessKey\": \"PROCSECRET\", \"SessionToken\": \"PROCTOKEN\", "
	"\"Expiration\": \"2030-01-01T00:00:00Z\"}'\n";

/* credential_process: run without a shell (quotes split as a shell
 * would, no expansion), JSON Version 1 with a token and Expiration. */
static void test_credential_process_success(void **state)
{
	struct creds c;
	struct s3p_error err;
	char cfg[1024];

	(void)state;
	write_script("proc.sh", proc_ok);
	snprintf(cfg, sizeof(cfg), "[profile p]\ncredential_process = "
		 "%s/proc.sh 'a b' \"it's\"\n", home);
	write_file(".aws/config", cfg);
	assert_int_equal(load_at("p", 1800000000, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDPROC");
	assert_string_equal(c.secret_access_key, "PROCSECRET");
	assert_string_equal(c.session_token, "PROCTOKEN");
	assert_int_equal(c.expiration, 1893456000);
	assert_string_equal(c.provider, "credential_process");
	assert_string_equal(c.source, "credential_process of profile 'p'");
	creds_free(&c);
	/* shell syntax is not run: '$HOME' and ';' are plain arguments */
	snprintf(cfg, sizeof(cfg), "[profile p]\ncredential_process = "
		 "%s/proc.sh $HOME ; echo\n", home);
	write_file(".aws/config", cfg);
	assert_int_equal(load_at("p", 1800000000, &c, &err), -1);
	assert_non_null(strstr(err.msg, "exited with status 9"));
}

/* Non-zero exit: the message shows the process's stderr, never what it
 * printed on stdout. */
static void test_credential_process_failures(void **state)
{
	struct creds c;
	struct s3p_error err;
	char cfg[512];

	(void)state;
	snprintf(cfg, sizeof(cfg), "[profile p]\ncredential_process = "
		 "%s/proc.sh\n", home);
	write_file(".aws/config", cfg);

	write_script("proc.sh", "#!/bin/sh\necho '{\"SecretAccessKey\": "
		     "\"LEAKED1\"}'\necho 'vault: token expired' >&2\nexit 3\n");
	assert_int_equal(load_at("p", 1800000000, &c, &err), -1);
	assert_int_equal(err.kind, S3P_E_S3);
	assert_non_null(strstr(err.msg, "credential_process of profile 'p': '"));
	assert_non_null(strstr(err.msg, "exited with status 3: vault: token "
				       "expired"));
	assert_null(strstr(err.msg, "LEAKED1"));

	/* bad JSON: where, never the text (Jansson's own message quotes it) */
	write_script("proc.sh", "#!/bin/sh\necho '{\"SecretAccessKey\": "
		     "LEAKED2}'\necho 'helper: partial output' >&2\n");
	assert_int_equal(load_at("p", 1800000000, &c, &err), -1);
	assert_non_null(strstr(err.msg, "did not print credentials JSON: not "
				       "valid JSON (line 1, column"));
	assert_non_null(strstr(err.msg, "helper: partial output"));
	assert_null(strstr(err.msg, "LEAKED2"));

	write_script("proc.sh", "#!/bin/sh\necho '{\"Version\": 2, "
		     "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"LEAKED3\"}'\n");
	assert_int_equal(load_at("p", 1800000000, &c, &err), -1);
	assert_non_null(strstr(err.msg, "Version '2', expected 1"));
	assert_null(strstr(err.msg, "LEAKED3"));

	write_script("proc.sh", "#!/bin/sh\necho '{\"Version\": 1, "
		     "\"AccessKeyId\": \"A\"}'\n");
	assert_int_equal(load_at("p", 1800000000, &c, &err), -1);
	assert_non_null(strstr(err.msg, "without SecretAccessKey"));

	/* an Expiration already past at the (fake) now */
	write_script("proc.sh", proc_ok);
	snprintf(cfg, sizeof(cfg), "[profile p]\ncredential_process = "
		 "%s/proc.sh 'a b' \"it's\"\n", home);
	write_file(".aws/config", cfg);
	assert_int_equal(load_at("p", 1900000000, &c, &err), -1);
	assert_non_null(strstr(err.msg, "printed credentials that expired at "
				       "2030-01-01T00:00:00Z"));
	assert_null(strstr(err.msg, "PROCSECRET"));

	/* a command that does not exist */
	write_file(".aws/config", "[profile p]\ncredential_process = "
				  "/nonexistent/helper --x\n");
	assert_int_equal(load_at("p", 1800000000, &c, &err), -1);
	assert_non_null(strstr(err.msg, "exited with status 127: cannot run "
				       "'/nonexistent/helper'"));
}

static void test_split_command(void **state)
{
	char **argv;
	size_t argc;
	struct s3p_error err;

	(void)state;
	assert_int_equal(creds_split_command(
		"  /bin/x 'a  b' \"c \\\"d\\\" $e\" f\\ g h''i ",
		&argv, &argc, &err), 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[0], "/bin/x");
	assert_string_equal(argv[1], "a  b");
	assert_string_equal(argv[2], "c \"d\" $e");
	assert_string_equal(argv[3], "f g");
	assert_string_equal(argv[4], "hi");
	assert_null(argv[5]);
	creds_argv_free(argv);
	assert_int_equal(creds_split_command("x 'open", &argv, &argc, &err), -1);
	assert_non_null(strstr(err.msg, "unterminated quote"));
	assert_int_equal(creds_split_command("   ", &argv, &argc, &err), -1);
}

/* STS answers shaped as the STS API reference shows them (AssumeRole's
 * example response), an ErrorResponse, and radosgw's bare <Error>. */
static void test_sts_parse(void **state)
{
	static const char ok_xml[] =
		"<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/"
		"2011-06-15/\">\n<AssumeRoleResult>\n<SourceIdentity>Alice"
		"</SourceIdentity>\n<AssumedRoleUser>\n<Arn>arn:aws:sts::"
		"123456789012:assumed-role/demo/TestAR</Arn>\n<AssumedRoleId>"
		"ARO123EXAMPLE123:TestAR</AssumedRoleId>\n</AssumedRoleUser>\n"
		"<Credentials>\n<AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
		"<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
		"</SecretAccessKey>\n<SessionToken>AQoDYXdzEPT//////////wEXAMPLE"
		"</SessionToken>\n<Expiration>2019-11-09T13:34:41Z</Expiration>\n"
		"</Credentials>\n<PackedPolicySize>6</PackedPolicySize>\n"
		"</AssumeRoleResult>\n<ResponseMetadata>\n<RequestId>"
		"c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
		"</ResponseMetadata>\n</AssumeRoleResponse>";
	static const char err_xml[] =
		"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/"
		"\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>"
		"User: arn:aws:iam::123456789012:user/x is not authorized to "
		"perform: sts:AssumeRole</Message></Error><RequestId>r1"
		"</RequestId></ErrorResponse>";
	static const char rgw_xml[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
		"AccessDenied</Code><Message></Message><RequestId>tx0</RequestId>"
		"</Error>";
	struct creds c;
	struct s3p_error err;
	char *arn;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(creds_sts_parse(ok_xml, strlen(ok_xml), 200, &c, &arn,
					 &err), 0);
	assert_string_equal(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
	assert_string_equal(c.secret_access_key,
			    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	assert_string_equal(c.session_token, "AQoDYXdzEPT//////////wEXAMPLE");
	assert_int_equal(c.expiration, 1573306481);
	assert_string_equal(arn, "arn:aws:sts::123456789012:assumed-role/demo/"
				 "TestAR");
	free(arn);
	creds_free(&c);
	assert_int_equal(creds_sts_parse(err_xml, strlen(err_xml), 403, &c,
					 NULL, &err), -1);
	assert_string_equal(err.msg, "AccessDenied (HTTP 403): User: arn:aws:"
			    "iam::123456789012:user/x is not authorized to "
			    "perform: sts:AssumeRole");
	assert_int_equal(creds_sts_parse(rgw_xml, strlen(rgw_xml), 403, &c,
					 NULL, &err), -1);
	assert_string_equal(err.msg, "AccessDenied (HTTP 403)");
	assert_int_equal(creds_sts_parse("<x/>", 4, 200, &c, NULL, &err), -1);
	assert_string_equal(err.msg, "HTTP 200 without Credentials");
	assert_int_equal(creds_sts_parse("", 0, 503, &c, NULL, &err), -1);
	assert_string_equal(err.msg, "HTTP 503");
	assert_null(c.access_key_id);
}

/* The assume-role checks made before any STS call. */
static void test_assume_role_config_errors(void **state)
{
	(void)state;
	write_file(".aws/config",
		   "[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
		   "source_profile = b\n"
		   "[profile b]\nrole_arn = arn:aws:iam::1:role/b\n"
		   "source_profile = c\n"
		   "[profile c]\nrole_arn = arn:aws:iam::1:role/c\n"
		   "source_profile = a\n"
		   "[profile both]\nrole_arn = arn:aws:iam::1:role/x\n"
		   "source_profile = a\ncredential_source = Environment\n"
		   "[profile neither]\nrole_arn = arn:aws:iam::1:role/x\n"
		   "[profile lost]\nrole_arn = arn:aws:iam::1:role/x\n"
		   "source_profile = nowhere\n"
		   "[profile badsrc]\nrole_arn = arn:aws:iam::1:role/x\n"
		   "credential_source = Laptop\n"
		   "[profile envsrc]\nrole_arn = arn:aws:iam::1:role/x\n"
		   "credential_source = Environment\n"
		   "[profile keys]\naws_access_key_id = AK\n"
		   "aws_secret_access_key = SK\n"
		   "[profile mfa]\nrole_arn = arn:aws:iam::1:role/m\n"
		   "source_profile = keys\n"
		   "mfa_serial = arn:aws:iam::1:mfa/u\n"
		   "[profile dur]\nrole_arn = arn:aws:iam::1:role/d\n"
		   "source_profile = keys\nduration_seconds = 60\n");
	expect_error("a", "source_profile loop: 'a' -> 'b' -> 'c' -> 'a'");
	expect_error("a", "assume role arn:aws:iam::1:role/a from profile 'a'");
	expect_error("both", "has both source_profile and credential_source");
	expect_error("neither", "has role_arn but neither source_profile nor "
				"credential_source");
	expect_error("lost", "source_profile 'nowhere' of profile 'lost' not "
			     "found");
	expect_error("badsrc", "credential_source 'Laptop' of profile 'badsrc' "
			       "is not Environment, Ec2InstanceMetadata or "
			       "EcsContainer");
	expect_error("envsrc", "credential_source Environment of profile "
			       "'envsrc' gave no credentials");
	/* no terminal (no prompt callback): a clear error, no STS call */
	expect_error("mfa", "profile 'mfa' needs an MFA code for mfa_serial "
			    "'arn:aws:iam::1:mfa/u' and there is no terminal");
	expect_error("dur", "duration_seconds '60' of profile 'dur' is not a "
			    "number of seconds from 900 to 43200");
}

/* IAM Identity Center: the cached token is looked up under the SHA-1 of
 * the session name (sso_session) or of the start URL (legacy); missing
 * or expired says to run `aws sso login --profile X`. */
static void test_sso_token_cache(void **state)
{
	char hash[CRYPTO_SHA1_HEX_LEN + 1], rel[128];
	char path[512];

	(void)state;
	write_file(".aws/config",
		   "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n"
		   "sso_role_name = Reader\n"
		   "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
		   "sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"
		   "[profile old]\nsso_start_url = https://old.awsapps.com/start\n"
		   "sso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n"
		   "[profile half]\nsso_start_url = https://x/start\n");
	expect_error("dev", "run `aws sso login --profile dev`");
	expect_error("dev", "no cached token");
	snprintf(path, sizeof(path), "%s/.aws/sso", home);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.aws/sso/cache", home);
	mkdir(path, 0700);
	crypto_sha1_hex("corp", 4, hash);
	/* The AWS CLI's documented example name for a session "my-sso". */
	snprintf(rel, sizeof(rel), ".aws/sso/cache/%s.json", hash);
	write_file(rel, "{\"startUrl\": \"https://corp.awsapps.com/start\", "
			"\"region\": \"eu-west-1\", \"accessToken\": "
			"\"SSOTOKENSECRET\", \"expiresAt\": \"2020-01-01T00:00:00Z\"}");
	expect_error("dev", "the cached token expired at 2020-01-01T00:00:00Z: "
			    "run `aws sso login --profile dev`");
	expect_error("dev", "IAM Identity Center for profile 'dev'");
	crypto_sha1_hex("https://old.awsapps.com/start",
			strlen("https://old.awsapps.com/start"), hash);
	snprintf(rel, sizeof(rel), ".aws/sso/cache/%s.json", hash);
	write_file(rel, "{\"accessToken\": \"SSOTOKENSECRET\", "
			"\"expiresAt\": \"2021-02-03T04:05:06Z\"}");
	expect_error("old", "expired at 2021-02-03T04:05:06Z: run `aws sso "
			    "login --profile old`");
	expect_error("half", "profile 'half' lacks sso_region");
	/* SHA-1 as the AWS CLI names the file (known answer) */
	crypto_sha1_hex("abc", 3, hash);
	assert_string_equal(hash, "a9993e364706816aba3e25717850c26c9cd0d89d");
}

/* Web identity without a role, and container FULL_URI hosts. */
static void test_webid_and_container_config_errors(void **state)
{
	char p[512];

	(void)state;
	snprintf(p, sizeof(p), "%s/token", home);
	write_file("token", "WEBIDTOKENSECRET\n");
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", p, 1);
	expect_error(NULL, "no role: set AWS_ROLE_ARN or the profile's "
			   "role_arn");
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
	expect_error(NULL, "AWS_CONTAINER_CREDENTIALS_FULL_URI "
			   "'http://example.com/creds' is neither https nor a "
			   "loopback");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
	       "http://127.0.0.1.example.com/creds", 1);
	expect_error(NULL, "is neither https nor a loopback");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
	       "http://user@127.0.0.1:1/creds", 1);
	expect_error(NULL, "is neither https nor a loopback");
	/* an allowed host: the provider applies and fails to connect (port 1) */
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c", 1);
	expect_error(NULL, "container credentials: no answer from "
			   "'http://127.0.0.1:1/c'");
}

/* Precedence as the AWS documentation's table: the environment beats a
 * profile's keys and the container; a profile's keys beat the container;
 * credential_process comes after the credentials file's keys but before
 * the config file's. */
static void test_precedence_table(void **state)
{
	struct creds c;
	struct s3p_error err;
	char cfg[512];

	(void)state;
	/* container configured at a port where nothing listens: chosen only
	 * if nothing before it applies */
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "senv", 1);
	write_file(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\n"
				       "aws_secret_access_key = sfile\n");
	assert_int_equal(creds_load(NULL, &c, &err), 0);
	assert_string_equal(c.provider, "environment");
	creds_free(&c);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	assert_int_equal(creds_load(NULL, &c, &err), 0);
	assert_string_equal(c.provider, "shared credentials file");
	assert_string_equal(c.access_key_id, "AKIDFILE");
	creds_free(&c);
	/* credentials file keys > credential_process > config file keys */
	write_script("proc.sh", proc_ok);
	snprintf(cfg, sizeof(cfg), "[default]\ncredential_process = %s/proc.sh "
		 "'a b' \"it's\"\naws_access_key_id = AKIDCONF\n"
		 "aws_secret_access_key = sconf\n", home);
	write_file(".aws/config", cfg);
	assert_int_equal(load_at(NULL, 1800000000, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDFILE");
	creds_free(&c);
	write_file(".aws/credentials", "");
	assert_int_equal(load_at(NULL, 1800000000, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDPROC");
	creds_free(&c);
	/* nothing before it: the container is used (and fails here) */
	write_file(".aws/config", "");
	assert_int_equal(creds_load(NULL, &c, &err), -1);
	assert_non_null(strstr(err.msg, "container credentials"));
}

/* Refresh a few minutes before Expiration, with a fake clock. */
static void test_refresh_timing(void **state)
{
	struct creds c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_false(creds_need_refresh(&c, 1000));   /* long-term keys */
	c.expiration = 100000;
	assert_false(creds_need_refresh(&c, 100000 - CREDS_REFRESH_BEFORE));
	assert_true(creds_need_refresh(&c, 100000 - CREDS_REFRESH_BEFORE + 1));
	assert_true(creds_need_refresh(&c, 100000));
	assert_false(creds_need_refresh(NULL, 0));
}

/* Endpoints of the credential services: AWS_ENDPOINT_URL_STS > [services]
 * > AWS_ENDPOINT_URL > the profile's endpoint_url; none with
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS; otherwise the regional STS
 * endpoint (FIPS host with AWS_USE_FIPS_ENDPOINT, global with
 * sts_regional_endpoints = legacy in us-east-1).  [services] s3 also
 * gives the S3 endpoint. */
static void test_service_endpoints(void **state)
{
	struct creds_ctx cx;
	struct creds_options o = { 0 };
	struct s3p_error err;
	struct creds c;
	const char *region;
	char *url;

	(void)state;
	write_file(".aws/config",
		   "[profile e]\nregion = eu-west-2\nservices = mine\n"
		   "endpoint_url = http://profile.example\n"
		   "[services mine]\nsts =\n  endpoint_url = http://sts.example\n"
		   "S3 =\n  Endpoint_URL = http://s3.example\n"
		   "aws_access_key_id = NOTAKEY\n"
		   "[profile plain]\nregion = ap-east-1\n"
		   "aws_access_key_id = AK\naws_secret_access_key = SK\n");
	memset(&cx, 0, sizeof(cx));
	cx.opt = &o;
	assert_int_equal(creds_files_load(&cx.files, &err), 0);
	assert_string_equal(creds_service_endpoint(&cx, "e", "sts", "STS"),
			    "http://sts.example");
	assert_string_equal(creds_service_endpoint(&cx, "e", "sso", "SSO"),
			    "http://profile.example");
	setenv("AWS_ENDPOINT_URL", "http://general.example", 1);
	assert_string_equal(creds_service_endpoint(&cx, "e", "sso", "SSO"),
			    "http://general.example");
	setenv("AWS_ENDPOINT_URL_STS", "http://env-sts.example", 1);
	assert_string_equal(creds_service_endpoint(&cx, "e", "sts", "STS"),
			    "http://env-sts.example");
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	assert_null(creds_service_endpoint(&cx, "e", "sts", "STS"));
	creds_sts_endpoint(&cx, "plain", &url, &region);
	assert_string_equal(url, "https://sts.ap-east-1.amazonaws.com");
	assert_string_equal(region, "ap-east-1");
	free(url);
	setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
	creds_sts_endpoint(&cx, "plain", &url, &region);
	assert_string_equal(url, "https://sts-fips.ap-east-1.amazonaws.com");
	free(url);
	unsetenv("AWS_USE_FIPS_ENDPOINT");
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy", 1);
	creds_sts_endpoint(&cx, "plain", &url, &region);
	assert_string_equal(url, "https://sts.amazonaws.com");
	free(url);
	unsetenv("AWS_STS_REGIONAL_ENDPOINTS");
	unsetenv("AWS_REGION");
	creds_files_free(&cx.files);
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_STS");
	/* the S3 endpoint from [services] (sub-keys case-insensitive) */
	write_file(".aws/credentials", "[e]\naws_access_key_id = AK\n"
				       "aws_secret_access_key = SK\n");
	assert_int_equal(creds_load("e", &c, &err), 0);
	assert_string_equal(c.endpoint_url, "http://s3.example");
	assert_string_equal(c.access_key_id, "AK");
	creds_free(&c);
}

/* ---- refresh of temporary credentials inside the S3 client ----------- */

static time_t rf_now;
static int rf_calls, rf_fail;
static char rf_seen[8][128];   /* access key id of each request sent */
static size_t rf_nseen;

static time_t rf_clock(void *ctx)
{
	(void)ctx;
	return rf_now;
}

static int rf_perform(void *ctx, struct http_exchange *ex, size_t n,
		      struct s3p_error *err)
{
	(void)ctx;
	(void)err;
	for (size_t i = 0; i < n; i++) {
		const char *auth = NULL;

		for (size_t h = 0; h < ex[i].header_count; h++)
			if (strncmp(ex[i].headers[h], "Authorization:", 14) == 0)
				auth = ex[i].headers[h];
		if (rf_nseen < 8 && auth && strstr(auth, "Credential=")) {
			const char *k = strstr(auth, "Credential=") + 11;

			snprintf(rf_seen[rf_nseen++], sizeof(rf_seen[0]), "%.*s",
				 (int)strcspn(k, "/"), k);
		}
		ex[i].result = HTTP_OK;
		ex[i].status = 200;
	}
	return 0;
}

static int rf_refresh(void *ctx, time_t expiring, struct creds *out,
		      struct s3p_error *err)
{
	char key[32];

	(void)ctx;
	(void)expiring;
	rf_calls++;
	if (rf_fail)
		return s3p_error_set(err, S3P_E_S3, "sts is down");
	snprintf(key, sizeof(key), "ASIAFRESH%d", rf_calls);
	creds_set(out, key, "freshsecret", "freshtoken", rf_now + 3600);
	return 0;
}

static void rf_send(struct s3_client *c)
{
	struct s3_request rq;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.bucket = "refresh-bucket";
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	s3_response_release(&r);
}

/* With a fake clock: credentials expiring at T are used unchanged until
 * T - CREDS_REFRESH_BEFORE, then refreshed exactly once, and the next
 * requests are signed with the fresh ones; no request fails.  A failed
 * refresh keeps the old ones while they last. */
static void test_refresh_in_s3_client(void **state)
{
	static const struct s3_transport tr = { NULL, rf_perform };
	struct s3_config cfg = S3_CONFIG_INIT;
	struct creds cr;
	struct s3_client *c;
	struct s3p_error err;
	const time_t T = 1900000000;

	(void)state;
	memset(&cr, 0, sizeof(cr));
	creds_set(&cr, "ASIAOLD", "oldsecret", "oldtoken", T);
	cfg.endpoint = "http://127.0.0.1:9";
	cfg.region = "us-east-1";
	cfg.transport = &tr;
	cfg.now = rf_clock;
	cfg.refresh = rf_refresh;
	rf_calls = rf_fail = 0;
	rf_nseen = 0;
	assert_int_equal(s3_client_new(&cfg, &cr, &c, &err), 0);
	rf_now = T - 3600;
	rf_send(c);
	rf_now = T - CREDS_REFRESH_BEFORE - 1;
	rf_send(c);
	assert_int_equal(rf_calls, 0);
	rf_now = T - CREDS_REFRESH_BEFORE + 10;   /* inside the window */
	rf_send(c);
	rf_send(c);
	assert_int_equal(rf_calls, 1);
	assert_int_equal(rf_nseen, 4);
	assert_string_equal(rf_seen[0], "ASIAOLD");
	assert_string_equal(rf_seen[1], "ASIAOLD");
	assert_string_equal(rf_seen[2], "ASIAFRESH1");
	assert_string_equal(rf_seen[3], "ASIAFRESH1");
	s3_client_free(c);

	/* refresh fails: the old ones are used while they last */
	rf_calls = 0;
	rf_fail = 1;
	rf_nseen = 0;
	assert_int_equal(s3_client_new(&cfg, &cr, &c, &err), 0);
	rf_now = T - 60;
	rf_send(c);
	assert_int_equal(rf_calls, 1);
	assert_string_equal(rf_seen[0], "ASIAOLD");
	rf_send(c);                               /* retried a minute later */
	assert_int_equal(rf_calls, 1);
	s3_client_free(c);
	creds_free(&cr);
}

/* Settings the AWS CLI honours, environment first: ca_bundle, retry mode
 * and max attempts (standard / adaptive 3, legacy 5), FIPS and dual-stack
 * (S3 host names s3-fips. / .dualstack.). */
static void test_profile_settings(void **state)
{
	struct creds c;
	struct s3p_error err;
	struct s3_config cfg = S3_CONFIG_INIT;
	struct s3_client *s3;

	(void)state;
	write_file(".aws/config", "[default]\naws_access_key_id = AK\n"
				  "aws_secret_access_key = SK\n"
				  "ca_bundle = /etc/corp-ca.pem\n"
				  "retry_mode = legacy\n"
				  "use_fips_endpoint = true\n"
				  "use_dualstack_endpoint = TRUE\n");
	assert_int_equal(creds_load(NULL, &c, &err), 0);
	assert_string_equal(c.ca_bundle, "/etc/corp-ca.pem");
	assert_string_equal(c.retry_mode, "legacy");
	assert_int_equal(c.max_attempts, 5);
	assert_int_equal(c.use_fips, 1);
	assert_int_equal(c.use_dualstack, 1);
	cfg.region = "us-west-2";
	assert_int_equal(s3_client_new(&cfg, &c, &s3, &err), 0);
	assert_string_equal(s3_client_endpoint(s3),
			    "https://s3-fips.dualstack.us-west-2.amazonaws.com");
	s3_client_free(s3);
	creds_free(&c);
	setenv("AWS_MAX_ATTEMPTS", "7", 1);
	setenv("AWS_RETRY_MODE", "standard", 1);
	setenv("AWS_CA_BUNDLE", "/env.pem", 1);
	setenv("AWS_USE_FIPS_ENDPOINT", "false", 1);
	assert_int_equal(creds_load(NULL, &c, &err), 0);
	assert_int_equal(c.max_attempts, 7);
	assert_string_equal(c.retry_mode, "standard");
	assert_string_equal(c.ca_bundle, "/env.pem");
	assert_int_equal(c.use_fips, 0);
	creds_free(&c);
	setenv("AWS_MAX_ATTEMPTS", "0", 1);
	expect_error_kind(NULL, S3P_E_USAGE, "max attempts '0' is not a number "
					     "from 1 to 20");
	unsetenv("AWS_MAX_ATTEMPTS");
	setenv("AWS_RETRY_MODE", "eager", 1);
	expect_error_kind(NULL, S3P_E_USAGE, "retry mode 'eager' is not "
					     "standard, adaptive or legacy");
	unsetenv("AWS_RETRY_MODE");
	setenv("AWS_USE_DUALSTACK_ENDPOINT", "yes", 1);
	expect_error_kind(NULL, S3P_E_USAGE, "AWS_USE_DUALSTACK_ENDPOINT / "
					     "use_dualstack_endpoint 'yes' is "
					     "not true or false");
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
		cmocka_unit_test_setup_teardown(test_key_names_case_insensitive, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_credentials_lists_every_provider, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_aws_profile_missing_with_env_keys, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_credential_process_success, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_credential_process_failures, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_split_command, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sts_parse, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_assume_role_config_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sso_token_cache, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_webid_and_container_config_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_precedence_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refresh_timing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_service_endpoints, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refresh_in_s3_client, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_profile_settings, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
