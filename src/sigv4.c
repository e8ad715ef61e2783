/* sigv4.c - AWS Signature Version 4.  See sigv4.h. */
#include "sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

/* ---- small helpers ----------------------------------------------------- */

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int ieq(const char *a, const char *b)
{
	while (*a && *b) {
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
	return *a == *b;
}

static int is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* RFC 7230 tchar */
static int is_tchar(unsigned char c)
{
	return is_unreserved(c) || (c && strchr("!#$%&'*+^`|", c) != NULL);
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static int empty(const char *s)
{
	return s == NULL || *s == '\0';
}

void sigv4_uri_encode(struct buf *out, const char *s, size_t len,
		      int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, start = 0;

	if (out->data == NULL)
		buf_append(out, "", 0);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[3];

		if (is_unreserved(c) || (keep_slash && c == '/'))
			continue;
		buf_append(out, s + start, i - start);
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		buf_append(out, esc, 3);
		start = i + 1;
	}
	buf_append(out, s + start, len - start);
}

/* ---- canonical URI ----------------------------------------------------- */

void sigv4_canonical_uri(struct buf *out, const char *path)
{
	if (empty(path)) {
		buf_putc(out, '/');
		return;
	}
	sigv4_uri_encode(out, path, strlen(path), 1);
}

/* ---- canonical query --------------------------------------------------- */

struct qpair {
	char *name;
	char *value;
};

static int qpair_cmp(const void *a, const void *b)
{
	const struct qpair *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->value, y->value);
}

static char *encode_str(const char *s)
{
	struct buf b = BUF_INIT;

	if (!s)
		s = "";
	sigv4_uri_encode(&b, s, strlen(s), 0);
	return buf_detach(&b);
}

void sigv4_canonical_query(struct buf *out,
			   const struct sigv4_query_param *q, size_t n)
{
	struct qpair *p;
	size_t i;

	if (out->data == NULL)
		buf_append(out, "", 0);
	if (n == 0)
		return;
	p = xcalloc(n, sizeof *p);
	for (i = 0; i < n; i++) {
		p[i].name = encode_str(q[i].name);
		p[i].value = encode_str(q[i].value);
	}
	qsort(p, n, sizeof *p, qpair_cmp);
	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(out, '&');
		buf_puts(out, p[i].name);
		buf_putc(out, '=');
		buf_puts(out, p[i].value);
		free(p[i].name);
		free(p[i].value);
	}
	free(p);
}

/* ---- canonical headers ------------------------------------------------- */

struct hdr {
	char *name;     /* lowercase */
	char *value;    /* trimmed, runs of blanks collapsed */
	size_t order;
};

