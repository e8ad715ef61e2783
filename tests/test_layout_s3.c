/* Unit tests: layout_s3.c, the bucket feeder of the layout check, offline:
 * a fake transport plays a bucket (ListObjectsV2 with prefix, delimiter
 * and continuation tokens in small pages; ranged GETs), so the tests see
 * every request: datasets listed concurrently, pages followed, content
 * reads batched and bounded, a 403 on one object kept as a finding, and a
 * failure of the whole bucket (refused listing, network) an error. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "layout.h"
#include "layout_s3.h"
#include "mini_parquet.h"
#include "s3.h"

#define PAGE 3              /* keys per fake ListObjectsV2 page */

struct object {
	const char *key;
	const char *body;       /* NULL: a 403 on GET; "" zero bytes */
	size_t size;            /* 0: strlen(body) */
};

struct fake {
	const struct object *objs;
	size_t n;
	const char *fail_key;       /* GET of this key: connection refused */
	int deny_list;              /* every listing: 403 AccessDenied */
	size_t performs;
	size_t max_batch;
	size_t lists;
	size_t gets;
	size_t list_batches_of_2;   /* performs that listed two datasets */
	/* Hostile server behaviours, in the dataset listings (a prefix): */
	int repeat_token;           /* truncated, always the same token */
	int no_token;               /* truncated, no token */
	int url_keys;               /* keys are listed as given, with
				       <EncodingType>url</EncodingType> */
	size_t unencoded_lists;     /* listings without encoding-type=url */
};

static struct fake F;

static size_t obj_size(const struct object *o)
{
	return o->size ? o->size : (o->body ? strlen(o->body) : 100);
}

static int cmp_obj(const void *a, const void *b)
{
	return strcmp(((const struct object *)a)->key,
		      ((const struct object *)b)->key);
}

/* The value of query parameter NAME in URL, %-decoded, or NULL. */
static char *query(const char *url, const char *name)
{
	const char *q = strchr(url, '?');
	size_t n = strlen(name);

	while (q) {
		q++;
		if (!strncmp(q, name, n) && q[n] == '=') {
			struct buf v = BUF_INIT;
			const char *p = q + n + 1;

			buf_puts(&v, "");
			while (*p && *p != '&') {
				if (*p == '%' && p[1] && p[2]) {
					char hex[3] = { p[1], p[2], 0 };

					buf_putc(&v, (char)strtol(hex, NULL,
								  16));
					p += 3;
				} else {
					buf_putc(&v, *p++);
				}
			}
			return buf_detach(&v);
		}
		q = strchr(q, '&');
	}
	return NULL;
}

static void list_answer(struct http_exchange *ex)
{
	char *prefix = query(ex->url, "prefix");
	char *delim = query(ex->url, "delimiter");
	char *token = query(ex->url, "continuation-token");
	char *after = query(ex->url, "start-after");
	const char *pre = prefix ? prefix : "";
	size_t start = token ? (size_t)atoi(token) : 0, shown = 0, i;
	struct buf b = BUF_INIT;
	char last_prefix[256] = "";

	F.lists++;
	if (!strstr(ex->url, "encoding-type=url"))
		F.unencoded_lists++;
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/"
		 "2006-03-01/\"><Name>b</Name>");
	if (F.url_keys)
		buf_puts(&b, "<EncodingType>url</EncodingType>");
	if (prefix && (F.repeat_token || F.no_token)) {
		buf_printf(&b, "<Contents><Key>%sx.parquet</Key><Size>1</Size>"
			   "</Contents><IsTruncated>true</IsTruncated>%s"
			   "</ListBucketResult>", pre, F.repeat_token ?
			   "<NextContinuationToken>same</NextContinuationToken>"
			   : "");
		ex->status = 200;
		buf_append(&ex->resp_body, b.data, b.len);
		buf_release(&b);
		free(prefix);
		free(delim);
		free(token);
		free(after);
		return;
	}
	/* entries: index i into the sorted objects; with the delimiter, a
	 * key holding '/' past the prefix shows as its common prefix. */
	for (i = 0; i < F.n && shown < PAGE; i++) {
		const char *k = F.objs[i].key, *slash;

		if (strncmp(k, pre, strlen(pre)) || i < start)
			continue;
		/* S3 takes start-after only on a first page */
		if (after && !token && strcmp(k, after) <= 0)
			continue;
		slash = delim ? strchr(k + strlen(pre), '/') : NULL;
		if (slash) {
			char p[256];

			snprintf(p, sizeof(p), "%.*s", (int)(slash - k + 1),
				 k);
			if (!strcmp(p, last_prefix))
				continue;
			snprintf(last_prefix, sizeof(last_prefix), "%s", p);
			buf_printf(&b, "<CommonPrefixes><Prefix>%s</Prefix>"
				   "</CommonPrefixes>", p);
		} else {
			buf_printf(&b, "<Contents><Key>%s</Key><Size>%zu"
				   "</Size><ETag>\"x\"</ETag></Contents>", k,
				   obj_size(&F.objs[i]));
		}
		shown++;
	}
	/* skip the rest of a common prefix already shown */
	while (i < F.n && last_prefix[0] &&
	       !strncmp(F.objs[i].key, last_prefix, strlen(last_prefix)))
		i++;
	while (i < F.n && strncmp(F.objs[i].key, pre, strlen(pre)))
		i++;
	if (i < F.n)
		buf_printf(&b, "<IsTruncated>true</IsTruncated>"
			   "<NextContinuationToken>%zu</NextContinuationToken>",
			   i);
	else
		buf_puts(&b, "<IsTruncated>false</IsTruncated>");
	buf_puts(&b, "</ListBucketResult>");
	ex->status = 200;
	buf_append(&ex->resp_body, b.data, b.len);
	buf_release(&b);
	free(prefix);
	free(delim);
	free(token);
	free(after);
}

