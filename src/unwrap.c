/* unwrap.c - the policy inside gen's Terraform and CloudFormation outputs.
 * See unwrap.h. */
#include "unwrap.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
			   *p == '\n'))
		p++;
	return p;
}

/* The end of the line at p (at its '\n', or end). */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

/* Does [p, e) hold word? */
static int has_word(const char *p, const char *e, const char *word)
{
	size_t n = strlen(word);

	for (; (size_t)(e - p) >= n; p++)
		if (!memcmp(p, word, n))
			return 1;
	return 0;
}

/* Is [p, e) the identifier id, blanks around it allowed? */
static int is_terminator(const char *p, const char *e, const char *id,
			 size_t idlen)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return (size_t)(e - p) == idlen && !memcmp(p, id, idlen);
}

/* ---- jsonencode({...}): the HCL object syntax gen writes ------------------
 * Objects of `key = value` (newline or comma separated; keys bare or
 * quoted), lists, quoted strings (JSON escapes; $${ and %%{ are ${ and %{,
 * a bare ${ is an interpolation s3perm cannot evaluate), numbers, true,
 * false, null. */

struct hcl {
	const char *p, *end;
	const char *why;        /* the first error, static */
};

static void hcl_skip(struct hcl *h, int commas)
{
	while (h->p < h->end && ((*h->p && strchr(" \t\r\n", *h->p)) ||
				 (commas && *h->p == ',')))
		h->p++;
}

static json_t *hcl_value(struct hcl *h, int depth);

static json_t *hcl_string(struct hcl *h)
{
	struct buf raw = BUF_INIT;
	json_t *v = NULL;

	buf_putc(&raw, '"');
	for (h->p++; h->p < h->end && *h->p != '"'; h->p++) {
		if (*h->p == '\\' && h->p + 1 < h->end) {
			buf_append(&raw, h->p, 2);
			h->p++;
		} else if ((*h->p == '$' || *h->p == '%') &&
			   h->end - h->p > 2 && h->p[1] == *h->p &&
			   h->p[2] == '{') {
			buf_putc(&raw, *h->p);  /* $${ is a literal ${ */
			h->p++;
		} else if ((*h->p == '$' || *h->p == '%') &&
			   h->end - h->p > 1 && h->p[1] == '{') {
			h->why = "an interpolation in a string";
			goto out;
		} else if (*h->p == '\n') {
			h->why = "a line break in a string";
			goto out;
		} else {
			buf_putc(&raw, *h->p);
		}
	}
	if (h->p >= h->end) {
		h->why = "an unterminated string";
		goto out;
	}
	h->p++;
	buf_putc(&raw, '"');
	v = json_loadb(buf_str(&raw), raw.len, JSON_DECODE_ANY, NULL);
	if (!v)
		h->why = "a string escape s3perm does not read";
out:
	buf_release(&raw);
	return v;
}

static json_t *hcl_object(struct hcl *h, int depth)
{
	json_t *o = json_object();

	for (h->p++;;) {
		json_t *k = NULL, *v;
		const char *ks;

		hcl_skip(h, 1);
		if (h->p < h->end && *h->p == '}') {
			h->p++;
			return o;
		}
		if (h->p < h->end && *h->p == '"') {
			k = hcl_string(h);
		} else {
			for (ks = h->p; h->p < h->end &&
			     (isalnum((unsigned char)*h->p) || *h->p == '_' ||
			      *h->p == '-'); h->p++)
				;
			if (h->p > ks)
				k = json_stringn(ks, (size_t)(h->p - ks));
		}
		hcl_skip(h, 0);
		if (!k || h->p >= h->end || (*h->p != '=' && *h->p != ':')) {
			if (!h->why)
				h->why = "an object without 'key = value'";
			json_decref(k);
			break;
		}
		h->p++;
		v = hcl_value(h, depth + 1);
		if (!v) {
			json_decref(k);
			break;
		}
		json_object_set_new(o, json_string_value(k), v);
		json_decref(k);
	}
	json_decref(o);
	return NULL;
}

