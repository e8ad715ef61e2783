/* test_s3.c - the S3 layer offline: request building and signing,
 * addressing, retries, region following, clock-skew correction, error
 * classes and the typed parsers, through a fake transport that answers
 * with recorded S3 responses.  Each test names the AWS behaviour its
 * recorded answers stand for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "buf.h"
#include "creds.h"
#include "http.h"
#include "s3.h"

/* ---- the fake transport ------------------------------------------------- */

struct answer {
	const char *match;        /* URL substring; NULL: next in order */
	long status;
	const char *headers[6];   /* "Name: value" */
	const char *body;
	enum http_result result;  /* != HTTP_OK: a transport failure */
	int used;
};

#define MAX_SEEN 64

struct seen {
	char method[8];
	char url[1024];
	char pool_key[256];       /* the endpoint an HTTP hub caps */
	struct buf headers;       /* "name: value\n" lines as sent */
};

struct fake {
	struct answer *answers;
	size_t n;
	struct seen seen[MAX_SEEN];
	size_t nseen;
	size_t performs;          /* calls of perform() */
	unsigned sleeps[16];
	size_t nsleeps;
	time_t now;
};

static struct fake F;

static int fake_perform(void *ctx, struct http_exchange *ex, size_t n,
			struct s3p_error *err)
{
	struct fake *f = ctx;

	(void)err;
	f->performs++;
	for (size_t i = 0; i < n; i++) {
		struct answer *a = NULL;
		struct seen *s;

		http_exchange_release(&ex[i]);
		assert_true(f->nseen < MAX_SEEN);
		s = &f->seen[f->nseen++];
		snprintf(s->method, sizeof(s->method), "%s", ex[i].method);
		snprintf(s->url, sizeof(s->url), "%s", ex[i].url);
		snprintf(s->pool_key, sizeof(s->pool_key), "%s",
			 ex[i].pool_key ? ex[i].pool_key : "(none)");
		for (size_t h = 0; h < ex[i].header_count; h++)
			buf_printf(&s->headers, "%s\n", ex[i].headers[h]);
		for (size_t k = 0; k < f->n && !a; k++)
			if (!f->answers[k].used &&
			    (!f->answers[k].match ||
			     strstr(ex[i].url, f->answers[k].match)))
				a = &f->answers[k];
		if (!a)
			fail_msg("no recorded answer for %s %s", ex[i].method,
				 ex[i].url);
		a->used = 1;
		ex[i].result = a->result;
		if (a->result != HTTP_OK) {
			snprintf(ex[i].error, sizeof(ex[i].error), "fake: %s",
				 http_result_name(a->result));
			continue;
		}
		ex[i].status = a->status;
		for (size_t h = 0; h < 6 && a->headers[h]; h++) {
			char name[128];
			const char *colon = strchr(a->headers[h], ':');
			size_t len = (size_t)(colon - a->headers[h]);

			memcpy(name, a->headers[h], len);
			name[len] = '\0';
			http_exchange_add_header(&ex[i], name, colon + 2);
		}
		if (a->body)
			buf_append(&ex[i].resp_body, a->body, strlen(a->body));
	}
	return 0;
}

static time_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static void fake_sleep(void *ctx, unsigned ms)
{
	struct fake *f = ctx;

	if (f->nsleeps < 16)
		f->sleeps[f->nsleeps] = ms;
	f->nsleeps++;
}

static const struct s3_transport fake_transport = { &F, fake_perform };

#define T_20130524 ((time_t)1369353600)

static void fake_reset(struct answer *a, size_t n)
{
	for (size_t i = 0; i < F.nseen; i++)
		buf_release(&F.seen[i].headers);
	memset(&F, 0, sizeof(F));
	F.answers = a;
	F.n = n;
	F.now = T_20130524;
}

static struct creds example_creds(const char *token)
{
	struct creds c;

	memset(&c, 0, sizeof(c));
	c.access_key_id = (char *)"AKIAIOSFODNN7EXAMPLE";
	c.secret_access_key = (char *)"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
	c.session_token = (char *)token;
	return c;
}

static struct s3_client *client(const char *endpoint, const char *region,
				int path_style, const char *token)
{
	struct s3_config cfg = S3_CONFIG_INIT;
	struct creds cr = example_creds(token);
	struct s3_client *c = NULL;
	struct s3p_error err;

	cfg.endpoint = endpoint;
	cfg.region = region;
	cfg.path_style = path_style;
	cfg.transport = &fake_transport;
	cfg.now = fake_now;
	cfg.sleep_ms = fake_sleep;
	cfg.clock_ctx = &F;
	if (s3_client_new(&cfg, &cr, &c, &err) < 0)
		fail_msg("s3_client_new: %s", err.msg);
	return c;
}

static const char *sent_header(size_t i, const char *name)
{
	static char val[1024];
	const char *h = buf_str(&F.seen[i].headers);
	size_t n = strlen(name);

	while (*h) {
		const char *eol = strchr(h, '\n');
		if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
			const char *v = h + n + 1;
			while (*v == ' ')
				v++;
			snprintf(val, sizeof(val), "%.*s", (int)(eol - v), v);
			return val;
		}
		h = eol + 1;
	}
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_S3");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_reset(NULL, 0);
	return 0;
}

/* ---- request building and signing --------------------------------------- */

/* AWS's documented S3 SigV4 example "GET Object" (examplebucket, test.txt,
 * Range bytes=0-9, 20130524T000000Z): the request we send carries exactly
 * the Authorization AWS publishes. */
