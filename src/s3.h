/* s3.h - signed S3 requests: endpoints, addressing, regions, retries,
 * error classes and typed response parsers.
 *
 * ==== API summary (for the check / verify / layout commands) ============
 *
 *   struct creds cr;                      // src/creds.h
 *   if (creds_load(opt_profile, &cr, err) < 0) return cmd_fail(err);
 *   struct s3_config cfg = S3_CONFIG_INIT;
 *   cfg.endpoint = opt_endpoint;          // NULL: env / profile / AWS
 *   cfg.region = opt_region;              // NULL: env / profile / discover
 *   struct s3_client *c;
 *   if (s3_client_new(&cfg, &cr, &c, err) < 0) ...   // copies what it needs
 *   s3_resolve_region(c, bucket, NULL, err);          // optional, see below
 *
 *   // One request (any operation):
 *   struct s3_param q[] = { { "uploads", NULL } };
 *   struct s3_request rq = { .method = "GET", .bucket = b, .query = q,
 *                            .query_count = 1 };
 *   struct s3_response r = S3_RESPONSE_INIT;
 *   if (s3_send(c, &rq, &r, err) < 0) ...  // -1 only for local failures
 *   r.status, r.error_class, r.code, r.message, r.request_id,
 *   s3_response_header(&r, "x-amz-version-id"), r.body.data / r.body.len
 *   s3_response_release(&r);
 *
 *   // A round of independent probes, concurrently:
 *   s3_send_batch(c, reqs, resps, n, err);
 *
 *   // Listing with flat memory (one page at a time, one callback per entry):
 *   char *token = NULL;
 *   do { char *next = NULL;
 *        if (s3_list_objects_page(c, b, "events/", "/", token, 1000,
 *                                 on_entry, ctx, &next, NULL, err) < 0) ..
 *        free(token); token = next; } while (token);
 *
 *   s3_get_bucket_policy(c, b, &text, NULL, err) -> 0 text, 1 no policy
 *   s3_client_free(c); creds_free(&cr);
 *
 * Error model: s3_send*() return -1 only when the request could not be
 * built or sent at all (bad arguments, out of memory).  Every S3 answer and
 * every network failure is a *response*: r.error_class says which kind
 * (S3_OK for 2xx), s3_error_class_explain() says it to a person, and
 * s3_response_describe() gives one line of evidence ("403 AccessDenied,
 * request id X").  The convenience functions (list, policy, location)
 * return -1 with err (kind S3P_E_S3) on any non-2xx and, when `resp` is
 * given, leave the answer there as evidence.
 *
 * Requests are retried per the client's policy (attempts, backoff with
 * jitter, skew correction, one region redirect) inside s3_send*(); the
 * response is the last attempt's.  Nothing here prints: a verbose callback
 * sees each attempt (never headers, never secrets).
 * ==========================================================================
 */
#ifndef S3P_S3_H
#define S3P_S3_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "creds.h"
#include "error.h"
#include "http.h"

/* ---- Configuration --------------------------------------------------- */

/* The transport seam: performs n wire exchanges (see http.h).  Default: a
 * libcurl multi client.  Tests pass a fake that answers from records. */
struct s3_transport {
	void *ctx;
	int (*perform)(void *ctx, struct http_exchange *ex, size_t n,
		       struct s3p_error *err);
};

/* One request attempt, for --verbose.  Never headers, never secrets. */
struct s3_trace_event {
	const char *method;
	const char *host;
	const char *path_query;     /* as sent, encoded */
	const char *region;         /* signed for */
	int attempt;                /* 1, 2, ... */
	long status;                /* 0: no HTTP answer */
	const char *code;           /* S3 error code or "" */
	const char *request_id;     /* "" if none */
	const char *transport_error;/* "" if none */
	long elapsed_ms;
	unsigned backoff_ms;        /* delay before the next attempt, 0 if none */
};

