/* lint.c - findings about a bucket-policy document (see lint.h). */
#include "lint.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "glob.h"
#include "names.h"
#include "policy.h"
#include "s3_actions.h"

void lint_add(struct finding_list *r, enum severity sev, const char *code,
	      long statement, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	finding_add(r, sev, code, NULL, statement, "%s", tmp);
}

size_t lint_compact_size(const char *text, size_t len)
{
	size_t n = 0;
	int in_string = 0, escaped = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_string) {
			n++;
			if (escaped)
				escaped = 0;
			else if (c == '\\')
				escaped = 1;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '"')
			in_string = 1;
		n++;
	}
	return n;
}

/* ---- patterns against ARN formats ----------------------------------
 *
 * To tell which resource types a Resource pattern can name, the pattern
 * (IAM wildcards) is intersected with each type's ARN format, where a
 * ${Variable} is one or more characters other than ':' and '/' (any
 * characters for ${ObjectName}). */

/* An IAM pattern: * and ? are wildcards; a policy variable ${...} may
 * stand for anything. */
static void glob_from_pattern(const char *p, struct glob *g)
{
	for (; *p; p++) {
		if (p[0] == '$' && p[1] == '{' && strchr(p, '}')) {
			glob_push(g, GLOB_STAR);
			p = strchr(p, '}');
		} else {
			glob_push_text(g, p, 1, 1, 0);
		}
	}
}

/* An ARN format of the reference: ${Name} is a variable. */
static void glob_from_format(const char *f, struct glob *g)
{
	for (; *f; f++) {
		if (f[0] == '$' && f[1] == '{' && strchr(f, '}')) {
			int any = !strncmp(f, "${ObjectName}", 13);

			glob_push(g, any ? GLOB_ANY : GLOB_SEG_ANY);
			glob_push(g, any ? GLOB_STAR : GLOB_SEG_STAR);
			f = strchr(f, '}');
		} else {
			glob_push_text(g, f, 1, 0, 0);
		}
	}
}

static int pattern_matches_format(const char *pattern, const char *format)
{
	struct glob a = GLOB_INIT, b = GLOB_INIT;
	int r;

	glob_from_pattern(pattern, &a);
	glob_from_format(format, &b);
	r = glob_overlaps(&a, &b, 0);
	glob_release(&a);
	glob_release(&b);
	return r;
}

/* The resource types a Resource pattern can name. */
static unsigned pattern_types(const char *pattern)
{
	unsigned types = 0;

	for (size_t i = 0; i < s3_resource_types_count; i++)
		if (pattern_matches_format(pattern, s3_resource_types[i].arn))
			types |= s3_resource_types[i].type;
	return types;
}

static int only_stars(const char *s)
{
	return *s && strspn(s, "*") == strlen(s);
}

static int has_wildcard(const char *s)
{
	return strchr(s, '*') || strchr(s, '?');
}

/* ---- the checks ------------------------------------------------------- */

/* A set of strings (borrowed) with a number each: open addressing, so
 * each lookup is constant time and a pass over n statements is linear. */
struct strset {
	const char **keys;
	long *vals;
	size_t cap;   /* a power of two, or 0 */
	size_t len;
};

static size_t strset_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static void strset_grow(struct strset *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	const char **keys = xcalloc(ncap, sizeof(*keys));
	long *vals = xcalloc(ncap, sizeof(*vals));

	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->keys[i])
			continue;
		j = strset_hash(m->keys[i]) & (ncap - 1);
		while (keys[j])
			j = (j + 1) & (ncap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = ncap;
}

/* The number stored with key; when key is new it is added with val, and
 * -1 is returned. */
static long strset_put(struct strset *m, const char *key, long val)
{
	size_t j;

	if ((m->len + 1) * 2 > m->cap)
		strset_grow(m);
	j = strset_hash(key) & (m->cap - 1);
	for (; m->keys[j]; j = (j + 1) & (m->cap - 1))
		if (!strcmp(m->keys[j], key))
			return m->vals[j];
	m->keys[j] = key;
	m->vals[j] = val;
	m->len++;
	return -1;
}

