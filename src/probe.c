/* probe.c - prove each required grant with the request whose answer depends
 * on that grant alone; clean up whatever the probes created.  See probe.h
 * for the rounds. */
#include "probe.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "s3.h"
#include "template.h"

#define PROBE_DIR ".s3perm-probe/"
#define PROBE_BODY "s3perm permission probe: safe to delete\n"
#define LIST_MAX 100
#define GET_MAX_BODY 4096

const struct probe_rule probe_rules[] = {
	{ "s3:ListBucket", PROBE_LIST_OBJECTS, 1, PROBE_NEED_NOTHING,
	  PROBE_BASIS_READ, "ListObjectsV2 under the prefix" },
	{ "s3:GetBucketLocation", PROBE_BUCKET_LOCATION, 1, PROBE_NEED_NOTHING,
	  PROBE_BASIS_READ, "GetBucketLocation in the bucket's home region" },
	{ "s3:ListBucketMultipartUploads", PROBE_LIST_UPLOADS, 1,
	  PROBE_NEED_NOTHING, PROBE_BASIS_READ,
	  "ListMultipartUploads under the prefix" },
	{ "s3:PutObject", PROBE_PUT_BAD_DIGEST, 1, PROBE_NEED_NOTHING,
	  PROBE_BASIS_NO_WRITE,
	  "PUT of a probe key with a wrong Content-MD5 (400 BadDigest: "
	  "allowed, nothing stored; 403: denied)" },
	{ "s3:DeleteObjectVersion", PROBE_DELETE_VERSION, 1,
	  PROBE_NEED_NOTHING, PROBE_BASIS_NO_WRITE,
	  "DELETE ?versionId=null of a probe key that does not exist" },
	{ "s3:AbortMultipartUpload", PROBE_ABORT_UPLOAD, 1, PROBE_NEED_NOTHING,
	  PROBE_BASIS_NO_WRITE,
	  "AbortMultipartUpload of a made-up upload id (404 NoSuchUpload: "
	  "allowed; 403: denied)" },
	{ "s3:GetObject", PROBE_GET_OBJECT, 2, PROBE_NEED_CUSTOMER_OBJECT,
	  PROBE_BASIS_READ,
	  "GET of the first byte of an existing customer object" },
	{ "s3:ListMultipartUploadParts", PROBE_LIST_PARTS, 2,
	  PROBE_NEED_CUSTOMER_UPLOAD, PROBE_BASIS_READ,
	  "ListParts of a customer's in-progress upload" },
	{ "s3:DeleteObject", PROBE_DELETE_MISSING, 2, PROBE_NEED_VERSION_DELETE,
	  PROBE_BASIS_NO_WRITE,
	  "conditional DELETE (If-Match: *) of a probe key that does not "
	  "exist (404 or 412: allowed, nothing deleted; a server that ignores "
	  "the header may create a delete marker, removed by version id)" },
	{ NULL, 0, 0, 0, 0, NULL }
};

#define NKINDS ((int)PROBE_DELETE_MISSING + 1)

const struct probe_rule *probe_rule_find(const char *action)
{
	for (const struct probe_rule *r = probe_rules; r->action; r++)
		if (!strcmp(r->action, action))
			return r;
	return NULL;
}

const char *probe_status_name(enum probe_status s)
{
	switch (s) {
	case PROBE_GRANTED: return "granted";
	case PROBE_MISSING: return "missing";
	case PROBE_UNKNOWN: return "unknown";
	case PROBE_SKIPPED: return "skipped";
	}
	return "unknown";
}

const char *probe_basis_name(enum probe_basis b)
{
	switch (b) {
	case PROBE_BASIS_NONE: return "none";
	case PROBE_BASIS_READ: return "read";
	case PROBE_BASIS_NO_WRITE: return "no-write probe";
	case PROBE_BASIS_REAL_WRITE: return "real write";
	}
	return "none";
}

const char *probe_partition_of_region(const char *region)
{
	if (region && !strncmp(region, "cn-", 3))
		return "aws-cn";
	if (region && !strncmp(region, "us-gov-", 7))
		return "aws-us-gov";
	return "aws";
}

/* ---- The run ---------------------------------------------------------- */

enum slot_type {
	SLOT_PROBE,     /* proves rule kind `kind` */
	SLOT_REAL_PUT,  /* the real write */
	SLOT_REMOVE,    /* cleanup: DELETE ?versionId */
	SLOT_LOOKUP,    /* cleanup: HEAD of a key whose answer was lost */
	SLOT_EARLIER,   /* round 1: ListObjectsV2 of the probe prefix, for
			   probe objects earlier checks left behind */
	SLOT_LOCK,      /* cleanup: HEAD ?versionId of a refused removal */
	SLOT_PAYER,     /* ListObjectsV2 agreeing to pay (Requester Pays) */
	SLOT_IDENTITY,  /* STS GetCallerIdentity */
	SLOT_REGION     /* HeadBucket: the bucket's region (AWS) */
};

struct slot {
	enum slot_type type;
	enum probe_kind kind;
	size_t item;                 /* created[] index for cleanup slots */
	struct s3_request rq;
	struct s3_op op;             /* listings: the S3 layer's builder */
	struct s3_param q[4];
	struct s3_param h[4];
	char md5[CRYPTO_MD5_BASE64_LEN + 1];
	char *key;                   /* owned */
	char *vid;                   /* owned */
	struct s3_response resp;
};

#define MAX_SLOTS 16

struct batch {
	struct slot s[MAX_SLOTS];
	size_t n;
};

/* Something a probe created (or may have created). */
struct created {
	enum probe_kind kind;   /* the verdict whose evidence tells its fate */
	char *what;
	char *key;
	char *vid;          /* NULL: the answer was lost, look it up */
	int done;           /* removed, or known not to exist */
	char *lock;         /* why the removal was refused (Object Lock) */
	struct s3_response last; /* last cleanup answer, as evidence */
};

#define MAX_CREATED 4

struct run {
	struct s3_client *c;
	const struct probe_params *p;
	struct probe_report *rep;
	char token[33];
	const char *prefix;          /* "" for none */
	long idx[NKINDS];            /* result index per kind, -1 */
	/* What round 1 found. */
	int listed;                  /* ListObjectsV2 answered 200 */
	char *obj_key;
	int obj_rank;
	int uploads_listed;
	char *up_key;
	char *up_id;
	int parts_sent;              /* ListParts of --upload-id in round 1 */
	int identity_asked;
	char **earlier;              /* probe objects of earlier checks */
	size_t nearlier;
	/* Stop: fatal answer or interrupt. */
	int fatal;
	struct s3p_error ferr;
	struct created created[MAX_CREATED];
	size_t ncreated;
};

static char *probe_key(const struct run *r, const char *what)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s" PROBE_DIR "%s-%s", r->prefix, r->token, what);
	return buf_detach(&b);
}

static struct slot *slot_add(struct batch *b, enum slot_type type,
			     enum probe_kind kind, const char *method,
			     const char *bucket, char *key)
{
	struct slot *s = &b->s[b->n++];

	memset(s, 0, sizeof(*s));
	s->type = type;
	s->kind = kind;
	s->key = key;
	s->rq.method = method;
	s->rq.bucket = bucket;
	s->rq.key = key;
	s->rq.query = s->q;
	s->rq.headers = s->h;
	s->resp = (struct s3_response)S3_RESPONSE_INIT;
	return s;
}

static void slot_query(struct slot *s, const char *name, const char *value)
{
	s->q[s->rq.query_count].name = name;
	s->q[s->rq.query_count].value = value;
	s->rq.query_count++;
}

static void slot_header(struct slot *s, const char *name, const char *value)
{
	s->h[s->rq.header_count].name = name;
	s->h[s->rq.header_count].value = value;
	s->rq.header_count++;
}

/* The body of a probe PUT, which never overwrites (If-None-Match: *), with
 * the Content-MD5 of md5_of[len]: the body's own, or a wrong one. */
static void slot_probe_body(struct slot *s, const char *md5_of, size_t len)
{
	crypto_md5_base64(md5_of, len, s->md5);
	slot_header(s, "Content-MD5", s->md5);
	slot_header(s, "If-None-Match", "*");
	s->rq.body = PROBE_BODY;
	s->rq.body_len = sizeof(PROBE_BODY) - 1;
}

/* GetObject of the first byte of a customer object. */
static void slot_get_first_byte(struct batch *b, const char *bucket,
				const char *key)
{
	struct slot *s = slot_add(b, SLOT_PROBE, PROBE_GET_OBJECT, "GET",
				  bucket, xstrdup(key));

	slot_header(s, "Range", "bytes=0-0");
	/* A server that ignores Range answers 200 with the whole object:
	 * proof enough of the read, so stop reading early. */
	s->rq.max_body = GET_MAX_BODY;
	s->rq.flags |= S3_REQ_STOP_AT_MAX;
}

