/* report.c - `s3perm check` results as a table or JSON, and the
 * remediation statements rendered from the templates. */
#include "report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonstr.h"
#include "names.h"
#include "template.h"

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)
#define PLACEHOLDER_USER "STATSIG_IAM_USER"

static const char *partition_of(const struct probe_report *r,
				const struct report_opts *o)
{
	if (o->partition)
		return o->partition;
	return probe_partition_of_region(r->region);
}

/* The principal ARN for the statements, into out. */
static void principal_arn(const struct probe_report *r,
			  const struct report_opts *o, char *out, size_t size)
{
	if (o->principal)
		snprintf(out, size, "%s", o->principal);
	else if (o->user)
		snprintf(out, size, "arn:%s:iam::%s:user/%s",
			 partition_of(r, o),
			 o->account ? o->account : NAMES_VENDOR_ACCOUNT,
			 o->user);
	else if (o->caller_arn)
		snprintf(out, size, "%s", o->caller_arn);
	else if (r->principal_hint)
		snprintf(out, size, "%s", r->principal_hint);
	else
		snprintf(out, size, "arn:%s:iam::%s:user/" PLACEHOLDER_USER,
			 partition_of(r, o), NAMES_VENDOR_ACCOUNT);
}

/* How the principal of the report was learnt (JSON "principal.source"). */
static const char *principal_source(const struct probe_report *r,
				    const struct report_opts *o)
{
	if (o->principal)
		return "--principal";
	if (o->user)
		return "--user";
	if (o->caller_arn)
		return "sts:GetCallerIdentity";
	if (r->principal_hint)
		return "access-denied-message";
	return "placeholder";
}

static int is_missing(const struct probe_report *r, const char *action)
{
	for (size_t i = 0; i < r->nresults; i++)
		if (r->results[i].status == PROBE_MISSING &&
		    !strcmp(r->results[i].action, action))
			return 1;
	return 0;
}

static size_t count_status(const struct probe_report *r,
			   enum probe_status s)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nresults; i++)
		n += r->results[i].status == s;
	return n;
}

/* The template's policy with each statement's Action cut down to the
 * missing actions; statements left without one are dropped.  New
 * reference, NULL with *empty set when nothing is missing. */
static json_t *remediation_doc(const struct probe_report *r,
			       const struct report_opts *o,
			       struct s3p_error *err)
{
	char arn[1100];
	struct tpl_params tp;
	const char *prefixes[1];
	json_t *doc, *kept, *st;
	size_t i;

	if (!count_status(r, PROBE_MISSING))
		return NULL;
	principal_arn(r, o, arn, sizeof(arn));
	memset(&tp, 0, sizeof(tp));
	tp.mode = r->mode;
	tp.principal = arn;
	tp.partition = partition_of(r, o);
	tp.bucket = r->bucket;
	if (r->prefix) {
		prefixes[0] = r->prefix;
		tp.prefixes = prefixes;
		tp.nprefixes = 1;
	}
	tp.templates_dir = o->templates_dir;
	if (template_render(&tp, &doc, err) < 0)
		return NULL;
	kept = json_array();
	json_array_foreach(json_object_get(doc, "Statement"), i, st) {
		json_t *action = json_object_get(st, "Action");
		json_t *acts = json_array();
		json_t *copy;
		size_t j;
		json_t *a;

		if (json_is_string(action)) {
			if (is_missing(r, json_string_value(action)))
				json_array_append(acts, action);
		} else {
			json_array_foreach(action, j, a)
				if (json_is_string(a) &&
				    is_missing(r, json_string_value(a)))
					json_array_append(acts, a);
		}
		if (!json_array_size(acts)) {
			json_decref(acts);
			continue;
		}
		copy = json_deep_copy(st);
		json_object_set_new(copy, "Action", acts);
		json_array_append_new(kept, copy);
	}
	json_object_set_new(doc, "Statement", kept);
	return doc;
}

int report_remediation(const struct probe_report *r,
		       const struct report_opts *o, char **text,
		       struct s3p_error *err)
{
	json_t *doc;