static void strset_release(struct strset *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

struct linter {
	const struct lint_params *p;
	struct finding_list *out;
	const char *partition;
	struct strset sids;   /* Sid -> first statement using it */
};

/* Strings of an element that may be a string or a list of strings; other
 * values are skipped.  Returns the count of strings. */
static size_t strings_of(const json_t *v, const char **out, size_t max)
{
	size_t n = 0, i;
	const json_t *e;

	if (json_is_string(v)) {
		if (max)
			out[n] = json_string_value(v);
		return 1;
	}
	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			continue;
		if (n < max)
			out[n] = json_string_value(e);
		n++;
	}
	return n;
}

static const char **strings_alloc(const json_t *v, size_t *n)
{
	const char **s;

	*n = strings_of(v, NULL, 0);
	s = xcalloc(*n ? *n : 1, sizeof(*s));
	strings_of(v, s, *n);
	return s;
}

static void check_placeholders(struct linter *l, const json_t *v, long st,
			       const char **seen)
{
	const char *key, *ph;
	const json_t *e;
	size_t i;

	if (*seen)
		return;
	if (json_is_string(v)) {
		ph = names_find_placeholder(json_string_value(v));
		if (ph) {
			*seen = ph;
			lint_add(l->out, SEVERITY_ERROR, "placeholder", st,
				 "'%s' is a placeholder from the vendor's "
				 "documentation, left unreplaced in '%s'", ph,
				 json_string_value(v));
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			check_placeholders(l, e, st, seen);
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, e) {
			ph = names_find_placeholder(key);
			if (ph && !*seen) {
				*seen = ph;
				lint_add(l->out, SEVERITY_ERROR, "placeholder", st,
					 "'%s' is a placeholder from the "
					 "vendor's documentation, left "
					 "unreplaced in '%s'", ph, key);
			}
			check_placeholders(l, e, st, seen);
		}
	}
}

