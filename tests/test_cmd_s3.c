/* test_cmd_s3.c - the S3 options shared by check, verify and layout:
 * parsing through a command-like table, the `given` flag, --timeout and
 * --region checks, positional arguments refused, and the
 * client they build (credentials, configuration, the --verbose trace:
 * one line per attempt, never a secret).  Runs with an empty AWS_*
 * environment and an empty HOME; the only network use is a refused
 * connection to 127.0.0.1:1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "cmd_s3.h"
#include "error.h"
#include "opts.h"
#include "s3.h"

static char home[256];

static const char *const aws_vars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION",
	"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
	"AWS_CA_BUNDLE", NULL };

struct args {
	const char *own;
	struct cmd_s3_opts s3;
};

static const struct opt_spec specs[] = {
	OPT_STRING(struct args, own, "own", 0, "X", "a command's own option",
		   NULL),
};

/* Parse a NULL-terminated argument list (after the command name). */
static int parse(struct args *a, struct s3p_error *err, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	memset(a, 0, sizeof(*a));
	argv[argc++] = (char *)"cmd";
	va_start(ap, err);
	for (char *s; (s = va_arg(ap, char *)) != NULL;)
		argv[argc++] = s;
	va_end(ap);
	{
		const struct opt_group groups[] = {
			OPT_GROUP(specs, a), CMD_S3_GROUP(&a->s3),
		};

		return opts_parse(argc, argv, groups, OPTS_COUNT(groups),
				  err);
	}
}

static int setup(void **state)
{
	(void)state;
	for (int i = 0; aws_vars[i]; i++)
		unsetenv(aws_vars[i]);
	snprintf(home, sizeof(home), "/tmp/s3perm-test-cmd-s3-XXXXXX");
	assert_non_null(mkdtemp(home));
	setenv("HOME", home, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rmdir(home);
	return 0;
}

static void test_all_options(void **state)
{
	struct args a;
	struct s3p_error err = { S3P_OK, "" };

	(void)state;
	assert_int_equal(parse(&a, &err, "--own", "x", "--endpoint",
			       "http://127.0.0.1:1", "--region", "eu-west-1",
			       "--profile", "p", "--path-style", "--timeout",
			       "7", "-v", (char *)NULL), OPTS_OK);
	assert_string_equal(a.own, "x");
	assert_string_equal(a.s3.endpoint, "http://127.0.0.1:1");
	assert_string_equal(a.s3.region, "eu-west-1");
	assert_string_equal(a.s3.profile, "p");
	assert_int_equal(a.s3.path_style, 1);
	assert_int_equal(a.s3.timeout, 7);
	assert_int_equal(a.s3.verbose, 1);
	assert_int_equal(a.s3.given, 1);
}

static void test_given(void **state)
{
	struct args a;
	struct s3p_error err = { S3P_OK, "" };
	const char *one[][2] = {
		{ "--endpoint", "http://h" }, { "--region", "us-east-1" },
		{ "--profile", "p" }, { "--path-style", NULL },
		{ "--timeout", "1" } };

	(void)state;
	assert_int_equal(parse(&a, &err, "--own", "x", (char *)NULL), OPTS_OK);
	assert_int_equal(a.s3.given, 0);
	/* --verbose alone only shows requests: not an S3 setting */
	assert_int_equal(parse(&a, &err, "--verbose", (char *)NULL), OPTS_OK);
	assert_int_equal(a.s3.verbose, 1);
	assert_int_equal(a.s3.given, 0);
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		assert_int_equal(parse(&a, &err, one[i][0], one[i][1],
				       (char *)NULL), OPTS_OK);
		assert_int_equal(a.s3.given, 1);
	}
	/* CMD_S3_OPTION_NAMES names exactly what `given` counts */
	assert_string_equal(CMD_S3_OPTION_NAMES,
		"--endpoint, --region, --profile, --path-style, --timeout");
}

static void test_bad_values(void **state)
{
	struct args a;
	struct s3p_error err = { S3P_OK, "" };
	const char *timeouts[] = { "0", "3601", "-5", "abc", "", "5s" };
	const char *regions[] = { "Bad_Region", "", "-us-east-1", "us east" };

	(void)state;
	for (size_t i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
		assert_int_equal(parse(&a, &err, "--timeout", timeouts[i],
				       (char *)NULL), -1);
		assert_int_equal(err.kind, S3P_E_USAGE);
		assert_non_null(strstr(err.msg, "'--timeout'"));
		assert_non_null(strstr(err.msg, "from 1 to 3600"));
	}
	assert_int_equal(parse(&a, &err, "--timeout", "3600", (char *)NULL),
			 OPTS_OK);
	assert_int_equal(a.s3.timeout, 3600);
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		assert_int_equal(parse(&a, &err, "--region", regions[i],
				       (char *)NULL), -1);
		assert_int_equal(err.kind, S3P_E_USAGE);
		assert_non_null(strstr(err.msg, "invalid region"));
	}
	/* once each, as every option with a value */
	assert_int_equal(parse(&a, &err, "--profile", "a", "--profile", "b",
			       (char *)NULL), -1);
	assert_non_null(strstr(err.msg, "given twice"));
}