struct s3_config {
	const char *endpoint;   /* "http://127.0.0.1:8000", NULL: AWS_ENDPOINT_URL_S3,
				   AWS_ENDPOINT_URL, profile endpoint_url, else AWS */
	const char *region;     /* NULL: AWS_REGION, AWS_DEFAULT_REGION, profile
				   region, else us-east-1 until discovered */
	int path_style;         /* -1 auto (path style for custom endpoints and
				   dotted names), 0 virtual-hosted, 1 path */
	int timeout_seconds;    /* per attempt; 0: 30 */
	int max_attempts;       /* 0: 3 */
	int max_concurrency;    /* 0: 16 */
	const char *ca_bundle;  /* NULL: AWS_CA_BUNDLE, else system */
	/* Verbose: called once per attempt. */
	void (*verbose)(void *ctx, const struct s3_trace_event *ev);
	void *verbose_ctx;
	/* Seams (NULL: real ones). */
	const struct s3_transport *transport;
	time_t (*now)(void *ctx);               /* wall clock, seconds */
	void (*sleep_ms)(void *ctx, unsigned ms); /* backoff sleeps */
	void *clock_ctx;
	unsigned backoff_base_ms;  /* 0: 200 */
	unsigned backoff_cap_ms;   /* 0: 5000 */
	/* Bytes of answer bodies one s3_send_batch() may hold at once,
	 * whatever the server sends; 0: S3_MEMORY_BUDGET. */
	size_t memory_budget;
	/* Temporary credentials (creds->expiration set): called when a
	 * request is signed less than CREDS_REFRESH_BEFORE seconds before
	 * the expiry, to fill *out with credentials newer than those
	 * expiring at `expiring` (creds_load again, or a copy of what another
	 * client just loaded); if it fails the old ones are used while they
	 * last.  May be called from several threads.  NULL: never. */
	int (*refresh)(void *ctx, time_t expiring, struct creds *out,
		       struct s3p_error *err);
	void *refresh_ctx;
	/* AWS host names: 1 = FIPS (s3-fips.), dual-stack (.dualstack.);
	 * -1: from creds (use_fips_endpoint / use_dualstack_endpoint). */
	int fips;
	int dualstack;
	/* Run the requests in this HTTP hub (borrowed, outlives the client;
	 * see http.h): clients in several threads then share one connection
	 * pool, and each S3 endpoint (the host without the bucket label) is
	 * capped at the hub's per_host requests in flight.  NULL: the
	 * client's own connections.  Ignored with a transport seam. */
	struct http_hub *hub;
};

#define S3_CONFIG_INIT { NULL, NULL, -1, 0, 0, 0, NULL, NULL, NULL, \
			 NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, -1, -1, \
			 NULL }

/* What one batch may hold in answer bodies (the process stays far below
 * 64 MiB whatever the server sends), and the cap of one listing answer:
 * 1,000 keys of at most 1,024 bytes, each url-encoded (3 bytes a byte at
 * worst), with their elements, fit in 4 MiB. */
#define S3_MEMORY_BUDGET (16u * 1024u * 1024u)
#define S3_LIST_MAX_BODY (4u * 1024u * 1024u)
/* A listing that needs more pages than this is not believed. */
#define S3_LIST_MAX_PAGES 100000

struct s3_client;

/* Create a client.  cfg strings and creds are copied (the caller may free
 * them afterwards).  Fails on a malformed endpoint or region (S3P_E_USAGE)
 * or when the transport cannot start.  Free with s3_client_free(). */
int s3_client_new(const struct s3_config *cfg, const struct creds *creds,
		  struct s3_client **out, struct s3p_error *err);
void s3_client_free(struct s3_client *c);  /* wipes the secrets */

/* The region requests for `bucket` are signed for now (the configured one
 * until s3_resolve_region() or a redirect taught otherwise).  Borrowed,
 * valid until the next call on c. */
const char *s3_client_region(const struct s3_client *c, const char *bucket);
/* Forget every bucket's learnt region (a long-lived client checking many
 * buckets keeps its memory flat this way). */
