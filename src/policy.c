/* policy.c - policy documents with Jansson: parse, merge, remove, size,
 * output formats. */
#include "policy.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "glob.h"
#include "names.h"
#include "s3_actions.h"

#define DUMP_FLAGS (JSON_INDENT(4) | JSON_PRESERVE_ORDER)

int policy_read_file(const char *path, char **text, size_t *len,
		     struct s3p_error *err)
{
	int is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;

	*text = NULL;
	*len = 0;
	if (!f)
		return s3p_error_set(err, S3P_E_INPUT, "cannot open '%s': %s",
				     path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_append(&b, chunk, n);
		if (b.len > 16 * 1024 * 1024)
			break;
	}
	if (ferror(f) || b.len > 16 * 1024 * 1024) {
		/* errno only means something after a read error */
		int e = b.len > 16 * 1024 * 1024 ? 0 : errno;

		if (!is_stdin)
			fclose(f);
		buf_release(&b);
		return s3p_error_set(err, S3P_E_INPUT, "cannot read '%s': %s",
			is_stdin ? "standard input" : path,
			e ? strerror(e) : "larger than 16 MiB");
	}
	if (!is_stdin)
		fclose(f);
	*len = b.len;
	*text = buf_detach(&b);
	return 0;
}

json_t *policy_statements(json_t *doc)
{
	json_t *st = json_object_get(doc, "Statement");

	if (json_is_object(st)) {
		json_t *arr = json_array();

		json_array_append(arr, st);
		json_object_set_new(doc, "Statement", arr);
		st = arr;
	}
	return st;
}

int policy_parse_object(const char *text, size_t len, const char *name,
			json_t **out, struct s3p_error *err)
{
	json_error_t jerr;
	json_t *doc;

	*out = NULL;
	doc = json_loadb(text, len, 0, &jerr);
	if (!doc)
		return s3p_error_set(err, S3P_E_INPUT,
			"cannot read policy '%s': %s at line %d, column %d",
			name, jerr.text, jerr.line, jerr.column);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return s3p_error_set(err, S3P_E_INPUT,
			"cannot read policy '%s': not a JSON object", name);
	}
	*out = doc;
	return 0;
}

const char *policy_wrapped_text(const json_t *doc)
{
	if (json_object_get(doc, "Statement"))
		return NULL;
	return json_string_value(json_object_get(doc, "Policy"));
}

int policy_parse(const char *text, size_t len, const char *name,
		 json_t **out, struct s3p_error *err)
{
	json_t *doc, *st;
	const char *wrapped;

	*out = NULL;
	if (policy_parse_object(text, len, name, &doc, err))
		return -1;
	wrapped = policy_wrapped_text(doc);
	if (wrapped) {
		/* the whole answer of `aws s3api get-bucket-policy`: the
		 * policy is the string in "Policy" */
		json_t *inner = json_incref(json_object_get(doc, "Policy"));
		int r;

		json_decref(doc);
		r = policy_parse(json_string_value(inner),
				 strlen(json_string_value(inner)), name, out,
				 err);
		json_decref(inner);
		return r;
	}
	st = json_object_get(doc, "Statement");
	if (!json_is_array(st) && !json_is_object(st)) {
		json_decref(doc);
		return s3p_error_set(err, S3P_E_INPUT,
			"cannot read policy '%s': no \"Statement\" array", name);
	}
	*out = doc;
	return 0;
}

/* ---- recognising the vendor's statements --------------------------------- */

/* Is s the vendor principal, in a form AWS accepts for it? */
static int names_vendor(const char *s, const struct principal *p)
{
	char root[256];

	if (p->type != PRINCIPAL_ACCOUNT)
		return !strcmp(s, p->arn);
	snprintf(root, sizeof(root), "arn:%s:iam::%s:root", p->partition,
		 p->account);
	return !strcmp(s, p->account) || !strcmp(s, root);
}

/* Does st Allow the vendor's whole account (its root ARN or bare id) while
 * the vendor is a user or role of it? */
static int names_vendor_account(const json_t *st, const struct principal *p)
{
	const json_t *aws = json_object_get(json_object_get(st, "Principal"),
					    "AWS"), *e;
	const char *effect = json_string_value(json_object_get(st, "Effect"));
	char root[256];
	size_t i;

	if (p->type == PRINCIPAL_ACCOUNT || !effect || strcmp(effect, "Allow"))
		return 0;
	snprintf(root, sizeof(root), "arn:%s:iam::%s:root", p->partition,
		 p->account);
	if (json_is_string(aws))
		return !strcmp(json_string_value(aws), p->account) ||
		       !strcmp(json_string_value(aws), root);
	json_array_foreach(aws, i, e)
		if (json_is_string(e) &&
		    (!strcmp(json_string_value(e), p->account) ||
		     !strcmp(json_string_value(e), root)))
			return 1;
	return 0;
}

