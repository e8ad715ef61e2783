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
	finding_list_release(&res->findings);
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
	if (len > VERIFY_MAX_INPUT)
		return s3p_error_set(err, S3P_E_INPUT, "policy '%s' has %zu "
			"bytes, far above the %d bytes AWS allows a bucket "
			"policy: not verified (the limit here is %d bytes)",
			name, len, POLICY_MAX_BYTES, VERIFY_MAX_INPUT);
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
	lint_add(&out->findings, SEVERITY_WARNING, "no-policy",
		 FINDING_NO_STATEMENT,
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
	return finding_max_severity(&res->findings) == (int)SEVERITY_ERROR;
}
