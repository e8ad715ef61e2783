/* iam_context.c - the request context of an evaluation (condition keys
 * known, absent or unknown), its lookups, and the substitution of policy
 * variables, which reads it.  See iam_eval.h. */
#include "iam_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "grant.h"
#include "s3_actions.h"

/* ---- string sets (case-insensitive, sorted) ------------------------------- */

void iam_strset_add_n(struct strset *s, const char *str, size_t len,
		      int ci)
{
	size_t i, pos = s->n;

	for (i = 0; i < s->n; i++) {
		int c = ci ? strncasecmp(s->v[i], str, len)
			   : strncmp(s->v[i], str, len);

		if (c == 0 && s->v[i][len] == '\0')
			return;
		if (c == 0)
			c = 1; /* s->v[i] is longer: it sorts after */
		if (c > 0) {
			pos = i;
			break;
		}
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	memmove(s->v + pos + 1, s->v + pos, (s->n - pos) * sizeof(*s->v));
	s->v[pos] = xstrndup(str, len);
	s->n++;
}

void iam_strset_add(struct strset *s, const char *str, int ci)
{
	iam_strset_add_n(s, str, strlen(str), ci);
}

void iam_strset_merge(struct strset *dst, const struct strset *src,
		      int ci)
{
	for (size_t i = 0; i < src->n; i++)
		iam_strset_add(dst, src->v[i], ci);
}

void iam_strset_release(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void iam_strv_push(char ***v, size_t *n, const char *str)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(str);
}

void iam_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- context -------------------------------------------------------------- */

static struct eval_key *ctx_find(const struct eval_context *ctx,
				 const char *name, size_t len)
{
	for (size_t i = 0; i < ctx->nkeys; i++)
		if (!strncasecmp(ctx->keys[i].name, name, len) &&
		    ctx->keys[i].name[len] == '\0')
			return &ctx->keys[i];
	return NULL;
}

static struct eval_key *ctx_get_or_add(struct eval_context *ctx,
				       const char *name)
{
	struct eval_key *k = ctx_find(ctx, name, strlen(name));

	if (k)
		return k;
	if (ctx->nkeys == ctx->cap) {
		ctx->cap = ctx->cap ? 2 * ctx->cap : 8;
		ctx->keys = xrealloc(ctx->keys, ctx->cap * sizeof(*ctx->keys));
	}
	k = &ctx->keys[ctx->nkeys++];
	memset(k, 0, sizeof(*k));
	k->name = xstrdup(name);
	return k;
}

static void key_clear_values(struct eval_key *k)
{
	iam_strv_free(k->values, k->nvalues);
	k->values = NULL;
	k->nvalues = 0;
}

int eval_context_add(struct eval_context *ctx, const char *key,
		     const char *value, struct s3p_error *err)
{
	struct eval_key *k;

	if (!key || !*key || !value)
		return s3p_error_set(err, S3P_E_USAGE,
				     "invalid condition key '%s'",
				     key ? key : "");
	k = ctx_get_or_add(ctx, key);
	k->absent = 0;
	iam_strv_push(&k->values, &k->nvalues, value);
	return 0;
}

int eval_context_set_absent(struct eval_context *ctx, const char *key,
			    struct s3p_error *err)
{
	struct eval_key *k;

	if (!key || !*key)
		return s3p_error_set(err, S3P_E_USAGE,
				     "invalid condition key ''");
	k = ctx_get_or_add(ctx, key);
	key_clear_values(k);
	k->absent = 1;
	return 0;
}

void eval_context_unset(struct eval_context *ctx, const char *key)
{
	struct eval_key *k = ctx_find(ctx, key, strlen(key));
	size_t i;

	if (!k)
		return;
	i = (size_t)(k - ctx->keys);
	free(k->name);
	key_clear_values(k);
	memmove(ctx->keys + i, ctx->keys + i + 1,
		(ctx->nkeys - i - 1) * sizeof(*ctx->keys));
	ctx->nkeys--;
}

const struct eval_key *eval_context_get(const struct eval_context *ctx,
					const char *key)
{
	return ctx_find(ctx, key, strlen(key));
}

static int bad_key_name(const char *name)
{
	return !*name || strchr(name, ' ') || strchr(name, '$') ||
	       strchr(name, '{') || strchr(name, '=');
}

int eval_context_assign_absent(struct eval_context *ctx, const char *key,
			       struct s3p_error *err)
{
	struct eval_key *k;

	if (bad_key_name(key))
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid --absent '%s': expected a condition key, "
			"e.g. aws:SourceVpce", key);
	k = ctx_get_or_add(ctx, key);
	if (k->explicit_ && !k->absent)
		return s3p_error_set(err, S3P_E_USAGE,
			"condition key '%s' is given both a value "
			"(--context) and --absent", key);
	key_clear_values(k);
	k->absent = 1;
	k->explicit_ = 1;
	return 0;
}

