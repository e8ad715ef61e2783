/* gen.c - render the vendor's policy, merge it, check it. */
#include "gen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lint.h"
#include "names.h"
#include "policy.h"
#include "s3_actions.h"
#include "template.h"
#include "iam_eval.h"

static void add_line(char ***list, size_t *n, const char *msg)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(char *));
	(*list)[(*n)++] = xstrdup(msg);
}

static void add_warning(struct gen_result *res, const char *msg)
{
	add_line(&res->warnings, &res->nwarnings, msg);
}

/* "statement #3 (Sid 'X')" or "statement #3" */
static void put_statement(struct buf *b, size_t index, const char *sid)
{
	buf_printf(b, "statement #%zu", index);
	if (sid)
		buf_printf(b, " (Sid '%s')", sid);
}

/* ---- Deny warnings ------------------------------------------------------- */

/* The condition keys of one statement, "aws:PrincipalOrgID, aws:SourceVpce"
 * (as written, unique). */
static void put_condition_keys(struct buf *b, const json_t *st)
{
	const json_t *cond = json_object_get(st, "Condition"), *ops;
	const char *op, *key;
	json_t *seen = json_object(), *v;
	int n = 0;

	json_object_foreach((json_t *)cond, op, ops) {
		json_object_foreach((json_t *)ops, key, v) {
			if (json_object_get(seen, key))
				continue;
			json_object_set_new(seen, key, json_true());
			buf_printf(b, "%s%s", n++ ? ", " : "", key);
		}
	}
	json_decref(seen);
}

/* The statement with the vendor exempted (new): an ArnNotEquals
 * aws:PrincipalArn (or StringNotEquals aws:PrincipalAccount for an
 * account principal) added to its Condition. */
static json_t *exempt_vendor(const json_t *st, const struct principal *pr)
{
	json_t *copy = json_deep_copy(st);
	json_t *cond = json_object_get(copy, "Condition"), *op, *have;
	const char *opname = pr->type == PRINCIPAL_ACCOUNT ?
		"StringNotEquals" : "ArnNotEquals";
	const char *key = pr->type == PRINCIPAL_ACCOUNT ?
		"aws:PrincipalAccount" : "aws:PrincipalArn";
	const char *value = pr->type == PRINCIPAL_ACCOUNT ?
		pr->account : pr->arn;

	if (!json_is_object(cond)) {
		cond = json_object();
		json_object_set_new(copy, "Condition", cond);
	}
	op = json_object_get(cond, opname);
	if (!json_is_object(op)) {
		op = json_object();
		json_object_set_new(cond, opname, op);
	}
	have = json_object_get(op, key);
	if (json_is_array(have)) {
		json_array_append_new(have, json_string(value));
	} else if (json_is_string(have)) {
		json_t *arr = json_pack("[O,s]", have, value);

		json_object_set_new(op, key, arr);
	} else {
		json_object_set_new(op, key, json_string(value));
	}
	return copy;
}

/* One warning line per Deny statement that denies (or may deny) any of the
 * vendor's grants, naming that statement's own condition keys, then the
 * statement amended to exempt the vendor, as a suggestion. */
struct deny_hit {
	size_t index;
	int definite;
	struct buf grants;
};

static int warn_denies(json_t *doc, const struct tpl_params *tp,
		       const struct principal *pr, struct gen_result *res,
		       struct s3p_error *err)
{
	struct grant_list gl = { 0 };
	struct iam_policy *pol = NULL;
	struct eval_context base;
	struct deny_hit *hits = NULL;
	size_t nhits = 0;
	json_t *sts = json_object_get(doc, "Statement");
	int rc = -1, have_ctx = 0;

