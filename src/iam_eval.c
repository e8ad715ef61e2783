/* iam_eval.c - IAM evaluation of a bucket policy.  See iam_eval.h for the
 * semantics; this file follows AWS's IAM JSON policy element reference
 * (Principal, NotPrincipal) and its policy evaluation logic for a
 * resource-based policy.  The policy is compiled by iam_compile.c, its
 * conditions are decided by iam_cond.c and the wildcard algebra is glob.c. */
#include "iam_eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "glob.h"
#include "grant.h"
#include "iam_internal.h"

/* ---- decisions ------------------------------------------------------------ */

const char *iam_decision_str(enum iam_decision d)
{
	switch (d) {
	case IAM_ALLOWED: return "allowed";
	case IAM_EXPLICIT_DENY: return "explicit-deny";
	case IAM_IMPLICIT_DENY: return "implicit-deny";
	case IAM_CONDITIONAL: return "conditional";
	}
	return "unknown";
}

/* ---- principal ------------------------------------------------------------ */

static int same_partition(const struct prin *e, const struct principal *p)
{
	return !e->partition || !strcmp(e->partition, p->partition);
}

/* Does entry e name (a layer of) principal p, as Principal does? */
static int prin_matches(const struct prin *e, const struct principal *p)
{
	switch (e->kind) {
	case PR_ANY:
		return 1;
	case PR_ACCOUNT:
		return same_partition(e, p) && !strcmp(e->account, p->account);
	case PR_USER:
		return p->type == PRINCIPAL_USER && !strcmp(e->raw, p->arn);
	case PR_ROLE:
		if (p->type == PRINCIPAL_ROLE)
			return !strcmp(e->raw, p->arn);
		return p->type == PRINCIPAL_ASSUMED_ROLE &&
		       same_partition(e, p) &&
		       !strcmp(e->account, p->account) &&
		       !strcmp(e->rolename, p->name);
	case PR_SESSION:
		return p->type == PRINCIPAL_ASSUMED_ROLE &&
		       !strcmp(e->raw, p->arn);
	case PR_OTHER:
		return 0;
	}
	return 0;
}

/* NotPrincipal with Deny: is p exempt?  Every identity of p must be
 * listed: the account, and the user / role / session itself. */
static int notprincipal_exempt(const struct stmt *s, const struct principal *p,
			       struct strset *notes)
{
	int account = 0, self = 0, role = 0, session = 0;
	char note[1400];

	for (size_t i = 0; i < s->npr; i++) {
		const struct prin *e = &s->pr[i];

		if (e->kind == PR_ANY) {
			account = self = role = session = 1;
		} else if (e->kind == PR_ACCOUNT) {
			account |= prin_matches(e, p);
		} else if (e->kind == PR_USER) {
			self |= prin_matches(e, p);
		} else if (e->kind == PR_ROLE) {
			role |= prin_matches(e, p);
		} else if (e->kind == PR_SESSION) {
			session |= prin_matches(e, p);
		}
	}
	switch (p->type) {
	case PRINCIPAL_ACCOUNT:
		return account;
	case PRINCIPAL_USER:
	case PRINCIPAL_ROLE: {
		int is_user = p->type == PRINCIPAL_USER;
		int listed = is_user ? self : role;

		if (account && !listed) {
			snprintf(note, sizeof(note),
				 "statement %zu: NotPrincipal lists the "
				 "account %s but not %s: AWS exempts only a "
				 "principal whose own ARN is listed too, so "
				 "this %s is denied", s->index, p->account,
				 p->arn, is_user ? "user" : "role");
			iam_strset_add(notes, note, 0);
		}
		if (listed && !account) {
			snprintf(note, sizeof(note),
				 "statement %zu: NotPrincipal lists %s but "
				 "not its account (arn:%s:iam::%s:root): "
				 "AWS denies the whole account, this %s "
				 "included",
				 s->index, p->arn, p->partition, p->account,
				 is_user ? "user" : "role");
			iam_strset_add(notes, note, 0);
		}
		return listed && account;
	}
	case PRINCIPAL_ASSUMED_ROLE:
		if ((session || role) && !(session && role && account)) {
			snprintf(note, sizeof(note),
				 "statement %zu: NotPrincipal must list the "
				 "session %s, its role and its account "
				 "(arn:%s:iam::%s:root) to exempt it",
				 s->index, p->arn, p->partition, p->account);
			iam_strset_add(notes, note, 0);
		}
		return session && role && account;
	}
	return 0;
}