static void batch_release(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->s[i].key);
		free(b->s[i].vid);
		s3_response_release(&b->s[i].resp);
	}
	b->n = 0;
}

static struct slot *batch_find(struct batch *b, enum slot_type type,
			       enum probe_kind kind)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->s[i].type == type &&
		    (type != SLOT_PROBE || b->s[i].kind == kind))
			return &b->s[i];
	return NULL;
}

/* Classes that mean "S3 could not be checked", never a missing grant. */
static int answer_is_fatal(const struct s3_response *resp)
{
	switch (resp->error_class) {
	case S3_ERR_AUTH:
	case S3_ERR_CLOCK_SKEW:
	case S3_ERR_WRONG_REGION:
	case S3_ERR_THROTTLED:
	case S3_ERR_SERVER:
	case S3_ERR_NETWORK:
	case S3_ERR_TLS:
	case S3_ERR_MALFORMED:
	case S3_ERR_REDIRECT:
		return 1;
	case S3_ERR_NOT_FOUND:
		return !strcmp(resp->code, "NoSuchBucket");
	case S3_ERR_PERMISSION:
		/* The whole bucket (AllAccessDisabled) or account
		 * (AccountProblem) is switched off, whatever the policy. */
		return !strcmp(resp->code, "AllAccessDisabled") ||
		       !strcmp(resp->code, "AccountProblem");
	default:
		return 0;
	}
}

/* The S3 operation a slot sends, for messages. */
static const char *slot_op(const struct slot *s)
{
	static const char *const names[] = {
		"ListObjectsV2", "GetBucketLocation", "ListMultipartUploads",
		"PutObject (wrong Content-MD5)", "DeleteObject ?versionId",
		"AbortMultipartUpload", "GetObject", "ListParts", "DeleteObject"
	};

	switch (s->type) {
	case SLOT_REAL_PUT: return "PutObject (probe object)";
	case SLOT_REMOVE: return "DeleteObject ?versionId (cleanup)";
	case SLOT_LOOKUP: return "HeadObject (cleanup)";
	case SLOT_EARLIER: return "ListObjectsV2 (earlier probe objects)";
	case SLOT_LOCK: return "HeadObject ?versionId (Object Lock)";
	case SLOT_PAYER: return "ListObjectsV2 (x-amz-request-payer)";
	case SLOT_IDENTITY: return "STS GetCallerIdentity";
	case SLOT_REGION: return "HeadBucket (region)";
	default: return names[s->kind];
	}
}

static void set_fatal(struct run *r, const struct slot *s)
{
	char ev[768];

	if (r->fatal)
		return;
	r->fatal = 1;
	s3_response_describe(&s->resp, ev, sizeof(ev));
	if (!strcmp(s->resp.code, "NoSuchBucket"))
		s3_fail(&r->ferr, &s->resp, "check", r->p->bucket, NULL);
	else if (s->resp.error_class == S3_ERR_PERMISSION)
		s3p_error_set(&r->ferr, S3P_E_S3,
			"cannot check bucket '%s': S3 refuses every request, "
			"whatever the policy (%s: %s)", r->p->bucket,
			slot_op(s), ev);
	else
		s3p_error_set(&r->ferr, S3P_E_S3,
			"cannot check bucket '%s': %s (%s: %s)", r->p->bucket,
			s3_response_explain(&s->resp),
			slot_op(s), ev);
}

/* The part of an AccessDenied message that says why, or NULL. */
static char *denial_reason(const char *msg)
{
	const char *p;

	if (!msg || !*msg)
		return NULL;
	if ((p = strstr(msg, "with an explicit deny")))
		return xstrdup(p + 5);
	if ((p = strstr(msg, "because ")))
		return xstrdup(p + 8);
	if ((p = strstr(msg, "explicit deny")))
		return xstrdup(p);
	return NULL;
}

/* "User: arn:aws:iam::1:user/x is not authorized ..." -> the ARN. */
static void learn_principal(struct run *r, const char *msg)
{
	const char *p = msg ? strstr(msg, "User: arn:") : NULL;
	size_t n;

	if (!p || r->rep->principal_hint)
		return;
	p += 6;
	n = strcspn(p, " \t\"");
	r->rep->principal_hint = xstrndup(p, n);
}

/* A KMS key ARN named in a message, or "". */
static char *kms_key_in(const char *msg)
{
	for (const char *p = msg ? strstr(msg, "arn:") : NULL; p;
	     p = strstr(p + 1, "arn:")) {
		const char *colon = strchr(p + 4, ':');

		if (colon && !strncmp(colon, ":kms:", 5))
			return xstrndup(p, strcspn(p, " \t\"',;"));
	}
	return xstrdup("");
}

static void kms_note(struct run *r, const char *key, const char *where,
		     int denied)
{
	struct probe_report *rep = r->rep;

	for (size_t i = 0; i < rep->nkms; i++)
		if (!strcmp(rep->kms[i].key_id, key ? key : "")) {
			rep->kms[i].denied |= denied;
			return;
		}
	rep->kms = xrealloc(rep->kms, (rep->nkms + 1) * sizeof(*rep->kms));
	rep->kms[rep->nkms].key_id = xstrdup(key ? key : "");
	rep->kms[rep->nkms].where = xstrdup(where);
	rep->kms[rep->nkms].denied = denied;
	rep->nkms++;
}

/* SSE-KMS shown by an answer's headers: note the key. */
static void kms_from_headers(struct run *r, const struct s3_response *resp,
			     const char *where)
{
	const char *sse = s3_response_header(resp,
		"x-amz-server-side-encryption");
	const char *key = s3_response_header(resp,
		"x-amz-server-side-encryption-aws-kms-key-id");

	if (sse && !strncmp(sse, "aws:kms", 7))
		kms_note(r, key ? key : "", where, 0);
}

static struct probe_result *result_of(struct run *r, enum probe_kind k)
{
	return r->idx[k] >= 0 ? &r->rep->results[r->idx[k]] : NULL;
}

static void replace(char **field, char *value)
{
	free(*field);
	*field = value;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	int n;
	char *out;

	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	out = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	out[0] = 0;
	va_start(ap, f);
	if (n > 0)
		vsnprintf(out, (size_t)n + 1, f, ap);
	va_end(ap);
	return out;
}

/* The answer, as evidence: "403 AccessDenied" / "204". */
static void answer_text(const struct s3_response *resp, char *out,
			size_t size)
{
	if (resp->status)
		snprintf(out, size, "%ld%s%s", resp->status,
			 resp->code[0] ? " " : "", resp->code);
	else
		snprintf(out, size, "no answer (%.100s)",
			 resp->transport_error[0] ? resp->transport_error :
			 s3_error_class_name(resp->error_class));
}

/* Record the verdict and the answer it rests on.  evidence/detail are
 * taken over (may be NULL). */
static void verdict(struct probe_result *res, enum probe_status st,
		    enum probe_basis basis, const struct s3_response *resp,
		    char *evidence, char *detail)
{
	res->status = st;
	res->basis = basis;
	res->http_status = resp ? resp->status : 0;
	replace(&res->code, resp && resp->code[0] ? xstrdup(resp->code) :
		NULL);
	replace(&res->request_id, resp && resp->request_id[0] ?
		xstrdup(resp->request_id) : NULL);
	replace(&res->reason, resp && resp->error_class == S3_ERR_PERMISSION ?
		denial_reason(resp->message) : NULL);
	if (evidence)
		replace(&res->evidence, evidence);
	replace(&res->detail, detail);
}

/* Common ending of a verdict for answers that neither prove nor deny. */
static void verdict_other(struct run *r, struct probe_result *res,
			  const struct slot *s, const char *what)
{
	char ans[160];

	answer_text(&s->resp, ans, sizeof(ans));
	if (s->resp.error_class == S3_ERR_KMS) {
		char *key = kms_key_in(s->resp.message);

		kms_note(r, key, what, 1);
		verdict(res, PROBE_UNKNOWN, PROBE_BASIS_NONE, &s->resp,
			fmt("%s answered %s", what, ans),
			fmt("S3 allowed the request but KMS refused it: the key "
			    "policy of KMS key %s must allow the principal %s",
			    key[0] ? key : "(not named by S3)",
			    strcmp(r->p->mode, "read") ?
			    "kms:GenerateDataKey and kms:Decrypt" :
			    "kms:Decrypt"));
		free(key);
		return;
	}
	verdict(res, PROBE_UNKNOWN, PROBE_BASIS_NONE, &s->resp,
		fmt("%s answered %s", what, ans),
		fmt("this answer neither proves nor disproves the grant "
		    "(%s)", s3_error_class_explain(s->resp.error_class)));
}

