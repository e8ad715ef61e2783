/* test_live_s3.c - the S3 layer against a real S3 server (radosgw from
 * tests/rgw.sh; environment contract in tests/README.md).
 *
 * - A randomized key test: >= 1100 keys (S3PERM_LIVE_KEYS) covering every
 *   printable ASCII character, "/", "//", "./", "../" and multi-byte UTF-8,
 *   each PUT, HEADed, read with a Range, listed (ListObjectsV2 with prefix,
 *   delimiter and pagination over more than 1000 keys) and DELETEd: every
 *   request must be accepted, i.e. the signature verified by a real S3
 *   implementation.  The seed is printed; S3PERM_LIVE_SEED=N replays a run.
 * - Error classes on real answers: wrong secret / unknown key ->
 *   authentication, missing bucket -> not found, no grant -> permission,
 *   If-None-Match on an existing key -> precondition, wrong Content-MD5 ->
 *   bad digest, NoSuchUpload -> not found; a policy grant turns permission
 *   into success.
 * - Faults without a proxy: connection refused (network, retried) and a
 *   server that accepts but never answers (timeout, no hang).
 * - Faults through tests/faultproxy.py (see test_live_s3_faults in
 *   fault_*() below) when that proxy exists.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <signal.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "creds.h"
#include "crypto.h"
#include "http.h"
#include "s3.h"
#include "sigv4.h"

static const char *endpoint;
static struct creds customer, vendor, other;

static int need_server(void)
{
	const char *ci = getenv("CI");

	endpoint = getenv("S3PERM_TEST_ENDPOINT");
	if (endpoint && *endpoint)
		return 1;
	if (ci && strcmp(ci, "true") == 0)
		fail_msg("S3PERM_TEST_ENDPOINT is not set (CI=true: a failure); "
			 "run through tests/run.sh");
	fprintf(stderr, "test_live_s3: S3PERM_TEST_ENDPOINT not set: skipped\n");
	return 0;
}

static void set_creds(struct creds *c, const char *key, const char *secret)
{
	memset(c, 0, sizeof(*c));
	c->access_key_id = getenv(key);
	c->secret_access_key = getenv(secret);
	if (!c->access_key_id || !c->secret_access_key)
		fail_msg("%s / %s not set", key, secret);
}

static struct s3_client *client_for(const struct creds *cr, const char *ep,
				    int timeout, int attempts)
{
	struct s3_config cfg = S3_CONFIG_INIT;
	struct s3_client *c = NULL;
	struct s3p_error err;

	cfg.endpoint = ep ? ep : endpoint;
	cfg.region = "us-east-1";
	cfg.timeout_seconds = timeout;
	cfg.max_attempts = attempts;
	cfg.backoff_base_ms = 50;
	cfg.backoff_cap_ms = 400;
	if (s3_client_new(&cfg, cr, &c, &err) < 0)
		fail_msg("s3_client_new: %s", err.msg);
	return c;
}

static void unique_bucket(char *out, size_t size, const char *tag)
{
	char hex[9];
	struct s3p_error err;

	assert_int_equal(crypto_random_hex(hex, 4, &err), 0);
	snprintf(out, size, "s3p-live-%s-%s", tag, hex);
}

static long simple(struct s3_client *c, const char *method, const char *bucket,
		   const char *key, const struct s3_param *q, size_t nq,
		   const struct s3_param *h, size_t nh, const char *body,
		   struct s3_response *r)
{
	struct s3_request rq;
	struct s3p_error err;

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.bucket = bucket;
	rq.key = key;
	rq.query = q;
	rq.query_count = nq;
	rq.headers = h;
	rq.header_count = nh;
	rq.body = body;
	rq.body_len = body ? strlen(body) : 0;
	if (s3_send(c, &rq, r, &err) < 0)
		fail_msg("s3_send: %s", err.msg);
	return r->status;
}

static void create_bucket(struct s3_client *c, const char *bucket)
{
	struct s3_response r = S3_RESPONSE_INIT;
	char line[512];

	if (simple(c, "PUT", bucket, NULL, NULL, 0, NULL, 0, NULL, &r) != 200) {
		s3_response_describe(&r, line, sizeof(line));
		fail_msg("CreateBucket %s: %s", bucket, line);
	}
	s3_response_release(&r);
}

/* ---- cleanup: every key, every upload, then the bucket ------------------ */

struct keylist {
	char **v;
	size_t n, cap;
};

static void kl_add(struct keylist *k, const char *s)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 64;
		k->v = xrealloc(k->v, k->cap * sizeof(*k->v));
	}
	k->v[k->n++] = xstrdup(s);
}

static void kl_free(struct keylist *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void kl_sort(struct keylist *k)
{
	if (k->n)
		qsort(k->v, k->n, sizeof(*k->v), cmp_str);
}

struct listing {
	struct keylist keys, prefixes;
	int out_of_order;
};

static int on_entry(void *ctx, const struct s3_list_entry *e)
{
	struct listing *l = ctx;
	struct keylist *k = e->is_prefix ? &l->prefixes : &l->keys;

	if (k->n && strcmp(k->v[k->n - 1], e->key) >= 0)
		l->out_of_order = 1;
	kl_add(k, e->key);
	return 0;
}

/* List everything under prefix (delimiter may be NULL); returns pages. */
static int total_pages;

static int list_all(struct s3_client *c, const char *bucket, const char *prefix,
		    const char *delim, int max_keys, struct listing *l)
{
	char *token = NULL;
	int pages = 0;
	struct s3p_error err;

	memset(l, 0, sizeof(*l));
	do {
		char *next = NULL;

		if (s3_list_objects_page(c, bucket, prefix, delim, token, max_keys,
					 on_entry, l, &next, NULL, &err) != 0)
			fail_msg("list %s prefix '%s': %s", bucket,
				 prefix ? prefix : "", err.msg);
		free(token);
		token = next;
		pages++;
		total_pages++;
	} while (token);
	return pages;
}

static void listing_free(struct listing *l)
{
	kl_free(&l->keys);
	kl_free(&l->prefixes);
}

struct upl {
	struct keylist keys, ids;
};

static int on_upload(void *ctx, const struct s3_upload *u)
{
	struct upl *p = ctx;

	kl_add(&p->keys, u->key);
	kl_add(&p->ids, u->upload_id);
	return 0;
}

static void delete_bucket(struct s3_client *c, const char *bucket)
{
	struct listing l;
	struct upl u;
	struct s3_list_page page;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;

	list_all(c, bucket, NULL, NULL, 0, &l);
	for (size_t i = 0; i < l.keys.n; i++)
		simple(c, "DELETE", bucket, l.keys.v[i], NULL, 0, NULL, 0, NULL, &r);
	listing_free(&l);
	memset(&u, 0, sizeof(u));
	if (s3_list_uploads_page(c, bucket, NULL, NULL, NULL, 0, on_upload, &u,
				 &page, NULL, &err) == 0) {
		for (size_t i = 0; i < u.keys.n; i++) {
			struct s3_param q[] = { { "uploadId", u.ids.v[i] } };
			simple(c, "DELETE", bucket, u.keys.v[i], q, 1, NULL, 0, NULL, &r);
		}
	}
	s3_list_page_release(&page);
	kl_free(&u.keys);
	kl_free(&u.ids);
	simple(c, "DELETE", bucket, NULL, NULL, 0, NULL, 0, NULL, &r);
	if (r.status != 204)
		fprintf(stderr, "warning: DeleteBucket %s: %ld %s\n", bucket,
			r.status, r.code);
	s3_response_release(&r);
}

/* ---- the randomized key test -------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static const char *const pieces[] = {
	"/", "//", "./", "../", ".", "..", " ", "+", "=", "&", "%", "?", "#",
	"~", "(", ")", "!", "*", "'", ",", ";", ":", "@", "$", "[", "]", "{",
	"}", "\\", "^", "`", "|", "\"", "<", ">",
	"\xc3\xa9",                 /* é */
	"\xc3\x9f",                 /* ß */
	"\xe6\x97\xa5\xe6\x9c\xac", /* 日本 */
	"\xe2\x82\xac",             /* € */
	"\xf0\x9f\x98\x80",         /* 😀 (4 bytes) */
	"%20", "%2F", "a+b", "x=y&z", "..a", "a..", "data", "events",
	"2024-01-01",
};

