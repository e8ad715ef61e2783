/* verify.c - evaluate and lint a bucket policy for the vendor's grants
 * (see verify.h). */
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "policy.h"
#include "unwrap.h"

static void result_init(struct verify_result *out)
{
	memset(out, 0, sizeof(*out));
}

void verify_result_release(struct verify_result *res)
{
	for (size_t i = 0; i < res->nresults; i++)
		eval_result_release(&res->results[i].eval);
	free(res->results);
	grant_list_release(&res->grants);
	lint_report_release(&res->findings);
	free(res->principal);
	free(res->bucket);
	free(res->mode);
	result_init(res);
}

/* Evaluate every grant of the mode against doc (NULL: no policy). */
static int evaluate(const struct verify_request *rq, const json_t *doc,
		    struct verify_result *out, struct s3p_error *err)
{
	const char *mode = rq->mode ? rq->mode : "read";
	struct tpl_params tp = {
		mode, rq->principal->arn, rq->partition, rq->bucket,
		rq->prefixes, rq->nprefixes, rq->templates_dir
	};
	struct iam_policy *pol = NULL;
	struct eval_context base;
	json_t *empty = NULL;
	int rc = -1, have_ctx = 0;

	out->principal = xstrdup(rq->principal->arn);
	out->bucket = xstrdup(rq->bucket);
	out->mode = xstrdup(mode);
	if (template_check_mode(mode, err) ||
	    template_grants(&tp, &out->grants, err))
		goto out;
	if (!doc) {
		empty = json_pack("{s:s, s:[]}", "Version", "2012-10-17",
				  "Statement");
		doc = empty;
	}
	if (iam_policy_compile(doc, &pol, err))
		goto out;
	if (eval_context_init(&base, rq->principal, err))
		goto out;
	have_ctx = 1;
	for (size_t i = 0; i < rq->ncontexts; i++)
		if (eval_context_assign(&base, rq->contexts[i], err))
			goto out;
	for (size_t i = 0; i < rq->nabsents; i++)
		if (eval_context_assign_absent(&base, rq->absents[i], err))
			goto out;
	out->results = xcalloc(out->grants.n ? out->grants.n : 1,
			       sizeof(*out->results));
	for (size_t i = 0; i < out->grants.n; i++) {
		out->results[i].grant = &out->grants.items[i];
		out->nresults = i + 1;
		if (iam_eval_grant(pol, &base, &out->grants.items[i],
				   &out->results[i].eval, err))
			goto out;
	}
	rc = 0;
out:
	if (have_ctx)
		eval_context_release(&base);
	iam_policy_free(pol);
	json_decref(empty);
	return rc;
}

static void lint_params_of(const struct verify_request *rq,
			   struct lint_params *lp)
{
	lp->bucket = rq->bucket;
	lp->partition = rq->partition ? rq->partition : "aws";
	lp->principal = rq->principal;
	lp->mode = rq->mode ? rq->mode : "read";
}

int verify_policy_text(const struct verify_request *rq, const char *text,
		       size_t len, const char *name,
		       struct verify_result *out, struct s3p_error *err)
{
	struct lint_params lp;
	json_t *doc;
	int rc = -1;
	char *unwrapped;
	size_t ulen;
	const char *format;

	result_init(out);
	/* gen's own Terraform and CloudFormation outputs: the policy inside */
	rc = unwrap_generated(text, len, name, rq->bucket, &unwrapped, &ulen,
			      &format, err);
	if (rc) {
		if (rc > 0)
			rc = verify_policy_text(rq, unwrapped, ulen, name, out,
						err);
		free(unwrapped);
		return rc;
	}
	rc = -1;
	if (policy_parse_object(text, len, name, &doc, err))
		return -1;
	if (policy_wrapped_text(doc)) {
		/* the whole answer of `aws s3api get-bucket-policy`, as
		 * `gen --merge` takes it: verify the policy inside */
		json_t *inner = json_incref(json_object_get(doc, "Policy"));

		json_decref(doc);
		rc = verify_policy_text(rq, json_string_value(inner),
					json_string_length(inner), name, out,
					err);
		json_decref(inner);
		return rc;
	}
	if (evaluate(rq, doc, out, err))
		goto out;
	lint_params_of(rq, &lp);
	if (lint_policy_doc(doc, lint_compact_size(text, len), &lp,
			    &out->findings, err))
		goto out;
	lint_reminders(&lp, &out->findings);
	rc = 0;
out:
	json_decref(doc);
	if (rc)
		verify_result_release(out);
	return rc;
}

int verify_no_policy(const struct verify_request *rq,
		     struct verify_result *out, struct s3p_error *err)
{
	struct lint_params lp;

	result_init(out);
	if (evaluate(rq, NULL, out, err)) {
		verify_result_release(out);
		return -1;
	}
	out->no_policy = 1;
	lint_add(&out->findings, LINT_WARNING, "no-policy", LINT_NO_STATEMENT,
		 "bucket '%s' has no bucket policy: nothing is granted to "
		 "other accounts", rq->bucket);
	lint_params_of(rq, &lp);
	lint_reminders(&lp, &out->findings);
	return 0;
}

