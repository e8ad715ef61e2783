/* creds.c - the credential provider chain (creds.h) and what the
 * providers share (creds_int.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "creds_int.h"
#include "s3.h"

const char *creds_getenv(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static int is_true(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

const char *creds_env_region(void)
{
	const char *r = creds_getenv("AWS_REGION");

	return r ? r : creds_getenv("AWS_DEFAULT_REGION");
}

const char *creds_env_endpoint(void)
{
	const char *e;

	if (is_true(creds_getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))
		return NULL;
	e = creds_getenv("AWS_ENDPOINT_URL_S3");
	return e ? e : creds_getenv("AWS_ENDPOINT_URL");
}

const char *creds_env_ca_bundle(void)
{
	return creds_getenv("AWS_CA_BUNDLE");
}

void creds_tried(struct creds_ctx *cx, const char *what, const char *fmt, ...)
{
	va_list ap;
	char why[300];

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (cx->tried.len)
		buf_puts(&cx->tried, ", ");
	buf_printf(&cx->tried, "%s (%s)", what, why);
}

time_t creds_now(const struct creds_ctx *cx)
{
	if (cx->opt && cx->opt->now)
		return cx->opt->now(cx->opt->now_ctx);
	return time(NULL);
}

void creds_set(struct creds *out, const char *key, const char *secret,
	       const char *token, time_t expiration)
{
	free(out->access_key_id);
	free_secret(out->secret_access_key);
	free_secret(out->session_token);
	out->access_key_id = xstrdup(key);
	out->secret_access_key = xstrdup(secret);
	out->session_token = token && *token ? xstrdup(token) : NULL;
	out->expiration = expiration;
}

int creds_parse_time(const char *s, time_t *t)
{
	return s3_parse_http_date(s, t);
}

void creds_format_time(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int creds_need_refresh(const struct creds *c, time_t now)
{
	return c && c->expiration && c->expiration - now < CREDS_REFRESH_BEFORE;
}

const char *creds_profile_region(const struct creds_ctx *cx,
				 const char *profile)
{
	const char *r = creds_env_region();

	return r ? r : creds_profile_get(&cx->files, profile, "region");
}

const char *creds_ca_bundle(const struct creds_ctx *cx, const char *profile)
{
	const char *c = creds_env_ca_bundle();

	return c ? c : creds_profile_get(&cx->files, profile, "ca_bundle");
}

/* The [services NAME] section's "<id>.endpoint_url" for profile. */
static const char *services_endpoint(const struct creds_files *f,
				     const char *profile, const char *id)
{
	const char *name = creds_profile_get(f, profile, "services");
	char key[64];

	if (!name)
		return NULL;
	snprintf(key, sizeof(key), "%s.endpoint_url", id);
	return creds_section_get(
		creds_files_section(f, CREDS_SEC_SERVICES, name, 1), key);
}

static int ignore_endpoints(const struct creds_files *f, const char *profile)
{
	const char *e = creds_getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

	if (e)
		return is_true(e);
	return is_true(creds_profile_get(f, profile,
					 "ignore_configured_endpoint_urls"));
}