static const char *range_of(const struct http_exchange *ex)
{
	for (size_t h = 0; h < ex->header_count; h++)
		if (!strncasecmp(ex->headers[h], "range:", 6))
			return ex->headers[h] + 6 + strspn(ex->headers[h] + 6,
							   " ");
	return NULL;
}

static void get_answer(struct http_exchange *ex)
{
	const char *path = strstr(ex->url, "/b/");
	const char *range = range_of(ex);
	const struct object *o = NULL;
	unsigned long long a, z;
	char *key;

	F.gets++;
	assert_non_null(path);
	assert_non_null(range);
	{
		/* the key as sent, %-decoded */
		struct buf k = BUF_INIT;

		for (const char *p = path + 3; *p; p++) {
			if (*p == '%' && p[1] && p[2]) {
				char hex[3] = { p[1], p[2], 0 };

				buf_putc(&k, (char)strtol(hex, NULL, 16));
				p += 2;
			} else {
				buf_putc(&k, *p);
			}
		}
		key = buf_detach(&k);
	}
	for (size_t i = 0; i < F.n && !o; i++)
		if (!strcmp(F.objs[i].key, key) ||
		    (F.url_keys && !strcmp(F.objs[i].key, path + 3)))
			o = &F.objs[i];
	free(key);
	assert_non_null(o);
	if (F.fail_key && !strcmp(o->key, F.fail_key)) {
		ex->result = HTTP_E_CONNECT;
		snprintf(ex->error, sizeof(ex->error), "fake: refused");
		return;
	}
	if (!o->body) {
		static const char denied[] =
			"<Error><Code>AccessDenied</Code><Message></Message>"
			"<RequestId>tx1</RequestId></Error>";

		ex->status = 403;
		buf_append(&ex->resp_body, denied, sizeof(denied) - 1);
		return;
	}
	assert_int_equal(sscanf(range, "bytes=%llu-%llu", &a, &z), 2);
	assert_true(a <= z && z < obj_size(o));
	ex->status = 206;
	buf_append(&ex->resp_body, o->body + a, (size_t)(z - a + 1));
}

static int fake_perform(void *ctx, struct http_exchange *ex, size_t n,
			struct s3p_error *err)
{
	size_t lists = 0;

	(void)ctx;
	(void)err;
	F.performs++;
	if (n > F.max_batch)
		F.max_batch = n;
	for (size_t i = 0; i < n; i++) {
		http_exchange_release(&ex[i]);
		ex[i].result = HTTP_OK;
		assert_string_equal(ex[i].method, "GET");
		if (strstr(ex[i].url, "list-type=2")) {
			lists++;
			if (F.deny_list) {
				static const char denied[] =
					"<Error><Code>AccessDenied</Code>"
					"</Error>";

				ex[i].status = 403;
				buf_append(&ex[i].resp_body, denied,
					   sizeof(denied) - 1);
				continue;
			}
			list_answer(&ex[i]);
		} else {
			get_answer(&ex[i]);
		}
	}
	if (lists == 2)
		F.list_batches_of_2++;
	return 0;
}

