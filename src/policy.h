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
struct principal;

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

/* The vendor, as merge and remove recognise its statements by meaning.
 *
 * A statement is the vendor's when it is an Allow whose Principal is
 * {"AWS": ...} naming only the vendor: its ARN, and for an account
 * principal the bare account id or the account's root ARN (every form AWS
 * accepts), with or without a Sid.  A statement whose Sid is one of s3perm's
 * (sids) and whose principals are all of the vendor's account is the
 * vendor's too (an older s3perm policy for another user of the vendor).
 * A statement naming the vendor among other principals is "shared". */
struct policy_vendor {
	const struct principal *principal;
	char *const *sids;            /* every Sid of s3perm's templates */
	size_t nsids;
	const struct json_t *mode;    /* the rendered policy of the mode */
	const char *mode_name;        /* "read" */
	const struct json_t *other;   /* the rendered policy of the other
					 mode (NULL: none) */
	const char *other_name;       /* "export" */
};

enum policy_fate {
	POLICY_REPLACED,          /* merge: grants a subset of the mode */
	POLICY_MODE_CHANGED,      /* merge: grants a subset of the other mode
				     (and more than this one): replaced */
	POLICY_KEPT_MORE,         /* merge: grants more than either mode:
				     kept as it is */
	POLICY_SHARED,            /* merge: the vendor among others: kept */
	POLICY_ACCOUNT_WIDE,      /* merge and remove: an Allow for the whole
				     vendor account (its root or id), which
				     the vendor user or role gets too: kept */
	POLICY_REMOVED,           /* remove: the statement taken out */
	POLICY_PRINCIPAL_REMOVED  /* remove: the vendor taken out of the
				     statement's Principal list */
};

/* What merge or remove did to one statement of the current policy. */
struct policy_change {
	size_t index;             /* 0-based, in the current Statement */
	char *sid;                /* NULL when it has none */
	enum policy_fate fate;
	char *detail;             /* POLICY_KEPT_MORE: the first grant beyond
				     the mode ("s3:* on 'arn:aws:s3:::b'");
				     else NULL */
};

struct policy_changes {
	struct policy_change *items;
	size_t n;
};

void policy_changes_release(struct policy_changes *c);

/* Merge: every statement of `current` stays, in order and unchanged,
 * except the vendor's that grant a subset of the mode (or of the other
 * mode: a mode change); the statements of `vendor` are put where the first
 * replaced one was (or appended).  Each (action, resource) of the mode is
 * granted once.  Merging the result again gives the same document.
 * *out is new; *changes (release with policy_changes_release()) says what
 * happened to each vendor or shared statement. */
int policy_merge(struct json_t *current, const struct json_t *vendor,
		 const struct policy_vendor *v, struct json_t **out,
		 struct policy_changes *changes, struct s3p_error *err);

/* Remove the vendor's statements, and the vendor from shared statements'
 * Principal lists.  *out is new (a policy with an empty Statement array
 * when nothing is left).  Statements that grant the vendor through other
 * principals ("*", its account root) are not touched: prove the result
 * with the evaluator. */
int policy_remove(struct json_t *current, const struct policy_vendor *v,
		  struct json_t **out, struct policy_changes *changes,
		  struct s3p_error *err);

/* Does the text mean "the bucket has no policy": empty or whitespace only,
 * or the AWS CLI's NoSuchBucketPolicy error message? */
int policy_text_is_none(const char *text, size_t len);

/* Size of the document as AWS counts it (compact JSON). */
size_t policy_size(const struct json_t *doc);

enum policy_format { POLICY_JSON, POLICY_TERRAFORM, POLICY_CLOUDFORMATION };

int policy_parse_format(const char *s, enum policy_format *out,
			struct s3p_error *err);

/* Print doc in the format; *text is new (free with free()).  The bucket
 * names the Terraform / CloudFormation resource's bucket.  Terraform:
 * `policy = jsonencode({...})` in HCL, the resource named tf_name, or when
 * NULL a name derived from the bucket (policy_tf_name()). */
int policy_format(const struct json_t *doc, enum policy_format fmt,
		  const char *bucket, const char *tf_name, char **text,
		  struct s3p_error *err);

/* The Terraform resource name for a bucket: its name with every character
 * Terraform does not allow in a name turned into '_', prefixed "bucket_"
 * when it starts with a digit.  Into out[size]. */
void policy_tf_name(const char *bucket, char *out, size_t size);

/* Check a --tf-name: a letter or '_', then letters, digits, '_' or '-'. */
int policy_check_tf_name(const char *name, struct s3p_error *err);

#endif