static int principal_applies(const struct stmt *s, const struct principal *p,
			     struct strset *notes)
{
	size_t i;

	if (s->not_principal) {
		if (s->deny)
			return !notprincipal_exempt(s, p, notes);
		for (i = 0; i < s->npr; i++)
			if (prin_matches(&s->pr[i], p))
				return 0;
		return 1;
	}
	for (i = 0; i < s->npr; i++)
		if (prin_matches(&s->pr[i], p))
			return 1;
	return 0;
}

static int action_applies(const struct stmt *s, const char *action_lc,
			  size_t len)
{
	int hit = 0;

	for (size_t i = 0; i < s->nact && !hit; i++)
		hit = glob_match(&s->act[i], action_lc, len, 1);
	return s->not_action ? !hit : hit;
}

/* ---- evaluation ------------------------------------------------------------ */

struct st_eval {
	const struct stmt *s;
	enum tri base;          /* principal, action and condition */
	enum tri full;          /* the resources cover all of R */
	enum tri any;           /* they overlap R */
	struct strset keys;     /* unknown keys met */
	/* the statement's patterns overlapping R (borrowed from the policy);
	 * for NotResource, its patterns (what it does NOT cover) */
	const char **cov;
	size_t ncov;
	/* for union coverage by several Allow statements: the overlapping
	 * patterns, substituted (compiled ones borrowed, others owned) */
	const struct glob **pool;
	size_t npool;
	struct glob *owned;
	size_t nowned;
	int pool_definite;      /* no pattern depended on unknown keys */
	char *cond_false;       /* first condition found false (for notes) */
};

static void st_eval_release(struct st_eval *e)
{
	iam_strset_release(&e->keys);
	free(e->cov);
	free(e->pool);
	for (size_t i = 0; i < e->nowned; i++)
		glob_release(&e->owned[i]);
	free(e->owned);
	free(e->cond_false);
}

/* Resource / NotResource of s against the resource pattern R. */
static void eval_resource(struct st_eval *e, const struct glob *R,
			  const struct eval_context *ctx)
{
	const struct stmt *s = e->s;
	const struct glob *defin_s[16], *maybe_s[16];
	int heap = s->nres >= 16;
	const struct glob **defin = heap ? xcalloc(s->nres + 1, sizeof(*defin))
					 : defin_s;
	const struct glob **maybe = heap ? xcalloc(s->nres + 1, sizeof(*maybe))
					 : maybe_s;
	size_t nd = 0, nm = 0, i;
	int cover_def = 0, cover_maybe = 0, ov_def = 0, ov_maybe = 0;

	e->pool_definite = 1;
	for (i = 0; i < s->nres; i++) {
		const struct glob *g;
		struct glob tmp;
		enum subst sr;
		int ov;

		if (s->res[i].dyn) {
			if (!e->owned)
				e->owned = xcalloc(s->nres, sizeof(*e->owned));
			sr = iam_pstr_glob(&s->res[i], ctx, 1, 0,
					   &e->owned[e->nowned], &g, &e->keys);
			e->nowned++;
		} else {
			sr = iam_pstr_glob(&s->res[i], ctx, 1, 0, &tmp, &g,
					   &e->keys);
		}
		if (sr == SUB_FAIL)
			continue;
		ov = glob_overlaps(g, R, 0);
		if (!ov)
			continue;
		if (!e->cov) {
			e->cov = xmalloc(s->nres * sizeof(*e->cov));
			e->pool = xmalloc(s->nres * sizeof(*e->pool));
		}
		e->cov[e->ncov++] = s->res[i].raw;
		e->pool[e->npool++] = g;
		if (sr == SUB_OK) {
			defin[nd++] = g;
			ov_def = 1;
			if (!cover_def && glob_covers(g, R, 0))
				cover_def = 1;
		} else {
			maybe[nm++] = g;
			ov_maybe = 1;
			e->pool_definite = 0;
			if (!cover_maybe && glob_covers(g, R, 0))
				cover_maybe = 1;
		}
	}
	if (!s->not_resource) {
		e->any = ov_def ? T_TRUE : ov_maybe ? T_UNKNOWN : T_FALSE;
		e->full = cover_def ? T_TRUE
			  : cover_maybe ? T_UNKNOWN : T_FALSE;
		if (e->full == T_FALSE && nd + nm > 1) {
			/* several patterns of one statement together */
			if (glob_covers_union(defin, nd, R, 0) == 1) {
				e->full = T_TRUE;
			} else if (nm) {
				for (i = 0; i < nm; i++)
					defin[nd + i] = maybe[i];
				if (glob_covers_union(defin, nd + nm, R, 0) == 1)
					e->full = T_UNKNOWN;
			}
		}
	} else {
		/* applies to r iff r matches no NotResource pattern */
		e->full = ov_def ? T_FALSE : ov_maybe ? T_UNKNOWN : T_TRUE;
		if (nd && glob_covers_union(defin, nd, R, 0) == 1) {
			e->any = T_FALSE;
		} else {
			for (i = 0; i < nm; i++)
				defin[nd + i] = maybe[i];
			e->any = nd + nm &&
					 glob_covers_union(defin, nd + nm, R,
							   0) == 1
				 ? T_UNKNOWN : T_TRUE;
		}
		/* a NotResource statement is never pooled */
		e->npool = 0;
	}
	if (heap) {
		free(defin);
		free(maybe);
	}
}