static void verdict_denied(struct run *r, struct probe_result *res,
			   enum probe_basis basis, const struct slot *s,
			   const char *what)
{
	char ans[160];
	char *reason = denial_reason(s->resp.message);

	learn_principal(r, s->resp.message);
	answer_text(&s->resp, ans, sizeof(ans));
	verdict(res, PROBE_MISSING, basis, &s->resp,
		fmt("%s answered %s", what, ans),
		fmt("S3 denied %s on %s%s%s", res->action, res->resource,
		    reason ? ": " : "", reason ? reason : ""));
	free(reason);
}

/* The verdict on an answer that did not grant: a denial, or an answer that
 * neither proves nor denies. */
static void verdict_refused(struct run *r, struct probe_result *res,
			    enum probe_basis basis, const struct slot *s,
			    const char *what)
{
	if (s->resp.error_class == S3_ERR_PERMISSION)
		verdict_denied(r, res, basis, s, what);
	else
		verdict_other(r, res, s, what);
}

/* ---- Round 1: discovery and the independent probes --------------------- */

static int object_rank(const struct s3_list_entry *e)
{
	const char *sc = e->storage_class ? e->storage_class : "";
	int archived = !strcmp(sc, "GLACIER") || !strcmp(sc, "DEEP_ARCHIVE");

	return (archived ? 0 : 2) + (e->size > 0);
}

/* Is key under the probes' own folder (below the prefix, or at the top)? */
static int is_probe_key(const struct run *r, const char *key)
{
	size_t plen = strlen(r->prefix);

	return !strncmp(key + (strncmp(key, r->prefix, plen) ? 0 : plen),
			PROBE_DIR, strlen(PROBE_DIR));
}

static int on_object(void *ctx, const struct s3_list_entry *e)
{
	struct run *r = ctx;

	if (e->is_prefix || e->problem)
		return 0;     /* a key no request can name (%00) */
	if (is_probe_key(r, e->key))
		return 0;     /* a probe's own object never proves a read */
	/* Prefer an object with bytes to read, in a storage class that can
	 * be read at once (an archived one answers 403 InvalidObjectState). */
	if (!r->obj_key || object_rank(e) > r->obj_rank) {
		replace(&r->obj_key, xstrdup(e->key));
		r->obj_rank = object_rank(e);
	}
	return 0;
}

static int on_upload(void *ctx, const struct s3_upload *u)
{
	struct run *r = ctx;

	if (u->problem || is_probe_key(r, u->key))
		return 0;
	/* The initiator may list its own upload's parts whatever the policy:
	 * such an upload proves nothing. */
	if (r->p->principal && u->initiator_id &&
	    !strcmp(u->initiator_id, r->p->principal))
		return 0;
	if (!r->up_id && !r->parts_sent) {
		r->up_key = xstrdup(u->key);
		r->up_id = xstrdup(u->upload_id);
	}
	return 0;
}

/* A probe object of an earlier check (not this run's own). */
static int on_earlier(void *ctx, const struct s3_list_entry *e)
{
	struct run *r = ctx;

	if (e->is_prefix || e->problem || strstr(e->key, r->token) ||
	    !is_probe_key(r, e->key) || r->nearlier >= 16)
		return 0;
	r->earlier = xrealloc(r->earlier,
			      (r->nearlier + 1) * sizeof(*r->earlier));
	r->earlier[r->nearlier++] = xstrdup(e->key);
	return 0;
}

/* "<op> prefix 'p'" or "<op> (whole bucket)". */
static void list_what(const struct run *r, const char *op, char *what,
		      size_t size)
{
	if (r->prefix[0])
		snprintf(what, size, "%s prefix '%s'", op, r->prefix);
	else
		snprintf(what, size, "%s (whole bucket)", op);
}

/* A listing answered 2xx that cannot be read ends the check. */
static void set_malformed(struct run *r, struct slot *s,
			  const struct s3p_error *e)
{
	s->resp.error_class = S3_ERR_MALFORMED;
	snprintf(s->resp.transport_error, sizeof(s->resp.transport_error),
		 "%.200s", e->msg);
	set_fatal(r, s);
}

static void judge_list_objects(struct run *r, struct slot *s,
			       struct probe_result *res)
{
	char what[1200];

	list_what(r, "ListObjectsV2", what, sizeof(what));
	if (s->resp.error_class == S3_OK) {
		struct s3p_error e;

		if (s3_parse_list_objects(s->resp.body.data, s->resp.body.len,
					  on_object, r, NULL, &e) < 0) {
			set_malformed(r, s, &e);
			return;
		}
		r->listed = 1;
		if (res)
			verdict(res, PROBE_GRANTED, PROBE_BASIS_READ, &s->resp,
				fmt("%s answered %ld", what, s->resp.status),
				NULL);
	} else if (res) {
		verdict_refused(r, res, PROBE_BASIS_READ, s, what);
	}
}

static void judge_location(struct run *r, struct slot *s,
			   struct probe_result *res)
{
	const char *region = r->rep->region ? r->rep->region : "?";
	char what[256];

	snprintf(what, sizeof(what),
		 "GetBucketLocation (sent to the home region %s)", region);
	if (s->resp.error_class == S3_OK) {
		char loc[64] = "";
		struct s3p_error e;

		if (s3_parse_location(s->resp.body.data, s->resp.body.len, loc,
				      sizeof(loc), &e) < 0)
			snprintf(loc, sizeof(loc), "?");
		verdict(res, PROBE_GRANTED, PROBE_BASIS_READ, &s->resp,
			fmt("%s answered %ld, LocationConstraint '%s'", what,
			    s->resp.status, loc), NULL);
	} else {
		verdict_refused(r, res, PROBE_BASIS_READ, s, what);
	}
}

static void judge_list_uploads(struct run *r, struct slot *s,
			       struct probe_result *res)
{
	char what[1200];

	list_what(r, "ListMultipartUploads", what, sizeof(what));
	if (s->resp.error_class == S3_OK) {
		struct s3p_error e;
		struct s3_list_page page = { 0, NULL, NULL, NULL, 0 };

		if (s3_parse_list_uploads(s->resp.body.data, s->resp.body.len,
					  on_upload, r, &page, &e) < 0) {
			set_malformed(r, s, &e);
			s3_list_page_release(&page);
			return;
		}
		r->uploads_listed = 1;
		if (res)
			verdict(res, PROBE_GRANTED, PROBE_BASIS_READ, &s->resp,
				fmt("%s answered %ld (%zu upload%s in "
				    "progress)", what, s->resp.status,
				    page.count, page.count == 1 ? "" : "s"),
				NULL);
		s3_list_page_release(&page);
	} else if (res) {
		verdict_refused(r, res, PROBE_BASIS_READ, s, what);
	}
}

/* Something that kind's probe created (vid NULL: its answer was lost).
 * Its verdict's evidence says what was created; cleanup() adds whether it
 * was removed. */