static void test_other_ids(void **state)
{
	struct args a;
	struct s3p_error err = { S3P_OK, "" };

	(void)state;
	assert_int_equal(parse(&a, &err, "--own", "x", "stray", (char *)NULL),
			 -1);
	assert_int_equal(err.kind, S3P_E_USAGE);
	assert_string_equal(err.msg, "unexpected argument 'stray'");
	assert_int_equal(a.s3.given, 0);
}

static void test_client_without_credentials(void **state)
{
	struct cmd_s3_opts o;
	struct s3_client *c = (struct s3_client *)&o;  /* must become NULL */
	struct s3p_error err = { S3P_OK, "" };

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(cmd_s3_client(&o, 0, &c, &err), -1);
	assert_null(c);
	assert_int_equal(err.kind, S3P_E_S3);
	/* a named profile that does not exist is named */
	o.profile = "nosuchprofile";
	assert_int_equal(cmd_s3_client(&o, 0, &c, &err), -1);
	assert_null(c);
	assert_non_null(strstr(err.msg, "nosuchprofile"));
}

static void test_client_configured(void **state)
{
	struct cmd_s3_opts o;
	struct s3_client *c = NULL;
	struct s3p_error err = { S3P_OK, "" };

	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDTESTCMDS3", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "cmd-s3-secret-value", 1);
	setenv("AWS_REGION", "ap-south-1", 1);
	memset(&o, 0, sizeof(o));
	o.endpoint = "http://127.0.0.1:1";
	o.region = "eu-central-1";   /* the option wins over AWS_REGION */
	assert_int_equal(cmd_s3_client(&o, 4, &c, &err), 0);
	assert_non_null(c);
	assert_string_equal(s3_client_endpoint(c), "http://127.0.0.1:1");
	assert_string_equal(s3_client_region(c, "bkt"), "eu-central-1");
	assert_int_equal(s3_client_is_aws(c), 0);
	s3_client_free(c);
	/* a malformed endpoint is the client's usage error */
	o.endpoint = "not a url";
	assert_int_equal(cmd_s3_client(&o, 0, &c, &err), -1);
	assert_null(c);
	assert_int_equal(err.kind, S3P_E_USAGE);
}

/* --verbose: one line per attempt on stderr, in the one format, with the
 * transport error for a refused connection and never the secret. */
static void test_verbose_trace(void **state)
{
	struct cmd_s3_opts o;
	struct s3_client *c = NULL;
	struct s3p_error err = { S3P_OK, "" };
	struct s3_request rq = { .method = "GET", .bucket = "bkt" };
	struct s3_response r = S3_RESPONSE_INIT;
	char path[300], text[4096];
	FILE *f;
	size_t n;
	int saved, lines = 0;

	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDTESTCMDS3", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "cmd-s3-secret-value", 1);
	memset(&o, 0, sizeof(o));
	o.endpoint = "http://127.0.0.1:1";
	o.region = "us-east-1";
	o.path_style = 1;
	o.timeout = 2;
	o.verbose = 1;
	assert_int_equal(cmd_s3_client(&o, 0, &c, &err), 0);

	snprintf(path, sizeof(path), "%s/stderr", home);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_non_null(freopen(path, "w", stderr));
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	s3_client_free(c);

	assert_int_equal(r.error_class, S3_ERR_NETWORK);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	unlink(path);
	text[n] = '\0';
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		lines++;
		assert_true(!strncmp(line, "s3perm: GET 127.0.0.1:1/bkt",
				     strlen("s3perm: GET 127.0.0.1:1/bkt")));
		assert_non_null(strstr(line, " -> no answer ("));
		assert_non_null(strstr(line, " ms, region us-east-1, attempt "));
		assert_null(strstr(line, "cmd-s3-secret-value"));
		assert_null(strstr(line, "Authorization"));
	}
	assert_true(r.attempts >= 1);
	assert_int_equal(lines, r.attempts);
	s3_response_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_options, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_given, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_other_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_without_credentials,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_configured, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_verbose_trace, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
