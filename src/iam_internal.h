/* iam_internal.h - what the IAM modules share and nobody else sees: the
 * compiled policy (iam_compile.c builds it), the request context's lookups
 * and policy-variable substitution (iam_context.c), condition operators
 * (iam_cond.c) and the three-valued logic the evaluator (iam_eval.c)
 * combines them with.  The semantics are in iam_eval.h. */
#ifndef S3P_IAM_INTERNAL_H
#define S3P_IAM_INTERNAL_H

#include <stddef.h>

#include "glob.h"
#include "iam_eval.h"

/* ---- three-valued logic -------------------------------------------------- */

enum tri { T_FALSE = 0, T_TRUE = 1, T_UNKNOWN = 2 };

static inline enum tri tri_and(enum tri a, enum tri b)
{
	if (a == T_FALSE || b == T_FALSE)
		return T_FALSE;
	if (a == T_UNKNOWN || b == T_UNKNOWN)
		return T_UNKNOWN;
	return T_TRUE;
}

static inline enum tri tri_or(enum tri a, enum tri b)
{
	if (a == T_TRUE || b == T_TRUE)
		return T_TRUE;
	if (a == T_UNKNOWN || b == T_UNKNOWN)
		return T_UNKNOWN;
	return T_FALSE;
}

static inline enum tri tri_not(enum tri a)
{
	return a == T_UNKNOWN ? T_UNKNOWN : a == T_TRUE ? T_FALSE : T_TRUE;
}

/* ---- string sets (case-insensitive when ci, sorted) ---------------------- */

struct strset {
	char **v;
	size_t n, cap;
};

void iam_strset_add_n(struct strset *s, const char *str, size_t len, int ci);
void iam_strset_add(struct strset *s, const char *str, int ci);
void iam_strset_merge(struct strset *dst, const struct strset *src, int ci);
void iam_strset_release(struct strset *s);

/* Appends a copy of str to a plain string list (no dedupe, keeps order). */
void iam_strv_push(char ***v, size_t *n, const char *str);
void iam_strv_free(char **v, size_t n);

/* ---- compiled policy ------------------------------------------------------ */

/* A string of the policy that may hold policy variables. */
struct pstr {
	char *raw;
	struct glob g;      /* compiled when !dyn */
	int dyn;            /* holds ${...} under Version 2012-10-17 */
};

enum pr_kind { PR_ANY, PR_ACCOUNT, PR_USER, PR_ROLE, PR_SESSION, PR_OTHER };

struct prin {
	enum pr_kind kind;
	char *raw;
	char *partition;    /* NULL: any (bare account id) */
	char *account;
	char *rolename;     /* PR_ROLE, PR_SESSION */
};

enum fam { F_STRING, F_NUM, F_DATE, F_BOOL, F_BIN, F_IP, F_ARN, F_NULL };
enum cmpop { C_EQ, C_EQ_CI, C_LIKE, C_LT, C_LE, C_GT, C_GE };
enum setop { SET_NONE, SET_ANY, SET_ALL };

struct cond {
	char *op;           /* as written */
	char *key;
	int valid;
	enum fam fam;
	enum cmpop cmp;
	int neg, ifexists;
	enum setop set;
	struct pstr *vals;
	size_t nvals;
};

struct stmt {
	size_t index;
	char *sid;
	int deny;
	char *invalid;      /* why it never applies, or NULL */
	int not_principal;
	struct prin *pr;
	size_t npr;
	int not_action;
	struct glob *act;
	size_t nact;
	int not_resource;
	struct pstr *res;
	size_t nres;
	struct cond *cond;
	size_t ncond;
};

struct iam_policy {
	int vars;           /* Version 2012-10-17: policy variables */
	struct stmt *st;
	size_t n;
};

/* ---- context lookups and policy variables (iam_context.c) ---------------- */

enum kstate { K_UNKNOWN, K_ABSENT, K_PRESENT };

/* The state of key name[0..len) in ctx; *out: the key or NULL. */
enum kstate iam_ctx_lookup(const struct eval_context *ctx, const char *name,
			   size_t len, const struct eval_key **out);

enum subst { SUB_OK, SUB_FAIL, SUB_UNKNOWN };

/* The glob of a policy string, substituted.  *tmp receives an allocation
 * to release (glob_release) when dynamic; unknown keys met go into keys. */
enum subst iam_pstr_glob(const struct pstr *p, const struct eval_context *ctx,
			 int wild, int ci, struct glob *tmp,
			 const struct glob **out, struct strset *keys);

/* ---- conditions (iam_cond.c) --------------------------------------------- */

/* Sets c's family, comparison, negation, IfExists and set qualifier from
 * the operator name; 0 when IAM has no such operator. */
int iam_cond_parse_operator(const char *name, struct cond *c);

/* One condition against the request; unknown keys met go into keys. */
enum tri iam_cond_eval(const struct cond *c, const struct eval_context *ctx,
		       struct strset *keys);

#endif