static void result_add_stmt(struct eval_result *r, const struct st_eval *e,
			    int conditional, int partial, int with_covered)
{
	struct iam_stmt_ref *ref;

	for (size_t i = 0; i < r->nstatements; i++)
		if (r->statements[i].index == e->s->index)
			return;
	r->statements = xrealloc(r->statements,
				 (r->nstatements + 1) * sizeof(*r->statements));
	ref = &r->statements[r->nstatements++];
	memset(ref, 0, sizeof(*ref));
	ref->index = e->s->index;
	ref->sid = e->s->sid ? xstrdup(e->s->sid) : NULL;
	ref->deny = e->s->deny;
	ref->conditional = conditional;
	ref->partial = partial;
	if (with_covered && e->s->not_resource) {
		/* what it covers: everything but the NotResource patterns */
		struct buf b = BUF_INIT;

		buf_puts(&b, "every resource except");
		for (size_t i = 0; i < e->s->nres; i++)
			buf_printf(&b, "%s %s", i ? "," : "",
				   e->s->res[i].raw);
		iam_strv_push(&ref->covered, &ref->ncovered, buf_str(&b));
		buf_release(&b);
	} else if (with_covered) {
		for (size_t i = 0; i < e->ncov; i++)
			iam_strv_push(&ref->covered, &ref->ncovered, e->cov[i]);
	}
}

static void sort_refs(struct eval_result *r)
{
	/* insertion sort by index: few entries */
	for (size_t i = 1; i < r->nstatements; i++) {
		struct iam_stmt_ref t = r->statements[i];
		size_t j = i;

		while (j && r->statements[j - 1].index > t.index) {
			r->statements[j] = r->statements[j - 1];
			j--;
		}
		r->statements[j] = t;
	}
}

static void stmt_label(const struct stmt *s, char *out, size_t n)
{
	if (s->sid && *s->sid)
		snprintf(out, n, "statement %zu (%s)", s->index, s->sid);
	else
		snprintf(out, n, "statement %zu", s->index);
}

static void set_to_vec(const struct strset *s, char ***v, size_t *n)
{
	for (size_t i = 0; i < s->n; i++)
		iam_strv_push(v, n, s->v[i]);
}

/* An Allow of the action that names, instead of p, another user, role or
 * session of p's account: a note for when nothing allows p (a mistyped
 * --user, or a policy written for another of the vendor's principals). */
static void note_same_account(const struct stmt *s, const struct principal *p,
			      const char *action, const struct glob *R,
			      struct strset *out)
{
	char label[600], line[2400];
	size_t i;

	if (p->type == PRINCIPAL_ACCOUNT)
		return;
	for (i = 0; i < s->nres && !s->not_resource; i++)
		if (s->res[i].dyn || glob_overlaps(&s->res[i].g, R, 0))
			break;
	if (i == s->nres && !s->not_resource)
		return;   /* about other resources */
	for (i = 0; i < s->npr; i++) {
		const struct prin *e = &s->pr[i];

		if ((e->kind != PR_USER && e->kind != PR_ROLE &&
		     e->kind != PR_SESSION) || !same_partition(e, p) ||
		    strcmp(e->account, p->account) || prin_matches(e, p))
			continue;
		stmt_label(s, label, sizeof(label));
		snprintf(line, sizeof(line),
			 "%s allows %s to %s, another principal of account "
			 "%s, not to %s", label, action, e->raw, p->account,
			 p->arn);
		iam_strset_add(out, line, 0);
	}
}

