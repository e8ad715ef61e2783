/* doctor.c - the customer-side configuration a vendor trips on (see
 * doctor.h). */
#include "doctor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "iam_eval.h"
#include "kms.h"
#include "policy.h"
#include "names.h"
#include "xml.h"

static const struct doctor_query queries[DOCTOR_NQUERIES] = {
	[DQ_LOCATION] = { "location", "GetBucketLocation",
			  "s3:GetBucketLocation" },
	[DQ_POLICY] = { "policy", "GetBucketPolicy", "s3:GetBucketPolicy" },
	[DQ_ENCRYPTION] = { "encryption", "GetBucketEncryption",
			    "s3:GetEncryptionConfiguration" },
	[DQ_OWNERSHIP] = { "ownershipControls", "GetBucketOwnershipControls",
			   "s3:GetBucketOwnershipControls" },
	[DQ_OBJECT_LOCK] = { "object-lock", "GetObjectLockConfiguration",
			     "s3:GetBucketObjectLockConfiguration" },
	[DQ_REQUEST_PAYMENT] = { "requestPayment", "GetBucketRequestPayment",
				 "s3:GetBucketRequestPayment" },
	[DQ_VERSIONING] = { "versioning", "GetBucketVersioning",
			    "s3:GetBucketVersioning" },
	[DQ_LIFECYCLE] = { "lifecycle", "GetBucketLifecycleConfiguration",
			   "s3:GetLifecycleConfiguration" },
	[DQ_PUBLIC_ACCESS] = { "publicAccessBlock", "GetPublicAccessBlock",
			       "s3:GetBucketPublicAccessBlock" },
};

const struct doctor_query *doctor_query(enum doctor_query_id q)
{
	return q < DOCTOR_NQUERIES ? &queries[q] : NULL;
}

const char *doctor_status_name(enum doctor_status s)
{
	switch (s) {
	case DOCTOR_ERROR:
		return "error";
	case DOCTOR_WARNING:
		return "warning";
	case DOCTOR_UNKNOWN:
		return "unknown";
	case DOCTOR_OK:
	default:
		return "ok";
	}
}

/* ---- items ---------------------------------------------------------- */

static struct doctor_item *item(struct doctor_report *r, const char *id)
{
	struct doctor_item *it = &r->items[r->nitems++];

	memset(it, 0, sizeof(*it));
	it->id = id;
	return it;
}

