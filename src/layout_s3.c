/* layout_s3.c - feed a bucket to the layout check, through the S3 layer. */
#include "layout_s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* A file waiting for its content check. */
struct pending {
	char *key;
	uint64_t size;
};

struct scan {
	struct layout *l;
	struct s3_client *c;
	const char *bucket;
	size_t concurrency;
	struct pending *pending;
	size_t npending;
	size_t cappending;
	/* top level: dataset prefixes found */
	char **prefixes;
	size_t nprefixes;
	/* in the datasets: the day (and other) folders found */
	char **days;
	size_t ndays, capdays;
};

static void queue_check(struct scan *s, const char *key, uint64_t size)
{
	if (s->npending == s->cappending) {
		s->cappending = s->cappending ? s->cappending * 2 : 64;
		s->pending = xrealloc(s->pending,
				      s->cappending * sizeof(*s->pending));
	}
	s->pending[s->npending].key = xstrdup(key);
	s->pending[s->npending].size = size;
	s->npending++;
}

static int on_entry(void *ctx, const struct s3_list_entry *e)
{
	struct scan *s = ctx;

	if (e->problem) {
		/* One finding; the listing goes on. */
		layout_content_failed(s->l, e->key, e->problem);
		return 0;
	}
	if (e->is_prefix)
		return 0;
	if (layout_add(s->l, e->key, e->size) == LAYOUT_READ_CONTENT)
		queue_check(s, e->key, e->size);
	return 0;
}

static int on_top_entry(void *ctx, const struct s3_list_entry *e)
{
	struct scan *s = ctx;
	size_t n = strlen(e->key);

	if (!e->is_prefix || e->problem)
		return on_entry(ctx, e);
	/* "events/": a dataset, unless filtered out.  "/" (keys that start
	 * with '/', which S3 allows) is listed too when nothing is filtered,
	 * so that layout_add() reports each as outside every dataset. */
	if (!n || e->key[n - 1] != '/')
		return 0;
	{
		char *name = xstrndup(e->key, n - 1);
		bool want = layout_wants_dataset(s->l, name);

		free(name);
		if (!want)
			return 0;
	}
	s->prefixes = xrealloc(s->prefixes,
			       (s->nprefixes + 1) * sizeof(*s->prefixes));
	s->prefixes[s->nprefixes++] = xstrdup(e->key);
	return 0;
}

/* A dataset listed with the delimiter: its folders are kept, to be listed
 * next in ranges (list_folders); its own objects (loose files) are
 * entries. */
static int on_dataset_entry(void *ctx, const struct s3_list_entry *e)
{
	struct scan *s = ctx;
	size_t n = strlen(e->key);

	if (!e->is_prefix || e->problem)
		return on_entry(ctx, e);
	if (!n || e->key[n - 1] != '/')
		return 0;
	if (s->ndays == s->capdays) {
		s->capdays = s->capdays ? s->capdays * 2 : 64;
		s->days = xrealloc(s->days, s->capdays * sizeof(*s->days));
	}
	s->days[s->ndays++] = xstrdup(e->key);
	return 0;
}

/* A failed content read that says the whole bucket cannot be read (the
 * server is gone, the credentials are refused): stop, as for a listing.
 * Anything else (403 on one object, a KMS key) is a finding. */
static bool fatal(enum s3_error_class c)
{
	return c == S3_ERR_NETWORK || c == S3_ERR_AUTH || c == S3_ERR_TLS ||
	       c == S3_ERR_CLOCK_SKEW || c == S3_ERR_WRONG_REGION ||
	       c == S3_ERR_REDIRECT;
}

/* The answer to a content read: a finding, or fatal (rc set). */
static bool read_ok(const struct pending *p, const struct s3_response *r,
		    size_t min_len, struct scan *s, int *rc,
		    struct s3p_error *err)
{
	char why[768];

	if (r->deferred) {
		/* Over the client's memory budget: not sent.  Rare (64 KiB
		 * per file, 64 files a round); said, not retried. */
		layout_content_failed(s->l, p->key, "not read: the answers "
				      "of one round were over the memory "
				      "budget");
		return false;
	}
	if (r->error_class != S3_OK) {
		s3_response_describe(r, why, sizeof(why));
		if (fatal(r->error_class))
			*rc = s3_fail(err, r, "read", s->bucket, p->key);
		else
			layout_content_failed(s->l, p->key, why);
		return false;
	}
	if (r->body.len < min_len) {
		layout_content_failed(s->l, p->key,
				      "short answer to a ranged read");
		return false;
	}
	return true;
}