static void test_aws_example_get_object(void **state)
{
	struct answer a[] = { { NULL, 206, { "x-amz-request-id: R1" }, "0123456789",
				HTTP_OK, 0 } };
	struct s3_client *c;
	struct s3_param h[] = { { "Range", "bytes=0-9" } };
	struct s3_request rq = { .method = "GET", .bucket = "examplebucket",
				 .key = "test.txt", .headers = h,
				 .header_count = 1 };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;

	(void)state;
	fake_reset(a, 1);
	c = client("https://s3.amazonaws.com", "us-east-1", 0, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_string_equal(F.seen[0].url,
			    "https://examplebucket.s3.amazonaws.com/test.txt");
	assert_string_equal(sent_header(0, "Host"),
			    "examplebucket.s3.amazonaws.com");
	assert_string_equal(sent_header(0, "x-amz-content-sha256"),
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_string_equal(sent_header(0, "X-Amz-Date"), "20130524T000000Z");
	assert_string_equal(
		sent_header(0, "Authorization"),
		"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/"
		"us-east-1/s3/aws4_request, SignedHeaders=host;range;"
		"x-amz-content-sha256;x-amz-date, Signature="
		"f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
	assert_int_equal(r.status, 206);
	assert_int_equal(r.error_class, S3_OK);
	assert_string_equal(r.request_id, "R1");
	assert_string_equal(r.body.data, "0123456789");
	assert_int_equal(r.attempts, 1);
	s3_response_release(&r);
	s3_client_free(c);
}

/* AWS's documented "GET Bucket (List Objects)" example: ?max-keys=2&prefix=J,
 * query parameters sorted and signed. */
static void test_aws_example_list(void **state)
{
	struct answer a[] = { { NULL, 200, { NULL }, "<ListBucketResult/>",
				HTTP_OK, 0 } };
	struct s3_client *c;
	struct s3_param q[] = { { "prefix", "J" }, { "max-keys", "2" } };
	struct s3_request rq = { .method = "GET", .bucket = "examplebucket",
				 .query = q, .query_count = 2 };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;

	(void)state;
	fake_reset(a, 1);
	c = client("https://s3.amazonaws.com", "us-east-1", 0, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_string_equal(F.seen[0].url,
			    "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");
	assert_non_null(strstr(sent_header(0, "Authorization"),
			       "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
	s3_response_release(&r);
	s3_client_free(c);
}

/* AWS's documented "PUT Object" example: a signed body hash, a signed
 * x-amz-storage-class header, a '$' in the key. */
static void test_aws_example_put_object(void **state)
{
	struct answer a[] = { { NULL, 200, { NULL }, NULL, HTTP_OK, 0 } };
	struct s3_client *c;
	struct s3_param h[] = { { "Date", "Fri, 24 May 2013 00:00:00 GMT" },
				{ "x-amz-storage-class", "REDUCED_REDUNDANCY" } };
	struct s3_request rq = { .method = "PUT", .bucket = "examplebucket",
				 .key = "test$file.text", .headers = h,
				 .header_count = 2, .body = "Welcome to Amazon S3.",
				 .body_len = 21 };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;

	(void)state;
	fake_reset(a, 1);
	c = client("https://s3.amazonaws.com", "us-east-1", 0, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_string_equal(F.seen[0].url,
			    "https://examplebucket.s3.amazonaws.com/test%24file.text");
	assert_string_equal(sent_header(0, "x-amz-content-sha256"),
			    "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
	assert_non_null(strstr(sent_header(0, "Authorization"),
			       "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
	s3_response_release(&r);
	s3_client_free(c);
}

/* AWS addressing: virtual-hosted for DNS-compatible names, path style for
 * dotted names, the .com.cn partition; a custom endpoint is path style. */
static void test_addressing(void **state)
{
	struct answer a[6];
	struct s3_request rq = { .method = "HEAD", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	memset(a, 0, sizeof(a));
	for (int i = 0; i < 6; i++)
		a[i].status = 200;
	fake_reset(a, 6);
	c = client(NULL, "eu-west-1", -1, NULL);
	assert_string_equal(s3_client_endpoint(c), "https://s3.eu-west-1.amazonaws.com");
	assert_true(s3_client_is_aws(c));
	rq.bucket = "my-bucket";
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	rq.bucket = "my.dotted.bucket";
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	s3_client_free(c);
	c = client(NULL, "cn-north-1", -1, NULL);
	rq.bucket = "my-bucket";
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	s3_client_free(c);
	c = client("http://127.0.0.1:9000/", "us-east-1", -1, NULL);
	assert_false(s3_client_is_aws(c));
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	rq.key = NULL;
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	s3_client_free(c);
	c = client("http://localhost:9000", "us-east-1", 0, NULL);
	rq.key = "k";
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	s3_client_free(c);
	assert_string_equal(F.seen[0].url, "https://my-bucket.s3.eu-west-1.amazonaws.com/k");
	assert_string_equal(F.seen[1].url, "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k");
	assert_string_equal(F.seen[2].url, "https://my-bucket.s3.cn-north-1.amazonaws.com.cn/k");
	assert_string_equal(F.seen[3].url, "http://127.0.0.1:9000/my-bucket/k");
	assert_string_equal(sent_header(3, "Host"), "127.0.0.1:9000");
	assert_string_equal(F.seen[4].url, "http://127.0.0.1:9000/my-bucket");
	assert_string_equal(F.seen[5].url, "http://my-bucket.localhost:9000/k");
	/* The endpoint an HTTP hub caps in-flight requests by: the host
	 * without the bucket label, whatever the addressing. */
	assert_string_equal(F.seen[0].pool_key, "https://s3.eu-west-1.amazonaws.com");
	assert_string_equal(F.seen[1].pool_key, "https://s3.eu-west-1.amazonaws.com");
	assert_string_equal(F.seen[2].pool_key, "https://s3.cn-north-1.amazonaws.com.cn");
	assert_string_equal(F.seen[3].pool_key, "http://127.0.0.1:9000");
	assert_string_equal(F.seen[4].pool_key, "http://127.0.0.1:9000");
	assert_string_equal(F.seen[5].pool_key, "http://localhost:9000");
	s3_response_release(&r);
}

/* S3 keys are encoded once and never normalized: "//", "./", "../" and
 * reserved characters reach the server as written; "?uploads" is sent in
 * canonical form "uploads=". */
static void test_key_encoding_and_query(void **state)
{
	struct answer a[] = { { NULL, 200, { NULL }, NULL, HTTP_OK, 0 } };
	struct s3_param q[] = { { "uploads", NULL }, { "prefix", "a b/+&=" } };
	struct s3_request rq = { .method = "GET", .bucket = "b",
				 .key = "x//./../a b+c=d&e%f?g#h~\xc3\xa9",
				 .query = q, .query_count = 2 };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 1);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_string_equal(F.seen[0].url,
			    "http://127.0.0.1:9000/b/x//./../a%20b%2Bc%3Dd%26e%25f%3Fg%23h~%C3%A9"
			    "?prefix=a%20b%2F%2B%26%3D&uploads=");
	s3_response_release(&r);
	s3_client_free(c);
}

/* Temporary (STS) credentials: X-Amz-Security-Token is sent and signed. */
static void test_session_token_signed(void **state)
{
	struct answer a[] = { { NULL, 200, { NULL }, NULL, HTTP_OK, 0 } };
	struct s3_request rq = { .method = "GET", .bucket = "b", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 1);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, "FQoGZXIvYXdzToken");
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_string_equal(sent_header(0, "X-Amz-Security-Token"), "FQoGZXIvYXdzToken");
	assert_non_null(strstr(sent_header(0, "Authorization"),
			       "SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
			       "x-amz-security-token,"));
	s3_response_release(&r);
	s3_client_free(c);
}

/* Unsigned payload: x-amz-content-sha256: UNSIGNED-PAYLOAD. */
static void test_unsigned_payload(void **state)
{
	struct answer a[] = { { NULL, 200, { NULL }, NULL, HTTP_OK, 0 } };
	struct s3_request rq = { .method = "PUT", .bucket = "b", .key = "k",
				 .body = "x", .body_len = 1,
				 .flags = S3_REQ_UNSIGNED_PAYLOAD };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 1);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_string_equal(sent_header(0, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
	s3_response_release(&r);
	s3_client_free(c);
}

/* Bad configuration is a usage error. */
static void test_bad_config(void **state)
{
	struct s3_config cfg = S3_CONFIG_INIT;
	struct creds cr = example_creds(NULL);
	struct s3_client *c;
	struct s3p_error err;
	const char *bad[] = { "127.0.0.1:9000", "ftp://x", "http://", "http://u@h",
			      "http://h/p?q=1", NULL };

	(void)state;
	cfg.transport = &fake_transport;
	for (int i = 0; bad[i]; i++) {
		cfg.endpoint = bad[i];
		assert_int_equal(s3_client_new(&cfg, &cr, &c, &err), -1);
		assert_int_equal(err.kind, S3P_E_USAGE);
		assert_null(c);
	}
	cfg.endpoint = NULL;
	cfg.region = "EU West";
	assert_int_equal(s3_client_new(&cfg, &cr, &c, &err), -1);
	assert_non_null(strstr(err.msg, "invalid region 'EU West'"));
}

/* The configured region comes from AWS_REGION when not given. */
static void test_region_from_env(void **state)
{
	struct s3_client *c;

	(void)state;
	fake_reset(NULL, 0);
	setenv("AWS_DEFAULT_REGION", "sa-east-1", 1);
	c = client(NULL, NULL, -1, NULL);
	assert_string_equal(s3_client_region(c, "b"), "sa-east-1");
	s3_client_free(c);
	setenv("AWS_REGION", "ca-central-1", 1);
	c = client(NULL, NULL, -1, NULL);
	assert_string_equal(s3_client_region(c, "b"), "ca-central-1");
	s3_client_free(c);
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	c = client(NULL, NULL, -1, NULL);
	assert_string_equal(s3_client_region(c, "b"), "us-east-1");
	s3_client_free(c);
}

/* The AWS CLI's order for region and endpoint: --region / --endpoint, then
 * AWS_REGION / AWS_ENDPOINT_URL_S3, then the profile's region and
 * endpoint_url. */
static void test_profile_region_and_endpoint(void **state)
{
	struct s3_config cfg = S3_CONFIG_INIT;
	struct creds cr = example_creds(NULL);
	struct s3_client *c;
	struct s3p_error err;

	(void)state;
	cr.region = (char *)"ap-east-1";
	cr.endpoint_url = (char *)"http://127.0.0.1:7480";
	cfg.transport = &fake_transport;
	assert_int_equal(s3_client_new(&cfg, &cr, &c, &err), 0);
	assert_string_equal(s3_client_region(c, NULL), "ap-east-1");
	assert_string_equal(s3_client_endpoint(c), "http://127.0.0.1:7480");
	s3_client_free(c);
	setenv("AWS_REGION", "eu-south-1", 1);
	setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9001", 1);
	assert_int_equal(s3_client_new(&cfg, &cr, &c, &err), 0);
	assert_string_equal(s3_client_region(c, NULL), "eu-south-1");
	assert_string_equal(s3_client_endpoint(c), "http://127.0.0.1:9001");
	s3_client_free(c);
	cfg.region = "us-west-2";
	cfg.endpoint = "https://minio.example:9000";
	assert_int_equal(s3_client_new(&cfg, &cr, &c, &err), 0);
	assert_string_equal(s3_client_region(c, NULL), "us-west-2");
	assert_string_equal(s3_client_endpoint(c), "https://minio.example:9000");
	s3_client_free(c);
	unsetenv("AWS_REGION");
	unsetenv("AWS_ENDPOINT_URL_S3");
}

/* ---- retries ---------------------------------------------------------- */

#define SLOWDOWN_BODY \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>" \
	"<Message>Please reduce your request rate.</Message>" \
	"<RequestId>RQ503</RequestId></Error>"

/* AWS 503 SlowDown, then success: retried after a backoff pause. */
static void test_retry_503_then_ok(void **state)
{
	struct answer a[] = {
		{ NULL, 503, { NULL }, SLOWDOWN_BODY, HTTP_OK, 0 },
		{ NULL, 200, { NULL }, "ok", HTTP_OK, 0 } };
	struct s3_request rq = { .method = "GET", .bucket = "b", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 2);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.error_class, S3_OK);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(F.nsleeps, 1);
	assert_in_range(F.sleeps[0], 100, 200);   /* base 200, equal jitter */
	s3_response_release(&r);
	s3_client_free(c);
}

/* The fleet check's workers share a pause: once one client is throttled,
 * another client sharing the pause waits before its next request, and a
 * client that does not share it does not. */
static void test_shared_throttle(void **state)
{
	struct answer a[] = {
		{ "/b/k1", 503, { NULL }, SLOWDOWN_BODY, HTTP_OK, 0 },
		{ "/b/k1", 200, { NULL }, "ok", HTTP_OK, 0 },
		{ "/b/k2", 200, { NULL }, "ok", HTTP_OK, 0 },
		{ "/b/k3", 200, { NULL }, "ok", HTTP_OK, 0 } };
	struct s3_request r1 = { .method = "GET", .bucket = "b", .key = "k1" };
	struct s3_request r2 = { .method = "GET", .bucket = "b", .key = "k2" };
	struct s3_request r3 = { .method = "GET", .bucket = "b", .key = "k3" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_throttle *t = s3_throttle_new();
	struct s3p_error err;
	struct s3_client *c1, *c2, *c3;

	(void)state;
	fake_reset(a, 4);
	c1 = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	c2 = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	c3 = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	s3_client_set_throttle(c1, t);
	s3_client_set_throttle(c2, t);
	assert_int_equal(s3_send(c1, &r1, &r, &err), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(s3_throttle_count(t), 1);
	s3_response_release(&r);
	/* (the fake sleeps take no time, so the pause is still on) */
	F.nsleeps = 0;
	assert_int_equal(s3_send(c2, &r2, &r, &err), 0);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(F.nsleeps, 1);
	assert_in_range(F.sleeps[0], 1, 200);
	s3_response_release(&r);
	F.nsleeps = 0;
	assert_int_equal(s3_send(c3, &r3, &r, &err), 0);
	assert_int_equal(F.nsleeps, 0);
	s3_response_release(&r);
	s3_client_free(c1);
	s3_client_free(c2);
	s3_client_free(c3);
	s3_throttle_free(t);
}

/* AWS 500 InternalError on every attempt: 3 attempts, growing pauses,
 * then the server-error class with the last answer's evidence. */
static void test_retry_gives_up(void **state)
{
	struct answer a[] = {
		{ NULL, 500, { "x-amz-request-id: A" }, "<Error><Code>InternalError</Code></Error>", HTTP_OK, 0 },
		{ NULL, 500, { "x-amz-request-id: B" }, "<Error><Code>InternalError</Code></Error>", HTTP_OK, 0 },
		{ NULL, 500, { "x-amz-request-id: C" }, "<Error><Code>InternalError</Code></Error>", HTTP_OK, 0 } };
	struct s3_request rq = { .method = "GET", .bucket = "b", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 3);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_SERVER);
	assert_string_equal(r.code, "InternalError");
	assert_string_equal(r.request_id, "C");
	assert_int_equal(r.attempts, 3);
	assert_int_equal(F.nseen, 3);
	assert_int_equal(F.nsleeps, 2);
	assert_in_range(F.sleeps[0], 100, 200);
	assert_in_range(F.sleeps[1], 200, 400);
	s3_response_release(&r);
	s3_client_free(c);
}

/* Connection reset and timeout are retried; a DNS failure and a TLS
 * failure are not (they will not heal in a second). */
static void test_retry_network(void **state)
{
	struct answer a[] = {
		{ NULL, 0, { NULL }, NULL, HTTP_E_RESET, 0 },
		{ NULL, 0, { NULL }, NULL, HTTP_E_TIMEOUT, 0 },
		{ NULL, 200, { NULL }, NULL, HTTP_OK, 0 },
		{ NULL, 0, { NULL }, NULL, HTTP_E_DNS, 0 },
		{ NULL, 0, { NULL }, NULL, HTTP_E_TLS, 0 } };
	struct s3_request rq = { .method = "GET", .bucket = "b", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;
	char line[256];

	(void)state;
	fake_reset(a, 5);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_OK);
	assert_int_equal(r.attempts, 3);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_NETWORK);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.attempts, 1);
	s3_response_describe(&r, line, sizeof(line));
	assert_string_equal(line, "network: fake: host name not resolved");
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_TLS);
	assert_int_equal(r.attempts, 1);
	s3_response_release(&r);
	s3_client_free(c);
}

/* A POST (CreateMultipartUpload) that may have reached S3 is not sent
 * again: a reset or a 500 after the server acted would otherwise leave a
 * second upload behind.  A refused connection (never arrived) and a 503
 * SlowDown (turned away) are retried. */
static void test_post_retried_only_when_safe(void **state)
{
	struct answer a[] = {
		{ NULL, 0, { NULL }, NULL, HTTP_E_RESET, 0 },
		{ NULL, 500, { NULL }, "<Error><Code>InternalError</Code></Error>",
		  HTTP_OK, 0 },
		{ NULL, 0, { NULL }, NULL, HTTP_E_CONNECT, 0 },
		{ NULL, 503, { NULL }, "<Error><Code>SlowDown</Code></Error>",
		  HTTP_OK, 0 },
		{ NULL, 200, { NULL }, NULL, HTTP_OK, 0 } };
	struct s3_param q[] = { { "uploads", NULL } };
	struct s3_request rq = { .method = "POST", .bucket = "b", .key = "k",
				 .query = q, .query_count = 1 };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 5);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_NETWORK);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_SERVER);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_OK);
	assert_int_equal(r.attempts, 3);
	s3_response_release(&r);
	s3_client_free(c);
}

/* A 403 AccessDenied is an answer, never retried; the reason AWS adds for
 * same-account callers is kept. */
static void test_access_denied_not_retried(void **state)
{
	struct answer a[] = {
		{ NULL, 403, { "x-amz-request-id: D1" },
		  "<Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/u "
		  "is not authorized to perform: s3:GetObject on resource: "
		  "\"arn:aws:s3:::b/k\" because no identity-based policy allows the "
		  "s3:GetObject action</Message><RequestId>D1</RequestId></Error>",
		  HTTP_OK, 0 } };
	struct s3_request rq = { .method = "GET", .bucket = "b", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;
	char line[512];

	(void)state;
	fake_reset(a, 1);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_PERMISSION);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(F.nsleeps, 0);
	assert_non_null(strstr(r.message, "because no identity-based policy allows"));
	s3_response_describe(&r, line, sizeof(line));
	assert_true(strncmp(line, "403 AccessDenied (request id D1): User: ", 40) == 0);
	s3_response_release(&r);
	s3_client_free(c);
}

/* HEAD answers have no body: 403 -> permission, 404 -> not found. */
static void test_head_without_body(void **state)
{
	struct answer a[] = { { NULL, 403, { NULL }, NULL, HTTP_OK, 0 },
			      { NULL, 404, { NULL }, NULL, HTTP_OK, 0 } };
	struct s3_request rq = { .method = "HEAD", .bucket = "b", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 2);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_PERMISSION);
	assert_string_equal(r.code, "");
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_NOT_FOUND);
	s3_response_release(&r);
	s3_client_free(c);
}

/* ---- regions ---------------------------------------------------------- */

/* AWS: a request signed for the wrong region gets 301 PermanentRedirect
 * (no Location, x-amz-bucket-region set).  Followed once, re-signed for the
 * region and sent to its endpoint; later requests go there directly. */
static void test_region_redirect_301(void **state)
{
	struct answer a[] = {
		{ NULL, 301, { "x-amz-bucket-region: eu-west-1" },
		  "<Error><Code>PermanentRedirect</Code><Message>The bucket you are "
		  "attempting to access must be addressed using the specified "
		  "endpoint.</Message><Endpoint>b.s3.eu-west-1.amazonaws.com"
		  "</Endpoint><Bucket>b</Bucket></Error>", HTTP_OK, 0 },
		{ NULL, 200, { NULL }, "x", HTTP_OK, 0 },
		{ NULL, 200, { NULL }, "y", HTTP_OK, 0 } };
	struct s3_request rq = { .method = "GET", .bucket = "my-bucket", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 3);
	c = client(NULL, "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_OK);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(F.nsleeps, 0);
	assert_string_equal(F.seen[0].url, "https://my-bucket.s3.us-east-1.amazonaws.com/k");
	assert_non_null(strstr(sent_header(0, "Authorization"), "/us-east-1/s3/"));
	assert_string_equal(F.seen[1].url, "https://my-bucket.s3.eu-west-1.amazonaws.com/k");
	assert_non_null(strstr(sent_header(1, "Authorization"), "/eu-west-1/s3/"));
	assert_string_equal(s3_client_region(c, "my-bucket"), "eu-west-1");
	assert_string_equal(s3_client_region(c, "other"), "us-east-1");
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_string_equal(F.seen[2].url, "https://my-bucket.s3.eu-west-1.amazonaws.com/k");
	s3_response_release(&r);
	s3_client_free(c);
}

/* AWS: 400 AuthorizationHeaderMalformed "the region 'us-east-1' is wrong;
 * expecting 'eu-central-1'" with <Region>: followed once; a second redirect
 * is not followed (wrong-region class, no loop). */
static void test_region_redirect_400_once(void **state)
{
	struct answer a[] = {
		{ NULL, 400, { NULL },
		  "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The "
		  "authorization header is malformed; the region 'us-east-1' is "
		  "wrong; expecting 'eu-central-1'</Message><Region>eu-central-1"
		  "</Region><RequestId>X</RequestId></Error>", HTTP_OK, 0 },
		{ NULL, 301, { "x-amz-bucket-region: ap-south-1" }, NULL, HTTP_OK, 0 } };
	struct s3_request rq = { .method = "GET", .bucket = "b.dotted", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 2);
	c = client(NULL, "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(F.nseen, 2);
	assert_string_equal(F.seen[1].url, "https://s3.eu-central-1.amazonaws.com/b.dotted/k");
	assert_non_null(strstr(sent_header(1, "Authorization"), "/eu-central-1/s3/"));
	assert_int_equal(r.status, 301);
	assert_int_equal(r.error_class, S3_ERR_WRONG_REGION);
	assert_string_equal(r.region, "ap-south-1");
	s3_response_release(&r);
	s3_client_free(c);
}

/* AWS HeadBucket returns x-amz-bucket-region whatever the permissions
 * (here with a 403): that is the region, no further request. */
static void test_resolve_region_head_403(void **state)
{
	struct answer a[] = {
		{ NULL, 403, { "x-amz-bucket-region: ap-southeast-2",
			       "x-amz-request-id: H" }, NULL, HTTP_OK, 0 } };
	struct s3_client *c;
	struct s3p_error err;
	const char *region;

	(void)state;
	fake_reset(a, 1);
	c = client(NULL, "us-east-1", -1, NULL);
	assert_int_equal(s3_resolve_region(c, "my-bucket", &region, &err), 0);
	assert_string_equal(region, "ap-southeast-2");
	assert_string_equal(F.seen[0].method, "HEAD");
	assert_int_equal(F.nseen, 1);
	/* cached: no second request */
	assert_int_equal(s3_resolve_region(c, "my-bucket", &region, &err), 0);
	assert_int_equal(F.nseen, 1);
	s3_client_free(c);
}

/* The region handed out stays valid while more buckets are resolved. */
static void test_resolved_region_pointer_stable(void **state)
{
	struct answer a[12];
	struct s3_client *c;
	struct s3p_error err;
	const char *first, *r;
	char name[32];

	(void)state;
	memset(a, 0, sizeof(a));
	for (int i = 0; i < 12; i++) {
		a[i].status = 200;
		a[i].headers[0] = i == 0 ? "x-amz-bucket-region: me-south-1"
					 : "x-amz-bucket-region: us-west-1";
	}
	fake_reset(a, 12);
	c = client(NULL, "us-east-1", -1, NULL);
	assert_int_equal(s3_resolve_region(c, "bucket-0", &first, &err), 0);
	for (int i = 1; i < 12; i++) {
		snprintf(name, sizeof(name), "bucket-%d", i);
		assert_int_equal(s3_resolve_region(c, name, &r, &err), 0);
		assert_string_equal(r, "us-west-1");
	}
	assert_string_equal(first, "me-south-1");
	s3_client_free(c);
}

/* AWS HeadBucket in the wrong region: 301 with the header (no body). */
static void test_resolve_region_head_301(void **state)
{
	struct answer a[] = {
		{ NULL, 301, { "x-amz-bucket-region: eu-north-1" }, NULL, HTTP_OK, 0 } };
	struct s3_client *c;
	struct s3p_error err;
	const char *region;

	(void)state;
	fake_reset(a, 1);
	c = client(NULL, "us-west-2", -1, NULL);
	assert_int_equal(s3_resolve_region(c, "my-bucket", &region, &err), 0);
	assert_string_equal(region, "eu-north-1");
	assert_string_equal(s3_client_region(c, "my-bucket"), "eu-north-1");
	s3_client_free(c);
}

/* radosgw: HeadBucket has no x-amz-bucket-region and GetBucketLocation says
 * "default": the configured region is kept. */
static void test_resolve_region_rgw_default(void **state)
{
	struct answer a[] = {
		{ NULL, 200, { NULL }, NULL, HTTP_OK, 0 },
		{ "location", 200, { NULL },
		  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><LocationConstraint "
		  "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">default"
		  "</LocationConstraint>", HTTP_OK, 0 } };
	struct s3_client *c;
	struct s3p_error err;
	const char *region;

	(void)state;
	fake_reset(a, 2);
	c = client("http://127.0.0.1:9000", "eu-west-3", -1, NULL);
	assert_int_equal(s3_resolve_region(c, "b", &region, &err), 0);
	assert_string_equal(region, "eu-west-3");
	assert_int_equal(F.nseen, 2);
	assert_string_equal(F.seen[1].url, "http://127.0.0.1:9000/b?location=");
	s3_client_free(c);
}

/* A bucket that does not exist (404 without header): configured region,
 * no error here (later requests report NoSuchBucket); a network failure
 * is an error. */
static void test_resolve_region_404_and_network(void **state)
{
	struct answer a[] = {
		{ NULL, 404, { NULL }, NULL, HTTP_OK, 0 },
		{ NULL, 0, { NULL }, NULL, HTTP_E_CONNECT, 0 },
		{ NULL, 0, { NULL }, NULL, HTTP_E_CONNECT, 0 },
		{ NULL, 0, { NULL }, NULL, HTTP_E_CONNECT, 0 } };
	struct s3_client *c;
	struct s3p_error err;
	const char *region;

	(void)state;
	fake_reset(a, 4);
	c = client(NULL, "us-east-2", -1, NULL);
	assert_int_equal(s3_resolve_region(c, "gone", &region, &err), 0);
	assert_string_equal(region, "us-east-2");
	assert_int_equal(s3_resolve_region(c, "other", &region, &err), -1);
	assert_int_equal(err.kind, S3P_E_S3);
	assert_non_null(strstr(err.msg, "cannot find the region of bucket 'other': network"));
	s3_client_free(c);
}

/* ---- clock skew -------------------------------------------------------- */

/* AWS 403 RequestTimeTooSkewed: the clock is corrected from the server's
 * Date header and the request retried once, signed with the server's time. */
static void test_clock_skew_corrected(void **state)
{
	struct answer a[] = {
		{ NULL, 403, { "Date: Fri, 24 May 2013 00:20:00 GMT" },
		  "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference "
		  "between the request time and the current time is too large."
		  "</Message><RequestTime>20130524T000000Z</RequestTime><ServerTime>"
		  "2013-05-24T00:20:00Z</ServerTime><MaxAllowedSkewMilliseconds>"
		  "900000</MaxAllowedSkewMilliseconds></Error>", HTTP_OK, 0 },
		{ NULL, 200, { NULL }, NULL, HTTP_OK, 0 },
		{ NULL, 200, { NULL }, NULL, HTTP_OK, 0 } };
	struct s3_request rq = { .method = "GET", .bucket = "b", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 3);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_OK);
	assert_string_equal(sent_header(0, "X-Amz-Date"), "20130524T000000Z");
	assert_string_equal(sent_header(1, "X-Amz-Date"), "20130524T002000Z");
	assert_int_equal(F.nsleeps, 0);
	/* the correction stays for later requests */
	F.now += 5;
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_string_equal(sent_header(2, "X-Amz-Date"), "20130524T002005Z");
	s3_response_release(&r);
	s3_client_free(c);
}

/* Skewed again after correction (or no usable Date): clock-skew class,
 * no loop.  The ServerTime of the body is used when Date is missing. */
static void test_clock_skew_once(void **state)
{
	struct answer a[] = {
		{ NULL, 403, { NULL },
		  "<Error><Code>RequestTimeTooSkewed</Code><ServerTime>"
		  "2013-05-23T23:00:00Z</ServerTime></Error>", HTTP_OK, 0 },
		{ NULL, 403, { NULL },
		  "<Error><Code>RequestTimeTooSkewed</Code></Error>", HTTP_OK, 0 } };
	struct s3_request rq = { .method = "GET", .bucket = "b", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 2);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(F.nseen, 2);
	assert_string_equal(sent_header(1, "X-Amz-Date"), "20130523T230000Z");
	assert_int_equal(r.error_class, S3_ERR_CLOCK_SKEW);
	s3_response_release(&r);
	s3_client_free(c);
}

/* ---- batches ----------------------------------------------------------- */

/* A round of independent probes: one perform() for all, only the one that
 * got a 503 is sent again. */
static void test_batch(void **state)
{
	struct answer a[] = {
		{ "/b/one", 200, { NULL }, "1", HTTP_OK, 0 },
		{ "/b/two", 503, { NULL }, SLOWDOWN_BODY, HTTP_OK, 0 },
		{ "/b/three", 404, { NULL }, "<Error><Code>NoSuchKey</Code></Error>", HTTP_OK, 0 },
		{ "/b/two", 200, { NULL }, "2", HTTP_OK, 0 } };
	struct s3_request rq[3] = {
		{ .method = "GET", .bucket = "b", .key = "one" },
		{ .method = "GET", .bucket = "b", .key = "two" },
		{ .method = "GET", .bucket = "b", .key = "three" } };
	struct s3_response r[3] = { S3_RESPONSE_INIT, S3_RESPONSE_INIT,
				    S3_RESPONSE_INIT };
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 4);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send_batch(c, rq, r, 3, &err), 0);
	assert_int_equal(F.performs, 2);
	assert_int_equal(F.nseen, 4);
	assert_string_equal(r[0].body.data, "1");
	assert_string_equal(r[1].body.data, "2");
	assert_int_equal(r[1].attempts, 2);
	assert_int_equal(r[2].error_class, S3_ERR_NOT_FOUND);
	assert_string_equal(r[2].code, "NoSuchKey");
	for (int i = 0; i < 3; i++)
		s3_response_release(&r[i]);
	s3_client_free(c);
}

