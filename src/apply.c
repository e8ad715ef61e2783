/* apply.c - gen's merge on the live bucket: read, merge, diff, back up,
 * re-read, write, re-read and evaluate. */
#include "apply.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
#include "policy.h"
#include "s3.h"

/* An S3 failure, with the permission the credentials lack named. */
static int s3_failed(const struct s3_response *r, const char *action,
		     const char *bucket, struct s3p_error *err)
{
	if (r->error_class == S3_ERR_PERMISSION)
		return s3p_error_set(err, S3P_E_S3, "%s; your credentials "
			"need %s on bucket '%s'", err->msg, action, bucket);
	return -1;
}

/* GetBucketPolicy: 0 with *text, 1 none, -1 err. */
static int get_policy(struct s3_client *c, const char *bucket, char **text,
		      struct s3p_error *err)
{
	struct s3_response r = S3_RESPONSE_INIT;
	int rc = s3_get_bucket_policy(c, bucket, text, &r, err);

	if (rc < 0)
		s3_failed(&r, "s3:GetBucketPolicy", bucket, err);
	s3_response_release(&r);
	return rc;
}

static char *pretty(const char *text, const char *name,
		    struct s3p_error *err)
{
	json_t *doc;
	char *out = NULL;

	if (policy_parse(text, strlen(text), name, &doc, err))
		return NULL;
	if (policy_format(doc, POLICY_JSON, "", NULL, &out, err))
		out = NULL;
	json_decref(doc);
	return out;
}

int apply_prepare(struct s3_client *c, const struct apply_request *rq,
		  struct apply_state *st, struct s3p_error *err)
{
	struct gen_request g = rq->gen;
	json_t *before = NULL;
	int r;

	memset(st, 0, sizeof(*st));
	r = get_policy(c, rq->gen.bucket, &st->before_text, err);
	if (r < 0)
		return -1;
	g.format = "json";
	g.merge_path = NULL;
	g.merge_text = st->before_text ? st->before_text : "";
	g.merge_len = st->before_text ? strlen(st->before_text) : 0;
	g.merge_none = r == 1;
	g.merge_name = "the bucket's current policy";
	if (gen_run(&g, &st->gen, err))
		return -1;
	if (st->before_text) {
		st->before_pretty = pretty(st->before_text,
					   "the bucket's current policy", err);
		if (!st->before_pretty)
			return -1;
		if (policy_parse(st->before_text, strlen(st->before_text),
				 "the bucket's current policy", &before, err))
			return -1;
	} else {
		st->before_pretty = xstrdup("");
	}
	st->delete_policy = st->gen.empty;
	if (st->delete_policy || !st->gen.doc)
		st->after_pretty = xstrdup("");
	else
		st->after_pretty = xstrdup(st->gen.text);
	if (st->delete_policy)
		st->changed = before != NULL;
	else if (!st->gen.doc)
		st->changed = 0;
	else
		st->changed = !before || !json_equal(before, st->gen.doc);
	json_decref(before);
	return 0;
}

/* ---- diff ---------------------------------------------------------------- */

struct lines {
	const char **p;
	size_t *len;
	size_t n;
};

static void split(const char *s, struct lines *l)
{
	l->p = NULL;
	l->len = NULL;
	l->n = 0;
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		l->p = xrealloc(l->p, (l->n + 1) * sizeof(*l->p));
		l->len = xrealloc(l->len, (l->n + 1) * sizeof(*l->len));
		l->p[l->n] = s;
		l->len[l->n++] = n;
		s += n + (e ? 1 : 0);
	}
}

static int same(const struct lines *a, size_t i, const struct lines *b,
		size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->p[i], b->p[j], a->len[i]);
}

/* One line of the edit script: ' ', '-' or '+', and its line. */
struct edit {
	char op;
	const char *p;
	size_t len;
	size_t ai, bi;      /* line numbers (0-based) in a and b */
};

static void put_line(struct buf *out, char op, const char *p, size_t len,
		     int color)
{
	const char *on = !color ? "" : op == '-' ? "\033[31m" :
		op == '+' ? "\033[32m" : "";

	buf_puts(out, on);
	buf_putc(out, op);
	buf_append(out, p, len);
	if (*on)
		buf_puts(out, "\033[0m");
	buf_putc(out, '\n');
}