	*text = NULL;
	s3p_error_clear(err);
	doc = remediation_doc(r, o, err);
	if (!doc)
		return err && err->kind != S3P_OK ? -1 : 0;
	*text = json_dumps(doc, JSON_FLAGS);
	json_decref(doc);
	return 0;
}

static void word(struct buf *b, const char *s)
{
	/* Quote only when needed, so the common case reads plainly. */
	if (*s && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
			    "QRSTUVWXYZ0123456789-_./:=@,+")])
		buf_puts(b, s);
	else
		buf_put_shell_quoted(b, s);
}

/* The vendor's principal, partition and prefix, as gen and apply take
 * them. */
static void vendor_args(const struct probe_report *r,
			const struct report_opts *o, struct buf *b)
{
	if (o->principal) {
		buf_puts(b, " --principal ");
		word(b, o->principal);
	} else if (o->user) {
		buf_puts(b, " --user ");
		word(b, o->user);
		if (o->account) {
			buf_puts(b, " --account ");
			word(b, o->account);
		}
	} else if (r->principal_hint) {
		buf_puts(b, " --principal ");
		word(b, r->principal_hint);
	} else {
		buf_puts(b, " --user " PLACEHOLDER_USER);
	}
	if (strcmp(partition_of(r, o), "aws") && !o->principal &&
	    !(!o->user && r->principal_hint)) {
		buf_puts(b, " --partition ");
		word(b, partition_of(r, o));
	}
	if (r->prefix) {
		buf_puts(b, " --prefix ");
		word(b, r->prefix);
	}
}

static void endpoint_arg(const struct report_opts *o, const char *name,
			 struct buf *b)
{
	if (o->endpoint) {
		buf_printf(b, " %s ", name);
		word(b, o->endpoint);
	}
}

/* The commands that add the grants keeping every other statement: s3perm
 * apply (diff, backup, re-read, write, proof), or by hand: fetch the
 * current policy (on a bucket without one the file holds the CLI's
 * NoSuchBucketPolicy message, which gen reads as "no policy yet"), merge,
 * put it back. */
static void merge_commands(const struct probe_report *r,
			   const struct report_opts *o, struct buf *b,
			   const char *indent)
{
	buf_printf(b, "%ss3perm apply --mode %s --bucket ", indent, r->mode);
	word(b, r->bucket);
	vendor_args(r, o, b);
	endpoint_arg(o, "--endpoint", b);
	buf_printf(b, "\nor by hand:\n%saws s3api get-bucket-policy --bucket ",
		   indent);
	word(b, r->bucket);
	endpoint_arg(o, "--endpoint-url", b);
	buf_puts(b, " --query Policy --output text > current.json 2>&1\n");
	buf_printf(b, "%ss3perm gen --mode %s --bucket ", indent, r->mode);
	word(b, r->bucket);
	vendor_args(r, o, b);
	buf_puts(b, " --merge current.json -o policy.json\n");
	buf_printf(b, "%saws s3api put-bucket-policy --bucket ", indent);
	word(b, r->bucket);
	endpoint_arg(o, "--endpoint-url", b);
	buf_puts(b, " --policy file://policy.json\n");
}

#define CONDITIONAL_DELETE_NOTE "this server ignores If-Match on DELETE (no " \
	"conditional deletes): s3:DeleteObject was proven by a plain DELETE " \
	"of a missing key (on a versioned bucket it makes a delete marker, " \
	"which the cleanup removes)"

#define OBJECT_LOCK_NOTE "the bucket has default Object Lock retention " \
	"(S3 refused a write without Content-MD5): the real write was " \
	"skipped, and the vendor's own exports there can be deleted only " \
	"after the retention ends"
#define SCOPE_NOTE "a probe proves a grant for the keys it touched; a Deny " \
	"on other keys of the resource (e.g. B/private/*) is not seen by a " \
	"probe: 's3perm verify' evaluates the whole policy"
