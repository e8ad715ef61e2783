/* s3.c - signed S3 requests: endpoints, regions, retries, error classes,
 * typed response parsers.  See s3.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "creds.h"
#include "crypto.h"
#include "days.h"
#include "http.h"
#include "s3.h"
#include "sigv4.h"
#include "xml.h"

#define REGION_MAX 64
#define DEFAULT_REGION "us-east-1"

struct region_entry {
	char *bucket;
	char region[REGION_MAX];
};

struct s3_client {
	struct sigv4_credentials sc;
	char *key_id, *secret, *token;

	int custom;                /* custom endpoint (not AWS) */
	char *scheme;              /* "https" */
	char *host;                /* custom: "127.0.0.1:8000" */
	char *base_path;           /* custom: "" or "/prefix" */
	char endpoint[512];        /* for s3_client_endpoint */
	int path_style;            /* -1 auto, 0, 1 */
	char region[REGION_MAX];   /* default signing region */
	struct region_entry **regions;  /* entries never move: stable pointers */
	size_t nregions;

	struct s3_transport transport;
	struct http_client *http;

	int max_attempts;
	unsigned backoff_base_ms, backoff_cap_ms;
	size_t memory_budget;
	struct s3_throttle *throttle;   /* shared pause, or NULL */
	void (*verbose)(void *, const struct s3_trace_event *);
	void *verbose_ctx;
	time_t (*now)(void *);
	void (*sleep_ms)(void *, unsigned);
	void *clock_ctx;
	long skew;                 /* server time - local time, seconds */
	uint64_t rng;

	/* temporary credentials (s3_config.refresh) */
	time_t expiration;         /* 0: long-term keys */
	time_t refresh_retry_at;   /* after a failed refresh */
	int (*refresh)(void *, time_t, struct creds *, struct s3p_error *);
	void *refresh_ctx;
	int fips, dualstack;       /* AWS host names */
};

/* ---- Small helpers ----------------------------------------------------- */

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n;

	if (!size)
		return;
	if (!src)
		src = "";
	n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static time_t real_now(void *ctx)
{
	(void)ctx;
	return time(NULL);
}

static void real_sleep(void *ctx, unsigned ms)
{
	struct timespec ts;

	(void)ctx;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int curl_perform(void *ctx, struct http_exchange *ex, size_t n,
			struct s3p_error *err)
{
	return http_perform(ctx, ex, n, err);
}

static uint64_t next_rand(struct s3_client *c)
{
	/* xorshift64*: jitter only, not security */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 2685821657736338717ULL;
}

static int valid_region(const char *r)
{
	size_t n = strlen(r);

	if (n == 0 || n >= REGION_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)r[i]) || isdigit((unsigned char)r[i]) ||
		      r[i] == '-'))
			return 0;
	return 1;
}

/* A bucket name usable as a DNS label for virtual-hosted addressing. */
static int dns_compatible(const char *b)
{
	size_t n = strlen(b);

	if (n < 3 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)b[i];
		if (!(islower(ch) || isdigit(ch) || ch == '-'))
			return 0;   /* dots, upper case, '_' -> path style */
	}
	return b[0] != '-' && b[n - 1] != '-';
}

/* ---- Error classes ------------------------------------------------------ */

const char *s3_error_class_name(enum s3_error_class c)
{
	switch (c) {
	case S3_OK: return "ok";
	case S3_ERR_PERMISSION: return "permission";
	case S3_ERR_AUTH: return "authentication";
	case S3_ERR_CLOCK_SKEW: return "clock-skew";
	case S3_ERR_NOT_FOUND: return "not-found";
	case S3_ERR_WRONG_REGION: return "wrong-region";
	case S3_ERR_THROTTLED: return "throttled";
	case S3_ERR_SERVER: return "server-error";
	case S3_ERR_NETWORK: return "network";
	case S3_ERR_TLS: return "tls";
	case S3_ERR_MALFORMED: return "malformed-response";
	case S3_ERR_KMS: return "kms";
	case S3_ERR_PRECONDITION: return "precondition-failed";
	case S3_ERR_BAD_DIGEST: return "bad-digest";
	case S3_ERR_REDIRECT: return "redirect";
	case S3_ERR_OTHER: break;
	}
	return "other";
}

const char *s3_error_class_explain(enum s3_error_class c)
{
	switch (c) {
	case S3_OK:
		return "the request succeeded";
	case S3_ERR_PERMISSION:
		return "the credentials are valid but no policy allows this "
		       "request (or one denies it)";
	case S3_ERR_AUTH:
		return "S3 did not accept the credentials: wrong access key or "
		       "secret, or an expired or invalid session token";
	case S3_ERR_CLOCK_SKEW:
		return "this computer's clock differs too much from S3's; fix "
		       "the system time";
	case S3_ERR_NOT_FOUND:
		return "the bucket, key or upload does not exist";
	case S3_ERR_WRONG_REGION:
		return "the bucket is in another region than the one the "
		       "request was signed for";
	case S3_ERR_THROTTLED:
		return "S3 asked to slow down (throttled); try again later";
	case S3_ERR_SERVER:
		return "S3 had an internal error; try again later";
	case S3_ERR_NETWORK:
		return "S3 could not be reached (name resolution, refused or "
		       "reset connection, or timeout)";
	case S3_ERR_TLS:
		return "the TLS connection failed (certificate not trusted or "
		       "handshake error); see AWS_CA_BUNDLE";
	case S3_ERR_MALFORMED:
		return "S3's answer was truncated, larger than this request "
		       "can need, or not the expected XML (a broken or hostile "
		       "server or proxy)";
	case S3_ERR_KMS:
		return "the object is encrypted with a KMS key whose key policy "
		       "does not allow this principal (kms:Decrypt / "
		       "kms:GenerateDataKey)";
	case S3_ERR_PRECONDITION:
		return "a precondition failed (the object already exists for "
		       "If-None-Match: *)";
	case S3_ERR_BAD_DIGEST:
		return "the Content-MD5 did not match the body (the request "
		       "itself was authorized)";
	case S3_ERR_REDIRECT:
		return "the server redirected the request to another host, "
		       "which s3perm does not follow: check --endpoint (an "
		       "S3-compatible server or a proxy in front of it may "
		       "expect another address)";
	case S3_ERR_OTHER:
		break;
	}
	return "S3 refused the request";
}

static int code_in(const char *code, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(code, *list) == 0)
			return 1;
	return 0;
}

/* Does an AccessDenied message blame a KMS key?  Its wording names a kms:
 * action (same account) or the ciphertext's key (cross account, "The
 * ciphertext refers to a customer master key that does not exist ... or
 * you are not allowed to access").  A bare "KMS" is not enough: the
 * message also names the caller, whose ARN may hold it ("user/KMSReader"). */
static int mentions_kms(const char *s)
{
	return s && (strstr(s, "kms:") || strstr(s, "ciphertext") ||
		     strstr(s, "KMS key") || strstr(s, "AWS KMS"));
}

enum s3_error_class s3_classify(long status, const char *code,
				const char *message)
{
	static const char *const auth[] = {
		"InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
		"InvalidToken", "TokenRefreshRequired",
		"AuthorizationHeaderMalformed", "InvalidSecurity",
		"MissingSecurityHeader", NULL };
	static const char *const perm[] = {
		"AccessDenied", "AllAccessDisabled", "AccountProblem", NULL };
	static const char *const region[] = {
		"PermanentRedirect", "TemporaryRedirect",
		"IllegalLocationConstraintException",
		"AuthorizationQueryParametersError", NULL };
	static const char *const throttle[] = {
		"SlowDown", "Throttling", "ThrottlingException",
		"RequestLimitExceeded", "TooManyRequests",
		"TooManyRequestsException", "RequestThrottled",
		"ProvisionedThroughputExceededException", NULL };
	static const char *const server[] = {
		"InternalError", "ServiceUnavailable", "InternalFailure",
		"RequestTimeout", NULL };

	if (!code)
		code = "";
	if ((status >= 200 && status < 300) || status == 304)
		return S3_OK;
	if (*code) {
		if (strncmp(code, "KMS", 3) == 0)
			return S3_ERR_KMS;
		if (strcmp(code, "AccessDenied") == 0 && mentions_kms(message))
			return S3_ERR_KMS;
		if (code_in(code, perm))
			return S3_ERR_PERMISSION;
		if (code_in(code, auth))
			return S3_ERR_AUTH;
		if (strcmp(code, "RequestTimeTooSkewed") == 0)
			return S3_ERR_CLOCK_SKEW;
		if (strncmp(code, "NoSuch", 6) == 0 || strcmp(code, "NotFound") == 0)
			return S3_ERR_NOT_FOUND;
		if (code_in(code, region))
			return S3_ERR_WRONG_REGION;
		if (code_in(code, throttle))
			return S3_ERR_THROTTLED;
		if (code_in(code, server))
			return S3_ERR_SERVER;
		if (strcmp(code, "PreconditionFailed") == 0)
			return S3_ERR_PRECONDITION;
		if (strcmp(code, "BadDigest") == 0 ||
		    strcmp(code, "InvalidDigest") == 0)
			return S3_ERR_BAD_DIGEST;
	}
	switch (status) {
	case 301:
	case 307:
		return S3_ERR_WRONG_REGION;
	case 403:
		return *code ? S3_ERR_OTHER : S3_ERR_PERMISSION;
	case 404:
		return S3_ERR_NOT_FOUND;
	case 412:
		return S3_ERR_PRECONDITION;
	case 429:
		return S3_ERR_THROTTLED;
	default:
		break;
	}
	if (status >= 500)
		return S3_ERR_SERVER;
	return S3_ERR_OTHER;
}

/* ---- Responses ---------------------------------------------------------- */