/* Is s a principal of the vendor's account (any user or role in it)? */
static int in_vendor_account(const char *s, const struct principal *p)
{
	struct principal q;
	struct s3p_error e;

	if (names_parse_principal(s, &q, &e))
		return 0;
	return !strcmp(q.account, p->account);
}

static int sid_is_ours(const json_t *st, const struct policy_vendor *v)
{
	const char *sid = json_string_value(json_object_get(st, "Sid"));

	if (!sid)
		return 0;
	for (size_t i = 0; i < v->nsids; i++)
		if (!strcmp(sid, v->sids[i]))
			return 1;
	return 0;
}

enum owner { NOT_VENDOR, VENDOR_ONLY, VENDOR_SHARED };

/* Whose statement is st?  Only Allow statements with a Principal (not
 * NotPrincipal) can be the vendor's. */
static enum owner statement_owner(const json_t *st,
				  const struct policy_vendor *v)
{
	const json_t *pr, *aws, *e;
	const char *effect, *key;
	size_t i, nvendor = 0, nother = 0, naccount = 0;
	json_t *val;

	if (!json_is_object(st))
		return NOT_VENDOR;
	effect = json_string_value(json_object_get(st, "Effect"));
	pr = json_object_get(st, "Principal");
	if (!effect || strcmp(effect, "Allow") || !json_is_object(pr) ||
	    json_object_get(st, "NotPrincipal"))
		return NOT_VENDOR;
	aws = json_object_get(pr, "AWS");
	json_object_foreach((json_t *)pr, key, val)
		if (strcmp(key, "AWS"))
			nother++;
	if (json_is_string(aws)) {
		if (names_vendor(json_string_value(aws), v->principal))
			nvendor++;
		else if (in_vendor_account(json_string_value(aws),
					   v->principal))
			naccount++;
		else
			nother++;
	} else if (json_is_array(aws)) {
		json_array_foreach(aws, i, e) {
			if (!json_is_string(e))
				nother++;
			else if (names_vendor(json_string_value(e),
					      v->principal))
				nvendor++;
			else if (in_vendor_account(json_string_value(e),
						   v->principal))
				naccount++;
			else
				nother++;
		}
	} else {
		return NOT_VENDOR;
	}
	if (nvendor && !nother && !naccount)
		return VENDOR_ONLY;
	if (!nother && (nvendor || naccount) && sid_is_ours(st, v))
		return VENDOR_ONLY;
	if (nvendor)
		return VENDOR_SHARED;
	return NOT_VENDOR;
}

/* A string or a list of strings, as an array (new reference); NULL when
 * absent or of another type. */
static json_t *string_list(const json_t *v)
{
	json_t *arr;
	const json_t *e;
	size_t i;

	if (json_is_string(v)) {
		arr = json_array();
		json_array_append(arr, (json_t *)v);
		return arr;
	}
	if (!json_is_array(v))
		return NULL;
	json_array_foreach(v, i, e)
		if (!json_is_string(e))
			return NULL;
	return json_incref((json_t *)v);
}

/* The resource type of an S3 ARN pattern: bucket, object, or 0 when it is
 * neither (another service, a wildcard across both). */
static unsigned resource_type(const char *r)
{
	const char *p = strstr(r, ":s3:::");

	if (strncmp(r, "arn:", 4) || !p)
		return 0;
	p += 6;
	if (strchr(p, '/'))
		return S3_RT_OBJECT;
	if (strchr(p, '*') || strchr(p, '?'))
		return 0;
	return S3_RT_BUCKET;
}

/* Is (action, resource) under this condition granted by some Allow
 * statement of doc with the same condition? */
static int doc_grants(const json_t *doc, const char *action,
		      const char *resource, const json_t *cond)
{
	const json_t *g;
	size_t i;

	json_array_foreach(json_object_get(doc, "Statement"), i, g) {
		json_t *acts = string_list(json_object_get(g, "Action"));
		json_t *ress = string_list(json_object_get(g, "Resource"));
		const json_t *gc = json_object_get(g, "Condition");
		int act = 0, res = 0;
		const json_t *e;
		size_t k;

		if (acts)
			json_array_foreach(acts, k, e)
				if (!strcasecmp(json_string_value(e), action))
					act = 1;
		if (ress)
			json_array_foreach(ress, k, e)
				if (glob_covers_text(json_string_value(e),
						    resource, 0))
					res = 1;
		json_decref(acts);
		json_decref(ress);
		if (act && res && ((!gc && !cond) ||
				   (gc && cond && json_equal(gc, cond))))
			return 1;
	}
	return 0;
}

