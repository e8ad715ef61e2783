/* creds_ecs.c - container credentials (ECS task roles, EKS Pod
 * Identity): GET http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
 * else $AWS_CONTAINER_CREDENTIALS_FULL_URI, which must be https or name a
 * loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23 (no
 * other host over plain http); the Authorization header is the contents
 * of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, else
 * AWS_CONTAINER_AUTHORIZATION_TOKEN. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "creds_int.h"

static int allowed_http_host(const char *url)
{
	const char *h = url + 7, *end;
	char host[128];
	size_t n;

	if (*h == '[') {
		end = strchr(h, ']');
		if (!end)
			return 0;
		h++;
	} else {
		end = h + strcspn(h, ":/?#");
	}
	n = (size_t)(end - h);
	if (n == 0 || n >= sizeof(host) || memchr(h, '@', n))
		return 0;
	memcpy(host, h, n);
	host[n] = '\0';
	if (strncmp(host, "127.", 4) == 0) {
		int a, b, c, d;
		char x;

		return sscanf(host, "%d.%d.%d.%d%c", &a, &b, &c, &d, &x) == 4;
	}
	return strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
	       strcmp(host, "169.254.170.2") == 0 ||
	       strcmp(host, "169.254.170.23") == 0 ||
	       strcasecmp(host, "fd00:ec2::23") == 0;
}

int creds_ecs_load(struct creds_ctx *cx, const char *profile,
		   struct creds *out, struct s3p_error *err)
{
	const char *rel = creds_getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = creds_getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *tfile = creds_getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *tok = creds_getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	struct buf url = BUF_INIT, auth = BUF_INIT, hdr = BUF_INIT;
	struct buf body = BUF_INIT, src = BUF_INIT;
	struct creds_http_req rq;
	const char *headers[1];
	long status = 0;
	int rc = -1;

	if (!rel && !full) {
		creds_tried(cx, "container", "AWS_CONTAINER_CREDENTIALS_"
			    "RELATIVE_URI and _FULL_URI not set");
		return CREDS_NOT_APPLICABLE;
	}
	if (rel) {
		buf_printf(&url, "http://169.254.170.2%s%s",
			   rel[0] == '/' ? "" : "/", rel);
	} else {
		if (strncasecmp(full, "https://", 8) != 0 &&
		    !(strncasecmp(full, "http://", 7) == 0 &&
		      allowed_http_host(full))) {
			s3p_error_set(err, S3P_E_S3, "AWS_CONTAINER_CREDENTIALS_"
				      "FULL_URI '%s' is neither https nor a "
				      "loopback, 169.254.170.2, 169.254.170.23 "
				      "or fd00:ec2::23 address", full);
			goto out;
		}
		buf_puts(&url, full);
	}
	if (tfile) {
		if (creds_read_file(tfile, &auth, err) < 0)
			goto out;
	} else if (tok) {
		buf_puts(&auth, tok);
	}
	memset(&rq, 0, sizeof(rq));
	if (auth.len) {
		if (strpbrk(auth.data, "\r\n")) {
			s3p_error_set(err, S3P_E_S3, "the authorization token "
				      "has a line break");
			goto out;
		}
		buf_printf(&hdr, "Authorization: %s", auth.data);
		headers[0] = hdr.data;
		rq.headers = headers;
		rq.header_count = 1;
	}
	rq.method = "GET";
	rq.url = url.data;
	rq.timeout_ms = 2000;
	for (int attempt = 0; attempt < 3; attempt++) {
		buf_release_secret(&body);
		if (creds_http(&rq, &status, &body, err) == 0 && status < 500)
			break;
	}
	if (status == 0)
		goto out;
	if (status != 200) {
		char why[200];

		if (creds_from_json(cx, body.data, body.len, out, err) < 0)
			snprintf(why, sizeof(why), "%.199s", err->msg);
		else
			snprintf(why, sizeof(why), "error");
		s3p_error_set(err, S3P_E_S3, "HTTP %ld from '%s': %s", status,
			      url.data, why);
		goto out;
	}
	if (creds_from_json(cx, body.data, body.len, out, err) < 0) {
		s3p_error_prefix(err, "'%s'", url.data);
		goto out;
	}
	out->provider = xstrdup("container");
	buf_printf(&src, "%s", url.data);
	out->source = buf_detach(&src);
	rc = CREDS_FOUND;
out:
	(void)profile;
	if (rc < 0)
		s3p_error_prefix(err, "container credentials");
	buf_release(&url);
	buf_release_secret(&auth);
	buf_release_secret(&hdr);
	buf_release_secret(&body);
	return rc;
}
