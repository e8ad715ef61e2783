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

enum {
	O_BUCKET, O_MODE, O_PREFIX, O_OBJECT, O_NO_WRITE, O_JSON,
	O_TEMPLATES, O_USER, O_ACCOUNT, O_PRINCIPAL, O_MANIFEST, O_JOBS,
	O_SUMMARY
};

static const struct opt_spec check_opts[] = {
	{ O_BUCKET, "bucket", 'b', "NAME", "the bucket to check (required)", 0 },
	{ O_MODE, "mode", 'm', "MODE", "read (default) or export", 0 },
	{ O_PREFIX, "prefix", 0, "PREFIX",
	  "the grants are limited to keys under PREFIX", 0 },
	{ O_OBJECT, "object", 0, "KEY",
	  "an existing customer object to prove s3:GetObject on", 0 },
	{ O_NO_WRITE, "no-write", 0, NULL,
	  "export mode: prove only what needs no write at all", 0 },
	{ O_JSON, "json", 0, NULL, "print the result as JSON", 0 },
	{ O_TEMPLATES, "templates", 0, "DIR",
	  "read the grant templates from DIR", 0 },
	{ O_USER, "user", 0, "NAME",
	  "remediation: the principal is IAM user NAME of --account", 0 },
	{ O_ACCOUNT, "account", 0, "ID",
	  "remediation: account of --user (default 999689269917)", 0 },
	{ O_PRINCIPAL, "principal", 0, "ARN",
	  "remediation: the principal ARN being checked", 0 },
	{ O_MANIFEST, "manifest", 0, "FILE",
	  "check every bucket listed in FILE (JSON lines or CSV; - for "
	  "stdin)", 0 },
	{ O_JOBS, "jobs", 'j', "N",
	  "with --manifest: buckets checked at once (default 32)", 0 },
	{ O_SUMMARY, "summary", 0, NULL,
	  "with --manifest: print the summary even when stderr is not a "
	  "terminal", 0 },
	CMD_S3_OPTIONS
};

struct check_args {
	const char *bucket;
	const char *mode;
	const char *prefix;
	const char *object;
	const char *templates;
	const char *user;
	const char *account;
	const char *principal;
	struct principal pr;   /* from --user/--account/--principal */
	int have_pr;
	int no_write;
	int json;
	const char *manifest;
	long jobs;
	int summary;
	struct cmd_s3_opts s3;
};

