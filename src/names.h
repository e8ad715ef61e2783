/* names.h - validation of the names users type: bucket, IAM user, account
 * id, partition, region, principal ARN; and the principal a name stands
 * for.  Every check returns 0, or -1 with a usage error saying which rule
 * the value breaks. */
#ifndef S3P_NAMES_H
#define S3P_NAMES_H

#include <stddef.h>
#include "error.h"

#define NAMES_VENDOR_ACCOUNT "999689269917"

int names_check_bucket(const char *bucket, struct s3p_error *err);
int names_check_user(const char *user, struct s3p_error *err);
int names_check_account(const char *account, struct s3p_error *err);
int names_check_partition(const char *partition, struct s3p_error *err);
int names_check_region(const char *region, struct s3p_error *err);

/* A placeholder left from the vendor's documentation (STATSIG_IAM_USER,
 * YOUR_S3_BUCKET, ...) inside s: returns the placeholder, or NULL. */
const char *names_find_placeholder(const char *s);

enum principal_type {
	PRINCIPAL_ACCOUNT,      /* "123456789012" or arn:P:iam::123456789012:root */
	PRINCIPAL_USER,         /* arn:P:iam::ACCOUNT:user/[path/]NAME */
	PRINCIPAL_ROLE,         /* arn:P:iam::ACCOUNT:role/[path/]NAME */
	PRINCIPAL_ASSUMED_ROLE  /* arn:P:sts::ACCOUNT:assumed-role/ROLE/SESSION */
};

struct principal {
	enum principal_type type;
	char partition[16];
	char account[64];       /* 12 digits on AWS; a tenant on RGW */
	char name[512];         /* user or role name (last path element) */
	char arn[1024];         /* canonical ARN ("...:root" for an account) */
};

/* Parse a principal ARN or a 12-digit account id. */
int names_parse_principal(const char *s, struct principal *out,
			  struct s3p_error *err);

/* Build arn:PARTITION:iam::ACCOUNT:user/USER after checking each part. */
int names_user_principal(const char *partition, const char *account,
			 const char *user, struct principal *out,
			 struct s3p_error *err);

/* Validate a --prefix value: a key prefix, without wildcards, policy
 * variables or control characters. */
int names_check_prefix(const char *prefix, struct s3p_error *err);

/* The principal named by --user/--account/--principal/--partition, as
 * every command takes them: --user with --account (default the vendor's),
 * or --principal; *partition_out is the partition of the resource ARNs
 * (--partition, else the principal's). */
int names_resolve_principal(const char *user, const char *account,
			    const char *principal_arn, const char *partition,
			    struct principal *out, const char **partition_out,
			    struct s3p_error *err);

#endif