/* Does st grant only what doc grants?  Pairs whose action does not apply
 * to the resource's type grant nothing and are ignored (the docs' export
 * policy puts s3:ListBucketMultipartUploads on bucket/...).  When not,
 * *beyond (may be NULL) says the first pair beyond (free()). */
static int grants_subset(const json_t *st, const json_t *doc, char **beyond)
{
	json_t *acts, *ress;
	const json_t *a, *r, *cond = json_object_get(st, "Condition");
	size_t i, k;
	int ok = 1;

	if (beyond)
		*beyond = NULL;
	if (json_object_get(st, "NotAction") ||
	    json_object_get(st, "NotResource")) {
		if (beyond)
			*beyond = xstrdup(json_object_get(st, "NotAction") ?
				"every action but those in NotAction" :
				"every resource but those in NotResource");
		return 0;
	}
	acts = string_list(json_object_get(st, "Action"));
	ress = string_list(json_object_get(st, "Resource"));
	if (!acts || !ress) {
		if (beyond)
			*beyond = xstrdup("an Action or Resource s3perm cannot "
					  "read");
		ok = 0;
		goto out;
	}
	json_array_foreach(acts, i, a) {
		const char *an = json_string_value(a);
		const struct s3_action *sa = s3_action_find(an);

		json_array_foreach(ress, k, r) {
			const char *rn = json_string_value(r);
			unsigned rt = resource_type(rn);

			if (sa && rt && !(sa->types & rt))
				continue;  /* grants nothing */
			if (sa && rt && doc_grants(doc, an, rn, cond))
				continue;
			if (beyond) {
				struct buf b = BUF_INIT;

				buf_printf(&b, "%s on '%s'%s", an, rn,
					   cond && !doc_grants(doc, an, rn,
							       NULL) ? "" :
					   cond ? " under a Condition of its own" :
					   "");
				*beyond = buf_detach(&b);
			}
			ok = 0;
			goto out;
		}
	}
out:
	json_decref(acts);
	json_decref(ress);
	return ok;
}

static void add_change(struct policy_changes *c, size_t index,
		       const json_t *st, enum policy_fate fate, char *detail)
{
	const char *sid = json_string_value(json_object_get(st, "Sid"));
	struct policy_change *ch;

	c->items = xrealloc(c->items, (c->n + 1) * sizeof(*c->items));
	ch = &c->items[c->n++];
	ch->index = index;
	ch->sid = sid ? xstrdup(sid) : NULL;
	ch->fate = fate;
	ch->detail = detail;
}

void policy_changes_release(struct policy_changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].sid);
		free(c->items[i].detail);
	}
	free(c->items);
	c->items = NULL;
	c->n = 0;
}

/* st without the vendor in its Principal's AWS list (new). */
static json_t *without_vendor_principal(const json_t *st,
					const struct principal *p)
{
	json_t *copy = json_deep_copy(st);
	json_t *pr = json_object_get(copy, "Principal");
	json_t *aws = json_object_get(pr, "AWS");
	json_t *kept;
	const json_t *e;
	size_t i;

	if (json_is_string(aws)) {
		json_object_del(pr, "AWS");
		return copy;
	}
	kept = json_array();
	json_array_foreach(aws, i, e)
		if (!json_is_string(e) ||
		    !names_vendor(json_string_value(e), p))
			json_array_append(kept, (json_t *)e);
	if (json_array_size(kept))
		json_object_set(pr, "AWS", kept);
	else
		json_object_del(pr, "AWS");
	json_decref(kept);
	return copy;
}

/* A shallow copy of the document's top level with a new Statement array:
 * merge (remove == 0) drops the vendor's statements that the generated ones
 * replace; remove drops every vendor statement and takes the vendor out of
 * shared ones.  *first is the index where the first dropped statement
 * stood (or the end). */