static void add_created(struct run *r, enum probe_kind kind,
			const char *what, const char *key, const char *vid)
{
	struct created *c;

	if (r->ncreated >= MAX_CREATED)
		return;
	c = &r->created[r->ncreated++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->what = xstrdup(what);
	c->key = xstrdup(key);
	c->vid = vid ? xstrdup(vid) : NULL;
	c->last = (struct s3_response)S3_RESPONSE_INIT;
}

static void judge_bad_digest(struct run *r, struct slot *s,
			     struct probe_result *res)
{
	char what[1200];

	snprintf(what, sizeof(what),
		 "PUT '%s' with a wrong Content-MD5 (If-None-Match: *)",
		 s->key);
	if (s->resp.error_class == S3_ERR_BAD_DIGEST) {
		verdict(res, PROBE_GRANTED, PROBE_BASIS_NO_WRITE, &s->resp,
			fmt("%s answered %ld %s: S3 checks the permission "
			    "before the digest, and stored nothing", what,
			    s->resp.status, s->resp.code), NULL);
	} else if (s->resp.error_class == S3_OK) {
		/* A server that ignored the digest stored the object. */
		const char *vid = s3_response_header(&s->resp,
						     "x-amz-version-id");

		add_created(r, PROBE_PUT_BAD_DIGEST, "probe object", s->key,
			    vid ? vid : "null");
		verdict(res, PROBE_GRANTED, PROBE_BASIS_REAL_WRITE, &s->resp,
			fmt("%s answered %ld: the server ignored the digest "
			    "and stored the object", what, s->resp.status),
			NULL);
	} else {
		verdict_refused(r, res, PROBE_BASIS_NO_WRITE, s, what);
	}
}

/* A request on something that does not exist: 2xx or a not-found other
 * than NoSuchBucket proves the permission, `why` says why nothing changed. */
static void judge_absent_target(struct run *r, struct slot *s,
				struct probe_result *res, const char *what,
				const char *why)
{
	if (s->resp.error_class == S3_OK ||
	    (s->resp.error_class == S3_ERR_NOT_FOUND &&
	     strcmp(s->resp.code, "NoSuchBucket"))) {
		verdict(res, PROBE_GRANTED, PROBE_BASIS_NO_WRITE, &s->resp,
			fmt("%s answered %ld%s%s: %s", what, s->resp.status,
			    s->resp.code[0] ? " " : "", s->resp.code, why),
			NULL);
	} else {
		verdict_refused(r, res, PROBE_BASIS_NO_WRITE, s, what);
	}
}

static void judge_delete_version(struct run *r, struct slot *s,
				 struct probe_result *res)
{
	char what[1200];

	snprintf(what, sizeof(what),
		 "DELETE '%s'?versionId=null (no such key)", s->key);
	judge_absent_target(r, s, res, what, "allowed, and a version delete "
			    "never creates anything");
}

static void judge_abort(struct run *r, struct slot *s,
			struct probe_result *res)
{
	char what[1200];

	snprintf(what, sizeof(what),
		 "AbortMultipartUpload of '%s' with a made-up upload id",
		 s->key);
	judge_absent_target(r, s, res, what, "S3 checks the permission "
			    "before looking the upload up");
}

static int list_granted(struct run *r)
{
	struct probe_result *l = result_of(r, PROBE_LIST_OBJECTS);

	return r->listed || (l && l->status == PROBE_GRANTED);
}

static void judge_get_object(struct run *r, struct slot *s,
			     struct probe_result *res)
{
	char what[1200];
	char ans[160];

	snprintf(what, sizeof(what), "GET first byte of %s object '%s'",
		 r->p->object ? "the named" : "the customer's", s->key);
	answer_text(&s->resp, ans, sizeof(ans));
	if (s->resp.error_class == S3_OK || s->resp.status == 416) {
		char where[1200];

		snprintf(where, sizeof(where), "object '%s'", s->key);
		kms_from_headers(r, &s->resp, where);
		verdict(res, PROBE_GRANTED, PROBE_BASIS_READ, &s->resp,
			fmt("%s answered %s%s", what, ans,
			    s->resp.status == 200 && s->resp.body.len > 1 ?
			    " with the whole object (the server ignores "
			    "Range; reading stopped early)" : ""), NULL);
	} else if (s->resp.error_class == S3_ERR_PERMISSION) {
		if (list_granted(r)) {
			verdict_denied(r, res, PROBE_BASIS_READ, s, what);
		} else {
			verdict(res, PROBE_UNKNOWN, PROBE_BASIS_READ, &s->resp,
				fmt("%s answered %s", what, ans),
				fmt("without s3:ListBucket S3 answers 403 also "
				    "for a key that does not exist, so this "
				    "does not prove s3:GetObject missing"));
		}
	} else if (s->resp.error_class == S3_ERR_NOT_FOUND) {
		verdict(res, PROBE_UNKNOWN, PROBE_BASIS_READ, &s->resp,
			fmt("%s answered %s", what, ans),
			fmt("object '%s' does not exist: name an existing one "
			    "with --object KEY", s->key));
	} else {
		verdict_other(r, res, s, what);
	}
}

static void judge_list_parts(struct run *r, struct slot *s,
			     struct probe_result *res)
{
	char what[1400];
	char ans[160];

	snprintf(what, sizeof(what),
		 "ListParts of the customer's upload '%s' (id %s)", s->key,
		 r->up_id);
	answer_text(&s->resp, ans, sizeof(ans));
	if (s->resp.error_class == S3_OK) {
		verdict(res, PROBE_GRANTED, PROBE_BASIS_READ, &s->resp,
			fmt("%s answered %s", what, ans), NULL);
	} else if (s->resp.error_class == S3_ERR_PERMISSION) {
		verdict_denied(r, res, PROBE_BASIS_READ, s, what);
	} else if (s->resp.error_class == S3_ERR_NOT_FOUND) {
		verdict(res, PROBE_UNKNOWN, PROBE_BASIS_READ, &s->resp,
			fmt("%s answered %s", what, ans),
			xstrdup("the upload was completed or aborted while "
				"checking; run the check again"));
	} else {
		verdict_other(r, res, s, what);
	}
}

static void judge_delete_missing(struct run *r, struct slot *s,
				 struct probe_result *res)
{
	char what[1200];
	char ans[160];

	snprintf(what, sizeof(what), "DELETE '%s' with If-Match: * (no such "
		 "key)", s->key);
	answer_text(&s->resp, ans, sizeof(ans));
	if ((s->resp.error_class == S3_ERR_NOT_FOUND &&
	     strcmp(s->resp.code, "NoSuchBucket")) ||
	    s->resp.error_class == S3_ERR_PRECONDITION) {
		/* AWS checks the permission, then the precondition: nothing
		 * deleted, no delete marker. */
		verdict(res, PROBE_GRANTED, PROBE_BASIS_NO_WRITE, &s->resp,
			fmt("%s answered %s: allowed, and the failed "
			    "precondition deleted nothing", what, ans), NULL);
	} else if (s->resp.error_class == S3_OK) {
		const char *marker = s3_response_header(&s->resp,
			"x-amz-delete-marker");
		const char *vid = s3_response_header(&s->resp,
						     "x-amz-version-id");
		int made = marker && !strcmp(marker, "true");

		/* The server ignored If-Match (radosgw 16): a plain
		 * delete, which proves the grant just the same. */
		r->rep->conditional_delete_ignored = 1;
		if (made) {
			r->rep->versioned = 1;
			add_created(r, PROBE_DELETE_MISSING, "delete marker",
				    s->key, vid);
		}
		verdict(res, PROBE_GRANTED, PROBE_BASIS_NO_WRITE, &s->resp,
			fmt("%s answered %s: this server ignores If-Match on "
			    "DELETE (no conditional deletes)%s", what, ans,
			    made ? " and made a delete marker on this versioned "
			    "bucket" : ""), NULL);
	} else if (s->resp.error_class == S3_ERR_PERMISSION) {
		verdict_denied(r, res, PROBE_BASIS_NO_WRITE, s, what);
	} else {
		/* Lost, or a 500 (S3 may have executed it): a marker may
		 * exist; cleanup looks it up. */
		if (s->resp.status == 0 ||
		    s->resp.error_class == S3_ERR_SERVER)
			add_created(r, PROBE_DELETE_MISSING, "delete marker",
				    s->key, NULL);
		verdict_other(r, res, s, what);
		if (s->resp.error_class == S3_ERR_SERVER)
			replace(&res->detail, fmt("S3 answered %s: the delete "
				"may or may not have taken effect, so it proves "
				"nothing (a delete marker it may have left is "
				"looked up and removed); run the check again",
				ans));
	}
}

static void judge_real_put(struct run *r, struct slot *s,
			   struct probe_result *res)
{
	char what[1200];
	char ans[160];

	snprintf(what, sizeof(what),
		 "PUT '%s' (%zu bytes, If-None-Match: *)", s->key,
		 sizeof(PROBE_BODY) - 1);
	answer_text(&s->resp, ans, sizeof(ans));
	if (s->resp.error_class == S3_OK) {
		const char *vid = s3_response_header(&s->resp,
						     "x-amz-version-id");

		r->rep->wrote = 1;
		if (vid && strcmp(vid, "null"))
			r->rep->versioned = 1;
		else if (r->rep->versioned < 0)
			r->rep->versioned = 0;
		add_created(r, PROBE_PUT_BAD_DIGEST, "probe object", s->key,
			    vid ? vid : "null");
		kms_from_headers(r, &s->resp, "the probe write");
		verdict(res, PROBE_GRANTED, PROBE_BASIS_REAL_WRITE, &s->resp,
			fmt("%s answered %s", what, ans), NULL);
	} else if (s->resp.error_class == S3_ERR_PERMISSION) {
		verdict_denied(r, res, PROBE_BASIS_REAL_WRITE, s, what);
		replace(&res->detail, fmt("the no-write probe was allowed but "
			"the real write was denied: a condition of the policy "
			"(e.g. required encryption headers) or of the KMS key "
			"refuses the vendor's writes"));
	} else if (s->resp.status == 400 &&
		   !strcmp(s->resp.code, "InvalidRequest") &&
		   (strstr(s->resp.message, "Object Lock") ||
		    strstr(s->resp.message, "Content-MD5"))) {
		/* AWS: "Content-MD5 OR x-amz-checksum- HTTP header is
		 * required for Put Object requests with Object Lock
		 * parameters": default retention; nothing was stored.  The
		 * grant stays proven by the no-write probe. */
		r->rep->object_lock_default = 1;
		replace(&res->evidence, fmt("%s; %s answered %s: the bucket "
			"has default Object Lock retention", res->evidence ?
			res->evidence : "", what, ans));
		replace(&res->detail, fmt("the real write was skipped: this "
			"bucket has default Object Lock retention, so the "
			"vendor's own exports there can be deleted only after "
			"the retention ends"));
	} else if (s->resp.error_class == S3_ERR_PRECONDITION &&
		   s->resp.prior_status >= 500) {
		/* The key is this run's own: only the attempt that answered
		 * 5xx can have stored it. */
		r->rep->wrote = 1;
		add_created(r, PROBE_PUT_BAD_DIGEST, "probe object", s->key,
			    NULL);
		verdict(res, PROBE_GRANTED, PROBE_BASIS_REAL_WRITE, &s->resp,
			fmt("%s answered %ld, then %s on the retry: the first "
			    "attempt stored the object", what,
			    s->resp.prior_status, ans), NULL);
	} else {
		if (s->resp.status == 0 ||
		    s->resp.error_class == S3_ERR_SERVER)
			add_created(r, PROBE_PUT_BAD_DIGEST, "probe object",
				    s->key, NULL);
		verdict_other(r, res, s, what);
	}
}

/* ---- Sending ------------------------------------------------------------ */

/* A round-2 write answered 5xx: S3 may have executed it.  Its verdict
 * says so and cleanup looks up what it may have left; not the end of the
 * check. */
static int write_may_have_run(const struct slot *s)
{
	return s->resp.error_class == S3_ERR_SERVER &&
	       (s->type == SLOT_REAL_PUT ||
		(s->type == SLOT_PROBE && s->kind == PROBE_DELETE_MISSING));
}

static int batch_send(struct run *r, struct batch *b, struct s3p_error *err)
{
	struct s3_request reqs[MAX_SLOTS];
	struct s3_response resps[MAX_SLOTS];
	int rc;

	if (!b->n)
		return 0;
	for (size_t i = 0; i < b->n; i++) {
		reqs[i] = b->s[i].rq;
		resps[i] = (struct s3_response)S3_RESPONSE_INIT;
	}
	rc = s3_send_batch(r->c, reqs, resps, b->n, err);
	for (size_t i = 0; i < b->n; i++)
		b->s[i].resp = resps[i];
	if (rc < 0)
		return -1;
	r->rep->rounds++;
	r->rep->requests += (int)b->n;
	for (size_t i = 0; i < b->n; i++)
		if (b->s[i].type != SLOT_REMOVE &&
		    b->s[i].type != SLOT_LOOKUP &&
		    b->s[i].type != SLOT_EARLIER &&
		    b->s[i].type != SLOT_LOCK &&
		    b->s[i].type != SLOT_PAYER &&
		    b->s[i].type != SLOT_IDENTITY &&
		    b->s[i].type != SLOT_REGION &&
		    !write_may_have_run(&b->s[i]) &&
		    answer_is_fatal(&b->s[i].resp))
			set_fatal(r, &b->s[i]);
	return 0;
}

static int stopped(struct run *r)
{
	if (r->p->stop && *r->p->stop) {
		r->rep->interrupted = 1;
		return 1;
	}
	return r->fatal;
}

static void set_unknown(struct probe_result *res, char *detail)
{
	res->status = PROBE_UNKNOWN;
	res->basis = PROBE_BASIS_NONE;
	replace(&res->detail, detail);
}

static int need_kind(struct run *r, enum probe_kind k)
{
	return r->idx[k] >= 0;
}

static void slot_identity(struct batch *b)
{
	struct slot *s = slot_add(b, SLOT_IDENTITY, 0, "GET", NULL, NULL);

	s3_op_get_caller_identity(&s->op);
	s->rq = s->op.rq;
}

/* The answer of GetCallerIdentity into the report. */
static void judge_identity(struct run *r, const struct slot *s)
{
	struct s3_caller who;
	struct s3p_error e;
	char ans[160];

	if (s->resp.error_class == S3_OK &&
	    s3_parse_caller_identity(s->resp.body.data, s->resp.body.len,
				     &who, &e) == 0) {
		r->rep->caller_arn = xstrdup(who.principal);
		return;
	}
	answer_text(&s->resp, ans, sizeof(ans));
	r->rep->identity_note = fmt("the identity of the credentials could "
		"not be confirmed (STS GetCallerIdentity answered %s%s)", ans,
		s->resp.error_class == S3_OK ? ", not readable" : "");
}

/* Does the caller's principal (from STS) stand for the one named?  The
 * same ARN; a role named with a path and the role of a session (no
 * path); an account root for any caller of that account. */
static int same_principal(const char *named, const char *caller)
{
	const char *nk, *ck, *nn, *cn;

	if (!strcmp(named, caller))
		return 1;
	nk = strstr(named, ":iam::");
	ck = strstr(caller, ":iam::");
	if (!nk || !ck || strncmp(nk + 6, ck + 6, 12) ||
	    (nk - named) != (ck - caller) ||
	    strncmp(named, caller, (size_t)(nk - named)))
		return 0;
	if (!strcmp(nk + 18, ":root"))
		return 1;
	if (strncmp(nk + 18, ":role/", 6) || strncmp(ck + 18, ":role/", 6))
		return 0;
	nn = strrchr(nk, '/');
	cn = strrchr(ck, '/');
	return nn && cn && !strcmp(nn, cn);
}

/* Credentials of someone else than the principal named: stop before any
 * probe (exit 2), naming both. */
static int identity_mismatch(struct run *r, struct s3p_error *err)
{
	if (!r->p->principal || !r->rep->caller_arn ||
	    same_principal(r->p->principal, r->rep->caller_arn))
		return 0;
	return s3p_error_set(err, S3P_E_USAGE,
		"the credentials are those of '%s', not of '%s' named by "
		"--user/--principal: run the check with the credentials of "
		"the principal being granted (or name the right one)",
		r->rep->caller_arn, r->p->principal);
}

static int round1(struct run *r, struct batch *b, struct s3p_error *err)
{
	const char *bucket = r->p->bucket;
	struct slot *s;

	/* Listing finds the customer object even when s3:ListBucket is not
	 * itself required. */
	s = slot_add(b, SLOT_PROBE, PROBE_LIST_OBJECTS, "GET", bucket, NULL);
	s3_op_list_objects(&s->op, bucket, r->prefix, NULL, NULL, LIST_MAX);
	s->rq = s->op.rq;
	if (need_kind(r, PROBE_BUCKET_LOCATION)) {
		s = slot_add(b, SLOT_PROBE, PROBE_BUCKET_LOCATION, "GET",
			     bucket, NULL);
		slot_query(s, "location", NULL);
	}
	if (need_kind(r, PROBE_LIST_UPLOADS) || need_kind(r, PROBE_LIST_PARTS)) {
		s = slot_add(b, SLOT_PROBE, PROBE_LIST_UPLOADS, "GET", bucket,
			     NULL);
		s3_op_list_uploads(&s->op, bucket, r->prefix, NULL, NULL,
				   LIST_MAX);
		s->rq = s->op.rq;
	}
	if (need_kind(r, PROBE_PUT_BAD_DIGEST)) {
		static const char wrong[] = "not the body";

		s = slot_add(b, SLOT_PROBE, PROBE_PUT_BAD_DIGEST, "PUT", bucket,
			     probe_key(r, "digest"));
		slot_probe_body(s, wrong, sizeof(wrong) - 1);
	}
	if (need_kind(r, PROBE_DELETE_VERSION)) {
		s = slot_add(b, SLOT_PROBE, PROBE_DELETE_VERSION, "DELETE",
			     bucket, probe_key(r, "version"));
		slot_query(s, "versionId", "null");
	}
	if (need_kind(r, PROBE_ABORT_UPLOAD)) {
		s = slot_add(b, SLOT_PROBE, PROBE_ABORT_UPLOAD, "DELETE", bucket,
			     probe_key(r, "upload"));
		s->vid = fmt("s3perm-made-up-upload-id-%s", r->token);
		slot_query(s, "uploadId", s->vid);
	}
	if (need_kind(r, PROBE_GET_OBJECT) && r->p->object)
		slot_get_first_byte(b, bucket, r->p->object);
	if (r->p->identity && !r->identity_asked) {
		slot_identity(b);
		r->identity_asked = 1;
	}
	if (!strcmp(r->p->mode, "export") && !r->p->no_write &&
	    need_kind(r, PROBE_PUT_BAD_DIGEST)) {
		/* Probe objects an earlier check could not remove (Object
		 * Lock): if there is one, no other is written. */
		s = slot_add(b, SLOT_EARLIER, 0, "GET", bucket, NULL);
		s->vid = fmt("%s" PROBE_DIR, r->prefix);
		s3_op_list_objects(&s->op, bucket, s->vid, NULL, NULL,
				   LIST_MAX);
		s->rq = s->op.rq;
	}
	if (need_kind(r, PROBE_LIST_PARTS) && r->p->upload_id &&
	    r->p->upload_key) {
		replace(&r->up_key, xstrdup(r->p->upload_key));
		replace(&r->up_id, xstrdup(r->p->upload_id));
		s = slot_add(b, SLOT_PROBE, PROBE_LIST_PARTS, "GET", bucket,
			     xstrdup(r->up_key));
		slot_query(s, "uploadId", r->up_id);
		slot_query(s, "max-parts", "1");
		r->parts_sent = 1;
	}
	if (batch_send(r, b, err) < 0)
		return -1;
	/* Record what was created even when the round failed: a server that
	 * ignores the digest stored the probe object. */
	if ((s = batch_find(b, SLOT_PROBE, PROBE_PUT_BAD_DIGEST)))
		judge_bad_digest(r, s, result_of(r, PROBE_PUT_BAD_DIGEST));
	if (r->fatal)
		return 0;
	if ((s = batch_find(b, SLOT_PROBE, PROBE_LIST_OBJECTS)))
		judge_list_objects(r, s, result_of(r, PROBE_LIST_OBJECTS));
	if ((s = batch_find(b, SLOT_PROBE, PROBE_LIST_UPLOADS)))
		judge_list_uploads(r, s, result_of(r, PROBE_LIST_UPLOADS));
	if ((s = batch_find(b, SLOT_PROBE, PROBE_BUCKET_LOCATION)))
		judge_location(r, s, result_of(r, PROBE_BUCKET_LOCATION));
	if ((s = batch_find(b, SLOT_PROBE, PROBE_DELETE_VERSION)))
		judge_delete_version(r, s, result_of(r, PROBE_DELETE_VERSION));
	if ((s = batch_find(b, SLOT_PROBE, PROBE_ABORT_UPLOAD)))
		judge_abort(r, s, result_of(r, PROBE_ABORT_UPLOAD));
	if ((s = batch_find(b, SLOT_PROBE, PROBE_GET_OBJECT)))
		judge_get_object(r, s, result_of(r, PROBE_GET_OBJECT));
	if ((s = batch_find(b, SLOT_PROBE, PROBE_LIST_PARTS)))
		judge_list_parts(r, s, result_of(r, PROBE_LIST_PARTS));
	if ((s = batch_find(b, SLOT_IDENTITY, 0)))
		judge_identity(r, s);
	if ((s = batch_find(b, SLOT_EARLIER, 0)) &&
	    s->resp.error_class == S3_OK) {
		struct s3p_error e;

		/* Unreadable: as if none was found (the write is made). */
		(void)s3_parse_list_objects(s->resp.body.data,
					    s->resp.body.len, on_earlier, r,
					    NULL, &e);
	}
	return 0;
}

/* A bucket that requires x-amz-request-payer answers every request
 * without it 403 (AWS and radosgw).  When the listing was refused, ask it
 * once more agreeing to pay (one request, 1 key: a fraction of a cent):
 * allowed means Requester Pays, and the refusals are not missing grants.
 * Only after a refused listing, so never on the path of a granted bucket. */
static int requester_pays(struct run *r, struct batch *b,
			  struct s3p_error *err)
{
	struct probe_result *l = result_of(r, PROBE_LIST_OBJECTS);
	struct slot *s;

	if (r->listed || !l || l->status != PROBE_MISSING)
		return 0;
	s = slot_add(b, SLOT_PAYER, 0, "GET", r->p->bucket, NULL);
	s3_op_list_objects(&s->op, r->p->bucket, r->prefix, NULL, NULL, 1);
	s->rq = s->op.rq;
	s->rq.headers = s->h;
	slot_header(s, "x-amz-request-payer", "requester");
	if (batch_send(r, b, err) < 0)
		return -1;
	if (s->resp.error_class != S3_OK)
		return 0;
	r->rep->requester_pays = 1;
	for (size_t i = 0; i < r->rep->nresults; i++) {
		struct probe_result *x = &r->rep->results[i];

		if (x->status != PROBE_MISSING)
			continue;
		x->status = PROBE_UNKNOWN;
		replace(&x->detail, fmt("the bucket requires Requester Pays: "
			"S3 refuses every request that does not agree to pay "
			"(x-amz-request-payer: requester), whatever the policy; "
			"the customer must disable Requester Pays, or the vendor "
			"must agree to pay"));
	}
	return 0;
}

static int granted(struct run *r, enum probe_kind k)
{
	struct probe_result *res = result_of(r, k);

	return res && res->status == PROBE_GRANTED;
}

static int round2(struct run *r, struct batch *b, struct s3p_error *err)
{
	const char *bucket = r->p->bucket;
	struct probe_result *res;
	struct slot *s;

	res = result_of(r, PROBE_GET_OBJECT);
	if (res && !r->p->object) {
		if (r->obj_key) {
			slot_get_first_byte(b, bucket, r->obj_key);
		} else if (!r->listed) {
			set_unknown(res, fmt("no customer object to read: the "
				"listing that finds one was not allowed (see "
				"s3:ListBucket); name an object with --object "
				"KEY"));
		} else {
			set_unknown(res, fmt("no customer object %s%s%s to "
				"read, and the probe's own objects never prove "
				"s3:GetObject (their writer may read them "
				"through ownership); name one with --object "
				"KEY", r->prefix[0] ? "under '" : "in the bucket",
				r->prefix, r->prefix[0] ? "'" : ""));
			res->no_data = 1;
		}
	}
	res = result_of(r, PROBE_LIST_PARTS);
	if (res && !r->parts_sent) {
		if (r->up_id) {
			s = slot_add(b, SLOT_PROBE, PROBE_LIST_PARTS, "GET",
				     bucket, xstrdup(r->up_key));
			slot_query(s, "uploadId", r->up_id);
			slot_query(s, "max-parts", "1");
		} else if (!r->uploads_listed) {
			set_unknown(res, fmt("no customer upload to list the "
				"parts of: ListMultipartUploads, which finds "
				"one, was not allowed (see "
				"s3:ListBucketMultipartUploads)"));
		} else {
			set_unknown(res, fmt("no customer multipart upload in "
				"progress %s%s%s, and the probe's own upload "
				"never proves s3:ListMultipartUploadParts (its "
				"initiator may list its parts whatever the "
				"policy); name one with --upload-key KEY "
				"--upload-id ID", r->prefix[0] ? "under '" :
				"in the bucket", r->prefix,
				r->prefix[0] ? "'" : ""));
			res->no_data = 1;
		}
	}
	res = result_of(r, PROBE_DELETE_MISSING);
	if (res) {
		if (granted(r, PROBE_DELETE_VERSION)) {
			s = slot_add(b, SLOT_PROBE, PROBE_DELETE_MISSING,
				     "DELETE", bucket, probe_key(r, "delete"));
			/* AWS: a conditional delete of a missing key fails
			 * after the permission check and creates nothing,
			 * also under --no-write and on versioned buckets. */
			slot_header(s, "If-Match", "*");
			/* A retry after a lost answer or a 500 could add a
			 * second delete marker: only a throttled request
			 * (which S3 did not execute) is retried; the others
			 * are looked up instead (cleanup). */
			s->rq.flags = S3_REQ_RETRY_UNEXECUTED;
		} else {
			set_unknown(res, fmt("not probed: a server that ignores "
				"If-Match on DELETE creates a delete marker on a "
				"versioned bucket, which only "
				"s3:DeleteObjectVersion (not proven) could "
				"remove"));
		}
	}
	res = result_of(r, PROBE_PUT_BAD_DIGEST);
	if (res && res->status == PROBE_GRANTED &&
	    res->basis == PROBE_BASIS_NO_WRITE) {
		if (r->p->no_write) {
			replace(&res->detail, fmt("proven without writing "
				"(--no-write); the real write, which also "
				"proves encryption settings work, was not "
				"made"));
		} else if (!granted(r, PROBE_DELETE_VERSION)) {
			replace(&res->detail, fmt("proven without writing; the "
				"real write was not made because without "
				"s3:DeleteObjectVersion it could not be removed "
				"by version id"));
		} else if (r->nearlier) {
			r->rep->earlier_probes = (int)r->nearlier;
			replace(&res->detail, fmt("proven without writing; the "
				"real write was not made because %zu probe "
				"object%s of an earlier check %s still under the "
				"probe prefix (listed as left behind)",
				r->nearlier, r->nearlier == 1 ? "" : "s",
				r->nearlier == 1 ? "is" : "are"));
		} else {
			s = slot_add(b, SLOT_REAL_PUT, PROBE_PUT_BAD_DIGEST,
				     "PUT", bucket, probe_key(r, "object"));
			/* Without Content-MD5 (or a checksum): on a bucket
			 * with default Object Lock retention AWS refuses it
			 * (400 InvalidRequest) and stores nothing, so the
			 * probe never leaves an undeletable object there. */
			slot_header(s, "If-None-Match", "*");
			s->rq.body = PROBE_BODY;
			s->rq.body_len = sizeof(PROBE_BODY) - 1;
			/* If-None-Match: * makes a second run harmless: a
			 * 412 after a 500 says the first one stored it. */
			s->rq.flags = S3_REQ_RETRY_UNEXECUTED |
				      S3_REQ_RETRY_SERVER;
		}
	}
	if (batch_send(r, b, err) < 0)
		return -1;
	/* Record what was created even when the round failed. */
	if ((s = batch_find(b, SLOT_REAL_PUT, 0)))
		judge_real_put(r, s, result_of(r, PROBE_PUT_BAD_DIGEST));
	if ((s = batch_find(b, SLOT_PROBE, PROBE_DELETE_MISSING)))
		judge_delete_missing(r, s, result_of(r, PROBE_DELETE_MISSING));
	if (r->fatal)
		return 0;
	if ((s = batch_find(b, SLOT_PROBE, PROBE_GET_OBJECT)))
		judge_get_object(r, s, result_of(r, PROBE_GET_OBJECT));
	if ((s = batch_find(b, SLOT_PROBE, PROBE_LIST_PARTS)))
		judge_list_parts(r, s, result_of(r, PROBE_LIST_PARTS));
	return 0;
}

/* ---- Cleanup ------------------------------------------------------------ */

static char *removal_command(const struct run *r, const struct created *c)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "aws s3api delete-object --bucket ");
	buf_put_shell_quoted(&b, r->p->bucket);
	buf_puts(&b, " --key ");
	buf_put_shell_quoted(&b, c->key);
	if (c->vid) {
		buf_puts(&b, " --version-id ");
		buf_put_shell_quoted(&b, c->vid);
	}
	if (r->p->endpoint) {
		buf_puts(&b, " --endpoint-url ");
		buf_put_shell_quoted(&b, r->p->endpoint);
	}
	return buf_detach(&b);
}