static int hdr_cmp(const void *a, const void *b)
{
	const struct hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static char *norm_value(const char *v)
{
	struct buf b = BUF_INIT;
	int pending = 0;

	buf_append(&b, "", 0);
	if (!v)
		return buf_detach(&b);
	while (is_ws(*v))
		v++;
	for (; *v; v++) {
		if (is_ws(*v)) {
			pending = 1;
			continue;
		}
		if (pending)
			buf_putc(&b, ' ');
		pending = 0;
		buf_putc(&b, *v);
	}
	return buf_detach(&b);
}

static void free_hdrs(struct hdr *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

/* Canonical headers block ("name:value\n" each) and the signed list. */
static int canon_headers(const struct sigv4_header *hs, size_t n,
			 struct buf *canon, struct buf *signed_list,
			 struct s3p_error *err)
{
	struct hdr *h;
	size_t i;

	if (n == 0)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: request has no headers (host is required)");
	h = xcalloc(n, sizeof *h);
	for (i = 0; i < n; i++) {
		const char *nm = hs[i].name, *c;
		char *l;

		if (empty(nm)) {
			free_hdrs(h, i);
			return s3p_error_set(err, S3P_E_INTERNAL,
					     "sigv4: empty header name");
		}
		for (c = nm; *c; c++)
			if (!is_tchar((unsigned char)*c)) {
				free_hdrs(h, i);
				return s3p_error_set(err, S3P_E_INTERNAL,
						     "sigv4: invalid header name '%s'", nm);
			}
		if (hs[i].value && strpbrk(hs[i].value, "\r\n")) {
			free_hdrs(h, i);
			return s3p_error_set(err, S3P_E_INTERNAL,
					     "sigv4: header '%s' has a line break in its value", nm);
		}
		h[i].name = xstrdup(nm);
		for (l = h[i].name; *l; l++)
			*l = (char)lower((unsigned char)*l);
		h[i].value = norm_value(hs[i].value);
		h[i].order = i;
	}
	qsort(h, n, sizeof *h, hdr_cmp);
	for (i = 0; i < n; i++) {
		int same = i > 0 && strcmp(h[i].name, h[i - 1].name) == 0;

		if (same) {
			buf_putc(canon, ',');
		} else {
			if (i > 0)
				buf_putc(canon, '\n');
			buf_puts(canon, h[i].name);
			buf_putc(canon, ':');
			if (signed_list) {
				if (i > 0)
					buf_putc(signed_list, ';');
				buf_puts(signed_list, h[i].name);
			}
		}
		buf_puts(canon, h[i].value);
	}
	buf_putc(canon, '\n');
	free_hdrs(h, n);
	return 0;
}

static int has_host(const struct sigv4_header *hs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hs[i].name && ieq(hs[i].name, "host") && !empty(hs[i].value))
			return 1;
	return 0;
}

int sigv4_canonical_request(const struct sigv4_request *req, struct buf *out,
			    struct buf *signed_headers, struct s3p_error *err)
{
	struct buf sh = BUF_INIT;

	if (empty(req->method))
		return s3p_error_set(err, S3P_E_INTERNAL, "sigv4: no method");
	if (empty(req->payload_hash))
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: no payload hash");
	if (strpbrk(req->payload_hash, "\r\n") || strpbrk(req->method, " \r\n"))
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: invalid method or payload hash");
	buf_puts(out, req->method);
	buf_putc(out, '\n');
	sigv4_canonical_uri(out, req->path);
	buf_putc(out, '\n');
	sigv4_canonical_query(out, req->query, req->query_count);
	buf_putc(out, '\n');
	if (canon_headers(req->headers, req->header_count, out, &sh, err) < 0) {
		buf_release(&sh);
		return -1;
	}
	buf_putc(out, '\n');
	buf_puts(out, buf_str(&sh));
	buf_putc(out, '\n');
	buf_puts(out, req->payload_hash);
	if (signed_headers)
		buf_puts(signed_headers, buf_str(&sh));
	buf_release(&sh);
	return 0;
}

/* ---- scope, string to sign, key, signature ----------------------------- */

static int valid_amz_date(const char *d)
{
	int i;

	if (!d || strlen(d) != 16 || d[8] != 'T' || d[15] != 'Z')
		return 0;
	for (i = 0; i < 15; i++)
		if (i != 8 && (d[i] < '0' || d[i] > '9'))
			return 0;
	return 1;
}

static int valid_scope_part(const char *s)
{
	if (empty(s))
		return 0;
	for (; *s; s++)
		if (*s == '/' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

int sigv4_credential_scope(struct buf *out, const char *amz_date,
			   const char *region, const char *service,
			   struct s3p_error *err)
{
	if (!amz_date || strlen(amz_date) < 8)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: invalid date '%s'",
				     amz_date ? amz_date : "");
	if (!valid_scope_part(region))
		return s3p_error_set(err, S3P_E_USAGE,
				     "sigv4: invalid region '%s'",
				     region ? region : "");
	if (!valid_scope_part(service))
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: invalid service '%s'",
				     service ? service : "");
	buf_append(out, amz_date, 8);
	buf_putc(out, '/');
	buf_puts(out, region);
	buf_putc(out, '/');
	buf_puts(out, service);
	buf_puts(out, "/aws4_request");
	return 0;
}

void sigv4_string_to_sign(struct buf *out, const char *amz_date,
			  const char *scope, const char *creq, size_t creq_len)
{
	char hex[CRYPTO_SHA256_HEX_LEN + 1];

	crypto_sha256_hex(creq, creq_len, hex);
	buf_puts(out, SIGV4_ALGORITHM "\n");
	buf_puts(out, amz_date);
	buf_putc(out, '\n');
	buf_puts(out, scope);
	buf_putc(out, '\n');
	buf_puts(out, hex);
}

int sigv4_signing_key(const char *secret, const char *date,
		      const char *region, const char *service,
		      uint8_t key[SIGV4_KEY_LEN], struct s3p_error *err)
{
	struct buf k = BUF_INIT;
	uint8_t a[SIGV4_KEY_LEN], b[SIGV4_KEY_LEN];

	if (empty(secret))
		return s3p_error_set(err, S3P_E_USAGE,
				     "sigv4: no secret access key");
	if (!date || strlen(date) < 8)
		return s3p_error_set(err, S3P_E_INTERNAL, "sigv4: invalid date");
	if (!valid_scope_part(region) || !valid_scope_part(service))
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: invalid region or service");
	buf_puts(&k, "AWS4");
	buf_puts(&k, secret);
	crypto_hmac_sha256(k.data, k.len, date, 8, a);
	buf_release_secret(&k);
	crypto_hmac_sha256(a, sizeof a, region, strlen(region), b);
	crypto_hmac_sha256(b, sizeof b, service, strlen(service), a);
	crypto_hmac_sha256(a, sizeof a, "aws4_request", 12, key);
	secure_zero(a, sizeof a);
	secure_zero(b, sizeof b);
	return 0;
}

void sigv4_signature(const uint8_t key[SIGV4_KEY_LEN], const char *sts,
		     size_t sts_len, char sig[SIGV4_SIG_HEX_LEN + 1])
{
	uint8_t mac[SIGV4_KEY_LEN];

	crypto_hmac_sha256(key, SIGV4_KEY_LEN, sts, sts_len, mac);
	crypto_hex(mac, sizeof mac, sig);
}

/* ---- signing ----------------------------------------------------------- */

void sigv4_signed_free(struct sigv4_signed *s)
{
	size_t i;

	if (!s)
		return;
	/* The values carry the session token and the Authorization line. */
	for (i = 0; i < s->count && i < sizeof s->headers / sizeof s->headers[0]; i++)
		free_secret(s->headers[i].value);
	secure_zero(s, sizeof *s);
}

void sigv4_trace_free(struct sigv4_trace *t)
{
	if (!t)
		return;
	buf_release(&t->canonical_request);
	buf_release(&t->signed_headers);
	buf_release(&t->credential_scope);
	buf_release(&t->string_to_sign);
}

static const char *find_header(const struct sigv4_request *req,
			       const char *name)
{
	size_t i;

	for (i = 0; i < req->header_count; i++)
		if (req->headers[i].name && ieq(req->headers[i].name, name))
			return req->headers[i].value ? req->headers[i].value : "";
	return NULL;
}

/* Checks of the credentials, the date and the request's own headers. */
static int check_common(const struct sigv4_request *req,
			const struct sigv4_params *params,
			const struct sigv4_credentials *creds,
			struct s3p_error *err)
{
	if (!creds || empty(creds->access_key_id) ||
	    empty(creds->secret_access_key))
		return s3p_error_set(err, S3P_E_USAGE,
				     "sigv4: missing access key id or secret access key");
	if (strpbrk(creds->access_key_id, "/ \t\r\n"))
		return s3p_error_set(err, S3P_E_USAGE,
				     "sigv4: invalid access key id");
	if (!valid_amz_date(params->amz_date))
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: invalid amz date '%s' (want YYYYMMDDTHHMMSSZ)",
				     params->amz_date ? params->amz_date : "");
	if (find_header(req, "authorization"))
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: request already carries an Authorization header");
	if (!has_host(req->headers, req->header_count))
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: request has no Host header");
	if (creds->session_token && strpbrk(creds->session_token, "\r\n"))
		return s3p_error_set(err, S3P_E_USAGE,
				     "sigv4: invalid session token");
	return 0;
}