static void no_sleep(void *ctx, unsigned ms)
{
	(void)ctx;
	(void)ms;
}

static const struct s3_transport fake_transport = { &F, fake_perform };

static struct s3_client *client(void)
{
	struct s3_config cfg = S3_CONFIG_INIT;
	struct creds cr;
	struct s3_client *c = NULL;
	struct s3p_error err;

	memset(&cr, 0, sizeof(cr));
	cr.access_key_id = (char *)"AKIDEXAMPLE";
	cr.secret_access_key = (char *)"secret";
	cfg.endpoint = "http://127.0.0.1:9";
	cfg.region = "us-east-1";
	cfg.path_style = 1;
	cfg.max_attempts = 1;
	cfg.transport = &fake_transport;
	cfg.sleep_ms = no_sleep;
	if (s3_client_new(&cfg, &cr, &c, &err) < 0)
		fail_msg("s3_client_new: %s", err.msg);
	return c;
}

static void fake_bucket(struct object *objs, size_t n)
{
	memset(&F, 0, sizeof(F));
	qsort(objs, n, sizeof(*objs), cmp_obj);
	F.objs = objs;
	F.n = n;
}

static struct layout *new_check(bool content)
{
	struct layout_options o = { 0 };

	o.since = o.until = LAYOUT_NO_DAY;
	o.today = layout_day_from_ymd(2024, 6, 15);
	o.content = content;
	return layout_new(&o);
}

static char *findings(const struct layout *l)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "");
	for (size_t i = 0; i < layout_finding_count(l); i++) {
		const struct finding *f = layout_finding_at(l, i);

		buf_printf(&b, "%s %s\n", f->code, f->path);
	}
	return buf_detach(&b);
}

#define PQ MINI_PQ
#define PQ_LEN MINI_PQ_LEN

static void test_lists_and_reads(void **state)
{
	struct object objs[] = {
		{ "events/2024-01-01/a.parquet", PQ, PQ_LEN },
		{ "events/2024-01-01/b.parquet", PQ, PQ_LEN },
		{ "events/2024-01-02/a.parquet", PQ, PQ_LEN },
		{ "events/2024-01-04/a.parquet", PQ, PQ_LEN },
		{ "events/2024-01-04/fake.parquet", "a,b\n1,2\n3,4\n5,6\n", 0 },
		{ "events/2024-01-04/x.csv", "a\n", 0 },
		{ "events/2024-01-05/", "", 0 },
		{ "metrics/2024-01-01/a.parquet", PQ, PQ_LEN },
		{ "metrics/2024-01-02/a.parquet", NULL, 100 },  /* 403 */
		{ "README", "hi", 0 },
	};
	struct s3_client *c = client();
	struct layout *l = new_check(true);
	struct s3p_error err = { 0 };
	char *got;

	(void)state;
	fake_bucket(objs, sizeof(objs) / sizeof(*objs));
	assert_int_equal(layout_s3_scan(l, c, "b", 4, &err), 0);
	layout_finish(l);
	got = findings(l);
	assert_string_equal(got,
		"top_level_object README\n"
		"missing_days events/2024-01-03/\n"
		"bad_parquet events/2024-01-04/fake.parquet\n"
		"not_parquet events/2024-01-04/x.csv\n"
		"empty_day events/2024-01-05/\n"
		"content_unreadable metrics/2024-01-02/a.parquet\n");
	free(got);
	assert_non_null(strstr(layout_finding_at(l, 5)->message,
			       "403 AccessDenied"));
	assert_int_equal(layout_dataset_at(l, 0)->files, 6);
	/* The top level (1 page), then both datasets side by side with the
	 * delimiter (events: 4 day folders, 2 pages of 3; metrics: 2, one
	 * page), then the 6 day folders in 6 ranges of one (fewer folders
	 * than LAYOUT_S3_RANGES), 4 at a time, 1 page each but 2 for
	 * events/2024-01-04/ (3 files: a full page, then one past it): the
	 * rounds are 4 and 3 ranges, the one round of 2 the datasets'. */
	assert_int_equal(F.list_batches_of_2, 1);
	assert_int_equal(F.lists, 1 + (2 + 1) + 7);
	/* 7 parquet files of 12 bytes or more: 1 ranged read each (the last
	 * 64 KiB: the whole of these small files), at most 4 at a time */
	assert_int_equal(F.gets, 7);
	assert_true(F.max_batch <= 4);
	layout_free(l);
	s3_client_free(c);
}