static void set(struct doctor_item *it, enum doctor_status st,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set(struct doctor_item *it, enum doctor_status st,
		const char *fmt, ...)
{
	char tmp[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	it->status = st;
	free(it->message);
	it->message = xstrdup(tmp);
}

static void set_fix(struct doctor_item *it, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_fix(struct doctor_item *it, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	char tmp[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_puts(&b, tmp);
	free(it->fix);
	it->fix = buf_detach(&b);
}

/* An answer that is not the configuration: unknown, saying why.  Returns
 * 1 when the item was so decided. */
static int not_readable(struct doctor_item *it, enum doctor_query_id q,
			const struct s3_response *a)
{
	char ev[700];

	if (a->error_class == S3_OK)
		return 0;
	s3_response_describe(a, ev, sizeof(ev));
	if (a->error_class == S3_ERR_PERMISSION)
		set(it, DOCTOR_UNKNOWN, "your credentials may not read it "
		    "(%s): %s needs %s", ev, queries[q].operation,
		    queries[q].permission);
	else if (a->status == 501 || a->status == 405 ||
		 !strcmp(a->code, "NotImplemented"))
		set(it, DOCTOR_UNKNOWN, "this server does not support it "
		    "(%s)", ev);
	else
		set(it, DOCTOR_UNKNOWN, "%s failed: %s (%s)",
		    queries[q].operation, ev, s3_response_explain(a));
	return 1;
}

static void not_a_document(struct doctor_item *it, enum doctor_query_id q,
			   const char *root)
{
	set(it, DOCTOR_UNKNOWN, "this server does not support it: it "
	    "answered %s with %s%s%s instead of the configuration",
	    queries[q].operation, *root ? "a <" : "something that is not XML",
	    root, *root ? "> document" : "");
}

/* ---- a small XML reader: the root element and the text of a few paths -- */

#define PICK_MAX 8

struct pick {
	char root[64];
	const char *paths[PICK_MAX];  /* full paths, root included */
	char vals[PICK_MAX][256];
	int seen[PICK_MAX];
	size_t n;
};

static int pick_start(void *ctx, const char *path)
{
	struct pick *p = ctx;

	if (!strchr(path, '/') && !p->root[0])
		snprintf(p->root, sizeof(p->root), "%s", path);
	return 0;
}

static int pick_end(void *ctx, const char *path, const char *text,
		    size_t len)
{
	struct pick *p = ctx;

	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(path, p->paths[i]) || p->seen[i])
			continue;
		p->seen[i] = 1;
		snprintf(p->vals[i], sizeof(p->vals[i]), "%.*s",
			 (int)(len < 255 ? len : 255), text);
	}
	return 0;
}

/* Parse the answer's body; 0 when it is the document `root`, else -1 with
 * p->root naming what it was ("" for no XML). */
static int pick_parse(const struct s3_response *a, const char *root,
		      struct pick *p)
{
	struct xml_handler h = { p, pick_start, pick_end };
	struct s3p_error err;

	if (xml_parse(a->body.data ? a->body.data : "", a->body.len, &h,
		      &err) < 0 && !p->root[0])
		return -1;
	return strcmp(p->root, root) ? -1 : 0;
}

static const char *pick_get(const struct pick *p, size_t i)
{
	return p->seen[i] ? p->vals[i] : NULL;
}

/* ---- region --------------------------------------------------------- */

static void judge_region(struct doctor_report *r, const char *resolved,
			 const struct s3_response *a)
{
	struct doctor_item *it = item(r, "region");
	char loc[64] = "";
	struct s3p_error err;

	if (a->error_class == S3_OK &&
	    s3_parse_location(a->body.data ? a->body.data : "", a->body.len,
			      loc, sizeof(loc), &err) == 0) {
		r->region = xstrdup(loc);
		set(it, DOCTOR_OK, "the bucket is in region %s: give it in the "
		    "vendor's setup form", loc);
		return;
	}
	r->region = xstrdup(resolved ? resolved : "");
	if (!not_readable(it, DQ_LOCATION, a))
		set(it, DOCTOR_UNKNOWN, "GetBucketLocation gave no region");
	if (resolved && *resolved) {
		char *why = it->message;

		it->message = NULL;
		set(it, DOCTOR_OK, "the bucket answers in region %s (%s)",
		    resolved, why);
		free(why);
	}
}

/* ---- bucket policy: verify's evaluation ------------------------------ */

/* A grant that is conditional or denied only under a condition (a Deny on
 * aws:SourceVpce, aws:SourceIp ...) names the keys it depends on: the
 * vendor's requests do not come from the customer's VPC or addresses. */
static void keys_note(struct doctor_item *it, const struct verify_result *res)
{
	struct buf b = BUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < res->nresults; i++) {
		const struct eval_result *e = &res->results[i].eval;

		for (size_t j = 0; j < e->ncondition_keys; j++) {
			if (strstr(b.data ? b.data : "", e->condition_keys[j]))
				continue;
			buf_printf(&b, "%s%s", n++ ? ", " : "",
				   e->condition_keys[j]);
		}
	}
	if (n) {
		struct buf m = BUF_INIT;

		buf_printf(&m, "%s; some grants depend on %s: a condition on "
			   "the customer's own VPC endpoint, VPC or addresses "
			   "never holds for the vendor's requests (s3perm verify "
			   "--fetch --context KEY=VALUE shows each case)",
			   it->message, b.data);
		free(it->message);
		it->message = buf_detach(&m);
	}
	buf_release(&b);
}

static int judge_policy(struct doctor_report *r,
			const struct verify_request *rq,
			const struct s3_response *a, struct s3p_error *err)
{
	struct doctor_item *it = item(r, "bucket-policy");
	struct verify_result *res = &r->policy;
	size_t allowed = 0, nerr, nwarn;
	int rc;

	if (a->error_class != S3_OK && strcmp(a->code, "NoSuchBucketPolicy")) {
		not_readable(it, DQ_POLICY, a);
		return 0;
	}
	if (a->error_class == S3_OK) {
		struct buf name = BUF_INIT;

		buf_printf(&name, "GetBucketPolicy answer of bucket %s",
			   rq->bucket);
		rc = verify_policy_text(rq, a->body.data ? a->body.data : "",
					a->body.len, name.data, res, err);
		buf_release(&name);
		if (rc && err->kind == S3P_E_INPUT) {
			set(it, DOCTOR_UNKNOWN, "the policy S3 returned cannot "
			    "be read: %s", err->msg);
			s3p_error_clear(err);
			return 0;
		}
	} else {
		rc = verify_no_policy(rq, res, err);
	}
	if (rc)
		return -1;
	r->have_policy = 1;
	for (size_t i = 0; i < res->nresults; i++)
		allowed += res->results[i].eval.decision == IAM_ALLOWED;
	nerr = finding_count(&res->findings, SEVERITY_ERROR);
	nwarn = finding_count(&res->findings, SEVERITY_WARNING);
	set(it, verify_result_failed(res) ? DOCTOR_ERROR :
	    nwarn ? DOCTOR_WARNING : DOCTOR_OK,
	    "%s%zu of %zu grants the vendor needs are allowed; %zu error%s, "
	    "%zu warning%s (see 's3perm verify --fetch')",
	    res->no_policy ? "the bucket has no policy: " : "", allowed,
	    res->nresults, nerr, nerr == 1 ? "" : "s", nwarn,
	    nwarn == 1 ? "" : "s");
	keys_note(it, res);
	if (allowed < res->nresults) {
		struct buf b = BUF_INIT;

		buf_printf(&b, "s3perm gen --mode %s --principal %s --bucket "
			   "%s", res->mode, res->principal, res->bucket);
		for (size_t i = 0; i < rq->nprefixes; i++) {
			buf_puts(&b, " --prefix ");
			buf_put_shell_quoted(&b, rq->prefixes[i]);
		}
		buf_puts(&b, res->no_policy ? " -o policy.json" :
			 " --merge current.json -o policy.json");
		buf_printf(&b, "; aws s3api put-bucket-policy --bucket %s "
			   "--policy file://policy.json", res->bucket);
		it->fix = buf_detach(&b);
	}
	return 0;
}

/* ---- default encryption --------------------------------------------- */

static void judge_encryption(struct doctor_report *r,
			     const struct s3_response *a)
{
	struct doctor_item *it = item(r, "encryption");
	struct pick p = { .n = 3, .paths = {
		"ServerSideEncryptionConfiguration/Rule/"
		"ApplyServerSideEncryptionByDefault/SSEAlgorithm",
		"ServerSideEncryptionConfiguration/Rule/"
		"ApplyServerSideEncryptionByDefault/KMSMasterKeyID",
		"ServerSideEncryptionConfiguration/Rule/BucketKeyEnabled" } };
	const char *alg, *key, *bk;
	int export = !strcmp(r->mode, "export");

	if (!strcmp(a->code, "ServerSideEncryptionConfigurationNotFoundError")) {
		set(it, DOCTOR_OK, "no default encryption configured: S3 "
		    "encrypts new objects with SSE-S3, which needs nothing "
		    "from the vendor");
		return;
	}
	if (not_readable(it, DQ_ENCRYPTION, a))
		return;
	if (pick_parse(a, "ServerSideEncryptionConfiguration", &p)) {
		not_a_document(it, DQ_ENCRYPTION, p.root);
		return;
	}
	alg = pick_get(&p, 0);
	key = pick_get(&p, 1);
	bk = pick_get(&p, 2);
	bk = bk && !strcmp(bk, "true") ? "; S3 Bucket Keys are on (fewer "
	     "KMS calls, the same key policy)" : "";
	if (!alg || !strcmp(alg, "AES256")) {
		set(it, DOCTOR_OK, "default encryption SSE-S3 (AES256): "
		    "nothing is needed from the vendor");
		return;
	}
	if (strcmp(alg, "aws:kms") && strcmp(alg, "aws:kms:dsse")) {
		set(it, DOCTOR_UNKNOWN, "default encryption '%s' is not one "
		    "s3perm knows", alg);
		return;
	}
	if (!key || !*key || strstr(key, "alias/aws/s3")) {
		set(it, DOCTOR_ERROR, "default encryption %s with the "
		    "AWS-managed key aws/s3: its key policy cannot be changed, "
		    "so the vendor's account can never %s objects%s",
		    !strcmp(alg, "aws:kms") ? "SSE-KMS" : "DSSE-KMS",
		    export ? "write or read" : "read", bk);
		set_fix(it, "use a customer-managed KMS key whose key policy "
			"allows the vendor (aws s3api put-bucket-encryption "
			"--bucket %s --server-side-encryption-configuration "
			"'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":"
			"{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":"
			"\"KEY_ARN\"}}]}'), or SSE-S3 (\"SSEAlgorithm\":"
			"\"AES256\"); objects already written keep their key",
			r->bucket);
		return;
	}
	free(r->kms_key);
	r->kms_key = xstrdup(key);
	r->kms_bucket_key = !!*bk;
	set(it, DOCTOR_WARNING, "default encryption %s with key %s: the "
	    "key policy must allow the vendor %s, or %s fail with "
	    "AccessDenied although every S3 grant is right (check the key "
	    "policy)%s",
	    !strcmp(alg, "aws:kms") ? "SSE-KMS" : "DSSE-KMS", key,
	    export ? "kms:GenerateDataKey and kms:Decrypt" : "kms:Decrypt",
	    export ? "reads and writes" : "reads", bk);
	set_fix(it, "add to the key policy of %s: {\"Sid\":\"StatsigKmsAccess\","
		"\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"%s\"},"
		"\"Action\":[%s],\"Resource\":\"*\",\"Condition\":"
		"{\"StringEquals\":{\"kms:ViaService\":\"s3.%s.amazonaws.com\"},"
		"\"ArnLike\":{\"kms:EncryptionContext:aws:s3:arn\":"
		"[\"arn:aws:s3:::%s\",\"arn:aws:s3:::%s/*\"]}}}", key,
		r->principal,
		export ? "\"kms:Decrypt\",\"kms:GenerateDataKey\"" :
		"\"kms:Decrypt\"", r->region && *r->region ? r->region :
		"REGION", r->bucket, r->bucket);
}

/* ---- object ownership ----------------------------------------------- */

static void judge_ownership(struct doctor_report *r,
			    const struct s3_response *a)
{
	struct doctor_item *it = item(r, "ownership");
	struct pick p = { .n = 1, .paths = {
		"OwnershipControls/Rule/ObjectOwnership" } };
	const char *own;
	int export = !strcmp(r->mode, "export");

	if (!strcmp(a->code, "OwnershipControlsNotFoundError")) {
		own = "ObjectWriter";
	} else {
		if (not_readable(it, DQ_OWNERSHIP, a))
			return;
		if (pick_parse(a, "OwnershipControls", &p)) {
			not_a_document(it, DQ_OWNERSHIP, p.root);
			return;
		}
		own = pick_get(&p, 0) ? pick_get(&p, 0) : "";
	}
	if (!strcmp(own, "BucketOwnerEnforced")) {
		set(it, DOCTOR_OK, "Object Ownership BucketOwnerEnforced: the "
		    "bucket owner owns every object, ACLs are off");
		return;
	}
	if (export) {
		set(it, DOCTOR_ERROR, "Object Ownership %s: the objects the "
		    "vendor writes stay the vendor's, and your account cannot "
		    "read its own export", own);
	} else {
		set(it, DOCTOR_WARNING, "Object Ownership %s (ACLs on): objects "
		    "written by other accounts are not yours, and the bucket "
		    "policy does not grant the vendor access to them", own);
	}
	set_fix(it, "aws s3api put-bucket-ownership-controls --bucket %s "
		"--ownership-controls "
		"'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'", r->bucket);
}

/* ---- object lock ---------------------------------------------------- */

static void judge_object_lock(struct doctor_report *r,
			      const struct s3_response *a)
{
	struct doctor_item *it = item(r, "object-lock");
	struct pick p = { .n = 4, .paths = {
		"ObjectLockConfiguration/ObjectLockEnabled",
		"ObjectLockConfiguration/Rule/DefaultRetention/Mode",
		"ObjectLockConfiguration/Rule/DefaultRetention/Days",
		"ObjectLockConfiguration/Rule/DefaultRetention/Years" } };
	const char *mode, *days, *years;
	int export = !strcmp(r->mode, "export");

	if (!strcmp(a->code, "ObjectLockConfigurationNotFoundError")) {
		set(it, DOCTOR_OK, "no Object Lock");
		return;
	}
	if (not_readable(it, DQ_OBJECT_LOCK, a))
		return;
	if (pick_parse(a, "ObjectLockConfiguration", &p)) {
		not_a_document(it, DQ_OBJECT_LOCK, p.root);
		return;
	}
	mode = pick_get(&p, 1);
	days = pick_get(&p, 2);
	years = pick_get(&p, 3);
	if (!mode) {
		set(it, DOCTOR_OK, "Object Lock is enabled without a default "
		    "retention: the vendor's objects are not locked");
		return;
	}
	if (!export) {
		set(it, DOCTOR_OK, "Object Lock default retention %s for %s "
		    "%s: reads are not affected", mode, days ? days : years,
		    days ? "days" : "years");
		return;
	}
	set(it, DOCTOR_ERROR, "Object Lock default retention %s for %s %s: "
	    "every object the vendor writes is locked, so its deletes and "
	    "overwrites fail (or leave locked versions) until the retention "
	    "ends", mode, days ? days : years, days ? "days" : "years");
	set_fix(it, "aws s3api put-object-lock-configuration --bucket %s "
		"--object-lock-configuration '{\"ObjectLockEnabled\":"
		"\"Enabled\"}' (keeps Object Lock, removes the default "
		"retention; objects already written keep theirs)", r->bucket);
}

/* ---- requester pays ------------------------------------------------- */

static void judge_request_payment(struct doctor_report *r,
				  const struct s3_response *a)
{
	struct doctor_item *it = item(r, "requester-pays");
	struct pick p = { .n = 1, .paths = {
		"RequestPaymentConfiguration/Payer" } };
	const char *payer;

	if (not_readable(it, DQ_REQUEST_PAYMENT, a))
		return;
	if (pick_parse(a, "RequestPaymentConfiguration", &p)) {
		not_a_document(it, DQ_REQUEST_PAYMENT, p.root);
		return;
	}
	payer = pick_get(&p, 0) ? pick_get(&p, 0) : "BucketOwner";
	if (strcmp(payer, "Requester")) {
		set(it, DOCTOR_OK, "Requester Pays is off: the bucket owner "
		    "pays");
		return;
	}
	set(it, DOCTOR_ERROR, "Requester Pays is on: S3 refuses every request "
	    "of the vendor that does not agree to pay (403 AccessDenied), "
	    "unless the vendor has agreed to pay for requests and transfer");
	set_fix(it, "aws s3api put-bucket-request-payment --bucket %s "
		"--request-payment-configuration Payer=BucketOwner",
		r->bucket);
}

/* ---- versioning and lifecycle ---------------------------------------- */

struct lifecycle {
	/* the rule being read */
	char prefix[1024];
	int enabled, has_filter_prefix, noncurrent, expiration_days;
	/* over all rules */
	int rules;
	int noncurrent_all;          /* an enabled rule expiring noncurrent
					versions of every key */
	int short_expiration;        /* shortest Expiration Days under the
					prefixes, 0: none */
	const struct verify_request *rq;
	char root[64];
};

static int covers(const struct lifecycle *lc, const char *prefix)
{
	/* the rule applies to every key under prefix */
	return !strncmp(prefix, lc->prefix, strlen(lc->prefix));
}

static int lc_start(void *ctx, const char *path)
{
	struct lifecycle *lc = ctx;

	if (!strchr(path, '/') && !lc->root[0])
		snprintf(lc->root, sizeof(lc->root), "%s", path);
	if (!strcmp(path, "LifecycleConfiguration/Rule")) {
		lc->prefix[0] = '\0';
		lc->enabled = lc->has_filter_prefix = lc->noncurrent = 0;
		lc->expiration_days = 0;
	}
	return 0;
}

static int lc_end(void *ctx, const char *path, const char *text, size_t len)
{
	struct lifecycle *lc = ctx;
	const char *rule = "LifecycleConfiguration/Rule/";
	size_t rl = strlen(rule);

	if (!strcmp(path, "LifecycleConfiguration/Rule")) {
		int all = 1;

		lc->rules++;
		if (!lc->enabled)
			return 0;
		for (size_t i = 0; i < lc->rq->nprefixes; i++)
			all &= covers(lc, lc->rq->prefixes[i]);
		if (!lc->rq->nprefixes)
			all = !lc->prefix[0];
		if (lc->noncurrent && all)
			lc->noncurrent_all = 1;
		if (lc->expiration_days > 0 && lc->expiration_days < 7) {
			int hits = !lc->rq->nprefixes;

			for (size_t i = 0; i < lc->rq->nprefixes; i++)
				hits |= covers(lc, lc->rq->prefixes[i]) ||
					!strncmp(lc->prefix, lc->rq->prefixes[i],
						 strlen(lc->rq->prefixes[i]));
			if (hits && (!lc->short_expiration ||
				     lc->expiration_days <
				     lc->short_expiration))
				lc->short_expiration = lc->expiration_days;
		}
		return 0;
	}
	if (strncmp(path, rule, rl))
		return 0;
	path += rl;
	if (!strcmp(path, "Status"))
		lc->enabled = len == 7 && !memcmp(text, "Enabled", 7);
	else if (!strcmp(path, "Prefix") || !strcmp(path, "Filter/Prefix") ||
		 !strcmp(path, "Filter/And/Prefix"))
		snprintf(lc->prefix, sizeof(lc->prefix), "%.*s",
			 (int)(len < 1023 ? len : 1023), text);
	else if (!strncmp(path, "NoncurrentVersionExpiration/", 28))
		lc->noncurrent = 1;
	else if (!strcmp(path, "Expiration/Days"))
		lc->expiration_days = atoi(text);
	return 0;
}

static void judge_versioning(struct doctor_report *r,
			     const struct verify_request *rq,
			     const struct s3_response *av,
			     const struct s3_response *al)
{
	struct doctor_item *it = item(r, "versioning");
	struct pick p = { .n = 1, .paths = {
		"VersioningConfiguration/Status" } };
	struct lifecycle lc;
	struct xml_handler h = { &lc, lc_start, lc_end };
	struct s3p_error err;
	const char *status;
	int export = !strcmp(r->mode, "export"), have_lc = 0;

	if (not_readable(it, DQ_VERSIONING, av))
		return;
	if (pick_parse(av, "VersioningConfiguration", &p)) {
		not_a_document(it, DQ_VERSIONING, p.root);
		return;
	}
	status = pick_get(&p, 0) ? pick_get(&p, 0) : "";
	memset(&lc, 0, sizeof(lc));
	lc.rq = rq;
	if (al->error_class == S3_OK) {
		if (xml_parse(al->body.data ? al->body.data : "", al->body.len,
			      &h, &err) == 0 &&
		    !strcmp(lc.root, "LifecycleConfiguration"))
			have_lc = 1;
	} else if (!strcmp(al->code, "NoSuchLifecycleConfiguration")) {
		have_lc = 1;
	}
	if (lc.short_expiration) {
		set(it, DOCTOR_WARNING, "a lifecycle rule expires objects under "
		    "the vendor's prefixes after %d day%s: they may be gone "
		    "before the vendor ingests them", lc.short_expiration,
		    lc.short_expiration == 1 ? "" : "s");
		set_fix(it, "give the rule at least 7 days (aws s3api "
			"get-bucket-lifecycle-configuration --bucket %s, edit, "
			"put-bucket-lifecycle-configuration)", r->bucket);
		return;
	}
	if (strcmp(status, "Enabled")) {
		set(it, DOCTOR_OK, "versioning is %s",
		    *status ? "suspended" : "off");
		return;
	}
	if (!export) {
		set(it, DOCTOR_OK, "versioning is on: reads are not affected");
		return;
	}
	if (!have_lc) {
		char ev[700] = "";

		s3_response_describe(al, ev, sizeof(ev));
		set(it, DOCTOR_UNKNOWN, "versioning is on, and the lifecycle "
		    "rules could not be read (%s; %s needs %s): without a rule "
		    "expiring noncurrent versions, every export the vendor "
		    "replaces or deletes is kept for ever", ev,
		    queries[DQ_LIFECYCLE].operation,
		    queries[DQ_LIFECYCLE].permission);
		return;
	}
	if (lc.noncurrent_all) {
		set(it, DOCTOR_OK, "versioning is on, and a lifecycle rule "
		    "expires noncurrent versions");
		return;
	}
	set(it, DOCTOR_WARNING, "versioning is on without a lifecycle rule "
	    "expiring noncurrent versions: every export the vendor replaces "
	    "or deletes is kept, and paid for, for ever");
	set_fix(it, "%saws s3api put-bucket-lifecycle-configuration --bucket %s "
		"--lifecycle-configuration '{\"Rules\":[{\"ID\":"
		"\"StatsigNoncurrentExpiry\",\"Status\":\"Enabled\",\"Filter\":"
		"{\"Prefix\":\"%s\"},\"NoncurrentVersionExpiration\":"
		"{\"NoncurrentDays\":7}}]}'", lc.rules ?
		"add this rule to the bucket's existing rules (the command "
		"replaces them all): " : "", r->bucket,
		rq->nprefixes == 1 ? rq->prefixes[0] : "");
}

/* ---- Block Public Access: information only --------------------------- */

static void judge_public_access(struct doctor_report *r,
				const struct s3_response *a)
{
	struct doctor_item *it = item(r, "public-access");
	/* radosgw names the document BlockPublicAccessBlockConfiguration */
	struct pick p = { .n = 8, .paths = {
		"PublicAccessBlockConfiguration/BlockPublicAcls",
		"PublicAccessBlockConfiguration/IgnorePublicAcls",
		"PublicAccessBlockConfiguration/BlockPublicPolicy",
		"PublicAccessBlockConfiguration/RestrictPublicBuckets",
		"BlockPublicAccessBlockConfiguration/BlockPublicAcls",
		"BlockPublicAccessBlockConfiguration/IgnorePublicAcls",
		"BlockPublicAccessBlockConfiguration/BlockPublicPolicy",
		"BlockPublicAccessBlockConfiguration/RestrictPublicBuckets" } };
	const char *pub = "";
	size_t on = 0;

	if (r->have_policy)
		for (size_t i = 0; i < r->policy.findings.n; i++)
			if (!strcmp(r->policy.findings.items[i].code,
				    "public-access"))
				pub = "; the bucket policy has a public "
				      "statement (see the bucket-policy item)";
	if (!strcmp(a->code, "NoSuchPublicAccessBlockConfiguration")) {
		set(it, DOCTOR_OK, "Block Public Access is not set on the "
		    "bucket; it does not affect a grant to a named principal "
		    "such as the vendor%s", pub);
		return;
	}
	if (not_readable(it, DQ_PUBLIC_ACCESS, a))
		return;
	if (pick_parse(a, "PublicAccessBlockConfiguration", &p) &&
	    strcmp(p.root, "BlockPublicAccessBlockConfiguration")) {
		not_a_document(it, DQ_PUBLIC_ACCESS, p.root);
		return;
	}
	for (size_t i = 0; i < 8; i++)
		on += pick_get(&p, i) && !strcmp(pick_get(&p, i), "true");
	set(it, DOCTOR_OK, "Block Public Access: %zu of 4 settings on; it "
	    "does not affect a grant to a named principal such as the "
	    "vendor: keep it as it is%s", on, pub);
}

/* ---- the report ----------------------------------------------------- */

int doctor_evaluate(const struct verify_request *rq, const char *region,
		    const struct s3_response answers[DOCTOR_NQUERIES],
		    struct doctor_report *out, struct s3p_error *err)
{
	memset(out, 0, sizeof(*out));
	out->bucket = xstrdup(rq->bucket);
	out->mode = xstrdup(rq->mode ? rq->mode : "read");
	out->principal = xstrdup(rq->principal->arn);
	judge_region(out, region, &answers[DQ_LOCATION]);
	if (judge_policy(out, rq, &answers[DQ_POLICY], err))
		return -1;
	judge_encryption(out, &answers[DQ_ENCRYPTION]);
	judge_ownership(out, &answers[DQ_OWNERSHIP]);
	judge_object_lock(out, &answers[DQ_OBJECT_LOCK]);
	judge_request_payment(out, &answers[DQ_REQUEST_PAYMENT]);
	judge_versioning(out, rq, &answers[DQ_VERSIONING],
			 &answers[DQ_LIFECYCLE]);
	judge_public_access(out, &answers[DQ_PUBLIC_ACCESS]);
	return 0;
}

const char *doctor_kms_key(const struct doctor_report *r)
{
	return r->kms_key;
}

static struct doctor_item *find_item(struct doctor_report *r,
				     const char *id)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (!strcmp(r->items[i].id, id))
			return &r->items[i];
	return NULL;
}