/* Compute the signature of a canonical request; fills trace. */
static int sign_creq(const struct sigv4_params *params,
		     const struct sigv4_credentials *creds,
		     const struct buf *creq, const struct buf *scope,
		     char sig[SIGV4_SIG_HEX_LEN + 1],
		     struct sigv4_trace *trace, struct s3p_error *err)
{
	struct buf sts = BUF_INIT;
	uint8_t key[SIGV4_KEY_LEN];

	sigv4_string_to_sign(&sts, params->amz_date, buf_str(scope),
			     buf_str(creq), creq->len);
	if (sigv4_signing_key(creds->secret_access_key, params->amz_date,
			      params->region, params->service, key, err) < 0) {
		buf_release(&sts);
		return -1;
	}
	sigv4_signature(key, sts.data, sts.len, sig);
	secure_zero(key, sizeof key);
	if (trace) {
		buf_reset(&trace->string_to_sign);
		buf_append(&trace->string_to_sign, sts.data, sts.len);
	}
	buf_release(&sts);
	return 0;
}

static void trace_start(struct sigv4_trace *trace, const struct buf *scope)
{
	if (!trace)
		return;
	buf_reset(&trace->canonical_request);
	buf_reset(&trace->signed_headers);
	buf_reset(&trace->credential_scope);
	buf_reset(&trace->string_to_sign);
	buf_append(&trace->credential_scope, buf_str(scope), scope->len);
}

