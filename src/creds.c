/* creds.c - credentials from the environment and the AWS CLI's files.
 * See creds.h for the precedence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "creds.h"

/* The settings of one profile that we use. */
struct profile_vals {
	char *key_id;
	char *secret;
	char *token;
	char *region;
	char *endpoint_url;
};

/* Wipe and free a secret string (NULL-safe). */
static void free_secret(char *s)
{
	if (s) {
		secure_zero(s, strlen(s));
		free(s);
	}
}

static void vals_free(struct profile_vals *v)
{
	free_secret(v->secret);
	free_secret(v->token);
	free(v->key_id);
	free(v->region);
	free(v->endpoint_url);
	memset(v, 0, sizeof(*v));
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

const char *creds_env_region(void)
{
	const char *r = env("AWS_REGION");

	return r ? r : env("AWS_DEFAULT_REGION");
}

const char *creds_env_endpoint(void)
{
	const char *e = env("AWS_ENDPOINT_URL_S3");

	return e ? e : env("AWS_ENDPOINT_URL");
}

const char *creds_env_ca_bundle(void)
{
	return env("AWS_CA_BUNDLE");
}

/* A path from an environment variable or default "~/.aws/NAME", with a
 * leading "~/" expanded.  Returns malloc'd or NULL (no HOME). */
static char *file_path(const char *envname, const char *deflt)
{
	const char *p = env(envname);
	const char *home = env("HOME");
	struct buf b = BUF_INIT;

	if (!p)
		p = deflt;
	if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
		if (!home)
			return NULL;
		buf_puts(&b, home);
		buf_puts(&b, p + 1);
		return buf_detach(&b);
	}
	return xstrdup(p);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static void set_val(char **slot, const char *v)
{
	free_secret(*slot);
	*slot = xstrdup(v);
}

/* Read the section `want` of an INI file into v (keys not yet set keep
 * being filled; a key already set by an earlier file is kept).  Returns 1
 * if the section exists, 0 if not (or the file does not exist), -1 on a
 * read error. */
static int read_section(const char *path, const char *want, int is_config,
			struct profile_vals *v, struct s3p_error *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int in = 0, found = 0;
	struct profile_vals got = { 0 };

	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return s3p_error_set(err, S3P_E_S3, "cannot read '%s': %s",
				     path, strerror(errno));
	}
	while (getline(&line, &cap, f) != -1) {
		char *s, *eq, *k, *val;

		if (line[0] == ' ' || line[0] == '\t') {
			/* nested sub-setting ("s3 =\n  addressing_style = x") */
			continue;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			char *name;

			in = 0;
			if (!end)
				continue;
			*end = '\0';
			name = trim(s + 1);
			if (is_config && strcmp(want, "default") != 0) {
				if (strncmp(name, "profile", 7) == 0 &&
				    (name[7] == ' ' || name[7] == '\t')) {
					name = trim(name + 8);
					in = strcmp(name, want) == 0;
				}
			} else if (is_config) {
				in = strcmp(name, "default") == 0 ||
				     strcmp(name, "profile default") == 0;
			} else {
				in = strcmp(name, want) == 0;
			}
			if (in)
				found = 1;
			continue;
		}
		if (!in)
			continue;
		eq = strchr(s, '=');
		if (!eq)
			continue;
		*eq = '\0';
		k = trim(s);
		val = trim(eq + 1);
		if (strcmp(k, "aws_access_key_id") == 0)
			set_val(&got.key_id, val);
		else if (strcmp(k, "aws_secret_access_key") == 0)
			set_val(&got.secret, val);
		else if (strcmp(k, "aws_session_token") == 0 ||
			 strcmp(k, "aws_security_token") == 0)
			set_val(&got.token, val);
		else if (strcmp(k, "region") == 0)
			set_val(&got.region, val);
		else if (strcmp(k, "endpoint_url") == 0)
			set_val(&got.endpoint_url, val);
	}
	if (line) {
		secure_zero(line, cap);
		free(line);
	}
	fclose(f);
	/* Credentials come as a unit from the first file that has a key. */
	if (!v->key_id && !v->secret && (got.key_id || got.secret)) {
		v->key_id = got.key_id;
		v->secret = got.secret;
		v->token = got.token;
		got.key_id = got.secret = got.token = NULL;
	}
	if (!v->region && got.region && *got.region) {
		v->region = got.region;
		got.region = NULL;
	}
	if (!v->endpoint_url && got.endpoint_url && *got.endpoint_url) {
		v->endpoint_url = got.endpoint_url;
		got.endpoint_url = NULL;
	}
	vals_free(&got);
	return found;
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
	free(c->source);
	memset(c, 0, sizeof(*c));
}