#define REQUESTER_PAYS_NOTE "the bucket requires Requester Pays: S3 " \
	"refuses every request that does not agree to pay, whatever the " \
	"policy (a listing with x-amz-request-payer: requester was allowed); " \
	"the customer must disable Requester Pays, or the vendor must agree " \
	"to pay for its requests"
#define EARLIER_NOTE "probe objects of an earlier check are still under " \
	"the probe prefix (listed below): no new one was written; remove them " \
	"when their retention allows"

/* Bytes that are not UTF-8 (from keys, server answers) become \xNN and
 * are counted in *replaced (jsonstr.h): they never drop a member. */
static json_t *str_or_null(const char *s, size_t *replaced)
{
	return jsonstr_new(s, replaced);
}

static char *evidence_text(const struct probe_result *x)
{
	struct buf b = BUF_INIT;

	if (x->basis != PROBE_BASIS_NONE)
		buf_printf(&b, "%s: ", probe_basis_name(x->basis));
	buf_puts(&b, x->evidence ? x->evidence : "");
	return buf_detach(&b);
}

static char *detail_text(const struct probe_result *x)
{
	struct buf b = BUF_INIT;

	if (x->detail)
		buf_puts(&b, x->detail);
	if (x->reason && (!x->detail || !strstr(x->detail, x->reason)))
		buf_printf(&b, "%sS3 says: %s", b.len ? "; " : "", x->reason);
	if (!b.len) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* The key-policy statement a KMS key needs for the principal. */
static json_t *kms_statement(const struct probe_report *r, const char *arn)
{
	json_t *st = json_object();
	json_t *acts = json_array();

	json_object_set_new(st, "Sid", json_string("StatsigKmsAccess"));
	json_object_set_new(st, "Effect", json_string("Allow"));
	json_object_set_new(st, "Principal",
			    json_pack("{s:s}", "AWS", arn));
	json_array_append_new(acts, json_string("kms:Decrypt"));
	if (strcmp(r->mode, "read"))
		json_array_append_new(acts, json_string("kms:GenerateDataKey"));
	json_object_set_new(st, "Action", acts);
	json_object_set_new(st, "Resource", json_string("*"));
	return st;
}

/* Encode doc (stolen) into out, one line when o->compact. */
static int dump_doc(json_t *doc, const struct report_opts *o,
		    struct buf *out, struct s3p_error *err)
{
	char *text = json_dumps(doc, o->compact ?
				JSON_COMPACT | JSON_PRESERVE_ORDER : JSON_FLAGS);

	json_decref(doc);
	if (!text)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "cannot encode the report as JSON");
	buf_puts(out, text);
	buf_putc(out, '\n');
	free(text);
	return 0;
}

static json_t *leftovers_json(const struct probe_report *r)
{
	json_t *left = json_array();

	for (size_t i = 0; r && i < r->nleft; i++) {
		const struct probe_leftover *l = &r->left[i];

		json_array_append_new(left, json_pack(
			"{s:s, s:o, s:o, s:o, s:o, s:o}",
			"what", l->what, "key", str_or_null(l->key, NULL),
			"version_id", str_or_null(l->version_id, NULL),
			"upload_id", str_or_null(l->upload_id, NULL),
			"command", str_or_null(l->command, NULL),
			"reason", str_or_null(l->reason, NULL)));
	}
	return left;
}

int report_json(const struct probe_report *r, const struct report_opts *o,
		struct buf *out, struct s3p_error *err)
{
	json_t *root = json_object();
	json_t *results = json_array();
	json_t *missing = json_array();
	json_t *rem;

	char arn[1100];
	json_t *findings = json_array();