	if (template_grants(tp, &gl, err) ||
	    iam_policy_compile(doc, &pol, err) ||
	    eval_context_init(&base, pr, err))
		goto out;
	have_ctx = 1;
	for (size_t i = 0; i < gl.n; i++) {
		const struct grant *g = &gl.items[i];
		struct eval_result r;

		if (iam_eval_grant(pol, &base, g, &r, err)) {
			eval_result_release(&r);
			goto out;
		}
		if (r.decision != IAM_EXPLICIT_DENY &&
		    r.decision != IAM_CONDITIONAL) {
			eval_result_release(&r);
			continue;
		}
		for (size_t k = 0; k < r.nstatements; k++) {
			const struct iam_stmt_ref *s = &r.statements[k];
			struct deny_hit *h = NULL;

			if (!s->deny)
				continue;
			for (size_t j = 0; j < nhits; j++)
				if (hits[j].index == s->index)
					h = &hits[j];
			if (!h) {
				hits = xrealloc(hits, (nhits + 1) *
						sizeof(*hits));
				h = &hits[nhits++];
				h->index = s->index;
				h->definite = 0;
				h->grants = (struct buf)BUF_INIT;
			}
			if (!s->conditional)
				h->definite = 1;
			buf_printf(&h->grants, "%s%s on '%s'",
				   h->grants.len ? ", " : "", g->action,
				   g->resource);
		}
		eval_result_release(&r);
	}
	for (size_t j = 0; j < nhits; j++) {
		const json_t *st = json_array_get(sts, hits[j].index);
		const char *sid = json_string_value(json_object_get(st, "Sid"));
		struct buf msg = BUF_INIT;
		json_t *amended;
		char *text;

		put_statement(&msg, hits[j].index, sid);
		buf_printf(&msg, " of the merged policy %s %s",
			   hits[j].definite ? "denies" : "may deny",
			   buf_str(&hits[j].grants));
		if (json_object_size(json_object_get(st, "Condition"))) {
			buf_puts(&msg, ", depending on ");
			put_condition_keys(&msg, st);
		}
		buf_puts(&msg, ": an explicit Deny wins over the vendor's "
			 "Allow");
		add_warning(res, buf_str(&msg));
		buf_reset(&msg);
		amended = exempt_vendor(st, pr);
		text = json_dumps(amended, JSON_COMPACT | JSON_PRESERVE_ORDER);
		put_statement(&msg, hits[j].index, sid);
		buf_printf(&msg, " amended to exempt the vendor (a "
			   "suggestion, not applied): %s", text ? text : "");
		add_warning(res, buf_str(&msg));
		free(text);
		json_decref(amended);
		buf_release(&msg);
	}
	rc = 0;
out:
	for (size_t j = 0; j < nhits; j++)
		buf_release(&hits[j].grants);
	free(hits);
	if (have_ctx)
		eval_context_release(&base);
	iam_policy_free(pol);
	grant_list_release(&gl);
	return rc;
}

/* ---- offboarding proof --------------------------------------------------- */

struct still {
	size_t index;       /* statement */
	int conditional;
	struct buf what;    /* "s3:GetObject on 'arn:...'" list */
	size_t count;
};

static struct still *still_for(struct still **list, size_t *n, size_t index,
			       int conditional)
{
	for (size_t i = 0; i < *n; i++)
		if ((*list)[i].index == index &&
		    (*list)[i].conditional == conditional)
			return &(*list)[i];
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[*n].index = index;
	(*list)[*n].conditional = conditional;
	(*list)[*n].what = (struct buf)BUF_INIT;
	(*list)[*n].count = 0;
	return &(*list)[(*n)++];
}

static void add_resource(json_t *set, const char *r)
{
	if (!json_object_get(set, r))
		json_object_set_new(set, r, json_true());
}

static void note_allowed(struct still **list, size_t *n,
			 const struct eval_result *r, const char *action,
			 const char *resource)
{
	for (size_t k = 0; k < r->nstatements; k++) {
		const struct iam_stmt_ref *s = &r->statements[k];
		struct still *w;

		if (s->deny)
			continue;
		w = still_for(list, n, s->index,
			      r->decision == IAM_CONDITIONAL);
		if (w->count < 6)
			buf_printf(&w->what, "%s%s on '%s'",
				   w->count ? ", " : "", action, resource);
		w->count++;
	}
}