const char *s3_response_header(const struct s3_response *r, const char *name)
{
	for (size_t i = 0; i < r->header_count; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

void s3_response_release(struct s3_response *r)
{
	struct s3_response init = S3_RESPONSE_INIT;

	for (size_t i = 0; i < r->header_count; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	buf_release(&r->body);
	*r = init;
}

void s3_response_describe(const struct s3_response *r, char *out, size_t size)
{
	struct buf b = BUF_INIT;

	if (r->status == 0) {
		buf_printf(&b, "%s: %s", s3_error_class_name(r->error_class),
			   r->transport_error[0] ? r->transport_error
						 : "no answer");
	} else {
		buf_printf(&b, "%ld", r->status);
		if (r->code[0])
			buf_printf(&b, " %s", r->code);
		if (r->request_id[0])
			buf_printf(&b, " (request id %s)", r->request_id);
		if (r->message[0])
			buf_printf(&b, ": %s", r->message);
		if (r->error_class == S3_ERR_MALFORMED && r->transport_error[0])
			buf_printf(&b, ": %s", r->transport_error);
		if (r->error_class == S3_ERR_REDIRECT) {
			const char *loc = s3_response_header(r, "Location");

			if (loc)
				buf_printf(&b, " to '%.200s'", loc);
		}
	}
	copy_str(out, size, buf_str(&b));
	buf_release(&b);
}

const char *s3_response_explain(const struct s3_response *r)
{
	static const struct {
		const char *code, *text;
	} by_code[] = {
		{ "ExpiredToken", "the session token has expired: get new "
		  "temporary credentials (aws sso login, or assume the role "
		  "again) and run again" },
		{ "TokenRefreshRequired", "the session token has expired: get "
		  "new temporary credentials and run again" },
		{ "InvalidToken", "the session token is malformed or not valid "
		  "for these keys: set AWS_SESSION_TOKEN (or the profile's "
		  "aws_session_token) to the token issued with this access "
		  "key, or unset it for long-term keys" },
		{ "InvalidAccessKeyId", "S3 does not know this access key id: "
		  "it was deleted or deactivated, belongs to another partition "
		  "or endpoint, or is mistyped; check AWS_ACCESS_KEY_ID / the "
		  "profile (and --endpoint)" },
		{ "SignatureDoesNotMatch", "the signature does not match: the "
		  "secret access key is not the one of this access key id "
		  "(check AWS_SECRET_ACCESS_KEY / the profile), or a proxy "
		  "changed the request" },
		{ "NoSuchBucket", "no bucket of this name exists at this "
		  "endpoint: check the name (the bare bucket name), the account "
		  "and --endpoint" },
		{ NULL, NULL }
	};

	for (size_t i = 0; by_code[i].code; i++)
		if (!strcmp(r->code, by_code[i].code))
			return by_code[i].text;
	return s3_error_class_explain(r->error_class);
}

int s3_fail(struct s3p_error *err, const struct s3_response *r,
	    const char *op, const char *bucket, const char *prefix)
{
	char ev[768];

	if (!bucket)
		bucket = "";
	s3_response_describe(r, ev, sizeof(ev));
	if (!strcmp(r->code, "NoSuchBucket"))
		return s3p_error_set(err, S3P_E_S3,
				     "no such bucket '%s' (%s): %s", bucket,
				     ev, s3_response_explain(r));
	return s3p_error_set(err, S3P_E_S3, "cannot %s '%s%s%s': %s (%s)",
			     op, bucket, prefix && *prefix ? "/" : "",
			     prefix ? prefix : "", ev, s3_response_explain(r));
}

/* ---- Dates ---------------------------------------------------------------- */

int s3_parse_http_date(const char *s, time_t *t)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
		"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int y, mo = -1, d, h, mi, sec, n = 0;
	char mon[4];

	if (!s)
		return -1;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
		   &n) == 6 && n > 0) {
		/* ISO 8601 */
	} else {
		const char *p = strchr(s, ',');
		if (!p)
			return -1;
		if (sscanf(p + 1, " %2d %3s %4d %2d:%2d:%2d", &d, mon, &y, &h,
			   &mi, &sec) != 6)
			return -1;
		mo = -1;
		for (int i = 0; i < 12; i++)
			if (strcmp(mon, months[i]) == 0)
				mo = i + 1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec < 0 || sec > 60 || y < 1970 || y > 9999)
		return -1;
	*t = (time_t)(days_from_civil(y, mo, d) * 86400L +
		      h * 3600L + mi * 60L + sec);
	return 0;
}

/* ---- XML record parser ------------------------------------------------- */

#define REC_FIELDS 10

struct field {
	const char *name;       /* relative path, static */
	struct buf val;
	int set;
};

struct rec_parser {
	const char *root;
	const char *const *records;     /* NULL-terminated names */
	const char *const *fields;      /* NULL-terminated relative names */
	const char *const *tops;        /* NULL-terminated top-level names */
	int (*emit)(struct rec_parser *p, int type); /* with records only */
	void *user;
	struct s3p_error *err;

	int saw_root;
	int in_rec, rec_type;
	size_t rec_len;                 /* strlen(root/record) */
	struct field f[REC_FIELDS];
	struct field t[REC_FIELDS];
	size_t count;
	int text_root;                  /* root element's own text wanted */
	int url;                        /* keys are url-encoded */
	struct buf key;                 /* decoded key of the current record */
	struct buf root_text;
};

static void fields_reset(struct field *f)
{
	for (int i = 0; i < REC_FIELDS; i++) {
		buf_reset(&f[i].val);
		f[i].set = 0;
	}
}

static void rec_release(struct rec_parser *p)
{
	for (int i = 0; i < REC_FIELDS; i++) {
		buf_release(&p->f[i].val);
		buf_release(&p->t[i].val);
	}
	buf_release(&p->root_text);
	buf_release(&p->key);
}

static const char *rec_get(const struct rec_parser *p, const char *name)
{
	for (int i = 0; i < REC_FIELDS && p->fields && p->fields[i]; i++)
		if (strcmp(p->fields[i], name) == 0)
			return p->f[i].set ? buf_str(&p->f[i].val) : NULL;
	return NULL;
}

static const char *top_get(const struct rec_parser *p, const char *name)
{
	for (int i = 0; i < REC_FIELDS && p->tops && p->tops[i]; i++)
		if (strcmp(p->tops[i], name) == 0)
			return p->t[i].set ? buf_str(&p->t[i].val) : NULL;
	return NULL;
}

static int rec_on_start(void *ctx, const char *path)
{
	struct rec_parser *p = ctx;
	size_t rl = strlen(p->root);

	if (!p->saw_root) {
		if (strcmp(path, p->root) != 0)
			return s3p_error_set(p->err, S3P_E_S3,
					     "malformed answer: root element "
					     "'%s', expected '%s'",
					     path, p->root);
		p->saw_root = 1;
		return 0;
	}
	if (!p->in_rec && p->records && strncmp(path, p->root, rl) == 0 &&
	    path[rl] == '/') {
		for (int i = 0; p->records[i]; i++) {
			if (strcmp(path + rl + 1, p->records[i]) == 0) {
				p->in_rec = 1;
				p->rec_type = i;
				p->rec_len = strlen(path);
				fields_reset(p->f);
				break;
			}
		}
	}
	return 0;
}

static int rec_on_end(void *ctx, const char *path, const char *text,
		      size_t len)
{
	struct rec_parser *p = ctx;
	size_t rl = strlen(p->root);

	if (p->in_rec) {
		if (strlen(path) == p->rec_len) {
			int rc;
			p->in_rec = 0;
			rc = p->emit(p, p->rec_type);
			p->count++;
			return rc;
		}
		for (int i = 0; i < REC_FIELDS && p->fields[i]; i++) {
			if (strcmp(path + p->rec_len + 1, p->fields[i]) == 0) {
				buf_reset(&p->f[i].val);
				buf_append(&p->f[i].val, text, len);
				p->f[i].set = 1;
			}
		}
		return 0;
	}
	if (strcmp(path, p->root) == 0) {
		if (p->text_root) {
			buf_reset(&p->root_text);
			buf_append(&p->root_text, text, len);
		}
		return 0;
	}
	if (p->tops && strncmp(path, p->root, rl) == 0 && path[rl] == '/') {
		for (int i = 0; i < REC_FIELDS && p->tops[i]; i++) {
			if (strcmp(path + rl + 1, p->tops[i]) == 0) {
				buf_reset(&p->t[i].val);
				buf_append(&p->t[i].val, text, len);
				p->t[i].set = 1;
			}
		}
	}
	return 0;
}

static int says_url_encoded(const char *body, size_t len);

