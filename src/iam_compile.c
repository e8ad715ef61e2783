/* iam_compile.c - compile a policy document into the form the evaluator
 * walks (statements, principals, action and resource globs, conditions),
 * once, so evaluation never re-reads the JSON.  Lenient like IAM's
 * evaluation: a malformed statement is kept and never applies.  See
 * iam_eval.h. */
#include "iam_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void pstr_init(struct pstr *p, const char *raw, int vars, int wild,
		      int ci)
{
	memset(p, 0, sizeof(*p));
	p->raw = xstrdup(raw);
	if (vars && strstr(raw, "${")) {
		p->dyn = 1;
		return;
	}
	glob_push_text(&p->g, raw, strlen(raw), wild, ci);
}

static void pstr_release(struct pstr *p)
{
	free(p->raw);
	glob_release(&p->g);
}

static void prin_release(struct prin *p)
{
	free(p->raw);
	free(p->partition);
	free(p->account);
	free(p->rolename);
}

static void stmt_release(struct stmt *s)
{
	size_t i, j;

	free(s->sid);
	free(s->invalid);
	for (i = 0; i < s->npr; i++)
		prin_release(&s->pr[i]);
	free(s->pr);
	for (i = 0; i < s->nact; i++)
		glob_release(&s->act[i]);
	free(s->act);
	for (i = 0; i < s->nres; i++)
		pstr_release(&s->res[i]);
	free(s->res);
	for (i = 0; i < s->ncond; i++) {
		free(s->cond[i].op);
		free(s->cond[i].key);
		for (j = 0; j < s->cond[i].nvals; j++)
			pstr_release(&s->cond[i].vals[j]);
		free(s->cond[i].vals);
	}
	free(s->cond);
}

void iam_policy_free(struct iam_policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; i < pol->n; i++)
		stmt_release(&pol->st[i]);
	free(pol->st);
	free(pol);
}

size_t iam_policy_count(const struct iam_policy *pol)
{
	return pol ? pol->n : 0;
}

static void stmt_invalid(struct stmt *s, const char *why)
{
	if (!s->invalid)
		s->invalid = xstrdup(why);
}

/* Calls fn for a string or each string of a list; 0 if the value is
 * neither (or a list holds a non-string). */
static int for_strings(const json_t *v, void (*fn)(struct stmt *, const char *,
						  void *),
		       struct stmt *s, void *arg)
{
	size_t i;
	const json_t *e;