/* A printable-ASCII char or a multi-byte piece. */
static void random_piece(struct buf *b)
{
	if (rnd() % 3 == 0)
		buf_puts(b, pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))]);
	else
		buf_putc(b, (char)(0x20 + rnd() % 95));
}

static void hexdump_key(const char *k, char *out, size_t size)
{
	size_t o = 0;

	for (; *k && o + 5 < size; k++) {
		unsigned char ch = (unsigned char)*k;
		if (ch >= 0x21 && ch < 0x7f && ch != '\\')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", ch);
	}
	out[o] = '\0';
}

static void make_keys(struct keylist *keys, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	/* Every printable ASCII char inside a key and leading a segment. */
	for (int ch = 0x20; ch < 0x7f; ch++) {
		buf_reset(&b);
		buf_printf(&b, "c/%02x/%ca%cb%c", ch, ch, ch, ch);
		kl_add(keys, buf_str(&b));
	}
	/* The path-looking keys S3 must not normalize. */
	{
		const char *fixed[] = { "./lead", "../lead", "a/./b/../c", "d//e",
			"f///", "g/", "../../..", "./.", "h/..", "i/.",
			"\xf0\x9f\x98\x80/\xe6\x97\xa5\xe6\x9c\xac/\xc3\xa9t\xc3\xa9",
			"sp ace", " lead-space", "trail-space ", "plus+plus",
			"pct%25pct", "%", "q?uery=1&x", "hash#frag",
			/* not printable, not even in XML 1.0: listed
			 * through encoding-type=url */
			"ctl\x01char\x1f/x", "tab\there", NULL };
		for (i = 0; fixed[i]; i++)
			kl_add(keys, fixed[i]);
	}
again:
	/* Random keys in 12 groups, so prefixes and delimiters have work. */
	while (keys->n < n) {
		size_t len = 1 + rnd() % 12;

		buf_reset(&b);
		buf_printf(&b, "r%u/", (unsigned)(rnd() % 12));
		for (i = 0; i < len; i++)
			random_piece(&b);
		kl_add(keys, buf_str(&b));
	}
	/* Dedupe. */
	kl_sort(keys);
	{
		size_t w = 0;
		for (i = 0; i < keys->n; i++) {
			if (w && strcmp(keys->v[w - 1], keys->v[i]) == 0) {
				free(keys->v[i]);
				continue;
			}
			keys->v[w++] = keys->v[i];
		}
		keys->n = w;
	}
	if (keys->n < n)
		goto again;
	buf_release(&b);
}

static char *content_of(size_t i, const char *key)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "v%zu:%s", i, key);
	return buf_detach(&b);
}

#define BATCH 48

/* Run op over all keys in batches; check each answer with `want`. */
static void for_all_keys(struct s3_client *c, const char *bucket,
			 struct keylist *keys, char **bodies, const char *what)
{
	struct s3_request rq[BATCH];
	struct s3_response r[BATCH];
	struct s3_param range[] = { { "Range", "bytes=1-3" } };
	struct s3p_error err;
	int failures = 0;

	for (size_t base = 0; base < keys->n; base += BATCH) {
		size_t m = keys->n - base < BATCH ? keys->n - base : BATCH;

		memset(rq, 0, sizeof(rq));
		for (size_t j = 0; j < m; j++) {
			const char *k = keys->v[base + j];
			r[j] = (struct s3_response)S3_RESPONSE_INIT;
			rq[j].bucket = bucket;
			rq[j].key = k;
			if (strcmp(what, "PUT") == 0) {
				rq[j].method = "PUT";
				rq[j].body = bodies[base + j];
				rq[j].body_len = strlen(bodies[base + j]);
			} else if (strcmp(what, "HEAD") == 0) {
				rq[j].method = "HEAD";
			} else if (strcmp(what, "GET") == 0) {
				rq[j].method = "GET";
				rq[j].headers = range;
				rq[j].header_count = 1;
			} else {
				rq[j].method = "DELETE";
			}
		}
		if (s3_send_batch(c, rq, r, m, &err) < 0)
			fail_msg("batch: %s", err.msg);
		for (size_t j = 0; j < m; j++) {
			const char *body = bodies[base + j];
			char hk[1024], line[512];
			int ok;

			if (strcmp(what, "PUT") == 0) {
				ok = r[j].status == 200;
			} else if (strcmp(what, "HEAD") == 0) {
				const char *cl = s3_response_header(&r[j], "Content-Length");
				ok = r[j].status == 200 && cl &&
				     strtoul(cl, NULL, 10) == strlen(body);
			} else if (strcmp(what, "GET") == 0) {
				ok = r[j].status == 206 && r[j].body.len == 3 &&
				     memcmp(r[j].body.data, body + 1, 3) == 0;
			} else {
				ok = r[j].status == 204;
			}
			if (!ok) {
				hexdump_key(keys->v[base + j], hk, sizeof(hk));
				s3_response_describe(&r[j], line, sizeof(line));
				fprintf(stderr, "%s '%s': %s\n", what, hk, line);
				failures++;
			}
			s3_response_release(&r[j]);
		}
	}
	if (failures)
		fail_msg("%d of %zu %s requests failed", failures, keys->n, what);
}

