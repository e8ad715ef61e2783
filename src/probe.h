/* probe.h - the live check: which signed request proves which grant, in
 * which round, on what precondition, what its answer means, and the
 * cleanup of everything the probes created.
 *
 * The grants to prove come from the templates (template_grants()); this
 * module only knows, per action, HOW it can be proven (probe_rules[]).
 *
 * Rounds, once the bucket's region is known (each round is one batch of
 * concurrent requests, so the critical path is the number of rounds):
 *   1. independent probes that create nothing: ListObjectsV2 (also finds a
 *      customer object), GetBucketLocation, ListMultipartUploads (also
 *      finds a customer upload), PUT with a wrong Content-MD5, DELETE of a
 *      missing key with ?versionId=null, AbortMultipartUpload of a made-up
 *      upload id, and GetObject of --object KEY when given;
 *      (ListParts of --upload-key/--upload-id too);
 *   2. probes that need round 1: GetObject of a customer object found by
 *      listing, ListParts of a customer upload found by listing, a
 *      conditional DELETE (If-Match: *) of a missing key (AWS: 404 or 412
 *      after the permission check, nothing deleted, no delete marker; a
 *      server that ignores the header creates a marker on a versioned
 *      bucket: sent only when s3:DeleteObjectVersion was proven, so the
 *      marker can be removed),
 *      and in export mode without --no-write the real write (a tiny object,
 *      If-None-Match: *, only when s3:PutObject and s3:DeleteObjectVersion
 *      were proven, so it can be removed by its version id);
 *   3. cleanup: every version and delete marker round 2 created, removed by
 *      version id (a 4th round only when an answer was lost and the key
 *      must be looked up first).
 */
#ifndef S3P_PROBE_H
#define S3P_PROBE_H

#include <signal.h>
#include <stddef.h>

#include "error.h"

struct s3_client;

enum probe_status {
	PROBE_GRANTED,
	PROBE_MISSING,
	PROBE_UNKNOWN,
	PROBE_SKIPPED
};

/* What kind of request a verdict rests on. */
enum probe_basis {
	PROBE_BASIS_NONE,       /* no request decided it */
	PROBE_BASIS_READ,       /* a read (list, get) of existing data */
	PROBE_BASIS_NO_WRITE,   /* a request that can store nothing */
	PROBE_BASIS_REAL_WRITE  /* the probe object was written, then removed */
};

enum probe_kind {
	PROBE_LIST_OBJECTS,     /* ListObjectsV2 under the prefix */
	PROBE_BUCKET_LOCATION,  /* GetBucketLocation in the home region */
	PROBE_LIST_UPLOADS,     /* ListMultipartUploads under the prefix */
	PROBE_PUT_BAD_DIGEST,   /* PUT, wrong Content-MD5: 400 BadDigest vs 403 */
	PROBE_DELETE_VERSION,   /* DELETE missing key ?versionId=null: 204 vs 403 */
	PROBE_ABORT_UPLOAD,     /* abort made-up upload id: 404 vs 403 */
	PROBE_GET_OBJECT,       /* GET first byte of a customer object */
	PROBE_LIST_PARTS,       /* ListParts of a customer upload */
	PROBE_DELETE_MISSING    /* DELETE of a missing key: 204 vs 403 */
};

enum probe_need {
	PROBE_NEED_NOTHING,
	PROBE_NEED_CUSTOMER_OBJECT,  /* --object KEY, or one found by listing */
	PROBE_NEED_CUSTOMER_UPLOAD,  /* an in-progress upload found by listing */
	PROBE_NEED_VERSION_DELETE    /* s3:DeleteObjectVersion proven first */
};

/* One line of the probe plan. */
struct probe_rule {
	const char *action;         /* "s3:PutObject" */
	enum probe_kind kind;
	int round;                  /* 1 or 2 */
	enum probe_need need;
	enum probe_basis basis;     /* without the real write */
	const char *request;        /* what is sent, for people */
};

/* The plan, terminated by an entry with action == NULL. */
extern const struct probe_rule probe_rules[];

/* The rule proving `action`, or NULL when no probe is known for it. */
const struct probe_rule *probe_rule_find(const char *action);

struct probe_result {
	char *action;           /* "s3:GetObject" */
	char *resource;         /* "arn:aws:s3:::b/events/" + "*" */
	char *sid;              /* template statement granting it */
	enum probe_status status;
	enum probe_basis basis;
	long http_status;       /* 0: no request decided it */
	char *code;             /* S3 error code, NULL if none */
	char *request_id;       /* NULL if none */
	char *reason;           /* AccessDenied reason given by S3, or NULL */
	char *evidence;         /* the request and its answer, for people */
	char *detail;           /* why (unknown/skipped/missing), KMS notes */
	int no_data;            /* unknown only because the bucket holds
				   nothing to test on (no customer object,
				   no upload in progress): nothing to fix */
};