void s3_client_forget_regions(struct s3_client *c);
/* A pause shared by clients that talk to the same S3 (the fleet check's
 * workers): when one of them is throttled (SlowDown, 503, 429, ...), every
 * client sharing it waits out that backoff before its next attempt, so a
 * throttled fleet slows down as a whole instead of each worker hammering
 * on.  Thread-safe.  Free with s3_throttle_free() after the clients. */
struct s3_throttle;
struct s3_throttle *s3_throttle_new(void);
void s3_throttle_free(struct s3_throttle *t);
/* Share t (borrowed; NULL: none) with c. */
void s3_client_set_throttle(struct s3_client *c, struct s3_throttle *t);
/* How many throttled answers t was told of. */
unsigned long s3_throttle_count(const struct s3_throttle *t);
/* "https://s3.eu-west-1.amazonaws.com" or the custom endpoint. */
const char *s3_client_endpoint(const struct s3_client *c);
/* Remember bucket's region (as s3_resolve_region() would), e.g. from the
 * x-amz-bucket-region of a HeadBucket sent in a batch, or a hint the fleet
 * manifest gives (a wrong one is corrected by the usual redirect); an
 * invalid region name is ignored. */
void s3_client_set_region(struct s3_client *c, const char *bucket,
			  const char *region);
int s3_client_is_aws(const struct s3_client *c);

/* The client's credentials, for a signed call to another AWS service
 * (doctor's KMS GetKeyPolicy).  Borrowed, valid until the next call on c;
 * never print them. */
struct sigv4_credentials;
const struct sigv4_credentials *s3_client_credentials(
	const struct s3_client *c);

/* ---- Requests and responses ----------------------------------------- */

struct s3_param {
	const char *name;
	const char *value;      /* raw (unencoded); NULL for "?uploads" */
};

enum s3_request_flags {
	S3_REQ_UNSIGNED_PAYLOAD = 1u << 0, /* x-amz-content-sha256: UNSIGNED-PAYLOAD */
	S3_REQ_NO_RETRY = 1u << 1,         /* exactly one attempt (no redirect
					      following, no skew retry) */
	S3_REQ_NO_REDIRECT = 1u << 2,      /* do not follow a region redirect */
	/* A write that must not run twice: retried only when S3 certainly
	 * did not execute it (throttled: 503 SlowDown / 429, or no
	 * connection).  With S3_REQ_RETRY_SERVER also after a 500 / 503
	 * (for a request that a second run cannot repeat, such as a PUT
	 * with If-None-Match: *); the response's prior_status then says
	 * that an earlier attempt may have taken effect. */
	S3_REQ_RETRY_UNEXECUTED = 1u << 3,
	S3_REQ_RETRY_SERVER = 1u << 4,
	/* A body longer than max_body is no error: its first max_body bytes
	 * are kept, the rest is not read (body_cut set).  For a ranged GET
	 * a server may answer with the whole object. */
	S3_REQ_STOP_AT_MAX = 1u << 5
};

struct s3_request {
	const char *method;     /* "GET", "HEAD", "PUT", "POST", "DELETE" */
	const char *bucket;     /* NULL: the service (ListBuckets) */
	const char *key;        /* raw object key, NULL: bucket-level */
	const struct s3_param *query;   /* raw name/value pairs */
	size_t query_count;
	const struct s3_param *headers; /* extra headers, all signed
					   ("If-None-Match", "Content-MD5",
					   "Range", ...) */
	size_t header_count;
	const void *body;
	size_t body_len;
	unsigned flags;         /* enum s3_request_flags */
	const char *service;    /* NULL: S3; "sts": STS of the client's
				   region (bucket and key must be NULL) */
	size_t max_body;        /* response body cap; 0: 1 MiB
				   (HTTP_DEFAULT_MAX_BODY) */
};