/* The expected answer of ListObjectsV2(prefix, delimiter "/"). */
static void expected_listing(const struct keylist *keys, const char *prefix,
			     struct listing *want)
{
	size_t pl = strlen(prefix);

	memset(want, 0, sizeof(*want));
	for (size_t i = 0; i < keys->n; i++) {
		const char *k = keys->v[i], *slash;

		if (strncmp(k, prefix, pl) != 0)
			continue;
		slash = strchr(k + pl, '/');
		if (!slash) {
			kl_add(&want->keys, k);
		} else {
			char *cp = xstrndup(k, (size_t)(slash - k) + 1);
			if (!want->prefixes.n ||
			    strcmp(want->prefixes.v[want->prefixes.n - 1], cp) != 0)
				kl_add(&want->prefixes, cp);
			free(cp);
		}
	}
}

static void compare_lists(const char *what, const char *prefix,
			  struct keylist *got, struct keylist *want)
{
	char hk[1024];

	kl_sort(got);
	if (got->n != want->n) {
		hexdump_key(prefix, hk, sizeof(hk));
		fail_msg("%s under '%s': got %zu, want %zu", what, hk, got->n,
			 want->n);
	}
	for (size_t i = 0; i < got->n; i++) {
		if (strcmp(got->v[i], want->v[i]) != 0) {
			hexdump_key(want->v[i], hk, sizeof(hk));
			fail_msg("%s #%zu: want '%s'", what, i, hk);
		}
	}
}

