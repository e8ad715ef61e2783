/* cmd_layout.c - `s3perm layout`: options in, layout report out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cmd.h"
#include "cmd_s3.h"
#include "layout.h"
#include "layout_local.h"
#include "layout_report.h"
#include "layout_s3.h"
#include "names.h"
#include "opts.h"
#include "s3.h"

enum {
	O_BUCKET, O_LOCAL, O_DATASET, O_SINCE, O_UNTIL, O_NO_CONTENT, O_JSON,
	O_SCHEMA, O_OUTLIER,
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
	  "skip reading the head and footer of .parquet files", 0 },
	{ O_SCHEMA, "schema", 0, NULL,
	  "print only each dataset's schema", 0 },
	{ O_OUTLIER, "outlier-pct", 0, "N",
	  "a day under N% of the median day's rows is an outlier (25)", 0 },
	{ O_JSON, "json", 0, NULL, "print the report as JSON", 0 },
	CMD_S3_OPTIONS
};

struct layout_args {
	const char *bucket, *local, *since, *until;
	const char **datasets;
	size_t ndatasets;
	int no_content, json, schema;
	long outlier_pct;
	struct cmd_s3_opts s3;   /* with --bucket */
};

static int on_opt(void *ctx, int id, const char *v, struct s3p_error *err)
{
	struct layout_args *a = ctx;

	switch (id) {
	case O_BUCKET: a->bucket = v; return 0;
	case O_LOCAL: a->local = v; return 0;
	case O_SINCE: a->since = v; return 0;
	case O_UNTIL: a->until = v; return 0;
	case O_NO_CONTENT: a->no_content = 1; return 0;
	case O_JSON: a->json = 1; return 0;
	case O_SCHEMA: a->schema = 1; return 0;
	case O_OUTLIER:
		return opts_parse_long("outlier-pct", v, 1, 100,
				       &a->outlier_pct, err);
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
		return cmd_s3_option(&a->s3, id, v, err);
	}
}

static int scan_bucket(const struct layout_args *a, struct layout *l,
		       struct s3p_error *err)
{
	struct s3_client *c = NULL;
	int rc = -1;

	if (cmd_s3_client(&a->s3, LAYOUT_S3_CONCURRENCY, &c, err))
		return -1;
	if (s3_resolve_region(c, a->bucket, NULL, err))
		goto out;
	rc = layout_s3_scan(l, c, a->bucket, LAYOUT_S3_CONCURRENCY, err);
out:
	s3_client_free(c);
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
	"                     [--schema] [--outlier-pct N]\n"
	"                     " CMD_S3_USAGE;

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
			"stray objects; reads each parquet footer for\nthe "
			"schema (drift between days) and the rows per day "
			"(empty days, outliers).",
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
	if (a.local && a.s3.given) {
		s3p_error_set(&err, S3P_E_USAGE,
			"S3 options (" CMD_S3_OPTION_NAMES ") need '--bucket'");
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
	if (a.schema && a.no_content) {
		s3p_error_set(&err, S3P_E_USAGE,
			"'--schema' needs the footers: drop '--no-content'");
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
	lo.outlier_pct = (unsigned)a.outlier_pct;
	l = layout_new(&lo);
	if (a.bucket ? scan_bucket(&a, l, &err) :
	    layout_local_scan(l, a.local, &err))
		goto fail;
	layout_finish(l);
	if (a.schema && !a.json) {
		text = layout_report_schema(l);
	} else if (a.json) {
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