/* ---- verbose ------------------------------------------------------------ */

struct vlog {
	struct buf b;
	int n;
};

static void on_verbose(void *ctx, const struct s3_trace_event *e)
{
	struct vlog *v = ctx;

	v->n++;
	buf_printf(&v->b, "%s %s%s %s #%d %ld %s %s %s %u\n", e->method, e->host,
		   e->path_query, e->region, e->attempt, e->status, e->code,
		   e->request_id, e->transport_error, e->backoff_ms);
}

/* --verbose sees every attempt with status, code and request id, and never
 * a secret, a token or a signature. */
static void test_verbose_no_secrets(void **state)
{
	struct answer a[] = {
		{ NULL, 503, { "x-amz-request-id: Q1" }, SLOWDOWN_BODY, HTTP_OK, 0 },
		{ NULL, 200, { "x-amz-request-id: Q2" }, NULL, HTTP_OK, 0 } };
	struct s3_config cfg = S3_CONFIG_INIT;
	struct creds cr = example_creds("SESSIONTOKEN123");
	struct s3_request rq = { .method = "GET", .bucket = "b", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct vlog v = { BUF_INIT, 0 };
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 2);
	cfg.endpoint = "http://127.0.0.1:9000";
	cfg.transport = &fake_transport;
	cfg.now = fake_now;
	cfg.sleep_ms = fake_sleep;
	cfg.clock_ctx = &F;
	cfg.verbose = on_verbose;
	cfg.verbose_ctx = &v;
	assert_int_equal(s3_client_new(&cfg, &cr, &c, &err), 0);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(v.n, 2);
	assert_non_null(strstr(buf_str(&v.b), "GET 127.0.0.1:9000/b/k us-east-1 #1 503 SlowDown Q1"));
	assert_non_null(strstr(buf_str(&v.b), "GET 127.0.0.1:9000/b/k us-east-1 #2 200  Q2"));
	assert_null(strstr(buf_str(&v.b), "wJalr"));
	assert_null(strstr(buf_str(&v.b), "SESSIONTOKEN"));
	assert_null(strstr(buf_str(&v.b), "Signature"));
	buf_release(&v.b);
	s3_response_release(&r);
	s3_client_free(c);
}

