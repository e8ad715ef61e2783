/* creds_sts.c - AWS STS calls of the credential providers (AssumeRole,
 * AssumeRoleWithWebIdentity): the query-protocol POST, signed with the
 * SigV4 signer, sent through the HTTP module, the XML answer read through
 * the XML module.  See creds_int.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "creds_int.h"
#include "sigv4.h"
#include "xml.h"

void creds_sts_endpoint(const struct creds_ctx *cx, const char *profile,
			char **url, const char **region)
{
	const char *ep = creds_service_endpoint(cx, profile, "sts", "STS");
	const char *r = creds_profile_region(cx, profile);
	const char *mode = creds_getenv("AWS_STS_REGIONAL_ENDPOINTS");
	const char *fips = creds_getenv("AWS_USE_FIPS_ENDPOINT");
	struct buf b = BUF_INIT;

	if (!mode)
		mode = creds_profile_get(&cx->files, profile,
					 "sts_regional_endpoints");
	if (!fips)
		fips = creds_profile_get(&cx->files, profile,
					 "use_fips_endpoint");
	*region = r ? r : "us-east-1";
	if (ep) {
		*url = xstrdup(ep);
		return;
	}
	if (!r || (mode && strcasecmp(mode, "legacy") == 0 &&
		   strcmp(r, "us-east-1") == 0)) {
		*url = xstrdup(fips && strcasecmp(fips, "true") == 0
				       ? "https://sts-fips.us-east-1.amazonaws.com"
				       : "https://sts.amazonaws.com");
		return;
	}
	buf_printf(&b, "https://sts%s.%s.%s",
		   fips && strcasecmp(fips, "true") == 0 ? "-fips" : "", r,
		   strncmp(r, "cn-", 3) == 0 ? "amazonaws.com.cn"
					     : "amazonaws.com");
	*url = buf_detach(&b);
}

struct sts_parse {
	char *f[7];   /* key, secret, token, expiration, arn, code, message */
};

static int on_end(void *ctx, const char *path, const char *text, size_t len)
{
	static const char *const suffix[7] = {
		"/Credentials/AccessKeyId", "/Credentials/SecretAccessKey",
		"/Credentials/SessionToken", "/Credentials/Expiration",
		"/AssumedRoleUser/Arn", "Error/Code", "Error/Message" };
	struct sts_parse *p = ctx;
	size_t pl = strlen(path);

	for (int i = 0; i < 7; i++) {
		size_t sl = strlen(suffix[i]);

		if (pl >= sl && strcmp(path + pl - sl, suffix[i]) == 0 &&
		    !p->f[i]) {
			p->f[i] = xstrndup(text, len);
			break;
		}
	}
	return 0;
}

int creds_sts_parse(const char *body, size_t len, long status,
		    struct creds *out, char **arn, struct s3p_error *err)
{
	struct sts_parse p;
	struct xml_handler h = { &p, NULL, on_end };
	int rc = -1;
	time_t exp = 0;

	memset(&p, 0, sizeof(p));
	if (arn)
		*arn = NULL;
	if (len == 0 || xml_parse(body, len, &h, err) < 0) {
		if (status >= 200 && status < 300)
			s3p_error_set(err, S3P_E_S3, "HTTP %ld with %s", status,
				      len ? "an answer that is not XML"
					  : "an empty answer");
		else
			s3p_error_set(err, S3P_E_S3, "HTTP %ld", status);
		goto out;
	}
	if (status < 200 || status >= 300 || p.f[5]) {
		s3p_error_set(err, S3P_E_S3, "%s (HTTP %ld)%s%.200s",
			      p.f[5] && *p.f[5] ? p.f[5] : "error", status,
			      p.f[6] && *p.f[6] ? ": " : "",
			      p.f[6] ? p.f[6] : "");
		goto out;
	}
	if (!p.f[0] || !p.f[1] || !*p.f[0] || !*p.f[1]) {
		s3p_error_set(err, S3P_E_S3, "HTTP %ld without Credentials",
			      status);
		goto out;
	}
	if (p.f[3] && creds_parse_time(p.f[3], &exp) < 0) {
		s3p_error_set(err, S3P_E_S3, "Expiration '%.40s' is not an ISO "
			      "8601 time", p.f[3]);
		goto out;
	}
	creds_set(out, p.f[0], p.f[1], p.f[2], exp);
	if (arn && p.f[4]) {
		*arn = p.f[4];
		p.f[4] = NULL;
	}
	rc = 0;
out:
	for (int i = 0; i < 7; i++)
		free_secret(p.f[i]);
	return rc;
}