/* Evaluate one KMS action of the vendor on the key; -1 on an internal
 * error. */
static int eval_kms(const struct iam_policy *pol,
		    const struct eval_context *ctx, const char *key,
		    const char *action, struct eval_result *res)
{
	struct s3p_error e = { 0 };

	return iam_eval(pol, ctx, action, !strncmp(key, "arn:", 4) ? key : "*",
			res, &e);
}

void doctor_judge_key_policy(struct doctor_report *r,
			     const struct principal *p,
			     const struct kms_answer *ka)
{
	static const char *const actions[2] = { "kms:Decrypt",
						"kms:GenerateDataKey" };
	struct doctor_item *it = find_item(r, "encryption");
	struct iam_policy *pol = NULL;
	struct eval_context ctx;
	struct eval_result res[2];
	struct s3p_error e = { 0 };
	struct buf via = BUF_INIT, arn = BUF_INIT, keys = BUF_INIT;
	json_t *doc = NULL;
	size_t n = !strcmp(r->mode, "export") ? 2 : 1, bad = n, cond = n;
	int have_ctx = 0;

	memset(res, 0, sizeof(res));
	if (!it || !r->kms_key)
		return;
	if (ka->outcome != KMS_POLICY) {
		set(it, DOCTOR_UNKNOWN, "%s; the key policy of %s could not "
		    "be read (kms:GetKeyPolicy: %s%s)", it->message, r->kms_key,
		    ka->outcome == KMS_DENIED ? "your credentials may not "
		    "call it: " : ka->outcome == KMS_NOT_KMS ? "this endpoint "
		    "does not answer as KMS: " : "", ka->detail);
		return;
	}
	if (policy_parse_object(ka->policy, strlen(ka->policy), "key policy",
				&doc, &e) ||
	    iam_policy_compile(doc, &pol, &e) ||
	    eval_context_init(&ctx, p, &e)) {
		set(it, DOCTOR_UNKNOWN, "%s; the key policy of %s cannot be "
		    "judged: %s", it->message, r->kms_key, e.msg);
		goto out;
	}
	have_ctx = 1;
	buf_printf(&via, "s3.%s.amazonaws.com",
		   r->region && *r->region ? r->region : "us-east-1");
	buf_printf(&arn, "arn:%s:s3:::%s%s", *p->partition ? p->partition :
		   "aws", r->bucket, r->kms_bucket_key ? "" : "/object");
	if (eval_context_add(&ctx, "kms:ViaService", buf_str(&via), &e) ||
	    eval_context_add(&ctx, "kms:EncryptionContext:aws:s3:arn",
			     buf_str(&arn), &e)) {
		set(it, DOCTOR_UNKNOWN, "%s; the key policy of %s cannot be "
		    "judged: %s", it->message, r->kms_key, e.msg);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (eval_kms(pol, &ctx, r->kms_key, actions[i], &res[i])) {
			set(it, DOCTOR_UNKNOWN, "%s; the key policy of %s "
			    "cannot be judged", it->message, r->kms_key);
			goto out;
		}
		if (bad == n && (res[i].decision == IAM_EXPLICIT_DENY ||
				 res[i].decision == IAM_IMPLICIT_DENY))
			bad = i;
		if (cond == n && res[i].decision == IAM_CONDITIONAL)
			cond = i;
	}
	if (bad < n) {
		set(it, DOCTOR_ERROR, "the key policy of %s (read with "
		    "kms:GetKeyPolicy) does not allow the vendor %s (%s): "
		    "%s through S3 fail with AccessDenied although every S3 "
		    "grant is right", r->kms_key, actions[bad],
		    iam_decision_str(res[bad].decision),
		    n == 2 ? "reads and writes" : "reads");
		goto out;
	}
	if (cond < n) {
		for (size_t k = 0; k < res[cond].ncondition_keys; k++)
			buf_printf(&keys, "%s%s", k ? ", " : "",
				   res[cond].condition_keys[k]);
		set(it, DOCTOR_WARNING, "the key policy of %s (read with "
		    "kms:GetKeyPolicy) allows the vendor %s only depending on "
		    "%s", r->kms_key, actions[cond],
		    keys.len ? buf_str(&keys) : "conditions s3perm cannot "
		    "decide");
		goto out;
	}
	set(it, DOCTOR_OK, "the key policy of %s (read with kms:GetKeyPolicy) "
	    "allows the vendor %s through S3 in %s", r->kms_key,
	    n == 2 ? "kms:Decrypt and kms:GenerateDataKey" : "kms:Decrypt",
	    buf_str(&via));
	free(it->fix);
	it->fix = NULL;
out:
	for (size_t i = 0; i < 2; i++)
		eval_result_release(&res[i]);
	if (have_ctx)
		eval_context_release(&ctx);
	iam_policy_free(pol);
	json_decref(doc);
	buf_release(&via);
	buf_release(&arn);
	buf_release(&keys);
}

enum doctor_status doctor_worst(const struct doctor_report *r)
{
	enum doctor_status w = DOCTOR_OK;

	for (size_t i = 0; i < r->nitems; i++)
		if (r->items[i].status > w)
			w = r->items[i].status;
	return w;
}

void doctor_report_release(struct doctor_report *r)
{
	for (size_t i = 0; i < r->nitems; i++) {
		free(r->items[i].message);
		free(r->items[i].fix);
	}
	if (r->have_policy)
		verify_result_release(&r->policy);
	free(r->bucket);
	free(r->region);
	free(r->mode);
	free(r->principal);
	free(r->kms_key);
	memset(r, 0, sizeof(*r));
}