int eval_context_assign(struct eval_context *ctx, const char *assignment,
			struct s3p_error *err)
{
	const char *eq = strchr(assignment, '=');
	struct eval_key *k;
	char *name;

	if (!eq || eq == assignment)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid context '%s': expected KEY=VALUE, e.g. "
			"aws:SourceIp=203.0.113.7", assignment);
	name = xstrndup(assignment, (size_t)(eq - assignment));
	if (bad_key_name(name)) {
		s3p_error_set(err, S3P_E_USAGE,
			"invalid context '%s': bad key name '%s'", assignment,
			name);
		free(name);
		return -1;
	}
	k = ctx_get_or_add(ctx, name);
	free(name);
	if (k->explicit_ && k->absent)
		return s3p_error_set(err, S3P_E_USAGE,
			"condition key '%s' is given both a value "
			"(--context) and --absent", k->name);
	if (!k->explicit_) {
		key_clear_values(k);
		k->explicit_ = 1;
	}
	k->absent = 0;
	iam_strv_push(&k->values, &k->nvalues, eq + 1);
	return 0;
}

int eval_context_init(struct eval_context *ctx, const struct principal *p,
		      struct s3p_error *err)
{
	char arn[1200];
	const char *type = "User";

	memset(ctx, 0, sizeof(*ctx));
	ctx->principal = *p;
	ctx->others_unknown = 1;
	switch (p->type) {
	case PRINCIPAL_USER:
		type = "User";
		snprintf(arn, sizeof(arn), "%s", p->arn);
		break;
	case PRINCIPAL_ROLE:
		type = "AssumedRole";
		snprintf(arn, sizeof(arn), "%s", p->arn);
		break;
	case PRINCIPAL_ASSUMED_ROLE:
		type = "AssumedRole";
		snprintf(arn, sizeof(arn), "arn:%s:iam::%s:role/%s",
			 p->partition, p->account, p->name);
		break;
	case PRINCIPAL_ACCOUNT:
		type = "Account";
		snprintf(arn, sizeof(arn), "arn:%s:iam::%s:root",
			 p->partition, p->account);
		break;
	}
	if (eval_context_add(ctx, "aws:PrincipalArn", arn, err) < 0 ||
	    eval_context_add(ctx, "aws:PrincipalAccount", p->account, err) < 0 ||
	    eval_context_add(ctx, "aws:PrincipalType", type, err) < 0 ||
	    (p->type == PRINCIPAL_USER
		 ? eval_context_add(ctx, "aws:username", p->name, err)
		 : eval_context_set_absent(ctx, "aws:username", err)) < 0 ||
	    eval_context_add(ctx, "aws:SecureTransport", "true", err) < 0) {
		eval_context_release(ctx);
		return -1;
	}
	return 0;
}

int eval_context_copy(struct eval_context *dst, const struct eval_context *src,
		      struct s3p_error *err)
{
	(void)err;
	memset(dst, 0, sizeof(*dst));
	dst->principal = src->principal;
	dst->others_unknown = src->others_unknown;
	for (size_t i = 0; i < src->nkeys; i++) {
		const struct eval_key *s = &src->keys[i];
		struct eval_key *d = ctx_get_or_add(dst, s->name);

		d->absent = s->absent;
		d->explicit_ = s->explicit_;
		for (size_t v = 0; v < s->nvalues; v++)
			iam_strv_push(&d->values, &d->nvalues, s->values[v]);
	}
	return 0;
}

void eval_context_release(struct eval_context *ctx)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		free(ctx->keys[i].name);
		key_clear_values(&ctx->keys[i]);
	}
	free(ctx->keys);
	ctx->keys = NULL;
	ctx->nkeys = ctx->cap = 0;
}

int eval_context_for_grant(const struct eval_context *base,
			   const struct grant *g, size_t prefix_index,
			   struct eval_context *out, struct s3p_error *err)
{
	const struct eval_key *k;

