/* template.c - load templates/<mode>.json and render them with Jansson. */
#include "template.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "names.h"

static const char *const modes[] = { "read", "export" };
#define NMODES (sizeof(modes) / sizeof(*modes))

#define PH_PREFIX "{{PREFIX}}"

int template_check_mode(const char *mode, struct s3p_error *err)
{
	for (size_t i = 0; i < NMODES; i++)
		if (!strcmp(mode, modes[i]))
			return 0;
	return s3p_error_set(err, S3P_E_USAGE,
		"invalid mode '%s': expected read or export", mode);
}

static json_t *load_file(const char *path, struct s3p_error *err)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);

	if (!doc && jerr.line < 1)
		s3p_error_set(err, S3P_E_INPUT, "cannot read template '%s': %s",
			      path, jerr.text);
	else if (!doc)
		s3p_error_set(err, S3P_E_INPUT,
			"cannot read template '%s': %s (line %d, column %d)",
			path, jerr.text, jerr.line, jerr.column);
	return doc;
}

static int file_exists(const char *path)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	fclose(f);
	return 1;
}

/* The template document for a mode: new reference. */
static json_t *template_load(const char *mode, const char *dir,
			     struct s3p_error *err)
{
	char path[4096];
	const char *env = getenv("S3PERM_TEMPLATES");
	json_error_t jerr;
	json_t *doc;

	if (template_check_mode(mode, err))
		return NULL;
	if (dir) {
		snprintf(path, sizeof(path), "%s/%s.json", dir, mode);
		return load_file(path, err);
	}
	if (env && *env) {
		snprintf(path, sizeof(path), "%s/%s.json", env, mode);
		return load_file(path, err);
	}
	snprintf(path, sizeof(path), "%s/templates/%s.json", S3PERM_DATADIR,
		 mode);
	if (file_exists(path))
		return load_file(path, err);
	snprintf(path, sizeof(path), "%s.json", mode);
	for (const struct template_file *t = template_builtin; t->name; t++) {
		if (strcmp(t->name, path))
			continue;
		doc = json_loadb(t->data, t->len, 0, &jerr);
		if (!doc)
			s3p_error_set(err, S3P_E_INTERNAL,
				"built-in template '%s' is broken: %s", path,
				jerr.text);
		return doc;
	}
	s3p_error_set(err, S3P_E_INTERNAL, "no template for mode '%s'", mode);
	return NULL;
}

/* Replace each {{NAME}} of p except {{PREFIX}} in s; *out is new. */
static void substitute(const char *s, const struct tpl_params *p,
		       const char *prefix, struct buf *out)
{
	static const char *const names[] = {
		"{{PRINCIPAL}}", "{{PARTITION}}", "{{BUCKET}}", PH_PREFIX,
	};
	const char *values[4];

	values[0] = p->principal;
	values[1] = p->partition ? p->partition : "aws";
	values[2] = p->bucket;
	values[3] = prefix ? prefix : "";
	buf_reset(out);
	while (*s) {
		size_t i;

		for (i = 0; i < 4; i++) {
			size_t n = strlen(names[i]);

			if (!strncmp(s, names[i], n)) {
				buf_puts(out, values[i]);
				s += n;
				break;
			}
		}
		if (i == 4)
			buf_putc(out, *s++);
	}
}

/* Render one string value.  Returns a new JSON string, or an array of
 * strings when it holds {{PREFIX}} and prefixes are given, or NULL (with
 * *drop = 1) when it holds {{PREFIX}} in a condition and there are none. */
static json_t *render_string(const char *s, const struct tpl_params *p,
			     int in_condition, int *drop,
			     struct s3p_error *err)
{
	struct buf b = BUF_INIT;
	json_t *v = NULL;

	*drop = 0;
	if (!strstr(s, PH_PREFIX) || (!p->nprefixes && !in_condition)) {
		substitute(s, p, NULL, &b);
		v = json_string(buf_str(&b));
	} else if (!p->nprefixes) {
		*drop = 1;
	} else {
		v = json_array();
		for (size_t i = 0; i < p->nprefixes; i++) {
			substitute(s, p, p->prefixes[i], &b);
			json_t *one = json_string(buf_str(&b));

			if (!one || json_array_append_new(v, one)) {
				json_decref(v);
				v = NULL;
				break;
			}
		}
		if (v && json_array_size(v) == 1) {
			json_t *only = json_incref(json_array_get(v, 0));

			json_decref(v);
			v = only;
		}
	}
	if (!v && !*drop)
		s3p_error_set(err, S3P_E_USAGE,
			"value is not valid UTF-8 text: '%s'", buf_str(&b));
	buf_release(&b);
	return v;
}

/* Render any JSON value; new reference or NULL (error, or *drop). */
static json_t *render_value(const json_t *v, const struct tpl_params *p,
			    int in_condition, int *drop,
			    struct s3p_error *err)
{
	*drop = 0;
	if (json_is_string(v))
		return render_string(json_string_value(v), p, in_condition,
				     drop, err);
	if (json_is_array(v)) {
		json_t *out = json_array();
		size_t i;
		json_t *item;

		json_array_foreach(v, i, item) {
			int d;
			json_t *r = render_value(item, p, in_condition, &d, err);

			if (d)
				continue;
			if (!r) {
				json_decref(out);
				return NULL;
			}
			if (json_is_array(r) && json_is_string(item))
				json_array_extend(out, r), json_decref(r);
			else
				json_array_append_new(out, r);
		}
		if (!json_array_size(out) && json_array_size(v)) {
			json_decref(out);
			*drop = 1;
			return NULL;
		}
		return out;
	}
	if (json_is_object(v)) {
		json_t *out = json_object();
		const char *key;
		json_t *item;

		json_object_foreach((json_t *)v, key, item) {
			int d;
			int cond = in_condition || !strcmp(key, "Condition");
			json_t *r = render_value(item, p, cond, &d, err);

			if (d)
				continue;
			if (!r) {
				json_decref(out);
				return NULL;
			}
			json_object_set_new(out, key, r);
		}
		if (!json_object_size(out) && json_object_size(v) &&
		    in_condition) {
			json_decref(out);
			*drop = 1;
			return NULL;
		}
		return out;
	}
	return json_deep_copy(v);
}

