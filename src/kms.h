/* kms.h - the one KMS call doctor makes: GetKeyPolicy, to read the key
 * policy of the customer-managed key that encrypts the bucket.
 *
 *   POST / HTTP/1.1                      (https://kms.REGION.amazonaws.com,
 *   X-Amz-Target: TrentService.GetKeyPolicy   or AWS_ENDPOINT_URL_KMS, else
 *   Content-Type: application/x-amz-json-1.1  AWS_ENDPOINT_URL, as the CLI)
 *   {"KeyId": "KEY", "PolicyName": "default"}
 *
 * signed with SigV4 (service "kms", src/sigv4.h) and sent through the HTTP
 * module.  The answer (AWS KMS API reference, GetKeyPolicy) is
 * {"Policy": "<the key policy, JSON text>", "PolicyName": "default"}; an
 * error is {"__type": "...#AccessDeniedException", "message": "..."}.
 * Answers are bounded (KMS_MAX_ANSWER bytes).
 */
#ifndef S3P_KMS_H
#define S3P_KMS_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

struct sigv4_credentials;

/* A key policy is at most 32 KiB; its JSON-escaped answer stays far below
 * this. */
#define KMS_MAX_ANSWER (256u * 1024u)

enum kms_outcome {
	KMS_POLICY = 0,     /* policy holds the key policy text */
	KMS_DENIED,         /* AccessDeniedException: the caller may not
			       call kms:GetKeyPolicy */
	KMS_NOT_KMS,        /* the answer is not a KMS answer */
	KMS_FAILED          /* another KMS error, or no answer */
};

struct kms_answer {
	enum kms_outcome outcome;
	char *policy;          /* KMS_POLICY: the policy text (malloc'd) */
	char detail[256];      /* why, for a message ("NotFoundException:
				  ...", "HTTP 200 with an answer that is not
				  JSON", "connection refused") */
};

void kms_answer_release(struct kms_answer *a);

/* The KMS endpoint for region: AWS_ENDPOINT_URL_KMS, else
 * AWS_ENDPOINT_URL, else https://kms.REGION.amazonaws.com (.com.cn for
 * cn- regions).  Malloc'd. */
char *kms_endpoint(const char *region);

/* The request body of GetKeyPolicy for key (malloc'd JSON text). */
char *kms_get_key_policy_body(const char *key);

/* Judge an HTTP answer (status, body) of GetKeyPolicy into *out (release
 * it in every case). */
void kms_parse_key_policy(long status, const char *body, size_t len,
			  struct kms_answer *out);

/* Send GetKeyPolicy for key to endpoint (kms_endpoint()), signed for
 * region with creds; timeout_ms 0: 30 s.  The outcome is in *out (a
 * transport failure is KMS_FAILED); -1 only when the request could not be
 * built or started (err set). */
int kms_get_key_policy(const char *endpoint, const char *region,
		       const struct sigv4_credentials *creds, const char *key,
		       long timeout_ms, struct kms_answer *out,
		       struct s3p_error *err);

#endif