/* Evaluate every S3 action on the bucket, its objects, each resource an
 * Allow statement names in this bucket, and each grant of both modes:
 * anything allowed to the vendor is an error naming the statement;
 * anything allowed depending on unknown keys, a warning. */
static int prove_removed(json_t *doc, const struct principal *pr,
			 const struct tpl_params *tp, struct gen_result *res,
			 struct s3p_error *err)
{
	static const char *const modes[] = { "read", "export" };
	struct iam_policy *pol = NULL;
	struct eval_context base;
	struct still *list = NULL;
	size_t nlist = 0, i;
	json_t *resources = json_object(), *st, *v;
	struct buf objs = BUF_INIT;
	char arn[1200], prefix[1210];
	const char *part = tp->partition ? tp->partition : "aws";
	const char *key;
	int rc = -1, have_ctx = 0;

	snprintf(arn, sizeof(arn), "arn:%s:s3:::%s", part, tp->bucket);
	snprintf(prefix, sizeof(prefix), "%s/", arn);
	add_resource(resources, arn);
	buf_printf(&objs, "%s*", prefix);
	add_resource(resources, buf_str(&objs));
	buf_release(&objs);
	json_array_foreach(json_object_get(doc, "Statement"), i, st) {
		json_t *r = json_object_get(st, "Resource"), *e;
		size_t k;

		if (json_is_string(r) &&
		    !strncmp(json_string_value(r), arn, strlen(arn)))
			add_resource(resources, json_string_value(r));
		json_array_foreach(r, k, e)
			if (json_is_string(e) &&
			    !strncmp(json_string_value(e), arn, strlen(arn)))
				add_resource(resources, json_string_value(e));
	}
	if (iam_policy_compile(doc, &pol, err) ||
	    eval_context_init(&base, pr, err))
		goto out;
	have_ctx = 1;
	json_object_foreach(resources, key, v) {
		int object = strlen(key) > strlen(arn);

		for (size_t a = 0; a < s3_actions_count; a++) {
			unsigned want = object ? S3_RT_OBJECT : S3_RT_BUCKET;
			char action[128];
			struct eval_result r;

			if (!(s3_actions[a].types & want))
				continue;
			snprintf(action, sizeof(action), "s3:%s",
				 s3_actions[a].name);
			if (iam_eval(pol, &base, action, key, &r, err)) {
				eval_result_release(&r);
				goto out;
			}
			if (r.decision == IAM_ALLOWED ||
			    r.decision == IAM_CONDITIONAL)
				note_allowed(&list, &nlist, &r, action, key);
			eval_result_release(&r);
		}
	}
	/* the grants of both modes, with their s3:prefix contexts */
	for (size_t m = 0; m < 2; m++) {
		struct tpl_params mp = *tp;
		struct grant_list gl = { 0 };

		mp.mode = modes[m];
		if (template_grants(&mp, &gl, err))
			goto out;
		for (size_t g = 0; g < gl.n; g++) {
			struct eval_result r;

			if (iam_eval_grant(pol, &base, &gl.items[g], &r,
					   err)) {
				eval_result_release(&r);
				grant_list_release(&gl);
				goto out;
			}
			if (r.decision == IAM_ALLOWED ||
			    r.decision == IAM_CONDITIONAL)
				note_allowed(&list, &nlist, &r,
					     gl.items[g].action,
					     gl.items[g].resource);
			eval_result_release(&r);
		}
		grant_list_release(&gl);
	}
	for (i = 0; i < nlist; i++) {
		const json_t *s = json_array_get(json_object_get(doc,
			"Statement"), list[i].index);
		const char *sid = json_string_value(json_object_get(s, "Sid"));
		struct buf msg = BUF_INIT;

		buf_puts(&msg, "after the removal ");
		put_statement(&msg, list[i].index, sid);
		buf_printf(&msg, " %s the vendor '%s' %s",
			   list[i].conditional ? "may still allow" :
			   "still allows", pr->arn, buf_str(&list[i].what));
		if (list[i].count > 6)
			buf_printf(&msg, " and %zu more", list[i].count - 6);
		if (list[i].conditional &&
		    json_object_size(json_object_get(s, "Condition"))) {
			buf_puts(&msg, ", depending on ");
			put_condition_keys(&msg, s);
		}
		if (list[i].conditional)
			add_warning(res, buf_str(&msg));
		else
			add_line(&res->errors, &res->nerrors, buf_str(&msg));
		buf_release(&msg);
	}
	rc = 0;
out:
	for (i = 0; i < nlist; i++)
		buf_release(&list[i].what);
	free(list);
	json_decref(resources);
	if (have_ctx)
		eval_context_release(&base);
	iam_policy_free(pol);
	return rc;
}

