/* creds_imds.c - EC2 instance metadata, IMDSv2 only: PUT /latest/api/token
 * (X-aws-ec2-metadata-token-ttl-seconds), then with the token
 * GET /latest/meta-data/iam/security-credentials/ (the role name) and
 * GET .../ROLE (the credentials JSON).  A refused token request ends
 * here: the IMDSv1 fallback is never used.  Off EC2 the answer to "is
 * there a metadata service" must come in about a second: each request
 * has AWS_METADATA_SERVICE_TIMEOUT seconds (default 1) and
 * AWS_METADATA_SERVICE_NUM_ATTEMPTS attempts (default 1).  Settings:
 * AWS_EC2_METADATA_DISABLED, AWS_EC2_METADATA_SERVICE_ENDPOINT (or the
 * profile's ec2_metadata_service_endpoint),
 * AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4 / IPv6, or the profile's
 * ec2_metadata_service_endpoint_mode). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "creds_int.h"

struct imds {
	struct creds_ctx *cx;
	const char *base;
	long timeout_ms;
	int attempts;
};

/* One request with the attempts; -1 (err) when no answer came. */
static int imds_get(const struct imds *m, const char *method,
		    const char *path, const char *header, long *status,
		    struct buf *body, struct s3p_error *err)
{
	struct buf url = BUF_INIT;
	struct creds_http_req rq;
	const char *h[1];
	int rc = -1;

	buf_printf(&url, "%s%s", m->base, path);
	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.url = url.data;
	h[0] = header;
	rq.headers = h;
	rq.header_count = header ? 1 : 0;
	rq.timeout_ms = m->timeout_ms;
	for (int a = 0; a < m->attempts; a++) {
		buf_release_secret(body);
		rc = creds_http(&rq, status, body, err);
		if (rc == 0 && *status < 500)
			break;
	}
	buf_release(&url);
	return rc;
}

int creds_imds_load(struct creds_ctx *cx, const char *profile,
		    struct creds *out, struct s3p_error *err)
{
	const char *dis = creds_getenv("AWS_EC2_METADATA_DISABLED");
	const char *ep = creds_getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = creds_getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	const char *t = creds_getenv("AWS_METADATA_SERVICE_TIMEOUT");
	const char *n = creds_getenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS");
	struct buf body = BUF_INIT, tokhdr = BUF_INIT, path = BUF_INIT;
	struct buf src = BUF_INIT;
	struct s3p_error e2;
	struct imds m;
	char base[512], role[256];
	long status = 0;
	size_t rl;
	int rc = -1;

	if (dis && strcasecmp(dis, "true") == 0) {
		creds_tried(cx, "instance metadata",
			    "AWS_EC2_METADATA_DISABLED is true");
		return CREDS_NOT_APPLICABLE;
	}
	if (!ep)
		ep = creds_profile_get(&cx->files, profile,
				       "ec2_metadata_service_endpoint");
	if (!mode)
		mode = creds_profile_get(&cx->files, profile,
					 "ec2_metadata_service_endpoint_mode");
	if (!ep)
		ep = mode && strcasecmp(mode, "IPv6") == 0
			     ? "http://[fd00:ec2::254]" : "http://169.254.169.254";
	snprintf(base, sizeof(base), "%s", ep);
	for (size_t l = strlen(base); l && base[l - 1] == '/';)
		base[--l] = '\0';
	m.cx = cx;
	m.base = base;
	m.timeout_ms = t ? (long)(atof(t) * 1000) : 1000;
	if (m.timeout_ms <= 0)
		m.timeout_ms = 1000;
	m.attempts = n ? atoi(n) : 1;
	if (m.attempts < 1 || m.attempts > 10)
		m.attempts = 1;

	if (imds_get(&m, "PUT", "/latest/api/token",
		     "X-aws-ec2-metadata-token-ttl-seconds: 21600", &status,
		     &body, &e2) < 0) {
		creds_tried(cx, "instance metadata", "no answer from '%s' "
			    "(not on EC2?): %.120s", base, e2.msg);
		rc = CREDS_NOT_APPLICABLE;
		goto out;
	}
	if (status != 200 || !body.len || strpbrk(body.data, "\r\n")) {
		creds_tried(cx, "instance metadata", "'%s' refused an IMDSv2 "
			    "token (HTTP %ld); IMDSv1 is not used", base,
			    status);
		rc = CREDS_NOT_APPLICABLE;
		goto out;
	}
	buf_printf(&tokhdr, "X-aws-ec2-metadata-token: %s", body.data);
	if (imds_get(&m, "GET", "/latest/meta-data/iam/security-credentials/",
		     tokhdr.data, &status, &body, err) < 0)
		goto out;
	if (status == 404) {
		creds_tried(cx, "instance metadata", "'%s': the instance has "
			    "no IAM role", base);
		rc = CREDS_NOT_APPLICABLE;
		goto out;
	}
	if (status != 200 || !body.len) {
		s3p_error_set(err, S3P_E_S3, "'%s': HTTP %ld for the role name",
			      base, status);
		goto out;
	}
	rl = strcspn(body.data, "\r\n");
	if (rl == 0 || rl >= sizeof(role)) {
		s3p_error_set(err, S3P_E_S3, "'%s': not a role name", base);
		goto out;
	}
	memcpy(role, body.data, rl);
	role[rl] = '\0';
	if (strpbrk(role, "/?#% ")) {
		s3p_error_set(err, S3P_E_S3, "'%s': not a role name", base);
		goto out;
	}
	buf_printf(&path, "/latest/meta-data/iam/security-credentials/%s", role);
	if (imds_get(&m, "GET", path.data, tokhdr.data, &status, &body,
		     err) < 0)
		goto out;
	if (status != 200) {
		s3p_error_set(err, S3P_E_S3, "'%s': HTTP %ld for the "
			      "credentials of role '%s'", base, status, role);
		goto out;
	}
	if (creds_from_json(cx, body.data, body.len, out, err) < 0) {
		s3p_error_prefix(err, "'%s' role '%s'", base, role);
		goto out;
	}
	out->provider = xstrdup("instance metadata");
	buf_printf(&src, "role '%s' from '%s' (IMDSv2)", role, base);
	out->source = buf_detach(&src);
	rc = CREDS_FOUND;
out:
	if (rc < 0)
		s3p_error_prefix(err, "instance metadata");
	buf_release_secret(&body);
	buf_release_secret(&tokhdr);
	buf_release(&path);
	return rc;
}