	if (o->id)
		json_object_set_new(root, "id", json_string(o->id));
	json_object_set_new(root, "bucket", json_string(r->bucket));
	json_object_set_new(root, "region", str_or_null(r->region, NULL));
	json_object_set_new(root, "mode", json_string(r->mode));
	if (o->compact)
		json_object_set_new(root, "prefix", str_or_null(r->prefix, NULL));
	principal_arn(r, o, arn, sizeof(arn));
	json_object_set_new(root, "principal", json_pack("{s:s, s:s, s:o, s:o}",
		"arn", arn, "source", principal_source(r, o),
		"caller", str_or_null(r->caller_arn, NULL),
		"identity_note", str_or_null(r->identity_note, NULL)));
	json_object_set_new(root, "summary", json_pack(
		"{s:I, s:I, s:I, s:I}",
		"granted", (json_int_t)count_status(r, PROBE_GRANTED),
		"missing", (json_int_t)count_status(r, PROBE_MISSING),
		"unknown", (json_int_t)count_status(r, PROBE_UNKNOWN),
		"skipped", (json_int_t)count_status(r, PROBE_SKIPPED)));
	for (size_t i = 0; i < r->nresults; i++) {
		const struct probe_result *x = &r->results[i];
		json_t *o1 = json_object();
		char *ev = evidence_text(x);
		char *de = detail_text(x);

		size_t rep = 0;
		json_t *dj;

		json_object_set_new(o1, "action", json_string(x->action));
		json_object_set_new(o1, "resource",
				    str_or_null(x->resource, &rep));
		json_object_set_new(o1, "status",
				    json_string(probe_status_name(x->status)));
		json_object_set_new(o1, "http_status", x->http_status ?
				    json_integer(x->http_status) : json_null());
		json_object_set_new(o1, "code", str_or_null(x->code, &rep));
		json_object_set_new(o1, "request_id",
				    str_or_null(x->request_id, &rep));
		json_object_set_new(o1, "evidence", str_or_null(ev, &rep));
		dj = str_or_null(de, &rep);
		if (rep) {
			/* say that bytes were replaced, in the detail */
			struct buf d = BUF_INIT;

			buf_puts(&d, de ? de : "");
			buf_puts(&d, de ? JSONSTR_NOTE : &JSONSTR_NOTE[1]);
			json_decref(dj);
			dj = str_or_null(buf_str(&d), NULL);
			buf_release(&d);
		}
		json_object_set_new(o1, "detail", dj);
		json_object_set_new(o1, "no_data", json_boolean(x->no_data));
		json_object_set_new(o1, "evidence_basis",
				    json_string(probe_basis_name(x->basis)));
		free(ev);
		free(de);
		json_array_append_new(results, o1);
		if (x->status == PROBE_MISSING) {
			size_t j;
			json_t *m;
			int dup = 0;

			json_array_foreach(missing, j, m)
				dup |= !strcmp(json_string_value(m), x->action);
			if (!dup)
				json_array_append_new(missing,
						      json_string(x->action));
		}
	}
	json_object_set_new(root, "results", results);
	json_object_set_new(root, "missing", missing);
	json_object_set_new(root, "left_behind", leftovers_json(r));
	for (size_t i = 0; i < r->nkms; i++)
		json_array_append_new(findings, json_pack(
			"{s:s, s:s, s:s, s:b}", "kind", "kms",
			"key_id", r->kms[i].key_id, "where", r->kms[i].where,
			"denied", r->kms[i].denied));
	if (r->conditional_delete_ignored)
		json_array_append_new(findings, json_pack("{s:s, s:s}",
			"kind", "no-conditional-delete", "message",
			CONDITIONAL_DELETE_NOTE));
	if (r->requester_pays)
		json_array_append_new(findings, json_pack("{s:s, s:s}",
			"kind", "requester-pays", "message",
			REQUESTER_PAYS_NOTE));
	if (r->object_lock_default)
		json_array_append_new(findings, json_pack("{s:s, s:s}",
			"kind", "object-lock", "message", OBJECT_LOCK_NOTE));
	if (r->earlier_probes)
		json_array_append_new(findings, json_pack("{s:s, s:s}",
			"kind", "earlier-probe-objects", "message",
			EARLIER_NOTE));
	json_object_set_new(root, "findings", findings);
	json_object_set_new(root, "probe_scope", json_string(SCOPE_NOTE));
	s3p_error_clear(err);
	rem = remediation_doc(r, o, err);
	if (!rem && err->kind != S3P_OK) {
		json_decref(root);
		return -1;
	}
	json_object_set_new(root, "remediation", rem ? rem : json_null());
	return dump_doc(root, o, out, err);
}

