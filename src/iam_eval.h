/* iam_eval.h - evaluate a bucket policy (a resource-based policy) for one
 * principal, action and resource, the way IAM does, and explain why.
 *
 * Usage (what `verify` and `gen --merge` do):
 *
 *   struct iam_policy *pol;
 *   struct eval_context base;
 *   struct eval_result r;
 *   if (iam_policy_compile(doc, &pol, err) < 0) ...        (doc: json_t *)
 *   if (eval_context_init(&base, &principal, err) < 0) ...
 *   for each --context KEY=VALUE: eval_context_assign(&base, "K=V", err)
 *   for each grant g:
 *       if (iam_eval_grant(pol, &base, &g, &r, err) < 0) ...
 *       ... r.decision, r.statements, r.condition_keys, r.notes ...
 *       eval_result_release(&r);
 *   eval_context_release(&base);
 *   iam_policy_free(pol);
 *
 * Compile once, evaluate many times: evaluation never re-reads the JSON.
 * The compiled policy keeps no reference to the document.
 *
 * What is matched (AWS IAM JSON policy element reference):
 *   Action / NotAction      string or list; case-insensitive; * and ?
 *   Resource / NotResource  string or list; case-sensitive; * and ?
 *   Principal/NotPrincipal  "*", {"AWS": "*"}, {"AWS": "123456789012"},
 *                           account root ARN (every principal of the
 *                           account), user / role / assumed-role ARNs,
 *                           lists; other types (Service, Federated,
 *                           CanonicalUser) and malformed values never
 *                           match the principal under evaluation.
 *   Condition               String*, Numeric*, Date*, Bool, BinaryEquals,
 *                           IpAddress / NotIpAddress, Arn*, Null; the
 *                           ...IfExists forms; ForAnyValue: / ForAllValues:.
 *                           Values of one key are ORed; keys and operators
 *                           are ANDed.  A key that is absent makes positive
 *                           operators false and negated ones (StringNot...,
 *                           NotIpAddress, ArnNot...) true, except IfExists
 *                           (true) and Null (tests presence).
 *   Policy variables        ${key}, ${key, 'default'}, ${*} ${?} ${$} in
 *                           Resource and in String / Arn condition values
 *                           under Version 2012-10-17; literal text under
 *                           2008-10-17 (or without Version).
 *   NotPrincipal            with Deny, the principal is exempt only when
 *                           every identity of it is listed: a user's ARN
 *                           AND its account; a role's ARN AND its account;
 *                           an assumed-role session's ARN, its role's ARN
 *                           AND the account; an account (root) its account.
 *                           Listing only the user denies the user too (a
 *                           note says so; AWS's documentation hedges here,
 *                           AWS "might validate the account first": either
 *                           way the user is not exempt).  Listing only the
 *                           account denies the user too (a note says so).  With Allow, the statement
 *                           applies to any principal that no entry matches.
 *
 * Resources are patterns.  The resource given to iam_eval() may hold * and
 * ? and then stands for every resource it matches (a grant on "bucket/" +
 * "*" is a grant on every key).  An object key is never empty (the S3
 * API's ObjectKey has a minimum length of 1): "arn:P:s3:::bucket/" + "*"
 * stands for the non-empty keys only, so an Allow on "bucket/?*" covers
 * it and a Deny on "bucket/" alone does not touch it.  A statement allows such a resource only if its
 * Resource patterns cover all of it (exact glob inclusion, not textual);
 * several Allow statements that apply may cover it together.  A Deny whose
 * resources cover any part of it (glob intersection) is an explicit deny;
 * r.statements[i].covered then names the overlapping patterns.
 *
 * Condition keys are known, absent or unknown, in this order of rules:
 *   known    given (--context KEY=VALUE, eval_context_assign()) or derived
 *            from the principal (eval_context_init()) or the grant (s3:prefix
 *            of a list grant under --prefix);
 *   absent   given (--absent KEY, eval_context_assign_absent()), derived
 *            (aws:username of a role, s3:prefix of a grant without one), or
 *            a key the action's request can never carry according to the
 *            S3 action table (s3_action_may_carry(): s3:x-amz-acl on
 *            GetObject, s3:ExistingObjectTag/... on ListBucket);
 *   unknown  every other key (others_unknown = 1).
 * A key given explicitly wins over what is derived.
 *
 * Three-valued logic.  Each statement "applies" with a value in
 * {true, false, unknown}: the Kleene AND of its principal, action,
 * resource and condition matches, where a condition on a key whose value is
 * unknown (not given and not derivable) is unknown.  Then:
 *
 *   some Deny applies = true                       -> EXPLICIT_DENY
 *   else Allow coverage = false                    -> IMPLICIT_DENY
 *        (no Allow applies, even if unknown keys turned out favourably;
 *         a Deny that might apply is irrelevant then)
 *   else Allow coverage = true and no Deny may apply -> ALLOWED
 *   else                                           -> CONDITIONAL
 *        (an Allow depends on unknown keys, or a Deny might apply)
 *
 * i.e. decision = Allow AND NOT Deny in Kleene logic, with a definite Deny
 * reported as EXPLICIT_DENY.  Examples: conditional Deny + definite Allow
 * = CONDITIONAL; conditional Deny + no Allow = IMPLICIT_DENY; definite Deny
 * + anything = EXPLICIT_DENY; conditional Allow alone = CONDITIONAL.
 *
 * Which statements decided (r.statements):
 *   EXPLICIT_DENY  every Deny that applies for sure
 *   ALLOWED        every Allow that applies for sure
 *   CONDITIONAL    the Allows that apply (for sure or maybe) and the Denies
 *                  that may apply; each has .conditional set when unknown
 *   IMPLICIT_DENY  none (r.notes explains near misses, e.g. an Allow that
 *                  covers only part of the keys)
 * r.condition_keys: the unknown keys the CONDITIONAL decision depends on
 * (sorted, unique, lower case as written in the policy is kept); empty for
 * the other decisions.
 *
 * Known limits (where a choice exists, the cautious one):
 *   - A NotResource Allow counts only when it excludes none of the
 *     resource; one that excludes part is not combined with other Allows.
 *   - Inclusion searches are bounded (20,000 states, ~2e7 bit steps); past
 *     that a pattern is taken as not covering (an Allow does not count, a
 *     NotResource Deny applies).  Real policies stay far below.
 *   - A Condition with an operator IAM does not know is "unknown" (AWS
 *     rejects such a policy; lint reports it).
 *   - Principal ARNs compare exactly (a user ARN with a path differs from
 *     one without); a role matches its assumed-role sessions by name.
 *   - Substituted policy-variable values are literal text (a '*' in a
 *     value is not a wildcard); a multi-valued key is no variable.
 *
 * Ownership: iam_policy_compile() -> iam_policy_free(); every
 * eval_context is released with eval_context_release(); every eval_result
 * filled by iam_eval*() is released with eval_result_release() (also after
 * a failure: it is then empty).  Input strings are copied, never kept.
 */