/* ---- lint of the result -------------------------------------------------- */

static int lint_result(json_t *doc, const struct tpl_params *tp,
		       const struct principal *pr, struct gen_result *res,
		       struct s3p_error *err)
{
	struct finding_list rep = FINDING_LIST_INIT;
	struct lint_params lp = { 0 };
	const struct finding *first = NULL;
	size_t nerr = 0;

	lp.bucket = tp->bucket;
	lp.partition = tp->partition;
	lp.principal = pr;
	lp.mode = tp->mode;
	if (lint_policy_doc(doc, 0, &lp, &rep, err)) {
		finding_list_release(&rep);
		return -1;
	}
	for (size_t i = 0; i < rep.n; i++) {
		const struct finding *f = &rep.items[i];
		struct buf msg = BUF_INIT;

		if (f->severity == SEVERITY_ERROR) {
			if (!first)
				first = f;
			nerr++;
			continue;
		}
		if (f->severity != SEVERITY_WARNING)
			continue;
		buf_puts(&msg, "the resulting policy: ");
		if (f->statement != FINDING_NO_STATEMENT)
			buf_printf(&msg, "statement #%ld: ", f->statement);
		buf_printf(&msg, "%s [%s]", f->message, f->code);
		add_warning(res, buf_str(&msg));
		buf_release(&msg);
	}
	if (first) {
		char where[64] = "";

		if (first->statement != FINDING_NO_STATEMENT)
			snprintf(where, sizeof(where), "statement #%ld: ",
				 first->statement);
		s3p_error_set(err, S3P_E_INPUT,
			"the resulting policy would be rejected by AWS: %s%s "
			"[%s]%s", where, first->message, first->code,
			nerr > 1 ? " (and more errors: run s3perm verify on "
				   "the current policy)" : "");
		finding_list_release(&rep);
		return -1;
	}
	finding_list_release(&rep);
	return 0;
}

/* ---- merge and remove ---------------------------------------------------- */

static int load_current(const struct gen_request *req, json_t **doc,
			int *none, struct s3p_error *err)
{
	const char *name = req->merge_name;
	char *text = NULL;
	size_t len;
	int r;

	*doc = NULL;
	*none = 0;
	if (req->merge_text) {
		if (req->merge_none) {
			*none = 1;
			return 0;
		}
		text = xstrndup(req->merge_text, req->merge_len);
		len = req->merge_len;
	} else {
		if (policy_read_file(req->merge_path, &text, &len, err))
			return -1;
		name = strcmp(req->merge_path, "-") ? req->merge_path :
			"standard input";
	}
	if (policy_text_is_none(text, len)) {
		*none = 1;
		free(text);
		return 0;
	}
	r = policy_parse(text, len, name ? name : "current policy", doc, err);
	free(text);
	return r;
}

static const char *merge_source(const struct gen_request *req)
{
	if (req->merge_text)
		return req->merge_name ? req->merge_name : "the bucket";
	return strcmp(req->merge_path, "-") ? req->merge_path :
		"standard input";
}