int report_json_error(const struct probe_report *r,
		      const struct report_opts *o, const char *bucket,
		      const char *mode, const char *prefix, const char *kind,
		      const char *message, int exit_status, struct buf *out,
		      struct s3p_error *err)
{
	json_t *root = json_object();

	if (o->id)
		json_object_set_new(root, "id", json_string(o->id));
	json_object_set_new(root, "bucket", str_or_null(bucket, NULL));
	json_object_set_new(root, "mode", str_or_null(mode, NULL));
	json_object_set_new(root, "prefix", str_or_null(prefix, NULL));
	json_object_set_new(root, "error", json_pack("{s:s, s:s, s:i}",
		"kind", kind, "message", message, "exit_status",
		exit_status));
	json_object_set_new(root, "left_behind", leftovers_json(r));
	return dump_doc(root, o, out, err);
}

/* s, escaped for a terminal (buf_put_term()), and a newline. */
static void put_term_line(struct buf *out, const char *s)
{
	buf_put_term(out, s);
	buf_putc(out, '\n');
}

struct colours {
	const char *on[4];
	const char *off;
	const char *dim;
	const char *bold;
};

void report_leftovers(const struct probe_report *r, struct buf *out)
{
	for (size_t i = 0; i < r->nleft; i++) {
		const struct probe_leftover *l = &r->left[i];

		buf_printf(out, "left behind: %s '", l->what);
		buf_put_term(out, l->key);
		buf_putc(out, '\'');
		if (l->version_id) {
			buf_puts(out, " version ");
			buf_put_term(out, l->version_id);
		}
		if (l->upload_id) {
			buf_puts(out, " upload ");
			buf_put_term(out, l->upload_id);
		}
		if (l->reason) {
			buf_puts(out, ": ");
			buf_put_term(out, l->reason);
		}
		buf_puts(out, "; remove it with:\n  ");
		buf_put_term(out, l->command);
		buf_putc(out, '\n');
	}
}

/* Is something of this kind ("probe object") among the leftovers? */
static int left_behind(const struct probe_report *r, const char *what)
{
	for (size_t i = 0; i < r->nleft; i++)
		if (!strcmp(r->left[i].what, what))
			return 1;
	return 0;
}

int report_table(const struct probe_report *r, const struct report_opts *o,
		 struct buf *out, struct s3p_error *err)
{
	static const struct colours plain = { { "", "", "", "" }, "", "", "" };
	static const struct colours ansi = {
		{ "\033[32m", "\033[31m", "\033[33m", "\033[2m" },
		"\033[0m", "\033[2m", "\033[1m"
	};
	const struct colours *c = o->color ? &ansi : &plain;
	char *rem = NULL;
	char arn[1100];