/* p with each prefix once (a prefix given twice is granted once); the
 * array *uniq is new: free(). */
static struct tpl_params unique_prefixes(const struct tpl_params *p,
					 const char ***uniq)
{
	struct tpl_params q = *p;
	size_t n = 0;

	*uniq = xcalloc(p->nprefixes ? p->nprefixes : 1, sizeof(**uniq));
	for (size_t i = 0; i < p->nprefixes; i++) {
		size_t j;

		for (j = 0; j < n; j++)
			if (!strcmp((*uniq)[j], p->prefixes[i]))
				break;
		if (j == n)
			(*uniq)[n++] = p->prefixes[i];
	}
	q.prefixes = *uniq;
	q.nprefixes = n;
	return q;
}

int template_render(const struct tpl_params *p, json_t **policy,
		    struct s3p_error *err)
{
	const char **uniq;
	struct tpl_params q = unique_prefixes(p, &uniq);
	json_t *tpl;
	int drop;

	*policy = NULL;
	tpl = template_load(q.mode, q.templates_dir, err);
	if (tpl)
		*policy = render_value(tpl, &q, 0, &drop, err);
	json_decref(tpl);
	free(uniq);
	return *policy ? 0 : -1;
}

static void grant_add(struct grant_list *l, const char *action,
		      const char *resource, const char *sid,
		      const struct tpl_params *p, int conditional)
{
	struct grant *g;
	const char *arn_tail = strstr(resource, ":::");

	l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
	g = &l->items[l->n++];
	memset(g, 0, sizeof(*g));
	g->action = xstrdup(action);
	g->resource = xstrdup(resource);
	g->sid = xstrdup(sid ? sid : "");
	g->bucket_level = arn_tail && !strchr(arn_tail + 3, '/');
	if (conditional && p->nprefixes) {
		g->prefixes = xcalloc(p->nprefixes, sizeof(*g->prefixes));
		for (size_t i = 0; i < p->nprefixes; i++)
			g->prefixes[i] = xstrdup(p->prefixes[i]);
		g->nprefixes = p->nprefixes;
	}
}

/* The i-th string of a string-or-array value (NULL: none there). */
static const char *string_item(const json_t *v, size_t i)
{
	if (json_is_string(v))
		return i ? NULL : json_string_value(v);
	return json_string_value(json_array_get(v, i));
}

/* How many items string_item() may return. */
static size_t string_items(const json_t *v)
{
	return json_is_string(v) ? 1 : json_array_size(v);
}

int template_grants(const struct tpl_params *params, struct grant_list *out,
		    struct s3p_error *err)
{
	const char **uniq;
	struct tpl_params q = unique_prefixes(params, &uniq);
	const struct tpl_params *p = &q;
	json_t *policy, *st;
	size_t i;

	out->items = NULL;
	out->n = 0;
	if (template_render(p, &policy, err)) {
		free(uniq);
		return -1;
	}
	json_array_foreach(json_object_get(policy, "Statement"), i, st) {
		const json_t *av = json_object_get(st, "Action");
		const json_t *rv = json_object_get(st, "Resource");
		const char *sid = json_string_value(json_object_get(st, "Sid"));
		int cond = json_object_get(st, "Condition") != NULL;

		if (strcmp(json_string_value(json_object_get(st, "Effect")) ?
			   json_string_value(json_object_get(st, "Effect")) : "",
			   "Allow"))
			continue;
		for (size_t r = 0; r < string_items(rv); r++)
			for (size_t a = 0; a < string_items(av); a++)
				if (string_item(rv, r) && string_item(av, a))
					grant_add(out, string_item(av, a),
						  string_item(rv, r), sid, p,
						  cond);
	}
	json_decref(policy);
	free(uniq);
	return 0;
}

void grant_list_release(struct grant_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct grant *g = &l->items[i];

		free(g->action);
		free(g->resource);
		free(g->sid);
		for (size_t j = 0; j < g->nprefixes; j++)
			free(g->prefixes[j]);
		free(g->prefixes);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

int template_all_sids(const char *dir, char ***sids, size_t *n,
		      struct s3p_error *err)
{
	*sids = NULL;
	*n = 0;
	for (size_t m = 0; m < NMODES; m++) {
		json_t *tpl = template_load(modes[m], dir, err);
		json_t *st;
		size_t i;

		if (!tpl) {
			template_free_sids(*sids, *n);
			*sids = NULL;
			*n = 0;
			return -1;
		}
		json_array_foreach(json_object_get(tpl, "Statement"), i, st) {
			const char *sid =
				json_string_value(json_object_get(st, "Sid"));
			size_t k;

			if (!sid)
				continue;
			for (k = 0; k < *n; k++)
				if (!strcmp((*sids)[k], sid))
					break;
			if (k < *n)
				continue;
			*sids = xrealloc(*sids, (*n + 1) * sizeof(**sids));
			(*sids)[(*n)++] = xstrdup(sid);
		}
		json_decref(tpl);
	}
	return 0;
}

void template_free_sids(char **sids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(sids[i]);
	free(sids);
}