static void add_left(struct run *r, const char *what, const char *key,
		     const char *vid, char *reason)
{
	struct probe_report *rep = r->rep;
	struct probe_leftover *l;
	struct created c;

	rep->left = xrealloc(rep->left, (rep->nleft + 1) * sizeof(*rep->left));
	l = &rep->left[rep->nleft++];
	memset(l, 0, sizeof(*l));
	l->what = xstrdup(what);
	l->key = xstrdup(key);
	l->version_id = vid ? xstrdup(vid) : NULL;
	memset(&c, 0, sizeof(c));
	c.key = (char *)key;
	c.vid = (char *)vid;
	l->command = removal_command(r, &c);
	l->reason = reason;
}

/* Does an answer blame Object Lock?  AWS: 403 AccessDenied "Access Denied
 * because object protected by object lock." */
static int blames_lock(const struct s3_response *resp)
{
	const char *m = resp->message;

	return strstr(m, "object lock") || strstr(m, "Object Lock") ||
	       strstr(m, "retention") || strstr(m, "legal hold");
}

/* Removals S3 refused: ask the version's Object Lock state (HEAD
 * ?versionId: mode, retain-until date, legal hold) so the report says
 * exactly why it stays.  One more round, only after a refusal. */
static int lock_lookup(struct run *r, struct s3p_error *err)
{
	struct batch b;

	b.n = 0;
	for (size_t i = 0; i < r->ncreated; i++) {
		struct created *c = &r->created[i];
		struct slot *s;

		if (c->done || !c->vid || (c->last.status != 403 &&
					   c->last.status != 400))
			continue;
		s = slot_add(&b, SLOT_LOCK, 0, "HEAD", r->p->bucket,
			     xstrdup(c->key));
		s->vid = xstrdup(c->vid);
		slot_query(s, "versionId", s->vid);
		s->item = i;
	}
	if (!b.n)
		return 0;
	if (batch_send(r, &b, err) < 0) {
		batch_release(&b);
		return -1;
	}
	for (size_t j = 0; j < b.n; j++) {
		struct slot *s = &b.s[j];
		struct created *c = &r->created[s->item];
		const char *mode = s3_response_header(&s->resp,
			"x-amz-object-lock-mode");
		const char *until = s3_response_header(&s->resp,
			"x-amz-object-lock-retain-until-date");
		const char *hold = s3_response_header(&s->resp,
			"x-amz-object-lock-legal-hold");
		int held = hold && !strcmp(hold, "ON");

		if (mode || held)
			c->lock = fmt("protected by Object Lock (%s%s%s%s%s)",
				mode ? mode : "", mode && until ? " until " : "",
				mode && until ? until : "",
				mode && held ? ", " : "",
				held ? "legal hold" : "");
		else if (blames_lock(&c->last))
			c->lock = fmt("protected by Object Lock (S3: %s)",
				      c->last.message);
	}
	batch_release(&b);
	return 0;
}