	buf_printf(out, "%sbucket%s %s  region %s  mode %s", c->bold, c->off,
		   r->bucket, r->region ? r->region : "?", r->mode);
	if (r->prefix) {
		buf_puts(out, "  prefix '");
		buf_put_term(out, r->prefix);
		buf_putc(out, '\'');
	}
	buf_putc(out, '\n');
	if (r->caller_arn)
		buf_printf(out, "signed in as %s (STS GetCallerIdentity)\n",
			   r->caller_arn);
	else if (r->identity_note)
		buf_printf(out, "%s\n", r->identity_note);
	buf_printf(out, "\n%-8s %-30s %-4s %-14s %s\n", "STATUS", "ACTION",
		   "HTTP", "CODE", "BASIS");
	for (size_t i = 0; i < r->nresults; i++) {
		const struct probe_result *x = &r->results[i];
		char http[16] = "-";
		char *de = detail_text(x);

		if (x->http_status)
			snprintf(http, sizeof(http), "%ld", x->http_status);
		char *code = term_escape(x->code ? x->code : "-");

		buf_printf(out, "%s%-8s%s %-30s %-4s %-14s %s\n",
			   c->on[x->status], probe_status_name(x->status),
			   c->off, x->action, http, code,
			   probe_basis_name(x->basis));
		free(code);
		/* One line per grant; the evidence only where there is
		 * something to look at (or with --verbose). */
		if (x->status != PROBE_GRANTED || o->verbose) {
			buf_printf(out, "%s         on ", c->dim);
			put_term_line(out, x->resource);
			if (x->evidence) {
				buf_puts(out, "         ");
				put_term_line(out, x->evidence);
			}
			if (de) {
				buf_puts(out, "         ");
				put_term_line(out, de);
			}
			if (x->request_id) {
				buf_puts(out, "         request id ");
				put_term_line(out, x->request_id);
			}
			buf_puts(out, c->off);
		}
		free(de);
	}
	buf_printf(out, "\n%zu granted, %zu missing, %zu unknown, %zu skipped "
		   "(%d request%s in %d round%s",
		   count_status(r, PROBE_GRANTED), count_status(r, PROBE_MISSING),
		   count_status(r, PROBE_UNKNOWN), count_status(r, PROBE_SKIPPED),
		   r->requests, r->requests == 1 ? "" : "s", r->rounds,
		   r->rounds == 1 ? "" : "s");
	buf_printf(out, "; %s)\n", !r->wrote ? "nothing written" :
		   left_behind(r, "probe object") ?
		   "one probe object written, not removed" :
		   "one probe object written and removed");
	if (r->versioned == 1)
		buf_puts(out, r->nleft ? "the bucket is versioned: what the "
			 "probes created and could not remove is listed "
			 "below\n" : "the bucket is versioned: every version "
			 "and delete marker the probes created was removed by "
			 "version id\n");
	buf_printf(out, "note: %s\n", SCOPE_NOTE);
	if (r->conditional_delete_ignored)
		buf_printf(out, "note: %s\n", CONDITIONAL_DELETE_NOTE);
	if (r->requester_pays)
		buf_printf(out, "finding: %s\n", REQUESTER_PAYS_NOTE);
	if (r->object_lock_default)
		buf_printf(out, "finding: %s\n", OBJECT_LOCK_NOTE);
	if (r->earlier_probes)
		buf_printf(out, "finding: %s\n", EARLIER_NOTE);
	if (r->nleft) {
		buf_puts(out, "\n");
		report_leftovers(r, out);
	}
	principal_arn(r, o, arn, sizeof(arn));
	if (r->nkms) {
		json_t *st = kms_statement(r, arn);
		char *sttext = json_dumps(st, JSON_FLAGS);

		buf_puts(out, "\nSSE-KMS:\n");
		for (size_t i = 0; i < r->nkms; i++) {
			char *key = term_escape(r->kms[i].key_id[0] ?
				r->kms[i].key_id : "(not named by S3)");

			buf_printf(out, "  key %s (%s)%s\n", key,
				   r->kms[i].where,
				   r->kms[i].denied ? ": KMS refused the "
				   "request" : "");
			free(key);
		}
		buf_printf(out, "its key policy must allow %s %s; add this "
			   "statement to the key policy:\n%s\n", arn,
			   strcmp(r->mode, "read") ?
			   "kms:GenerateDataKey and kms:Decrypt" :
			   "kms:Decrypt", sttext ? sttext : "");
		free(sttext);
		json_decref(st);
	}
	if (report_remediation(r, o, &rem, err) < 0)
		return -1;
	if (rem) {
		buf_printf(out, "\nThe bucket policy lacks the missing grants. "
			   "These statements add exactly them (the same Sids "
			   "as 's3perm gen'):\n%s\n", rem);
		if (!o->principal && !o->user && !r->principal_hint)
			buf_puts(out, "(replace " PLACEHOLDER_USER
				 " with the vendor's IAM user, or run the check "
				 "with --user/--principal)\n");
		buf_puts(out, "\nTo add them keeping every other statement of "
			 "the bucket's policy (run by the bucket owner; apply "
			 "shows the diff and keeps a backup):\n");
		merge_commands(r, o, out, "  ");
		free(rem);
	}
	return 0;
}