	if (json_is_string(v)) {
		fn(s, json_string_value(v), arg);
		return 1;
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return 0;
	json_array_foreach(v, i, e)
		if (!json_is_string(e))
			return 0;
	json_array_foreach(v, i, e)
		fn(s, json_string_value(e), arg);
	return 1;
}

static void add_action(struct stmt *s, const char *a, void *arg)
{
	(void)arg;
	s->act = xrealloc(s->act, (s->nact + 1) * sizeof(*s->act));
	memset(&s->act[s->nact], 0, sizeof(s->act[0]));
	glob_push_text(&s->act[s->nact], a, strlen(a), 1, 1);
	s->nact++;
}

static void add_resource(struct stmt *s, const char *r, void *arg)
{
	const int *vars = arg;

	s->res = xrealloc(s->res, (s->nres + 1) * sizeof(*s->res));
	pstr_init(&s->res[s->nres], r, *vars, 1, 0);
	s->nres++;
}

static int is_account_id(const char *s)
{
	return strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

static void parse_prin(struct prin *p, const char *v)
{
	char *copy, *f[6], *q;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->raw = xstrdup(v);
	p->kind = PR_OTHER;
	if (!strcmp(v, "*")) {
		p->kind = PR_ANY;
		return;
	}
	if (is_account_id(v)) {
		p->kind = PR_ACCOUNT;
		p->account = xstrdup(v);
		return;
	}
	if (strncmp(v, "arn:", 4) || strchr(v, '*') || strchr(v, '?'))
		return;
	copy = xstrdup(v);
	f[0] = copy;
	for (i = 1, q = copy; i < 6; i++) {
		q = strchr(q, ':');
		if (!q)
			break;
		*q++ = '\0';
		f[i] = q;
	}
	if (i < 6 || f[3][0] || !f[1][0] || !f[4][0])
		goto out;
	if (!strcmp(f[2], "iam") && !strcmp(f[5], "root")) {
		p->kind = PR_ACCOUNT;
	} else if (!strcmp(f[2], "iam") && !strncmp(f[5], "user/", 5) &&
		   f[5][strlen(f[5]) - 1] != '/') {
		p->kind = PR_USER;
	} else if (!strcmp(f[2], "iam") && !strncmp(f[5], "role/", 5) &&
		   f[5][strlen(f[5]) - 1] != '/') {
		p->kind = PR_ROLE;
		p->rolename = xstrdup(strrchr(f[5], '/') + 1);
	} else if (!strcmp(f[2], "sts") &&
		   !strncmp(f[5], "assumed-role/", 13)) {
		char *slash = strchr(f[5] + 13, '/');

		if (!slash || slash == f[5] + 13 || !slash[1] ||
		    strchr(slash + 1, '/'))
			goto out;
		p->kind = PR_SESSION;
		p->rolename = xstrndup(f[5] + 13, (size_t)(slash - (f[5] + 13)));
	} else {
		goto out;
	}
	p->partition = xstrdup(f[1]);
	p->account = xstrdup(f[4]);
out:
	free(copy);
}

static void add_prin(struct stmt *s, const char *v, void *arg)
{
	(void)arg;
	s->pr = xrealloc(s->pr, (s->npr + 1) * sizeof(*s->pr));
	parse_prin(&s->pr[s->npr], v);
	s->npr++;
}

static void add_prin_other(struct stmt *s, const char *v, void *arg)
{
	(void)arg;
	s->pr = xrealloc(s->pr, (s->npr + 1) * sizeof(*s->pr));
	memset(&s->pr[s->npr], 0, sizeof(s->pr[0]));
	s->pr[s->npr].kind = PR_OTHER;
	s->pr[s->npr].raw = xstrdup(v);
	s->npr++;
}

static void compile_principal(struct stmt *s, const json_t *v)
{
	const char *type;
	const json_t *val;

	if (json_is_string(v)) {
		if (!strcmp(json_string_value(v), "*"))
			add_prin(s, "*", NULL);
		else
			stmt_invalid(s, "Principal must be \"*\" or an object");
		return;
	}
	if (!json_is_object(v) || json_object_size(v) == 0) {
		stmt_invalid(s, "Principal must be \"*\" or an object");
		return;
	}
	json_object_foreach((json_t *)v, type, val) {
		int ok = !strcmp(type, "AWS")
			     ? for_strings(val, add_prin, s, NULL)
			     : for_strings(val, add_prin_other, s, NULL);

		if (!ok)
			stmt_invalid(s, "Principal values must be strings");
	}
}

static char *json_scalar_text(const json_t *v)
{
	char tmp[64];

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_true(v))
		return xstrdup("true");
	if (json_is_false(v))
		return xstrdup("false");
	if (json_is_integer(v)) {
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return xstrdup(tmp);
	}
	if (json_is_real(v)) {
		snprintf(tmp, sizeof(tmp), "%.17g", json_real_value(v));
		return xstrdup(tmp);
	}
	return NULL;
}

static int cond_add_value(struct cond *c, const json_t *v, int vars)
{
	char *t = json_scalar_text(v);
	int var_ok = c->fam == F_STRING || c->fam == F_ARN ||
		     c->fam == F_BOOL;
	int wild = c->cmp == C_LIKE;

	if (!t)
		return 0;
	c->vals = xrealloc(c->vals, (c->nvals + 1) * sizeof(*c->vals));
	pstr_init(&c->vals[c->nvals], t, vars && var_ok, wild,
		  c->cmp == C_EQ_CI);
	c->nvals++;
	free(t);
	return 1;
}

static void compile_condition(struct stmt *s, const json_t *cv, int vars)
{
	const char *opname, *key;
	const json_t *keys, *val;

	if (!json_is_object(cv)) {
		stmt_invalid(s, "Condition must be an object");
		return;
	}
	json_object_foreach((json_t *)cv, opname, keys) {
		if (!json_is_object(keys)) {
			stmt_invalid(s, "a condition operator must map keys "
					"to values");
			continue;
		}
		json_object_foreach((json_t *)keys, key, val) {
			struct cond *c;
			size_t i;
			const json_t *e;

			s->cond = xrealloc(s->cond,
					   (s->ncond + 1) * sizeof(*s->cond));
			c = &s->cond[s->ncond++];
			memset(c, 0, sizeof(*c));
			c->op = xstrdup(opname);
			c->key = xstrdup(key);
			c->valid = iam_cond_parse_operator(opname, c);
			if (json_is_array(val)) {
				json_array_foreach(val, i, e)
					if (!cond_add_value(c, e, vars))
						c->valid = 0;
				if (!json_array_size(val))
					c->valid = 0;
			} else if (!cond_add_value(c, val, vars)) {
				c->valid = 0;
			}
		}
	}
}

/* The value of element name (e.g. "Action") or of its Not form; *not
 * says which.  NULL (and s invalid) when both or neither are there. */
static const json_t *element(struct stmt *s, const json_t *j,
			     const char *name, const char *missing, int *not)
{
	char notname[32], msg[80];
	const json_t *v, *nv;

	snprintf(notname, sizeof(notname), "Not%s", name);
	v = json_object_get(j, name);
	nv = json_object_get(j, notname);
	if (v && nv) {
		snprintf(msg, sizeof(msg), "both %s and %s", name, notname);
		stmt_invalid(s, msg);
		return NULL;
	}
	if (!v && !nv) {
		stmt_invalid(s, missing);
		return NULL;
	}
	*not = nv != NULL;
	return v ? v : nv;
}

static void compile_statement(struct stmt *s, const json_t *j, int vars)
{
	const json_t *v, *effect;

	if (!json_is_object(j)) {
		stmt_invalid(s, "the statement is not an object");
		return;
	}
	v = json_object_get(j, "Sid");
	if (json_is_string(v))
		s->sid = xstrdup(json_string_value(v));
	effect = json_object_get(j, "Effect");
	if (json_is_string(effect) &&
	    !strcmp(json_string_value(effect), "Deny"))
		s->deny = 1;
	else if (!json_is_string(effect) ||
		 strcmp(json_string_value(effect), "Allow"))
		stmt_invalid(s, "Effect is not \"Allow\" or \"Deny\"");

	v = element(s, j, "Principal", "no Principal (a bucket policy needs "
		    "one)", &s->not_principal);
	if (v)
		compile_principal(s, v);
	v = element(s, j, "Action", "no Action or NotAction", &s->not_action);
	if (v && !for_strings(v, add_action, s, NULL))
		stmt_invalid(s, "Action must be a string or a list of strings");
	v = element(s, j, "Resource", "no Resource or NotResource",
		    &s->not_resource);
	if (v && !for_strings(v, add_resource, s, &vars))
		stmt_invalid(s, "Resource must be a string or a list of "
				"strings");

	v = json_object_get(j, "Condition");
	if (v)
		compile_condition(s, v, vars);
}

int iam_policy_compile(const struct json_t *doc, struct iam_policy **out,
		       struct s3p_error *err)
{
	const json_t *ver, *st;
	struct iam_policy *pol;

	*out = NULL;
	if (!json_is_object(doc))
		return s3p_error_set(err, S3P_E_INPUT,
				     "the policy is not a JSON object");
	pol = xcalloc(1, sizeof(*pol));
	ver = json_object_get(doc, "Version");
	pol->vars = json_is_string(ver) &&
		    !strcmp(json_string_value(ver), "2012-10-17");
	st = json_object_get(doc, "Statement");
	if (json_is_object(st)) {
		pol->st = xcalloc(1, sizeof(*pol->st));
		pol->n = 1;
		compile_statement(&pol->st[0], st, pol->vars);
	} else if (json_is_array(st) && json_array_size(st)) {
		size_t i;
		const json_t *e;

		pol->n = json_array_size(st);
		pol->st = xcalloc(pol->n, sizeof(*pol->st));
		json_array_foreach(st, i, e) {
			pol->st[i].index = i;
			compile_statement(&pol->st[i], e, pol->vars);
		}
	}
	*out = pol;
	return 0;
}