static int cleanup(struct run *r, struct s3p_error *err)
{
	for (int pass = 0; pass < 2; pass++) {
		struct batch b;
		int any = 0;

		b.n = 0;
		for (size_t i = 0; i < r->ncreated; i++) {
			struct created *c = &r->created[i];
			struct slot *s;

			if (c->done)
				continue;
			if (c->vid) {
				s = slot_add(&b, SLOT_REMOVE, 0, "DELETE",
					     r->p->bucket, xstrdup(c->key));
				s->vid = xstrdup(c->vid);
				slot_query(s, "versionId", s->vid);
			} else if (pass == 0) {
				/* The answer was lost: look for what is
				 * there (a version, or a delete marker). */
				s = slot_add(&b, SLOT_LOOKUP, 0, "HEAD",
					     r->p->bucket, xstrdup(c->key));
			} else {
				continue;
			}
			s->item = i;
			any = 1;
		}
		if (!any)
			break;
		if (batch_send(r, &b, err) < 0) {
			batch_release(&b);
			return -1;
		}
		for (size_t j = 0; j < b.n; j++) {
			struct slot *s = &b.s[j];
			struct created *c = &r->created[s->item];
			const char *vid = s3_response_header(&s->resp,
							     "x-amz-version-id");

			if (s->type == SLOT_LOOKUP) {
				if (vid)
					c->vid = xstrdup(vid);
				else if (s->resp.status == 200)
					c->vid = xstrdup("null");
				else if (s->resp.status == 404)
					c->done = 1;  /* nothing there */
			} else if (s->resp.error_class == S3_OK ||
				   (s->resp.error_class == S3_ERR_NOT_FOUND &&
				    strcmp(s->resp.code, "NoSuchBucket"))) {
				c->done = 1;
			}
			s3_response_release(&c->last);
			c->last = s->resp;
			s->resp = (struct s3_response)S3_RESPONSE_INIT;
		}
		batch_release(&b);
	}
	if (lock_lookup(r, err) < 0)
		return -1;
	for (size_t i = 0; i < r->nearlier; i++)
		add_left(r, "probe object of an earlier check", r->earlier[i],
			 NULL, fmt("found under the probe prefix before "
			 "writing (Object Lock retention or a denied removal "
			 "kept it): no new probe object was written"));
	for (size_t i = 0; i < r->ncreated; i++) {
		struct created *c = &r->created[i];
		struct probe_result *res = result_of(r, c->kind);

		/* Only now is it known whether it was removed. */
		if (res && res->evidence)
			replace(&res->evidence, fmt("%s; the %s %s%s",
				res->evidence, c->what, !c->done ?
				"could not be removed (left behind)" : c->vid ?
				"was removed by version id " : "was not there",
				c->done && c->vid ? c->vid : ""));
		if (c->done)
			continue;
		add_left(r, c->what, c->key, c->vid,
			 c->lock ? xstrdup(c->lock) : NULL);
	}
	return 0;
}