void apply_diff(const char *a, const char *b, const char *label_a,
		const char *label_b, int color, struct buf *out)
{
	struct lines la, lb;
	size_t n, m, i, j, ne = 0, k;
	unsigned *t;
	struct edit *ed;

	if (!strcmp(a, b))
		return;
	split(a, &la);
	split(b, &lb);
	n = la.n;
	m = lb.n;
	/* LCS lengths of the suffixes: t[i][j] for a[i..], b[j..] (a policy
	 * is at most 20 KB, so a few thousand lines) */
	t = xcalloc((n + 1) * (m + 1), sizeof(*t));
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			t[i * (m + 1) + j] = same(&la, i, &lb, j) ?
				t[(i + 1) * (m + 1) + j + 1] + 1 :
				t[(i + 1) * (m + 1) + j] >
				t[i * (m + 1) + j + 1] ?
				t[(i + 1) * (m + 1) + j] :
				t[i * (m + 1) + j + 1];
	ed = xcalloc(n + m + 1, sizeof(*ed));
	for (i = 0, j = 0; i < n || j < m;) {
		struct edit *e = &ed[ne++];

		e->ai = i;
		e->bi = j;
		if (i < n && j < m && same(&la, i, &lb, j)) {
			e->op = ' ';
			e->p = la.p[i];
			e->len = la.len[i];
			i++;
			j++;
		} else if (i < n && (j == m || t[(i + 1) * (m + 1) + j] >=
					      t[i * (m + 1) + j + 1])) {
			e->op = '-';      /* deletions first, as diff -u */
			e->p = la.p[i];
			e->len = la.len[i];
			i++;
		} else {
			e->op = '+';
			e->p = lb.p[j];
			e->len = lb.len[j];
			j++;
		}
	}
	buf_printf(out, "%s--- %s%s\n", color ? "\033[1m" : "", label_a,
		   color ? "\033[0m" : "");
	buf_printf(out, "%s+++ %s%s\n", color ? "\033[1m" : "", label_b,
		   color ? "\033[0m" : "");
	for (k = 0; k < ne;) {
		size_t start, end, last, na = 0, nb = 0;

		if (ed[k].op == ' ') {
			k++;
			continue;
		}
		/* a hunk: 3 lines of context around changes less than 7
		 * unchanged lines apart */
		start = k >= 3 ? k - 3 : 0;
		last = k;
		for (end = k; end < ne; end++) {
			if (ed[end].op != ' ')
				last = end;
			else if (end - last > 6)
				break;
		}
		end = last + 4 < ne ? last + 4 : ne;
		for (size_t x = start; x < end; x++) {
			na += ed[x].op != '+';
			nb += ed[x].op != '-';
		}
		buf_printf(out, "%s@@ -%zu,%zu +%zu,%zu @@%s\n",
			   color ? "\033[36m" : "",
			   na ? ed[start].ai + 1 : ed[start].ai, na,
			   nb ? ed[start].bi + 1 : ed[start].bi, nb,
			   color ? "\033[0m" : "");
		for (size_t x = start; x < end; x++)
			put_line(out, ed[x].op, ed[x].p, ed[x].len, color);
		k = end;
	}
	free(ed);
	free(t);
	free(la.p);
	free(la.len);
	free(lb.p);
	free(lb.len);
}

/* ---- backup -------------------------------------------------------------- */

void apply_backup_name(const char *bucket, time_t now, char *out,
		       size_t size)
{
	struct tm tm;
	char stamp[32];

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(out, size, "%s.policy.%s.json", bucket, stamp);
}

int apply_backup(struct apply_state *st, const char *path,
		 struct s3p_error *err)
{
	size_t len, off = 0;
	int fd;

