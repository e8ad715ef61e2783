/* cmd_s3.c - the S3 options and client of the S3 commands (cmd_s3.h). */
#include "cmd_s3.h"

#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "creds.h"
#include "names.h"
#include "s3.h"

/* Longer than any URL a server answers at: a usage error here, not a
 * network error later. */
#define ENDPOINT_MAX 2048

static int check_endpoint(const char *v, struct s3p_error *err)
{
	size_t len = strlen(v);

	if (!len)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid --endpoint '': give a URL such as "
			"https://s3.example.com");
	if (len > ENDPOINT_MAX)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid --endpoint '%.40s...': %zu characters long "
			"(at most %d)", v, len, ENDPOINT_MAX);
	return 0;
}

const struct opt_spec cmd_s3_opts_table[CMD_S3_NOPTS] = {
	OPT_STRING(struct cmd_s3_opts, endpoint, "endpoint", 0, "URL",
		   "S3-compatible endpoint instead of AWS", check_endpoint),
	OPT_STRING(struct cmd_s3_opts, region, "region", 0, "REGION",
		   "starting region (default: environment, profile, "
		   "discovered)", names_check_region),
	OPT_STRING(struct cmd_s3_opts, profile, "profile", 0, "NAME",
		   "AWS CLI profile whose credentials sign the requests", NULL),
	OPT_FLAG(struct cmd_s3_opts, path_style, "path-style", 0,
		 "path-style addressing (http://host/bucket/key)"),
	OPT_LONG(struct cmd_s3_opts, timeout, "timeout", 0, "SECONDS",
		 "per-request timeout (default 30)", 1, 3600),
	{ "verbose", 'v', OPT_T_FLAG, offsetof(struct cmd_s3_opts, verbose),
	  NULL, "show each S3 request on standard error (never a secret)",
	  NULL, 0, 0, OPT_F_UNCOUNTED },
};

/* One line per attempt; the event holds no header and no secret.  What
 * the server sent (code, request id, region) is escaped for the
 * terminal. */
static void trace(void *ctx, const struct s3_trace_event *ev)
{
	struct buf b = BUF_INIT;
	char *line;

	(void)ctx;
	buf_printf(&b, "%s %s%s -> ", ev->method, ev->host, ev->path_query);
	if (ev->status)
		buf_printf(&b, "%ld%s%s", ev->status, ev->code[0] ? " " : "",
			   ev->code);
	else
		buf_printf(&b, "no answer (%s)", ev->transport_error);
	if (ev->request_id[0])
		buf_printf(&b, ", request id %s", ev->request_id);
	buf_printf(&b, ", %ld ms, region %s, attempt %d", ev->elapsed_ms,
		   ev->region, ev->attempt);
	if (ev->backoff_ms)
		buf_printf(&b, ", retry in %u ms", ev->backoff_ms);
	line = term_escape(buf_str(&b));
	fprintf(stderr, "s3perm: %s\n", line);
	free(line);
	buf_release(&b);
}

/* mfa_serial: ask on the terminal (only called when stdin is one). */
static int mfa_prompt(void *ctx, const char *serial, char *code, size_t size)
{
	size_t n;

	(void)ctx;
	fprintf(stderr, "s3perm: enter the MFA code for '%s': ", serial);
	fflush(stderr);
	if (!fgets(code, (int)size, stdin))
		return -1;
	n = strcspn(code, "\r\n");
	code[n] = '\0';
	return n ? 0 : -1;
}

/* The credentials the clients of the last cmd_s3_clients() call share,
 * and the options they were found with (the profile name lives in argv):
 * the first client whose copy is about to expire loads fresh ones, the
 * others take them, so a fleet of workers refreshes once. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static struct creds shared;
static struct creds_options shared_opts;

static int refresh(void *ctx, time_t expiring, struct creds *out,
		   struct s3p_error *err)
{
	int rc = 0;

	(void)ctx;
	pthread_mutex_lock(&shared_lock);
	if (shared.expiration <= expiring) {
		struct creds fresh;

		if (creds_load_opts(&shared_opts, &fresh, err) < 0) {
			rc = -1;
			goto out;
		}
		creds_free(&shared);
		shared = fresh;
	}
	creds_copy(out, &shared);
out:
	pthread_mutex_unlock(&shared_lock);
	return rc;
}

int cmd_s3_client(const struct cmd_s3_opts *o, int max_concurrency,
		  struct s3_client **out, struct s3p_error *err)
{
	return cmd_s3_clients(o, max_concurrency, NULL, out, 1, err);
}

int cmd_s3_clients(const struct cmd_s3_opts *o, int max_concurrency,
		   struct http_hub *hub, struct s3_client **out, size_t n,
		   struct s3p_error *err)
{
	struct creds cr;
	struct s3_config cfg = S3_CONFIG_INIT;
	struct creds_options co = { 0 };
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	co.profile = o->profile;
	if (isatty(STDIN_FILENO))
		co.mfa_prompt = mfa_prompt;
	if (creds_load_opts(&co, &cr, err))
		return -1;
	if (o->verbose) {
		char when[32] = "";
		struct tm tm;

		if (cr.expiration) {
			gmtime_r(&cr.expiration, &tm);
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		}
		fprintf(stderr, "s3perm: credentials from %s%s%s%s%s\n",
			cr.provider, strcmp(cr.provider, cr.source) ? ": " : "",
			strcmp(cr.provider, cr.source) ? cr.source : "",
			*when ? ", expire " : "", when);
	}
	cfg.endpoint = o->endpoint;
	cfg.region = o->region;
	cfg.path_style = o->path_style ? 1 : -1;
	cfg.timeout_seconds = (int)o->timeout;
	cfg.max_concurrency = max_concurrency;
	cfg.hub = hub;
	cfg.max_attempts = cr.max_attempts;
	if (cr.expiration) {
		pthread_mutex_lock(&shared_lock);
		creds_free(&shared);
		creds_copy(&shared, &cr);
		shared_opts = co;
		shared_opts.mfa_prompt = NULL;   /* never ask again mid-run */
		pthread_mutex_unlock(&shared_lock);
		cfg.refresh = refresh;
	}
	if (o->verbose)
		cfg.verbose = trace;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = s3_client_new(&cfg, &cr, &out[i], err);   /* NULL if failed */
	creds_free(&cr);
	if (rc) {
		for (size_t i = 0; i < n; i++) {
			s3_client_free(out[i]);
			out[i] = NULL;
		}
		return -1;
	}
	return 0;
}
