/* policy.h - bucket-policy documents: parse, merge the vendor's statements
 * into a customer's policy, remove them, measure, and print in the formats
 * users paste (JSON, Terraform, CloudFormation).
 *
 * Documents are Jansson values (struct json_t); every function that
 * returns one returns a new reference, freed with json_decref().
 */
#ifndef S3P_POLICY_H
#define S3P_POLICY_H

#include <stddef.h>
#include "error.h"

struct json_t;

/* AWS's limit for a bucket policy, counted without insignificant
 * whitespace. */
#define POLICY_MAX_BYTES 20480

/* Parse JSON text that must be an object, as policy_parse does before
 * looking inside (same messages); *out is new.  For callers that judge
 * the contents themselves (verify). */
int policy_parse_object(const char *text, size_t len, const char *name,
			struct json_t **out, struct s3p_error *err);

/* The policy text inside the whole answer of `aws s3api get-bucket-policy`
 * ({"Policy": "<policy JSON>"}, no Statement), borrowed from doc; NULL when
 * doc is not such an answer. */
const char *policy_wrapped_text(const struct json_t *doc);

/* Parse a policy document from text.  `name` names the source in messages
 * ("current.json", "standard input").  Errors (kind S3P_E_INPUT) give line
 * and column for broken JSON, and say when the document is not an object or
 * has no Statement (an object or an array).  *out is new. */
int policy_parse(const char *text, size_t len, const char *name,
		 struct json_t **out, struct s3p_error *err);

/* Read a whole file ("-" = standard input) into *text (free with free()). */
int policy_read_file(const char *path, char **text, size_t *len,
		     struct s3p_error *err);

/* The Statement of a policy as an array (a single statement object is
 * wrapped).  Borrowed from doc, which is changed in place if wrapped. */
struct json_t *policy_statements(struct json_t *doc);

/* Merge: every statement of `current` stays, in order and unchanged; the
 * statements whose Sid is one of vendor_sids are removed and the
 * statements of `vendor` are put where the first of them was (or appended).
 * Merging the result again gives the same document.  *out is new. */
int policy_merge(struct json_t *current, const struct json_t *vendor,
		 char *const *vendor_sids, size_t nsids,
		 struct json_t **out, struct s3p_error *err);

/* Remove the statements whose Sid is one of vendor_sids; *removed counts
 * them.  *out is new (a policy with an empty Statement array when nothing
 * is left). */
int policy_remove(struct json_t *current, char *const *vendor_sids,
		  size_t nsids, struct json_t **out, size_t *removed,
		  struct s3p_error *err);

/* Size of the document as AWS counts it (compact JSON). */
size_t policy_size(const struct json_t *doc);

enum policy_format { POLICY_JSON, POLICY_TERRAFORM, POLICY_CLOUDFORMATION };

int policy_parse_format(const char *s, enum policy_format *out,
			struct s3p_error *err);

/* Print doc in the format; *text is new (free with free()).  The bucket
 * names the Terraform / CloudFormation resource's bucket. */
int policy_format(const struct json_t *doc, enum policy_format fmt,
		  const char *bucket, char **text, struct s3p_error *err);

#endif
