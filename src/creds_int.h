/* creds_int.h - what the credential providers (src/creds_*.c) share; not
 * for use outside them.  The public interface is creds.h.
 *
 * A provider is one function
 *     int creds_X_load(struct creds_ctx *cx, const char *profile,
 *                      struct creds *out, struct s3p_error *err);
 * returning CREDS_FOUND (out filled), CREDS_NOT_APPLICABLE (nothing of it
 * is configured; the reason was appended to cx->tried with
 * creds_tried()), or -1 (it is configured but failed: err says which
 * provider and why, never a secret).
 */
#ifndef S3P_CREDS_INT_H
#define S3P_CREDS_INT_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "creds.h"
#include "error.h"

#define CREDS_FOUND 0
#define CREDS_NOT_APPLICABLE 1

/* ---- The shared files (creds_profile.c) ---------------------------------- */

enum creds_section_kind {
	CREDS_SEC_PROFILE,      /* [name] in credentials, [profile name] /
				   [default] in config */
	CREDS_SEC_SSO_SESSION,  /* [sso-session name] (config) */
	CREDS_SEC_SERVICES      /* [services name] (config) */
};

struct creds_kv {
	char *key;      /* lower-cased; a nested "s3 =\n  k = v" is "s3.k" */
	char *value;
};

struct creds_section {
	enum creds_section_kind kind;
	int in_config;  /* 0: credentials file, 1: config file */
	char *name;
	struct creds_kv *kv;
	size_t n;
};

struct creds_files {
	char *cred_path;        /* never NULL after creds_files_load */
	char *conf_path;
	struct creds_section *sec;
	size_t n;
};

/* Read both files (a missing file is empty).  -1 with err on a read
 * error. */
int creds_files_load(struct creds_files *f, struct s3p_error *err);
void creds_files_free(struct creds_files *f);  /* wipes the values */

/* The section, or NULL.  in_config -1: either (credentials file first). */
const struct creds_section *creds_files_section(const struct creds_files *f,
						enum creds_section_kind kind,
						const char *name,
						int in_config);
/* Does profile `name` exist in either file? */
int creds_files_has_profile(const struct creds_files *f, const char *name);
/* A profile key (lower-case name): credentials file first, then config;
 * NULL when unset or empty.  Borrowed. */
const char *creds_profile_get(const struct creds_files *f, const char *name,
			      const char *key);
/* A key of one section; NULL when unset or empty. */
const char *creds_section_get(const struct creds_section *s, const char *key);

/* ---- The chain's state (creds.c) ----------------------------------------- */

#define CREDS_MAX_CHAIN 8

struct creds_ctx {
	const struct creds_options *opt;
	struct creds_files files;
	const char *profile;           /* the profile in use */
	struct buf tried;              /* "; "-separated reasons */
	const char *visited[CREDS_MAX_CHAIN]; /* source_profile chain */
	size_t nvisited;
};