/* ---- error classes ------------------------------------------------------- */

static void test_classify(void **state)
{
	static const struct {
		long status;
		const char *code, *message;
		enum s3_error_class want;
	} t[] = {
		{ 200, "", "", S3_OK },
		{ 206, "", "", S3_OK },
		{ 204, "", "", S3_OK },
		{ 403, "AccessDenied", "Access Denied", S3_ERR_PERMISSION },
		{ 403, "AllAccessDisabled", "", S3_ERR_PERMISSION },
		{ 403, "", "", S3_ERR_PERMISSION },
		{ 403, "AccessDenied", "The ciphertext refers to a customer master "
		  "key that does not exist ... kms:Decrypt", S3_ERR_KMS },
		{ 403, "AccessDenied", "The ciphertext refers to a customer master "
		  "key that does not exist, does not exist in this region, or you "
		  "are not allowed to access.", S3_ERR_KMS },
		/* "KMS" in the caller's own name is not a KMS refusal */
		{ 403, "AccessDenied", "User: arn:aws:iam::1:user/KMSReader is not "
		  "authorized to perform: s3:GetObject because no identity-based "
		  "policy allows the s3:GetObject action", S3_ERR_PERMISSION },
		{ 400, "KMS.DisabledException", "", S3_ERR_KMS },
		{ 400, "KMS.NotFoundException", "", S3_ERR_KMS },
		{ 403, "InvalidAccessKeyId", "", S3_ERR_AUTH },
		{ 403, "SignatureDoesNotMatch", "", S3_ERR_AUTH },
		{ 400, "ExpiredToken", "", S3_ERR_AUTH },
		{ 400, "InvalidToken", "", S3_ERR_AUTH },
		{ 403, "RequestTimeTooSkewed", "", S3_ERR_CLOCK_SKEW },
		{ 404, "NoSuchBucket", "", S3_ERR_NOT_FOUND },
		{ 404, "NoSuchKey", "", S3_ERR_NOT_FOUND },
		{ 404, "NoSuchUpload", "", S3_ERR_NOT_FOUND },
		{ 404, "", "", S3_ERR_NOT_FOUND },
		{ 301, "PermanentRedirect", "", S3_ERR_WRONG_REGION },
		{ 301, "", "", S3_ERR_WRONG_REGION },
		{ 307, "TemporaryRedirect", "", S3_ERR_WRONG_REGION },
		{ 503, "SlowDown", "", S3_ERR_THROTTLED },
		{ 429, "", "", S3_ERR_THROTTLED },
		{ 500, "InternalError", "", S3_ERR_SERVER },
		{ 503, "ServiceUnavailable", "", S3_ERR_SERVER },
		{ 502, "", "", S3_ERR_SERVER },
		{ 412, "PreconditionFailed", "", S3_ERR_PRECONDITION },
		{ 412, "", "", S3_ERR_PRECONDITION },
		{ 400, "BadDigest", "", S3_ERR_BAD_DIGEST },
		{ 400, "InvalidDigest", "", S3_ERR_BAD_DIGEST },
		{ 400, "InvalidArgument", "", S3_ERR_OTHER },
		/* an archived object is not a missing grant */
		{ 403, "InvalidObjectState", "", S3_ERR_OTHER },
		{ 400, "XAmzContentSHA256Mismatch", "", S3_ERR_OTHER },
		{ 409, "BucketAlreadyExists", "", S3_ERR_OTHER },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum s3_error_class got = s3_classify(t[i].status, t[i].code,
						      t[i].message);
		if (got != t[i].want)
			fail_msg("%ld %s: got %s, want %s", t[i].status, t[i].code,
				 s3_error_class_name(got),
				 s3_error_class_name(t[i].want));
	}
	for (int k = S3_OK; k <= S3_ERR_OTHER; k++) {
		assert_true(strlen(s3_error_class_name(k)) > 1);
		assert_true(strlen(s3_error_class_explain(k)) > 10);
	}
	assert_string_equal(s3_error_class_name(S3_ERR_AUTH), "authentication");
}

