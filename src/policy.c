/* policy.c - policy documents with Jansson: parse, merge, remove, size,
 * output formats. */
#include "policy.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

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

static int is_vendor(const json_t *st, char *const *sids, size_t n)
{
	const char *sid = json_string_value(json_object_get(st, "Sid"));

	if (!sid)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(sid, sids[i]))
			return 1;
	return 0;
}

/* A shallow copy of the document's top level with a new Statement array
 * holding the current statements except the vendor's; *first is the index
 * where the first vendor statement stood (or the end). */
static json_t *without_vendor(json_t *current, char *const *sids, size_t n,
			      size_t *first, size_t *removed)
{
	json_t *doc = json_object();
	json_t *kept = json_array();
	const char *key;
	json_t *v, *st;
	size_t i;

	*first = (size_t)-1;
	*removed = 0;
	json_array_foreach(policy_statements(current), i, st) {
		if (is_vendor(st, sids, n)) {
			if (*first == (size_t)-1)
				*first = json_array_size(kept);
			(*removed)++;
			continue;
		}
		json_array_append(kept, st);
	}
	if (*first == (size_t)-1)
		*first = json_array_size(kept);
	/* Top-level keys in the order AWS writes them (Version, Id,
	 * Statement), then any others as they were. */
	v = json_object_get(current, "Version");
	if (v)
		json_object_set(doc, "Version", v);
	else
		json_object_set_new(doc, "Version", json_string("2012-10-17"));
	if ((v = json_object_get(current, "Id")))
		json_object_set(doc, "Id", v);
	json_object_set(doc, "Statement", kept);
	json_object_foreach(current, key, v)
		if (!json_object_get(doc, key))
			json_object_set(doc, key, v);
	json_decref(kept);
	return doc;
}

int policy_merge(json_t *current, const json_t *vendor,
		 char *const *sids, size_t nsids, json_t **out,
		 struct s3p_error *err)
{
	size_t first, removed, i;
	json_t *doc = without_vendor(current, sids, nsids, &first, &removed);
	json_t *st = json_object_get(doc, "Statement");
	json_t *add;

	(void)err;
	json_array_foreach(json_object_get(vendor, "Statement"), i, add)
		json_array_insert(st, first + i, add);
	*out = doc;
	return 0;
}

int policy_remove(json_t *current, char *const *sids, size_t nsids,
		  json_t **out, size_t *removed, struct s3p_error *err)
{
	size_t first;

	(void)err;
	*out = without_vendor(current, sids, nsids, &first, removed);
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

/* Terraform heredoc: interpolation sequences in the policy (IAM policy
 * variables such as ${aws:username}) must reach AWS literally. */
static void terraform_escape(const char *s, struct buf *out)
{
	for (; *s; s++) {
		if ((s[0] == '$' || s[0] == '%') && s[1] == '{')
			buf_putc(out, s[0]);
		buf_putc(out, *s);
	}
}

int policy_format(const json_t *doc, enum policy_format fmt,
		  const char *bucket, char **text, struct s3p_error *err)
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
	json = dump(doc, err);
	if (!json)
		return -1;
	if (fmt == POLICY_JSON) {
		buf_puts(&b, json);
		buf_putc(&b, '\n');
	} else {
		json_t *name = json_string(bucket);
		char *quoted = json_dumps(name, JSON_ENCODE_ANY);

		buf_printf(&b, "resource \"aws_s3_bucket_policy\" \"statsig\" {\n"
			       "  bucket = %s\n"
			       "  policy = <<-POLICY\n", quoted);
		terraform_escape(json, &b);
		buf_puts(&b, "\n  POLICY\n}\n");
		free(quoted);
		json_decref(name);
	}
	free(json);
	*text = buf_detach(&b);
	return 0;
}