static int rec_run(struct rec_parser *p, const char *body, size_t len)
{
	struct xml_handler h = { p, rec_on_start, rec_on_end };
	int rc;

	for (int i = 0; i < REC_FIELDS; i++) {
		p->f[i].val = (struct buf)BUF_INIT;
		p->t[i].val = (struct buf)BUF_INIT;
	}
	p->key = (struct buf)BUF_INIT;
	p->url = says_url_encoded(body, len);
	rc = xml_parse(body, len, &h, p->err);
	if (rc == 0 && !p->saw_root)
		rc = s3p_error_set(p->err, S3P_E_S3,
				   "malformed answer: no '%s' element", p->root);
	return rc;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s) {
		*out = 0;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int is_true(const char *s)
{
	return s && strcmp(s, "true") == 0;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

void s3_list_page_release(struct s3_list_page *p)
{
	if (!p)
		return;
	free(p->next_token);
	free(p->next_key_marker);
	free(p->next_version_marker);
	memset(p, 0, sizeof(*p));
}

/* S3's encoding-type=url answers: keys percent-encoded ('+' is a space, as
 * botocore's unquote_plus reads them). */
static void url_decode(struct buf *out, const char *s)
{
	buf_reset(out);
	for (; *s; s++) {
		if (*s == '+') {
			buf_putc(out, ' ');
		} else if (*s == '%' && isxdigit((unsigned char)s[1]) &&
			   isxdigit((unsigned char)s[2])) {
			char hex[3] = { s[1], s[2], '\0' };
			buf_putc(out, (char)strtol(hex, NULL, 16));
			s += 2;
		} else {
			buf_putc(out, *s);
		}
	}
	if (!out->data)
		buf_puts(out, "");
}

/* Does the (fully buffered) answer say its keys are url-encoded?  A key
 * cannot contain this markup: its '<' would be escaped. */
static int says_url_encoded(const char *body, size_t len)
{
	static const char tag[] = "<EncodingType>url</EncodingType>";
	size_t n = sizeof(tag) - 1;

	for (size_t i = 0; body && i + n <= len; i++)
		if (body[i] == '<' && memcmp(body + i, tag, n) == 0)
			return 1;
	return 0;
}

/* Does a key look percent-encoded: only characters an encoder leaves as
 * they are, and at least one valid %XX?  radosgw 16 encodes the keys of
 * ListMultipartUploads when asked but does not echo <EncodingType>; a raw
 * key holding a space, a non-ASCII byte or a bare '%' is not encoded. */
static int looks_url_encoded(const char *s)
{
	int pct = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '%') {
			if (!isxdigit((unsigned char)s[1]) ||
			    !isxdigit((unsigned char)s[2]))
				return 0;
			pct = 1;
			s += 2;
		} else if (!(isalnum(ch) || strchr("-._~/+", ch))) {
			return 0;
		}
	}
	return pct;
}

static char *dup_decoded(const char *s, int url)
{
	struct buf b = BUF_INIT;

	if (!s || !*s)
		return NULL;
	if (!url)
		return xstrdup(s);
	url_decode(&b, s);
	return buf_detach(&b);
}

/* -- error documents -- */

struct error_doc {
	struct s3_response *r;
	char server_time[64];
};

static int parse_error_doc(const char *body, size_t len, struct error_doc *d,
			   struct s3p_error *err)
{
	static const char *const tops[] = { "Code", "Message", "RequestId",
		"Region", "ServerTime", "Endpoint", NULL };
	struct rec_parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.root = "Error";
	p.tops = tops;
	p.err = err;
	rc = rec_run(&p, body, len);
	if (rc == 0) {
		const char *v;
		if ((v = top_get(&p, "Code")))
			copy_str(d->r->code, sizeof(d->r->code), v);
		if ((v = top_get(&p, "Message")))
			copy_str(d->r->message, sizeof(d->r->message), v);
		if ((v = top_get(&p, "RequestId")) && !d->r->request_id[0])
			copy_str(d->r->request_id, sizeof(d->r->request_id), v);
		if ((v = top_get(&p, "Region")) && *v && !d->r->region[0])
			copy_str(d->r->region, sizeof(d->r->region), v);
		if ((v = top_get(&p, "ServerTime")))
			copy_str(d->server_time, sizeof(d->server_time), v);
	}
	rec_release(&p);
	return rc;
}

int s3_parse_error(const char *body, size_t len, struct s3_response *r,
		   struct s3p_error *err)
{
	struct error_doc d;

	memset(&d, 0, sizeof(d));
	d.r = r;
	return parse_error_doc(body, len, &d, err);
}

/* -- listings -- */

/* What a paged answer (objects, versions, uploads, parts) looks like: its
 * elements, and which top-level elements carry the next page's markers
 * into s3_list_page (NULL: this answer has none). */
struct listing_shape {
	const char *root;
	const char *const *records, *const *fields, *const *tops;
	int (*emit)(struct rec_parser *p, int type);
	const char *next_token;     /* -> next_token */
	const char *next_key;       /* -> next_key_marker, url-decoded */
	const char *next_version;   /* -> next_version_marker */
};

static char *top_dup(struct rec_parser *p, const char *name)
{
	return name ? dup_or_null(top_get(p, name)) : NULL;
}

/* Parse body with the records handed to sh->emit (user: its state), and
 * fill *page when given. */
static int run_listing(const struct listing_shape *sh, void *user,
		       const char *body, size_t len,
		       struct s3_list_page *page, struct s3p_error *err)
{
	struct rec_parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.root = sh->root;
	p.records = sh->records;
	p.fields = sh->fields;
	p.tops = sh->tops;
	p.emit = sh->emit;
	p.user = user;
	p.err = err;
	rc = rec_run(&p, body, len);
	if (page) {
		memset(page, 0, sizeof(*page));
		page->count = p.count;
		if (rc == 0) {
			page->is_truncated = is_true(top_get(&p, "IsTruncated"));
			page->next_token = top_dup(&p, sh->next_token);
			page->next_key_marker = sh->next_key ?
				dup_decoded(top_get(&p, sh->next_key), p.url) :
				NULL;
			page->next_version_marker =
				top_dup(&p, sh->next_version);
		}
	}
	rec_release(&p);
	return rc;
}

struct list_user {
	s3_list_cb cb;
	void *ctx;
};

static int list_emit(struct rec_parser *p, int type)
{
	struct list_user *u = p->user;
	struct s3_list_entry e;
	const char *size;

	memset(&e, 0, sizeof(e));
	if (type == 1) { /* CommonPrefixes */
		e.is_prefix = 1;
		e.key = rec_get(p, "Prefix");
		if (!e.key)
			return 0;
		if (p->url) {
			url_decode(&p->key, e.key);
			if (memchr(p->key.data, '\0', p->key.len))
				e.problem = "the prefix holds a NUL byte (%00)";
			else
				e.key = buf_str(&p->key);
		}
	} else {
		e.key = rec_get(p, "Key");
		if (!e.key)
			return s3p_error_set(p->err, S3P_E_S3,
					     "malformed answer: an entry without Key");
		if (p->url) {
			url_decode(&p->key, e.key);
			if (memchr(p->key.data, '\0', p->key.len))
				e.problem = "the key holds a NUL byte (%00), "
					    "which no name given to s3perm "
					    "can hold";
			else
				e.key = buf_str(&p->key);
		}
		size = rec_get(p, "Size");
		if (parse_u64(size, &e.size) < 0)
			return s3p_error_set(p->err, S3P_E_S3,
					     "malformed answer: Size '%s'", size);
		e.etag = rec_get(p, "ETag");
		e.last_modified = rec_get(p, "LastModified");
		e.storage_class = rec_get(p, "StorageClass");
		e.version_id = rec_get(p, "VersionId");
		e.is_latest = is_true(rec_get(p, "IsLatest"));
		e.is_delete_marker = type == 3;
	}
	return u->cb ? u->cb(u->ctx, &e) : 0;
}

static const char *const list_fields[] = { "Key", "Size", "ETag",
	"LastModified", "StorageClass", "VersionId", "IsLatest", "Prefix",
	NULL };

static int parse_listing(const char *root, const char *body, size_t len,
			 s3_list_cb cb, void *ctx, struct s3_list_page *page,
			 struct s3p_error *err)
{
	static const char *const records[] = { "Contents", "CommonPrefixes",
		"Version", "DeleteMarker", NULL };
	static const char *const tops[] = { "IsTruncated",
		"NextContinuationToken", "NextKeyMarker", "NextVersionIdMarker",
		"NextMarker", NULL };
	const struct listing_shape sh = { root, records, list_fields, tops,
		list_emit, "NextContinuationToken", "NextKeyMarker",
		"NextVersionIdMarker" };
	struct list_user u = { cb, ctx };

	return run_listing(&sh, &u, body, len, page, err);
}

int s3_parse_list_objects(const char *body, size_t len, s3_list_cb cb,
			  void *ctx, struct s3_list_page *page,
			  struct s3p_error *err)
{
	return parse_listing("ListBucketResult", body, len, cb, ctx, page, err);
}

int s3_parse_list_versions(const char *body, size_t len, s3_list_cb cb,
			   void *ctx, struct s3_list_page *page,
			   struct s3p_error *err)
{
	return parse_listing("ListVersionsResult", body, len, cb, ctx, page,
			     err);
}

struct upload_user {
	s3_upload_cb cb;
	void *ctx;
};

static int upload_emit(struct rec_parser *p, int type)
{
	struct upload_user *u = p->user;
	struct s3_upload up;

	(void)type;
	up.key = rec_get(p, "Key");
	up.problem = NULL;
	/* Always asked with encoding-type=url (s3_op_list_uploads). */
	if (up.key && (p->url || looks_url_encoded(up.key))) {
		url_decode(&p->key, up.key);
		if (memchr(p->key.data, '\0', p->key.len))
			up.problem = "the key holds a NUL byte (%00)";
		else
			up.key = buf_str(&p->key);
	}
	up.upload_id = rec_get(p, "UploadId");
	up.initiator_id = rec_get(p, "Initiator/ID");
	up.initiated = rec_get(p, "Initiated");
	if (!up.key || !up.upload_id)
		return s3p_error_set(p->err, S3P_E_S3,
				     "malformed answer: an upload without Key "
				     "or UploadId");
	return u->cb ? u->cb(u->ctx, &up) : 0;
}

int s3_parse_list_uploads(const char *body, size_t len, s3_upload_cb cb,
			  void *ctx, struct s3_list_page *page,
			  struct s3p_error *err)
{
	static const char *const records[] = { "Upload", NULL };
	static const char *const fields[] = { "Key", "UploadId",
		"Initiator/ID", "Initiated", NULL };
	static const char *const tops[] = { "IsTruncated", "NextKeyMarker",
		"NextUploadIdMarker", NULL };
	static const struct listing_shape sh = {
		"ListMultipartUploadsResult", records, fields, tops,
		upload_emit, NULL, "NextKeyMarker", "NextUploadIdMarker" };
	struct upload_user u = { cb, ctx };