static void test_random_keys(void **state)
{
	struct s3_client *c;
	struct keylist keys = { 0 };
	char bucket[64];
	char **bodies;
	const char *s = getenv("S3PERM_LIVE_SEED");
	const char *nk = getenv("S3PERM_LIVE_KEYS");
	size_t n = nk ? strtoul(nk, NULL, 10) : 1100;
	uint64_t seed;
	struct listing l;
	int pages;
	size_t ascii_seen[128] = { 0 };
	int utf8 = 0, dots = 0, dslash = 0;

	(void)state;
	if (!need_server())
		skip();
	if (s && *s) {
		seed = strtoull(s, NULL, 10);
	} else {
		struct s3p_error err;
		assert_int_equal(crypto_random_bytes(&seed, sizeof(seed), &err), 0);
		seed %= 1000000000ULL;
	}
	rng_state = seed ? seed : 1;
	printf("random keys: seed %llu (replay with S3PERM_LIVE_SEED=%llu)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	make_keys(&keys, n);
	for (size_t i = 0; i < keys.n; i++) {
		for (const char *p = keys.v[i]; *p; p++) {
			unsigned char ch = (unsigned char)*p;
			if (ch < 128)
				ascii_seen[ch]++;
			else
				utf8 = 1;
		}
		if (strstr(keys.v[i], "../"))
			dots++;
		if (strstr(keys.v[i], "//"))
			dslash++;
	}
	for (int ch = 0x20; ch < 0x7f; ch++)
		if (!ascii_seen[ch])
			fail_msg("no key has char 0x%02x", ch);
	assert_true(utf8 && dots && dslash);
	assert_true(keys.n > 1000);
	printf("random keys: %zu keys, every printable ASCII char, '/', '//', "
	       "'./', '../', multi-byte UTF-8\n", keys.n);

	bodies = xcalloc(keys.n, sizeof(*bodies));
	for (size_t i = 0; i < keys.n; i++)
		bodies[i] = content_of(i, keys.v[i]);
	unique_bucket(bucket, sizeof(bucket), "keys");
	c = client_for(&customer, NULL, 30, 3);
	create_bucket(c, bucket);

	for_all_keys(c, bucket, &keys, bodies, "PUT");
	for_all_keys(c, bucket, &keys, bodies, "HEAD");
	for_all_keys(c, bucket, &keys, bodies, "GET");

	/* Whole bucket, the server's page size (1000): more than one page. */
	pages = list_all(c, bucket, NULL, NULL, 0, &l);
	assert_false(l.out_of_order);
	assert_true(pages >= 2);
	compare_lists("keys", "", &l.keys, &keys);
	listing_free(&l);
	/* Small pages. */
	pages = list_all(c, bucket, NULL, NULL, 97, &l);
	assert_int_equal(pages, (int)((keys.n + 96) / 97));
	compare_lists("keys (max-keys 97)", "", &l.keys, &keys);
	listing_free(&l);

	/* Prefix + delimiter "/": fixed prefixes and prefixes cut from
	 * random keys at character boundaries. */
	{
		const char *fixed[] = { "", "c/", "r3/", "c/2f/", "c/2e/", "..",
					"./", "d/", "f//" };
		const int nfixed = (int)(sizeof(fixed) / sizeof(fixed[0]));
		struct buf p = BUF_INIT;

		for (int t = 0; t < 40; t++) {
			struct listing want;
			const char *pre;

			if (t < nfixed) {
				pre = fixed[t];
			} else {
				const char *k = keys.v[rnd() % keys.n];
				size_t len = 1 + rnd() % strlen(k);
				while (len < strlen(k) &&
				       ((unsigned char)k[len] & 0xc0) == 0x80)
					len++;
				buf_reset(&p);
				buf_append(&p, k, len);
				pre = buf_str(&p);
			}
			expected_listing(&keys, pre, &want);
			list_all(c, bucket, pre, "/", t % 2 ? 7 : 0, &l);
			compare_lists("keys", pre, &l.keys, &want.keys);
			compare_lists("common prefixes", pre, &l.prefixes,
				      &want.prefixes);
			listing_free(&l);
			listing_free(&want);
		}
		buf_release(&p);
	}

	for_all_keys(c, bucket, &keys, bodies, "DELETE");
	list_all(c, bucket, NULL, NULL, 0, &l);
	assert_int_equal(l.keys.n, 0);
	listing_free(&l);
	printf("random keys: %zu PUT, %zu HEAD, %zu GET Range, %zu DELETE, "
	       "%d ListObjectsV2 pages (43 listings): all accepted\n", keys.n,
	       keys.n, keys.n, keys.n, total_pages);

	delete_bucket(c, bucket);
	for (size_t i = 0; i < keys.n; i++)
		free(bodies[i]);
	free(bodies);
	kl_free(&keys);
	s3_client_free(c);
}

/* ---- error classes on real answers --------------------------------------- */

/* A wrong secret: SignatureDoesNotMatch; an unknown access key:
 * InvalidAccessKeyId; both the authentication class, never retried. */
static void test_wrong_credentials(void **state)
{
	struct creds bad = customer, unknown = customer;
	struct s3_client *c;
	struct s3_response r = S3_RESPONSE_INIT;

	(void)state;
	if (!need_server())
		skip();
	bad.secret_access_key = (char *)"wrongSecretKey000000000000000000000000001";
	c = client_for(&bad, NULL, 30, 3);
	simple(c, "GET", NULL, NULL, NULL, 0, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(r.code, "SignatureDoesNotMatch");
	assert_int_equal(r.error_class, S3_ERR_AUTH);
	assert_int_equal(r.attempts, 1);
	s3_client_free(c);
	unknown.access_key_id = (char *)"S3PTESTNOSUCHKEY0001";
	c = client_for(&unknown, NULL, 30, 3);
	simple(c, "GET", NULL, NULL, NULL, 0, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(r.code, "InvalidAccessKeyId");
	assert_int_equal(r.error_class, S3_ERR_AUTH);
	s3_response_release(&r);
	s3_client_free(c);
}

/* A bucket that does not exist: NoSuchBucket, not found. */
static void test_missing_bucket(void **state)
{
	struct s3_client *c;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	char bucket[64], *next;
	const char *region;

	(void)state;
	if (!need_server())
		skip();
	unique_bucket(bucket, sizeof(bucket), "none");
	c = client_for(&customer, NULL, 30, 3);
	assert_int_equal(s3_list_objects_page(c, bucket, NULL, NULL, NULL, 0, NULL,
					      NULL, &next, &r, &err), -1);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.code, "NoSuchBucket");
	assert_int_equal(r.error_class, S3_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "404 NoSuchBucket"));
	/* region discovery of a missing bucket is not an error by itself */
	assert_int_equal(s3_resolve_region(c, bucket, &region, &err), 0);
	assert_string_equal(region, "us-east-1");
	s3_response_release(&r);
	s3_client_free(c);
}

/* The vendor without a grant: AccessDenied (permission) on list and get;
 * with a bucket policy granting s3:ListBucket, the list succeeds. Region
 * discovery works for the vendor whatever the grant (radosgw: no header,
 * GetBucketLocation "default" -> the configured region). */
static void test_permission_and_grant(void **state)
{
	struct s3_client *cc, *vc;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	char bucket[64], *next = NULL, *text = NULL;
	struct buf pol = BUF_INIT;
	const char *region;
	struct s3_param qp[] = { { "policy", NULL } };

	(void)state;
	if (!need_server())
		skip();
	unique_bucket(bucket, sizeof(bucket), "perm");
	cc = client_for(&customer, NULL, 30, 3);
	vc = client_for(&vendor, NULL, 30, 3);
	create_bucket(cc, bucket);
	assert_int_equal(simple(cc, "PUT", bucket, "events/a.parquet", NULL, 0,
				NULL, 0, "PAR1xxPAR1", &r), 200);

	assert_int_equal(s3_resolve_region(vc, bucket, &region, &err), 0);
	assert_string_equal(region, "us-east-1");
	assert_int_equal(s3_list_objects_page(vc, bucket, NULL, NULL, NULL, 0, NULL,
					      NULL, &next, &r, &err), -1);
	assert_int_equal(r.status, 403);
	assert_string_equal(r.code, "AccessDenied");
	assert_int_equal(r.error_class, S3_ERR_PERMISSION);
	assert_int_equal(r.attempts, 1);
	assert_true(r.request_id[0] != '\0');
	simple(vc, "GET", bucket, "events/a.parquet", NULL, 0, NULL, 0, NULL, &r);
	assert_int_equal(r.error_class, S3_ERR_PERMISSION);

	/* no policy yet: reported apart */
	assert_int_equal(s3_get_bucket_policy(cc, bucket, &text, NULL, &err), 1);
	buf_printf(&pol,
		   "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"t\","
		   "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::%s:"
		   "user/%s\"]},\"Action\":[\"s3:ListBucket\"],\"Resource\":"
		   "[\"arn:aws:s3:::%s\"]}]}",
		   getenv("S3PERM_TEST_TENANT"),
		   getenv("S3PERM_TEST_VENDOR_USER") ? getenv("S3PERM_TEST_VENDOR_USER")
						     : "statsig-abc",
		   bucket);
	assert_int_equal(simple(cc, "PUT", bucket, NULL, qp, 1, NULL, 0,
				buf_str(&pol), &r), 204);
	assert_int_equal(s3_get_bucket_policy(cc, bucket, &text, NULL, &err), 0);
	assert_non_null(strstr(text, "s3:ListBucket"));
	free(text);
	assert_int_equal(s3_list_objects_page(vc, bucket, NULL, NULL, NULL, 0, NULL,
					      NULL, &next, &r, &err), 0);
	assert_int_equal(r.status, 200);
	/* with s3:ListBucket a missing key is 404, without s3:GetObject the
	 * existing one stays 403 */
	simple(vc, "HEAD", bucket, "nope", NULL, 0, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.error_class, S3_ERR_NOT_FOUND);
	simple(vc, "HEAD", bucket, "events/a.parquet", NULL, 0, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 403);
	assert_int_equal(r.error_class, S3_ERR_PERMISSION);
	/* the other user, named by no policy, stays denied */
	{
		struct s3_client *oc = client_for(&other, NULL, 30, 3);
		assert_int_equal(s3_list_objects_page(oc, bucket, NULL, NULL, NULL,
						      0, NULL, NULL, &next, &r,
						      &err), -1);
		assert_int_equal(r.error_class, S3_ERR_PERMISSION);
		s3_client_free(oc);
	}
	buf_release(&pol);
	s3_response_release(&r);
	delete_bucket(cc, bucket);
	s3_client_free(cc);
	s3_client_free(vc);
}

static int find_upload(void *ctx, const struct s3_upload *u)
{
	return strcmp(u->upload_id, ctx) == 0 ? 1 : 0;
}

static int count_part(void *ctx, const struct s3_part *p)
{
	*(int *)ctx += p->part_number;
	return 0;
}

/* Conditional and integrity answers, multipart parsing on real documents:
 * If-None-Match: * on an existing key -> 412 precondition; a wrong
 * Content-MD5 -> 400 BadDigest; CreateMultipartUpload / UploadPart /
 * ListMultipartUploads / ListParts / AbortMultipartUpload; aborting again
 * -> 404 NoSuchUpload (not found). */
static void test_conditional_and_multipart(void **state)
{
	struct s3_client *c;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_list_page page;
	char bucket[64], *id = NULL;
	struct s3_param inm[] = { { "If-None-Match", "*" } };
	struct s3_param md5[] = { { "Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==" } };
	struct s3_param uploads[] = { { "uploads", NULL } };
	int sum = 0;

	(void)state;
	if (!need_server())
		skip();
	unique_bucket(bucket, sizeof(bucket), "cond");
	c = client_for(&customer, NULL, 30, 3);
	create_bucket(c, bucket);
	assert_int_equal(simple(c, "PUT", bucket, "k", NULL, 0, inm, 1, "one", &r), 200);
	assert_int_equal(simple(c, "PUT", bucket, "k", NULL, 0, inm, 1, "two", &r), 412);
	assert_int_equal(r.error_class, S3_ERR_PRECONDITION);
	/* an answer larger than the request's cap: malformed, not truncated
	 * data passed on */
	{
		struct s3_request rq = { .method = "GET", .bucket = bucket,
					 .key = "k", .max_body = 2 };
		assert_int_equal(s3_send(c, &rq, &r, &err), 0);
		assert_int_equal(r.status, 0);
		assert_int_equal(r.error_class, S3_ERR_MALFORMED);
		assert_non_null(strstr(r.transport_error, "larger than 2 bytes"));
		assert_int_equal(r.body.len, 0);
	}
	assert_int_equal(simple(c, "PUT", bucket, "k2", NULL, 0, md5, 1, "body", &r), 400);
	assert_string_equal(r.code, "BadDigest");
	assert_int_equal(r.error_class, S3_ERR_BAD_DIGEST);

	assert_int_equal(simple(c, "POST", bucket, "mp/obj", uploads, 1, NULL, 0,
				NULL, &r), 200);
	assert_int_equal(s3_parse_initiate_multipart(r.body.data, r.body.len, &id,
						     &err), 0);
	{
		struct s3_param q[] = { { "partNumber", "1" }, { "uploadId", id } };
		assert_int_equal(simple(c, "PUT", bucket, "mp/obj", q, 2, NULL, 0,
					"part-one", &r), 200);
	}
	assert_int_equal(s3_list_uploads_page(c, bucket, "mp/", NULL, NULL, 0,
					      find_upload, id, &page, NULL, &err), 1);
	s3_list_page_release(&page);
	{
		struct s3_param q[] = { { "uploadId", id } };
		assert_int_equal(simple(c, "GET", bucket, "mp/obj", q, 1, NULL, 0,
					NULL, &r), 200);
		assert_int_equal(s3_parse_list_parts(r.body.data, r.body.len,
						     count_part, &sum, &page, &err), 0);
		assert_int_equal(sum, 1);
		assert_int_equal(page.count, 1);
		s3_list_page_release(&page);
		assert_int_equal(simple(c, "DELETE", bucket, "mp/obj", q, 1, NULL, 0,
					NULL, &r), 204);
		assert_int_equal(simple(c, "DELETE", bucket, "mp/obj", q, 1, NULL, 0,
					NULL, &r), 404);
		assert_string_equal(r.code, "NoSuchUpload");
		assert_int_equal(r.error_class, S3_ERR_NOT_FOUND);
	}
	free(id);
	s3_response_release(&r);
	delete_bucket(c, bucket);
	s3_client_free(c);
}

/* ---- faults without a proxy ---------------------------------------------- */

static int listen_socket(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Nothing listening (a port bound but not listening refuses): the network
 * class after the configured attempts, with the transport's reason. */
static void test_connection_refused(void **state)
{
	struct s3_client *c;
	struct s3_response r = S3_RESPONSE_INIT;
	char ep[64];
	int port, fd;

	(void)state;
	if (!need_server())
		skip();
	fd = listen_socket(&port);
	snprintf(ep, sizeof(ep), "http://127.0.0.1:%d", port);
	c = client_for(&customer, ep, 5, 2);
	simple(c, "GET", "b", "k", NULL, 0, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.error_class, S3_ERR_NETWORK);
	assert_int_equal(r.attempts, 2);
	assert_true(r.transport_error[0] != '\0');
	s3_response_release(&r);
	s3_client_free(c);
	close(fd);
}

/* A server that accepts the connection and never answers (AWS behaviour it
 * stands for: a stalled connection): a timeout error after the per-attempt
 * timeout, each attempt bounded, no hang. */
static void test_timeout_no_hang(void **state)
{
	struct s3_client *c;
	struct s3_response r = S3_RESPONSE_INIT;
	char ep[64];
	int port, fd;
	double t0, dt;

	(void)state;
	if (!need_server())
		skip();
	fd = listen_socket(&port);
	assert_int_equal(listen(fd, 16), 0);
	snprintf(ep, sizeof(ep), "http://127.0.0.1:%d", port);
	c = client_for(&customer, ep, 1, 2);
	t0 = now_s();
	simple(c, "GET", "b", "k", NULL, 0, NULL, 0, NULL, &r);
	dt = now_s() - t0;
	assert_int_equal(r.status, 0);
	assert_int_equal(r.error_class, S3_ERR_NETWORK);
	assert_int_equal(r.attempts, 2);
	assert_non_null(strstr(r.transport_error, "imed out"));
	assert_true(dt >= 1.9 && dt < 6.0);
	printf("timeout: 2 attempts of 1 s gave up after %.1f s\n", dt);
	/* What the client sent (still queued on the listening socket): the
	 * User-Agent, the signed payload hash, no Expect round trip. */
	{
		char req[4096];
		ssize_t n;
		int cfd = accept(fd, NULL, NULL);

		assert_true(cfd >= 0);
		n = read(cfd, req, sizeof(req) - 1);
		assert_true(n > 0);
		req[n] = '\0';
		assert_non_null(strstr(req, "GET /b/k HTTP/1.1\r\n"));
		assert_non_null(strstr(req, "User-Agent: s3perm/" S3PERM_VERSION "\r\n"));
		assert_non_null(strstr(req, "x-amz-content-sha256: " SIGV4_EMPTY_SHA256));
		assert_non_null(strstr(req, "Authorization: AWS4-HMAC-SHA256 Credential="));
		assert_null(strstr(req, "Expect:"));
		close(cfd);
	}
	s3_response_release(&r);
	s3_client_free(c);
	close(fd);
}

/* TLS to a server that speaks plain HTTP (a wrong endpoint scheme, or a
 * proxy intercepting TLS), and a CA bundle that does not exist
 * (AWS_CA_BUNDLE): the TLS class, not retried, never a silent fallback. */
static void test_tls_failures(void **state)
{
	struct s3_client *c;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_config cfg = S3_CONFIG_INIT;
	struct s3p_error err;
	char ep[128];
	const char *port;

	(void)state;
	if (!need_server())
		skip();
	port = strrchr(endpoint, ':');
	assert_non_null(port);
	snprintf(ep, sizeof(ep), "https://127.0.0.1%s", port);
	c = client_for(&customer, ep, 5, 3);
	simple(c, "GET", "b", "k", NULL, 0, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.error_class, S3_ERR_TLS);
	assert_int_equal(r.attempts, 1);
	s3_client_free(c);
	cfg.endpoint = ep;
	cfg.region = "us-east-1";
	setenv("AWS_CA_BUNDLE", "/nonexistent/ca-bundle.pem", 1);
	assert_int_equal(s3_client_new(&cfg, &customer, &c, &err), 0);
	simple(c, "GET", "b", "k", NULL, 0, NULL, 0, NULL, &r);
	unsetenv("AWS_CA_BUNDLE");
	assert_int_equal(r.error_class, S3_ERR_TLS);
	printf("tls: %s\n", r.transport_error);
	s3_response_release(&r);
	s3_client_free(c);
}

static int setup_group(void **state);

/* ---- faults through tests/faultproxy.py ----------------------------------
 * The proxy sits between the client and radosgw, passes requests through
 * unchanged (so signatures stay valid) and injects one scripted fault per
 * matching request.  Each test sets its script through the proxy's control
 * endpoint, then checks both what the client concluded and, from the
 * proxy's counters, how many requests really went over the wire. */

static pid_t proxy_pid;
static char proxy_url[64];
static char fault_bucket[64];
static struct http_client *control;

static int control_request(const char *method, const char *what,
			   const char *body, struct buf *out)
{
	struct http_exchange ex;
	struct s3p_error err;
	struct buf url = BUF_INIT;
	const char *hdr[] = { "Content-Type: application/json" };
	int rc;

	memset(&ex, 0, sizeof(ex));
	buf_printf(&url, "%s/__faultproxy/%s", proxy_url, what);
	ex.method = method;
	ex.url = buf_str(&url);
	ex.headers = hdr;
	ex.header_count = 1;
	ex.body = body;
	ex.body_len = body ? strlen(body) : 0;
	rc = http_perform(control, &ex, 1, &err);
	if (rc == 0 && (ex.result != HTTP_OK || ex.status != 200))
		rc = -1;
	if (out && rc == 0)
		buf_puts(out, buf_str(&ex.resp_body));
	http_exchange_release(&ex);
	buf_release(&url);
	return rc;
}

/* Replace the script (JSON list of rules) and zero the counters. */
static void set_faults(const char *json)
{
	if (control_request("POST", "reset", "", NULL) < 0 ||
	    control_request("POST", "faults", json, NULL) < 0)
		fail_msg("faultproxy refused the script %s", json);
}

/* Requests the proxy has seen since set_faults(). */
static int proxy_total(void)
{
	struct buf b = BUF_INIT;
	const char *p;
	int n = -1;

	if (control_request("GET", "stats", NULL, &b) == 0 &&
	    (p = strstr(buf_str(&b), "\"total\":")))
		n = atoi(p + 8);
	buf_release(&b);
	return n;
}

static int start_proxy(void)
{
	char portfile[] = "/tmp/s3perm-faultproxy.XXXXXX";
	struct s3p_error err;
	int fd, port = 0;
	struct s3_client *c;
	struct s3_response r = S3_RESPONSE_INIT;

	if (access("tests/faultproxy.py", R_OK) != 0) {
		fprintf(stderr, "test_live_s3: tests/faultproxy.py not found "
			"(run from the repository root)\n");
		return -1;
	}
	fd = mkstemp(portfile);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(portfile);
	proxy_pid = fork();
	if (proxy_pid == 0) {
		execl("/usr/bin/python3", "python3", "tests/faultproxy.py",
		      "--upstream", getenv("S3PERM_TEST_ENDPOINT"), "--port-file",
		      portfile, "--max-seconds", "600", (char *)NULL);
		_exit(127);
	}
	if (proxy_pid < 0)
		return -1;
	for (int i = 0; i < 200 && !port; i++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (!port)
			usleep(50000);
	}
	unlink(portfile);
	if (!port) {
		fprintf(stderr, "test_live_s3: faultproxy did not start\n");
		return -1;
	}
	snprintf(proxy_url, sizeof(proxy_url), "http://127.0.0.1:%d", port);
	if (http_client_new(NULL, &control, &err) < 0)
		return -1;
	/* the bucket and object the fault tests read, made directly */
	unique_bucket(fault_bucket, sizeof(fault_bucket), "fault");
	c = client_for(&customer, NULL, 30, 3);
	create_bucket(c, fault_bucket);
	if (simple(c, "PUT", fault_bucket, "obj", NULL, 0, NULL, 0,
		   "fault-test-body", &r) != 200)
		return -1;
	s3_response_release(&r);
	s3_client_free(c);
	printf("faultproxy: %s -> %s\n", proxy_url, endpoint);
	return 0;
}

/* Start the proxy for the first fault test (all share it). */
static void need_proxy(void)
{
	static int tried;

	if (!need_server())
		skip();
	if (!tried++ && start_proxy() < 0)
		proxy_url[0] = '\0';
	if (!proxy_url[0])
		fail_msg("tests/faultproxy.py could not be started");
}

static int stop_proxy(void **state)
{
	(void)state;
	if (fault_bucket[0]) {
		struct s3_client *c = client_for(&customer, NULL, 30, 3);
		delete_bucket(c, fault_bucket);
		s3_client_free(c);
	}
	http_client_free(control);
	control = NULL;
	if (proxy_pid > 0) {
		int st;
		kill(proxy_pid, SIGTERM);
		waitpid(proxy_pid, &st, 0);
		proxy_pid = 0;
	}
	return 0;
}

struct attempts {
	int n;
	char region[4][64];
	long status[4];
	unsigned backoff[4];
	char terr[4][128];
};

static void on_attempt(void *ctx, const struct s3_trace_event *e)
{
	struct attempts *a = ctx;

	if (a->n < 4) {
		snprintf(a->region[a->n], sizeof(a->region[0]), "%s", e->region);
		a->status[a->n] = e->status;
		a->backoff[a->n] = e->backoff_ms;
		snprintf(a->terr[a->n], sizeof(a->terr[0]), "%s",
			 e->transport_error);
	}
	a->n++;
}

static struct s3_client *proxied(struct attempts *a, int timeout, int attempts,
				 time_t (*now)(void *))
{
	struct s3_config cfg = S3_CONFIG_INIT;
	struct s3_client *c = NULL;
	struct s3p_error err;

	memset(a, 0, sizeof(*a));
	cfg.endpoint = proxy_url;
	cfg.region = "us-east-1";
	cfg.timeout_seconds = timeout;
	cfg.max_attempts = attempts;
	cfg.backoff_base_ms = 100;
	cfg.backoff_cap_ms = 1000;
	cfg.verbose = on_attempt;
	cfg.verbose_ctx = a;
	cfg.now = now;
	if (s3_client_new(&cfg, &customer, &c, &err) < 0)
		fail_msg("s3_client_new: %s", err.msg);
	return c;
}

static long get_obj(struct s3_client *c, struct s3_response *r)
{
	return simple(c, "GET", fault_bucket, "obj", NULL, 0, NULL, 0, NULL, r);
}

/* AWS 503 ServiceUnavailable once, then the real answer: retried after a
 * pause, succeeds; two requests on the wire. */
static void fault_503_then_success(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_client *c;

	(void)state;
	need_proxy();
	set_faults("[\"503@GET\"]");
	c = proxied(&a, 10, 3, NULL);
	assert_int_equal(get_obj(c, &r), 200);
	assert_string_equal(r.body.data, "fault-test-body");
	assert_int_equal(r.attempts, 2);
	assert_int_equal(a.status[0], 503);
	assert_true(a.backoff[0] >= 50);
	assert_int_equal(proxy_total(), 2);
	s3_response_release(&r);
	s3_client_free(c);
}

/* AWS 503 SlowDown twice: the client backs off (growing pauses) and the
 * third attempt succeeds; with SlowDown on every attempt it gives up as
 * "throttled" after exactly max_attempts requests. */
static void fault_slowdown_backs_off(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_client *c;
	double t0;

	(void)state;
	need_proxy();
	set_faults("[\"slowdown*2@GET\"]");
	c = proxied(&a, 10, 3, NULL);
	t0 = now_s();
	assert_int_equal(get_obj(c, &r), 200);
	assert_int_equal(r.attempts, 3);
	assert_true(a.backoff[0] >= 50 && a.backoff[1] >= 100);
	assert_true(now_s() - t0 >= (a.backoff[0] + a.backoff[1]) / 1000.0);
	assert_int_equal(proxy_total(), 3);
	set_faults("[\"slowdown*inf@GET\"]");
	assert_int_equal(get_obj(c, &r), 503);
	assert_int_equal(r.error_class, S3_ERR_THROTTLED);
	assert_string_equal(r.code, "SlowDown");
	assert_int_equal(r.attempts, 3);
	assert_int_equal(proxy_total(), 3);
	s3_response_release(&r);
	s3_client_free(c);
}

/* A connection reset by the peer (TCP RST mid-request): retried on a new
 * connection, succeeds. */
static void fault_reset_retried(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_client *c;

	(void)state;
	need_proxy();
	set_faults("[\"reset@GET\"]");
	c = proxied(&a, 10, 3, NULL);
	assert_int_equal(get_obj(c, &r), 200);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(a.status[0], 0);
	assert_true(a.terr[0][0] != '\0');
	s3_response_release(&r);
	s3_client_free(c);
}

/* A body cut short (Content-Length promises more): a malformed-response
 * error once every attempt was truncated, never a partial body passed as
 * an answer. */
static void fault_truncated_body(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_client *c;

	(void)state;
	need_proxy();
	set_faults("[\"truncate*inf@GET\"]");
	c = proxied(&a, 10, 2, NULL);
	get_obj(c, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.error_class, S3_ERR_MALFORMED);
	assert_int_equal(r.body.len, 0);
	assert_int_equal(r.attempts, 2);
	s3_response_release(&r);
	s3_client_free(c);
}

/* A ListObjectsV2 answer that is not well-formed XML: the listing fails
 * with the malformed-response class (no crash, no partial listing). */
static void fault_malformed_xml(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3p_error err;
	struct s3_client *c;
	struct listing l;
	char *next = NULL;

	(void)state;
	need_proxy();
	set_faults("[\"malformed@list-type\"]");
	c = proxied(&a, 10, 3, NULL);
	memset(&l, 0, sizeof(l));
	assert_int_equal(s3_list_objects_page(c, fault_bucket, NULL, NULL, NULL, 0,
					      on_entry, &l, &next, &r, &err), -1);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.error_class, S3_ERR_MALFORMED);
	assert_non_null(strstr(err.msg, "malformed"));
	assert_null(next);
	listing_free(&l);
	s3_response_release(&r);
	s3_client_free(c);
}

/* An answer slower than the timeout: each attempt ends at the timeout with
 * a network (timeout) error; the whole call returns, no hang. */
static void fault_slower_than_timeout(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_client *c;
	double t0, dt;

	(void)state;
	need_proxy();
	set_faults("[\"delay=4*inf@GET\"]");
	c = proxied(&a, 1, 2, NULL);
	t0 = now_s();
	get_obj(c, &r);
	dt = now_s() - t0;
	assert_int_equal(r.status, 0);
	assert_int_equal(r.error_class, S3_ERR_NETWORK);
	assert_non_null(strstr(r.transport_error, "imed out"));
	assert_int_equal(r.attempts, 2);
	assert_true(dt < 4.0);
	printf("slow answer: gave up after %.1f s (timeout 1 s, 2 attempts)\n", dt);
	s3_response_release(&r);
	s3_client_free(c);
	set_faults("[]");
}

/* AWS 301 PermanentRedirect with x-amz-bucket-region (a bucket in another
 * region): followed once, re-signed for eu-west-1 (radosgw verifies that
 * signature), and later requests for the bucket go there directly. */
static void fault_redirect_followed(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_client *c;

	(void)state;
	need_proxy();
	set_faults("[\"redirect=eu-west-1@GET\"]");
	c = proxied(&a, 10, 3, NULL);
	assert_int_equal(get_obj(c, &r), 200);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.status[0], 301);
	assert_string_equal(a.region[0], "us-east-1");
	assert_string_equal(a.region[1], "eu-west-1");
	assert_string_equal(s3_client_region(c, fault_bucket), "eu-west-1");
	assert_int_equal(get_obj(c, &r), 200);
	assert_string_equal(a.region[2], "eu-west-1");
	assert_int_equal(proxy_total(), 3);
	/* a second redirect for the same request is not followed */
	set_faults("[\"redirect=ap-south-1@GET\", \"redirect=sa-east-1@GET\"]");
	s3_client_free(c);
	c = proxied(&a, 10, 3, NULL);
	assert_int_equal(get_obj(c, &r), 301);
	assert_int_equal(r.error_class, S3_ERR_WRONG_REGION);
	assert_string_equal(r.region, "sa-east-1");
	assert_int_equal(proxy_total(), 2);
	s3_response_release(&r);
	s3_client_free(c);
}