/* ---- Entry -------------------------------------------------------------- */

static int init_results(struct run *r, const struct grant_list *gl)
{
	struct probe_report *rep = r->rep;

	for (int k = 0; k < NKINDS; k++)
		r->idx[k] = -1;
	rep->results = xcalloc(gl->n ? gl->n : 1, sizeof(*rep->results));
	for (size_t i = 0; i < gl->n; i++) {
		struct probe_result *res = &rep->results[rep->nresults++];
		const struct probe_rule *rule = probe_rule_find(
			gl->items[i].action);

		res->action = xstrdup(gl->items[i].action);
		res->resource = xstrdup(gl->items[i].resource);
		res->sid = xstrdup(gl->items[i].sid);
		res->status = PROBE_UNKNOWN;
		res->basis = PROBE_BASIS_NONE;
		if (!rule) {
			res->status = PROBE_SKIPPED;
			res->detail = fmt("no probe is known for %s",
					  res->action);
			continue;
		}
		res->evidence = xstrdup(rule->request);
		res->detail = xstrdup("not probed");
		if (r->idx[rule->kind] < 0)
			r->idx[rule->kind] = (long)i;
	}
	return 0;
}

int probe_run(struct s3_client *c, const struct probe_params *p,
	      struct probe_report *out, struct s3p_error *err)
{
	struct run r;
	struct tpl_params tp;
	struct grant_list gl = { NULL, 0 };
	struct batch *b = NULL;
	const char *region = NULL;
	const char *prefixes[1];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	out->versioned = -1;
	out->bucket = xstrdup(p->bucket);
	out->mode = xstrdup(p->mode);
	out->prefix = p->prefix ? xstrdup(p->prefix) : NULL;
	r.c = c;
	r.p = p;
	r.rep = out;
	r.prefix = p->prefix ? p->prefix : "";