static json_t *hcl_list(struct hcl *h, int depth)
{
	json_t *a = json_array();

	for (h->p++;;) {
		json_t *v;

		hcl_skip(h, 1);
		if (h->p < h->end && *h->p == ']') {
			h->p++;
			return a;
		}
		v = hcl_value(h, depth + 1);
		if (!v)
			break;
		json_array_append_new(a, v);
	}
	json_decref(a);
	return NULL;
}

static json_t *hcl_value(struct hcl *h, int depth)
{
	const char *s;
	json_t *v;

	hcl_skip(h, 0);
	if (depth > 64) {
		h->why = "nesting too deep";
		return NULL;
	}
	if (h->p >= h->end) {
		h->why = "an unexpected end";
		return NULL;
	}
	if (*h->p == '{')
		return hcl_object(h, depth);
	if (*h->p == '[')
		return hcl_list(h, depth);
	if (*h->p == '"')
		return hcl_string(h);
	for (s = h->p; h->p < h->end && *h->p &&
	     strchr("+-.0123456789eEtruefalsn", *h->p); h->p++)
		;
	v = h->p > s ? json_loadb(s, (size_t)(h->p - s), JSON_DECODE_ANY,
				  NULL) : NULL;
	if (!v)
		h->why = "a value that is not a constant";
	return v;
}

/* The policy of `policy = jsonencode(...)` starting at open (the '('). */
static int terraform_jsonencode(const char *open, const char *end,
				const char *name, char **policy, size_t *plen,
				struct s3p_error *err)
{
	struct hcl h = { open + 1, end, NULL };
	json_t *v = hcl_value(&h, 0);

	if (v) {
		hcl_skip(&h, 0);
		if (h.p >= end || *h.p != ')')
			h.why = "no ')' after the policy";
	}
	if (!v || h.why) {
		json_decref(v);
		return s3p_error_set(err, S3P_E_INPUT,
			"cannot read policy '%s': its Terraform jsonencode() "
			"has %s (s3perm reads the form gen writes)", name,
			h.why ? h.why : "no value");
	}
	*policy = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(v);
	if (!*policy)
		return s3p_error_set(err, S3P_E_INTERNAL, "out of memory");
	*plen = strlen(*policy);
	return 1;
}

static int terraform(const char *text, size_t len, const char *name,
		     char **policy, size_t *plen, struct s3p_error *err)
{
	static const char head[] = "resource \"aws_s3_bucket_policy\"";
	const char *end = text + len, *p = skip_space(text, end);
	const char *at, *id, *ide, *line;
	struct buf b = BUF_INIT;
	size_t idlen;

	if ((size_t)(end - p) < sizeof(head) - 1 ||
	    memcmp(p, head, sizeof(head) - 1))
		return 0;
	/* policy = jsonencode( */
	for (at = p; (at = memchr(at, '(', (size_t)(end - at))); at++) {
		const char *ls = at;

		while (ls > p && ls[-1] != '\n')
			ls--;
		if (has_word(ls, at, "policy") && has_word(ls, at, "=") &&
		    has_word(ls, at, "jsonencode"))
			return terraform_jsonencode(at, end, name, policy,
						    plen, err);
	}
	/* policy = <<-ID or <<ID, at the end of its line */
	for (at = p; (at = memchr(at, '<', (size_t)(end - at))); at++) {
		const char *ls = at;

		if (end - at < 3 || at[1] != '<')
			continue;
		while (ls > p && ls[-1] != '\n')
			ls--;
		if (!has_word(ls, at, "policy") ||
		    !memchr(ls, '=', (size_t)(at - ls)))
			continue;
		break;
	}
	if (!at)
		return s3p_error_set(err, S3P_E_INPUT,
			"cannot read policy '%s': a Terraform "
			"aws_s3_bucket_policy without 'policy = jsonencode(...)' "
			"or a 'policy = <<POLICY' heredoc (s3perm reads the "
			"forms gen writes)", name);
	id = at + 2 + (at[2] == '-');
	ide = line_end(id, end);
	while (ide > id && (ide[-1] == ' ' || ide[-1] == '\r'))
		ide--;
	idlen = (size_t)(ide - id);
	line = line_end(id, end);
	for (line = line < end ? line + 1 : end; line < end;) {
		const char *le = line_end(line, end);

		if (is_terminator(line, le, id, idlen)) {
			/* Terraform's escapes: $${ is ${, %%{ is %{ */
			*policy = buf_detach(&b);
			for (char *w = *policy, *r = *policy; ; r++) {
				if ((r[0] == '$' || r[0] == '%') &&
				    r[1] == r[0] && r[2] == '{')
					r++;
				*w++ = *r;
				if (!*r) {
					*plen = (size_t)(w - *policy - 1);
					break;
				}
			}
			return 1;
		}
		buf_append(&b, line, (size_t)(le - line));
		buf_putc(&b, '\n');
		line = le < end ? le + 1 : end;
	}
	buf_release(&b);
	return s3p_error_set(err, S3P_E_INPUT,
		"cannot read policy '%s': the Terraform heredoc '%.*s' is not "
		"terminated", name, (int)(idlen > 64 ? 64 : idlen), id);
}