	return run_listing(&sh, &u, body, len, page, err);
}

struct part_user {
	s3_part_cb cb;
	void *ctx;
};

static int part_emit(struct rec_parser *p, int type)
{
	struct part_user *u = p->user;
	struct s3_part part;
	uint64_t n;
	const char *num = rec_get(p, "PartNumber");

	(void)type;
	memset(&part, 0, sizeof(part));
	if (!num || parse_u64(num, &n) < 0 || n == 0 || n > 100000 ||
	    parse_u64(rec_get(p, "Size"), &part.size) < 0)
		return s3p_error_set(p->err, S3P_E_S3,
				     "malformed answer: a part without a valid "
				     "PartNumber or Size");
	part.part_number = (int)n;
	part.etag = rec_get(p, "ETag");
	return u->cb ? u->cb(u->ctx, &part) : 0;
}

int s3_parse_list_parts(const char *body, size_t len, s3_part_cb cb,
			void *ctx, struct s3_list_page *page,
			struct s3p_error *err)
{
	static const char *const records[] = { "Part", NULL };
	static const char *const fields[] = { "PartNumber", "Size", "ETag",
		NULL };
	static const char *const tops[] = { "IsTruncated",
		"NextPartNumberMarker", NULL };
	static const struct listing_shape sh = { "ListPartsResult", records,
		fields, tops, part_emit, "NextPartNumberMarker", NULL, NULL };
	struct part_user u = { cb, ctx };

	return run_listing(&sh, &u, body, len, page, err);
}

int s3_parse_initiate_multipart(const char *body, size_t len,
				char **upload_id, struct s3p_error *err)
{
	static const char *const tops[] = { "UploadId", NULL };
	struct rec_parser p;
	int rc;
	const char *v;

	*upload_id = NULL;
	memset(&p, 0, sizeof(p));
	p.root = "InitiateMultipartUploadResult";
	p.tops = tops;
	p.err = err;
	rc = rec_run(&p, body, len);
	if (rc == 0) {
		v = top_get(&p, "UploadId");
		if (!v || !*v)
			rc = s3p_error_set(err, S3P_E_S3,
					   "malformed answer: no UploadId");
		else
			*upload_id = xstrdup(v);
	}
	rec_release(&p);
	return rc;
}

int s3_parse_location(const char *body, size_t len, char *out, size_t size,
		      struct s3p_error *err)
{
	struct rec_parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.root = "LocationConstraint";
	p.err = err;
	p.text_root = 1;
	rc = rec_run(&p, body, len);
	if (rc == 0)
		copy_str(out, size, buf_str(&p.root_text));
	rec_release(&p);
	return rc;
}

const char *s3_location_to_region(const char *constraint)
{
	if (!constraint || !*constraint || strcmp(constraint, "US") == 0)
		return "us-east-1";
	if (strcmp(constraint, "EU") == 0)
		return "eu-west-1";
	return constraint;
}

/* ---- Client ------------------------------------------------------------- */

static int parse_endpoint(struct s3_client *c, const char *url,
			  struct s3p_error *err)
{
	const char *p = strstr(url, "://");
	const char *host, *slash;
	size_t n;

	if (!p)
		return s3p_error_set(err, S3P_E_USAGE,
				     "invalid endpoint '%s': expected "
				     "http://HOST[:PORT] or https://HOST[:PORT]",
				     url);
	if (!((p - url == 4 && strncasecmp(url, "http", 4) == 0) ||
	      (p - url == 5 && strncasecmp(url, "https", 5) == 0)))
		return s3p_error_set(err, S3P_E_USAGE,
				     "invalid endpoint '%s': the scheme must be "
				     "http or https", url);
	host = p + 3;
	slash = strchr(host, '/');
	n = slash ? (size_t)(slash - host) : strlen(host);
	if (n == 0 || memchr(host, '@', n) || memchr(host, '?', n) ||
	    memchr(host, '#', n) || memchr(host, ' ', n))
		return s3p_error_set(err, S3P_E_USAGE,
				     "invalid endpoint '%s': no valid host", url);
	if (slash && (strchr(slash, '?') || strchr(slash, '#')))
		return s3p_error_set(err, S3P_E_USAGE,
				     "invalid endpoint '%s': no query or "
				     "fragment allowed", url);
	c->scheme = xstrndup(url, (size_t)(p - url));
	for (char *s = c->scheme; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	c->host = xstrndup(host, n);
	c->base_path = xstrdup(slash ? slash : "");
	n = strlen(c->base_path);
	while (n > 0 && c->base_path[n - 1] == '/')
		c->base_path[--n] = '\0';
	snprintf(c->endpoint, sizeof(c->endpoint), "%s://%s%s", c->scheme,
		 c->host, c->base_path);
	return 0;
}

int s3_client_new(const struct s3_config *cfg, const struct creds *creds,
		  struct s3_client **out, struct s3p_error *err)
{
	struct s3_config dflt = S3_CONFIG_INIT;
	struct s3_client *c;
	const char *endpoint, *region;

	*out = NULL;
	if (!cfg)
		cfg = &dflt;
	if (!creds || !creds->access_key_id || !creds->secret_access_key)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "s3 client without credentials");
	c = xcalloc(1, sizeof(*c));
	c->key_id = xstrdup(creds->access_key_id);
	c->secret = xstrdup(creds->secret_access_key);
	c->token = creds->session_token && *creds->session_token
			   ? xstrdup(creds->session_token)
			   : NULL;
	c->sc.access_key_id = c->key_id;
	c->sc.secret_access_key = c->secret;
	c->sc.session_token = c->token;
	c->expiration = creds->expiration;
	c->refresh = cfg->refresh;
	c->refresh_ctx = cfg->refresh_ctx;
	c->fips = cfg->fips >= 0 ? cfg->fips : creds->use_fips;
	c->dualstack = cfg->dualstack >= 0 ? cfg->dualstack
					   : creds->use_dualstack;

	endpoint = cfg->endpoint;
	if (!endpoint)
		endpoint = creds_env_endpoint();
	if (!endpoint)
		endpoint = creds->endpoint_url;
	region = cfg->region;
	if (!region)
		region = creds_env_region();
	if (!region)
		region = creds->region;
	if (!region)
		region = DEFAULT_REGION;
	if (!valid_region(region)) {
		s3p_error_set(err, S3P_E_USAGE, "invalid region '%s'", region);
		goto fail;
	}
	copy_str(c->region, sizeof(c->region), region);
	if (endpoint) {
		c->custom = 1;
		if (parse_endpoint(c, endpoint, err) < 0)
			goto fail;
	} else {
		c->scheme = xstrdup("https");
		c->base_path = xstrdup("");
	}
	c->path_style = cfg->path_style;
	c->max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : 3;
	c->backoff_base_ms = cfg->backoff_base_ms ? cfg->backoff_base_ms : 200;
	c->backoff_cap_ms = cfg->backoff_cap_ms ? cfg->backoff_cap_ms : 5000;
	c->memory_budget = cfg->memory_budget ? cfg->memory_budget
					      : S3_MEMORY_BUDGET;
	c->verbose = cfg->verbose;
	c->verbose_ctx = cfg->verbose_ctx;
	c->now = cfg->now ? cfg->now : real_now;
	c->sleep_ms = cfg->sleep_ms ? cfg->sleep_ms : real_sleep;
	c->clock_ctx = cfg->clock_ctx;
	c->rng = 0x9e3779b97f4a7c15ULL;
	{
		uint64_t seed;
		if (crypto_random_bytes(&seed, sizeof(seed), NULL) == 0 && seed)
			c->rng = seed;
	}
	if (cfg->transport) {
		c->transport = *cfg->transport;
	} else {
		struct http_options ho;
		int t = cfg->timeout_seconds > 0 ? cfg->timeout_seconds : 30;

		memset(&ho, 0, sizeof(ho));
		ho.timeout_ms = (long)t * 1000;
		ho.ca_bundle = cfg->ca_bundle ? cfg->ca_bundle
					      : creds_env_ca_bundle();
		if (!ho.ca_bundle)
			ho.ca_bundle = creds->ca_bundle;   /* config file */
		ho.max_concurrency = cfg->max_concurrency;
		ho.hub = cfg->hub;
		if (http_client_new(&ho, &c->http, err) < 0)
			goto fail;
		c->transport.ctx = c->http;
		c->transport.perform = curl_perform;
	}
	if (!c->custom)
		snprintf(c->endpoint, sizeof(c->endpoint), "https://s3%s%s.%s.%s",
			 c->fips ? "-fips" : "", c->dualstack ? ".dualstack" : "",
			 c->region,
			 strncmp(c->region, "cn-", 3) == 0 ? "amazonaws.com.cn"
							   : "amazonaws.com");
	*out = c;
	return 0;
fail:
	s3_client_free(c);
	return -1;
}

void s3_client_free(struct s3_client *c)
{
	if (!c)
		return;
	free_secret(c->secret);
	free_secret(c->token);
	free(c->key_id);
	free(c->scheme);
	free(c->host);
	free(c->base_path);
	s3_client_forget_regions(c);
	http_client_free(c->http);
	free(c);
}

/* The region learnt for bucket, or NULL. */
static struct region_entry *find_region(const struct s3_client *c,
					const char *bucket)
{
	if (bucket)
		for (size_t i = 0; i < c->nregions; i++)
			if (strcmp(c->regions[i]->bucket, bucket) == 0)
				return c->regions[i];
	return NULL;
}

const char *s3_client_region(const struct s3_client *c, const char *bucket)
{
	struct region_entry *e = find_region(c, bucket);

	return e ? e->region : c->region;
}