int creds_load(const char *profile, struct creds *out, struct s3p_error *err)
{
	const char *env_key = env("AWS_ACCESS_KEY_ID");
	const char *env_secret = env("AWS_SECRET_ACCESS_KEY");
	const char *env_token = env("AWS_SESSION_TOKEN");
	const char *name = profile;
	char *cred_path = NULL, *conf_path = NULL;
	struct profile_vals v = { 0 };
	int in_creds = 0, in_conf = 0, keys_in_creds = 0, rc = -1;
	int named = profile != NULL;

	memset(out, 0, sizeof(*out));
	if (!env_token)
		env_token = env("AWS_SECURITY_TOKEN");
	if (!name) {
		name = env("AWS_PROFILE");
		if (!name)
			name = env("AWS_DEFAULT_PROFILE");
		named = name != NULL;
	}
	if (!name)
		name = "default";

	cred_path = file_path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials");
	conf_path = file_path("AWS_CONFIG_FILE", "~/.aws/config");

	/* Region and endpoint from the profile, in every case. */
	if (cred_path) {
		in_creds = read_section(cred_path, name, 0, &v, err);
		if (in_creds < 0)
			goto out;
		keys_in_creds = v.key_id || v.secret;
	}
	if (conf_path) {
		in_conf = read_section(conf_path, name, 1, &v, err);
		if (in_conf < 0)
			goto out;
	}

	if (!profile && (env_key || env_secret)) {
		if (!env_key || !env_secret) {
			s3p_error_set(err, S3P_E_S3,
				      "incomplete credentials in the environment: "
				      "%s is set but %s is not",
				      env_key ? "AWS_ACCESS_KEY_ID"
					      : "AWS_SECRET_ACCESS_KEY",
				      env_key ? "AWS_SECRET_ACCESS_KEY"
					      : "AWS_ACCESS_KEY_ID");
			goto out;
		}
		out->access_key_id = xstrdup(env_key);
		out->secret_access_key = xstrdup(env_secret);
		out->session_token = env_token ? xstrdup(env_token) : NULL;
		out->source = xstrdup("environment");
		if (v.region)
			out->region = xstrdup(v.region);
		if (v.endpoint_url)
			out->endpoint_url = xstrdup(v.endpoint_url);
		rc = 0;
		goto out;
	}

	if (named && !in_creds && !in_conf) {
		s3p_error_set(err, S3P_E_S3,
			      "profile '%s' not found in '%s' nor in '%s'", name,
			      cred_path ? cred_path : "~/.aws/credentials",
			      conf_path ? conf_path : "~/.aws/config");
		goto out;
	}
	if (!v.key_id && !v.secret) {
		s3p_error_set(err, S3P_E_S3,
			      "no credentials found: AWS_ACCESS_KEY_ID and "
			      "AWS_SECRET_ACCESS_KEY are not set and profile "
			      "'%s' has no aws_access_key_id in '%s' nor in '%s'",
			      name, cred_path ? cred_path : "~/.aws/credentials",
			      conf_path ? conf_path : "~/.aws/config");
		goto out;
	}
	if (!v.key_id || !v.secret || !*v.key_id || !*v.secret) {
		s3p_error_set(err, S3P_E_S3,
			      "incomplete credentials in profile '%s': %s is "
			      "missing (looked in '%s' and '%s')",
			      name,
			      (!v.key_id || !*v.key_id) ? "aws_access_key_id"
							: "aws_secret_access_key",
			      cred_path ? cred_path : "~/.aws/credentials",
			      conf_path ? conf_path : "~/.aws/config");
		goto out;
	}
	out->access_key_id = v.key_id;
	out->secret_access_key = v.secret;
	v.key_id = v.secret = NULL;
	if (v.token && *v.token) {  /* an empty token is no token */
		out->session_token = v.token;
		v.token = NULL;
	}
	out->region = v.region;
	out->endpoint_url = v.endpoint_url;
	v.region = v.endpoint_url = NULL;
	out->profile = xstrdup(name);
	{
		struct buf b = BUF_INIT;
		buf_printf(&b, "profile '%s' in '%s'", name,
			   keys_in_creds ? cred_path : conf_path);
		out->source = buf_detach(&b);
	}
	rc = 0;
out:
	vals_free(&v);
	free(cred_path);
	free(conf_path);
	if (rc < 0)
		creds_free(out);
	return rc;
}
