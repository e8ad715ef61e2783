/* fuzz_creds.c - the shared credentials and config file parser (creds.h):
 * creds_load() with AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE naming
 * two temporary files that hold the input.
 *
 * Input: "PROFILE\0CREDENTIALS_FILE\0CONFIG_FILE" (an empty PROFILE means
 * none: the default profile).  Inputs that would make the loader run a
 * command or call a network service (credential_process, role_arn,
 * sso_*, web_identity_token_file, credential_source, in any case: the
 * files' key names are case-insensitive) are skipped: the harness tests
 * parsing, and must never execute what the fuzzer writes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fuzz.h"
#include "creds.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char cred_path[64], conf_path[64];

static void cleanup(void)
{
	if (cred_path[0])
		unlink(cred_path);
	if (conf_path[0])
		unlink(conf_path);
}

static void make_temp(char *path, size_t n)
{
	int fd;

	snprintf(path, n, "/tmp/s3perm-fuzz-creds.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
}

static void write_file(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || (len && fwrite(s, 1, len, f) != len))
		abort();
	fclose(f);
}

static int unsafe(const uint8_t *data, size_t size)
{
	static const char *const words[] = { "credential_process", "role_arn",
		"sso_", "web_identity", "credential_source", "process" };
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t wl = strlen(words[i]), j;

		/* key names are case-insensitive (ROLE_ARN is role_arn) */
		for (j = 0; j + wl <= size; j++)
			if (strncasecmp((const char *)data + j, words[i], wl) == 0)
				return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const env[] = { "AWS_ACCESS_KEY_ID",
		"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_CA_BUNDLE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_ROLE_ARN", "AWS_EC2_METADATA_DISABLED" };
	struct fuzz_fields ff;
	struct creds c;
	struct s3p_error err;
	size_t i;

	if (unsafe(data, size))
		return 0;
	if (!cred_path[0]) {
		make_temp(cred_path, sizeof cred_path);
		make_temp(conf_path, sizeof conf_path);
		atexit(cleanup);
		for (i = 0; i < sizeof env / sizeof env[0]; i++)
			unsetenv(env[i]);
		/* no instance metadata service either */
		setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
		setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
		setenv("AWS_CONFIG_FILE", conf_path, 1);
	}
	fuzz_split(&ff, data, size, 3);
	write_file(cred_path, ff.f[1], ff.len[1]);
	write_file(conf_path, ff.f[2], ff.len[2]);
	memset(&c, 0, sizeof c);
	if (creds_load(ff.len[0] ? ff.f[0] : NULL, &c, &err) == 0) {
		if (!c.access_key_id || !c.secret_access_key)
			abort();
		creds_free(&c);
	}
	fuzz_fields_free(&ff);
	return 0;
}
