/* verify_report.c - the verify report: JSON and the readable table (see
 * verify_report.h). */
#include "verify_report.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "finding.h"
#include "jsonstr.h"

/* ---- JSON ---------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
	return jsonstr_new(s, NULL);
}

char *verify_result_json(const struct verify_result *res)
{
	json_t *root = json_object();
	json_t *results = json_array();
	json_t *findings = json_array();
	char *text;

	json_object_set_new(root, "principal", jsonstr_new(res->principal, NULL));
	json_object_set_new(root, "bucket", jsonstr_new(res->bucket, NULL));
	json_object_set_new(root, "mode", jsonstr_new(res->mode, NULL));
	for (size_t i = 0; i < res->nresults; i++) {
		const struct verify_grant *g = &res->results[i];
		json_t *r = json_object();
		json_t *sts = json_array();
		json_t *keys = json_array();

		json_object_set_new(r, "action", jsonstr_new(g->grant->action, NULL));
		json_object_set_new(r, "resource",
				    jsonstr_new(g->grant->resource,
				    NULL));
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
			json_array_append_new(keys, jsonstr_new(
				g->eval.condition_keys[j], NULL));
		json_object_set_new(r, "condition_keys", keys);
		json_array_append_new(results, r);
	}
	json_object_set_new(root, "results", results);
	for (size_t i = 0; i < res->findings.n; i++)
		json_array_append_new(findings,
			finding_json(&res->findings.items[i], 0, 1));
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
	if (s->sid && *s->sid) {
		buf_putc(b, ' ');
		buf_put_term(b, s->sid);
	}
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
			{
				buf_puts(b, j ? ", " : "");
				buf_put_term(b, s->covered[j]);
			}
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
		buf_printf(out, "note: the Deny on %s covers only",
			   g->grant->action);
		for (j = 0; j < e->nstatements; j++) {
			for (k = 0; k < e->statements[j].ncovered; k++) {
				buf_puts(out, n++ ? ", " : " ");
				buf_put_term(out, e->statements[j].covered[k]);
			}
		}
		buf_puts(out, ": it does not deny the other keys of ");
		buf_put_term(out, g->grant->resource);
		buf_puts(out, "; if the vendor needs only some of them, limit "
			 "the grants to those with --prefix (here and in "
			 "'s3perm gen')\n");
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
			for (size_t j = 0; j < e->ncondition_keys; j++) {
				buf_putc(out, ' ');
				buf_put_term(out, e->condition_keys[j]);
			}
			buf_puts(out, " (give them with --context KEY=VALUE "
				 "or --absent KEY)\n");
		}
		for (size_t j = 0; j < e->nnotes; j++) {
			buf_printf(out, "%*s  note: ", (int)wd, "");
			buf_put_term(out, e->notes[j]);
			buf_putc(out, '\n');
		}
	}
	buf_release(&line);
	if (res->findings.n) {
		buf_puts(out, "\nfindings:\n");
		for (size_t i = 0; i < res->findings.n; i++) {
			const struct finding *f = &res->findings.items[i];

			counts[f->severity]++;
			buf_puts(out, "  ");
			finding_format(f, out);
		}
	}
	buf_printf(out, "\n%zu of %zu grants allowed; %zu error%s, "
		   "%zu warning%s, %zu info\n",
		   res->nresults - missing - denied - maybe_denied,
		   res->nresults, counts[SEVERITY_ERROR],
		   counts[SEVERITY_ERROR] == 1 ? "" : "s", counts[SEVERITY_WARNING],
		   counts[SEVERITY_WARNING] == 1 ? "" : "s", counts[SEVERITY_INFO]);
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