static void set_bucket_region(struct s3_client *c, const char *bucket,
			      const char *region)
{
	struct region_entry *e;

	if (!bucket)
		return;
	e = find_region(c, bucket);
	if (!e) {
		c->regions = xrealloc(c->regions,
				      (c->nregions + 1) * sizeof(*c->regions));
		e = c->regions[c->nregions++] = xcalloc(1, sizeof(*e));
		e->bucket = xstrdup(bucket);
	}
	copy_str(e->region, sizeof(e->region), region);
}

/* ---- The shared pause ------------------------------------------------------ */

struct s3_throttle {
	_Atomic long long until_ms;     /* monotonic ms; 0: no pause */
	atomic_ulong count;
};

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct s3_throttle *s3_throttle_new(void)
{
	struct s3_throttle *t = xmalloc(sizeof(*t));

	atomic_init(&t->until_ms, 0);
	atomic_init(&t->count, 0);
	return t;
}

void s3_throttle_free(struct s3_throttle *t)
{
	free(t);
}

void s3_client_set_throttle(struct s3_client *c, struct s3_throttle *t)
{
	c->throttle = t;
}

unsigned long s3_throttle_count(const struct s3_throttle *t)
{
	return atomic_load(&((struct s3_throttle *)t)->count);
}

/* A throttled answer: every sharer pauses for at least wait_ms from now. */
static void throttle_note(struct s3_throttle *t, unsigned wait_ms)
{
	long long want = monotonic_ms() + wait_ms;
	long long cur = atomic_load(&t->until_ms);

	atomic_fetch_add(&t->count, 1);
	while (cur < want &&
	       !atomic_compare_exchange_weak(&t->until_ms, &cur, want))
		;
}

/* Before an attempt: what is left of the shared pause, in ms. */
static unsigned throttle_left(struct s3_throttle *t)
{
	long long left = atomic_load(&t->until_ms) - monotonic_ms();

	return left > 0 ? (unsigned)left : 0;
}

void s3_client_forget_regions(struct s3_client *c)
{
	for (size_t i = 0; i < c->nregions; i++) {
		free(c->regions[i]->bucket);
		free(c->regions[i]);
	}
	free(c->regions);
	c->regions = NULL;
	c->nregions = 0;
}

void s3_client_set_region(struct s3_client *c, const char *bucket,
			  const char *region)
{
	if (bucket && region && valid_region(region))
		set_bucket_region(c, bucket, region);
}

const char *s3_client_endpoint(const struct s3_client *c)
{
	return c->endpoint;
}

const struct sigv4_credentials *s3_client_credentials(
	const struct s3_client *c)
{
	return &c->sc;
}

int s3_client_is_aws(const struct s3_client *c)
{
	return !c->custom;
}

/* ---- Building and sending ------------------------------------------------ */

/* The wire form of one attempt. */
struct wire {
	struct buf url;
	struct buf host;
	struct buf pool_key;          /* scheme://host of the endpoint,
					 without the bucket label */
	struct buf path_query;        /* for the trace */
	char region[REGION_MAX];
	char **lines;                 /* "Name: value" */
	size_t nlines;
};

static void wire_release(struct wire *w)
{
	buf_release(&w->url);
	buf_release(&w->host);
	buf_release(&w->pool_key);
	buf_release(&w->path_query);
	/* lines may carry the Authorization header and the token */
	for (size_t i = 0; i < w->nlines; i++)
		free_secret(w->lines[i]);
	free(w->lines);
	memset(w, 0, sizeof(*w));
}

static void wire_add(struct wire *w, const char *name, const char *value)
{
	struct buf b = BUF_INIT;

	/* curl: "Name:" would remove the header, "Name;" sends it empty */
	if (!value || !*value)
		buf_printf(&b, "%s;", name);
	else
		buf_printf(&b, "%s: %s", name, value);
	w->lines = xrealloc(w->lines, (w->nlines + 1) * sizeof(*w->lines));
	w->lines[w->nlines++] = buf_detach(&b);
}

static int use_path_style(const struct s3_client *c, const char *bucket)
{
	if (!bucket)
		return 1;
	if (c->path_style == 1)
		return 1;
	if (c->path_style == 0)
		return !dns_compatible(bucket);
	return c->custom || !dns_compatible(bucket);
}

/* Temporary credentials about to expire: take fresh ones (once per
 * expiry; after a failure, keep the old ones while they last and try
 * again a minute later). */
static int refresh_if_due(struct s3_client *c, time_t now,
			  struct s3p_error *err)
{
	struct creds fresh;
	struct s3p_error e2;

	if (!c->refresh || !c->expiration ||
	    c->expiration - now >= CREDS_REFRESH_BEFORE ||
	    now < c->refresh_retry_at)
		return 0;
	memset(&fresh, 0, sizeof(fresh));
	if (c->refresh(c->refresh_ctx, c->expiration, &fresh, &e2) < 0) {
		creds_free(&fresh);
		if (now >= c->expiration) {
			*err = e2;
			return s3p_error_prefix(err, "credentials expired and "
						"could not be refreshed");
		}
		c->refresh_retry_at = now + 60;
		return 0;
	}
	free_secret(c->secret);
	free_secret(c->token);
	free(c->key_id);
	c->key_id = xstrdup(fresh.access_key_id);
	c->secret = xstrdup(fresh.secret_access_key);
	c->token = fresh.session_token ? xstrdup(fresh.session_token) : NULL;
	c->sc.access_key_id = c->key_id;
	c->sc.secret_access_key = c->secret;
	c->sc.session_token = c->token;
	c->expiration = fresh.expiration;
	c->refresh_retry_at = 0;
	creds_free(&fresh);
	return 0;
}

static int build_wire(struct s3_client *c, const struct s3_request *rq,
		      struct wire *w, struct s3p_error *err)
{
	const char *region = s3_client_region(c, rq->bucket);
	struct buf path = BUF_INIT, query = BUF_INIT;
	struct sigv4_query_param *qp = NULL;
	struct sigv4_header *hs = NULL;
	struct sigv4_signed sig;
	struct sigv4_request sr;
	struct sigv4_params pa;
	char amz_date[32], hash[CRYPTO_SHA256_HEX_LEN + 1];
	struct tm tm;
	time_t now;
	int path_style = use_path_style(c, rq->bucket);
	int rc = -1;

	memset(&sig, 0, sizeof(sig));
	copy_str(w->region, sizeof(w->region), region);
	if (rq->key && !rq->bucket)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "s3 request with a key but no bucket");
	/* Host */
	if (rq->service && !strcmp(rq->service, "sts")) {
		/* STS of the region's partition (a custom endpoint: the same
		 * host, as S3-compatible servers that offer STS do). */
		if (c->custom)
			buf_puts(&w->host, c->host);
		else
			buf_printf(&w->host, "sts.%s.%s", region,
				   strncmp(region, "cn-", 3) == 0 ?
				   "amazonaws.com.cn" : "amazonaws.com");
	} else if (c->custom) {
		if (!path_style)
			buf_printf(&w->host, "%s.%s", rq->bucket, c->host);
		else
			buf_puts(&w->host, c->host);
		buf_printf(&w->pool_key, "%s://%s", c->scheme, c->host);
	} else {
		const char *dom = strncmp(region, "cn-", 3) == 0
					  ? "amazonaws.com.cn"
					  : "amazonaws.com";
		const char *fips = c->fips ? "-fips" : "";
		const char *ds = c->dualstack ? ".dualstack" : "";

		if (!path_style)
			buf_printf(&w->host, "%s.s3%s%s.%s.%s", rq->bucket,
				   fips, ds, region, dom);
		else
			buf_printf(&w->host, "s3%s%s.%s.%s", fips, ds, region,
				   dom);
		buf_printf(&w->pool_key, "%s://s3%s%s.%s.%s", c->scheme, fips,
			   ds, region, dom);
	}
	if (!w->pool_key.len)   /* STS: its own host */
		buf_printf(&w->pool_key, "%s://%s", c->scheme,
			   buf_str(&w->host));
	/* Raw path (the signer encodes it once, never normalizes) */
	buf_puts(&path, c->base_path);
	if (path_style && rq->bucket) {
		buf_putc(&path, '/');
		buf_puts(&path, rq->bucket);
	}
	if (rq->key) {
		buf_putc(&path, '/');
		buf_puts(&path, rq->key);
	}
	if (path.len == 0)
		buf_putc(&path, '/');

	if (rq->query_count) {
		qp = xcalloc(rq->query_count, sizeof(*qp));
		for (size_t i = 0; i < rq->query_count; i++) {
			qp[i].name = rq->query[i].name;
			qp[i].value = rq->query[i].value;
		}
		sigv4_canonical_query(&query, qp, rq->query_count);
	}
	buf_printf(&w->url, "%s://%s", c->scheme, buf_str(&w->host));
	sigv4_uri_encode(&w->path_query, path.data, path.len, 1);
	if (query.len) {
		buf_putc(&w->path_query, '?');
		buf_append(&w->path_query, query.data, query.len);
	}
	buf_append(&w->url, w->path_query.data, w->path_query.len);

	/* Headers to sign: Host + the caller's. */
	hs = xcalloc(rq->header_count + 1, sizeof(*hs));
	hs[0].name = "Host";
	hs[0].value = buf_str(&w->host);
	for (size_t i = 0; i < rq->header_count; i++) {
		hs[i + 1].name = rq->headers[i].name;
		hs[i + 1].value = rq->headers[i].value ? rq->headers[i].value
						       : "";
	}
	if (rq->flags & S3_REQ_UNSIGNED_PAYLOAD)
		copy_str(hash, sizeof(hash), SIGV4_UNSIGNED_PAYLOAD);
	else
		crypto_sha256_hex(rq->body ? rq->body : "", rq->body_len, hash);

	now = c->now(c->clock_ctx);
	if (refresh_if_due(c, now, err) < 0)
		goto out;
	now += c->skew;
	gmtime_r(&now, &tm);
	strftime(amz_date, sizeof(amz_date), "%Y%m%dT%H%M%SZ", &tm);

	memset(&sr, 0, sizeof(sr));
	sr.method = rq->method;
	sr.path = path.data;
	sr.query = qp;
	sr.query_count = rq->query_count;
	sr.headers = hs;
	sr.header_count = rq->header_count + 1;
	sr.payload_hash = hash;
	memset(&pa, 0, sizeof(pa));
	pa.region = region;
	pa.service = rq->service ? rq->service : "s3";
	pa.amz_date = amz_date;
	pa.flags = rq->service ? 0 : SIGV4_S3;
	if (sigv4_sign_headers(&sr, &pa, &c->sc, &sig, NULL, err) < 0)
		goto out;
	for (size_t i = 0; i < rq->header_count + 1; i++)
		wire_add(w, hs[i].name, hs[i].value);
	for (size_t i = 0; i < sig.count; i++)
		wire_add(w, sig.headers[i].name, sig.headers[i].value);
	rc = 0;