/* Something the probes created and could not remove. */
struct probe_leftover {
	char *what;             /* "probe object", "delete marker" */
	char *key;
	char *version_id;       /* NULL if not known */
	char *upload_id;        /* NULL if none */
	char *command;          /* the AWS CLI command that removes it */
	char *reason;           /* why it stays: "protected by Object Lock
				   (COMPLIANCE until ...)", or NULL */
};

/* An SSE-KMS key met on the way. */
struct probe_kms {
	char *key_id;           /* key ARN or id; "" when S3 did not say */
	char *where;            /* "object 'events/a.parquet'", "probe write" */
	int denied;             /* a KMS error or KMS AccessDenied was seen */
};

/* Who the credentials are, from one STS GetCallerIdentity: asked once
 * and given to many probe_run() calls (the fleet check), as the same
 * credentials are the same principal for every bucket. */
struct probe_identity {
	char *caller_arn;            /* NULL when not confirmed */
	char *note;                  /* why it could not be, or NULL */
};

struct probe_params {
	const char *bucket;
	const char *mode;            /* "read" | "export" */
	const char *partition;       /* NULL: "aws" */
	const char *prefix;          /* NULL: the whole bucket */
	const char *object;          /* --object KEY, or NULL */
	const char *upload_key;      /* --upload-key / --upload-id: a customer */
	const char *upload_id;       /*   upload for ListParts, or NULL */
	const char *templates_dir;   /* NULL: default search */
	const char *endpoint;        /* for the removal commands; NULL: AWS */
	const char *principal;       /* the principal named (--user,
					--principal), or NULL: the initiator
					of an upload that proves nothing, and
					who the credentials must be */
	int identity;                /* ask STS GetCallerIdentity: on AWS
					with the region lookup; elsewhere in
					round 1, or first when principal is
					named (to stop before probing) */
	const struct probe_identity *known_identity; /* asked already:
					used instead of asking (NULL: ask
					when identity is set) */
	int no_write;
	/* Set asynchronously (SIGINT/SIGTERM): stop probing, clean up. */
	volatile sig_atomic_t *stop;
	/* Fixed probe token for tests (hex); NULL: random. */
	const char *token;
};

struct probe_report {
	char *bucket;
	char *region;
	char *mode;
	char *prefix;                /* NULL: whole bucket */
	struct probe_result *results;
	size_t nresults;
	struct probe_leftover *left;
	size_t nleft;
	struct probe_kms *kms;
	size_t nkms;
	char *principal_hint;        /* principal ARN named by an AccessDenied
					message, or NULL */
	char *caller_arn;            /* the caller's principal from STS (role
					ARN of an assumed-role session), or
					NULL */
	char *identity_note;         /* why it could not be confirmed, NULL */
	int rounds;                  /* request rounds after the region */
	int requests;                /* requests sent (after the region) */
	int wrote;                   /* a real write was made */
	int versioned;               /* -1 unknown, 0 no, 1 yes */
	int interrupted;             /* stopped by p->stop */
	int object_lock_default;     /* the real write was refused for want of
					Content-MD5: default Object Lock
					retention (the write was skipped) */
	int requester_pays;          /* every probe was refused, and a listing
					that agreed to pay (x-amz-request-payer:
					requester) was allowed */
	int earlier_probes;          /* probe objects of earlier checks found
					under the probe prefix (no new write) */
	int conditional_delete_ignored; /* the server answered a DELETE with
					   If-Match: * of a missing key as a
					   plain delete (radosgw 16) */
};

/* Run the check.  Returns 0 with *out filled (verdicts, leftovers), or -1
 * with err set: S3P_E_S3 when S3 could not be checked (authentication,
 * clock, no such bucket, network, TLS, throttling, server errors; the
 * message says which and gives the evidence), S3P_E_USAGE / S3P_E_INPUT
 * for bad parameters or templates.  Interrupted by p->stop: -1 with kind
 * S3P_E_S3 and out->interrupted set.  In every case where probing began,
 * the cleanup ran and out->left lists what could not be removed: release
 * *out with probe_report_release() whatever the return value. */
int probe_run(struct s3_client *c, const struct probe_params *p,
	      struct probe_report *out, struct s3p_error *err);
void probe_report_release(struct probe_report *r);

/* Ask STS GetCallerIdentity once.  An answer that is no identity is a
 * note in *out (as in a report), not an error: -1 only when the request
 * could not be made (err set).  Release with probe_identity_release(). */
int probe_identity_lookup(struct s3_client *c, struct probe_identity *out,
			  struct s3p_error *err);
void probe_identity_release(struct probe_identity *id);

/* The exit rule of check: 1 when something must be fixed (a missing
 * grant, something left behind, an unknown verdict for any other reason
 * than a bucket with nothing to test on -- with strict, any unknown), else
 * 0. */
int probe_report_needs_fix(const struct probe_report *r, int strict);

/* "granted", "missing", "unknown", "skipped". */
const char *probe_status_name(enum probe_status s);
/* "none", "read", "no-write probe", "real write". */
const char *probe_basis_name(enum probe_basis b);

/* The partition of a region name: "aws-cn" for cn-*, "aws-us-gov" for
 * us-gov-*, else "aws". */
const char *probe_partition_of_region(const char *region);

#endif