/* Append "what: why" to cx->tried. */
void creds_tried(struct creds_ctx *cx, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

time_t creds_now(const struct creds_ctx *cx);
const char *creds_getenv(const char *name);  /* NULL when unset or empty */
/* Set out's key, secret and token (copied) and, when given, expiration. */
void creds_set(struct creds *out, const char *key, const char *secret,
	       const char *token, time_t expiration);
/* Parse an ISO 8601 UTC time ("2026-12-05T03:56:57Z"); -1 if malformed. */
int creds_parse_time(const char *s, time_t *t);
/* "2026-12-05T03:56:57Z" */
void creds_format_time(time_t t, char out[32]);

/* Retry settings: mode NULL or "standard" / "adaptive" / "legacy";
 * attempts NULL or "1".."20"; *max_attempts the default of the mode (3;
 * legacy 5) unless attempts is given.  -1 (S3P_E_USAGE) otherwise. */
int creds_retry_settings(const char *mode, const char *attempts,
			 int *max_attempts, struct s3p_error *err);

/* Read a small file (token files) into *out (free with
 * buf_release_secret), trailing white space removed.  -1 with err. */
int creds_read_file(const char *path, struct buf *out, struct s3p_error *err);
/* The credentials of a container / instance-metadata answer:
 * {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} (and "Code"
 * other than "Success", or "code"/"message", as an error). */
int creds_from_json(const struct creds_ctx *cx, const char *text, size_t len,
		    struct creds *out, struct s3p_error *err);

/* ---- Providers ----------------------------------------------------------- */

int creds_env_load(struct creds_ctx *cx, const char *profile,
		   struct creds *out, struct s3p_error *err);
int creds_shared_load(struct creds_ctx *cx, const char *profile, int in_config,
		      struct creds *out, struct s3p_error *err);
int creds_process_load(struct creds_ctx *cx, const char *profile,
		       struct creds *out, struct s3p_error *err);
int creds_role_load(struct creds_ctx *cx, const char *profile,
		    struct creds *out, struct s3p_error *err);
int creds_webid_load(struct creds_ctx *cx, const char *profile,
		     struct creds *out, struct s3p_error *err);
int creds_sso_load(struct creds_ctx *cx, const char *profile,
		   struct creds *out, struct s3p_error *err);
int creds_ecs_load(struct creds_ctx *cx, const char *profile,
		   struct creds *out, struct s3p_error *err);
int creds_imds_load(struct creds_ctx *cx, const char *profile,
		    struct creds *out, struct s3p_error *err);

/* ---- Helpers of the providers -------------------------------------------- */

/* Split a command line the way POSIX shells split words (quotes and
 * backslashes, no expansion, no shell run): *argv is a NULL-terminated
 * malloc'd array of malloc'd words (free with creds_argv_free).  -1 on an
 * unterminated quote or an empty line. */
int creds_split_command(const char *line, char ***argv, size_t *argc,
			struct s3p_error *err);
void creds_argv_free(char **argv);

/* Copy the JSON members named in names[] (a "." descends into an object)
 * of the JSON object text[0..len) into vals[] (malloc'd strings; numbers
 * as integers, true/false as words; NULL when absent).  -1 with err
 * ("not valid JSON (line L, column C)" / "not a JSON object"), never
 * quoting the text (creds_json.c, the Jansson user of this part). */
int creds_json_fields(const char *text, size_t len, const char *const *names,
		      char **vals, size_t n, struct s3p_error *err);

/* One HTTP exchange for a provider (creds_http.c).  headers: "Name: value"
 * lines.  *status and *body (free with buf_release_secret) are the
 * answer; -1 with err when no answer came (connection refused, timeout). */
struct creds_http_req {
	const char *method;
	const char *url;
	const char *const *headers;
	size_t header_count;
	const char *body;
	size_t body_len;
	long timeout_ms;
	const char *ca_bundle;
};
int creds_http(const struct creds_http_req *rq, long *status, struct buf *body,
	       struct s3p_error *err);

/* ---- STS (creds_sts.c) --------------------------------------------------- */

struct creds_sts_param {
	const char *name;
	const char *value;      /* decoded; the call encodes it */
};

struct creds_sts_call {
	const char *action;     /* "AssumeRole", "AssumeRoleWithWebIdentity" */
	const struct creds_sts_param *params;
	size_t param_count;
	const struct creds *signer;  /* NULL: unsigned (web identity) */
	const char *profile;    /* for endpoint, region, ca_bundle, retries */
};

/* Call STS (POST, form-encoded, Version 2011-06-15) at the endpoint of
 * creds_sts_endpoint(); fill out's keys and expiration; *arn (may be
 * NULL) receives the assumed role's ARN (free()).  -1 with err:
 * "Code (HTTP n): message" of an STS error, or the transport failure. */
int creds_sts_call(struct creds_ctx *cx, const struct creds_sts_call *c,
		   struct creds *out, char **arn, struct s3p_error *err);
/* The parse of an STS answer (for tests): 0 with out filled, -1 with
 * err. */
int creds_sts_parse(const char *body, size_t len, long status,
		    struct creds *out, char **arn, struct s3p_error *err);
/* STS endpoint URL and signing region for profile: a configured
 * endpoint (creds_service_endpoint), else regional
 * https://sts.REGION.amazonaws.com (sts-fips. with
 * AWS_USE_FIPS_ENDPOINT / use_fips_endpoint), or the global
 * https://sts.amazonaws.com with sts_regional_endpoints = legacy or no
 * region.  url is malloc'd; region borrowed or static. */
void creds_sts_endpoint(const struct creds_ctx *cx, const char *profile,
			char **url, const char **region);

/* The endpoint URL of service `id` ("sts", "sso"; env suffix "STS",
 * "SSO") for profile: AWS_ENDPOINT_URL_<ENV>, the profile's [services]
 * section, AWS_ENDPOINT_URL, the profile's endpoint_url (none of them
 * when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls
 * is true).  NULL: the service's AWS endpoint.  Borrowed. */
const char *creds_service_endpoint(const struct creds_ctx *cx,
				   const char *profile, const char *id,
				   const char *env_suffix);
/* The region for profile: AWS_REGION, AWS_DEFAULT_REGION, profile region;
 * NULL if none.  Borrowed. */
const char *creds_profile_region(const struct creds_ctx *cx,
				 const char *profile);
const char *creds_ca_bundle(const struct creds_ctx *cx, const char *profile);

#endif