int creds_sts_call(struct creds_ctx *cx, const struct creds_sts_call *c,
		   struct creds *out, char **arn, struct s3p_error *err)
{
	static const struct sigv4_header sh[1] = { { "Content-Type",
		"application/x-www-form-urlencoded; charset=utf-8" } };
	struct sigv4_query_param q[16];
	struct creds_http_req hr;
	struct buf body = BUF_INIT, resp = BUF_INIT;
	char *url = NULL, *host = NULL, *path = NULL;
	const char *region, *headers[2 + SIGV4_POST_LINES];
	char *signed_lines[SIGV4_POST_LINES] = { NULL };
	size_t nq = 0, nh = 0, ns = 0;
	long status = 0;
	int rc = -1, attempts;
	const char *ma, *mode;

	creds_sts_endpoint(cx, c->profile, &url, &region);
	if (sigv4_split_url(url, &host, &path) < 0) {
		s3p_error_set(err, S3P_E_S3, "invalid endpoint URL '%s'", url);
		goto out;
	}
	q[nq].name = "Action";
	q[nq++].value = c->action;
	q[nq].name = "Version";
	q[nq++].value = "2011-06-15";
	for (size_t i = 0; i < c->param_count && nq < 16; i++) {
		q[nq].name = c->params[i].name;
		q[nq++].value = c->params[i].value;
	}
	sigv4_canonical_query(&body, q, nq);
	headers[nh++] = "Content-Type: application/x-www-form-urlencoded; "
			"charset=utf-8";
	headers[nh++] = "Accept: text/xml";
	if (c->signer) {
		struct sigv4_credentials sc;

		sc.access_key_id = c->signer->access_key_id;
		sc.secret_access_key = c->signer->secret_access_key;
		sc.session_token = c->signer->session_token;
		if (sigv4_sign_post(host, path, region, "sts", creds_now(cx),
				    sh, 1, body.data, body.len, &sc,
				    signed_lines, &ns, err) < 0)
			goto out;
		for (size_t i = 0; i < ns; i++)
			headers[nh++] = signed_lines[i];
	}
	memset(&hr, 0, sizeof(hr));
	hr.method = "POST";
	hr.url = url;
	hr.headers = headers;
	hr.header_count = nh;
	hr.body = body.data;
	hr.body_len = body.len;
	hr.timeout_ms = 30000;
	hr.ca_bundle = creds_ca_bundle(cx, c->profile);
	/* Retries: AWS_MAX_ATTEMPTS / max_attempts (default 3, as the
	 * CLI's standard mode) for answers that did not come or 5xx /
	 * throttling. */
	ma = creds_getenv("AWS_MAX_ATTEMPTS");
	if (!ma)
		ma = creds_profile_get(&cx->files, c->profile, "max_attempts");
	mode = creds_getenv("AWS_RETRY_MODE");
	if (!mode)
		mode = creds_profile_get(&cx->files, c->profile, "retry_mode");
	if (creds_retry_settings(mode, ma, &attempts, err) < 0)
		goto out;
	for (int a = 1;; a++) {
		buf_release_secret(&resp);
		if (creds_http(&hr, &status, &resp, err) == 0 &&
		    status < 500 && status != 429)
			break;
		if (a >= attempts) {
			if (status)
				break;      /* report the answer */
			goto out;
		}
	}
	if (creds_sts_parse(resp.data, resp.len, status, out, arn, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		s3p_error_prefix(err, "%s at '%s'", c->action, url ? url : "?");
	sigv4_post_lines_free(signed_lines);
	buf_release_secret(&body);
	buf_release_secret(&resp);
	free(url);
	free(host);
	free(path);
	return rc;
}
