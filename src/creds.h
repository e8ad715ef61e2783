/* creds.h - AWS credentials and settings, found the way the AWS CLI finds
 * them: the standard credential provider chain.
 *
 * Order (as the AWS CLI v2 / botocore; the first that applies wins):
 *   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
 *      (+ AWS_SESSION_TOKEN); skipped when a profile is given explicitly
 *      (--profile); one without the other is an error;
 *   2. assume role: the profile's role_arn with source_profile (chains,
 *      loops refused) or credential_source (Environment,
 *      Ec2InstanceMetadata, EcsContainer), external_id,
 *      role_session_name, duration_seconds, mfa_serial (a TTY prompt);
 *   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 *      (+ AWS_ROLE_SESSION_NAME), or the profile's
 *      web_identity_token_file + role_arn (AssumeRoleWithWebIdentity);
 *   4. IAM Identity Center: sso_session / legacy sso_* profile keys, the
 *      token `aws sso login` cached in ~/.aws/sso/cache/, the portal's
 *      GetRoleCredentials;
 *   5. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default
 *      ~/.aws/credentials, [NAME]);
 *   6. credential_process (the profile's command, run without a shell);
 *   7. the config file (AWS_CONFIG_FILE, default ~/.aws/config,
 *      [profile NAME] / [default]) keys;
 *   8. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI /
 *      _FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE));
 *   9. EC2 instance metadata, IMDSv2 only (AWS_EC2_METADATA_DISABLED,
 *      AWS_EC2_METADATA_SERVICE_ENDPOINT).
 * The profile is --profile, else AWS_PROFILE, else "default".  A profile
 * named by --profile or AWS_PROFILE that exists in neither file is an
 * error even when the environment has keys (as the AWS CLI).  Key names
 * in the files are case-insensitive.  When nothing applies, the error
 * lists each provider tried and why it did not apply; a provider that
 * applies but fails says which one and why.  Secrets, session tokens and
 * web-identity tokens are never put in a message.
 */
#ifndef S3P_CREDS_H
#define S3P_CREDS_H

#include <time.h>

#include "error.h"

struct creds {
	char *access_key_id;     /* never NULL after a successful load */
	char *secret_access_key; /* secret: never print */
	char *session_token;     /* secret; NULL when none */
	char *region;            /* profile's region, or NULL */
	char *endpoint_url;      /* profile's endpoint_url, or NULL */
	char *profile;           /* profile used, NULL for the environment */
	char *provider;          /* "environment", "shared credentials file",
				    "config file", "credential_process",
				    "assume role", "web identity",
				    "IAM Identity Center", "container",
				    "instance metadata" */
	char *source;            /* for messages: "environment",
				    "profile 'x' in '/home/u/.aws/credentials'",
				    "role arn:... via profile 'x'" */
	time_t expiration;       /* temporary credentials: when they expire;
				    0 for long-term ones */
	/* Settings of the profile the AWS CLI honours (environment first): */
	char *ca_bundle;         /* AWS_CA_BUNDLE, ca_bundle; or NULL */
	int max_attempts;        /* AWS_MAX_ATTEMPTS, max_attempts; else 3
				    (retry mode standard / adaptive) or 5
				    (legacy) */
	char *retry_mode;        /* AWS_RETRY_MODE, retry_mode: "standard"
				    (default), "adaptive", "legacy" */
	int use_fips;            /* AWS_USE_FIPS_ENDPOINT, use_fips_endpoint */
	int use_dualstack;       /* AWS_USE_DUALSTACK_ENDPOINT,
				    use_dualstack_endpoint */
};

struct creds_options {
	const char *profile;     /* --profile, or NULL */
	/* Clock (NULL: time()); tests pin it. */
	time_t (*now)(void *ctx);
	void *now_ctx;
	/* Ask for an MFA code (mfa_serial): write the code (NUL-terminated)
	 * into code[0..size) and return 0, or -1 when no one can answer.
	 * NULL: no TTY, a profile with mfa_serial fails. */
	int (*mfa_prompt)(void *ctx, const char *serial, char *code,
			  size_t size);
	void *mfa_ctx;
};

/* Find credentials through the chain above.  On success fills *out (free
 * with creds_free); on failure *out is zeroed and err (S3P_E_S3) says
 * what was tried. */
int creds_load_opts(const struct creds_options *o, struct creds *out,
		    struct s3p_error *err);
/* creds_load_opts with only a profile (NULL: AWS_PROFILE / default). */
int creds_load(const char *profile, struct creds *out, struct s3p_error *err);

/* Temporary credentials due for a refresh: expiration set and less than
 * CREDS_REFRESH_BEFORE seconds away at `now`. */
#define CREDS_REFRESH_BEFORE (5 * 60)
int creds_need_refresh(const struct creds *c, time_t now);

/* A deep copy of src into dst (free with creds_free). */
void creds_copy(struct creds *dst, const struct creds *src);

/* Wipe the secrets and free everything; *c is zeroed. NULL-safe. */
void creds_free(struct creds *c);

/* The settings the AWS CLI takes from the environment (borrowed from
 * getenv, NULL when unset or empty):
 *   creds_env_region():   AWS_REGION, else AWS_DEFAULT_REGION
 *   creds_env_endpoint(): AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL
 *                         (neither when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
 *   creds_env_ca_bundle(): AWS_CA_BUNDLE */
const char *creds_env_region(void);
const char *creds_env_endpoint(void);
const char *creds_env_ca_bundle(void);

#endif