enum s3_error_class {
	S3_OK = 0,            /* 2xx (and 304) */
	S3_ERR_PERMISSION,    /* AccessDenied, AllAccessDisabled, 403 without code */
	S3_ERR_AUTH,          /* InvalidAccessKeyId, SignatureDoesNotMatch,
				 ExpiredToken, InvalidToken, TokenRefreshRequired,
				 AuthorizationHeaderMalformed without region */
	S3_ERR_CLOCK_SKEW,    /* RequestTimeTooSkewed (after correction failed) */
	S3_ERR_NOT_FOUND,     /* NoSuchBucket, NoSuchKey, NoSuchUpload, 404 */
	S3_ERR_WRONG_REGION,  /* 301 PermanentRedirect, 307, region mismatch,
				 naming a region other than the signed one */
	S3_ERR_THROTTLED,     /* SlowDown, 429, Throttling, RequestLimitExceeded */
	S3_ERR_SERVER,        /* 5xx, InternalError */
	S3_ERR_NETWORK,       /* DNS, refused, reset, timeout */
	S3_ERR_TLS,           /* certificate / handshake */
	S3_ERR_MALFORMED,     /* unparseable / truncated / oversized answer */
	S3_ERR_KMS,           /* KMS.* codes, AccessDenied naming KMS */
	S3_ERR_PRECONDITION,  /* 412 PreconditionFailed */
	S3_ERR_BAD_DIGEST,    /* 400 BadDigest / InvalidDigest */
	S3_ERR_OTHER,         /* any other 4xx */
	S3_ERR_REDIRECT       /* 3xx to another host without naming another
				 region (Location / Endpoint) */
};

/* "permission", "authentication", ... (stable, used in JSON). */
const char *s3_error_class_name(enum s3_error_class c);
/* One line for a person: "the credentials are valid but the policy does
 * not allow this request". */
const char *s3_error_class_explain(enum s3_error_class c);

struct s3_response {
	long status;              /* HTTP status; 0: no HTTP answer */
	enum s3_error_class error_class;
	char code[64];            /* S3 <Code>, "" if none (HEAD has no body) */
	char message[512];        /* S3 <Message> (AccessDenied reason), "" */
	char request_id[128];     /* x-amz-request-id or <RequestId> */
	char region[64];          /* x-amz-bucket-region or <Region>, "" */
	char transport_error[256];/* network/TLS/malformed detail, "" */
	int attempts;             /* attempts made */
	long prior_status;        /* status of the attempt before the last
				     (0: none, or no answer) */
	int body_cut;             /* S3_REQ_STOP_AT_MAX: the body was longer
				     than max_body, reading stopped */
	int deferred;             /* not answered: the batch's answers were
				     too large to hold at once (memory
				     budget); send it again */
	struct buf body;          /* raw body (2xx: the payload to parse) */
	/* private: response headers */
	struct http_header *headers;
	size_t header_count;
};

#define S3_RESPONSE_INIT { 0, S3_OK, "", "", "", "", "", 0, 0, 0, 0, \
			   BUF_INIT, NULL, 0 }

/* Response header (case-insensitive name), or NULL.  Borrowed. */
const char *s3_response_header(const struct s3_response *r, const char *name);
/* Free the body and headers; *r becomes S3_RESPONSE_INIT. */
void s3_response_release(struct s3_response *r);
/* One line of evidence into out: "403 AccessDenied (request id X): msg",
 * "network: connection refused (...)". */
void s3_response_describe(const struct s3_response *r, char *out,
			  size_t size);
/* Cause and fix of a failed answer, for a person: s3_error_class_explain()
 * refined by the S3 code (ExpiredToken, InvalidAccessKeyId,
 * SignatureDoesNotMatch, NoSuchBucket... each have their own).  Static. */
const char *s3_response_explain(const struct s3_response *r);
/* The error of a failed answer to `op` on bucket (and prefix, may be
 * NULL), phrased the same way by every command:
 *   "no such bucket 'B' (404 NoSuchBucket, request id X): ..." or
 *   "cannot <op> 'B/prefix': <evidence> (<explanation>)".
 * Returns -1 (kind S3P_E_S3). */