/* A truncated error document is not evidence (malformed); an HTML page
 * from a load balancer on a 502 stays a server error; a body cut short on
 * the wire (Content-Length not reached) is retried, then malformed. */
static void test_malformed_answers(void **state)
{
	struct answer a[] = {
		{ NULL, 403, { NULL }, "<Error><Code>AccessDen", HTTP_OK, 0 },
		{ NULL, 502, { NULL }, "<html><body>Bad Gateway</body></html>", HTTP_OK, 0 },
		{ NULL, 502, { NULL }, "<html>", HTTP_OK, 0 },
		{ NULL, 502, { NULL }, "<html>", HTTP_OK, 0 },
		{ NULL, 0, { NULL }, NULL, HTTP_E_TRUNCATED, 0 },
		{ NULL, 0, { NULL }, NULL, HTTP_E_TRUNCATED, 0 },
		{ NULL, 0, { NULL }, NULL, HTTP_E_TRUNCATED, 0 } };
	struct s3_request rq = { .method = "GET", .bucket = "b", .key = "k" };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 7);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_MALFORMED);
	assert_int_equal(r.attempts, 1);
	assert_non_null(strstr(r.transport_error, "malformed xml"));
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_SERVER);
	assert_int_equal(r.attempts, 3);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_MALFORMED);
	assert_int_equal(r.attempts, 3);
	s3_response_release(&r);
	s3_client_free(c);
}

/* ---- typed parsers ------------------------------------------------------ */

struct collected {
	struct buf b;
	int stop_after;
	int n;
};

static int collect(void *ctx, const struct s3_list_entry *e)
{
	struct collected *c = ctx;

	buf_printf(&c->b, "%s%s|%llu|%s|%s|%d|%d\n", e->is_prefix ? "P:" : "",
		   e->key, (unsigned long long)e->size, e->etag ? e->etag : "-",
		   e->version_id ? e->version_id : "-", e->is_latest,
		   e->is_delete_marker);
	return ++c->n == c->stop_after ? 5 : 0;
}

#define LIST_PAGE \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" \
	"<Name>b</Name><Prefix>events/</Prefix><KeyCount>3</KeyCount>" \
	"<MaxKeys>3</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>" \
	"<Contents><Key>events/a &amp; b.parquet</Key><LastModified>2024-01-01T00:00:00.000Z" \
	"</LastModified><ETag>&quot;abc&quot;</ETag><Size>1234567890123</Size>" \
	"<StorageClass>STANDARD</StorageClass></Contents>" \
	"<CommonPrefixes><Prefix>events/2024-01-01/</Prefix></CommonPrefixes>" \
	"<CommonPrefixes><Prefix>events/2024-01-02/</Prefix></CommonPrefixes>" \
	"<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=" \
	"</NextContinuationToken></ListBucketResult>"

/* ListObjectsV2 page: Contents and CommonPrefixes delivered one by one,
 * truncation and the continuation token. */