	if (!st->before_text)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return s3p_error_set(err, S3P_E_IO, "cannot create backup "
			"'%s': %s", path, strerror(errno));
	len = strlen(st->before_text);
	while (off < len) {
		ssize_t w = write(fd, st->before_text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;

			close(fd);
			unlink(path);
			return s3p_error_set(err, S3P_E_IO, "cannot write "
				"backup '%s': %s", path, strerror(e));
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd)) {
		int e = errno;

		unlink(path);
		return s3p_error_set(err, S3P_E_IO, "cannot write backup "
			"'%s': %s", path, strerror(e));
	}
	st->backup_path = xstrdup(path);
	return 0;
}

/* ---- write --------------------------------------------------------------- */

int apply_commit(struct s3_client *c, const struct apply_request *rq,
		 struct apply_state *st, struct s3p_error *err)
{
	const char *bucket = rq->gen.bucket;
	struct s3_response r = S3_RESPONSE_INIT;
	char *now = NULL, *compact = NULL;
	int rc;

	rc = get_policy(c, bucket, &now, err);
	if (rc < 0)
		return -1;
	if ((now == NULL) != (st->before_text == NULL) ||
	    (now && strcmp(now, st->before_text))) {
		free(now);
		return APPLY_RACE;
	}
	free(now);
	if (st->delete_policy) {
		rc = s3_delete_bucket_policy(c, bucket, &r, err);
		if (rc < 0)
			s3_failed(&r, "s3:DeleteBucketPolicy", bucket, err);
	} else {
		compact = json_dumps(st->gen.doc, JSON_COMPACT |
				     JSON_PRESERVE_ORDER);
		if (!compact) {
			rc = s3p_error_set(err, S3P_E_INTERNAL,
					   "cannot print the policy");
		} else {
			rc = s3_put_bucket_policy(c, bucket, compact,
						  strlen(compact), &r, err);
			if (rc < 0 && !strcmp(r.code, "MalformedPolicy"))
				s3p_error_set(err, S3P_E_INPUT, "S3 rejected "
					"the policy for bucket '%s' "
					"(MalformedPolicy): %s", bucket,
					*r.message ? r.message :
					"no message given");
			else if (rc < 0)
				s3_failed(&r, "s3:PutBucketPolicy", bucket,
					  err);
		}
	}
	s3_response_release(&r);
	free(compact);
	if (rc < 0)
		return -1;
	st->written = 1;
	return APPLY_COMMITTED;
}

/* ---- after the write ----------------------------------------------------- */

static void problem(struct apply_state *st, const char *msg)
{
	st->problems = xrealloc(st->problems,
				(st->nproblems + 1) * sizeof(char *));
	st->problems[st->nproblems++] = xstrdup(msg);
}

static void describe_grant(struct buf *b, const struct verify_grant *vg)
{
	buf_printf(b, "%s on '%s' is %s", vg->grant->action,
		   vg->grant->resource, iam_decision_str(vg->eval.decision));
	for (size_t k = 0; k < vg->eval.nstatements; k++) {
		const struct iam_stmt_ref *s = &vg->eval.statements[k];

		buf_printf(b, "%s#%zu", k ? ", " : " (statement ", s->index);
		if (s->sid)
			buf_printf(b, " Sid '%s'", s->sid);
		if (k + 1 == vg->eval.nstatements)
			buf_putc(b, ')');
	}
}

int apply_check(struct s3_client *c, const struct apply_request *rq,
		struct apply_state *st, struct s3p_error *err)
{
	static const char *const modes[] = { "read", "export" };
	struct principal pr;
	const char *partition;
	struct verify_request vr;
	char *text = NULL;
	int r;