int verify_result_failed(const struct verify_result *res)
{
	for (size_t i = 0; i < res->nresults; i++)
		if (res->results[i].eval.decision != IAM_ALLOWED)
			return 1;
	return lint_max_severity(&res->findings) == (int)LINT_ERROR;
}

/* ---- JSON ---------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *verify_result_json(const struct verify_result *res)
{
	json_t *root = json_object();
	json_t *results = json_array();
	json_t *findings = json_array();
	char *text;

	json_object_set_new(root, "principal", json_string(res->principal));
	json_object_set_new(root, "bucket", json_string(res->bucket));
	json_object_set_new(root, "mode", json_string(res->mode));
	for (size_t i = 0; i < res->nresults; i++) {
		const struct verify_grant *g = &res->results[i];
		json_t *r = json_object();
		json_t *sts = json_array();
		json_t *keys = json_array();

		json_object_set_new(r, "action", json_string(g->grant->action));
		json_object_set_new(r, "resource",
				    json_string(g->grant->resource));
		json_object_set_new(r, "decision", json_string(
			iam_decision_str(g->eval.decision)));
		for (size_t j = 0; j < g->eval.nstatements; j++) {
			const struct iam_stmt_ref *s = &g->eval.statements[j];

			json_array_append_new(sts, json_pack("{s:I, s:o}",
				"index", (json_int_t)s->index,
				"sid", str_or_null(s->sid)));
		}
		json_object_set_new(r, "statements", sts);
		for (size_t j = 0; j < g->eval.ncondition_keys; j++)
			json_array_append_new(keys, json_string(
				g->eval.condition_keys[j]));
		json_object_set_new(r, "condition_keys", keys);
		json_array_append_new(results, r);
	}
	json_object_set_new(root, "results", results);
	for (size_t i = 0; i < res->findings.n; i++) {
		const struct lint_finding *f = &res->findings.items[i];

		json_array_append_new(findings, json_pack("{s:s, s:s, s:s, s:o}",
			"severity", lint_severity_str(f->severity),
			"code", f->code,
			"message", f->message,
			"statement", f->statement == LINT_NO_STATEMENT ?
				json_null() : json_integer(f->statement)));
	}
	json_object_set_new(root, "findings", findings);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text) {
		size_t n = strlen(text);
		char *t = xrealloc(text, n + 2);

		t[n] = '\n';
		t[n + 1] = '\0';
		text = t;
	}
	return text;
}

/* ---- table --------------------------------------------------------- */

static void stmt_label(const struct iam_stmt_ref *s, struct buf *b)
{
	buf_printf(b, "#%zu", s->index);
	if (s->sid && *s->sid)
		buf_printf(b, " %s", s->sid);
}

static void describe_statements(const struct verify_grant *g, struct buf *b)
{
	const struct eval_result *e = &g->eval;

	if (!e->nstatements) {
		buf_puts(b, e->decision == IAM_IMPLICIT_DENY ?
			 "no statement allows it" : "-");
		return;
	}
	for (size_t i = 0; i < e->nstatements; i++) {
		const struct iam_stmt_ref *s = &e->statements[i];

		if (i)
			buf_puts(b, "; ");
		stmt_label(s, b);
		if (s->deny)
			buf_puts(b, " (Deny");
		else
			buf_puts(b, " (Allow");
		if (s->conditional)
			buf_puts(b, ", if its condition holds");
		if (s->partial && !s->deny)
			buf_puts(b, ", part of the keys");
		buf_putc(b, ')');
		if (s->deny && s->ncovered) {
			buf_puts(b, " on ");
			for (size_t j = 0; j < s->ncovered; j++)
				buf_printf(b, "%s%s", j ? ", " : "",
					   s->covered[j]);
		}
	}
}

static size_t max_len(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* " --prefix P" for each prefix the grants were limited to (they are on
 * the list grant), so that the suggested gen grants no more than that. */
static void put_prefix_options(const struct verify_result *res,
			       struct buf *out)
{
	for (size_t i = 0; i < res->grants.n; i++) {
		const struct grant *g = &res->grants.items[i];

		for (size_t j = 0; j < g->nprefixes; j++) {
			const char *p = g->prefixes[j];

			buf_puts(out, " --prefix ");
			if (strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				   "opqrstuvwxyz0123456789._/=-") == strlen(p))
				buf_puts(out, p);
			else
				buf_put_shell_quoted(out, p);
		}
		if (g->nprefixes)
			return;
	}
}

static int has_deny(const struct eval_result *e)
{
	for (size_t i = 0; i < e->nstatements; i++)
		if (e->statements[i].deny)
			return 1;
	return 0;
}

/* A Deny that covers only part of an object grant's keys leaves the rest
 * allowed by it: say so, and that --prefix limits the grants to that
 * part (check probes some key, which may lie outside the Deny). */