/* The resources a resource pattern stands for.  An object key is never
 * empty (the S3 API's ObjectKey has a minimum length of 1), so when the key
 * part of an S3 object ARN is only stars ("bucket/" then "*"), it stands
 * for one or more characters. */
static void resource_glob(const char *resource, struct glob *R)
{
	const char *p, *slash;

	glob_push_text(R, resource, strlen(resource), 1, 0);
	if (strncmp(resource, "arn:", 4) ||
	    !(p = strchr(resource + 4, ':')) || strncmp(p, ":s3:::", 6))
		return;
	p += 6;
	slash = strchr(p, '/');
	if (!slash || slash == p ||
	    strcspn(resource, "*?") < (size_t)(slash - resource) ||
	    !slash[1] || strspn(slash + 1, "*") != strlen(slash + 1))
		return;
	R->n--; /* the star the key's stars became */
	glob_push(R, GLOB_ANY);
	glob_push(R, GLOB_STAR);
}

int iam_eval(const struct iam_policy *pol, const struct eval_context *ctx,
	     const char *action, const char *resource,
	     struct eval_result *out, struct s3p_error *err)
{
	struct eval_context actx;
	struct st_eval *ev;
	size_t nev = 0, i, k, alen = strlen(action);
	char *act = xstrdup(action);
	struct glob R = { 0 };
	struct strset notes = { 0 }, keys = { 0 }, others = { 0 };
	enum tri allow = T_FALSE;
	int deny_true = 0, deny_maybe = 0, allow_full_true = 0;
	int via_pool = 0;
	char label[600], line[2400];