	if (eval_context_copy(out, base, err) < 0)
		return -1;
	k = eval_context_get(out, "s3:prefix");
	if (k && k->explicit_)
		return 0;
	if (g->bucket_level && g->nprefixes) {
		if (prefix_index >= g->nprefixes)
			prefix_index = 0;
		eval_context_unset(out, "s3:prefix");
		if (eval_context_add(out, "s3:prefix", g->prefixes[prefix_index],
				     err) < 0)
			goto fail;
	} else if (eval_context_set_absent(out, "s3:prefix", err) < 0) {
		goto fail;
	}
	return 0;
fail:
	eval_context_release(out);
	return -1;
}


enum kstate iam_ctx_lookup(const struct eval_context *ctx, const char *name,
			   size_t len, const struct eval_key **out)
{
	const struct eval_key *k = ctx_find(ctx, name, len);

	*out = k;
	if (!k)
		return ctx->others_unknown &&
		       !(ctx->action &&
			 !s3_action_may_carry(ctx->action, name, len))
			       ? K_UNKNOWN : K_ABSENT;
	return k->absent || !k->nvalues ? K_ABSENT : K_PRESENT;
}

/* ---- policy variables ---------------------------------------------------- */

/* Substitute ${...} in raw into g (wildcards '*' '?' of raw are wildcards
 * when wild).  SUB_FAIL: a variable has no value (the string matches
 * nothing); SUB_UNKNOWN: a variable's key is unknown (its name is added to
 * keys) and g holds '*' in its place, an over-approximation. */
static enum subst substitute(const char *raw, const struct eval_context *ctx,
			     int wild, int ci, struct glob *g,
			     struct strset *keys)
{
	enum subst res = SUB_OK;
	const char *p = raw;

	while (*p) {
		const char *open = strstr(p, "${"), *close, *kb, *ke, *comma;
		const struct eval_key *k;
		struct buf def = BUF_INIT;
		int has_def = 0;

		if (!open) {
			glob_push_text(g, p, strlen(p), wild, ci);
			break;
		}
		close = strchr(open + 2, '}');
		if (!close) {
			glob_push_text(g, p, strlen(p), wild, ci);
			break;
		}
		glob_push_text(g, p, (size_t)(open - p), wild, ci);
		p = close + 1;
		kb = open + 2;
		ke = close;
		if (ke - kb == 1 && (*kb == '*' || *kb == '?' || *kb == '$')) {
			glob_push(g, (unsigned char)*kb);
			continue;
		}
		comma = memchr(kb, ',', (size_t)(ke - kb));
		if (comma) {
			const char *d = comma + 1, *de = ke;

			while (d < de && *d == ' ')
				d++;
			while (de > d && de[-1] == ' ')
				de--;
			if (de - d >= 2 && *d == '\'' && de[-1] == '\'') {
				has_def = 1;
				for (const char *q = d + 1; q < de - 1; q++) {
					buf_putc(&def, *q);
					if (*q == '\'' && q + 1 < de - 1 &&
					    q[1] == '\'')
						q++;
				}
			}
			ke = comma;
		}
		while (kb < ke && *kb == ' ')
			kb++;
		while (ke > kb && ke[-1] == ' ')
			ke--;
		switch (iam_ctx_lookup(ctx, kb, (size_t)(ke - kb), &k)) {
		case K_UNKNOWN:
			iam_strset_add_n(keys, kb, (size_t)(ke - kb), 1);
			glob_push(g, GLOB_STAR);
			if (res == SUB_OK)
				res = SUB_UNKNOWN;
			break;
		case K_PRESENT:
		case K_ABSENT:
			/* a multi-valued key is no variable: like absent */
			if (k && !k->absent && k->nvalues == 1)
				glob_push_text(g, k->values[0],
					       strlen(k->values[0]), 0, ci);
			else if (has_def)
				glob_push_text(g, buf_str(&def), def.len, 0, ci);
			else
				res = SUB_FAIL;
			break;
		}
		buf_release(&def);
		if (res == SUB_FAIL)
			break;
	}
	return res;
}

/* The glob of a policy string, substituted.  *tmp receives an allocation
 * to release when dynamic. */
enum subst iam_pstr_glob(const struct pstr *p, const struct eval_context *ctx,
			 int wild, int ci, struct glob *tmp,
			 const struct glob **out, struct strset *keys)
{
	enum subst r;

	memset(tmp, 0, sizeof(*tmp));
	if (!p->dyn) {
		*out = &p->g;
		return SUB_OK;
	}
	r = substitute(p->raw, ctx, wild, ci, tmp, keys);
	*out = tmp;
	return r;
}