static void test_no_content_reads_nothing(void **state)
{
	struct object objs[] = {
		{ "events/2024-01-01/a.parquet", PQ, PQ_LEN },
		{ "events/2024-01-01/b.parquet", "not parquet at all", 0 },
	};
	struct s3_client *c = client();
	struct layout *l = new_check(false);
	struct s3p_error err = { 0 };

	(void)state;
	fake_bucket(objs, 2);
	assert_int_equal(layout_s3_scan(l, c, "b", 0, &err), 0);
	layout_finish(l);
	assert_int_equal(layout_finding_count(l), 0);
	assert_int_equal(F.gets, 0);
	layout_free(l);
	s3_client_free(c);
}

/* Many datasets: no more listings at a time than the bound. */
static void test_bounded_listing(void **state)
{
	static char keys[20][64];
	struct object objs[20];
	struct s3_client *c = client();
	struct layout *l = new_check(false);
	struct s3p_error err = { 0 };

	(void)state;
	for (int i = 0; i < 20; i++) {
		snprintf(keys[i], sizeof(keys[i]), "ds%02d/2024-01-01/a.parquet",
			 i);
		objs[i] = (struct object){ keys[i], PQ, PQ_LEN };
	}
	fake_bucket(objs, 20);
	assert_int_equal(layout_s3_scan(l, c, "b", 4, &err), 0);
	layout_finish(l);
	assert_int_equal(layout_dataset_count(l), 20);
	assert_int_equal(layout_finding_count(l), 0);
	assert_int_equal(F.max_batch, 4);
	/* top level: 20 prefixes in pages of 3 = 7; then 20 dataset
	 * listings with the delimiter and 20 ranges (a range never spans two
	 * datasets) */
	assert_int_equal(F.lists, 7 + 20 + 20);
	layout_free(l);
	s3_client_free(c);
}

/* Many small days: the folders are listed in LAYOUT_S3_RANGES ranges of
 * consecutive days, each from its first folder (start-after) in full
 * pages, so the requests follow the objects, not the folders; a range
 * stops at the first key past its last folder, and the dataset's loose
 * files between the folders are listed once (with the dataset). */
static void test_small_days_listed_in_ranges(void **state)
{
	static char keys[64][64];
	struct object objs[68];
	struct s3_client *c = client();
	struct layout *l = new_check(false);
	struct s3p_error err = { 0 };
	char *got;
	size_t n = 0;

	(void)state;
	for (int i = 0, m = 1, d = 1; i < 64; i++) {
		snprintf(keys[i], sizeof(keys[i]),
			 "events/2024-%02d-%02d/a.parquet", m, d);
		objs[n++] = (struct object){ keys[i], PQ, PQ_LEN };
		if (++d > (m == 2 ? 29 : 31)) {   /* 64 days from 1 January */
			m++;
			d = 1;
		}
	}
	/* loose files of the dataset: before, between and after folders */
	objs[n++] = (struct object){ "events/2024-01-01.txt", "x", 0 };
	objs[n++] = (struct object){ "events/2024-01-05x", "x", 0 };
	objs[n++] = (struct object){ "events/2024-02-01", "x", 0 };
	objs[n++] = (struct object){ "events/zz.txt", "x", 0 };
	fake_bucket(objs, n);
	assert_int_equal(layout_s3_scan(l, c, "b", 4, &err), 0);
	layout_finish(l);
	got = findings(l);
	assert_int_equal(layout_dataset_at(l, 0)->files, 64);
	assert_string_equal(got,
		"loose_file events/2024-01-01.txt\n"
		"loose_file events/2024-01-05x\n"
		"loose_file events/2024-02-01\n"
		"loose_file events/zz.txt\n");
	free(got);
	/* top level 1; the dataset with the delimiter: 64 folders and 4
	 * loose files in pages of 3 = 23; then LAYOUT_S3_RANGES (8) ranges
	 * of 8 days, 3 pages each (3 days, 3, then 2 and the first key past
	 * the end), 4 for the two that hold a loose file: 26, not 64 */
	assert_int_equal(LAYOUT_S3_RANGES, 8);
	assert_int_equal(F.lists, 1 + 23 + 26);
	assert_true(F.max_batch <= 4);
	layout_free(l);
	s3_client_free(c);
}