/* Read the last len[i] bytes of files p[0..n) (one ranged GET each) and
 * hand them to layout_content(); the head is in the answer when the whole
 * file was read, else it is not checked (layout.h).  The files whose
 * footer is longer go to again[] with the bytes they need (when again is
 * not NULL). */
static int read_tails(struct scan *s, const struct pending *const *p,
		      const size_t *len, size_t n,
		      const struct pending **again, size_t *need,
		      size_t *nagain, struct s3p_error *err)
{
	struct s3_request *rq = xcalloc(n + 1, sizeof(*rq));
	struct s3_response *rs = xcalloc(n + 1, sizeof(*rs));
	struct s3_param *hdr = xcalloc(n + 1, sizeof(*hdr));
	char (*ranges)[48] = xcalloc(n + 1, sizeof(*ranges));
	int rc;

	for (size_t i = 0; i < n; i++) {
		snprintf(ranges[i], sizeof(ranges[i]), "bytes=%llu-%llu",
			 (unsigned long long)(p[i]->size - len[i]),
			 (unsigned long long)(p[i]->size - 1));
		hdr[i] = (struct s3_param){ "Range", ranges[i] };
		rq[i].method = "GET";
		rq[i].bucket = s->bucket;
		rq[i].key = p[i]->key;
		rq[i].headers = &hdr[i];
		rq[i].header_count = 1;
		/* Room for an error document too (a 403's XML). */
		rq[i].max_body = len[i] + 4096;
		rs[i] = (struct s3_response)S3_RESPONSE_INIT;
	}
	rc = s3_send_batch(s->c, rq, rs, n, err);
	for (size_t i = 0; i < n && !rc; i++) {
		const unsigned char *tail;
		size_t more;

		if (!read_ok(p[i], &rs[i], len[i], s, &rc, err))
			continue;
		/* A server that ignores Range sends it all: take the end. */
		tail = (const unsigned char *)rs[i].body.data +
		       rs[i].body.len - len[i];
		more = layout_content(s->l, p[i]->key, p[i]->size,
				      len[i] == p[i]->size ? tail : NULL,
				      tail, len[i]);
		if (more && again) {
			need[*nagain] = more;
			again[(*nagain)++] = p[i];
		}
	}
	for (size_t i = 0; i < n; i++)
		s3_response_release(&rs[i]);
	free(rq);
	free(rs);
	free(hdr);
	free(ranges);
	return rc;
}

/* The last LAYOUT_TAIL_READ bytes of the pending files (the whole file
 * when smaller: one GET gives head and footer), at most s->concurrency
 * files at a time; then, exactly, the footers that were longer. */
static int run_checks(struct scan *s, struct s3p_error *err)
{
	size_t per = s->concurrency;
	const struct pending **batch = xcalloc(per, sizeof(*batch));
	const struct pending **again = xcalloc(per, sizeof(*again));
	size_t *len = xcalloc(per, sizeof(*len));
	size_t *need = xcalloc(per, sizeof(*need));
	int rc = 0;

	for (size_t at = 0; at < s->npending && !rc; at += per) {
		size_t n = s->npending - at < per ? s->npending - at : per;
		size_t nagain = 0;

		for (size_t i = 0; i < n; i++) {
			batch[i] = &s->pending[at + i];
			len[i] = batch[i]->size < LAYOUT_TAIL_READ ?
				 (size_t)batch[i]->size : LAYOUT_TAIL_READ;
		}
		rc = read_tails(s, batch, len, n, again, need, &nagain, err);
		if (!rc && nagain)
			rc = read_tails(s, again, need, nagain, NULL, NULL,
					NULL, err);
	}
	for (size_t i = 0; i < s->npending; i++)
		free(s->pending[i].key);
	s->npending = 0;
	free(batch);
	free(again);
	free(len);
	free(need);
	return rc;
}