static void test_parse_list_objects(void **state)
{
	struct collected col = { BUF_INIT, 0, 0 };
	struct s3_list_page page;
	struct s3p_error err;

	(void)state;
	assert_int_equal(s3_parse_list_objects(LIST_PAGE, strlen(LIST_PAGE),
					       collect, &col, &page, &err), 0);
	assert_string_equal(buf_str(&col.b),
			    "events/a & b.parquet|1234567890123|\"abc\"|-|0|0\n"
			    "P:events/2024-01-01/|0|-|-|0|0\n"
			    "P:events/2024-01-02/|0|-|-|0|0\n");
	assert_true(page.is_truncated);
	assert_int_equal(page.count, 3);
	assert_string_equal(page.next_token,
			    "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
	s3_list_page_release(&page);
	/* the callback can stop the listing */
	buf_reset(&col.b);
	col.stop_after = 1;
	col.n = 0;
	assert_int_equal(s3_parse_list_objects(LIST_PAGE, strlen(LIST_PAGE),
					       collect, &col, NULL, &err), 5);
	buf_release(&col.b);
}

/* Listings asked with encoding-type=url: keys, common prefixes and key
 * markers come percent-encoded ('+' for a space, as AWS sends it), so a key
 * holding characters XML 1.0 cannot carry (\x01) is listed intact. */
static void test_parse_list_url_encoded(void **state)
{
	const char *doc =
		"<ListBucketResult><Name>b</Name><Prefix>a%2F</Prefix>"
		"<Contents><Key>a%2Fx+y%2Bz%01%C3%A9%25</Key><Size>1</Size></Contents>"
		"<CommonPrefixes><Prefix>a%2Fsub+dir%2F</Prefix></CommonPrefixes>"
		"<EncodingType>url</EncodingType><NextContinuationToken>t+k%2F"
		"</NextContinuationToken><IsTruncated>true</IsTruncated>"
		"</ListBucketResult>";
	const char *ver =
		"<ListVersionsResult><EncodingType>url</EncodingType><NextKeyMarker>"
		"k+1</NextKeyMarker><Version><Key>k+1</Key><VersionId>v</VersionId>"
		"</Version></ListVersionsResult>";
	struct collected col = { BUF_INIT, 0, 0 };
	struct s3_list_page page;
	struct s3p_error err;

	(void)state;
	assert_int_equal(s3_parse_list_objects(doc, strlen(doc), collect, &col,
					       &page, &err), 0);
	assert_string_equal(buf_str(&col.b),
			    "a/x y+z\x01\xc3\xa9%|1|-|-|0|0\nP:a/sub dir/|0|-|-|0|0\n");
	/* the continuation token is opaque, never decoded */
	assert_string_equal(page.next_token, "t+k%2F");
	s3_list_page_release(&page);
	buf_reset(&col.b);
	assert_int_equal(s3_parse_list_versions(ver, strlen(ver), collect, &col,
						&page, &err), 0);
	assert_string_equal(buf_str(&col.b), "k 1|0|-|v|0|0\n");
	assert_string_equal(page.next_key_marker, "k 1");
	s3_list_page_release(&page);
	buf_release(&col.b);
}

/* A listing that is not a listing, a non-numeric Size, a truncated body. */
static void test_parse_list_malformed(void **state)
{
	struct s3_list_page page;
	struct s3p_error err;
	const char *bad[] = {
		"<Error><Code>AccessDenied</Code></Error>",
		"<ListBucketResult><Contents><Key>a</Key><Size>x1</Size></Contents></ListBucketResult>",
		"<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
		"<ListBucketResult><Contents><Key>a</Key>",
		NULL };

	(void)state;
	for (int i = 0; bad[i]; i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(s3_parse_list_objects(bad[i], strlen(bad[i]), NULL,
						       NULL, &page, &err), -1);
		assert_int_equal(err.kind, S3P_E_S3);
		assert_non_null(strstr(err.msg, "malformed"));
		s3_list_page_release(&page);
	}
}

/* ListObjectVersions: versions and delete markers of a versioned bucket. */
static void test_parse_versions(void **state)
{
	const char *doc =
		"<ListVersionsResult><Name>b</Name><IsTruncated>true</IsTruncated>"
		"<NextKeyMarker>k2</NextKeyMarker><NextVersionIdMarker>v9"
		"</NextVersionIdMarker>"
		"<Version><Key>k</Key><VersionId>v1</VersionId><IsLatest>true"
		"</IsLatest><Size>3</Size><ETag>\"e\"</ETag></Version>"
		"<DeleteMarker><Key>k2</Key><VersionId>v2</VersionId><IsLatest>"
		"false</IsLatest></DeleteMarker></ListVersionsResult>";
	struct collected col = { BUF_INIT, 0, 0 };
	struct s3_list_page page;
	struct s3p_error err;

	(void)state;
	assert_int_equal(s3_parse_list_versions(doc, strlen(doc), collect, &col,
						&page, &err), 0);
	assert_string_equal(buf_str(&col.b), "k|3|\"e\"|v1|1|0\nk2|0|-|v2|0|1\n");
	assert_true(page.is_truncated);
	assert_string_equal(page.next_key_marker, "k2");
	assert_string_equal(page.next_version_marker, "v9");
	s3_list_page_release(&page);
	buf_release(&col.b);
}

static int collect_upload(void *ctx, const struct s3_upload *u)
{
	buf_printf(ctx, "%s|%s|%s\n", u->key, u->upload_id,
		   u->initiator_id ? u->initiator_id : "-");
	return 0;
}

static int collect_part(void *ctx, const struct s3_part *p)
{
	buf_printf(ctx, "%d|%llu|%s\n", p->part_number,
		   (unsigned long long)p->size, p->etag);
	return 0;
}

/* ListMultipartUploads (initiator), ListParts, CreateMultipartUpload. */
static void test_parse_multipart(void **state)
{
	const char *up =
		"<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
		"<Bucket>b</Bucket><IsTruncated>false</IsTruncated>"
		"<NextKeyMarker>z</NextKeyMarker><NextUploadIdMarker>U2</NextUploadIdMarker>"
		"<Upload><Key>x/y</Key><UploadId>U1</UploadId><Initiator><ID>"
		"arn:aws:iam::111122223333:user/u</ID><DisplayName>u</DisplayName>"
		"</Initiator><Owner><ID>o</ID></Owner><Initiated>2024-01-01T00:00:00Z"
		"</Initiated></Upload></ListMultipartUploadsResult>";
	const char *parts =
		"<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>2"
		"</NextPartNumberMarker><Part><PartNumber>1</PartNumber><ETag>\"p1\"</ETag>"
		"<Size>5242880</Size></Part><Part><PartNumber>2</PartNumber><ETag>\"p2\""
		"</ETag><Size>1</Size></Part></ListPartsResult>";
	const char *init =
		"<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>"
		"VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>";
	struct buf b = BUF_INIT;
	struct s3_list_page page;
	struct s3p_error err;
	char *id;

	(void)state;
	assert_int_equal(s3_parse_list_uploads(up, strlen(up), collect_upload, &b,
					       &page, &err), 0);
	assert_string_equal(buf_str(&b), "x/y|U1|arn:aws:iam::111122223333:user/u\n");
	assert_false(page.is_truncated);
	assert_string_equal(page.next_key_marker, "z");
	assert_string_equal(page.next_version_marker, "U2");
	s3_list_page_release(&page);
	buf_reset(&b);
	assert_int_equal(s3_parse_list_parts(parts, strlen(parts), collect_part, &b,
					     &page, &err), 0);
	assert_string_equal(buf_str(&b), "1|5242880|\"p1\"\n2|1|\"p2\"\n");
	assert_string_equal(page.next_token, "2");
	s3_list_page_release(&page);
	assert_int_equal(s3_parse_initiate_multipart(init, strlen(init), &id, &err), 0);
	assert_string_equal(id, "VXBsb2FkIElE");
	free(id);
	assert_int_equal(s3_parse_initiate_multipart("<InitiateMultipartUploadResult/>",
						     32, &id, &err), -1);
	assert_null(id);
	buf_release(&b);
}

/* GetBucketLocation: "" is us-east-1, "EU" is eu-west-1, others as is. */
static void test_parse_location(void **state)
{
	char out[64];
	struct s3p_error err;
	const char *empty = "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>";
	const char *eu = "<LocationConstraint>EU</LocationConstraint>";

	(void)state;
	assert_int_equal(s3_parse_location(empty, strlen(empty), out, sizeof(out), &err), 0);
	assert_string_equal(out, "");
	assert_string_equal(s3_location_to_region(out), "us-east-1");
	assert_int_equal(s3_parse_location(eu, strlen(eu), out, sizeof(out), &err), 0);
	assert_string_equal(s3_location_to_region(out), "eu-west-1");
	assert_string_equal(s3_location_to_region("ap-northeast-1"), "ap-northeast-1");
	assert_string_equal(s3_location_to_region("default"), "default");
}

/* Error documents: fields, and the request id header preferred. */
static void test_parse_error(void **state)
{
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	const char *doc = "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code>"
			  "<Message></Message><BucketName>b</BucketName>"
			  "<RequestId>tx1</RequestId><HostId>h</HostId></Error>";

	(void)state;
	assert_int_equal(s3_parse_error(doc, strlen(doc), &r, &err), 0);
	assert_string_equal(r.code, "NoSuchKey");
	assert_string_equal(r.message, "");
	assert_string_equal(r.request_id, "tx1");
	assert_int_equal(s3_parse_error("<Error><Code>", 13, &r, &err), -1);
}

/* s3_list_objects_page through the transport: the ListObjectsV2 query
 * (list-type=2, prefix, delimiter, continuation-token, max-keys), entries
 * streamed, the next token handed back; 403 -> error with evidence. */
static void test_list_objects_page_op(void **state)
{
	struct answer a[] = {
		{ NULL, 200, { NULL }, LIST_PAGE, HTTP_OK, 0 },
		{ NULL, 403, { "x-amz-request-id: L" },
		  "<Error><Code>AccessDenied</Code><Message></Message></Error>", HTTP_OK, 0 },
		{ NULL, 200, { NULL }, "<ListBucketResult><IsTruncated>true</IsTruncated>"
		  "</ListBucketResult>", HTTP_OK, 0 } };
	struct collected col = { BUF_INIT, 0, 0 };
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;
	char *next;

	(void)state;
	fake_reset(a, 3);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_list_objects_page(c, "b", "events/", "/", "tok/=+",
					      3, collect, &col, &next, NULL, &err), 0);
	assert_string_equal(F.seen[0].url,
			    "http://127.0.0.1:9000/b?continuation-token=tok%2F%3D%2B&"
			    "delimiter=%2F&encoding-type=url&list-type=2&max-keys=3&"
			    "prefix=events%2F");
	assert_int_equal(col.n, 3);
	assert_string_equal(next, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
	free(next);
	assert_int_equal(s3_list_objects_page(c, "b", NULL, NULL, NULL, 0, collect,
					      &col, &next, &r, &err), -1);
	assert_null(next);
	assert_int_equal(err.kind, S3P_E_S3);
	assert_non_null(strstr(err.msg, "cannot list 'b': 403 AccessDenied (request id L)"));
	assert_int_equal(r.error_class, S3_ERR_PERMISSION);
	assert_int_equal(s3_list_objects_page(c, "b", NULL, NULL, NULL, 0, collect,
					      &col, &next, &r, &err), -1);
	assert_int_equal(r.error_class, S3_ERR_MALFORMED);
	s3_response_release(&r);
	buf_release(&col.b);
	s3_client_free(c);
}

/* GetBucketPolicy: the JSON text; NoSuchBucketPolicy reported apart. */
static void test_get_bucket_policy(void **state)
{
	struct answer a[] = {
		{ NULL, 200, { NULL }, "{\"Version\":\"2012-10-17\",\"Statement\":[]}", HTTP_OK, 0 },
		{ NULL, 404, { NULL }, "<Error><Code>NoSuchBucketPolicy</Code></Error>", HTTP_OK, 0 },
		{ NULL, 404, { NULL }, "<Error><Code>NoSuchBucket</Code></Error>", HTTP_OK, 0 } };
	struct s3p_error err;
	struct s3_client *c;
	char *text;

	(void)state;
	fake_reset(a, 3);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_get_bucket_policy(c, "b", &text, NULL, &err), 0);
	assert_string_equal(text, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
	assert_string_equal(F.seen[0].url, "http://127.0.0.1:9000/b?policy=");
	free(text);
	assert_int_equal(s3_get_bucket_policy(c, "b", &text, NULL, &err), 1);
	assert_null(text);
	assert_int_equal(s3_get_bucket_policy(c, "b", &text, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "NoSuchBucket"));
	s3_client_free(c);
}

/* PutBucketPolicy sends the text with its Content-MD5; DeleteBucketPolicy
 * nothing; a refusal names the operation once ("cannot put the policy"). */
static void test_put_delete_bucket_policy(void **state)
{
	static const char pol[] = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
	struct answer a[] = {
		{ NULL, 204, { NULL }, "", HTTP_OK, 0 },
		{ NULL, 403, { NULL }, "<Error><Code>AccessDenied</Code></Error>", HTTP_OK, 0 },
		{ NULL, 204, { NULL }, "", HTTP_OK, 0 },
		{ NULL, 403, { NULL }, "<Error><Code>AccessDenied</Code></Error>", HTTP_OK, 0 } };
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 4);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	assert_int_equal(s3_put_bucket_policy(c, "b", pol, strlen(pol), NULL,
					      &err), 0);
	assert_string_equal(F.seen[0].method, "PUT");
	assert_string_equal(F.seen[0].url, "http://127.0.0.1:9000/b?policy=");
	assert_int_equal(strlen(sent_header(0, "content-md5")), 24);
	assert_string_equal(sent_header(0, "content-type"), "application/json");
	assert_int_equal(s3_put_bucket_policy(c, "b", pol, strlen(pol), NULL,
					      &err), -1);
	assert_non_null(strstr(err.msg, "cannot put the policy of bucket 'b': "
			       "403 AccessDenied"));
	assert_null(strstr(err.msg, "cannot cannot"));
	assert_int_equal(s3_delete_bucket_policy(c, "b", NULL, &err), 0);
	assert_string_equal(F.seen[2].method, "DELETE");
	assert_null(sent_header(2, "content-md5"));
	assert_int_equal(s3_delete_bucket_policy(c, "b", NULL, &err), -1);
	assert_non_null(strstr(err.msg, "cannot delete the policy of bucket "
			       "'b': 403 AccessDenied"));
	s3_client_free(c);
}

