/* verify.h - evaluate a bucket policy for the vendor's principal, grant by
 * grant, and lint it: the logic of `s3perm verify`, without printing.
 *
 *   struct verify_request rq = { ... };
 *   struct verify_result res;
 *   if (verify_policy_text(&rq, text, len, "policy.json", &res, err) < 0)
 *       ...   (S3P_E_INPUT: not JSON (line, column) or not an object;
 *              S3P_E_USAGE: a bad --context, mode or principal)
 *   verify_result_json(&res) / verify_result_table(&res, &buf)
 *       (verify_report.h)
 *   verify_result_release(&res);
 *
 * The required grants come from the templates (template_grants()); each is
 * evaluated with iam_eval_grant(); the findings are lint_policy_text()'s
 * plus the reminders (lint_reminders()).
 */
#ifndef S3P_VERIFY_H
#define S3P_VERIFY_H

#include <stddef.h>

#include "buf.h"
#include "error.h"
#include "iam_eval.h"
#include "lint.h"
#include "names.h"
#include "template.h"

struct verify_request {
	const char *bucket;
	const char *mode;                 /* NULL: "read" */
	const struct principal *principal;
	const char *partition;            /* NULL: "aws" */
	const char *const *prefixes;
	size_t nprefixes;
	const char *const *contexts;      /* "KEY=VALUE" (--context) */
	size_t ncontexts;
	const char *const *absents;       /* "KEY" (--absent) */
	size_t nabsents;
	const char *templates_dir;        /* NULL: default search */
};

struct verify_grant {
	const struct grant *grant;        /* borrowed from the result's list */
	struct eval_result eval;
};

struct verify_result {
	char *principal;                  /* the principal's ARN */
	char *bucket;
	char *mode;
	struct grant_list grants;
	struct verify_grant *results;     /* one per grant, in template order */
	size_t nresults;
	struct finding_list findings;     /* path NULL, statement set */
	int no_policy;                    /* the bucket has no policy */
};

/* Input far above AWS's 20,480-byte limit for a bucket policy is refused
 * before it is parsed: a policy AWS accepts, pretty-printed or wrapped in
 * the answer of get-bucket-policy, stays far below this. */
#define VERIFY_MAX_INPUT (256 * 1024)

/* Evaluate and lint policy text (a policy, or the whole answer of `aws
 * s3api get-bucket-policy`: the policy inside is verified, as `gen --merge`
 * reads it).  `name` names the source in messages.
 * Text over VERIFY_MAX_INPUT bytes is refused (S3P_E_INPUT).
 * On failure *out is empty (release is still allowed). */
int verify_policy_text(const struct verify_request *rq, const char *text,
		       size_t len, const char *name,
		       struct verify_result *out, struct s3p_error *err);

/* The bucket has no policy: every grant is implicit-deny, and a no-policy
 * finding says so. */
int verify_no_policy(const struct verify_request *rq,
		     struct verify_result *out, struct s3p_error *err);

/* 0: every grant allowed and no error finding (exit 0); 1 otherwise. */
int verify_result_failed(const struct verify_result *res);

void verify_result_release(struct verify_result *res);

#endif