	if (names_resolve_principal(rq->gen.user, rq->gen.account,
				    rq->gen.principal, rq->gen.partition,
				    &pr, &partition, err))
		return -1;
	r = get_policy(c, rq->gen.bucket, &text, err);
	if (r < 0)
		return -1;
	memset(&vr, 0, sizeof(vr));
	vr.bucket = rq->gen.bucket;
	vr.principal = &pr;
	vr.partition = partition;
	vr.prefixes = rq->gen.prefixes;
	vr.nprefixes = rq->gen.nprefixes;
	vr.templates_dir = rq->gen.templates_dir;
	if (rq->gen.remove && st->delete_policy && text) {
		problem(st, "the bucket still has a policy after "
			"DeleteBucketPolicy");
	}
	for (size_t m = 0; m < 2; m++) {
		struct verify_result res;
		int mine = !strcmp(modes[m], rq->gen.mode);

		if (!rq->gen.remove && !mine)
			continue;
		vr.mode = modes[m];
		if (text ? verify_policy_text(&vr, text, strlen(text),
					      "the bucket's policy", &res, err)
			 : verify_no_policy(&vr, &res, err)) {
			verify_result_release(&res);
			free(text);
			return -1;
		}
		for (size_t i = 0; i < res.nresults; i++) {
			const struct verify_grant *vg = &res.results[i];
			struct buf b = BUF_INIT;

			if (!rq->gen.remove &&
			    vg->eval.decision != IAM_ALLOWED) {
				buf_puts(&b, "after the write, ");
				describe_grant(&b, vg);
				buf_puts(&b, ": the vendor lacks this grant");
				problem(st, buf_str(&b));
			} else if (rq->gen.remove &&
				   vg->eval.decision == IAM_ALLOWED) {
				buf_puts(&b, "after the removal, ");
				describe_grant(&b, vg);
				buf_puts(&b, ": the vendor still has it");
				problem(st, buf_str(&b));
			}
			buf_release(&b);
		}
		if (mine && !st->have_verify) {
			st->verify = res;
			st->have_verify = 1;
		} else {
			verify_result_release(&res);
		}
	}
	free(text);
	return 0;
}

/* ---- --json --------------------------------------------------------------- */

static json_t *doc_or_null(const char *text)
{
	json_t *d;
	struct s3p_error e;

	if (!text || !*text)
		return json_null();
	if (policy_parse(text, strlen(text), "policy", &d, &e))
		return json_string(text);
	return d;
}

char *apply_json(const struct apply_request *rq, const struct apply_state *st)
{
	json_t *o = json_object(), *results = json_array();
	json_t *findings = json_array();
	char *s;

	json_object_set_new(o, "bucket", json_string(rq->gen.bucket));
	json_object_set_new(o, "mode", json_string(rq->gen.mode));
	json_object_set_new(o, "remove", json_boolean(rq->gen.remove));
	json_object_set_new(o, "changed", json_boolean(st->changed));
	json_object_set_new(o, "written", json_boolean(st->written));
	json_object_set_new(o, "backup", st->backup_path ?
			    json_string(st->backup_path) : json_null());
	json_object_set_new(o, "before", doc_or_null(st->before_text));
	json_object_set_new(o, "after", st->gen.doc && !st->delete_policy ?
			    json_incref(st->gen.doc) : json_null());
	if (st->have_verify)
		for (size_t i = 0; i < st->verify.nresults; i++) {
			const struct verify_grant *vg = &st->verify.results[i];

			json_array_append_new(results, json_pack(
				"{s:s, s:s, s:s}", "action", vg->grant->action,
				"resource", vg->grant->resource, "decision",
				iam_decision_str(vg->eval.decision)));
		}
	for (size_t i = 0; i < st->gen.nwarnings; i++)
		json_array_append_new(findings, json_pack("{s:s, s:s}",
			"severity", "warning", "message",
			st->gen.warnings[i]));
	for (size_t i = 0; i < st->gen.nerrors; i++)
		json_array_append_new(findings, json_pack("{s:s, s:s}",
			"severity", "error", "message", st->gen.errors[i]));
	for (size_t i = 0; i < st->nproblems; i++)
		json_array_append_new(findings, json_pack("{s:s, s:s}",
			"severity", "error", "message", st->problems[i]));
	json_object_set_new(o, "results", results);
	json_object_set_new(o, "findings", findings);
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s) {
		size_t n = strlen(s);

		s = xrealloc(s, n + 2);
		s[n] = '\n';
		s[n + 1] = 0;
	}
	return s;
}

void apply_state_release(struct apply_state *st)
{
	free(st->before_text);
	gen_result_release(&st->gen);
	free(st->before_pretty);
	free(st->after_pretty);
	free(st->backup_path);
	if (st->have_verify)
		verify_result_release(&st->verify);
	for (size_t i = 0; i < st->nproblems; i++)
		free(st->problems[i]);
	free(st->problems);
	memset(st, 0, sizeof(*st));
}