const char *creds_service_endpoint(const struct creds_ctx *cx,
				   const char *profile, const char *id,
				   const char *env_suffix)
{
	char name[64];
	const char *e;

	if (ignore_endpoints(&cx->files, profile))
		return NULL;
	snprintf(name, sizeof(name), "AWS_ENDPOINT_URL_%s", env_suffix);
	if ((e = creds_getenv(name)) || (e = services_endpoint(&cx->files,
							      profile, id)) ||
	    (e = creds_getenv("AWS_ENDPOINT_URL")))
		return e;
	return creds_profile_get(&cx->files, profile, "endpoint_url");
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void creds_copy(struct creds *dst, const struct creds *src)
{
	*dst = *src;
	dst->access_key_id = dup_or_null(src->access_key_id);
	dst->secret_access_key = dup_or_null(src->secret_access_key);
	dst->session_token = dup_or_null(src->session_token);
	dst->region = dup_or_null(src->region);
	dst->endpoint_url = dup_or_null(src->endpoint_url);
	dst->profile = dup_or_null(src->profile);
	dst->provider = dup_or_null(src->provider);
	dst->source = dup_or_null(src->source);
	dst->ca_bundle = dup_or_null(src->ca_bundle);
	dst->retry_mode = dup_or_null(src->retry_mode);
}

void creds_free(struct creds *c)
{
	if (!c)
		return;
	free_secret(c->secret_access_key);
	free_secret(c->session_token);
	free(c->access_key_id);
	free(c->region);
	free(c->endpoint_url);
	free(c->profile);
	free(c->provider);
	free(c->source);
	free(c->ca_bundle);
	free(c->retry_mode);
	memset(c, 0, sizeof(*c));
}

/* An environment variable, else the profile's key. */
static const char *setting(const struct creds_ctx *cx, const char *profile,
			   const char *env, const char *key)
{
	const char *v = creds_getenv(env);

	return v ? v : creds_profile_get(&cx->files, profile, key);
}

static int bool_setting(const struct creds_ctx *cx, const char *profile,
			const char *env, const char *key, int *out,
			struct s3p_error *err)
{
	const char *v = setting(cx, profile, env, key);

	*out = 0;
	if (!v || strcasecmp(v, "false") == 0)
		return 0;
	if (strcasecmp(v, "true") == 0) {
		*out = 1;
		return 0;
	}
	return s3p_error_set(err, S3P_E_USAGE, "%s / %s '%s' is not true or "
			     "false", env, key, v);
}

int creds_retry_settings(const char *mode, const char *attempts,
			 int *max_attempts, struct s3p_error *err)
{
	char *end;
	long n;

	if (mode && strcmp(mode, "standard") != 0 &&
	    strcmp(mode, "adaptive") != 0 && strcmp(mode, "legacy") != 0)
		return s3p_error_set(err, S3P_E_USAGE, "retry mode '%s' is not "
				     "standard, adaptive or legacy", mode);
	*max_attempts = mode && strcmp(mode, "legacy") == 0 ? 5 : 3;
	if (!attempts)
		return 0;
	n = strtol(attempts, &end, 10);
	if (*end || end == attempts || n < 1 || n > 20)
		return s3p_error_set(err, S3P_E_USAGE, "max attempts '%s' is "
				     "not a number from 1 to 20", attempts);
	*max_attempts = (int)n;
	return 0;
}

/* The profile's settings the S3 client uses (creds.h). */
static int load_settings(const struct creds_ctx *cx, const char *profile,
			 struct creds *out, struct s3p_error *err)
{
	const char *mode = setting(cx, profile, "AWS_RETRY_MODE", "retry_mode");
	const char *v;

	if (creds_retry_settings(mode, setting(cx, profile, "AWS_MAX_ATTEMPTS",
					       "max_attempts"),
				 &out->max_attempts, err) < 0)
		return -1;
	out->retry_mode = xstrdup(mode ? mode : "standard");
	if ((v = creds_ca_bundle(cx, profile)))
		out->ca_bundle = xstrdup(v);
	if (bool_setting(cx, profile, "AWS_USE_FIPS_ENDPOINT",
			 "use_fips_endpoint", &out->use_fips, err) < 0 ||
	    bool_setting(cx, profile, "AWS_USE_DUALSTACK_ENDPOINT",
			 "use_dualstack_endpoint", &out->use_dualstack,
			 err) < 0)
		return -1;
	return 0;
}

/* The providers after the environment, in the AWS CLI's order. */
static int run_chain(struct creds_ctx *cx, const char *name, int env_first,
		     struct creds *out, struct s3p_error *err)
{
	int rc;

	if (env_first) {
		rc = creds_env_load(cx, name, out, err);
		if (rc != CREDS_NOT_APPLICABLE)
			return rc;
	} else {
		creds_tried(cx, "environment",
			    "not used with an explicit --profile");
	}
	if ((rc = creds_role_load(cx, name, out, err)) != CREDS_NOT_APPLICABLE)
		return rc;
	if ((rc = creds_webid_load(cx, name, out, err)) != CREDS_NOT_APPLICABLE)
		return rc;
	if ((rc = creds_sso_load(cx, name, out, err)) != CREDS_NOT_APPLICABLE)
		return rc;
	if ((rc = creds_shared_load(cx, name, 0, out, err)) !=
	    CREDS_NOT_APPLICABLE)
		return rc;
	if ((rc = creds_process_load(cx, name, out, err)) !=
	    CREDS_NOT_APPLICABLE)
		return rc;
	if ((rc = creds_shared_load(cx, name, 1, out, err)) !=
	    CREDS_NOT_APPLICABLE)
		return rc;
	if ((rc = creds_ecs_load(cx, name, out, err)) != CREDS_NOT_APPLICABLE)
		return rc;
	return creds_imds_load(cx, name, out, err);
}

int creds_load_opts(const struct creds_options *o, struct creds *out,
		    struct s3p_error *err)
{
	struct creds_options dflt = { 0 };
	struct creds_ctx cx;
	const char *name, *v;
	int explicit_profile, named, rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&cx, 0, sizeof(cx));
	if (!o)
		o = &dflt;
	cx.opt = o;
	if (creds_files_load(&cx.files, err) < 0)
		return -1;
	name = o->profile;
	explicit_profile = name != NULL;
	if (!name) {
		name = creds_getenv("AWS_PROFILE");
		if (!name)
			name = creds_getenv("AWS_DEFAULT_PROFILE");
	}
	named = name != NULL;
	if (!name)
		name = "default";
	cx.profile = name;

	/* The AWS CLI refuses a profile it cannot find, even when the
	 * environment has keys. */
	if (named && !creds_files_has_profile(&cx.files, name)) {
		s3p_error_set(err, S3P_E_S3,
			      "profile '%s' not found in '%s' nor in '%s'%s",
			      name, cx.files.cred_path, cx.files.conf_path,
			      explicit_profile ? ""
				: " (AWS_PROFILE names it)");
		goto out;
	}
	rc = run_chain(&cx, name, !explicit_profile, out, err);
	if (rc == CREDS_NOT_APPLICABLE) {
		s3p_error_set(err, S3P_E_S3,
			      "no credentials found (profile '%s'); tried: "
			      "%s", name, buf_str(&cx.tried));
		rc = -1;
	}
	if (rc < 0)
		goto out;
	if (!out->region && (v = creds_profile_get(&cx.files, name, "region")))
		out->region = xstrdup(v);
	if (!out->endpoint_url && !ignore_endpoints(&cx.files, name)) {
		v = services_endpoint(&cx.files, name, "s3");
		if (!v)
			v = creds_profile_get(&cx.files, name, "endpoint_url");
		if (v)
			out->endpoint_url = xstrdup(v);
	}
	if (!out->profile && strcmp(out->provider, "environment") != 0)
		out->profile = xstrdup(name);
	if (load_settings(&cx, name, out, err) < 0) {
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		creds_free(out);
	buf_release(&cx.tried);
	creds_files_free(&cx.files);
	return rc;
}

int creds_load(const char *profile, struct creds *out, struct s3p_error *err)
{
	struct creds_options o = { 0 };

	o.profile = profile;
	return creds_load_opts(&o, out, err);
}

int creds_read_file(const char *path, struct buf *out, struct s3p_error *err)
{
	FILE *f = fopen(path, "r");
	char chunk[4096];
	size_t n;

	if (!f)
		return s3p_error_set(err, S3P_E_S3, "cannot read '%s': %s",
				     path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_append(out, chunk, n);
		if (out->len > 1024 * 1024)
			break;
	}
	secure_zero(chunk, sizeof(chunk));
	if (ferror(f)) {
		fclose(f);
		return s3p_error_set(err, S3P_E_S3, "cannot read '%s'", path);
	}
	fclose(f);
	while (out->len && strchr(" \t\r\n", out->data[out->len - 1]))
		out->data[--out->len] = '\0';
	return 0;
}

int creds_from_json(const struct creds_ctx *cx, const char *text, size_t len,
		    struct creds *out, struct s3p_error *err)
{
	static const char *const names[] = { "AccessKeyId", "SecretAccessKey",
		"Token", "Expiration", "Code", "code", "message", "Message" };
	char *v[8];
	time_t exp = 0;
	int rc = -1;

	if (creds_json_fields(text ? text : "", len, names, v, 8, err) < 0)
		return -1;
	if ((v[4] && strcmp(v[4], "Success") != 0) || v[5]) {
		s3p_error_set(err, S3P_E_S3, "answer with code '%.60s'%s%.200s",
			      v[4] ? v[4] : v[5], (v[6] || v[7]) ? ": " : "",
			      v[6] ? v[6] : v[7] ? v[7] : "");
		goto out;
	}
	if (!v[0] || !v[1]) {
		s3p_error_set(err, S3P_E_S3, "answer without %s",
			      !v[0] ? "AccessKeyId" : "SecretAccessKey");
		goto out;
	}
	if (v[3] && creds_parse_time(v[3], &exp) < 0) {
		s3p_error_set(err, S3P_E_S3, "Expiration '%.40s' is not an "
			      "ISO 8601 time", v[3]);
		goto out;
	}
	if (exp && exp <= creds_now(cx)) {
		char when[32];

		creds_format_time(exp, when);
		s3p_error_set(err, S3P_E_S3, "credentials that expired at %s",
			      when);
		goto out;
	}
	creds_set(out, v[0], v[1], v[2], exp);
	rc = 0;
out:
	for (int i = 0; i < 8; i++)
		free_secret(v[i]);
	return rc;
}