static json_t *filter(json_t *current, const struct policy_vendor *v,
		      int remove, size_t *first, struct policy_changes *ch)
{
	json_t *doc = json_object();
	json_t *kept = json_array();
	const char *key;
	json_t *val, *st;
	size_t i;

	*first = (size_t)-1;
	json_array_foreach(policy_statements(current), i, st) {
		enum owner o = statement_owner(st, v);
		enum policy_fate fate;
		char *beyond = NULL;

		if (o == NOT_VENDOR) {
			if (names_vendor_account(st, v->principal))
				add_change(ch, i, st, POLICY_ACCOUNT_WIDE, NULL);
			json_array_append(kept, st);
			continue;
		}
		if (o == VENDOR_SHARED) {
			if (remove) {
				json_array_append_new(kept,
					without_vendor_principal(st,
								 v->principal));
				add_change(ch, i, st, POLICY_PRINCIPAL_REMOVED,
					   NULL);
			} else {
				json_array_append(kept, st);
				add_change(ch, i, st, POLICY_SHARED, NULL);
			}
			continue;
		}
		if (remove) {
			fate = POLICY_REMOVED;
		} else if (grants_subset(st, v->mode, &beyond)) {
			fate = POLICY_REPLACED;
		} else if (v->other && grants_subset(st, v->other, NULL)) {
			fate = POLICY_MODE_CHANGED;
			free(beyond);
			beyond = NULL;
		} else {
			json_array_append(kept, st);
			add_change(ch, i, st, POLICY_KEPT_MORE, beyond);
			continue;
		}
		free(beyond);
		if (*first == (size_t)-1)
			*first = json_array_size(kept);
		add_change(ch, i, st, fate, NULL);
	}
	if (*first == (size_t)-1)
		*first = json_array_size(kept);
	/* Top-level keys in the order AWS writes them (Version, Id,
	 * Statement), then any others as they were. */
	val = json_object_get(current, "Version");
	if (val)
		json_object_set(doc, "Version", val);
	else
		json_object_set_new(doc, "Version", json_string("2012-10-17"));
	if ((val = json_object_get(current, "Id")))
		json_object_set(doc, "Id", val);
	json_object_set(doc, "Statement", kept);
	json_object_foreach(current, key, val)
		if (!json_object_get(doc, key))
			json_object_set(doc, key, val);
	json_decref(kept);
	return doc;
}

int policy_merge(json_t *current, const json_t *vendor,
		 const struct policy_vendor *v, json_t **out,
		 struct policy_changes *changes, struct s3p_error *err)
{
	size_t first, i;
	json_t *doc, *st, *add;

	(void)err;
	memset(changes, 0, sizeof(*changes));
	doc = filter(current, v, 0, &first, changes);
	st = json_object_get(doc, "Statement");
	json_array_foreach(json_object_get(vendor, "Statement"), i, add)
		json_array_insert(st, first + i, add);
	*out = doc;
	return 0;
}

int policy_remove(json_t *current, const struct policy_vendor *v,
		  json_t **out, struct policy_changes *changes,
		  struct s3p_error *err)
{
	size_t first;

	(void)err;
	memset(changes, 0, sizeof(*changes));
	*out = filter(current, v, 1, &first, changes);
	return 0;
}

int policy_text_is_none(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!strchr(" \t\r\n", text[i]))
			break;
	if (i == len)
		return 1;
	/* "An error occurred (NoSuchBucketPolicy) when calling the
	 * GetBucketPolicy operation: The bucket policy does not exist" -
	 * only when the text is not JSON (a policy may name the code). */
	if (text[i] == '{')
		return 0;
	for (; i + 18 <= len; i++)
		if (!memcmp(text + i, "NoSuchBucketPolicy", 18))
			return 1;
	return 0;
}