out:
	sigv4_signed_free(&sig);
	free(hs);
	free(qp);
	buf_release(&path);
	buf_release(&query);
	return rc;
}

/* Fill resp from a finished exchange. Takes ownership of its outputs. */
static void fill_response(struct s3_response *r, struct http_exchange *ex,
			  const char *signed_region, const char *method,
			  char *server_time, size_t st_size)
{
	const char *v;
	int is_head = strcmp(method, "HEAD") == 0;

	s3_response_release(r);
	server_time[0] = '\0';
	r->status = ex->status;
	r->headers = ex->resp_headers;
	r->header_count = ex->resp_header_count;
	ex->resp_headers = NULL;
	ex->resp_header_count = 0;
	r->body = ex->resp_body;
	ex->resp_body = (struct buf)BUF_INIT;

	if (ex->result != HTTP_OK) {
		r->status = 0;
		copy_str(r->transport_error, sizeof(r->transport_error),
			 ex->error[0] ? ex->error : http_result_name(ex->result));
		switch (ex->result) {
		case HTTP_E_TLS:
			r->error_class = S3_ERR_TLS;
			break;
		case HTTP_E_TRUNCATED:
		case HTTP_E_TOO_LARGE:
		case HTTP_E_OVER_BUDGET:
			r->error_class = S3_ERR_MALFORMED;
			break;
		default:
			r->error_class = S3_ERR_NETWORK;
			break;
		}
		buf_release(&r->body);
		return;
	}
	if ((v = s3_response_header(r, "x-amz-request-id")))
		copy_str(r->request_id, sizeof(r->request_id), v);
	if ((v = s3_response_header(r, "x-amz-bucket-region")))
		copy_str(r->region, sizeof(r->region), v);

	if ((r->status >= 200 && r->status < 300) || r->status == 304) {
		r->error_class = S3_OK;
		return;
	}
	if (!is_head && r->body.len > 0) {
		struct error_doc d;
		struct s3p_error perr;
		const char *b = r->body.data;

		memset(&d, 0, sizeof(d));
		d.r = r;
		while (*b == ' ' || *b == '\n' || *b == '\r' || *b == '\t')
			b++;
		if (parse_error_doc(r->body.data, r->body.len, &d, &perr) < 0) {
			if (*b == '<' && r->status < 500) {
				/* An XML error document we cannot read:
				 * not evidence of anything. */
				r->error_class = S3_ERR_MALFORMED;
				copy_str(r->transport_error,
					 sizeof(r->transport_error), perr.msg);
				return;
			}
		} else {
			copy_str(server_time, st_size, d.server_time);
		}
	}
	r->error_class = s3_classify(r->status, r->code, r->message);
	if (r->error_class == S3_ERR_AUTH &&
	    strcmp(r->code, "AuthorizationHeaderMalformed") == 0 &&
	    r->region[0] && strcmp(r->region, signed_region) != 0)
		r->error_class = S3_ERR_WRONG_REGION;
	if ((r->status == 301 || r->status == 307 || r->status == 400) &&
	    r->region[0] && strcmp(r->region, signed_region) != 0)
		r->error_class = S3_ERR_WRONG_REGION;
	/* A redirect that names no other region sends the client to another
	 * host: not a region problem. */
	if (r->status >= 300 && r->status < 400 &&
	    !(r->region[0] && strcmp(r->region, signed_region) != 0))
		r->error_class = S3_ERR_REDIRECT;
}

static int transient(const struct s3_request *rq, const struct s3_response *r,
		     const struct http_exchange *ex)
{
	if (rq->flags & S3_REQ_RETRY_UNEXECUTED) {
		/* Throttled requests were not executed (AWS: "503 Slow
		 * Down"); nor was one that never connected. */
		if (r->status == 0)
			return ex->result == HTTP_E_CONNECT;
		if (r->error_class == S3_ERR_THROTTLED)
			return 1;
		return (rq->flags & S3_REQ_RETRY_SERVER) &&
		       r->error_class == S3_ERR_SERVER;
	}
	/* A POST (CreateMultipartUpload, CompleteMultipartUpload) is not
	 * idempotent: retried after the server may have acted on it, it could
	 * leave a second upload behind.  Retry it only when it cannot have
	 * arrived (no connection) or was turned away (throttled). */
	if (strcmp(rq->method, "POST") == 0)
		return (r->status == 0 && ex->result == HTTP_E_CONNECT) ||
		       r->error_class == S3_ERR_THROTTLED;
	if (r->status == 0)
		return ex->result == HTTP_E_RESET ||
		       ex->result == HTTP_E_TIMEOUT ||
		       ex->result == HTTP_E_CONNECT ||
		       ex->result == HTTP_E_TRUNCATED;
	if (r->error_class == S3_ERR_THROTTLED ||
	    r->error_class == S3_ERR_SERVER)
		return 1;
	return 0;
}

static unsigned backoff(struct s3_client *c, int attempt)
{
	uint64_t cap = c->backoff_base_ms;

	for (int i = 1; i < attempt && cap < c->backoff_cap_ms; i++)
		cap *= 2;
	if (cap > c->backoff_cap_ms)
		cap = c->backoff_cap_ms;
	/* "equal jitter": half fixed, half random, so there is always a pause */
	return (unsigned)(cap / 2 + next_rand(c) % (cap / 2 + 1));
}

struct slot {
	int done;
	int over_budget;
	int attempts;
	int redirected;
	int skew_fixed;
	struct wire w;
	char server_time[64];
};

int s3_send_batch(struct s3_client *c, const struct s3_request *reqs,
		  struct s3_response *resps, size_t n, struct s3p_error *err)
{
	struct slot *st;
	struct http_exchange *ex;
	size_t *idx;
	int rc = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!reqs[i].method)
			return s3p_error_set(err, S3P_E_INTERNAL,
					     "s3 request without a method");
		s3_response_release(&resps[i]);
	}
	st = xcalloc(n, sizeof(*st));
	ex = xcalloc(n, sizeof(*ex));
	idx = xcalloc(n, sizeof(*idx));
	for (;;) {
		size_t m = 0, held = 0, budget;
		unsigned delay = 0;
		int progress = 0, starved = 0;

		/* The answers kept so far count against the budget. */
		for (size_t i = 0; i < n; i++)
			held += resps[i].body.len;
		budget = held < c->memory_budget ? c->memory_budget - held : 0;
		for (size_t i = 0; i < n; i++) {
			if (st[i].done)
				continue;
			wire_release(&st[i].w);
			if (build_wire(c, &reqs[i], &st[i].w, err) < 0) {
				rc = -1;
				goto out;
			}
			memset(&ex[m], 0, sizeof(ex[m]));
			ex[m].method = reqs[i].method;
			ex[m].url = buf_str(&st[i].w.url);
			ex[m].headers = (const char *const *)st[i].w.lines;
			ex[m].header_count = st[i].w.nlines;
			ex[m].body = reqs[i].body;
			ex[m].body_len = reqs[i].body_len;
			ex[m].max_body = reqs[i].max_body;
			ex[m].stop_at_max =
				(reqs[i].flags & S3_REQ_STOP_AT_MAX) != 0;
			ex[m].budget = &budget;
			ex[m].pool_key = buf_str(&st[i].w.pool_key);
			idx[m++] = i;
			if (!st[i].over_budget)
				st[i].attempts++;
			st[i].over_budget = 0;
		}
		if (m == 0)
			break;
		if (c->throttle) {
			unsigned left = throttle_left(c->throttle);

			if (left)
				c->sleep_ms(c->clock_ctx, left);
		}
		if (c->transport.perform(c->transport.ctx, ex, m, err) < 0) {
			for (size_t k = 0; k < m; k++)
				http_exchange_release(&ex[k]);
			rc = -1;
			goto out;
		}
		for (size_t k = 0; k < m; k++) {
			size_t i = idx[k];
			const struct s3_request *rq = &reqs[i];
			struct s3_response *r = &resps[i];
			struct slot *s = &st[i];
			unsigned wait = 0;
			int again = 0;
			long before = r->status;

			if (ex[k].result == HTTP_E_OVER_BUDGET) {
				/* Not an answer: sent again once others have
				 * made room, or handed back as deferred. */
				s->over_budget = 1;
				starved = 1;
				http_exchange_release(&ex[k]);
				continue;
			}
			progress = 1;
			fill_response(r, &ex[k], s->w.region, rq->method,
				      s->server_time, sizeof(s->server_time));
			r->attempts = s->attempts;
			r->prior_status = s->attempts > 1 ? before : 0;
			r->body_cut = ex[k].body_cut;
			if (rq->flags & S3_REQ_NO_RETRY) {
				again = 0;
			} else if (r->error_class == S3_ERR_WRONG_REGION &&
				   !(rq->flags & S3_REQ_NO_REDIRECT) &&
				   !s->redirected && r->region[0] &&
				   valid_region(r->region) &&
				   strcmp(r->region, s->w.region) != 0) {
				/* 301 / 400 naming the region: follow once,
				 * re-signed for it. */
				set_bucket_region(c, rq->bucket, r->region);
				s->redirected = 1;
				again = 1;
			} else if (r->error_class == S3_ERR_CLOCK_SKEW &&
				   !s->skew_fixed) {
				time_t server;
				const char *d = s3_response_header(r, "Date");
				int ok = s3_parse_http_date(d, &server) == 0;

				if (!ok)
					ok = s3_parse_http_date(s->server_time,
								&server) == 0;
				s->skew_fixed = 1;
				if (ok) {
					c->skew = (long)(server -
							 c->now(c->clock_ctx));
					again = 1;
				}
			} else if (transient(rq, r, &ex[k]) &&
				   s->attempts < c->max_attempts) {
				again = 1;
				wait = backoff(c, s->attempts);
			}
			if (c->throttle && r->error_class == S3_ERR_THROTTLED)
				throttle_note(c->throttle, wait ? wait :
					      c->backoff_base_ms);
			if (c->verbose) {
				struct s3_trace_event ev;

				memset(&ev, 0, sizeof(ev));
				ev.method = rq->method;
				ev.host = buf_str(&s->w.host);
				ev.path_query = buf_str(&s->w.path_query);
				ev.region = s->w.region;
				ev.attempt = s->attempts;
				ev.status = r->status;
				ev.code = r->code;
				ev.request_id = r->request_id;
				ev.transport_error = r->transport_error;
				ev.elapsed_ms = ex[k].elapsed_ms;
				ev.backoff_ms = again ? wait : 0;
				c->verbose(c->verbose_ctx, &ev);
			}
			http_exchange_release(&ex[k]);
			if (!again)
				s->done = 1;
			else if (wait > delay)
				delay = wait;
		}
		if (starved && !progress) {
			/* Nothing fitted: hand the rest back. */
			for (size_t i = 0; i < n; i++) {
				if (st[i].done || !st[i].over_budget)
					continue;
				s3_response_release(&resps[i]);
				resps[i].deferred = 1;
				resps[i].error_class = S3_ERR_MALFORMED;
				snprintf(resps[i].transport_error,
					 sizeof(resps[i].transport_error),
					 "answers too large to hold at once "
					 "(memory budget %zu MiB)",
					 c->memory_budget >> 20);
				st[i].done = 1;
			}
			continue;
		}
		if (delay)
			c->sleep_ms(c->clock_ctx, delay);
	}