/* Warnings for what merge did to the vendor's existing statements. */
static void report_changes(const struct policy_changes *ch,
			   const struct gen_request *req,
			   const char *other, struct gen_result *res)
{
	for (size_t i = 0; i < ch->n; i++) {
		const struct policy_change *c = &ch->items[i];
		struct buf msg = BUF_INIT;

		switch (c->fate) {
		case POLICY_KEPT_MORE:
			buf_puts(&msg, "the current policy's ");
			put_statement(&msg, c->index, c->sid);
			buf_printf(&msg, " grants the vendor more than --mode "
				   "%s (%s): kept as it is; take it out by "
				   "hand if the vendor should not have it",
				   req->mode, c->detail ? c->detail : "");
			break;
		case POLICY_MODE_CHANGED:
			res->changed_mode = 1;
			buf_puts(&msg, "the vendor's mode changes from ");
			buf_printf(&msg, "%s to %s: the current policy's ",
				   other, req->mode);
			put_statement(&msg, c->index, c->sid);
			buf_printf(&msg, " (%s grants) is replaced by the %s "
				   "grants", other, req->mode);
			break;
		case POLICY_ACCOUNT_WIDE:
			buf_puts(&msg, "the current policy's ");
			put_statement(&msg, c->index, c->sid);
			buf_printf(&msg, " allows the whole account of the "
				   "vendor (every user and role of it, the "
				   "vendor too): kept as it is; what it grants "
				   "comes on top of --mode %s", req->mode);
			break;
		case POLICY_SHARED:
			buf_puts(&msg, "the current policy's ");
			put_statement(&msg, c->index, c->sid);
			buf_puts(&msg, " names the vendor among other "
				 "principals: kept as it is (what it grants "
				 "the vendor stays granted)");
			break;
		default:
			break;
		}
		if (msg.len)
			add_warning(res, buf_str(&msg));
		buf_release(&msg);
	}
}

static void warn_prefixes(const struct gen_request *req,
			  struct gen_result *res)
{
	for (size_t i = 0; i < req->nprefixes; i++) {
		const char *p = req->prefixes[i];
		size_t n = strlen(p);
		struct buf msg = BUF_INIT;

		if (!n || p[n - 1] == '/')
			continue;
		buf_printf(&msg, "--prefix '%s' has no trailing '/': it also "
			   "grants '%s-archive/' and every other key starting "
			   "with '%s'; use --prefix '%s/' for the folder",
			   p, p, p, p);
		add_warning(res, buf_str(&msg));
		buf_release(&msg);
	}
}

int gen_run(const struct gen_request *req, struct gen_result *res,
	    struct s3p_error *err)
{
	struct principal pr;
	struct tpl_params tp = { 0 }, op;
	struct policy_vendor pv = { 0 };
	struct policy_changes ch = { 0 };
	enum policy_format fmt;
	json_t *vendor = NULL, *other = NULL, *current = NULL, *doc = NULL;
	char **sids = NULL;
	size_t nsids = 0, size;
	int rc = -1, none = 0, merging;

