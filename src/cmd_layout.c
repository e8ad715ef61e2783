/* cmd_layout.c - `s3perm layout`: options in, layout report out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cmd.h"
#include "creds.h"
#include "layout.h"
#include "layout_local.h"
#include "layout_report.h"
#include "layout_s3.h"
#include "names.h"
#include "opts.h"
#include "s3.h"

enum {
	O_BUCKET, O_LOCAL, O_DATASET, O_SINCE, O_UNTIL, O_NO_CONTENT, O_JSON,
	O_ENDPOINT, O_REGION, O_PROFILE, O_PATH_STYLE, O_TIMEOUT, O_VERBOSE,
};

static const struct opt_spec layout_opts[] = {
	{ O_BUCKET, "bucket", 'b', "NAME", "check the layout of this bucket", 0 },
	{ O_LOCAL, "local", 0, "DIR",
	  "check a local directory instead (before upload)", 0 },
	{ O_DATASET, "dataset", 'd', "NAME",
	  "only this top-level dataset folder (repeatable)", 1 },
	{ O_SINCE, "since", 0, "YYYY-MM-DD", "ignore days before this one", 0 },
	{ O_UNTIL, "until", 0, "YYYY-MM-DD", "ignore days after this one", 0 },
	{ O_NO_CONTENT, "no-content", 0, NULL,
	  "skip reading the head and tail of .parquet files", 0 },
	{ O_JSON, "json", 0, NULL, "print the report as JSON", 0 },
	{ O_ENDPOINT, "endpoint", 0, "URL",
	  "S3 endpoint (an S3-compatible server)", 0 },
	{ O_REGION, "region", 0, "REGION", "the bucket's region to start with", 0 },
	{ O_PROFILE, "profile", 0, "NAME", "AWS profile for the credentials", 0 },
	{ O_PATH_STYLE, "path-style", 0, NULL,
	  "path-style addressing (endpoint/bucket/key)", 0 },
	{ O_TIMEOUT, "timeout", 0, "SECONDS",
	  "per-request timeout (default 30)", 0 },
	{ O_VERBOSE, "verbose", 'v', NULL,
	  "log each S3 request on standard error (never secrets)", 0 },
};

struct layout_args {
	const char *bucket, *local, *since, *until;
	const char *endpoint, *region, *profile, *timeout;
	const char **datasets;
	size_t ndatasets;
	int no_content, json, path_style, verbose;
};

static int on_opt(void *ctx, int id, const char *v, struct s3p_error *err)
{
	struct layout_args *a = ctx;

	switch (id) {
	case O_BUCKET: a->bucket = v; return 0;
	case O_LOCAL: a->local = v; return 0;
	case O_SINCE: a->since = v; return 0;
	case O_UNTIL: a->until = v; return 0;
	case O_ENDPOINT: a->endpoint = v; return 0;
	case O_REGION: a->region = v; return 0;
	case O_PROFILE: a->profile = v; return 0;
	case O_TIMEOUT: a->timeout = v; return 0;
	case O_NO_CONTENT: a->no_content = 1; return 0;
	case O_JSON: a->json = 1; return 0;
	case O_PATH_STYLE: a->path_style = 1; return 0;
	case O_VERBOSE: a->verbose = 1; return 0;
	case O_DATASET:
		if (!*v || strchr(v, '/'))
			return s3p_error_set(err, S3P_E_USAGE,
				"invalid dataset '%s': expected a top-level "
				"folder name, without '/'", v);
		a->datasets = xrealloc(a->datasets,
				       (a->ndatasets + 1) * sizeof(char *));
		a->datasets[a->ndatasets++] = v;
		return 0;
	default:
		return s3p_error_set(err, S3P_E_USAGE,
			"unexpected argument '%s'", v);
	}
}

static void trace(void *ctx, const struct s3_trace_event *ev)
{
	(void)ctx;
	fprintf(stderr, "s3perm: %s %s%s (%s) attempt %d: ", ev->method,
		ev->host, ev->path_query, ev->region, ev->attempt);
	if (ev->status)
		fprintf(stderr, "%ld%s%s", ev->status, *ev->code ? " " : "",
			ev->code);
	else
		fprintf(stderr, "%s", ev->transport_error);
	if (*ev->request_id)
		fprintf(stderr, " request id %s", ev->request_id);
	fprintf(stderr, ", %ld ms\n", ev->elapsed_ms);
}

static int scan_bucket(const struct layout_args *a, struct layout *l,
		       struct s3p_error *err)
{
	struct creds cr = { 0 };
	struct s3_config cfg = S3_CONFIG_INIT;
	struct s3_client *c = NULL;
	long timeout = 0;
	int rc = -1;

	if (a->timeout && opts_parse_long("timeout", a->timeout, 1, 3600,
					  &timeout, err))
		return -1;
	if (creds_load(a->profile, &cr, err))
		return -1;
	cfg.endpoint = a->endpoint;
	cfg.region = a->region;
	cfg.path_style = a->path_style ? 1 : -1;
	cfg.timeout_seconds = (int)timeout;
	cfg.max_concurrency = LAYOUT_S3_CONCURRENCY;
	if (a->verbose)
		cfg.verbose = trace;
	if (s3_client_new(&cfg, &cr, &c, err))
		goto out;
	if (s3_resolve_region(c, a->bucket, NULL, err))
		goto out;
	rc = layout_s3_scan(l, c, a->bucket, LAYOUT_S3_CONCURRENCY, err);
out:
	s3_client_free(c);
	creds_free(&cr);
	return rc;
}

static int today_utc(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		return layout_day_from_ymd(1970, 1, 1);
	return layout_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1,
				   tm.tm_mday);
}

static const char usage_line[] =
	"s3perm layout (--bucket NAME | --local DIR) [--dataset NAME ...]\n"
	"                     [--since YYYY-MM-DD] [--until YYYY-MM-DD] "
	"[--no-content] [--json]\n"
	"                     [--endpoint URL] [--region R] [--profile NAME] "
	"[--path-style]";

int cmd_layout(int argc, char **argv)
{
	struct layout_args a = { 0 };
	struct layout_options lo = { 0 };
	struct layout *l = NULL;
	struct s3p_error err = { 0 };
	char *text = NULL;
	int rc = EXIT_USAGE, r;

	r = opts_parse(argc, argv, layout_opts, OPTS_COUNT(layout_opts),
		       on_opt, &a, &err);
	if (r == OPTS_HELP) {
		opts_print_help(stdout, usage_line,
			"Check that a bucket, or a local directory before "
			"upload, has the layout the\nvendor ingests: a folder "
			"per dataset, a folder per day (YYYY-MM-DD), parquet\n"
			"files in each day.  Reports missing, empty and future "
			"days, files that are\nnot parquet, bad day names and "
			"stray objects.",
			layout_opts, OPTS_COUNT(layout_opts));
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	if (r)
		goto fail;
	if (!a.bucket == !a.local) {
		s3p_error_set(&err, S3P_E_USAGE,
			"give exactly one of '--bucket' and '--local'");
		goto fail;
	}
	if (a.local && (a.endpoint || a.region || a.profile ||
			a.path_style || a.timeout)) {
		s3p_error_set(&err, S3P_E_USAGE,
			"S3 options (--endpoint, --region, --profile, "
			"--path-style, --timeout) need '--bucket'");
		goto fail;
	}
	if (a.bucket && names_check_bucket(a.bucket, &err))
		goto fail;
	lo.since = lo.until = LAYOUT_NO_DAY;
	if (a.since && layout_parse_iso_day(a.since, &lo.since, &err)) {
		s3p_error_prefix(&err, "--since");
		goto fail;
	}
	if (a.until && layout_parse_iso_day(a.until, &lo.until, &err)) {
		s3p_error_prefix(&err, "--until");
		goto fail;
	}
	if (a.since && a.until && lo.since > lo.until) {
		s3p_error_set(&err, S3P_E_USAGE,
			"--since %s is after --until %s", a.since, a.until);
		goto fail;
	}
	lo.datasets = a.datasets;
	lo.ndatasets = a.ndatasets;
	lo.today = today_utc();
	lo.content = !a.no_content;
	l = layout_new(&lo);
	if (a.bucket ? scan_bucket(&a, l, &err) :
	    layout_local_scan(l, a.local, &err))
		goto fail;
	layout_finish(l);
	if (a.json) {
		text = layout_report_json(l, a.bucket ? LAYOUT_ROOT_BUCKET :
					  LAYOUT_ROOT_DIRECTORY,
					  a.bucket ? a.bucket : a.local, &err);
		if (!text)
			goto fail;
	} else {
		text = layout_report_text(l, a.bucket ? LAYOUT_ROOT_BUCKET :
					  LAYOUT_ROOT_DIRECTORY,
					  a.bucket ? a.bucket : a.local);
	}
	fputs(text, stdout);
	rc = layout_count_severity(l, LAYOUT_ERROR) ||
	     layout_count_severity(l, LAYOUT_WARNING) ? EXIT_FINDING :
	     EXIT_ALL_GOOD;
	goto out;
fail:
	rc = cmd_fail(&err);
out:
	free(text);
	layout_free(l);
	free(a.datasets);
	return rc;
}