int s3_fail(struct s3p_error *err, const struct s3_response *r,
	    const char *op, const char *bucket, const char *prefix);

/* Send one request (retries included).  *resp must be S3_RESPONSE_INIT or
 * released; it is filled in every case where 0 is returned. */
int s3_send(struct s3_client *c, const struct s3_request *req,
	    struct s3_response *resp, struct s3p_error *err);

/* Send n independent requests concurrently over one connection pool and
 * return when all are done; resps[i] answers reqs[i]. */
int s3_send_batch(struct s3_client *c, const struct s3_request *reqs,
		  struct s3_response *resps, size_t n, struct s3p_error *err);

/* ---- Regions ---------------------------------------------------------- */

/* Find the bucket's region and remember it for later requests: HeadBucket
 * (x-amz-bucket-region, whatever the status), following one 301 / 400
 * AuthorizationHeaderMalformed; falls back to the configured region when
 * the server names none (radosgw).  region_out (may be NULL) receives it,
 * borrowed until c is freed.  Fails (S3P_E_S3) only on network / auth
 * errors, never on a 403. */
int s3_resolve_region(struct s3_client *c, const char *bucket,
		      const char **region_out, struct s3p_error *err);

/* Map a LocationConstraint to a region: "" -> us-east-1, "EU" ->
 * eu-west-1; anything else unchanged ("default" stays "default"). */
const char *s3_location_to_region(const char *constraint);

/* ---- Typed operations -------------------------------------------------- */

/* An entry of a listing, borrowed for the duration of the callback. */
struct s3_list_entry {
	int is_prefix;          /* 1: a CommonPrefixes entry (only key set) */
	const char *key;
	uint64_t size;
	const char *etag;       /* with its quotes, as sent */
	const char *last_modified;
	const char *storage_class;
	/* ListObjectVersions only: */
	const char *version_id;
	int is_latest;
	int is_delete_marker;
	/* Non-NULL: the key cannot be used as a name (it holds a NUL byte,
	 * sent as %00); `key` is then its encoded form as sent, and this
	 * says why.  One finding for the caller, never the end of a run. */
	const char *problem;
};
/* Return 0 to go on, nonzero to stop (the listing returns that value). */
typedef int (*s3_list_cb)(void *ctx, const struct s3_list_entry *e);

struct s3_list_page {
	int is_truncated;
	char *next_token;        /* NextContinuationToken, malloc'd or NULL */
	char *next_key_marker;   /* versions / uploads, malloc'd or NULL */
	char *next_version_marker;/* versions; uploads: NextUploadIdMarker */
	size_t count;            /* entries delivered */
};
void s3_list_page_release(struct s3_list_page *p);

/* ---- Request builders: one per operation, used by the single calls
 * below and by callers that send the request themselves in a batch, so
 * that the copies cannot drift.  Listings always ask encoding-type=url
 * and cap the answer at S3_LIST_MAX_BODY.  op->rq points into *op: build
 * it where it stays until the request is sent (no copy of *op). */
struct s3_op {
	struct s3_request rq;
	struct s3_param q[8];
	char num[24];
};

/* GET ?list-type=2 (prefix, delimiter, token may be NULL; max_keys 0:
 * server default). */
void s3_op_list_objects(struct s3_op *op, const char *bucket,
			const char *prefix, const char *delimiter,
			const char *token, int max_keys);
/* Add start-after=KEY to a request of s3_op_list_objects() without a
 * continuation token: the listing begins after KEY. */
void s3_op_list_objects_after(struct s3_op *op, const char *key);
/* STS GetCallerIdentity (GET ?Action=GetCallerIdentity, signed for
 * "sts" in the client's region: its partition). */
void s3_op_get_caller_identity(struct s3_op *op);