static int list_top(struct scan *s, struct s3p_error *err)
{
	struct s3_list_guard g = { NULL, 0 };
	char *token = NULL;
	int rc;

	do {
		char *next = NULL;

		rc = s3_list_objects_page(s->c, s->bucket, NULL, "/", token,
					  0, on_top_entry, s, &next, NULL, err);
		free(token);
		token = next;
		if (!rc)
			rc = s3_list_guard_next(&g, s->bucket, NULL, token,
						err);
		if (!rc)
			rc = run_checks(s, err);
	} while (!rc && token);
	free(token);
	s3_list_guard_release(&g);
	return rc;
}

/* One listing in progress: a dataset with the delimiter (its folders), or
 * a range of a dataset's folders, listed in pages from its first folder
 * on: the entries of folders first..last are taken (the loose files
 * between them were listed with the dataset), and the range is done at
 * the first key past its last folder. */
struct range {
	char *prefix;           /* the dataset's prefix */
	char *start_after;      /* the first folder without its '/', or NULL */
	size_t first, last;     /* folders, indexes into scan.days (sorted) */
	size_t at;              /* the folder keys are now in */
	char *token;
	struct s3_list_guard guard;
	bool done;
};

/* The context of one page's entries. */
struct range_page {
	struct scan *s;
	struct range *r;
};

static int on_dataset_page(void *ctx, const struct s3_list_entry *e)
{
	return on_dataset_entry(((struct range_page *)ctx)->s, e);
}

static int on_range_entry(void *ctx, const struct s3_list_entry *e)
{
	struct range_page *rp = ctx;
	struct range *r = rp->r;
	char *const *days = rp->s->days;

	while (!r->done) {
		const char *f = days[r->at];

		if (!strncmp(e->key, f, strlen(f)))
			return on_entry(rp->s, e);
		if (strcmp(e->key, f) < 0)
			return 0;       /* a loose file of the dataset */
		if (r->at == r->last)
			r->done = true; /* past the range: stop it */
		else
			r->at++;
	}
	return 0;
}

/* List every range to its end, one page of each at a time, up to
 * s->concurrency pages in flight; entries go to CB (with a struct
 * range_page).  With DELIMITER the folders below each prefix come back
 * as common prefixes.  Content checks run between rounds.  Frees the
 * ranges. */
static int list_all(struct scan *s, struct range *rg, size_t nr,
		    const char *delimiter, s3_list_cb cb,
		    struct s3p_error *err)
{
	size_t per = s->concurrency, left = nr;
	struct s3_request *rq = xcalloc(per, sizeof(*rq));
	struct s3_response *rs = xcalloc(per, sizeof(*rs));
	struct s3_op *op = xcalloc(per, sizeof(*op));
	struct range_page *rp = xcalloc(per, sizeof(*rp));
	int rc = 0;

	while (left && !rc) {
		size_t m = 0;

		/* One page of each unfinished range, up to `per`. */
		for (size_t i = 0; i < nr && m < per; i++) {
			if (rg[i].done)
				continue;
			s3_op_list_objects(&op[m], s->bucket, rg[i].prefix,
					   delimiter, rg[i].token, 0);
			if (!rg[i].token && rg[i].start_after)
				s3_op_list_objects_after(&op[m],
							 rg[i].start_after);
			rq[m] = op[m].rq;
			rs[m] = (struct s3_response)S3_RESPONSE_INIT;
			rp[m].s = s;
			rp[m].r = &rg[i];
			m++;
		}
		rc = s3_send_batch(s->c, rq, rs, m, err);
		for (size_t k = 0; k < m && !rc; k++) {
			struct range *r = rp[k].r;
			struct s3_list_page page = { 0 };

			if (rs[k].deferred)
				continue;   /* too much at once: next round */
			rc = s3_list_objects_answer(&rs[k], s->bucket,
						    r->prefix, cb, &rp[k],
						    &page, err);
			if (rc)
				break;
			free(r->token);
			r->token = NULL;
			if (page.is_truncated && !r->done) {
				r->token = page.next_token;
				page.next_token = NULL;
			}
			rc = s3_list_guard_next(&r->guard, s->bucket,
						r->prefix, r->token, err);
			if (!r->token)
				r->done = true;
			if (r->done)
				left--;
			s3_list_page_release(&page);
		}
		for (size_t k = 0; k < m; k++)
			s3_response_release(&rs[k]);
		if (!rc)
			rc = run_checks(s, err);
	}
	for (size_t i = 0; i < nr; i++) {
		free(rg[i].prefix);
		free(rg[i].start_after);
		free(rg[i].token);
		s3_list_guard_release(&rg[i].guard);
	}
	free(rg);
	free(rq);
	free(rs);
	free(op);
	free(rp);
	return rc;
}