	memset(out, 0, sizeof(*out));
	if (!pol || !ctx)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "iam_eval: no policy or context");
	/* the lookups also know which keys this action's request carries */
	actx = *ctx;
	actx.action = action;
	ctx = &actx;
	for (i = 0; i < alen; i++)
		act[i] = (char)glob_fold((unsigned char)act[i]);
	resource_glob(resource, &R);
	ev = xcalloc(pol->n + 1, sizeof(*ev));

	for (i = 0; i < pol->n; i++) {
		const struct stmt *s = &pol->st[i];
		struct st_eval *e = &ev[nev];
		enum tri c = T_TRUE;

		if (s->invalid)
			continue;
		if (!action_applies(s, act, alen))
			continue;
		if (!principal_applies(s, &ctx->principal, &notes)) {
			if (!s->deny && !s->not_principal)
				note_same_account(s, &ctx->principal, action,
						  &R, &others);
			continue;
		}
		memset(e, 0, sizeof(*e));
		e->s = s;
		for (k = 0; k < s->ncond; k++) {
			if (!s->cond[k].valid) {
				stmt_label(s, label, sizeof(label));
				snprintf(line, sizeof(line),
					 "%s: condition operator '%s' is not "
					 "valid IAM (AWS rejects the policy); "
					 "its outcome is unknown", label,
					 s->cond[k].op);
				iam_strset_add(&notes, line, 0);
			}
		}
		for (k = 0; k < s->ncond && c != T_FALSE; k++) {
			c = tri_and(c, iam_cond_eval(&s->cond[k], ctx, &e->keys));
			if (c == T_FALSE) {
				snprintf(line, sizeof(line), "%s on %s",
					 s->cond[k].op, s->cond[k].key);
				e->cond_false = xstrdup(line);
			}
		}
		e->base = c;
		eval_resource(e, &R, ctx);
		if (e->any == T_FALSE) {
			st_eval_release(e);
			continue;
		}
		if (c == T_FALSE && s->deny) {
			st_eval_release(e);
			continue;
		}
		nev++;
	}

	/* Deny */
	for (i = 0; i < nev; i++) {
		enum tri d;

		if (!ev[i].s->deny)
			continue;
		d = tri_and(ev[i].base, ev[i].any);
		if (d == T_TRUE)
			deny_true = 1;
		else if (d == T_UNKNOWN)
			deny_maybe = 1;
	}
	/* Allow: one statement covering all of R, or several together */
	for (i = 0; i < nev; i++) {
		enum tri a;

		if (ev[i].s->deny)
			continue;
		a = tri_and(ev[i].base, ev[i].full);
		if (a == T_TRUE)
			allow_full_true = 1;
		allow = tri_or(allow, a);
	}
	if (allow != T_TRUE) {
		const struct glob **pt = NULL, **pm = NULL;
		size_t nt = 0, nm = 0;

		for (i = 0; i < nev; i++) {
			if (ev[i].s->deny || ev[i].base == T_FALSE)
				continue;
			for (k = 0; k < ev[i].npool; k++) {
				pm = xrealloc(pm, (nm + 1) * sizeof(*pm));
				pm[nm++] = ev[i].pool[k];
				if (ev[i].base == T_TRUE &&
				    ev[i].pool_definite) {
					pt = xrealloc(pt, (nt + 1) *
						      sizeof(*pt));
					pt[nt++] = ev[i].pool[k];
				}
			}
		}
		if (nt && glob_covers_union(pt, nt, &R, 0) == 1) {
			allow = T_TRUE;
			via_pool = 1;
		} else if (allow == T_FALSE && nm &&
			   glob_covers_union(pm, nm, &R, 0) == 1) {
			allow = T_UNKNOWN;
			via_pool = 1;
		}
		free(pt);
		free(pm);
	}

	if (deny_true) {
		out->decision = IAM_EXPLICIT_DENY;
		for (i = 0; i < nev; i++)
			if (ev[i].s->deny &&
			    tri_and(ev[i].base, ev[i].any) == T_TRUE)
				result_add_stmt(out, &ev[i], 0,
						ev[i].full != T_TRUE, 1);
	} else if (allow == T_FALSE) {
		out->decision = IAM_IMPLICIT_DENY;
		for (i = 0; i < nev && ev[i].s->deny; i++)
			;
		if (i == nev) /* no Allow names p at all */
			iam_strset_merge(&notes, &others, 0);
		for (i = 0; i < nev; i++) {
			const struct st_eval *e = &ev[i];

			if (e->s->deny)
				continue;
			stmt_label(e->s, label, sizeof(label));
			if (e->base == T_FALSE && e->cond_false) {
				snprintf(line, sizeof(line),
					 "%s would allow %s but its condition "
					 "%s does not hold",
					 label, action, e->cond_false);
				iam_strset_add(&notes, line, 0);
			} else if (e->full == T_FALSE && e->any != T_FALSE) {
				struct buf b = BUF_INIT;

				for (k = 0; k < e->ncov; k++)
					buf_printf(&b, "%s%s", k ? ", " : "",
						   e->cov[k]);
				snprintf(line, sizeof(line),
					 "%s allows %s only on part of %s: %s",
					 label, action, resource, buf_str(&b));
				buf_release(&b);
				iam_strset_add(&notes, line, 0);
			}
		}
	} else {
		int conditional = allow == T_UNKNOWN || deny_maybe;

		out->decision = conditional ? IAM_CONDITIONAL : IAM_ALLOWED;
		for (i = 0; i < nev; i++) {
			const struct st_eval *e = &ev[i];
			enum tri a = tri_and(e->base, e->full);

			if (e->s->deny) {
				if (tri_and(e->base, e->any) != T_UNKNOWN)
					continue;
				result_add_stmt(out, e, 1, e->full != T_TRUE,
						1);
				iam_strset_merge(&keys, &e->keys, 1);
				continue;
			}
			if (allow == T_TRUE) {
				/* the definite Allows */
				if (allow_full_true ? a == T_TRUE
				    : (via_pool && e->base == T_TRUE &&
				       e->pool_definite && e->npool))
					result_add_stmt(out, e, 0,
							a != T_TRUE,
							a != T_TRUE);
				continue;
			}
			/* allow unknown: every Allow that may contribute */
			if (a == T_UNKNOWN || (via_pool && e->base != T_FALSE &&
					       e->npool)) {
				int part = e->full != T_TRUE;

				result_add_stmt(out, e, e->base != T_TRUE ||
						!e->pool_definite ||
						e->full == T_UNKNOWN, part, part);
				iam_strset_merge(&keys, &e->keys, 1);
			}
		}
		if (!conditional)
			iam_strset_release(&keys);
	}
	sort_refs(out);
	set_to_vec(&keys, &out->condition_keys, &out->ncondition_keys);
	set_to_vec(&notes, &out->notes, &out->nnotes);
	for (i = 0; i < nev; i++)
		st_eval_release(&ev[i]);
	free(ev);
	iam_strset_release(&keys);
	iam_strset_release(&notes);
	iam_strset_release(&others);
	glob_release(&R);
	free(act);
	return 0;
}