static int on_opt(void *ctx, int id, const char *v, struct s3p_error *err)
{
	struct check_args *a = ctx;

	switch (id) {
	case O_BUCKET: a->bucket = v; break;
	case O_MODE: a->mode = v; break;
	case O_PREFIX: a->prefix = v; break;
	case O_OBJECT: a->object = v; break;
	case O_NO_WRITE: a->no_write = 1; break;
	case O_JSON: a->json = 1; break;
	case O_TEMPLATES: a->templates = v; break;
	case O_USER: a->user = v; break;
	case O_ACCOUNT: a->account = v; break;
	case O_PRINCIPAL: a->principal = v; break;
	case O_MANIFEST: a->manifest = v; break;
	case O_JOBS:
		return opts_parse_long("--jobs", v, 1, FLEET_MAX_JOBS,
				       &a->jobs, err);
	case O_SUMMARY: a->summary = 1; break;
	default: return cmd_s3_option(&a->s3, id, v, err);
	}
	return 0;
}

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
	if (a->manifest) {
		if (a->bucket)
			return s3p_error_set(err, S3P_E_USAGE, "'--bucket' and "
				"'--manifest' exclude each other (put the "
				"bucket in the manifest)");
		if (template_check_mode(a->mode, err))
			return -1;
		if (a->prefix && names_check_prefix(a->prefix, err))
			return -1;
		return 0;
	}
	if (a->jobs || a->summary)
		return s3p_error_set(err, S3P_E_USAGE, "'%s' needs "
				     "'--manifest'", a->jobs ? "--jobs" :
				     "--summary");
	if (!a->bucket)
		return s3p_error_set(err, S3P_E_USAGE,
			"missing '--bucket NAME'");
	if (names_check_bucket(a->bucket, err) ||
	    template_check_mode(a->mode, err))
		return -1;
	if (a->prefix && names_check_prefix(a->prefix, err))
		return -1;
	if (a->object && !*a->object)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid object key '': give an existing key");
	if (a->no_write && strcmp(a->mode, "export"))
		return s3p_error_set(err, S3P_E_USAGE,
			"'--no-write' applies to '--mode export' (read mode "
			"never writes)");
	if (a->user || a->principal || a->account) {
		const char *part;

		if (names_resolve_principal(a->user, a->account, a->principal,
					    NULL, &a->pr, &part, err))
			return -1;
		a->have_pr = 1;
	}
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct check_args a;
	struct s3p_error err = { S3P_OK, "" };
	struct s3_client *c = NULL;
	struct probe_params pp;
	struct probe_report rep;
	struct report_opts ro;
	struct buf out = BUF_INIT;
	int rc, ok;

	memset(&a, 0, sizeof(a));
	memset(&rep, 0, sizeof(rep));
	a.mode = "read";
	rc = opts_parse(argc, argv, check_opts, OPTS_COUNT(check_opts), on_opt,
			&a, &err);
	if (rc == OPTS_HELP) {
		opts_print_help(stdout, "s3perm check --bucket NAME [--mode "
				"read|export] [options]\n"
				"       s3perm check --manifest FILE|- [--jobs N] "
				"[--summary] [options]",
				"Prove, with live signed requests made as the "
				"principal being granted, that\nevery grant "
				"of the mode works; name each missing one and "
				"the statements that\nadd it.  Exit 0: all "
				"granted; 1: a grant missing or unknown; 2: "
				"usage;\n3: S3 could not be reached or "
				"authenticated.", check_opts,
				OPTS_COUNT(check_opts));
		return EXIT_ALL_GOOD;
	}
	if (rc < 0 || validate(&a, &err))
		return cmd_fail(&err);
	if (a.manifest) {
		struct check_defaults d;

		memset(&d, 0, sizeof(d));
		d.mode = a.mode;
		d.prefix = a.prefix;
		d.object = a.object;
		d.templates = a.templates;
		d.user = a.user;
		d.account = a.account;
		d.principal = a.principal;
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
		return rc;
	}

	if (cmd_s3_client(&a.s3, 0, &c, &err))
		return cmd_fail(&err);

	memset(&pp, 0, sizeof(pp));
	pp.bucket = a.bucket;
	pp.mode = a.mode;
	pp.prefix = a.prefix;
	pp.object = a.object;
	pp.templates_dir = a.templates;
	pp.endpoint = s3_client_is_aws(c) ? NULL : s3_client_endpoint(c);
	pp.no_write = a.no_write;
	pp.stop = &stop_flag;
	if (a.have_pr)
		pp.principal = a.pr.arn;
	trap_signals();
	ok = probe_run(c, &pp, &rep, &err) == 0;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);

	memset(&ro, 0, sizeof(ro));
	ro.user = a.user;
	ro.account = a.account;
	ro.principal = a.principal;
	ro.templates_dir = a.templates;
	ro.endpoint = pp.endpoint;
	ro.color = !a.json && use_color();
	if (!ok) {
		report_leftovers(&rep, &out);
		fputs(buf_str(&out), stderr);
		rc = cmd_fail(&err);
		goto done;
	}
	if ((a.json ? report_json(&rep, &ro, &out, &err) :
	     report_table(&rep, &ro, &out, &err)) < 0) {
		rc = cmd_fail(&err);
		goto done;
	}
	fputs(buf_str(&out), stdout);
	rc = check_exit_status(&rep);
done:
	buf_release(&out);
	probe_report_release(&rep);
	s3_client_free(c);
	return rc;
}