static void test_http_dates(void **state)
{
	time_t t;

	(void)state;
	assert_int_equal(s3_parse_http_date("Fri, 24 May 2013 00:00:00 GMT", &t), 0);
	assert_int_equal((long)t, (long)T_20130524);
	assert_int_equal(s3_parse_http_date("2013-05-24T00:00:01.000Z", &t), 0);
	assert_int_equal((long)t, (long)T_20130524 + 1);
	assert_int_equal(s3_parse_http_date("Sun, 29 Feb 2032 23:59:59 GMT", &t), 0);
	assert_int_equal((long)t, 1961711999L);
	assert_int_equal(s3_parse_http_date("yesterday", &t), -1);
	assert_int_equal(s3_parse_http_date("Fri, 24 Foo 2013 00:00:00 GMT", &t), -1);
	assert_int_equal(s3_parse_http_date(NULL, &t), -1);
}


/* ---- hostile and misleading answers ----------------------------------- */

/* One builder per listing operation: every ListObjectsV2 and
 * ListMultipartUploads asks encoding-type=url and caps its answer. */
static void test_list_builders(void **state)
{
	struct s3_op op;
	int seen_enc = 0, seen_uploads = 0;

	(void)state;
	s3_op_list_objects(&op, "b", "events/", NULL, NULL, 100);
	assert_string_equal(op.rq.method, "GET");
	assert_int_equal(op.rq.max_body, S3_LIST_MAX_BODY);
	for (size_t i = 0; i < op.rq.query_count; i++)
		if (!strcmp(op.rq.query[i].name, "encoding-type") &&
		    !strcmp(op.rq.query[i].value, "url"))
			seen_enc++;
	assert_int_equal(seen_enc, 1);
	s3_op_list_uploads(&op, "b", "events/", NULL, NULL, 100);
	assert_int_equal(op.rq.max_body, S3_LIST_MAX_BODY);
	for (size_t i = 0; i < op.rq.query_count; i++) {
		if (!strcmp(op.rq.query[i].name, "encoding-type") &&
		    !strcmp(op.rq.query[i].value, "url"))
			seen_enc++;
		if (!strcmp(op.rq.query[i].name, "uploads"))
			seen_uploads++;
	}
	assert_int_equal(seen_enc, 2);
	assert_int_equal(seen_uploads, 1);
}

static int collect_problem(void *ctx, const struct s3_list_entry *e)
{
	buf_printf(ctx, "%s|%s\n", e->key, e->problem ? "problem" : "ok");
	return 0;
}

/* A url-encoded key with %00 is not cut at the NUL: it is delivered in its
 * encoded form with a problem, the rest of the page goes on. */
static void test_list_nul_key(void **state)
{
	static const char body[] =
		"<ListBucketResult><EncodingType>url</EncodingType>"
		"<IsTruncated>false</IsTruncated>"
		"<Contents><Key>a.parquet%00.csv</Key><Size>1</Size></Contents>"
		"<Contents><Key>b%01c</Key><Size>1</Size></Contents>"
		"</ListBucketResult>";
	struct buf b = BUF_INIT;
	struct s3p_error err;

	(void)state;
	assert_int_equal(s3_parse_list_objects(body, sizeof(body) - 1,
					       collect_problem, &b, NULL, &err), 0);
	assert_string_equal(buf_str(&b), "a.parquet%00.csv|problem\nb\001c|ok\n");
	buf_release(&b);
}

/* A server that never ends a listing: the same token twice, a truncated
 * page without a token, or too many pages: an error naming bucket and
 * prefix. */
static void test_list_guard(void **state)
{
	struct s3_list_guard g = { NULL, 0 };
	struct s3p_error err;
	struct answer a[] = {
		{ NULL, 200, { NULL }, "<ListBucketResult><IsTruncated>true"
		  "</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>",
		  HTTP_OK, 0 } };
	struct s3_client *c;
	struct s3_op op;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_list_page page;

	(void)state;
	assert_int_equal(s3_list_guard_next(&g, "b", "events/", "t1", &err), 0);
	assert_int_equal(s3_list_guard_next(&g, "b", "events/", "t2", &err), 0);
	assert_int_equal(s3_list_guard_next(&g, "b", "events/", "t2", &err), -1);
	assert_int_equal(err.kind, S3P_E_S3);
	assert_non_null(strstr(err.msg, "'b/events/'"));
	assert_non_null(strstr(err.msg, "same continuation token"));
	s3_list_guard_release(&g);
	g.pages = S3_LIST_MAX_PAGES - 1;
	assert_int_equal(s3_list_guard_next(&g, "b", NULL, "t9", &err), -1);
	assert_non_null(strstr(err.msg, "cannot list 'b'"));
	s3_list_guard_release(&g);

	fake_reset(a, 1);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	s3_op_list_objects(&op, "b", "events/", NULL, NULL, 0);
	assert_int_equal(s3_send(c, &op.rq, &r, &err), 0);
	assert_int_equal(s3_list_objects_answer(&r, "b", "events/", NULL, NULL,
						&page, &err), -1);
	assert_non_null(strstr(err.msg, "cannot list 'b/events/'"));
	assert_non_null(strstr(err.msg, "without NextContinuationToken"));
	assert_int_equal(r.error_class, S3_ERR_MALFORMED);
	s3_response_release(&r);
	s3_client_free(c);
}

/* Each credential error has its own cause and fix; NoSuchBucket one
 * phrasing. */