static int cloudformation(const char *text, size_t len, const char *name,
			  const char *bucket, char **policy, size_t *plen,
			  struct s3p_error *err)
{
	json_t *doc = json_loadb(text, len, 0, NULL), *res, *r, *pick = NULL;
	const char *key;
	size_t n = 0;
	int rc = 0;

	res = json_object_get(doc, "Resources");
	if (!json_is_object(res) || json_object_get(doc, "Statement"))
		goto out;
	json_object_foreach(res, key, r) {
		const json_t *props = json_object_get(r, "Properties");
		const json_t *b = json_object_get(props, "Bucket");

		if (!json_is_string(json_object_get(r, "Type")) ||
		    strcmp(json_string_value(json_object_get(r, "Type")),
			   "AWS::S3::BucketPolicy"))
			continue;
		n++;
		if (!pick || (json_is_string(b) &&
			      !strcmp(json_string_value(b), bucket)))
			pick = r;
	}
	if (n > 1) {
		const json_t *b = json_object_get(
			json_object_get(pick, "Properties"), "Bucket");

		if (!json_is_string(b) || strcmp(json_string_value(b), bucket))
			pick = NULL;
	}
	if (!pick) {
		rc = s3p_error_set(err, S3P_E_INPUT,
			"cannot read policy '%s': the CloudFormation template "
			"has no AWS::S3::BucketPolicy%s%s", name,
			n ? " for bucket " : "", n ? bucket : "");
		goto out;
	}
	r = json_object_get(json_object_get(pick, "Properties"),
			    "PolicyDocument");
	if (json_is_string(r)) {
		*policy = xstrdup(json_string_value(r));
	} else if (json_is_object(r)) {
		*policy = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	} else {
		rc = s3p_error_set(err, S3P_E_INPUT,
			"cannot read policy '%s': the bucket policy of the "
			"CloudFormation template has no PolicyDocument", name);
		goto out;
	}
	if (!*policy) {
		rc = s3p_error_set(err, S3P_E_INTERNAL, "out of memory");
		goto out;
	}
	*plen = strlen(*policy);
	rc = 1;
out:
	json_decref(doc);
	return rc;
}

int unwrap_generated(const char *text, size_t len, const char *name,
		     const char *bucket, char **policy, size_t *plen,
		     const char **format, struct s3p_error *err)
{
	int rc;

	*policy = NULL;
	*plen = 0;
	*format = "Terraform";
	rc = terraform(text, len, name, policy, plen, err);
	if (rc)
		return rc;
	*format = "CloudFormation";
	return cloudformation(text, len, name, bucket, policy, plen, err);
}
