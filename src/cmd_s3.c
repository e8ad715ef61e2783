/* cmd_s3.c - the S3 options and client of the S3 commands (cmd_s3.h). */
#include "cmd_s3.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "creds.h"
#include "names.h"
#include "s3.h"

const struct opt_spec cmd_s3_opts_table[CMD_S3_NOPTS] = {
	OPT_STRING(struct cmd_s3_opts, endpoint, "endpoint", 0, "URL",
		   "S3-compatible endpoint instead of AWS", NULL),
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

/* One line per attempt; the event holds no header and no secret. */
static void trace(void *ctx, const struct s3_trace_event *ev)
{
	(void)ctx;
	fprintf(stderr, "s3perm: %s %s%s -> ", ev->method, ev->host,
		ev->path_query);
	if (ev->status)
		fprintf(stderr, "%ld%s%s", ev->status, ev->code[0] ? " " : "",
			ev->code);
	else
		fprintf(stderr, "no answer (%s)", ev->transport_error);
	if (ev->request_id[0])
		fprintf(stderr, ", request id %s", ev->request_id);
	fprintf(stderr, ", %ld ms, region %s, attempt %d", ev->elapsed_ms,
		ev->region, ev->attempt);
	if (ev->backoff_ms)
		fprintf(stderr, ", retry in %u ms", ev->backoff_ms);
	fputc('\n', stderr);
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

int cmd_s3_client(const struct cmd_s3_opts *o, int max_concurrency,
		  struct s3_client **out, struct s3p_error *err)
{
	struct creds cr;
	struct s3_config cfg = S3_CONFIG_INIT;
	int rc;

	struct creds_options co = { 0 };

	*out = NULL;
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
		fprintf(stderr, "s3perm: credentials from %s: %s%s%s\n",
			cr.provider, cr.source, *when ? ", expire " : "", when);
	}
	cfg.endpoint = o->endpoint;
	cfg.region = o->region;
	cfg.path_style = o->path_style ? 1 : -1;
	cfg.timeout_seconds = (int)o->timeout;
	cfg.max_concurrency = max_concurrency;
	if (o->verbose)
		cfg.verbose = trace;
	rc = s3_client_new(&cfg, &cr, out, err);   /* *out NULL if it fails */
	creds_free(&cr);
	return rc ? -1 : 0;
}