static void test_auth_messages(void **state)
{
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	const char *expired, *key, *sig;

	(void)state;
	r.status = 403;
	r.error_class = S3_ERR_AUTH;
	strcpy(r.code, "ExpiredToken");
	expired = s3_response_explain(&r);
	strcpy(r.code, "InvalidAccessKeyId");
	key = s3_response_explain(&r);
	strcpy(r.code, "SignatureDoesNotMatch");
	sig = s3_response_explain(&r);
	assert_non_null(strstr(expired, "expired"));
	assert_non_null(strstr(key, "access key id"));
	assert_non_null(strstr(sig, "secret access key"));
	assert_true(strcmp(expired, key) && strcmp(key, sig) &&
		    strcmp(expired, sig));
	r.status = 404;
	r.error_class = S3_ERR_NOT_FOUND;
	strcpy(r.code, "NoSuchBucket");
	strcpy(r.request_id, "R1");
	assert_int_equal(s3_fail(&err, &r, "list", "bkt", "events/"), -1);
	assert_string_equal(err.msg, "no such bucket 'bkt' (404 NoSuchBucket "
			    "(request id R1)): no bucket of this name exists at "
			    "this endpoint: check the name (the bare bucket "
			    "name), the account and --endpoint");
}

/* AWS S3 answers 307 Temporary Redirect with a Location on another host
 * (a new bucket whose DNS is not yet everywhere, or a proxy): not a
 * region problem when no other region is named. */
static void test_redirect_other_host(void **state)
{
	struct answer a[] = {
		{ NULL, 307, { "Location: https://other.example.net/b",
			       "x-amz-request-id: R7" },
		  "<Error><Code>TemporaryRedirect</Code><Message>Please re-send "
		  "this request to the specified temporary endpoint."
		  "</Message><Endpoint>other.example.net</Endpoint></Error>",
		  HTTP_OK, 0 } };
	struct s3_request rq;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;
	char ev[512];

	(void)state;
	fake_reset(a, 1);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.bucket = "b";
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_REDIRECT);
	assert_null(strstr(s3_response_explain(&r), "region"));
	s3_response_describe(&r, ev, sizeof(ev));
	assert_non_null(strstr(ev, "https://other.example.net/b"));
	s3_response_release(&r);
	s3_client_free(c);
}

/* Writes: a 503 SlowDown was not executed (AWS), so it is retried; a 500
 * may have been, so only a request that cannot run twice (RETRY_SERVER)
 * is retried after it, and prior_status tells. */
static void test_write_retries(void **state)
{
	struct answer a[] = {
		{ NULL, 503, { NULL }, "<Error><Code>SlowDown</Code></Error>",
		  HTTP_OK, 0 },
		{ NULL, 204, { NULL }, NULL, HTTP_OK, 0 },
		{ NULL, 500, { NULL }, "<Error><Code>InternalError</Code></Error>",
		  HTTP_OK, 0 },
		{ NULL, 500, { NULL }, "<Error><Code>InternalError</Code></Error>",
		  HTTP_OK, 0 },
		{ NULL, 412, { NULL }, "<Error><Code>PreconditionFailed</Code>"
		  "</Error>", HTTP_OK, 0 } };
	struct s3_request rq;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 5);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	memset(&rq, 0, sizeof(rq));
	rq.method = "DELETE";
	rq.bucket = "b";
	rq.key = "k";
	rq.flags = S3_REQ_RETRY_UNEXECUTED;
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.status, 204);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(r.prior_status, 503);
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.status, 500);
	assert_int_equal(r.attempts, 1);
	rq.method = "PUT";
	rq.flags = S3_REQ_RETRY_UNEXECUTED | S3_REQ_RETRY_SERVER;
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.status, 412);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(r.prior_status, 500);
	s3_response_release(&r);
	s3_client_free(c);
}

/* A transport failure for an oversized answer (1 MB of headers) reads as
 * a malformed answer, never as "could not be reached". */
static void test_oversized_answer_not_network(void **state)
{
	struct answer a[] = {
		{ NULL, 0, { NULL }, NULL, HTTP_E_TOO_LARGE, 0 } };
	struct s3_request rq;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;

	(void)state;
	fake_reset(a, 1);
	c = client("http://127.0.0.1:9000", "us-east-1", -1, NULL);
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.bucket = "b";
	assert_int_equal(s3_send(c, &rq, &r, &err), 0);
	assert_int_equal(r.error_class, S3_ERR_MALFORMED);
	assert_null(strstr(s3_response_explain(&r), "could not be reached"));
	s3_response_release(&r);
	s3_client_free(c);
}

/* radosgw 16's answer to ListMultipartUploads?encoding-type=url (recorded):
 * the key is encoded but <EncodingType> is not echoed; a raw key (a server
 * that ignores the parameter) is left as it is. */
static void test_uploads_encoded_without_echo(void **state)
{
	static const char rgw[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListMultipartUploadsResult "
		"xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Tenant>1</Tenant>"
		"<Bucket>b</Bucket><NextKeyMarker>data sets/caf\xc3\xa9+x/a"
		"</NextKeyMarker><IsTruncated>false</IsTruncated><Upload><Key>"
		"data%20sets/caf%C3%A9%2Bx/a</Key><UploadId>2~W</UploadId>"
		"</Upload><Upload><Key>raw key+100%</Key><UploadId>2~X</UploadId>"
		"</Upload></ListMultipartUploadsResult>";
	struct buf b = BUF_INIT;
	struct s3p_error err;

	(void)state;
	assert_int_equal(s3_parse_list_uploads(rgw, sizeof(rgw) - 1,
					       collect_upload, &b, NULL, &err), 0);
	assert_string_equal(buf_str(&b), "data sets/caf\xc3\xa9+x/a|2~W|-\n"
			    "raw key+100%|2~X|-\n");
	buf_release(&b);
}

/* STS GetCallerIdentity (answers shaped as the STS API reference's
 * examples): an IAM user, and an assumed-role session whose principal in a
 * bucket policy is the role. */
static void test_caller_identity(void **state)
{
	static const char user[] =
		"<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
		"2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::"
		"123456789012:user/Alice</Arn><UserId>AKIAI44QH8DHBEXAMPLE</UserId>"
		"<Account>123456789012</Account></GetCallerIdentityResult>"
		"<ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef"
		"</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
	static const char role[] =
		"<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
		"2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:sts::"
		"123456789012:assumed-role/my-role-name/my-role-session-name</Arn>"
		"<UserId>ARO123EXAMPLE123:my-role-session-name</UserId><Account>"
		"123456789012</Account></GetCallerIdentityResult>"
		"</GetCallerIdentityResponse>";
	struct answer a[] = {
		{ NULL, 200, { NULL }, user, HTTP_OK, 0 } };
	struct s3_caller who;
	struct s3p_error err;
	struct s3_client *c;
	struct s3_op op;
	struct s3_response r = S3_RESPONSE_INIT;

	(void)state;
	assert_int_equal(s3_parse_caller_identity(user, sizeof(user) - 1, &who,
						  &err), 0);
	assert_string_equal(who.principal, "arn:aws:iam::123456789012:user/Alice");
	assert_string_equal(who.account, "123456789012");
	assert_int_equal(s3_parse_caller_identity(role, sizeof(role) - 1, &who,
						  &err), 0);
	assert_string_equal(who.arn, "arn:aws:sts::123456789012:assumed-role/"
			    "my-role-name/my-role-session-name");
	assert_string_equal(who.principal,
			    "arn:aws:iam::123456789012:role/my-role-name");
	assert_int_equal(s3_parse_caller_identity("<ListAllMyBucketsResult/>", 25,
						  &who, &err), -1);
	/* signed for sts, to STS of the client's region */
	fake_reset(a, 1);
	c = client(NULL, "eu-west-1", -1, NULL);
	s3_op_get_caller_identity(&op);
	assert_int_equal(s3_send(c, &op.rq, &r, &err), 0);
	assert_string_equal(F.seen[0].url, "https://sts.eu-west-1.amazonaws.com/"
			    "?Action=GetCallerIdentity&Version=2011-06-15");
	assert_non_null(strstr(buf_str(&F.seen[0].headers),
			       "/eu-west-1/sts/aws4_request"));
	s3_response_release(&r);
	s3_client_free(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_aws_example_get_object),
		T(test_aws_example_list),
		T(test_aws_example_put_object),
		T(test_addressing),
		T(test_key_encoding_and_query),
		T(test_session_token_signed),
		T(test_unsigned_payload),
		T(test_bad_config),
		T(test_region_from_env),
		T(test_profile_region_and_endpoint),
		T(test_retry_503_then_ok),
		T(test_shared_throttle),
		T(test_retry_gives_up),
		T(test_retry_network),
		T(test_post_retried_only_when_safe),
		T(test_access_denied_not_retried),
		T(test_head_without_body),
		T(test_region_redirect_301),
		T(test_region_redirect_400_once),
		T(test_resolve_region_head_403),
		T(test_resolved_region_pointer_stable),
		T(test_resolve_region_head_301),
		T(test_resolve_region_rgw_default),
		T(test_resolve_region_404_and_network),
		T(test_clock_skew_corrected),
		T(test_clock_skew_once),
		T(test_batch),
		T(test_verbose_no_secrets),
		T(test_classify),
		T(test_malformed_answers),
		T(test_parse_list_objects),
		T(test_parse_list_url_encoded),
		T(test_parse_list_malformed),
		T(test_parse_versions),
		T(test_parse_multipart),
		T(test_parse_location),
		T(test_parse_error),
		T(test_list_objects_page_op),
		T(test_get_bucket_policy),
		T(test_put_delete_bucket_policy),
		T(test_http_dates),
		T(test_list_builders),
		T(test_list_nul_key),
		T(test_list_guard),
		T(test_auth_messages),
		T(test_redirect_other_host),
		T(test_write_retries),
		T(test_oversized_answer_not_network),
		T(test_uploads_encoded_without_echo),
		T(test_caller_identity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
