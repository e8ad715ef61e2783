/* doctor.h - everything on the customer's side of a bucket that will stop
 * the vendor, judged from the bucket's configuration: the logic of
 * `s3perm doctor`, without sending or printing.
 *
 * The command sends the DOCTOR_NQUERIES configuration reads (doctor_query()
 * names each: the S3 subresource and the permission it needs) in one batch
 * with the customer's credentials, and hands the answers to
 * doctor_evaluate(), which fills one item per concern:
 *
 *   id              from                        judged
 *   region          GetBucketLocation           ok: printed plainly
 *   bucket-policy   GetBucketPolicy             verify's evaluation and lint
 *                                               (with the condition keys a
 *                                               conditional grant depends on:
 *                                               aws:SourceVpce, aws:SourceIp)
 *   encryption      GetBucketEncryption         SSE-KMS keys the vendor
 *                                               needs a key policy for
 *   ownership       GetBucketOwnershipControls  export: BucketOwnerEnforced
 *   object-lock     GetObjectLockConfiguration  export: no default retention
 *   requester-pays  GetBucketRequestPayment     Payer BucketOwner
 *   versioning      GetBucketVersioning +       export: noncurrent versions
 *                   GetBucketLifecycleConf.     expire
 *   public-access   GetPublicAccessBlock        information only: it does not
 *                   (+ the policy's public-     affect a grant to a named
 *                   access findings)            principal
 *
 * An answer that is a refusal (403) makes its item `unknown`, naming the
 * permission; an answer that is not the expected document (radosgw answers
 * GET ?encryption with a bucket listing), or an error such as 501
 * NotImplemented, makes it `unknown`: "this server does not support it".
 * Never a failure of the whole report.
 */
#ifndef S3P_DOCTOR_H
#define S3P_DOCTOR_H

#include <stddef.h>

#include "error.h"
#include "s3.h"
#include "verify.h"

enum doctor_status {
	DOCTOR_OK = 0,
	DOCTOR_UNKNOWN,
	DOCTOR_WARNING,
	DOCTOR_ERROR
};

/* The reads, in the order of the answers doctor_evaluate() takes. */
enum doctor_query_id {
	DQ_LOCATION = 0,
	DQ_POLICY,
	DQ_ENCRYPTION,
	DQ_OWNERSHIP,
	DQ_OBJECT_LOCK,
	DQ_REQUEST_PAYMENT,
	DQ_VERSIONING,
	DQ_LIFECYCLE,
	DQ_PUBLIC_ACCESS,
	DOCTOR_NQUERIES
};

struct doctor_query {
	const char *subresource;     /* "encryption": GET ?encryption */
	const char *operation;       /* "GetBucketEncryption" */
	const char *permission;      /* "s3:GetEncryptionConfiguration" */
};

const struct doctor_query *doctor_query(enum doctor_query_id q);

#define DOCTOR_NITEMS 8

struct doctor_item {
	const char *id;              /* static: "object-lock" */
	enum doctor_status status;
	char *message;               /* what was found and why it matters */
	char *fix;                   /* the exact fix, or NULL */
};

struct doctor_report {
	char *bucket;
	char *region;
	char *mode;
	char *principal;             /* the vendor's ARN */
	struct doctor_item items[DOCTOR_NITEMS];
	size_t nitems;
	int have_policy;             /* policy holds verify's result */
	struct verify_result policy;
};

/* Judge the answers (answers[q] for each enum doctor_query_id; the bodies
 * are only read).  rq is the verify request of the vendor's grants (its
 * bucket names the bucket).  region: the region the client resolved, used
 * when GetBucketLocation was refused.  Fails only on bad parameters (mode,
 * templates: S3P_E_USAGE / S3P_E_INPUT); release *out in every case. */
int doctor_evaluate(const struct verify_request *rq, const char *region,
		    const struct s3_response answers[DOCTOR_NQUERIES],
		    struct doctor_report *out, struct s3p_error *err);

/* The worst status of the items (DOCTOR_OK when all are ok). */
enum doctor_status doctor_worst(const struct doctor_report *r);

/* "ok", "unknown", "warning", "error". */
const char *doctor_status_name(enum doctor_status s);

void doctor_report_release(struct doctor_report *r);

#endif