/* AWS 400 AuthorizationHeaderMalformed naming the expected region: the
 * same, through s3_resolve_region's HeadBucket (no body on HEAD, so the
 * region comes from the header...) and a GET (region in the XML). */
static void fault_wrong_region_400(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_client *c;

	(void)state;
	need_proxy();
	set_faults("[\"wrongregion=eu-central-1@GET\"]");
	c = proxied(&a, 10, 3, NULL);
	assert_int_equal(get_obj(c, &r), 200);
	assert_int_equal(a.status[0], 400);
	assert_string_equal(a.region[1], "eu-central-1");
	s3_response_release(&r);
	s3_client_free(c);
}

/* AWS RequestTimeTooSkewed with the server's Date 10 minutes ahead: the
 * clock offset is taken from Date and the request retried once, signed with
 * the corrected time (radosgw accepts it: within its 15 minutes). */
static void fault_skew_corrected(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_client *c;

	(void)state;
	need_proxy();
	set_faults("[\"skew=600@GET\"]");
	c = proxied(&a, 10, 3, NULL);
	assert_int_equal(get_obj(c, &r), 200);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.status[0], 400);
	assert_int_equal(proxy_total(), 2);
	s3_response_release(&r);
	s3_client_free(c);
}

static time_t slow_clock(void *ctx)
{
	(void)ctx;
	return time(NULL) - 1800;
}