#ifndef S3P_IAM_EVAL_H
#define S3P_IAM_EVAL_H

#include <stddef.h>

#include "error.h"
#include "names.h"

struct json_t;
struct grant;
struct iam_policy;

enum iam_decision {
	IAM_ALLOWED = 0,
	IAM_EXPLICIT_DENY,
	IAM_IMPLICIT_DENY,
	IAM_CONDITIONAL
};

/* "allowed", "explicit-deny", "implicit-deny", "conditional" (static). */
const char *iam_decision_str(enum iam_decision d);

/* ---- request context ---------------------------------------------------- */

/* One condition key.  Names compare case-insensitively. */
struct eval_key {
	char *name;
	char **values;      /* present: 1 or more values (multi-valued keys) */
	size_t nvalues;
	int absent;         /* 1: known to be absent from the request */
	int explicit_;      /* 1: set by eval_context_assign() (--context);
	                       per-grant defaults never override it */
};

struct eval_context {
	struct principal principal;
	struct eval_key *keys;
	size_t nkeys, cap;
	int others_unknown; /* 1 (default): a key not in keys is unknown;
	                       0: it is absent */
	const char *action; /* set by iam_eval() for its lookups (borrowed):
	                       a key its request can never carry is absent */
};

/* The keys known from the principal alone:
 *   aws:PrincipalArn      its ARN (for an assumed-role session, the role's
 *                         ARN arn:P:iam::A:role/NAME)
 *   aws:PrincipalAccount  its account
 *   aws:PrincipalType     User | AssumedRole (role and session) | Account
 *   aws:username          the user name for a user; absent otherwise
 *   aws:SecureTransport   "true" (s3perm and the vendor use TLS)
 * others_unknown = 1.  Release with eval_context_release(). */
int eval_context_init(struct eval_context *ctx, const struct principal *p,
		      struct s3p_error *err);