out:
	for (size_t i = 0; i < n; i++)
		wire_release(&st[i].w);
	free(st);
	free(ex);
	free(idx);
	return rc;
}

int s3_send(struct s3_client *c, const struct s3_request *req,
	    struct s3_response *resp, struct s3p_error *err)
{
	return s3_send_batch(c, req, resp, 1, err);
}

/* ---- Typed operations ---------------------------------------------------- */

/* The error of a non-2xx answer to an operation on `bucket`. */
static int op_fail(const struct s3_response *r, const char *what,
		   const char *bucket, struct s3p_error *err)
{
	return s3_fail(err, r, what, bucket, NULL);
}

/* resp given: keep the answer there; else use a local one. */
static struct s3_response *resp_slot(struct s3_response *given,
				     struct s3_response *local)
{
	struct s3_response init = S3_RESPONSE_INIT;

	*local = init;
	if (given) {
		s3_response_release(given);
		return given;
	}
	return local;
}

static void mark_malformed(struct s3_response *r, const struct s3p_error *e)
{
	r->error_class = S3_ERR_MALFORMED;
	copy_str(r->transport_error, sizeof(r->transport_error), e->msg);
}

/* ---- Request builders ----------------------------------------------------- */

static void op_start(struct s3_op *op, const char *bucket)
{
	memset(op, 0, sizeof(*op));
	op->rq.method = "GET";
	op->rq.bucket = bucket;
	op->rq.query = op->q;
	op->rq.max_body = S3_LIST_MAX_BODY;
	/* Keys are asked url-encoded: a key may hold characters XML 1.0
	 * cannot carry (radosgw stores a key with \x01). */
	op->q[op->rq.query_count++] = (struct s3_param){ "encoding-type",
							"url" };
}

static void op_param(struct s3_op *op, const char *name, const char *value)
{
	if (value)
		op->q[op->rq.query_count++] = (struct s3_param){ name, value };
}

static void op_max(struct s3_op *op, const char *name, int max)
{
	if (max > 0) {
		snprintf(op->num, sizeof(op->num), "%d", max);
		op_param(op, name, op->num);
	}
}

void s3_op_list_objects(struct s3_op *op, const char *bucket,
			const char *prefix, const char *delimiter,
			const char *token, int max_keys)
{
	op_start(op, bucket);
	op->q[op->rq.query_count++] = (struct s3_param){ "list-type", "2" };
	op_param(op, "prefix", prefix && *prefix ? prefix : NULL);
	op_param(op, "delimiter", delimiter);
	op_param(op, "continuation-token", token);
	op_max(op, "max-keys", max_keys);
}

void s3_op_list_objects_after(struct s3_op *op, const char *key)
{
	op_param(op, "start-after", key);
}

void s3_op_list_uploads(struct s3_op *op, const char *bucket,
			const char *prefix, const char *key_marker,
			const char *upload_id_marker, int max_uploads)
{
	op_start(op, bucket);
	op->q[op->rq.query_count++] = (struct s3_param){ "uploads", NULL };
	op_param(op, "prefix", prefix && *prefix ? prefix : NULL);
	op_param(op, "key-marker", key_marker);
	op_param(op, "upload-id-marker", upload_id_marker);
	op_max(op, "max-uploads", max_uploads);
}

void s3_op_get_caller_identity(struct s3_op *op)
{
	memset(op, 0, sizeof(*op));
	op->rq.method = "GET";
	op->rq.service = "sts";
	op->rq.query = op->q;
	op->rq.max_body = 64 * 1024;
	op->q[op->rq.query_count++] = (struct s3_param){ "Action",
							"GetCallerIdentity" };
	op->q[op->rq.query_count++] = (struct s3_param){ "Version",
							"2011-06-15" };
}

int s3_parse_caller_identity(const char *body, size_t len,
			     struct s3_caller *out, struct s3p_error *err)
{
	static const char *const tops[] = { "GetCallerIdentityResult/Arn",
		"GetCallerIdentityResult/Account",
		"GetCallerIdentityResult/UserId", NULL };
	struct rec_parser p;
	const char *arn;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.root = "GetCallerIdentityResponse";
	p.tops = tops;
	p.err = err;
	rc = rec_run(&p, body, len);
	if (rc == 0) {
		arn = top_get(&p, "GetCallerIdentityResult/Arn");
		if (!arn || strncmp(arn, "arn:", 4)) {
			rc = s3p_error_set(err, S3P_E_S3,
					   "malformed answer: no Arn");
		} else {
			copy_str(out->arn, sizeof(out->arn), arn);
			copy_str(out->account, sizeof(out->account),
				 top_get(&p, "GetCallerIdentityResult/Account"));
			s3_caller_principal(arn, out->principal,
					    sizeof(out->principal));
		}
	}
	rec_release(&p);
	return rc;
}

void s3_caller_principal(const char *arn, char *out, size_t size)
{
	/* arn:PART:sts::ACCOUNT:assumed-role/ROLE/SESSION */
	const char *p = strstr(arn, ":sts::");
	const char *ar = p ? strstr(p, ":assumed-role/") : NULL;

	if (ar) {
		const char *role = ar + strlen(":assumed-role/");
		const char *slash = strchr(role, '/');
		int plen = (int)(p - arn);
		int alen = (int)(ar - (p + 6));

		snprintf(out, size, "%.*s:iam::%.*s:role/%.*s", plen, arn,
			 alen, p + 6, slash ? (int)(slash - role) :
			 (int)strlen(role), role);
		return;
	}
	copy_str(out, size, arn);
}

int s3_list_objects_answer(struct s3_response *r, const char *bucket,
			   const char *prefix, s3_list_cb cb, void *ctx,
			   struct s3_list_page *page, struct s3p_error *err)
{
	int rc;

	memset(page, 0, sizeof(*page));
	if (r->error_class != S3_OK)
		return s3_fail(err, r, "list", bucket, prefix);
	rc = s3_parse_list_objects(r->body.data, r->body.len, cb, ctx, page,
				   err);
	if (rc == 0 && page->is_truncated && !page->next_token)
		rc = s3p_error_set(err, S3P_E_S3, "malformed answer: "
				   "IsTruncated=true without "
				   "NextContinuationToken, the rest of the "
				   "listing cannot be asked for");
	if (rc < 0) {
		mark_malformed(r, err);
		s3_list_page_release(page);
		s3p_error_prefix(err, "cannot list '%s%s%s'", bucket,
				 prefix && *prefix ? "/" : "",
				 prefix ? prefix : "");
	}
	return rc;
}

int s3_list_guard_next(struct s3_list_guard *g, const char *bucket,
		       const char *prefix, const char *next_token,
		       struct s3p_error *err)
{
	const char *sep = prefix && *prefix ? "/" : "";