static void test_dataset_filter_lists_only_those(void **state)
{
	static const char *const only[] = { "metrics" };
	struct object objs[] = {
		{ "events/2024-01-01/x.csv", "a\n", 0 },
		{ "metrics/2024-01-01/a.parquet", PQ, PQ_LEN },
		{ "top.txt", "x", 0 },
	};
	struct layout_options o = { 0 };
	struct s3_client *c = client();
	struct layout *l;
	struct s3p_error err = { 0 };

	(void)state;
	o.datasets = only;
	o.ndatasets = 1;
	o.since = o.until = LAYOUT_NO_DAY;
	o.today = layout_day_from_ymd(2024, 6, 15);
	l = layout_new(&o);
	fake_bucket(objs, 3);
	assert_int_equal(layout_s3_scan(l, c, "b", 0, &err), 0);
	layout_finish(l);
	assert_int_equal(layout_finding_count(l), 0);
	assert_int_equal(layout_dataset_count(l), 1);
	/* Only the prefix (its day folders, then the one day): never the
	 * root, which a grant scoped to the prefix denies. */
	assert_int_equal(F.lists, 1 + 1);
	layout_free(l);
	s3_client_free(c);
}

/* S3 allows keys that start with '/': the top-level listing shows them as
 * the common prefix "/", and each is an object outside every dataset. */
static void test_keys_starting_with_slash(void **state)
{
	struct object objs[] = {
		{ "/abs.parquet", PQ, PQ_LEN },
		{ "/x/2024-01-01/a.parquet", PQ, PQ_LEN },
		{ "events/2024-01-01/a.parquet", PQ, PQ_LEN },
	};
	struct s3_client *c = client();
	struct layout *l = new_check(false);
	struct s3p_error err = { 0 };
	char *got;

	(void)state;
	fake_bucket(objs, sizeof(objs) / sizeof(*objs));
	assert_int_equal(layout_s3_scan(l, c, "b", 0, &err), 0);
	layout_finish(l);
	got = findings(l);
	assert_string_equal(got,
		"top_level_object /abs.parquet\n"
		"top_level_object /x/2024-01-01/a.parquet\n");
	free(got);
	assert_int_equal(layout_dataset_count(l), 1);
	layout_free(l);
	s3_client_free(c);
}

static void test_refused_listing_fails(void **state)
{
	struct object objs[] = {
		{ "events/2024-01-01/a.parquet", PQ, PQ_LEN },
	};
	struct s3_client *c = client();
	struct layout *l = new_check(true);
	struct s3p_error err = { 0 };

	(void)state;
	fake_bucket(objs, 1);
	F.deny_list = 1;
	assert_int_equal(layout_s3_scan(l, c, "b", 0, &err), -1);
	assert_int_equal(err.kind, S3P_E_S3);
	assert_non_null(strstr(err.msg, "cannot list 'b'"));
	assert_non_null(strstr(err.msg, "403 AccessDenied"));
	layout_free(l);
	s3_client_free(c);
}

static void test_network_failure_on_read_fails(void **state)
{
	struct object objs[] = {
		{ "events/2024-01-01/a.parquet", PQ, PQ_LEN },
		{ "events/2024-01-01/b.parquet", PQ, PQ_LEN },
	};
	struct s3_client *c = client();
	struct layout *l = new_check(true);
	struct s3p_error err = { 0 };

	(void)state;
	fake_bucket(objs, 2);
	F.fail_key = "events/2024-01-01/b.parquet";
	assert_int_equal(layout_s3_scan(l, c, "b", 0, &err), -1);
	assert_int_equal(err.kind, S3P_E_S3);
	assert_non_null(strstr(err.msg,
			       "cannot read 'b/events/2024-01-01/b.parquet'"));
	layout_free(l);
	s3_client_free(c);
}

/* Every listing, the top one and the concurrent dataset ones, is built by
 * the one ListObjectsV2 builder: encoding-type=url (a key may hold a
 * character XML 1.0 cannot carry). */
static void test_every_listing_url_encoded(void **state)
{
	struct object objs[] = {
		{ "events/2024-01-01/a.parquet", PQ, PQ_LEN },
		{ "metrics/2024-01-01/a.parquet", PQ, PQ_LEN },
	};
	struct s3_client *c = client();
	struct layout *l = new_check(false);
	struct s3p_error err = { 0 };

	(void)state;
	fake_bucket(objs, 2);
	assert_int_equal(layout_s3_scan(l, c, "b", 0, &err), 0);
	assert_true(F.lists >= 3);
	assert_int_equal(F.unencoded_lists, 0);
	layout_free(l);
	s3_client_free(c);
}

/* A server that repeats NextContinuationToken forever, or says
 * IsTruncated=true without one: a clear error naming bucket and prefix
 * after a few requests, not an endless loop or a partial listing. */