/* Add a value to KEY (present from then on; call again for a multi-valued
 * key).  Replaces an "absent" mark. */
int eval_context_add(struct eval_context *ctx, const char *key,
		     const char *value, struct s3p_error *err);

/* A --absent argument: KEY is known to be absent from every request, and
 * per-grant defaults never override that.  Usage error when KEY is empty,
 * malformed, or was given a value with eval_context_assign(). */
int eval_context_assign_absent(struct eval_context *ctx, const char *key,
			       struct s3p_error *err);

/* Mark KEY absent (drops its values). */
int eval_context_set_absent(struct eval_context *ctx, const char *key,
			    struct s3p_error *err);

/* Forget KEY: unknown again (or absent when others_unknown == 0). */
void eval_context_unset(struct eval_context *ctx, const char *key);

/* A --context argument "KEY=VALUE" (the first '=' splits; VALUE may be
 * empty).  The first assignment of a key replaces what init/defaults put
 * there; further assignments of the same key add values.  Usage error when
 * there is no '=', KEY is empty or malformed, or KEY was given with
 * eval_context_assign_absent(). */
int eval_context_assign(struct eval_context *ctx, const char *assignment,
			struct s3p_error *err);

/* The key, or NULL when not in the context. */
const struct eval_key *eval_context_get(const struct eval_context *ctx,
					const char *key);

/* Deep copy; release dst with eval_context_release(). */
int eval_context_copy(struct eval_context *dst, const struct eval_context *src,
		      struct s3p_error *err);

void eval_context_release(struct eval_context *ctx);

/* The context of one request of grant g, from base (a copy): s3:prefix =
 * g->prefixes[prefix_index] for a bucket-level grant with prefixes, absent
 * for a bucket-level grant without (the whole bucket is listed) and for
 * object grants — unless s3:prefix was given explicitly in base.
 * prefix_index is ignored when g->nprefixes == 0. */
int eval_context_for_grant(const struct eval_context *base,
			   const struct grant *g, size_t prefix_index,
			   struct eval_context *out, struct s3p_error *err);

/* ---- policy -------------------------------------------------------------- */

/* Compile a policy document (a JSON object; borrowed, not kept).  Lenient
 * like IAM's evaluation: a malformed statement never applies (and shows up
 * in notes), a missing Statement means nothing is allowed.  Fails
 * (S3P_E_INPUT) only when doc is not an object.  *out: iam_policy_free(). */
int iam_policy_compile(const struct json_t *doc, struct iam_policy **out,
		       struct s3p_error *err);
void iam_policy_free(struct iam_policy *pol);

/* Number of statements (as in the document). */
size_t iam_policy_count(const struct iam_policy *pol);

/* ---- evaluation ---------------------------------------------------------- */

struct iam_stmt_ref {
	size_t index;       /* position in Statement, 0-based */
	char *sid;          /* NULL when the statement has no Sid */
	int deny;           /* 1: Effect Deny, 0: Allow */
	int conditional;    /* 1: applies only depending on unknown keys */
	int partial;        /* 1: covers only part of the resource */
	char **covered;     /* the statement's resource patterns that overlap
	                       the resource (for NotResource: "all but ..."
	                       text); set for Deny and for partial statements */
	size_t ncovered;
};

struct eval_result {
	enum iam_decision decision;
	struct iam_stmt_ref *statements;
	size_t nstatements;
	char **condition_keys;  /* unknown keys the decision depends on */
	size_t ncondition_keys;
	char **notes;           /* human-readable remarks (NotPrincipal
	                           pitfall, partial Allow, unknown operator) */
	size_t nnotes;
};

/* Evaluate one request: ctx's principal performing action on resource
 * (resource may be a pattern, see above).  Fails only on internal errors;
 * *out is always initialized. */
int iam_eval(const struct iam_policy *pol, const struct eval_context *ctx,
	     const char *action, const char *resource,
	     struct eval_result *out, struct s3p_error *err);

/* Evaluate grant g (its action on its resource) with the context
 * eval_context_for_grant() derives from base.  A list grant with several
 * prefixes is one request per prefix, combined: explicit-deny if any is,
 * else implicit-deny if any is, else conditional if any is, else allowed;
 * statements, keys and notes are merged. */
int iam_eval_grant(const struct iam_policy *pol,
		   const struct eval_context *base, const struct grant *g,
		   struct eval_result *out, struct s3p_error *err);

void eval_result_release(struct eval_result *r);

#endif