void eval_result_release(struct eval_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nstatements; i++) {
		free(r->statements[i].sid);
		iam_strv_free(r->statements[i].covered, r->statements[i].ncovered);
	}
	free(r->statements);
	iam_strv_free(r->condition_keys, r->ncondition_keys);
	iam_strv_free(r->notes, r->nnotes);
	memset(r, 0, sizeof(*r));
}

static int decision_rank(enum iam_decision d)
{
	switch (d) {
	case IAM_EXPLICIT_DENY: return 3;
	case IAM_IMPLICIT_DENY: return 2;
	case IAM_CONDITIONAL: return 1;
	case IAM_ALLOWED: return 0;
	}
	return 0;
}

static void merge_result(struct eval_result *dst, struct eval_result *src)
{
	struct strset keys = { 0 }, notes = { 0 };
	size_t i, j;

	if (decision_rank(src->decision) > decision_rank(dst->decision)) {
		/* the worse decision's explanation replaces the other's */
		for (i = 0; i < dst->nstatements; i++) {
			free(dst->statements[i].sid);
			iam_strv_free(dst->statements[i].covered,
				      dst->statements[i].ncovered);
		}
		free(dst->statements);
		dst->statements = NULL;
		dst->nstatements = 0;
		iam_strv_free(dst->condition_keys, dst->ncondition_keys);
		dst->condition_keys = NULL;
		dst->ncondition_keys = 0;
		dst->decision = src->decision;
	}
	if (src->decision == dst->decision) {
		for (i = 0; i < src->nstatements; i++) {
			for (j = 0; j < dst->nstatements; j++)
				if (dst->statements[j].index ==
				    src->statements[i].index)
					break;
			if (j < dst->nstatements)
				continue;
			dst->statements = xrealloc(dst->statements,
				(dst->nstatements + 1) *
				sizeof(*dst->statements));
			dst->statements[dst->nstatements++] =
				src->statements[i];
			memset(&src->statements[i], 0,
			       sizeof(src->statements[i]));
		}
		for (i = 0; i < dst->ncondition_keys; i++)
			iam_strset_add(&keys, dst->condition_keys[i], 1);
		for (i = 0; i < src->ncondition_keys; i++)
			iam_strset_add(&keys, src->condition_keys[i], 1);
		iam_strv_free(dst->condition_keys, dst->ncondition_keys);
		dst->condition_keys = NULL;
		dst->ncondition_keys = 0;
		set_to_vec(&keys, &dst->condition_keys, &dst->ncondition_keys);
	}
	for (i = 0; i < dst->nnotes; i++)
		iam_strset_add(&notes, dst->notes[i], 0);
	for (i = 0; i < src->nnotes; i++)
		iam_strset_add(&notes, src->notes[i], 0);
	iam_strv_free(dst->notes, dst->nnotes);
	dst->notes = NULL;
	dst->nnotes = 0;
	set_to_vec(&notes, &dst->notes, &dst->nnotes);
	sort_refs(dst);
	iam_strset_release(&keys);
	iam_strset_release(&notes);
}

int iam_eval_grant(const struct iam_policy *pol,
		   const struct eval_context *base, const struct grant *g,
		   struct eval_result *out, struct s3p_error *err)
{
	size_t n = g->bucket_level && g->nprefixes ? g->nprefixes : 1;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		struct eval_context ctx;
		struct eval_result one;
		int rc;

		if (eval_context_for_grant(base, g, i, &ctx, err) < 0)
			goto fail;
		rc = iam_eval(pol, &ctx, g->action, g->resource, &one, err);
		eval_context_release(&ctx);
		if (rc < 0)
			goto fail;
		if (i == 0) {
			*out = one;
		} else {
			merge_result(out, &one);
			eval_result_release(&one);
		}
	}
	return 0;
fail:
	eval_result_release(out);
	return -1;
}
