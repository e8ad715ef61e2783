/* creds_sso.c - IAM Identity Center (SSO): a profile with sso_session
 * (and an [sso-session NAME] section with sso_start_url, sso_region) or
 * the legacy sso_start_url / sso_region keys, plus sso_account_id and
 * sso_role_name.  The access token is the one `aws sso login` cached in
 * ~/.aws/sso/cache/SHA1.json (SHA-1 hex of the session name, or of the
 * start URL for a legacy profile); the portal's GetRoleCredentials
 * (GET /federation/credentials?account_id=..&role_name=.. with header
 * x-amz-sso_bearer_token) turns it into role credentials.  s3perm never
 * opens a browser: a missing or expired token says to run `aws sso
 * login`.  The access token is a secret: never in a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "crypto.h"
#include "sigv4.h"

static int login_error(struct s3p_error *err, const char *profile,
		       const char *why)
{
	return s3p_error_set(err, S3P_E_S3, "%s: run `aws sso login "
			     "--profile %s`", why, profile);
}

int creds_sso_load(struct creds_ctx *cx, const char *profile,
		   struct creds *out, struct s3p_error *err)
{
	static const char *const tok_names[] = { "accessToken", "expiresAt" };
	static const char *const rc_names[] = {
		"roleCredentials.accessKeyId", "roleCredentials.secretAccessKey",
		"roleCredentials.sessionToken", "roleCredentials.expiration" };
	const struct creds_files *f = &cx->files;
	const char *sess = creds_profile_get(f, profile, "sso_session");
	const char *start = creds_profile_get(f, profile, "sso_start_url");
	const char *region = creds_profile_get(f, profile, "sso_region");
	const char *account = creds_profile_get(f, profile, "sso_account_id");
	const char *role = creds_profile_get(f, profile, "sso_role_name");
	const char *home = creds_getenv("HOME"), *ep;
	char hash[CRYPTO_SHA1_HEX_LEN + 1], why[300];
	char *tv[2] = { NULL, NULL }, *cv[4] = { NULL, NULL, NULL, NULL };
	struct buf path = BUF_INIT, file = BUF_INIT, url = BUF_INIT;
	struct buf hdr = BUF_INIT, body = BUF_INIT, src = BUF_INIT;
	struct creds_http_req rq;
	struct s3p_error e2;
	const char *headers[1];
	time_t exp = 0;
	long status = 0;
	int rc = -1;

	if (!sess && !start && !account && !role && !region) {
		creds_tried(cx, "IAM Identity Center", "no sso_session nor "
			    "sso_start_url");
		return CREDS_NOT_APPLICABLE;
	}
	if (sess) {
		const struct creds_section *s = creds_files_section(
			f, CREDS_SEC_SSO_SESSION, sess, 1);
		const char *s_start = creds_section_get(s, "sso_start_url");
		const char *s_region = creds_section_get(s, "sso_region");

		if (!s) {
			s3p_error_set(err, S3P_E_S3, "sso_session '%s' of profile "
				      "'%s' has no [sso-session %s] section in "
				      "'%s'", sess, profile, sess, f->conf_path);
			goto out;
		}
		if ((start && s_start && strcmp(start, s_start) != 0) ||
		    (region && s_region && strcmp(region, s_region) != 0)) {
			s3p_error_set(err, S3P_E_S3, "profile '%s' and its "
				      "sso_session '%s' disagree on "
				      "sso_start_url or sso_region", profile,
				      sess);
			goto out;
		}
		start = s_start;
		region = s_region;
	}
	if (!start || !region || !account || !role) {
		s3p_error_set(err, S3P_E_S3, "profile '%s' lacks %s", profile,
			      !start ? "sso_start_url" : !region ? "sso_region"
			      : !account ? "sso_account_id" : "sso_role_name");
		goto out;
	}
	if (!home) {
		s3p_error_set(err, S3P_E_S3, "HOME is not set: cannot find the "
			      "token cache");
		goto out;
	}
	crypto_sha1_hex(sess ? sess : start, strlen(sess ? sess : start), hash);
	buf_printf(&path, "%s/.aws/sso/cache/%s.json", home, hash);
	if (creds_read_file(path.data, &file, &e2) < 0) {
		snprintf(why, sizeof(why), "no cached token ('%s' cannot be "
			 "read)", path.data);
		login_error(err, profile, why);
		goto out;
	}
	if (creds_json_fields(file.data, file.len, tok_names, tv, 2, &e2) < 0 ||
	    !tv[0] || !tv[1] || creds_parse_time(tv[1], &exp) < 0) {
		snprintf(why, sizeof(why), "the cached token '%s' is not "
			 "readable", path.data);
		login_error(err, profile, why);
		goto out;
	}
	if (exp <= creds_now(cx)) {
		char when[32];

		creds_format_time(exp, when);
		snprintf(why, sizeof(why), "the cached token expired at %s",
			 when);
		login_error(err, profile, why);
		goto out;
	}
	ep = creds_service_endpoint(cx, profile, "sso", "SSO");
	if (ep) {
		buf_puts(&url, ep);
		while (url.len && url.data[url.len - 1] == '/')
			url.data[--url.len] = '\0';
	} else {
		buf_printf(&url, "https://portal.sso.%s.amazonaws.com", region);
	}
	buf_puts(&url, "/federation/credentials?account_id=");
	sigv4_uri_encode(&url, account, strlen(account), 0);
	buf_puts(&url, "&role_name=");
	sigv4_uri_encode(&url, role, strlen(role), 0);
	buf_printf(&hdr, "x-amz-sso_bearer_token: %s", tv[0]);
	headers[0] = hdr.data;
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = url.data;
	rq.headers = headers;
	rq.header_count = 1;
	rq.timeout_ms = 30000;
	rq.ca_bundle = creds_ca_bundle(cx, profile);
	if (creds_http(&rq, &status, &body, err) < 0)
		goto out;
	if (status == 401 || status == 403) {
		snprintf(why, sizeof(why), "the portal refused the cached "
			 "token (HTTP %ld)", status);
		login_error(err, profile, why);
		goto out;
	}
	if (status != 200) {
		s3p_error_set(err, S3P_E_S3, "GetRoleCredentials answered HTTP "
			      "%ld", status);
		goto out;
	}
	if (creds_json_fields(body.data, body.len, rc_names, cv, 4, err) < 0) {
		s3p_error_prefix(err, "GetRoleCredentials");
		goto out;
	}
	if (!cv[0] || !cv[1]) {
		s3p_error_set(err, S3P_E_S3, "GetRoleCredentials answered "
			      "without roleCredentials");
		goto out;
	}
	creds_set(out, cv[0], cv[1], cv[2],
		  cv[3] ? (time_t)(strtoll(cv[3], NULL, 10) / 1000) : 0);
	out->provider = xstrdup("IAM Identity Center");
	buf_printf(&src, "role '%s' in account %s from profile '%s'", role,
		   account, profile);
	out->source = buf_detach(&src);
	rc = CREDS_FOUND;
out:
	if (rc < 0)
		s3p_error_prefix(err, "IAM Identity Center for profile '%s'",
				 profile);
	for (int i = 0; i < 2; i++)
		free_secret(tv[i]);
	for (int i = 0; i < 4; i++)
		free_secret(cv[i]);
	buf_release(&path);
	buf_release_secret(&file);
	buf_release(&url);
	buf_release_secret(&hdr);
	buf_release_secret(&body);
	return rc;
}