	if (!prefix)
		prefix = "";
	g->pages++;
	if (next_token && g->last_token && !strcmp(next_token, g->last_token))
		return s3p_error_set(err, S3P_E_S3,
				     "cannot list '%s%s%s': the server gave "
				     "the same continuation token twice (page "
				     "%zu), so the listing would never end",
				     bucket, sep, prefix, g->pages);
	if (next_token && g->pages >= S3_LIST_MAX_PAGES)
		return s3p_error_set(err, S3P_E_S3,
				     "cannot list '%s%s%s': the server has "
				     "not ended the listing after %d pages",
				     bucket, sep, prefix, S3_LIST_MAX_PAGES);
	free(g->last_token);
	g->last_token = next_token ? xstrdup(next_token) : NULL;
	return 0;
}

void s3_list_guard_release(struct s3_list_guard *g)
{
	free(g->last_token);
	memset(g, 0, sizeof(*g));
}

int s3_list_objects_page(struct s3_client *c, const char *bucket,
			 const char *prefix, const char *delimiter,
			 const char *token, int max_keys, s3_list_cb cb,
			 void *ctx, char **next_token,
			 struct s3_response *resp, struct s3p_error *err)
{
	struct s3_op op;
	struct s3_list_page page;
	struct s3_response local, *r = resp_slot(resp, &local);
	int rc;

	*next_token = NULL;
	s3_op_list_objects(&op, bucket, prefix, delimiter, token, max_keys);
	if (s3_send(c, &op.rq, r, err) < 0) {
		rc = -1;
	} else {
		rc = s3_list_objects_answer(r, bucket, prefix, cb, ctx, &page,
					    err);
		if (rc == 0 && page.is_truncated) {
			*next_token = page.next_token;
			page.next_token = NULL;
		}
		if (rc >= 0)
			s3_list_page_release(&page);
	}
	if (r == &local)
		s3_response_release(&local);
	return rc;
}

int s3_list_uploads_page(struct s3_client *c, const char *bucket,
			 const char *prefix, const char *key_marker,
			 const char *upload_id_marker, int max_uploads,
			 s3_upload_cb cb, void *ctx, struct s3_list_page *page,
			 struct s3_response *resp, struct s3p_error *err)
{
	struct s3_op op;
	struct s3_response local, *r = resp_slot(resp, &local);
	int rc;

	memset(page, 0, sizeof(*page));
	s3_op_list_uploads(&op, bucket, prefix, key_marker, upload_id_marker,
			   max_uploads);
	if (s3_send(c, &op.rq, r, err) < 0) {
		rc = -1;
	} else if (r->error_class != S3_OK) {
		rc = s3_fail(err, r, "list multipart uploads of", bucket,
			     prefix);
	} else {
		rc = s3_parse_list_uploads(r->body.data, r->body.len, cb, ctx,
					   page, err);
		if (rc < 0) {
			mark_malformed(r, err);
			s3p_error_prefix(err, "cannot list multipart uploads "
					 "of '%s'", bucket);
			s3_list_page_release(page);
		}
	}
	if (r == &local)
		s3_response_release(&local);
	return rc;
}

/* GET, PUT (TEXT of LEN bytes, with its Content-MD5) or DELETE the
 * ?policy of a bucket into *r: -1 when it could not be sent. */
static int policy_send(struct s3_client *c, const char *method,
		       const char *bucket, const char *text, size_t len,
		       struct s3_response *r, struct s3p_error *err)
{
	struct s3_param q[] = { { "policy", NULL } };
	char md5[CRYPTO_MD5_BASE64_LEN + 1];
	struct s3_param h[] = { { "Content-MD5", md5 },
				{ "Content-Type", "application/json" } };
	struct s3_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.bucket = bucket;
	rq.query = q;
	rq.query_count = 1;
	rq.max_body = 1024 * 1024;  /* policies are at most 20 KB */
	if (text) {
		crypto_md5_base64(text, len, md5);
		rq.headers = h;
		rq.header_count = 2;
		rq.body = text;
		rq.body_len = len;
	}
	return s3_send(c, &rq, r, err);
}

int s3_get_bucket_policy(struct s3_client *c, const char *bucket,
			 char **text, struct s3_response *resp,
			 struct s3p_error *err)
{
	struct s3_response local, *r = resp_slot(resp, &local);
	int rc;

	*text = NULL;
	if (policy_send(c, "GET", bucket, NULL, 0, r, err) < 0) {
		rc = -1;
	} else if (r->error_class == S3_OK) {
		*text = xstrndup(buf_str(&r->body), r->body.len);
		rc = 0;
	} else if (strcmp(r->code, "NoSuchBucketPolicy") == 0) {
		rc = 1;
	} else {
		rc = op_fail(r, "get the policy of bucket", bucket, err);
	}
	if (r == &local)
		s3_response_release(&local);
	return rc;
}

int s3_get_bucket_location(struct s3_client *c, const char *bucket,
			   char *out, size_t size, struct s3_response *resp,
			   struct s3p_error *err)
{
	struct s3_param q[] = { { "location", NULL } };
	struct s3_request rq;
	struct s3_response local, *r = resp_slot(resp, &local);
	char raw[REGION_MAX];
	int rc;

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.bucket = bucket;
	rq.query = q;
	rq.query_count = 1;
	if (s3_send(c, &rq, r, err) < 0) {
		rc = -1;
	} else if (r->error_class != S3_OK) {
		rc = op_fail(r, "get the location of bucket", bucket, err);
	} else if (s3_parse_location(r->body.data, r->body.len, raw,
				     sizeof(raw), err) < 0) {
		mark_malformed(r, err);
		s3p_error_prefix(err, "cannot get the location of bucket '%s'",
				 bucket);
		rc = -1;
	} else {
		copy_str(out, size, s3_location_to_region(raw));
		rc = 0;
	}
	if (r == &local)
		s3_response_release(&local);
	return rc;
}

/* ---- Region discovery ------------------------------------------------------ */

int s3_resolve_region(struct s3_client *c, const char *bucket,
		      const char **region_out, struct s3p_error *err)
{
	struct s3_request rq;
	struct s3_response r = S3_RESPONSE_INIT;
	char found[REGION_MAX] = "";
	struct region_entry *known = find_region(c, bucket);
	int rc = 0;

	if (region_out)
		*region_out = known ? known->region : NULL;
	if (known)
		return 0;
	memset(&rq, 0, sizeof(rq));
	rq.method = "HEAD";
	rq.bucket = bucket;
	rq.flags = S3_REQ_NO_REDIRECT;
	if (s3_send(c, &rq, &r, err) < 0)
		return -1;
	if (r.region[0] && valid_region(r.region)) {
		/* x-amz-bucket-region: whatever the status */
		copy_str(found, sizeof(found), r.region);
	} else if (r.error_class == S3_ERR_NETWORK ||
		   r.error_class == S3_ERR_TLS ||
		   r.error_class == S3_ERR_AUTH ||
		   r.error_class == S3_ERR_CLOCK_SKEW ||
		   r.error_class == S3_ERR_MALFORMED ||
		   r.error_class == S3_ERR_SERVER ||
		   r.error_class == S3_ERR_THROTTLED) {
		rc = op_fail(&r, "find the region of bucket", bucket, err);
		goto out;
	} else if (r.status != 404) {
		/* No header (radosgw, or a proxy): ask GetBucketLocation. A
		 * non-AWS constraint ("default") means the server does not
		 * care: keep the configured region. */
		char loc[REGION_MAX];
		struct s3p_error lerr;

		if (s3_get_bucket_location(c, bucket, loc, sizeof(loc), NULL,
					   &lerr) == 0 &&
		    valid_region(loc) && strcmp(loc, "default") != 0 &&
		    (!c->custom || strchr(loc, '-') != NULL))
			copy_str(found, sizeof(found), loc);
	}
	if (!found[0])
		copy_str(found, sizeof(found), s3_client_region(c, bucket));
	set_bucket_region(c, bucket, found);
	if (region_out)
		*region_out = s3_client_region(c, bucket);
out:
	s3_response_release(&r);
	return rc;
}

/* ---- bucket policy writes (apply) --------------------------------------- */

/* PUT (text) or DELETE (NULL) the policy: 0, or -1 with err. */
static int policy_write(struct s3_client *c, const char *bucket,
			const char *text, size_t len,
			struct s3_response *resp, struct s3p_error *err)
{
	struct s3_response local, *r = resp_slot(resp, &local);
	int rc;

	if (policy_send(c, text ? "PUT" : "DELETE", bucket, text, len, r,
			err) < 0)
		rc = -1;
	else if (r->error_class == S3_OK)
		rc = 0;
	else
		rc = op_fail(r, text ? "put the policy of bucket" :
			     "delete the policy of bucket", bucket, err);
	if (r == &local)
		s3_response_release(&local);
	return rc;
}

int s3_put_bucket_policy(struct s3_client *c, const char *bucket,
			 const char *text, size_t len,
			 struct s3_response *resp, struct s3p_error *err)
{
	return policy_write(c, bucket, text, len, resp, err);
}

int s3_delete_bucket_policy(struct s3_client *c, const char *bucket,
			    struct s3_response *resp, struct s3p_error *err)
{
	return policy_write(c, bucket, NULL, 0, resp, err);
}

/* ---- Bucket configuration reads (doctor) ------------------------------ */

void s3_op_bucket_config(struct s3_op *op, const char *bucket,
			 const char *subresource)
{
	memset(op, 0, sizeof(*op));
	op->q[0].name = subresource;
	op->q[0].value = NULL;
	op->rq.method = "GET";
	op->rq.bucket = bucket;
	op->rq.query = op->q;
	op->rq.query_count = 1;
	/* configuration documents are small; a server that answers with
	 * something else (radosgw: a listing for ?encryption) is cut */
	op->rq.max_body = S3_CONFIG_MAX_BODY;
	op->rq.flags = S3_REQ_STOP_AT_MAX;
}