/* The datasets, with the delimiter: their folders into s->days, their
 * loose files to the check. */
static int list_datasets(struct scan *s, struct s3p_error *err)
{
	struct range *rg = xcalloc(s->nprefixes + 1, sizeof(*rg));

	for (size_t i = 0; i < s->nprefixes; i++)
		rg[i].prefix = xstrdup(s->prefixes[i]);
	return list_all(s, rg, s->nprefixes, "/", on_dataset_page, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every folder's objects: the sorted folders cut into ranges of at most
 * `each` consecutive folders (about LAYOUT_S3_RANGES), a range never
 * spanning two datasets, each listed from its first folder with
 * start-after in full pages (1,000 keys).  A folder of a few files then
 * costs no request of its own: the requests are about those of one
 * listing of the whole dataset, spread over the ranges (a range's last
 * page may run past its end: those keys are dropped). */
static int list_folders(struct scan *s, struct s3p_error *err)
{
	size_t each = (s->ndays + LAYOUT_S3_RANGES - 1) / LAYOUT_S3_RANGES;
	struct range *rg = xcalloc(s->ndays + 1, sizeof(*rg));
	size_t n = 0;

	if (s->ndays)     /* (no days: no array, and qsort wants one) */
		qsort(s->days, s->ndays, sizeof(*s->days), cmp_str);
	for (size_t i = 0; i < s->ndays; i++) {
		const char *f = s->days[i];
		size_t flen = strlen(f), plen = flen - 1;

		/* "events/2024-01-01/" is in dataset "events/" */
		while (plen && f[plen - 1] != '/')
			plen--;
		if (n && rg[n - 1].last - rg[n - 1].first + 1 < each &&
		    strlen(rg[n - 1].prefix) == plen &&
		    !strncmp(rg[n - 1].prefix, f, plen)) {
			rg[n - 1].last = i;
			continue;
		}
		rg[n].prefix = xstrndup(f, plen);
		rg[n].start_after = xstrndup(f, flen - 1);
		rg[n].first = rg[n].last = rg[n].at = i;
		n++;
	}
	return list_all(s, rg, n, NULL, on_range_entry, err);
}

int layout_s3_scan(struct layout *l, struct s3_client *c, const char *bucket,
		   size_t concurrency, struct s3p_error *err)
{
	struct scan s = { 0 };
	const char *const *filter;
	size_t nfilter;
	int rc;

	s.l = l;
	s.c = c;
	s.bucket = bucket;
	s.concurrency = concurrency ? concurrency : LAYOUT_S3_CONCURRENCY;
	filter = layout_dataset_filter(l, &nfilter);
	if (filter) {
		/* --dataset: list only those prefixes, never the bucket root,
		 * which a grant scoped to the prefixes denies. */
		for (size_t i = 0; i < nfilter; i++) {
			struct buf p = BUF_INIT;
			bool dup = false;

			for (size_t k = 0; k < i && !dup; k++)
				dup = !strcmp(filter[k], filter[i]);
			if (dup)
				continue;
			buf_printf(&p, "%s/", filter[i]);
			s.prefixes = xrealloc(s.prefixes, (s.nprefixes + 1) *
					      sizeof(*s.prefixes));
			s.prefixes[s.nprefixes++] = buf_detach(&p);
		}
		rc = 0;
	} else {
		rc = list_top(&s, err);
	}
	/* The datasets with the delimiter (their day folders), then the
	 * folders in ranges, concurrently: wall time grows with objects over
	 * concurrency, not with pages of one dataset after the other, and
	 * the requests with the objects, not with the folders. */
	if (!rc)
		rc = list_datasets(&s, err);
	if (!rc)
		rc = list_folders(&s, err);
	for (size_t i = 0; i < s.npending; i++)
		free(s.pending[i].key);
	free(s.pending);
	for (size_t i = 0; i < s.nprefixes; i++)
		free(s.prefixes[i]);
	free(s.prefixes);
	for (size_t i = 0; i < s.ndays; i++)
		free(s.days[i]);
	free(s.days);
	return rc < 0 ? -1 : rc;
}