	memset(&tp, 0, sizeof(tp));
	tp.mode = p->mode;
	tp.principal = "arn:aws:iam::000000000000:root";
	tp.partition = p->partition;
	tp.bucket = p->bucket;
	if (p->prefix) {
		prefixes[0] = p->prefix;
		tp.prefixes = prefixes;
		tp.nprefixes = 1;
	}
	tp.templates_dir = p->templates_dir;
	if (template_grants(&tp, &gl, err) < 0)
		return -1;
	init_results(&r, &gl);
	grant_list_release(&gl);

	if (p->token) {
		snprintf(r.token, sizeof(r.token), "%s", p->token);
	} else if (crypto_random_hex(r.token, 8, err) < 0) {
		return -1;
	}
	/* AWS names the bucket's region on HeadBucket whatever the
	 * permissions: one round trip before the probes.  An S3-compatible
	 * endpoint takes the configured region (radosgw accepts any; a
	 * server that names another one gets its requests re-signed by the
	 * S3 layer), which saves the round trips of a lookup that would only
	 * say "default". */
	if (p->identity && p->known_identity) {
		const struct probe_identity *k = p->known_identity;

		out->caller_arn = k->caller_arn ? xstrdup(k->caller_arn) : NULL;
		out->identity_note = k->note ? xstrdup(k->note) : NULL;
		r.identity_asked = 1;
		if (identity_mismatch(&r, err) < 0)
			return -1;
	}
	if (s3_client_is_aws(c)) {
		/* AWS: the identity goes with the region lookup (no extra
		 * round trip), so that other credentials stop the check
		 * before any probe.  Elsewhere it goes in round 1 (which
		 * creates nothing) and a mismatch stops before round 2. */
		struct batch *first = xcalloc(1, sizeof(*first));
		struct slot *s;

		if (s3_client_is_aws(c)) {
			s = slot_add(first, SLOT_REGION, 0, "HEAD", p->bucket,
				     NULL);
			s->rq.flags = S3_REQ_NO_REDIRECT;
		}
		if (p->identity && !r.identity_asked) {
			slot_identity(first);
			r.identity_asked = 1;
		}
		if (batch_send(&r, first, err) < 0) {
			batch_release(first);
			free(first);
			return -1;
		}
		r.rep->rounds = 0;
		r.rep->requests = 0;
		if ((s = batch_find(first, SLOT_REGION, 0)) &&
		    s->resp.region[0])
			s3_client_set_region(c, p->bucket, s->resp.region);
		if ((s = batch_find(first, SLOT_IDENTITY, 0)))
			judge_identity(&r, s);
		batch_release(first);
		free(first);
		if (identity_mismatch(&r, err) < 0)
			return -1;
	}
	if (s3_client_is_aws(c)) {
		if (s3_resolve_region(c, p->bucket, &region, err) < 0)
			return -1;
	} else {
		region = s3_client_region(c, p->bucket);
	}
	out->region = xstrdup(region ? region : "");
	if (!p->partition) {
		/* The ARNs follow the region's partition. */
		tp.partition = probe_partition_of_region(out->region);
		if (strcmp(tp.partition, "aws")) {
			for (size_t i = 0; i < out->nresults; i++) {
				char *arn = out->results[i].resource;
				struct buf nb = BUF_INIT;

				if (strncmp(arn, "arn:aws:", 8))
					continue;
				buf_printf(&nb, "arn:%s:%s", tp.partition,
					   arn + 8);
				replace(&out->results[i].resource,
					buf_detach(&nb));
			}
		}
	}

	b = xcalloc(1, sizeof(*b));
	if (stopped(&r))
		goto clean;
	if (round1(&r, b, err) < 0)
		goto clean_fail;
	batch_release(b);
	if (!r.fatal && identity_mismatch(&r, &r.ferr) < 0) {
		r.fatal = 1;
		goto clean;
	}
	if (!stopped(&r) && requester_pays(&r, b, err) < 0)
		goto clean_fail;
	batch_release(b);
	if (stopped(&r))
		goto clean;
	if (round2(&r, b, err) < 0)
		goto clean_fail;
	batch_release(b);
	(void)stopped(&r);  /* a signal during round 2 still counts */
clean:
	if (cleanup(&r, err) < 0)
		goto out;
	/* A signal during the cleanup (which always runs to its end)
	 * still ends the check as interrupted. */
	(void)stopped(&r);
	if (r.fatal) {
		*err = r.ferr;
		goto out;
	}
	if (out->interrupted) {
		for (size_t i = 0; i < out->nresults; i++)
			if (!strcmp(out->results[i].detail ?
				    out->results[i].detail : "", "not probed"))
				out->results[i].status = PROBE_SKIPPED;
		s3p_error_set(err, S3P_E_S3, "check interrupted%s",
			      out->nleft ? "" : "; everything the probes "
			      "created was removed");
		goto out;
	}
	rc = 0;
	goto out;
clean_fail:
	{
		struct s3p_error e2;

		batch_release(b);
		cleanup(&r, &e2);
	}
out:
	if (b)
		batch_release(b);
	free(b);
	for (size_t i = 0; i < r.ncreated; i++) {
		free(r.created[i].what);
		free(r.created[i].key);
		free(r.created[i].vid);
		free(r.created[i].lock);
		s3_response_release(&r.created[i].last);
	}
	for (size_t i = 0; i < r.nearlier; i++)
		free(r.earlier[i]);
	free(r.earlier);
	free(r.obj_key);
	free(r.up_key);
	free(r.up_id);
	return rc;
}

int probe_report_needs_fix(const struct probe_report *r, int strict)
{
	if (r->nleft)
		return 1;
	for (size_t i = 0; i < r->nresults; i++) {
		const struct probe_result *x = &r->results[i];

		if (x->status == PROBE_MISSING)
			return 1;
		if (x->status == PROBE_UNKNOWN && (strict || !x->no_data))
			return 1;
	}
	return 0;
}

int probe_identity_lookup(struct s3_client *c, struct probe_identity *out,
			  struct s3p_error *err)
{
	struct probe_params p;
	struct probe_report rep;
	struct batch *b = xcalloc(1, sizeof(*b));
	struct run r;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	memset(&rep, 0, sizeof(rep));
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.p = &p;
	r.rep = &rep;
	slot_identity(b);
	rc = batch_send(&r, b, err);
	if (rc == 0) {
		judge_identity(&r, &b->s[0]);
		out->caller_arn = rep.caller_arn;
		out->note = rep.identity_note;
	}
	batch_release(b);
	free(b);
	return rc;
}

void probe_identity_release(struct probe_identity *id)
{
	free(id->caller_arn);
	free(id->note);
	id->caller_arn = NULL;
	id->note = NULL;
}

void probe_report_release(struct probe_report *r)
{
	for (size_t i = 0; i < r->nresults; i++) {
		struct probe_result *x = &r->results[i];

		free(x->action);
		free(x->resource);
		free(x->sid);
		free(x->code);
		free(x->request_id);
		free(x->reason);
		free(x->evidence);
		free(x->detail);
	}
	free(r->results);
	for (size_t i = 0; i < r->nleft; i++) {
		free(r->left[i].what);
		free(r->left[i].key);
		free(r->left[i].version_id);
		free(r->left[i].upload_id);
		free(r->left[i].command);
		free(r->left[i].reason);
	}
	free(r->left);
	for (size_t i = 0; i < r->nkms; i++) {
		free(r->kms[i].key_id);
		free(r->kms[i].where);
	}
	free(r->kms);
	free(r->principal_hint);
	free(r->caller_arn);
	free(r->identity_note);
	free(r->bucket);
	free(r->region);
	free(r->mode);
	free(r->prefix);
	memset(r, 0, sizeof(*r));
}