static void trace_creq(struct sigv4_trace *trace, const struct buf *creq,
		       const struct buf *sh)
{
	if (!trace)
		return;
	buf_append(&trace->canonical_request, buf_str(creq), creq->len);
	buf_append(&trace->signed_headers, buf_str(sh), sh->len);
}

static void add_out(struct sigv4_signed *out, const char *name,
		    const char *value)
{
	out->headers[out->count].name = name;
	out->headers[out->count].value = xstrdup(value);
	out->count++;
}

int sigv4_sign_headers(const struct sigv4_request *req,
		       const struct sigv4_params *params,
		       const struct sigv4_credentials *creds,
		       struct sigv4_signed *out, struct sigv4_trace *trace,
		       struct s3p_error *err)
{
	struct sigv4_header *hs = NULL;
	struct sigv4_request r;
	struct buf scope = BUF_INIT, creq = BUF_INIT, sh = BUF_INIT,
		   auth = BUF_INIT;
	const char *v, *token;
	int add_token = 0;
	size_t n;

	memset(out, 0, sizeof *out);
	if (check_common(req, params, creds, err) < 0)
		return -1;
	if (empty(req->payload_hash))
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: no payload hash");
	token = empty(creds->session_token) ? NULL : creds->session_token;
	v = find_header(req, "x-amz-date");
	if (v && strcmp(v, params->amz_date) != 0)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: X-Amz-Date header '%s' differs from the signing date '%s'",
				     v, params->amz_date);
	v = find_header(req, "x-amz-content-sha256");
	if (v && strcmp(v, req->payload_hash) != 0)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: x-amz-content-sha256 header differs from the payload hash");
	v = find_header(req, "x-amz-security-token");
	if (v && token && strcmp(v, token) != 0)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "sigv4: X-Amz-Security-Token header differs from the session token");
	if (sigv4_credential_scope(&scope, params->amz_date, params->region,
				   params->service, err) < 0)
		return -1;

	/* The request as it will be sent, minus Authorization. */
	hs = xcalloc(req->header_count + 3, sizeof *hs);
	if (req->header_count)
		memcpy(hs, req->headers, req->header_count * sizeof *hs);
	n = req->header_count;
	if (!find_header(req, "x-amz-date")) {
		hs[n].name = "X-Amz-Date";
		hs[n++].value = params->amz_date;
		add_out(out, "X-Amz-Date", params->amz_date);
	}
	if ((params->flags & SIGV4_CONTENT_SHA256_HEADER) &&
	    !find_header(req, "x-amz-content-sha256")) {
		hs[n].name = "x-amz-content-sha256";
		hs[n++].value = req->payload_hash;
		add_out(out, "x-amz-content-sha256", req->payload_hash);
	}
	if (token && !find_header(req, "x-amz-security-token")) {
		add_token = 1;
		hs[n].name = "X-Amz-Security-Token";
		hs[n++].value = token;
	}
	r = *req;
	r.headers = hs;
	r.header_count = n;

	trace_start(trace, &scope);
	if (sigv4_canonical_request(&r, &creq, &sh, err) < 0)
		goto fail;
	trace_creq(trace, &creq, &sh);
	if (sign_creq(params, creds, &creq, &scope, out->signature, trace,
		      err) < 0)
		goto fail;
	if (add_token)
		add_out(out, "X-Amz-Security-Token", token);
	buf_printf(&auth, "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		   SIGV4_ALGORITHM, creds->access_key_id, buf_str(&scope),
		   buf_str(&sh), out->signature);
	add_out(out, "Authorization", buf_str(&auth));
	out->authorization = out->headers[out->count - 1].value;
	free(hs);
	buf_release(&scope);
	buf_release(&creq);
	buf_release(&sh);
	buf_release_secret(&auth);
	return 0;
