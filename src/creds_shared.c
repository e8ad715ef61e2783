/* creds_shared.c - static keys from the shared credentials file or the
 * config file (aws_access_key_id, aws_secret_access_key,
 * aws_session_token) of one profile. */
#include <string.h>

#include "creds_int.h"

int creds_shared_load(struct creds_ctx *cx, const char *profile, int in_config,
		      struct creds *out, struct s3p_error *err)
{
	const char *what = in_config ? "config file" : "shared credentials file";
	const char *path = in_config ? cx->files.conf_path : cx->files.cred_path;
	const struct creds_section *s =
		creds_files_section(&cx->files, CREDS_SEC_PROFILE, profile,
				    in_config);
	const char *key = creds_section_get(s, "aws_access_key_id");
	const char *secret = creds_section_get(s, "aws_secret_access_key");
	const char *token = creds_section_get(s, "aws_session_token");
	struct buf b = BUF_INIT;

	if (!s) {
		creds_tried(cx, what, "no [%s%s] in '%s'",
			    in_config && strcmp(profile, "default") != 0
				    ? "profile " : "", profile, path);
		return CREDS_NOT_APPLICABLE;
	}
	if (!key && !secret) {
		creds_tried(cx, what, "no aws_access_key_id in '%s'", path);
		return CREDS_NOT_APPLICABLE;
	}
	if (!key || !secret)
		return s3p_error_set(err, S3P_E_S3,
				     "incomplete credentials in profile '%s': "
				     "%s is missing in '%s'", profile,
				     key ? "aws_secret_access_key"
					 : "aws_access_key_id", path);
	if (!token)
		token = creds_section_get(s, "aws_security_token");
	creds_set(out, key, secret, token, 0);
	out->provider = xstrdup(what);
	buf_printf(&b, "profile '%s' in '%s'", profile, path);
	out->source = buf_detach(&b);
	return CREDS_FOUND;
}
