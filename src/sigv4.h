/* sigv4.h - AWS Signature Version 4 (signing with the Authorization header).
 *
 * Pure code: no clock, no network, no globals.  The caller gives the date
 * (params.amz_date), the credentials and the exact request it will send;
 * the signer returns what to add to it.  All inputs are borrowed; outputs
 * are allocated and name their free function.  Secret-derived material
 * (the signing key, intermediate HMACs) is wiped after use.
 *
 * S3 usage (header mode):
 *   struct sigv4_header h[] = { {"Host", "bucket.s3.us-east-1.amazonaws.com"},
 *                               {"Range", "bytes=0-9"} };
 *   struct sigv4_request rq = { "GET", "/my key+x.txt", q, nq, h, 2,
 *                               SIGV4_UNSIGNED_PAYLOAD };
 *   struct sigv4_params pa = { "us-east-1", "s3", "20130524T000000Z",
 *                              SIGV4_S3 };
 *   struct sigv4_signed out;
 *   if (sigv4_sign_headers(&rq, &pa, &creds, &out, NULL, err) < 0) ...
 *   for (i = 0; i < out.count; i++) send header out.headers[i];
 *   sigv4_signed_free(&out);
 * and build the URL with sigv4_uri_encode(path, keep_slash=1) and
 * sigv4_canonical_query() so that the request sent is the request signed.
 */
#ifndef S3P_SIGV4_H
#define S3P_SIGV4_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "error.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define SIGV4_EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SIGV4_KEY_LEN 32
#define SIGV4_SIG_HEX_LEN 64          /* plus NUL: char sig[65] */

struct sigv4_credentials {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;    /* NULL or "" if none */
};

/* A request header, as sent.  Every header given is signed (pass only the
 * ones to sign; "Host" is required).  Names are matched case-insensitively;
 * repeated names are joined with ',' in the given order. */
struct sigv4_header {
	const char *name;
	const char *value;
};

/* A query parameter, DECODED (the signer encodes it).  value NULL means
 * the parameter has no '=' (S3 "?uploads"); it is canonicalized as
 * "name=" like an empty value. */
struct sigv4_query_param {
	const char *name;
	const char *value;
};

struct sigv4_request {
	const char *method;           /* "GET", "PUT", ... */
	/* The path, raw and unencoded, e.g. "/bucket/my key+x": encoded
	 * once per RFC 3986 keeping '/', never normalized (the S3 rule; for
	 * other services pass the path as sent, already encoded, and it is
	 * encoded again, which is the "double encoding" they expect).  NULL
	 * or "" means "/". */
	const char *path;
	const struct sigv4_query_param *query;
	size_t query_count;
	const struct sigv4_header *headers;
	size_t header_count;
	/* Last line of the canonical request: hex SHA-256 of the body
	 * (SIGV4_EMPTY_SHA256 for none) or SIGV4_UNSIGNED_PAYLOAD.
	 * Required. */
	const char *payload_hash;
};

enum sigv4_flags {
	/* Header mode: add and sign "x-amz-content-sha256: <payload_hash>"
	 * (S3 requires it).  If the request already has that header, its
	 * value must equal payload_hash. */
	SIGV4_CONTENT_SHA256_HEADER = 1u << 0
};
#define SIGV4_S3 ((unsigned)SIGV4_CONTENT_SHA256_HEADER)

struct sigv4_params {
	const char *region;           /* "us-east-1" */
	const char *service;          /* "s3" */
	const char *amz_date;         /* "YYYYMMDDTHHMMSSZ", from the caller */
	unsigned flags;               /* enum sigv4_flags; SIGV4_S3 for S3 */
};

/* ---- Result of header signing --------------------------------------- */

struct sigv4_out_header {
	const char *name;             /* static string */
	char *value;                  /* malloc'd, freed by sigv4_signed_free */
};

/* Headers to ADD to the request, in this order, each only when it applies:
 * X-Amz-Date (unless the request had it), x-amz-content-sha256 (flag set,
 * request lacks it), X-Amz-Security-Token (token given, request lacks it),
 * Authorization (always, last). */
struct sigv4_signed {
	struct sigv4_out_header headers[4];
	size_t count;
	const char *authorization;    /* points at the Authorization value */
	char signature[SIGV4_SIG_HEX_LEN + 1];
};
/* Wipes the values (they carry the session token) and frees them. */
void sigv4_signed_free(struct sigv4_signed *s);

/* Every intermediate stage, for tests and debugging (contains nothing
 * secret).  Pass NULL when not wanted; otherwise init with SIGV4_TRACE_INIT
 * and free with sigv4_trace_free(). */
