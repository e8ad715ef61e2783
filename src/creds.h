/* creds.h - AWS credentials and settings, found the way the AWS CLI finds
 * them.
 *
 * Precedence (as the AWS CLI / botocore):
 *   1. an explicit profile (the `profile` argument, i.e. --profile): only
 *      that profile is used, the environment's keys are ignored;
 *   2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) from
 *      the environment (one without the other is an error);
 *   3. the profile AWS_PROFILE names, else "default": first the shared
 *      credentials file (AWS_SHARED_CREDENTIALS_FILE, default
 *      ~/.aws/credentials, sections [NAME]), then the config file
 *      (AWS_CONFIG_FILE, default ~/.aws/config, sections [profile NAME]
 *      and [default]).
 * The region comes from the config file's profile section ("region"); the
 * environment's AWS_REGION / AWS_DEFAULT_REGION win over it (see
 * creds_env_region()).  A named profile that exists in neither file, a
 * half-set pair, or no credentials at all is an error (S3P_E_S3) that says
 * where it looked.  Secrets are never put in error messages.
 */
#ifndef S3P_CREDS_H
#define S3P_CREDS_H

#include "error.h"

struct creds {
	char *access_key_id;     /* never NULL after a successful load */
	char *secret_access_key; /* secret: never print */
	char *session_token;     /* secret; NULL when none */
	char *region;            /* profile's region, or NULL */
	char *endpoint_url;      /* profile's endpoint_url, or NULL */
	char *profile;           /* profile used, NULL for the environment */
	char *source;            /* for messages: "environment" or
				    "profile 'x' in '/home/u/.aws/credentials'" */
};

/* Find credentials.  profile: the --profile value or NULL.  On success
 * fills *out (free with creds_free); on failure *out is zeroed. */
int creds_load(const char *profile, struct creds *out, struct s3p_error *err);

/* Wipe the secrets and free everything; *c is zeroed. NULL-safe. */
void creds_free(struct creds *c);

/* The settings the AWS CLI takes from the environment (borrowed from
 * getenv, NULL when unset or empty):
 *   creds_env_region():   AWS_REGION, else AWS_DEFAULT_REGION
 *   creds_env_endpoint(): AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL
 *   creds_env_ca_bundle(): AWS_CA_BUNDLE */
const char *creds_env_region(void);
const char *creds_env_endpoint(void);
const char *creds_env_ca_bundle(void);

#endif
