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
#include "http.h"
#include "names.h"
#include "opts.h"
#include "probe.h"
#include "report.h"
#include "s3.h"
#include "template.h"

struct check_args {
	const char *bucket;
	const char *object;
	const char *upload_key;
	const char *upload_id;
	struct cmd_principal id;   /* for the remediation */
	struct cmd_grants grants;
	struct principal pr;   /* from --user/--account/--principal */
	int have_pr;
	int no_write;
	int json;
	const char *manifest;
	long jobs;
	long per_endpoint;
	int summary;
	int strict;
	struct cmd_s3_opts s3;
};

static const struct opt_spec check_opts[] = {
	OPT_STRING(struct check_args, bucket, "bucket", 'b', "NAME",
		   "the bucket to check (required)", NULL),
	OPT_STRING(struct check_args, object, "object", 0, "KEY",
		   "an existing customer object to prove s3:GetObject on",
		   NULL),
	OPT_STRING(struct check_args, upload_key, "upload-key", 0, "KEY",
		   "the key of a customer upload in progress (with "
		   "--upload-id) to prove s3:ListMultipartUploadParts on",
		   NULL),
	OPT_STRING(struct check_args, upload_id, "upload-id", 0, "ID",
		   "the id of that upload (with --upload-key)", NULL),
	OPT_FLAG(struct check_args, no_write, "no-write", 0,
		 "export mode: prove only what needs no write at all"),
	OPT_FLAG(struct check_args, strict, "strict", 0,
		 "exit 1 on any unknown verdict, also one that only lacks "
		 "data to test on"),
	OPT_FLAG(struct check_args, json, "json", 0,
		 "print the result as JSON"),
	OPT_STRING(struct check_args, manifest, "manifest", 0, "FILE",
		   "check every bucket listed in FILE (JSON lines or CSV; - "
		   "for stdin)", NULL),
	OPT_LONG(struct check_args, jobs, "jobs", 'j', "N",
		 "with --manifest: buckets checked at once (default 32)", 1,
		 FLEET_MAX_JOBS),
	OPT_LONG(struct check_args, per_endpoint, "per-endpoint", 0, "N",
		 "with --manifest: requests in flight to one S3 endpoint "
		 "(default 64)", 1, HTTP_HUB_PER_HOST_MAX),
	OPT_FLAG(struct check_args, summary, "summary", 0,
		 "with --manifest: print the summary even when stderr is not "
		 "a terminal"),
};

int check_exit_status(const struct probe_report *rep, int strict)
{
	return probe_report_needs_fix(rep, strict) ? EXIT_FINDING :
						     EXIT_ALL_GOOD;
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

/* Is key given, with --prefix given, and under none of them? */
static int outside_prefixes(const struct check_args *a, const char *key)
{
	const struct opt_list *pl = &a->grants.prefixes;

	if (!key || !pl->n)
		return 0;
	for (size_t i = 0; i < pl->n; i++)
		if (!strncmp(key, pl->items[i], strlen(pl->items[i])))
			return 0;
	return 1;
}

static int validate(struct check_args *a, struct s3p_error *err)
{
	if (a->manifest && a->bucket)
		return s3p_error_set(err, S3P_E_USAGE, "'--bucket' and "
			"'--manifest' exclude each other (put the bucket in "
			"the manifest)");
	if (!a->manifest && (a->jobs || a->per_endpoint || a->summary))
		return s3p_error_set(err, S3P_E_USAGE, "'%s' needs "
				     "'--manifest'", a->jobs ? "--jobs" :
				     a->per_endpoint ? "--per-endpoint" :
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
	/* --no-write in read mode is accepted: read never writes */
	if (!a->upload_key != !a->upload_id)
		return s3p_error_set(err, S3P_E_USAGE,
			"'--upload-key KEY' and '--upload-id ID' go together: "
			"ListParts names the upload by both");
	if ((a->upload_key && !*a->upload_key) ||
	    (a->upload_id && !*a->upload_id))
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid upload: give the key and id of an upload in "
			"progress");
	if (outside_prefixes(a, a->object))
		return s3p_error_set(err, S3P_E_USAGE,
			"'--object %s' is outside every '--prefix': the check "
			"would prove a grant on a key the policy does not "
			"cover", a->object);
	if (outside_prefixes(a, a->upload_key))
		return s3p_error_set(err, S3P_E_USAGE,
			"'--upload-key %s' is outside every '--prefix': the "
			"check would prove a grant on a key the policy does not "
			"cover", a->upload_key);
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
	if (a->object && (!prefix || !strncmp(a->object, prefix,
					      strlen(prefix))))
		pp.object = a->object;
	/* With several prefixes, the upload proves its own prefix's grant. */
	if (a->upload_key && (!prefix || !strncmp(a->upload_key, prefix,
						  strlen(prefix)))) {
		pp.upload_key = a->upload_key;
		pp.upload_id = a->upload_id;
	}
	pp.templates_dir = a->grants.templates;
	pp.endpoint = s3_client_is_aws(c) ? NULL : s3_client_endpoint(c);
	pp.no_write = a->no_write;
	pp.stop = &stop_flag;
	pp.identity = 1;
	if (a->have_pr)
		pp.principal = a->pr.arn;
	ok = probe_run(c, &pp, &rep, &err) == 0;

	memset(&ro, 0, sizeof(ro));
	ro.user = a->id.user;
	ro.account = a->id.account;
	ro.principal = a->id.principal;
	ro.templates_dir = a->grants.templates;
	ro.caller_arn = rep.caller_arn;
	ro.endpoint = pp.endpoint;
	ro.color = !a->json && cmd_color(STDOUT_FILENO);
	ro.verbose = a->s3.verbose;
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
	/* 0: nothing to fix (an unknown that only lacks data to test on is
	 * listed, not a failure, unless --strict); 1: something to fix. */
	rc = check_exit_status(&rep, a->strict);
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
				"[--per-endpoint N] [--summary] [options]",
				"Prove, with live signed requests made as the "
				"principal being granted, that\nevery grant "
				"of the mode works; name each missing one and "
				"the statements that\nadd it.  Exit 0: nothing "
				"to fix (an unknown that only lacks data to\ntest "
				"on is allowed, except with --strict); 1: a grant "
				"missing or unknown;\n2: usage; 3: S3 could not be "
				"reached or authenticated.", groups, OPTS_COUNT(groups));
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
		d.strict = a.strict;
		d.jobs = a.jobs ? a.jobs : 32;
		d.per_endpoint = a.per_endpoint ? a.per_endpoint :
			HTTP_HUB_PER_HOST_DEFAULT;
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
	/* From the first request to the exit: a signal at any point lets the
	 * cleanup finish and ends with "interrupted", exit 3. */
	trap_signals();
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
	if (rc < EXIT_USAGE && !stop_flag)
		fputs(buf_str(&out), stdout);
	if (stop_flag && rc < EXIT_USAGE) {
		/* after the last probe's cleanup: everything was removed
		 * (what was not is in the report's left-behind list) */
		struct s3p_error ie;

		s3p_error_set(&ie, S3P_E_S3, "check interrupted; the probes "
			      "and their cleanup had finished");
		rc = cmd_fail(&ie);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
out:
	buf_release(&out);
	s3_client_free(c);
	opts_release(groups, OPTS_COUNT(groups));
	return rc;
}
