/* cmd_layout.c - `s3perm layout`: options in, layout report out. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

struct layout_args {
	const char *bucket, *local, *since, *until;
	struct opt_list datasets;
	int no_content, json, schema, strict;
	long outlier_pct;
	struct cmd_s3_opts s3;   /* with --bucket */
};

/* --dataset NAME: a top-level folder. */
static int check_dataset(const char *v, struct s3p_error *err)
{
	if (!*v || strchr(v, '/'))
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid dataset '%s': expected a top-level "
			"folder name, without '/'", v);
	return 0;
}

static const struct opt_spec layout_opts[] = {
	OPT_STRING(struct layout_args, bucket, "bucket", 'b', "NAME",
		   "check the layout of this bucket", NULL),
	OPT_STRING(struct layout_args, local, "local", 0, "DIR",
		   "check a local directory instead (before upload)", NULL),
	OPT_LIST(struct layout_args, datasets, "dataset", 'd', "NAME",
		 "only this top-level dataset folder (repeatable)",
		 check_dataset),
	OPT_STRING(struct layout_args, since, "since", 0, "YYYY-MM-DD",
		   "ignore days before this one", NULL),
	OPT_STRING(struct layout_args, until, "until", 0, "YYYY-MM-DD",
		   "ignore days after this one", NULL),
	OPT_FLAG(struct layout_args, no_content, "no-content", 0,
		 "skip reading the head and footer of .parquet files"),
	OPT_FLAG(struct layout_args, schema, "schema", 0,
		 "print only each dataset's schema"),
	OPT_LONG(struct layout_args, outlier_pct, "outlier-pct", 0, "N",
		 "a day under N% of the median day's rows is an outlier (25)",
		 1, 100),
	OPT_FLAG(struct layout_args, json, "json", 0,
		 "print the report as JSON"),
	CMD_OPT_STRICT(struct layout_args, strict),
};

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

/* The progress line on a terminal (stderr): objects listed, files read,
 * the rate; at once, then at most five times a second. */
struct progress {
	struct timespec t0, last;
	int shown;
};

static void on_progress(void *ctx, uint64_t listed, uint64_t read)
{
	struct progress *p = ctx;
	double el;

	if (cmd_seconds_since(&p->last) < 0.2)
		return;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
	el = cmd_seconds_since(&p->t0);
	fprintf(stderr, "\r\033[Ks3perm: %" PRIu64 " objects listed, %" PRIu64
		" files read, %.0f objects/s", listed, read,
		el > 0 ? (double)listed / el : 0.0);
	p->shown = 1;
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
	const struct opt_group groups[] = {
		OPT_GROUP(layout_opts, &a), CMD_S3_GROUP(&a.s3),
	};
	struct layout_options lo = { 0 };
	struct layout *l = NULL;
	struct s3p_error err = { 0 };
	char *text = NULL;
	struct progress prog = { { 0, 0 }, { 0, 0 }, 0 };
	int rc = EXIT_USAGE, r;

	r = opts_parse(argc, argv, groups, OPTS_COUNT(groups), &err);
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
			groups, OPTS_COUNT(groups));
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
	lo.datasets = a.datasets.items;
	lo.ndatasets = a.datasets.n;
	lo.today = today_utc();
	lo.content = !a.no_content;
	lo.outlier_pct = (unsigned)a.outlier_pct;
	if (isatty(STDERR_FILENO)) {
		clock_gettime(CLOCK_MONOTONIC, &prog.t0);
		lo.progress = on_progress;
		lo.progress_ctx = &prog;
	}
	l = layout_new(&lo);
	rc = a.bucket ? scan_bucket(&a, l, &err) :
		layout_local_scan(l, a.local, &err);
	if (prog.shown)
		fputs("\r\033[K", stderr);
	if (rc)
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
	/* the one rule: errors are something to fix; warnings too with
	 * --strict */
	rc = finding_max_severity(layout_findings(l)) >=
	     (int)(a.strict ? SEVERITY_WARNING : SEVERITY_ERROR) ?
	     EXIT_FINDING : EXIT_ALL_GOOD;
	goto out;
fail:
	rc = cmd_fail(&err);
out:
	free(text);
	layout_free(l);
	opts_release(groups, OPTS_COUNT(groups));
	return rc;
}