static int is_unique_id(const char *s)
{
	size_t len = strlen(s);

	if (len < 16 || len > 128 || s[0] != 'A')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isupper((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int valid_aws_principal(const char *s)
{
	struct principal pr;

	if (!strcmp(s, "*"))
		return 1;
	if (names_parse_principal(s, &pr, NULL) == 0)
		return 1;
	/* arn:P:sts::ACCOUNT:federated-user/NAME is a principal too. */
	if (!strncmp(s, "arn:", 4) && strstr(s, ":sts::") &&
	    strstr(s, ":federated-user/") && !has_wildcard(s))
		return 1;
	return 0;
}

/* The AWS principals of a Principal / NotPrincipal value; *star when it is
 * "*" or lists "*". */
static const char **aws_principals(const json_t *v, size_t *n, int *star)
{
	const char **list;

	*star = 0;
	if (json_is_string(v)) {
		*star = !strcmp(json_string_value(v), "*");
		*n = 0;
		return xcalloc(1, sizeof(*list));
	}
	list = strings_alloc(json_object_get(v, "AWS"), n);
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(list[i], "*"))
			*star = 1;
	return list;
}

/* A Deny with NotPrincipal that lists only the vendor's user (or role) or
 * only its account: AWS exempts a principal only when both its own ARN and
 * its account are listed, so the Deny applies to the vendor.  The finding
 * carries the statement with the missing entry added.  Returns 1 when it
 * reported one. */
static int notprincipal_vendor(struct linter *l, const json_t *st, long idx,
			       const char **list, size_t n)
{
	const struct principal *v = l->p ? l->p->principal : NULL;
	char root[400];
	const char *acc = root;
	int self = 0, account = 0;
	json_t *amended, *np, *aws;
	char *text;

	if (!v || (v->type != PRINCIPAL_USER && v->type != PRINCIPAL_ROLE))
		return 0;
	snprintf(root, sizeof(root), "arn:%s:iam::%s:root", v->partition,
		 v->account);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(list[i], v->arn))
			self = 1;
		else if (!strcmp(list[i], root) ||
			 !strcmp(list[i], v->account)) {
			account = 1;
			acc = list[i];
		}
	}
	if (self == account)
		return 0;
	amended = json_deep_copy(st);
	np = json_object_get(amended, "NotPrincipal");
	aws = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(aws, json_string(list[i]));
	json_array_append_new(aws, json_string(self ? root : v->arn));
	json_object_set_new(np, "AWS", aws);
	text = json_dumps(amended, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (text && strlen(text) > 600) {
		/* too long for one line: the element alone */
		free(text);
		text = json_dumps(np, JSON_COMPACT | JSON_PRESERVE_ORDER);
	}
	lint_add(l->out, SEVERITY_WARNING, "notprincipal-deny-vendor", idx,
		 "Deny with NotPrincipal lists %s but not %s: AWS exempts "
		 "%s only when its own ARN and its account are both listed "
		 "(and may check the account first), so this Deny applies "
		 "to it; amended: %s", self ? v->arn : acc,
		 self ? root : v->arn, v->arn, text ? text : "");
	free(text);
	json_decref(amended);
	return 1;
}

static void check_principal(struct linter *l, const json_t *st, long idx,
			    int allow)
{
	const json_t *pv = json_object_get(st, "Principal");
	const json_t *npv = json_object_get(st, "NotPrincipal");
	const json_t *which = pv ? pv : npv;
	const char *name = pv ? "Principal" : "NotPrincipal";
	const char **list;
	size_t n;
	int star;

	if (!which) {
		lint_add(l->out, SEVERITY_ERROR, "missing-element", idx,
			 "statement has neither Principal nor NotPrincipal "
			 "(a bucket policy must name who it applies to)");
		return;
	}
	if (pv && npv)
		lint_add(l->out, SEVERITY_ERROR, "conflicting-element", idx,
			 "statement has both Principal and NotPrincipal "
			 "(AWS rejects it: MalformedPolicy)");
	if (json_is_string(which) && strcmp(json_string_value(which), "*")) {
		lint_add(l->out, SEVERITY_ERROR, "invalid-principal", idx,
			 "%s \"%s\" is neither \"*\" nor an object such as "
			 "{\"AWS\": ARN}", name, json_string_value(which));
		return;
	}
	if (!json_is_string(which) && !json_is_object(which)) {
		lint_add(l->out, SEVERITY_ERROR, "invalid-principal", idx,
			 "%s is neither \"*\" nor an object", name);
		return;
	}
	list = aws_principals(which, &n, &star);
	for (size_t i = 0; i < n; i++) {
		if (names_find_placeholder(list[i]))
			continue;   /* reported as a placeholder */
		if (is_unique_id(list[i]))
			lint_add(l->out, SEVERITY_WARNING, "deleted-principal",
				 idx, "principal '%s' is a unique id: AWS "
				 "shows a principal so when it was deleted; "
				 "re-creating it does not restore the grant",
				 list[i]);
		else if (!valid_aws_principal(list[i]))
			lint_add(l->out, SEVERITY_ERROR, "invalid-principal", idx,
				 "principal '%s' is not \"*\", an account id "
				 "or an IAM / STS principal ARN (wildcards "
				 "are not allowed here)", list[i]);
	}
	if (pv && allow && star) {
		const json_t *cond = json_object_get(st, "Condition");

		if (!json_is_object(cond) || !json_object_size(cond))
			lint_add(l->out, SEVERITY_WARNING, "public-access", idx,
				 "Allow to Principal \"*\" without a "
				 "Condition: anyone, signed in or not, gets "
				 "these actions");
	}
	if (npv && allow)
		lint_add(l->out, SEVERITY_WARNING, "notprincipal-allow", idx,
			 "NotPrincipal with Allow grants the actions to every "
			 "principal not listed, anonymous users included");
	if (npv && !allow) {
		/* the accounts listed, then each user or role without its
		 * account: two linear passes (the vendor's own entry has
		 * its finding from notprincipal_vendor) */
		int vendor = notprincipal_vendor(l, st, idx, list, n);
		struct strset accounts = { NULL, NULL, 0, 0 };
		struct principal *prs = xcalloc(n ? n : 1, sizeof(*prs));
		int *parsed = xcalloc(n ? n : 1, sizeof(*parsed));

		for (size_t i = 0; i < n; i++) {
			parsed[i] = !names_parse_principal(list[i], &prs[i],
							   NULL);
			if (parsed[i] && prs[i].type == PRINCIPAL_ACCOUNT)
				strset_put(&accounts, prs[i].account, 0);
		}
		for (size_t i = 0; i < n; i++) {
			const struct principal *pr = &prs[i];

			if (!parsed[i] || pr->type == PRINCIPAL_ACCOUNT ||
			    (vendor && !strcmp(list[i], l->p->principal->arn)) ||
			    strset_put(&accounts, pr->account, 1) == 0)
				continue;
			lint_add(l->out, SEVERITY_WARNING,
				 "notprincipal-deny-user", idx,
				 "Deny with NotPrincipal lists '%s' "
				 "but not its account '%s': AWS then "
				 "denies the whole account, this "
				 "principal included; list "
				 "arn:%s:iam::%s:root too",
				 list[i], pr->account, pr->partition,
				 pr->account);
		}
		strset_release(&accounts);
		free(prs);
		free(parsed);
	}
	free(list);
}

static int resource_in_bucket(const char *res, const char *partition,
			      const char *bucket)
{
	char arn[1200];

	snprintf(arn, sizeof(arn), "arn:%s:s3:::%s", partition, bucket);
	if (pattern_matches_format(res, arn))
		return 1;
	snprintf(arn, sizeof(arn), "arn:%s:s3:::%s/${ObjectName}", partition,
		 bucket);
	return pattern_matches_format(res, arn);
}

static void check_resources(struct linter *l, const json_t *st, long idx,
			    unsigned *types, int *star_resource)
{
	const json_t *rv = json_object_get(st, "Resource");
	const json_t *nrv = json_object_get(st, "NotResource");
	const char **list;
	size_t n;

	*types = 0;
	*star_resource = 0;
	if (!rv && !nrv) {
		lint_add(l->out, SEVERITY_ERROR, "missing-element", idx,
			 "statement has neither Resource nor NotResource");
		return;
	}
	if (rv && nrv)
		lint_add(l->out, SEVERITY_ERROR, "conflicting-element", idx,
			 "statement has both Resource and NotResource "
			 "(AWS rejects it: MalformedPolicy)");
	list = strings_alloc(rv ? rv : nrv, &n);
	for (size_t i = 0; i < n; i++) {
		const char *r = list[i];

		if (rv) {
			*types |= pattern_types(r);
			if (only_stars(r))
				*star_resource = 1;
		}
		if (!l->p || !l->p->bucket || names_find_placeholder(r) ||
		    resource_in_bucket(r, l->partition, l->p->bucket))
			continue;
		if (resource_in_bucket(r, "${Partition}", l->p->bucket))
			lint_add(l->out, SEVERITY_ERROR, "other-partition", idx,
				 "resource '%s' is not in partition '%s' "
				 "(the bucket's ARN is arn:%s:s3:::%s)", r,
				 l->partition, l->partition, l->p->bucket);
		else
			lint_add(l->out, SEVERITY_ERROR, "other-bucket", idx,
				 "resource '%s' names neither bucket '%s' nor "
				 "its objects (AWS rejects a bucket policy "
				 "with resources of another bucket)", r,
				 l->p->bucket);
	}
	if (nrv)
		*types = ~0u;   /* everything but ...: not checked */
	free(list);
}

static void check_actions(struct linter *l, const json_t *st, long idx,
			  unsigned types, int star_resource)
{
	const json_t *av = json_object_get(st, "Action");
	const json_t *nav = json_object_get(st, "NotAction");
	const char **list;
	size_t n, applying = 0, named_not = 0;
	char rtypes[256], atypes[256], where[1200];

	if (!av && !nav) {
		lint_add(l->out, SEVERITY_ERROR, "missing-element", idx,
			 "statement has neither Action nor NotAction");
		return;
	}
	if (av && nav)
		lint_add(l->out, SEVERITY_ERROR, "conflicting-element", idx,
			 "statement has both Action and NotAction "
			 "(AWS rejects it: MalformedPolicy)");
	list = strings_alloc(av ? av : nav, &n);
	if (av && !json_object_get(st, "Resource"))
		types = ~0u;    /* NotResource or nothing: not checked */
	for (size_t i = 0; i < n; i++) {
		const char *a = list[i];
		const struct s3_action *sa;

		if (has_wildcard(a)) {
			applying++;
			continue;
		}
		sa = s3_action_find(a);
		if (!sa) {
			applying++;
			lint_add(l->out, SEVERITY_WARNING, "unknown-action", idx,
				 "'%s' is not an Amazon S3 action s3perm "
				 "knows (a typo? AWS rejects unknown actions)",
				 a);
			continue;
		}
		if (!av)
			continue;
		if (sa->types ? (sa->types & types) != 0 : star_resource)
			applying++;
		else
			named_not++;
	}
	if (av && named_not) {
		s3_rtype_names(types, rtypes, sizeof(rtypes));
		for (size_t i = 0; i < n; i++) {
			const struct s3_action *sa = has_wildcard(list[i]) ?
				NULL : s3_action_find(list[i]);

			if (!sa || (sa->types ? (sa->types & types) != 0
					      : star_resource))
				continue;
			s3_rtype_names(sa->types, atypes, sizeof(atypes));
			where[0] = '\0';
			if (l->p && l->p->bucket &&
			    (sa->types & (S3_RT_BUCKET | S3_RT_OBJECT)))
				snprintf(where, sizeof(where),
					 "; put it in a statement on "
					 "arn:%s:s3:::%s%s", l->partition,
					 l->p->bucket,
					 sa->types & S3_RT_BUCKET ? "" : "/*");
			if (applying)
				lint_add(l->out, SEVERITY_WARNING,
					 "action-resource-mismatch", idx,
					 "%s applies to %s, not to this "
					 "statement's resources (%s): AWS "
					 "accepts it but it grants nothing "
					 "here%s", list[i], atypes,
					 types ? rtypes : "none", where);
			else
				lint_add(l->out, SEVERITY_ERROR,
					 "action-no-resource", idx,
					 "%s applies to %s, and no action of "
					 "the statement applies to its "
					 "resources (%s): AWS rejects the "
					 "policy (MalformedPolicy)", list[i],
					 atypes, types ? rtypes : "none");
		}
	}
	free(list);
}

static void check_sid(struct linter *l, const json_t *st, long idx)
{
	const json_t *sv = json_object_get(st, "Sid");
	const char *sid;
	long first;

	if (!sv)
		return;
	if (!json_is_string(sv)) {
		lint_add(l->out, SEVERITY_WARNING, "invalid-sid", idx,
			 "Sid is not a string");
		return;
	}
	sid = json_string_value(sv);
	for (const char *c = sid; *c; c++)
		if (!isalnum((unsigned char)*c) || (unsigned char)*c > 127) {
			lint_add(l->out, SEVERITY_WARNING, "invalid-sid", idx,
				 "Sid '%s' has characters other than A-Z, a-z "
				 "and 0-9", sid);
			break;
		}
	if (!*sid)
		return;
	first = strset_put(&l->sids, sid, idx);
	if (first >= 0)
		lint_add(l->out, SEVERITY_ERROR, "duplicate-sid", idx,
			 "Sid '%s' is used by statement %ld too: "
			 "Sids must be unique", sid, first);
}

static const char *const statement_keys[] = {
	"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
	"Resource", "NotResource", "Condition"
};

static void check_statement(struct linter *l, const json_t *st, long idx)
{
	const json_t *ev = json_object_get(st, "Effect");
	const char *effect = json_string_value(ev);
	const char *key, *seen = NULL;
	const json_t *v;
	unsigned types;
	int star_resource, allow;

	json_object_foreach((json_t *)st, key, v) {
		size_t k;

		for (k = 0; k < (sizeof(statement_keys) / sizeof(statement_keys[0])); k++)
			if (!strcmp(key, statement_keys[k]))
				break;
		if (k == (sizeof(statement_keys) / sizeof(statement_keys[0])))
			lint_add(l->out, SEVERITY_ERROR, "unknown-element", idx,
				 "unknown element '%s' in the statement "
				 "(names are case-sensitive)", key);
	}
	check_sid(l, st, idx);
	allow = effect && !strcmp(effect, "Allow");
	if (!effect || (strcmp(effect, "Allow") && strcmp(effect, "Deny")))
		lint_add(l->out, SEVERITY_ERROR, "invalid-effect", idx,
			 "Effect must be exactly \"Allow\" or \"Deny\"%s%s%s",
			 effect ? " (is \"" : " (missing)",
			 effect ? effect : "", effect ? "\")" : "");
	check_principal(l, st, idx, allow);
	check_resources(l, st, idx, &types, &star_resource);
	check_actions(l, st, idx, types, star_resource);
	check_placeholders(l, st, idx, &seen);
}

void lint_reminders(const struct lint_params *p, struct finding_list *out)
{
	const struct principal *pr = p ? p->principal : NULL;
	int export = p && p->mode && !strcmp(p->mode, "export");

	if (pr)
		lint_add(out, SEVERITY_INFO, "cross-account", FINDING_NO_STATEMENT,
			 "a bucket policy grant is necessary but not "
			 "sufficient across accounts: account %s must also "
			 "allow these actions to %s in its own IAM policy",
			 pr->account, pr->arn);
	lint_add(out, SEVERITY_INFO, "sse-kms", FINDING_NO_STATEMENT,
		 "if the bucket encrypts with SSE-KMS, the key policy must "
		 "also allow the principal %s",
		 export ? "kms:Decrypt and kms:GenerateDataKey"
			: "kms:Decrypt");
}

int lint_policy_doc(const json_t *doc, size_t text_size,
		    const struct lint_params *p, struct finding_list *out,
		    struct s3p_error *err)
{
	struct linter l = { p, out, p && p->partition ? p->partition : "aws",
			    { NULL, NULL, 0, 0 } };
	const json_t *version, *statements, *v;
	const char *key, *seen = NULL;
	size_t size, i;

	(void)err;
	if (!json_is_object(doc)) {
		lint_add(out, SEVERITY_ERROR, "not-object", FINDING_NO_STATEMENT,
			 "the policy is not a JSON object");
		return 0;
	}
	size = text_size ? text_size : policy_size(doc);
	if (size > POLICY_MAX_BYTES)
		lint_add(out, SEVERITY_ERROR, "too-large", FINDING_NO_STATEMENT,
			 "the policy has %zu bytes without whitespace; AWS "
			 "allows %d", size, POLICY_MAX_BYTES);
	json_object_foreach((json_t *)doc, key, v) {
		if (strcmp(key, "Version") && strcmp(key, "Id") &&
		    strcmp(key, "Statement"))
			lint_add(out, SEVERITY_ERROR, "unknown-element",
				 FINDING_NO_STATEMENT, "unknown element '%s' in "
				 "the policy (names are case-sensitive)", key);
		else if (strcmp(key, "Statement"))
			check_placeholders(&l, v, FINDING_NO_STATEMENT, &seen);
	}
	version = json_object_get(doc, "Version");
	if (!version)
		lint_add(out, SEVERITY_WARNING, "missing-version",
			 FINDING_NO_STATEMENT, "no Version: AWS reads the policy "
			 "as Version 2008-10-17, where policy variables such "
			 "as ${aws:username} are literal text; add \"Version\": "
			 "\"2012-10-17\"");
	else if (json_is_string(version) &&
		 !strcmp(json_string_value(version), "2008-10-17"))
		lint_add(out, SEVERITY_WARNING, "old-version", FINDING_NO_STATEMENT,
			 "Version 2008-10-17: policy variables such as "
			 "${aws:username} are literal text; use 2012-10-17");
	else if (!json_is_string(version) ||
		 strcmp(json_string_value(version), "2012-10-17"))
		lint_add(out, SEVERITY_ERROR, "invalid-version", FINDING_NO_STATEMENT,
			 "Version must be \"2012-10-17\" (or the older "
			 "\"2008-10-17\")");
	statements = json_object_get(doc, "Statement");
	if (json_is_object(statements)) {
		check_statement(&l, statements, 0);
	} else if (json_is_array(statements)) {
		if (!json_array_size(statements))
			lint_add(out, SEVERITY_ERROR, "missing-statement",
				 FINDING_NO_STATEMENT, "the Statement list is "
				 "empty (AWS rejects it; delete the bucket "
				 "policy instead)");
		json_array_foreach(statements, i, v) {
			if (!json_is_object(v))
				lint_add(out, SEVERITY_ERROR, "invalid-statement",
					 (long)i, "statement %zu is not a JSON "
					 "object", i);
			else
				check_statement(&l, v, (long)i);
		}
	} else {
		lint_add(out, SEVERITY_ERROR, "missing-statement",
			 FINDING_NO_STATEMENT, "the policy has no Statement "
			 "(an object or an array of objects)");
	}
	strset_release(&l.sids);
	return 0;
}

int lint_policy_text(const char *text, size_t len,
		     const struct lint_params *p, struct finding_list *out,
		     struct s3p_error *err)
{
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, 0, &jerr);
	int rc;

	if (!doc) {
		lint_add(out, SEVERITY_ERROR, "not-json", FINDING_NO_STATEMENT,
			 "not JSON: %s at line %d, column %d", jerr.text,
			 jerr.line, jerr.column);
		return 0;
	}
	rc = lint_policy_doc(doc, lint_compact_size(text, len), p, out, err);
	json_decref(doc);
	return rc;
}