/* The real thing: this machine's clock 30 minutes slow.  radosgw itself
 * answers RequestTimeTooSkewed; the client corrects from its Date header and
 * the retry is accepted. */
static void fault_real_skew_from_server(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_client *c;

	(void)state;
	need_proxy();
	set_faults("[]");
	c = proxied(&a, 10, 3, slow_clock);
	assert_int_equal(get_obj(c, &r), 200);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.status[0], 403);
	s3_response_release(&r);
	s3_client_free(c);
}

/* Answers only AWS gives: AccessDenied with the reason (same-account
 * callers), a KMS.* error, AccessDenied naming kms:Decrypt, 429, 500
 * InternalError (retried), ExpiredToken. */
static void fault_aws_only_errors(void **state)
{
	struct attempts a;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_client *c;

	(void)state;
	need_proxy();
	c = proxied(&a, 10, 2, NULL);
	set_faults("[\"error=403/AccessDenied/User: arn:aws:iam::1:user/u is not "
		   "authorized to perform: s3:GetObject because no identity-based "
		   "policy allows the s3:GetObject action@GET\"]");
	assert_int_equal(get_obj(c, &r), 403);
	assert_int_equal(r.error_class, S3_ERR_PERMISSION);
	assert_non_null(strstr(r.message, "no identity-based policy allows"));
	assert_int_equal(r.attempts, 1);
	set_faults("[\"error=400/KMS.DisabledException/key is disabled@GET\"]");
	get_obj(c, &r);
	assert_int_equal(r.error_class, S3_ERR_KMS);
	set_faults("[\"error=403/AccessDenied/not authorized to perform kms:Decrypt "
		   "on the key@GET\"]");
	get_obj(c, &r);
	assert_int_equal(r.error_class, S3_ERR_KMS);
	set_faults("[\"error=400/ExpiredToken/The provided token has expired.@GET\"]");
	get_obj(c, &r);
	assert_int_equal(r.error_class, S3_ERR_AUTH);
	assert_int_equal(r.attempts, 1);
	set_faults("[\"error=500/InternalError/We encountered an internal error.@GET\"]");
	assert_int_equal(get_obj(c, &r), 200);
	assert_int_equal(r.attempts, 2);
	set_faults("[\"status=429*inf@GET\"]");
	assert_int_equal(get_obj(c, &r), 429);
	assert_int_equal(r.error_class, S3_ERR_THROTTLED);
	assert_int_equal(r.attempts, 2);
	set_faults("[]");
	s3_response_release(&r);
	s3_client_free(c);
}