fail:
	free(hs);
	buf_release(&scope);
	buf_release(&creq);
	buf_release(&sh);
	buf_release_secret(&auth);
	sigv4_signed_free(out);
	return -1;
}

int sigv4_split_url(const char *url, char **host, char **path)
{
	const char *h = strstr(url, "://"), *slash;

	if (!h || !h[3])
		return -1;
	h += 3;
	slash = strchr(h, '/');
	*host = slash ? xstrndup(h, (size_t)(slash - h)) : xstrdup(h);
	*path = xstrdup(slash ? slash : "/");
	return 0;
}

int sigv4_sign_post(const char *host, const char *path, const char *region,
		    const char *service, time_t now,
		    const struct sigv4_header *extra, size_t nextra,
		    const void *body, size_t len,
		    const struct sigv4_credentials *creds,
		    char *lines[SIGV4_POST_LINES], size_t *n,
		    struct s3p_error *err)
{
	struct sigv4_header sh[8];
	struct sigv4_request rq;
	struct sigv4_params pa;
	struct sigv4_signed sig;
	char amz_date[32], hash[CRYPTO_SHA256_HEX_LEN + 1];
	struct tm tm;

	*n = 0;
	if (nextra + 1 > sizeof(sh) / sizeof(*sh))
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "too many headers to sign");
	sh[0].name = "Host";
	sh[0].value = host;
	for (size_t i = 0; i < nextra; i++)
		sh[i + 1] = extra[i];
	gmtime_r(&now, &tm);
	strftime(amz_date, sizeof(amz_date), "%Y%m%dT%H%M%SZ", &tm);
	crypto_sha256_hex(body, len, hash);
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.path = path;
	rq.headers = sh;
	rq.header_count = nextra + 1;
	rq.payload_hash = hash;
	memset(&pa, 0, sizeof(pa));
	pa.region = region;
	pa.service = service;
	pa.amz_date = amz_date;
	if (sigv4_sign_headers(&rq, &pa, creds, &sig, NULL, err) < 0)
		return -1;
	for (size_t i = 0; i < sig.count && i < SIGV4_POST_LINES; i++) {
		struct buf h = BUF_INIT;

		buf_printf(&h, "%s: %s", sig.headers[i].name,
			   sig.headers[i].value);
		lines[(*n)++] = buf_detach(&h);
	}
	sigv4_signed_free(&sig);
	return 0;
}

void sigv4_post_lines_free(char *lines[SIGV4_POST_LINES])
{
	for (size_t i = 0; i < SIGV4_POST_LINES; i++) {
		free_secret(lines[i]);
		lines[i] = NULL;
	}
}