static void put_prefix_hints(const struct verify_result *res,
			     struct buf *out)
{
	for (size_t i = 0; i < res->nresults; i++) {
		const struct verify_grant *g = &res->results[i];
		const struct eval_result *e = &g->eval;
		size_t j, k, n = 0;

		if (e->decision != IAM_EXPLICIT_DENY || g->grant->bucket_level)
			continue;
		for (j = 0; j < e->nstatements; j++)
			if (!e->statements[j].partial)
				break;
		if (j < e->nstatements)
			continue;   /* a Deny on all of it */
		buf_printf(out, "note: the Deny on %s covers only", g->grant->action);
		for (j = 0; j < e->nstatements; j++)
			for (k = 0; k < e->statements[j].ncovered; k++)
				buf_printf(out, "%s %s", n++ ? "," : "",
					   e->statements[j].covered[k]);
		buf_printf(out, ": it does not deny the other keys of %s; if "
			   "the vendor needs only some of them, limit the "
			   "grants to those with --prefix (here and in "
			   "'s3perm gen')\n", g->grant->resource);
	}
}

void verify_result_table(const struct verify_result *res, struct buf *out)
{
	size_t wd = strlen("DECISION"), wa = strlen("ACTION");
	size_t wr = strlen("RESOURCE");
	size_t missing = 0, denied = 0, maybe_denied = 0;
	size_t counts[3] = { 0, 0, 0 };
	struct buf line = BUF_INIT;

	buf_printf(out, "principal: %s\nbucket:    %s\nmode:      %s\n",
		   res->principal, res->bucket, res->mode);
	if (res->no_policy)
		buf_puts(out, "policy:    none (the bucket has no policy)\n");
	buf_putc(out, '\n');
	for (size_t i = 0; i < res->nresults; i++) {
		const struct verify_grant *g = &res->results[i];

		wd = max_len(wd, strlen(iam_decision_str(g->eval.decision)));
		wa = max_len(wa, strlen(g->grant->action));
		wr = max_len(wr, strlen(g->grant->resource));
	}
	buf_printf(out, "%-*s  %-*s  %-*s  %s\n", (int)wd, "DECISION",
		   (int)wa, "ACTION", (int)wr, "RESOURCE", "STATEMENTS");
	for (size_t i = 0; i < res->nresults; i++) {
		const struct verify_grant *g = &res->results[i];
		const struct eval_result *e = &g->eval;

		if (e->decision == IAM_EXPLICIT_DENY)
			denied++;
		else if (e->decision == IAM_CONDITIONAL && has_deny(e))
			maybe_denied++;
		else if (e->decision != IAM_ALLOWED)
			missing++;
		buf_reset(&line);
		describe_statements(g, &line);
		buf_printf(out, "%-*s  %-*s  %-*s  %s\n", (int)wd,
			   iam_decision_str(e->decision), (int)wa,
			   g->grant->action, (int)wr, g->grant->resource,
			   buf_str(&line));
		if (e->ncondition_keys) {
			buf_printf(out, "%*s  depends on:", (int)wd, "");
			for (size_t j = 0; j < e->ncondition_keys; j++)
				buf_printf(out, " %s", e->condition_keys[j]);
			buf_puts(out, " (give them with --context KEY=VALUE "
				 "or --absent KEY)\n");
		}
		for (size_t j = 0; j < e->nnotes; j++)
			buf_printf(out, "%*s  note: %s\n", (int)wd, "",
				   e->notes[j]);
	}
	buf_release(&line);
	if (res->findings.n) {
		buf_puts(out, "\nfindings:\n");
		for (size_t i = 0; i < res->findings.n; i++) {
			const struct lint_finding *f = &res->findings.items[i];

			counts[f->severity]++;
			buf_printf(out, "  %-7s  %s", lint_severity_str(
				f->severity), f->code);
			if (f->statement != LINT_NO_STATEMENT)
				buf_printf(out, " (statement %ld)",
					   f->statement);
			buf_printf(out, ": %s\n", f->message);
		}
	}
	buf_printf(out, "\n%zu of %zu grants allowed; %zu error%s, "
		   "%zu warning%s, %zu info\n",
		   res->nresults - missing - denied,
		   res->nresults, counts[LINT_ERROR],
		   counts[LINT_ERROR] == 1 ? "" : "s", counts[LINT_WARNING],
		   counts[LINT_WARNING] == 1 ? "" : "s", counts[LINT_INFO]);
	if (missing) {
		buf_printf(out, "to fix: 's3perm gen --mode %s --principal %s "
			   "--bucket %s", res->mode, res->principal,
			   res->bucket);
		put_prefix_options(res, out);
		buf_puts(out, " --merge CURRENT.json' adds the missing grants "
			 "to the current policy\n");
	}
	/* a Deny is not fixed by merging more Allows */
	if (denied)
		buf_puts(out, "to fix: an explicit Deny overrides every Allow "
			 "(merging more Allows does not help): narrow or "
			 "remove the Deny statements named above\n");
	if (maybe_denied)
		buf_puts(out, "to fix: a Deny may apply, depending on the keys "
			 "named above (merging more Allows does not help): "
			 "give their values with --context or --absent, or "
			 "narrow the Deny\n");
	put_prefix_hints(res, out);
}