struct sigv4_trace {
	struct buf canonical_request;
	struct buf signed_headers;    /* "host;x-amz-date" */
	struct buf credential_scope;  /* "20150830/us-east-1/service/aws4_request" */
	struct buf string_to_sign;
};
#define SIGV4_TRACE_INIT { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT }
void sigv4_trace_free(struct sigv4_trace *t);

/* Sign with the Authorization header.  Fails (err kind S3P_E_INTERNAL or
 * S3P_E_USAGE) on: an Authorization header already present, no Host
 * header, a malformed amz_date, missing credentials/region/service/
 * payload_hash, an X-Amz-Date / x-amz-content-sha256 /
 * X-Amz-Security-Token header that contradicts the parameters.
 * On success fills *out (free with sigv4_signed_free); on failure *out is
 * empty (safe to free). */
int sigv4_sign_headers(const struct sigv4_request *req,
		       const struct sigv4_params *params,
		       const struct sigv4_credentials *creds,
		       struct sigv4_signed *out, struct sigv4_trace *trace,
		       struct s3p_error *err);

/* "scheme://host[:port][/path]" -> *host ("host:port") and *path ("/"
 * when none), both malloc'd.  -1 (nothing allocated) without a host. */
int sigv4_split_url(const char *url, char **host, char **path);

/* The signature of a POST of BODY (LEN bytes) to HOST and PATH for
 * SERVICE in REGION at NOW (the query and JSON APIs: STS, KMS; no
 * x-amz-content-sha256): Host and the EXTRA headers (sent by the caller
 * as they are) are signed, and the headers to add come back as "Name:
 * value" lines in lines[0..*n), at most SIGV4_POST_LINES.  Free them with
 * sigv4_post_lines_free() (they carry the session token). */
#define SIGV4_POST_LINES 4
int sigv4_sign_post(const char *host, const char *path, const char *region,
		    const char *service, time_t now,
		    const struct sigv4_header *extra, size_t nextra,
		    const void *body, size_t len,
		    const struct sigv4_credentials *creds,
		    char *lines[SIGV4_POST_LINES], size_t *n,
		    struct s3p_error *err);
void sigv4_post_lines_free(char *lines[SIGV4_POST_LINES]);

/* ---- Stages, each testable on its own ---------------------------------- */

/* Percent-encode s[0..len) per RFC 3986 (unreserved A-Z a-z 0-9 - . _ ~
 * kept, everything else %XX uppercase, space is %20 never '+'); '/' kept
 * when keep_slash.  Appends to out.  Use keep_slash=1 for S3 paths and 0
 * for query names/values. */
void sigv4_uri_encode(struct buf *out, const char *s, size_t len,
		      int keep_slash);

/* The canonical URI of a path (appended to out): "/" for NULL or "", else
 * the path encoded with keep_slash, never normalized. */
void sigv4_canonical_uri(struct buf *out, const char *path);

/* The canonical query string of the parameters (appended to out): each
 * name and value encoded, sorted by encoded name then encoded value,
 * joined with '&', "name=" for NULL/empty values.  It is also a valid
 * query string to send. */
void sigv4_canonical_query(struct buf *out,
			   const struct sigv4_query_param *q, size_t n);

/* The canonical request of req exactly as given (no header is added):
 * method, canonical URI, canonical query, canonical headers, blank line,
 * signed headers, payload hash, with no final newline.  signed_headers
 * (may be NULL) receives "a;b;c".  Both are appended to.  Fails on a
 * header name that is empty or not a token, or a missing payload hash. */
int sigv4_canonical_request(const struct sigv4_request *req, struct buf *out,
			    struct buf *signed_headers, struct s3p_error *err);

/* "YYYYMMDD/region/service/aws4_request" from amz_date (appended). */
int sigv4_credential_scope(struct buf *out, const char *amz_date,
			   const char *region, const char *service,
			   struct s3p_error *err);

/* "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(creq)>" (appended,
 * no final newline). */
void sigv4_string_to_sign(struct buf *out, const char *amz_date,
			  const char *scope, const char *creq, size_t creq_len);

/* The signing key HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region),
 * service), "aws4_request") into key.  The CALLER must secure_zero(key)
 * after use.  date is "YYYYMMDD" (or an amz_date; its first 8 chars are
 * used). */
int sigv4_signing_key(const char *secret, const char *date,
		      const char *region, const char *service,
		      uint8_t key[SIGV4_KEY_LEN], struct s3p_error *err);

/* hex(HMAC(key, string_to_sign)): 64 lowercase hex chars + NUL. */
void sigv4_signature(const uint8_t key[SIGV4_KEY_LEN], const char *sts,
		     size_t sts_len, char sig[SIGV4_SIG_HEX_LEN + 1]);

#endif
