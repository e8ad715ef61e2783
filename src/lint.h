/* lint.h - findings about a bucket-policy document: what AWS would reject,
 * what it accepts but is wrong or risky, and reminders.
 *
 * Every finding has a severity, a stable code (scripts and tests rely on
 * it; the man page lists them all), a message and the statement it
 * concerns (FINDING_NO_STATEMENT for the whole document).
 *
 *   code                     severity  when
 *   not-json                 error     the text is not JSON (line, column)
 *   not-object               error     the document is not a JSON object
 *   missing-statement        error     no Statement (object or array), or
 *                                      an empty Statement list
 *   invalid-statement        error     a Statement entry is not an object
 *   unknown-element          error     an element AWS does not know
 *                                      ("Resources", "version", ...)
 *   missing-element          error     a statement without Effect's
 *                                      companions: no Principal, Action or
 *                                      Resource (nor their Not forms)
 *   conflicting-element      error     Principal and NotPrincipal (or
 *                                      Action and NotAction, Resource and
 *                                      NotResource) in one statement
 *   missing-version          warning   no Version: AWS reads it as
 *                                      2008-10-17 (no policy variables)
 *   old-version              warning   Version 2008-10-17
 *   invalid-version          error     another Version
 *   too-large                error     over 20,480 bytes without
 *                                      insignificant whitespace
 *   invalid-sid              warning   Sid not [A-Za-z0-9]*
 *   duplicate-sid            error     two statements with one Sid
 *   invalid-effect           error     Effect not exactly Allow or Deny
 *   action-no-resource       error     none of the statement's actions
 *                                      applies to its resources (AWS:
 *                                      MalformedPolicy)
 *   action-resource-mismatch warning   a named action applies to none of
 *                                      the statement's resource types
 *                                      while others do (accepted, grants
 *                                      nothing)
 *   unknown-action           warning   a named action not in the S3 table
 *   other-bucket             error     a resource of another bucket
 *   other-partition          error     a resource of another partition
 *   invalid-principal        error     an AWS principal that is not "*",
 *                                      an account id or an IAM/STS ARN
 *   deleted-principal        warning   a principal shown as a unique id
 *                                      (AIDA..., AROA...): it was deleted
 *   placeholder              error     STATSIG_IAM_USER, YOUR_S3_BUCKET ...
 *   public-access            warning   Allow to Principal "*" without
 *                                      Condition
 *   notprincipal-allow       warning   NotPrincipal with Allow
 *   notprincipal-deny-user   warning   Deny + NotPrincipal listing a user or
 *                                      role without its account: the whole
 *                                      account is denied, that one too
 *   cross-account            info      the principal's own account must
 *                                      allow the access too
 *   sse-kms                  info      SSE-KMS buckets need the key policy
 *
 * An action matched only through a wildcard (s3:Get*, s3:*) never triggers
 * action-no-resource / action-resource-mismatch / unknown-action.
 */
#ifndef S3P_LINT_H
#define S3P_LINT_H

#include <stddef.h>

#include "error.h"
#include "finding.h"

struct json_t;
struct principal;

/* The findings are struct finding (finding.h) in a struct finding_list,
 * path NULL, statement set. */

struct lint_params {
	const char *bucket;               /* the bucket the policy is for */
	const char *partition;            /* NULL: "aws" */
	const struct principal *principal;/* the grantee, or NULL: no
					     reminders about it */
	const char *mode;                 /* "read" / "export", or NULL */
};

/* Lint policy text: parses it (a parse failure is the not-json finding),
 * then as lint_policy_doc() with the size measured on the text itself.
 * Fails only on internal errors; out is filled and must be released with
 * finding_list_release() in every case. */
int lint_policy_text(const char *text, size_t len,
		     const struct lint_params *p, struct finding_list *out,
		     struct s3p_error *err);

/* Lint a parsed document (borrowed).  text_size: its size as AWS counts
 * it, or 0 to measure the compact dump of doc. */
int lint_policy_doc(const struct json_t *doc, size_t text_size,
		    const struct lint_params *p, struct finding_list *out,
		    struct s3p_error *err);

/* The reminders (cross-account, sse-kms) for p, appended to out. */
void lint_reminders(const struct lint_params *p, struct finding_list *out);

/* Size of a JSON text without insignificant whitespace (whitespace outside
 * strings), as AWS counts a policy against its 20 KB limit. */
size_t lint_compact_size(const char *text, size_t len);

/* Append a finding about a statement (finding_add() without a path). */
void lint_add(struct finding_list *r, enum severity sev, const char *code,
	      long statement, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
