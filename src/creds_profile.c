/* creds_profile.c - the AWS CLI's shared credentials and config files,
 * read the way the CLI reads them (creds_int.h): sections [NAME] in the
 * credentials file; [profile NAME], [default], [sso-session NAME] and
 * [services NAME] in the config file; key names case-insensitive; an
 * indented line continues the previous key as a sub-setting
 * ("s3 =\n  endpoint_url = x" is key "s3.endpoint_url"); '#' and ';'
 * start comment lines. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"

static char *file_path(const char *envname, const char *deflt)
{
	const char *p = creds_getenv(envname);
	const char *home = creds_getenv("HOME");
	struct buf b = BUF_INIT;

	if (!p)
		p = deflt;
	if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
		if (!home)
			return xstrdup(p);   /* unreadable, reported as missing */
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

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void add_kv(struct creds_section *s, const char *k, const char *v)
{
	/* A later line of the same key replaces the earlier one. */
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->kv[i].key, k) == 0) {
			free_secret(s->kv[i].value);
			s->kv[i].value = xstrdup(v);
			return;
		}
	}
	s->kv = xrealloc(s->kv, (s->n + 1) * sizeof(*s->kv));
	s->kv[s->n].key = xstrdup(k);
	lower(s->kv[s->n].key);
	s->kv[s->n].value = xstrdup(v);
	s->n++;
}

/* The section a header names, or NULL when it is not one we keep. */
static struct creds_section *open_section(struct creds_files *f, char *name,
					  int in_config)
{
	enum creds_section_kind kind = CREDS_SEC_PROFILE;
	struct creds_section *s;

	if (in_config) {
		if (strcmp(name, "default") == 0) {
			/* [default] */
		} else if (strncmp(name, "profile", 7) == 0 &&
			   (name[7] == ' ' || name[7] == '\t')) {
			name = trim(name + 8);
		} else if (strncmp(name, "sso-session", 11) == 0 &&
			   (name[11] == ' ' || name[11] == '\t')) {
			kind = CREDS_SEC_SSO_SESSION;
			name = trim(name + 12);
		} else if (strncmp(name, "services", 8) == 0 &&
			   (name[8] == ' ' || name[8] == '\t')) {
			kind = CREDS_SEC_SERVICES;
			name = trim(name + 9);
		} else {
			return NULL;   /* the CLI ignores other sections */
		}
	}
	if (!*name)
		return NULL;
	/* A repeated section continues the first one. */
	for (size_t i = 0; i < f->n; i++)
		if (f->sec[i].kind == kind && f->sec[i].in_config == in_config &&
		    strcmp(f->sec[i].name, name) == 0)
			return &f->sec[i];
	f->sec = xrealloc(f->sec, (f->n + 1) * sizeof(*f->sec));
	s = &f->sec[f->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->in_config = in_config;
	s->name = xstrdup(name);
	return s;
}

static int read_file(struct creds_files *f, const char *path, int in_config,
		     struct s3p_error *err)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, parent[128] = "";
	size_t cap = 0;
	struct creds_section *cur = NULL;
	ptrdiff_t cur_i = -1;

	if (!fp) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return s3p_error_set(err, S3P_E_S3, "cannot read '%s': %s",
				     path, strerror(errno));
	}
	while (getline(&line, &cap, fp) != -1) {
		int indented = line[0] == ' ' || line[0] == '\t';
		char *s = trim(line), *eq, *k, *v;

		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[' && !indented) {
			char *end = strrchr(s, ']');

			cur = NULL;
			cur_i = -1;
			parent[0] = '\0';
			if (!end)
				continue;
			*end = '\0';
			cur = open_section(f, trim(s + 1), in_config);
			cur_i = cur ? cur - f->sec : -1;
			continue;
		}
		if (cur_i < 0)
			continue;
		cur = &f->sec[cur_i];   /* f->sec may have moved */
		eq = strchr(s, '=');
		if (!eq)
			continue;
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		lower(k);
		if (indented && parent[0]) {
			char full[300];

			snprintf(full, sizeof(full), "%s.%s", parent, k);
			add_kv(cur, full, v);
			continue;
		}
		if (*v == '\0')
			snprintf(parent, sizeof(parent), "%s", k);
		else
			parent[0] = '\0';
		add_kv(cur, k, v);
	}
	if (line) {
		secure_zero(line, cap);
		free(line);
	}
	fclose(fp);
	return 0;
}

int creds_files_load(struct creds_files *f, struct s3p_error *err)
{
	memset(f, 0, sizeof(*f));
	f->cred_path = file_path("AWS_SHARED_CREDENTIALS_FILE",
				 "~/.aws/credentials");
	f->conf_path = file_path("AWS_CONFIG_FILE", "~/.aws/config");
	if (read_file(f, f->cred_path, 0, err) < 0 ||
	    read_file(f, f->conf_path, 1, err) < 0) {
		creds_files_free(f);
		return -1;
	}
	return 0;
}

void creds_files_free(struct creds_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		for (size_t j = 0; j < f->sec[i].n; j++) {
			free(f->sec[i].kv[j].key);
			free_secret(f->sec[i].kv[j].value);
		}
		free(f->sec[i].kv);
		free(f->sec[i].name);
	}
	free(f->sec);
	free(f->cred_path);
	free(f->conf_path);
	memset(f, 0, sizeof(*f));
}

const struct creds_section *creds_files_section(const struct creds_files *f,
						enum creds_section_kind kind,
						const char *name,
						int in_config)
{
	for (int pass = 0; pass < 2; pass++) {
		if (in_config >= 0 && pass != in_config)
			continue;
		for (size_t i = 0; i < f->n; i++)
			if (f->sec[i].kind == kind &&
			    f->sec[i].in_config == pass &&
			    strcmp(f->sec[i].name, name) == 0)
				return &f->sec[i];
	}
	return NULL;
}

int creds_files_has_profile(const struct creds_files *f, const char *name)
{
	return creds_files_section(f, CREDS_SEC_PROFILE, name, -1) != NULL;
}

const char *creds_section_get(const struct creds_section *s, const char *key)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			return *s->kv[i].value ? s->kv[i].value : NULL;
	return NULL;
}

const char *creds_profile_get(const struct creds_files *f, const char *name,
			      const char *key)
{
	const char *v = creds_section_get(
		creds_files_section(f, CREDS_SEC_PROFILE, name, 0), key);

	return v ? v : creds_section_get(
		creds_files_section(f, CREDS_SEC_PROFILE, name, 1), key);
}