	memset(res, 0, sizeof(*res));
	merging = req->merge_path || req->merge_text;
	if (template_check_mode(req->mode, err) ||
	    policy_parse_format(req->format, &fmt, err))
		return -1;
	if (!req->bucket)
		return s3p_error_set(err, S3P_E_USAGE,
			"missing '--bucket NAME'");
	if (names_check_bucket(req->bucket, err))
		return -1;
	if (names_resolve_principal(req->user, req->account, req->principal,
				  req->partition, &pr, &tp.partition, err))
		return -1;
	for (size_t i = 0; i < req->nprefixes; i++)
		if (names_check_prefix(req->prefixes[i], err))
			return -1;
	if (req->remove && !merging)
		return s3p_error_set(err, S3P_E_USAGE,
			"'--remove' needs '--merge FILE' (the policy to take "
			"the vendor's statements out of)");
	tp.mode = req->mode;
	tp.principal = pr.arn;
	tp.bucket = req->bucket;
	tp.prefixes = req->prefixes;
	tp.nprefixes = req->nprefixes;
	tp.templates_dir = req->templates_dir;
	op = tp;
	op.mode = strcmp(req->mode, "read") ? "read" : "export";
	if (template_render(&tp, &vendor, err) ||
	    template_render(&op, &other, err))
		goto out;
	if (!req->remove)
		warn_prefixes(req, res);
	if (merging) {
		if (load_current(req, &current, &none, err) ||
		    template_all_sids(req->templates_dir, &sids, &nsids, err))
			goto out;
		res->no_policy = none;
	}
	pv.principal = &pr;
	pv.sids = sids;
	pv.nsids = nsids;
	pv.mode = vendor;
	pv.mode_name = tp.mode;
	pv.other = other;
	pv.other_name = op.mode;
	if (merging && none) {
		char msg[1200];

		if (req->merge_text)
			snprintf(msg, sizeof(msg), "bucket '%s' has no policy "
				 "yet: %s", req->bucket,
				 req->remove ? "the vendor has no grant in it; "
				 "nothing to remove" : "the vendor's policy "
				 "alone is the new one");
		else
			snprintf(msg, sizeof(msg), "'%s' holds no bucket policy (the "
			 "bucket has none yet): %s", merge_source(req),
			 req->remove ? "the vendor has no grant in it; nothing "
			 "to remove" : "the vendor's policy alone follows");
		add_warning(res, msg);
		if (req->remove) {
			res->text = xstrdup("");
			rc = 0;
			goto out;
		}
		doc = json_incref(vendor);
	} else if (merging && req->remove) {
		int touched = 0;

		if (policy_remove(current, &pv, &doc, &ch, err))
			goto out;
		for (size_t i = 0; i < ch.n; i++)
			touched |= ch.items[i].fate == POLICY_REMOVED ||
				   ch.items[i].fate == POLICY_PRINCIPAL_REMOVED;
		if (!touched)
			add_warning(res, "the current policy holds no "
				    "statement of the vendor's; nothing was "
				    "removed");
		if (prove_removed(doc, &pr, &tp, res, err))
			goto out;
		if (!json_array_size(json_object_get(doc, "Statement"))) {
			char msg[256];

			res->empty = 1;
			snprintf(msg, sizeof(msg),
				"no statement is left: AWS rejects an "
				"empty policy; delete the bucket policy "
				"instead (aws s3api delete-bucket-policy "
				"--bucket %s)", req->bucket);
			/* apply deletes the policy itself */
			if (!req->merge_text)
				add_warning(res, msg);
		}
	} else if (merging) {
		if (policy_merge(current, vendor, &pv, &doc, &ch, err))
			goto out;
		report_changes(&ch, req, op.mode, res);
		if (warn_denies(doc, &tp, &pr, res, err))
			goto out;
	} else {
		doc = json_incref(vendor);
	}
	size = policy_size(doc);
	if (size > POLICY_MAX_BYTES) {
		s3p_error_set(err, S3P_E_INPUT,
			"the policy would be %zu bytes, over AWS's limit of "
			"%d bytes for a bucket policy", size, POLICY_MAX_BYTES);
		goto out;
	}
	if (!res->empty && lint_result(doc, &tp, &pr, res, err))
		goto out;
	if (policy_format(doc, fmt, req->bucket, req->tf_name, &res->text,
			  err))
		goto out;
	res->doc = json_incref(doc);
	rc = 0;
out:
	policy_changes_release(&ch);
	template_free_sids(sids, nsids);
	json_decref(vendor);
	json_decref(other);
	json_decref(current);
	json_decref(doc);
	if (rc)
		gen_result_release(res);
	return rc;
}

void gen_result_release(struct gen_result *res)
{
	free(res->text);
	for (size_t i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	for (size_t i = 0; i < res->nerrors; i++)
		free(res->errors[i]);
	free(res->errors);
	json_decref(res->doc);
	memset(res, 0, sizeof(*res));
}
