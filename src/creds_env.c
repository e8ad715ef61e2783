/* creds_env.c - the environment provider: AWS_ACCESS_KEY_ID +
 * AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN, or the older
 * AWS_SECURITY_TOKEN). */
#include <string.h>

#include "creds_int.h"

int creds_env_load(struct creds_ctx *cx, const char *profile,
		   struct creds *out, struct s3p_error *err)
{
	const char *key = creds_getenv("AWS_ACCESS_KEY_ID");
	const char *secret = creds_getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = creds_getenv("AWS_SESSION_TOKEN");

	(void)profile;
	if (!key && !secret) {
		creds_tried(cx, "environment", "AWS_ACCESS_KEY_ID not set");
		return CREDS_NOT_APPLICABLE;
	}
	if (!key || !secret)
		return s3p_error_set(err, S3P_E_S3,
				     "incomplete credentials in the "
				     "environment: %s is set but %s is not",
				     key ? "AWS_ACCESS_KEY_ID"
					 : "AWS_SECRET_ACCESS_KEY",
				     key ? "AWS_SECRET_ACCESS_KEY"
					 : "AWS_ACCESS_KEY_ID");
	if (!token)
		token = creds_getenv("AWS_SECURITY_TOKEN");
	creds_set(out, key, secret, token, 0);
	out->provider = xstrdup("environment");
	out->source = xstrdup("environment");
	return CREDS_FOUND;
}
