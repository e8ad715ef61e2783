/* cmd_check.c - `s3perm check`: options in, live probes (src/probe.h),
 * report out (src/report.h). */
#define _DEFAULT_SOURCE 1
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "cmd_check.h"
#include "cmd_s3.h"
#include "fleet.h"
#include "gen.h"
#include "names.h"
#include "opts.h"
#include "probe.h"
#include "report.h"
#include "s3.h"
#include "template.h"

struct check_args {
	const char *bucket;
	const char *object;
	struct cmd_principal id;   /* for the remediation */
	struct cmd_grants grants;
	struct principal pr;   /* from --user/--account/--principal */
	int have_pr;
	int no_write;
	int json;
	const char *manifest;
	long jobs;
	int summary;
	struct cmd_s3_opts s3;
};

static const struct opt_spec check_opts[] = {
	OPT_STRING(struct check_args, bucket, "bucket", 'b', "NAME",
		   "the bucket to check (required)", NULL),
	OPT_STRING(struct check_args, object, "object", 0, "KEY",
		   "an existing customer object to prove s3:GetObject on",
		   NULL),
	OPT_FLAG(struct check_args, no_write, "no-write", 0,
		 "export mode: prove only what needs no write at all"),
	OPT_FLAG(struct check_args, json, "json", 0,
		 "print the result as JSON"),
	OPT_STRING(struct check_args, manifest, "manifest", 0, "FILE",
		   "check every bucket listed in FILE (JSON lines or CSV; - "
		   "for stdin)", NULL),
	OPT_LONG(struct check_args, jobs, "jobs", 'j', "N",
		 "with --manifest: buckets checked at once (default 32)", 1,
		 FLEET_MAX_JOBS),
	OPT_FLAG(struct check_args, summary, "summary", 0,
		 "with --manifest: print the summary even when stderr is not "
		 "a terminal"),
};

int check_exit_status(const struct probe_report *rep)
{
	for (size_t i = 0; i < rep->nresults; i++)
		if (rep->results[i].status != PROBE_GRANTED)
			return EXIT_FINDING;
	return rep->nleft ? EXIT_FINDING : EXIT_ALL_GOOD;
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void trap_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* A second Ctrl-C kills at once (the first one cleans up). */
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int use_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(nc && *nc);
}

static int validate(struct check_args *a, struct s3p_error *err)
{
	if (a->manifest && a->bucket)
		return s3p_error_set(err, S3P_E_USAGE, "'--bucket' and "
			"'--manifest' exclude each other (put the bucket in "
			"the manifest)");
	if (!a->manifest && (a->jobs || a->summary))
		return s3p_error_set(err, S3P_E_USAGE, "'%s' needs "
				     "'--manifest'", a->jobs ? "--jobs" :
				     "--summary");
	if (a->manifest)
		return 0;
	if (!a->bucket)
		return s3p_error_set(err, S3P_E_USAGE,
			"missing '--bucket NAME'");
	if (names_check_bucket(a->bucket, err))
		return -1;
	if (a->object && !*a->object)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid object key '': give an existing key");
	if (a->no_write && strcmp(a->grants.mode, "export"))
		return s3p_error_set(err, S3P_E_USAGE,
			"'--no-write' applies to '--mode export' (read mode "
			"never writes)");
	if (a->id.user || a->id.principal || a->id.account) {
		const char *part;

		if (names_resolve_principal(a->id.user, a->id.account,
					    a->id.principal, a->id.partition,
					    &a->pr, &part, err))
			return -1;
		a->have_pr = 1;
	}
	return 0;
}

/* Probe the grants under one prefix (NULL: the whole bucket) and append
 * its report to out.  Returns the exit status of this prefix. */