static void test_endless_listing_stops(void **state)
{
	struct object objs[] = {
		{ "events/2024-01-01/a.parquet", PQ, PQ_LEN },
	};
	struct s3_client *c = client();
	struct layout *l = new_check(false);
	struct s3p_error err = { 0 };

	(void)state;
	fake_bucket(objs, 1);
	F.repeat_token = 1;
	assert_int_equal(layout_s3_scan(l, c, "b", 0, &err), -1);
	assert_int_equal(err.kind, S3P_E_S3);
	assert_non_null(strstr(err.msg, "'b/events/'"));
	assert_non_null(strstr(err.msg, "same continuation token"));
	assert_true(F.lists <= 4);
	layout_free(l);

	l = new_check(false);
	fake_bucket(objs, 1);
	F.no_token = 1;
	assert_int_equal(layout_s3_scan(l, c, "b", 0, &err), -1);
	assert_non_null(strstr(err.msg, "cannot list 'b/events/'"));
	assert_non_null(strstr(err.msg, "NextContinuationToken"));
	layout_free(l);
	s3_client_free(c);
}

/* A key with %00 is one finding; the rest of the dataset is checked. */
static void test_nul_key_is_a_finding(void **state)
{
	struct object objs[] = {
		{ "events/2024-01-01/a.parquet", PQ, PQ_LEN },
		{ "events/2024-01-01/b.parquet%00.csv", PQ, PQ_LEN },
	};
	struct s3_client *c = client();
	struct layout *l = new_check(true);
	struct s3p_error err = { 0 };
	char *f;

	(void)state;
	fake_bucket(objs, 2);
	F.url_keys = 1;
	assert_int_equal(layout_s3_scan(l, c, "b", 0, &err), 0);
	layout_finish(l);
	f = findings(l);
	assert_non_null(strstr(f, "content_unreadable "
			       "events/2024-01-01/b.parquet%00.csv"));
	free(f);
	layout_free(l);
	s3_client_free(c);
}

/* A footer over the first 64 KiB read (DuckDB's 1000-column fixture):
 * the last 64 KiB, then exactly the footer: 2 GETs.  A small file: 1,
 * the whole file (head and footer). */
static void test_long_footer_second_read(void **state)
{
	FILE *f = fopen("tests/fixtures/parquet/duckdb_wide.parquet", "rb");
	char *wide;
	long n;
	struct object objs[] = {
		{ "events/2024-01-01/a.parquet", NULL, 0 },
		{ "events/2024-01-01/b.parquet", PQ, PQ_LEN },
	};
	struct s3_client *c = client();
	struct layout *l = new_check(true);
	struct s3p_error err = { 0 };
	const struct layout_dataset *d;

	(void)state;
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > (long)LAYOUT_TAIL_READ);
	rewind(f);
	wide = malloc((size_t)n);
	assert_non_null(wide);
	assert_int_equal(fread(wide, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	objs[0].body = wide;
	objs[0].size = (size_t)n;
	fake_bucket(objs, 2);
	assert_int_equal(layout_s3_scan(l, c, "b", 4, &err), 0);
	layout_finish(l);
	/* Two schemas in one day: both files' footers were read. */
	assert_int_equal(layout_finding_count(l), 2);
	assert_string_equal(layout_finding_at(l, 0)->code, "schema_drift");
	assert_string_equal(layout_finding_at(l, 1)->code,
			    "schema_mixed_within_day");
	assert_int_equal(F.gets, 2 + 1);
	d = layout_dataset_at(l, 0);
	assert_int_equal(d->footers, 2);
	assert_int_equal(d->rows, 2 + MINI_PQ_ROWS);
	assert_int_equal(d->nschemas, 2);
	layout_free(l);
	s3_client_free(c);
	free(wide);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_and_reads),
		cmocka_unit_test(test_no_content_reads_nothing),
		cmocka_unit_test(test_bounded_listing),
		cmocka_unit_test(test_small_days_listed_in_ranges),
		cmocka_unit_test(test_dataset_filter_lists_only_those),
		cmocka_unit_test(test_keys_starting_with_slash),
		cmocka_unit_test(test_refused_listing_fails),
		cmocka_unit_test(test_network_failure_on_read_fails),
		cmocka_unit_test(test_every_listing_url_encoded),
		cmocka_unit_test(test_endless_listing_stops),
		cmocka_unit_test(test_nul_key_is_a_finding),
		cmocka_unit_test(test_long_footer_second_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