struct s3_caller {
	char arn[512];          /* as STS says it */
	char account[32];
	char principal[512];    /* what a bucket policy names: the role ARN
				   (arn:P:iam::A:role/NAME) of an assumed-role
				   session, else arn */
};
/* <GetCallerIdentityResponse>: 0, or -1 (S3P_E_S3, malformed). */
int s3_parse_caller_identity(const char *body, size_t len,
			     struct s3_caller *out, struct s3p_error *err);
/* arn:P:sts::A:assumed-role/R/S -> arn:P:iam::A:role/R (a role's path is
 * not in the session ARN); any other ARN unchanged. */
void s3_caller_principal(const char *arn, char *out, size_t size);

/* GET ?uploads (prefix and markers may be NULL; max 0: default). */
void s3_op_list_uploads(struct s3_op *op, const char *bucket,
			const char *prefix, const char *key_marker,
			const char *upload_id_marker, int max_uploads);

/* Read the answer to s3_op_list_objects(): a failure (s3_fail(), naming
 * bucket and prefix), a malformed body (the same), or the entries to cb
 * and *page filled (release it).  A truncated answer without
 * NextContinuationToken is an error. */
int s3_list_objects_answer(struct s3_response *r, const char *bucket,
			   const char *prefix, s3_list_cb cb, void *ctx,
			   struct s3_list_page *page, struct s3p_error *err);

/* Bounds a paged listing against a server that never ends it: call after
 * each page with the token it gave (NULL: the last page).  -1 (S3P_E_S3,
 * naming bucket and prefix) when the token repeats the one before, or the
 * listing passes S3_LIST_MAX_PAGES pages. */
struct s3_list_guard {
	char *last_token;
	size_t pages;
};
int s3_list_guard_next(struct s3_list_guard *g, const char *bucket,
		       const char *prefix, const char *next_token,
		       struct s3p_error *err);
void s3_list_guard_release(struct s3_list_guard *g);

/* ListObjectsV2, one page, asked with encoding-type=url (a key may hold
 * characters XML 1.0 cannot carry); keys reach the callback decoded.
 * prefix, delimiter, token may be NULL;
 * max_keys 0: server default (1000).  *next_token receives the
 * continuation token (malloc'd, free()) or NULL on the last page.
 * Returns 0, the callback's nonzero value, or -1 (err; resp keeps the
 * answer if given). */
int s3_list_objects_page(struct s3_client *c, const char *bucket,
			 const char *prefix, const char *delimiter,
			 const char *token, int max_keys, s3_list_cb cb,
			 void *ctx, char **next_token,
			 struct s3_response *resp, struct s3p_error *err);

/* An in-progress multipart upload or a part, borrowed during the callback. */
struct s3_upload {
	const char *key;
	const char *upload_id;
	const char *initiator_id;   /* Initiator/ID (ARN on AWS) */
	const char *initiated;
	const char *problem;        /* as in s3_list_entry */
};
typedef int (*s3_upload_cb)(void *ctx, const struct s3_upload *u);

struct s3_part {
	int part_number;
	uint64_t size;
	const char *etag;
};
typedef int (*s3_part_cb)(void *ctx, const struct s3_part *p);

/* ListMultipartUploads, one page (prefix / markers may be NULL). */
int s3_list_uploads_page(struct s3_client *c, const char *bucket,
			 const char *prefix, const char *key_marker,
			 const char *upload_id_marker, int max_uploads,
			 s3_upload_cb cb, void *ctx, struct s3_list_page *page,
			 struct s3_response *resp, struct s3p_error *err);

/* GetBucketPolicy.  Returns 0 and *text (malloc'd JSON, free()), 1 when
 * the bucket has no policy (NoSuchBucketPolicy; *text NULL), -1 on any
 * other answer. */
int s3_get_bucket_policy(struct s3_client *c, const char *bucket,
			 char **text, struct s3_response *resp,
			 struct s3p_error *err);

/* GET ?SUBRESOURCE of a bucket ("location", "policy", "encryption",
 * "ownershipControls", "object-lock", "requestPayment", "versioning",
 * "lifecycle"): the bucket configuration reads, for a batch.  The answer is
 * cut at S3_CONFIG_MAX_BODY (body_cut set): no configuration document is
 * larger, and a server that answers with something else is not read to
 * the end. */
