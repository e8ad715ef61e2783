/* gen.c - render the vendor's policy, merge it, check it. */
#include "gen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "names.h"
#include "policy.h"
#include "template.h"
#include "iam_eval.h"

static void add_warning(struct gen_result *res, const char *msg)
{
	res->warnings = xrealloc(res->warnings,
				 (res->nwarnings + 1) * sizeof(char *));
	res->warnings[res->nwarnings++] = xstrdup(msg);
}

/* A statement of the current policy that denies (or may deny) one of the
 * vendor's required grants: print the policy anyway, and warn. */
static void warn_deny(struct gen_result *res, const struct grant *g,
		      const struct eval_result *r)
{
	for (size_t i = 0; i < r->nstatements; i++) {
		const struct iam_stmt_ref *s = &r->statements[i];
		struct buf msg = BUF_INIT;

		if (!s->deny)
			continue;
		buf_printf(&msg, "statement #%zu%s%s%s of the merged policy %s "
			   "%s on '%s'", s->index, s->sid ? " (Sid '" : "",
			   s->sid ? s->sid : "", s->sid ? "')" : "",
			   s->conditional ? "may deny" : "denies",
			   g->action, g->resource);
		if (s->conditional && r->ncondition_keys) {
			buf_puts(&msg, ", depending on ");
			for (size_t k = 0; k < r->ncondition_keys; k++)
				buf_printf(&msg, "%s%s", k ? ", " : "",
					   r->condition_keys[k]);
		}
		buf_puts(&msg, ": an explicit Deny wins over the vendor's "
			 "Allow");
		add_warning(res, buf_str(&msg));
		buf_release(&msg);
	}
}

static int warn_denies(json_t *doc, const struct tpl_params *tp,
		       const struct principal *pr, struct gen_result *res,
		       struct s3p_error *err)
{
	struct grant_list gl = { 0 };
	struct iam_policy *pol = NULL;
	struct eval_context base;
	int rc = -1, have_ctx = 0;

	if (template_grants(tp, &gl, err) ||
	    iam_policy_compile(doc, &pol, err) ||
	    eval_context_init(&base, pr, err))
		goto out;
	have_ctx = 1;
	for (size_t i = 0; i < gl.n; i++) {
		struct eval_result r;

		if (iam_eval_grant(pol, &base, &gl.items[i], &r, err)) {
			eval_result_release(&r);
			goto out;
		}
		if (r.decision == IAM_EXPLICIT_DENY ||
		    r.decision == IAM_CONDITIONAL)
			warn_deny(res, &gl.items[i], &r);
		eval_result_release(&r);
	}
	rc = 0;
out:
	if (have_ctx)
		eval_context_release(&base);
	iam_policy_free(pol);
	grant_list_release(&gl);
	return rc;
}

static int load_current(const char *path, json_t **doc, struct s3p_error *err)
{
	char *text;
	size_t len;
	int r;

	if (policy_read_file(path, &text, &len, err))
		return -1;
	r = policy_parse(text, len,
			 strcmp(path, "-") ? path : "standard input", doc, err);
	free(text);
	return r;
}

int gen_run(const struct gen_request *req, struct gen_result *res,
	    struct s3p_error *err)
{
	struct principal pr;
	struct tpl_params tp = { 0 };
	enum policy_format fmt;
	json_t *vendor = NULL, *current = NULL, *doc = NULL;
	char **sids = NULL;
	size_t nsids = 0, size;
	int rc = -1;

	memset(res, 0, sizeof(*res));
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
	if (req->remove && !req->merge_path)
		return s3p_error_set(err, S3P_E_USAGE,
			"'--remove' needs '--merge FILE' (the policy to take "
			"the vendor's statements out of)");
	tp.mode = req->mode;
	tp.principal = pr.arn;
	tp.bucket = req->bucket;
	tp.prefixes = req->prefixes;
	tp.nprefixes = req->nprefixes;
	tp.templates_dir = req->templates_dir;
	if (template_render(&tp, &vendor, err))
		goto out;
	if (req->merge_path) {
		if (load_current(req->merge_path, &current, err) ||
		    template_all_sids(req->templates_dir, &sids, &nsids, err))
			goto out;
		if (req->remove) {
			size_t removed;

			if (policy_remove(current, sids, nsids, &doc, &removed,
					  err))
				goto out;
			if (!removed)
				add_warning(res, "the current policy holds no "
					    "statement of the vendor's; "
					    "nothing was removed");
			if (!json_array_size(json_object_get(doc, "Statement"))) {
				char msg[256];

				snprintf(msg, sizeof(msg),
					"no statement is left: AWS rejects an "
					"empty policy; delete the bucket policy "
					"instead (aws s3api delete-bucket-policy "
					"--bucket %s)", req->bucket);
				add_warning(res, msg);
			}
		} else {
			if (policy_merge(current, vendor, sids, nsids, &doc,
					 err))
				goto out;
			if (warn_denies(doc, &tp, &pr, res, err))
				goto out;
		}
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
	if (policy_format(doc, fmt, req->bucket, &res->text, err))
		goto out;
	rc = 0;
out:
	template_free_sids(sids, nsids);
	json_decref(vendor);
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
	memset(res, 0, sizeof(*res));
}
