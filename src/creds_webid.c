/* creds_webid.c - web identity: AWS_WEB_IDENTITY_TOKEN_FILE +
 * AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME), or the profile's
 * web_identity_token_file + role_arn (+ role_session_name), each setting
 * from the environment first; the token is exchanged with STS
 * AssumeRoleWithWebIdentity (an unsigned call).  The token is a secret:
 * never in a message. */
#include <stdio.h>
#include <string.h>

#include "creds_int.h"

static const char *setting(struct creds_ctx *cx, const char *profile,
			   const char *env, const char *key)
{
	const char *v = creds_getenv(env);

	return v ? v : creds_profile_get(&cx->files, profile, key);
}

int creds_webid_load(struct creds_ctx *cx, const char *profile,
		     struct creds *out, struct s3p_error *err)
{
	const char *file = setting(cx, profile, "AWS_WEB_IDENTITY_TOKEN_FILE",
				   "web_identity_token_file");
	const char *arn = setting(cx, profile, "AWS_ROLE_ARN", "role_arn");
	const char *sess = setting(cx, profile, "AWS_ROLE_SESSION_NAME",
				   "role_session_name");
	struct buf token = BUF_INIT, b = BUF_INIT;
	struct creds_sts_param p[3];
	struct creds_sts_call call;
	char session[64];
	int rc = -1;

	if (!file) {
		creds_tried(cx, "web identity", "AWS_WEB_IDENTITY_TOKEN_FILE "
			    "and web_identity_token_file not set");
		return CREDS_NOT_APPLICABLE;
	}
	if (!arn) {
		s3p_error_set(err, S3P_E_S3, "web identity token file '%s' but "
			      "no role: set AWS_ROLE_ARN or the profile's "
			      "role_arn", file);
		goto out;
	}
	if (creds_read_file(file, &token, err) < 0)
		goto out;
	if (!token.len) {
		s3p_error_set(err, S3P_E_S3, "token file '%s' is empty", file);
		goto out;
	}
	if (!sess) {
		snprintf(session, sizeof(session), "s3perm-session-%lld",
			 (long long)creds_now(cx));
		sess = session;
	}
	p[0].name = "RoleArn";
	p[0].value = arn;
	p[1].name = "RoleSessionName";
	p[1].value = sess;
	p[2].name = "WebIdentityToken";
	p[2].value = token.data;
	memset(&call, 0, sizeof(call));
	call.action = "AssumeRoleWithWebIdentity";
	call.params = p;
	call.param_count = 3;
	call.profile = profile;
	if (creds_sts_call(cx, &call, out, NULL, err) < 0)
		goto out;
	out->provider = xstrdup("web identity");
	buf_printf(&b, "role %s with the token in '%s'", arn, file);
	out->source = buf_detach(&b);
	rc = CREDS_FOUND;
out:
	if (rc < 0)
		s3p_error_prefix(err, "web identity for role %s",
				 arn ? arn : "(none)");
	buf_release_secret(&token);
	return rc;
}