size_t policy_size(const json_t *doc)
{
	return json_dumpb(doc, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

int policy_parse_format(const char *s, enum policy_format *out,
			struct s3p_error *err)
{
	if (!strcmp(s, "json"))
		*out = POLICY_JSON;
	else if (!strcmp(s, "terraform"))
		*out = POLICY_TERRAFORM;
	else if (!strcmp(s, "cloudformation"))
		*out = POLICY_CLOUDFORMATION;
	else
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid format '%s': expected json, terraform or "
			"cloudformation", s);
	return 0;
}

static char *dump(const json_t *v, struct s3p_error *err)
{
	char *s = json_dumps(v, DUMP_FLAGS);

	if (!s)
		s3p_error_set(err, S3P_E_INTERNAL, "cannot print policy");
	return s;
}

/* A string as an HCL quoted template: JSON escapes (which HCL shares),
 * and interpolation sequences in the policy (IAM policy variables such as
 * ${aws:username}) escaped so they reach AWS literally. */
static void hcl_string(const char *s, struct buf *out)
{
	json_t *str = json_string(s);
	char *q = json_dumps(str, JSON_ENCODE_ANY);

	for (const char *p = q ? q : "\"\""; *p; p++) {
		if ((p[0] == '$' || p[0] == '%') && p[1] == '{')
			buf_putc(out, p[0]);
		buf_putc(out, *p);
	}
	free(q);
	json_decref(str);
}

static void indent(struct buf *out, int level)
{
	for (int i = 0; i < level; i++)
		buf_puts(out, "  ");
}

/* A JSON value as an HCL expression (the argument of jsonencode()). */
static void hcl_value(const json_t *v, int level, struct buf *out)
{
	const char *key;
	json_t *e;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (!json_object_size(v)) {
			buf_puts(out, "{}");
			return;
		}
		buf_puts(out, "{\n");
		json_object_foreach((json_t *)v, key, e) {
			int plain = (*key >= 'A' && *key <= 'Z') ||
				    (*key >= 'a' && *key <= 'z') || *key == '_';

			for (const char *k = key; plain && *k; k++)
				plain = strchr("abcdefghijklmnopqrstuvwxyz"
					       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					       "0123456789_-", *k) != NULL;
			indent(out, level + 1);
			if (plain)
				buf_puts(out, key);
			else
				hcl_string(key, out);
			buf_puts(out, " = ");
			hcl_value(e, level + 1, out);
			buf_putc(out, '\n');
		}
		indent(out, level);
		buf_putc(out, '}');
		return;
	case JSON_ARRAY:
		if (!json_array_size(v)) {
			buf_puts(out, "[]");
			return;
		}
		buf_puts(out, "[\n");
		json_array_foreach(v, i, e) {
			indent(out, level + 1);
			hcl_value(e, level + 1, out);
			buf_puts(out, i + 1 < json_array_size(v) ? ",\n" : "\n");
		}
		indent(out, level);
		buf_putc(out, ']');
		return;
	case JSON_STRING:
		hcl_string(json_string_value(v), out);
		return;
	default: {
		char *t = json_dumps(v, JSON_ENCODE_ANY);

		buf_puts(out, t ? t : "null");
		free(t);
		return;
	}
	}
}

void policy_tf_name(const char *bucket, char *out, size_t size)
{
	struct buf b = BUF_INIT;

	if (*bucket >= '0' && *bucket <= '9')
		buf_puts(&b, "bucket_");
	for (const char *p = bucket; *p; p++)
		buf_putc(&b, strchr("abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
				    *p) ? *p : '_');
	snprintf(out, size, "%s", buf_str(&b));
	buf_release(&b);
}

int policy_check_tf_name(const char *name, struct s3p_error *err)
{
	const char *p = name;

	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	      *p == '_'))
		goto bad;
	for (; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", *p))
			goto bad;
	if (strlen(name) > 64)
		goto bad;
	return 0;
bad:
	return s3p_error_set(err, S3P_E_USAGE,
		"invalid Terraform resource name '%s': expected a letter or "
		"'_', then letters, digits, '_' or '-' (64 at most)", name);
}

int policy_format(const json_t *doc, enum policy_format fmt,
		  const char *bucket, const char *tf_name, char **text,
		  struct s3p_error *err)
{
	struct buf b = BUF_INIT;
	char *json;

	*text = NULL;
	if (fmt == POLICY_CLOUDFORMATION) {
		json_t *cfn = json_pack("{s:s, s:s, s:{s:{s:s, s:{s:s, s:O}}}}",
			"AWSTemplateFormatVersion", "2010-09-09",
			"Description", "Bucket policy granting Statsig access "
				       "(generated by s3perm)",
			"Resources", "StatsigBucketPolicy",
			"Type", "AWS::S3::BucketPolicy", "Properties",
			"Bucket", bucket, "PolicyDocument", doc);

		if (!cfn)
			return s3p_error_set(err, S3P_E_INTERNAL,
					     "cannot build template");
		json = dump(cfn, err);
		json_decref(cfn);
		if (!json)
			return -1;
		buf_puts(&b, json);
		buf_putc(&b, '\n');
		free(json);
		*text = buf_detach(&b);
		return 0;
	}
	if (fmt == POLICY_TERRAFORM) {
		char name[256];

		if (tf_name) {
			if (policy_check_tf_name(tf_name, err))
				return -1;
			snprintf(name, sizeof(name), "%s", tf_name);
		} else {
			policy_tf_name(bucket, name, sizeof(name));
		}
		buf_printf(&b, "resource \"aws_s3_bucket_policy\" \"%s\" {\n"
			       "  bucket = ", name);
		hcl_string(bucket, &b);
		buf_puts(&b, "\n  policy = jsonencode(");
		hcl_value(doc, 1, &b);
		buf_puts(&b, ")\n}\n");
		*text = buf_detach(&b);
		return 0;
	}
	json = dump(doc, err);
	if (!json)
		return -1;
	buf_puts(&b, json);
	buf_putc(&b, '\n');
	free(json);
	*text = buf_detach(&b);
	return 0;
}