#define S3_CONFIG_MAX_BODY (1024 * 1024)
void s3_op_bucket_config(struct s3_op *op, const char *bucket,
			 const char *subresource);

/* GetBucketLocation: the region (mapped by s3_location_to_region) into
 * out[size]. */
int s3_get_bucket_location(struct s3_client *c, const char *bucket,
			   char *out, size_t size, struct s3_response *resp,
			   struct s3p_error *err);

/* ---- Parsers of response bodies (pure; used by the above, offered for
 * callers that send the raw request themselves with s3_send). All return 0,
 * a callback's nonzero value, or -1 (S3P_E_S3, "malformed ...").
 * A listing body with an unexpected root element is malformed.  When the
 * body says <EncodingType>url</EncodingType>, keys, common prefixes and key
 * markers are percent-decoded ('+' is a space) before they are delivered;
 * continuation tokens and upload ids are passed as sent. */

/* <Error>: Code, Message, RequestId, Region into the response fields. */
int s3_parse_error(const char *body, size_t len, struct s3_response *r,
		   struct s3p_error *err);
int s3_parse_list_objects(const char *body, size_t len, s3_list_cb cb,
			  void *ctx, struct s3_list_page *page,
			  struct s3p_error *err);
int s3_parse_list_versions(const char *body, size_t len, s3_list_cb cb,
			   void *ctx, struct s3_list_page *page,
			   struct s3p_error *err);
/* ListMultipartUploads: page->next_key_marker / next_version_marker
 * receive NextKeyMarker / NextUploadIdMarker.  For an answer to
 * s3_op_list_uploads() (encoding-type=url asked): radosgw 16 encodes the
 * upload keys without echoing <EncodingType>, so a key that looks
 * percent-encoded (only unreserved characters and at least one %XX) is
 * decoded too. */
int s3_parse_list_uploads(const char *body, size_t len, s3_upload_cb cb,
			  void *ctx, struct s3_list_page *page,
			  struct s3p_error *err);
/* ListParts: page->next_token receives NextPartNumberMarker. */
int s3_parse_list_parts(const char *body, size_t len, s3_part_cb cb,
			void *ctx, struct s3_list_page *page,
			struct s3p_error *err);
/* InitiateMultipartUploadResult: *upload_id malloc'd, free(). */
int s3_parse_initiate_multipart(const char *body, size_t len,
				char **upload_id, struct s3p_error *err);
/* LocationConstraint (raw, not mapped) into out[size]. */
int s3_parse_location(const char *body, size_t len, char *out, size_t size,
		      struct s3p_error *err);

/* ---- Helpers ---------------------------------------------------------- */

/* Classify a finished exchange's status + code (used by s3_send; exposed
 * for tests). */
enum s3_error_class s3_classify(long status, const char *code,
				const char *message);

/* Parse an HTTP date (RFC 1123 "Sun, 06 Nov 1994 08:49:37 GMT") or ISO 8601
 * ("2015-08-30T12:36:00Z" / ".000Z") into *t (UTC).  -1 if malformed. */
int s3_parse_http_date(const char *s, time_t *t);

/* ---- Bucket policy writes (apply) ------------------------------------ */

/* PutBucketPolicy with the policy text (sent as is, with Content-MD5).
 * 0, or -1 on any other answer than 2xx (resp holds it: MalformedPolicy's
 * message is in resp->message). */
int s3_put_bucket_policy(struct s3_client *c, const char *bucket,
			 const char *text, size_t len,
			 struct s3_response *resp, struct s3p_error *err);

/* DeleteBucketPolicy.  0 (also when there was none: S3 answers 204), or
 * -1 on any other answer. */
int s3_delete_bucket_policy(struct s3_client *c, const char *bucket,
			    struct s3_response *resp, struct s3p_error *err);

#endif