static int setup_group(void **state)
{
	(void)state;
	set_creds(&customer, "S3PERM_TEST_CUSTOMER_KEY", "S3PERM_TEST_CUSTOMER_SECRET");
	set_creds(&vendor, "S3PERM_TEST_VENDOR_KEY", "S3PERM_TEST_VENDOR_SECRET");
	set_creds(&other, "S3PERM_TEST_OTHER_KEY", "S3PERM_TEST_OTHER_SECRET");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_keys),
		cmocka_unit_test(test_wrong_credentials),
		cmocka_unit_test(test_missing_bucket),
		cmocka_unit_test(test_permission_and_grant),
		cmocka_unit_test(test_conditional_and_multipart),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_timeout_no_hang),
		cmocka_unit_test(test_tls_failures),
		cmocka_unit_test(fault_503_then_success),
		cmocka_unit_test(fault_slowdown_backs_off),
		cmocka_unit_test(fault_reset_retried),
		cmocka_unit_test(fault_truncated_body),
		cmocka_unit_test(fault_malformed_xml),
		cmocka_unit_test(fault_slower_than_timeout),
		cmocka_unit_test(fault_redirect_followed),
		cmocka_unit_test(fault_wrong_region_400),
		cmocka_unit_test(fault_skew_corrected),
		cmocka_unit_test(fault_real_skew_from_server),
		cmocka_unit_test(fault_aws_only_errors),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!getenv("S3PERM_TEST_ENDPOINT") || !*getenv("S3PERM_TEST_ENDPOINT")) {
		const char *ci = getenv("CI");
		if (ci && strcmp(ci, "true") == 0) {
			fprintf(stderr, "test_live_s3: S3PERM_TEST_ENDPOINT is not "
				"set (CI=true: a failure)\n");
			return 1;
		}
		fprintf(stderr, "test_live_s3: S3PERM_TEST_ENDPOINT not set: "
			"skipped (run through tests/run.sh)\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, setup_group, stop_proxy);
}