static int check_one(struct s3_client *c, const struct check_args *a,
		     const char *prefix, struct buf *out)
{
	struct s3p_error err = { S3P_OK, "" };
	struct probe_params pp;
	struct probe_report rep;
	struct report_opts ro;
	struct buf left = BUF_INIT;
	int rc, ok;

	memset(&rep, 0, sizeof(rep));
	memset(&pp, 0, sizeof(pp));
	pp.bucket = a->bucket;
	pp.mode = a->grants.mode;
	pp.prefix = prefix;
	pp.object = a->object;
	pp.templates_dir = a->grants.templates;
	pp.endpoint = s3_client_is_aws(c) ? NULL : s3_client_endpoint(c);
	pp.no_write = a->no_write;
	pp.stop = &stop_flag;
	if (a->have_pr)
		pp.principal = a->pr.arn;
	trap_signals();
	ok = probe_run(c, &pp, &rep, &err) == 0;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);

	memset(&ro, 0, sizeof(ro));
	ro.user = a->id.user;
	ro.account = a->id.account;
	ro.principal = a->id.principal;
	ro.templates_dir = a->grants.templates;
	ro.endpoint = pp.endpoint;
	ro.color = !a->json && use_color();
	if (!ok) {
		report_leftovers(&rep, &left);
		fputs(buf_str(&left), stderr);
		rc = cmd_fail(&err);
		goto done;
	}
	if ((a->json ? report_json(&rep, &ro, out, &err) :
	     report_table(&rep, &ro, out, &err)) < 0) {
		rc = cmd_fail(&err);
		goto done;
	}
	rc = check_exit_status(&rep);
done:
	buf_release(&left);
	probe_report_release(&rep);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	struct check_args a;
	const struct opt_group groups[] = {
		OPT_GROUP(check_opts, &a), CMD_GRANTS_GROUP(&a.grants),
		CMD_PRINCIPAL_GROUP(&a.id), CMD_S3_GROUP(&a.s3),
	};
	struct s3p_error err = { S3P_OK, "" };
	struct s3_client *c = NULL;
	struct buf out = BUF_INIT;
	const struct opt_list *pl = &a.grants.prefixes;
	int rc;

	memset(&a, 0, sizeof(a));
	rc = opts_parse(argc, argv, groups, OPTS_COUNT(groups), &err);
	if (rc == OPTS_HELP) {
		opts_print_help(stdout, "s3perm check --bucket NAME [--mode "
				"read|export] [--prefix P ...] [options]\n"
				"       s3perm check --manifest FILE|- [--jobs N] "
				"[--summary] [options]",
				"Prove, with live signed requests made as the "
				"principal being granted, that\nevery grant "
				"of the mode works; name each missing one and "
				"the statements that\nadd it.  Exit 0: all "
				"granted; 1: a grant missing or unknown; 2: "
				"usage;\n3: S3 could not be reached or "
				"authenticated.", groups, OPTS_COUNT(groups));
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	if (!a.grants.mode)
		a.grants.mode = "read";
	if (rc < 0 || validate(&a, &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (a.manifest) {
		struct check_defaults d;

		memset(&d, 0, sizeof(d));
		d.grants = &a.grants;
		d.id = &a.id;
		d.object = a.object;
		d.no_write = a.no_write;
		d.json = a.json;
		d.summary = a.summary;
		d.jobs = a.jobs ? a.jobs : 32;
		d.manifest = a.manifest;
		d.s3 = &a.s3;
		trap_signals();
		rc = cmd_check_fleet(&d, &stop_flag);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		goto out;
	}
	if (cmd_s3_client(&a.s3, 0, &c, &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	/* One check per prefix, in the order given; the worst status wins
	 * and a check that could not run stops the rest.  Several prefixes
	 * with --json: a JSON array of the reports. */
	rc = EXIT_ALL_GOOD;
	if (a.json && pl->n > 1)
		buf_puts(&out, "[\n");
	for (size_t i = 0; i < (pl->n ? pl->n : 1); i++) {
		int r;

		if (i && !a.json)
			buf_puts(&out, "\n");
		if (i && a.json)
			buf_puts(&out, ",\n");
		r = check_one(c, &a, pl->n ? pl->items[i] : NULL, &out);
		if (r > rc)
			rc = r;
		if (r >= EXIT_USAGE || stop_flag)
			break;
	}
	if (a.json && pl->n > 1)
		buf_puts(&out, "]\n");
	if (rc < EXIT_USAGE)
		fputs(buf_str(&out), stdout);
out:
	buf_release(&out);
	s3_client_free(c);
	opts_release(groups, OPTS_COUNT(groups));
	return rc;
}
