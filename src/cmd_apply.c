/* cmd_apply.c - `s3perm apply`: gen's merge (or removal) done on the live
 * bucket with the customer's credentials: diff, backup, confirmation,
 * a re-read before the write, a re-read and evaluation after it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "buf.h"
#include "cmd.h"
#include "cmd_s3.h"
#include "names.h"
#include "opts.h"
#include "s3.h"

struct apply_args {
	const char *bucket, *backup;
	int remove, dry_run, yes, json;
	struct cmd_principal pr;
	struct cmd_grants grants;
	struct cmd_s3_opts s3;
};

static const struct opt_spec apply_opts[] = {
	OPT_STRING(struct apply_args, bucket, "bucket", 'b', "NAME",
		   "the bucket (required)", NULL),
	OPT_FLAG(struct apply_args, remove, "remove", 0,
		 "take the vendor's grants out instead (offboarding)"),
	OPT_FLAG(struct apply_args, dry_run, "dry-run", 0,
		 "show the diff and write nothing"),
	OPT_FLAG(struct apply_args, yes, "yes", 'y',
		 "apply without asking (required without a terminal)"),
	OPT_STRING(struct apply_args, backup, "backup", 0, "FILE",
		   "save the current policy to FILE (default "
		   "BUCKET.policy.TIME.json)", NULL),
	OPT_FLAG(struct apply_args, json, "json", 0,
		 "print the outcome as JSON"),
};

static const char usage_line[] =
	"s3perm apply --bucket NAME (--user NAME [--account ID] | "
	"--principal ARN)\n"
	"                     [--mode read|export] [--prefix P ...] [--remove]\n"
	"                     [--dry-run] [--yes] [--backup FILE] [--json]\n"
	"                     " CMD_S3_USAGE;

/* Ask on the terminal; 1 for yes. */
static int confirm(const char *bucket)
{
	char line[64];

	fprintf(stderr, "apply this change to the policy of bucket '%s'? "
		"[y/N] ", bucket);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static int print_json(const struct apply_request *rq,
		      const struct apply_state *st)
{
	char *j = apply_json(rq, st);

	if (j)
		fputs(j, stdout);
	free(j);
	return j ? 0 : -1;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_args a;
	const struct opt_group groups[] = {
		OPT_GROUP(apply_opts, &a), CMD_PRINCIPAL_GROUP(&a.pr),
		CMD_GRANTS_GROUP(&a.grants), CMD_S3_GROUP(&a.s3),
	};
	struct apply_request rq;
	struct apply_state st;
	struct s3_client *c = NULL;
	struct s3p_error err = { 0 };
	struct buf diff = BUF_INIT;
	char backup[1100], label[512];
	int rc = EXIT_USAGE, r, have_state = 0;

	memset(&a, 0, sizeof(a));
	memset(&rq, 0, sizeof(rq));
	memset(&st, 0, sizeof(st));
	r = opts_parse(argc, argv, groups, OPTS_COUNT(groups), &err);
	if (r == OPTS_HELP) {
		opts_print_help(stdout, usage_line,
			"Merge the vendor's grants into the bucket's policy "
			"(or take them out with\n--remove) with your "
			"credentials: show the diff, save a backup, ask,\n"
			"write, and prove the result.",
			groups, OPTS_COUNT(groups));
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	if (r) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (!a.bucket) {
		s3p_error_set(&err, S3P_E_USAGE,
			"missing --bucket (see 's3perm apply --help')");
		rc = cmd_fail(&err);
		goto out;
	}
	rq.gen.mode = a.grants.mode ? a.grants.mode : "read";
	rq.gen.bucket = a.bucket;
	rq.gen.user = a.pr.user;
	rq.gen.account = a.pr.account;
	rq.gen.principal = a.pr.principal;
	rq.gen.partition = a.pr.partition;
	rq.gen.prefixes = a.grants.prefixes.items;
	rq.gen.nprefixes = a.grants.prefixes.n;
	rq.gen.remove = a.remove;
	rq.gen.format = "json";
	rq.gen.templates_dir = a.grants.templates;
	/* check every parameter before any request */
	{
		struct gen_request g = rq.gen;
		struct gen_result res;

		g.remove = 0;
		if (gen_run(&g, &res, &err)) {
			rc = cmd_fail(&err);
			goto out;
		}
		gen_result_release(&res);
	}
	if (cmd_s3_client(&a.s3, 0, &c, &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	have_state = 1;
	if (apply_prepare(c, &rq, &st, &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	for (size_t i = 0; i < st.gen.nwarnings; i++)
		cmd_say("warning", st.gen.warnings[i]);
	if (!st.changed) {
		if (a.json)
			print_json(&rq, &st);
		else
			fprintf(stderr, "s3perm: nothing to change: the policy "
				"of bucket '%s' already %s\n", a.bucket,
				a.remove ? "holds no statement of the "
				"vendor's" : "grants what the mode needs");
		for (size_t i = 0; i < st.gen.nerrors; i++)
			cmd_say("error", st.gen.errors[i]);
		rc = st.gen.nerrors ? EXIT_FINDING : EXIT_ALL_GOOD;
		goto out;
	}
	if (!a.json) {
		snprintf(label, sizeof(label), "the policy of bucket '%s' "
			 "%s", a.bucket, st.before_text ? "now" :
			 "now (none)");
		apply_diff(st.before_pretty, st.after_pretty, label,
			   st.delete_policy ? "no policy (DeleteBucketPolicy)"
			   : "the policy apply writes", cmd_color(STDOUT_FILENO), &diff);
		fputs(buf_str(&diff), stdout);
		fflush(stdout);
	}
	if (a.dry_run) {
		if (a.json)
			print_json(&rq, &st);
		fprintf(stderr, "s3perm: dry run: nothing was written\n");
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	if (!a.yes) {
		if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
			s3p_error_set(&err, S3P_E_USAGE,
				"not on a terminal: give --yes to apply "
				"without confirmation (or --dry-run to see "
				"the change); nothing was written");
			rc = cmd_fail(&err);
			goto out;
		}
		if (!confirm(a.bucket)) {
			fprintf(stderr, "s3perm: not applied: nothing was "
				"written\n");
			rc = EXIT_FINDING;
			goto out;
		}
	}
	if (a.backup) {
		snprintf(backup, sizeof(backup), "%s", a.backup);
	} else {
		apply_backup_name(a.bucket, time(NULL), backup,
				  sizeof(backup));
	}
	r = apply_backup(&st, backup, &err);
	/* the default name is taken (two runs in one second): -1, -2 ... */
	for (int n = 1; r && !a.backup && n < 100 && access(backup, F_OK) == 0;
	     n++) {
		char base[1024];

		apply_backup_name(a.bucket, time(NULL), base, sizeof(base));
		base[strlen(base) - 5] = 0;   /* without ".json" */
		if (snprintf(backup, sizeof(backup), "%s-%d.json", base, n) >=
		    (int)sizeof(backup))
			break;   /* no room for the suffix: stop trying */
		r = apply_backup(&st, backup, &err);
	}
	if (r) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (st.backup_path)
		fprintf(stderr, "s3perm: the current policy is saved in "
			"'%s' (restore: aws s3api put-bucket-policy --bucket "
			"%s --policy file://%s)\n", st.backup_path, a.bucket,
			st.backup_path);
	else
		fprintf(stderr, "s3perm: no backup: bucket '%s' has no policy "
			"yet\n", a.bucket);
	r = apply_commit(c, &rq, &st, &err);
	if (r < 0) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (r == APPLY_RACE) {
		fprintf(stderr, "s3perm: error: the policy of bucket '%s' "
			"changed since it was read (someone else is editing "
			"it): nothing was written; run apply again\n",
			a.bucket);
		if (a.json)
			print_json(&rq, &st);
		rc = EXIT_FINDING;
		goto out;
	}
	fprintf(stderr, "s3perm: %s the policy of bucket '%s'\n",
		st.delete_policy ? "deleted (no statement was left)" :
		"wrote", a.bucket);
	if (apply_check(c, &rq, &st, &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (a.json)
		print_json(&rq, &st);
	for (size_t i = 0; i < st.gen.nerrors; i++)
		cmd_say("error", st.gen.errors[i]);
	for (size_t i = 0; i < st.nproblems; i++)
		cmd_say("error", st.problems[i]);
	if (!st.nproblems && !st.gen.nerrors)
		fprintf(stderr, "s3perm: checked after the write: %s\n",
			a.remove ? "the vendor has no grant of either mode "
			"left in this policy" : "every grant of the mode is "
			"allowed");
	rc = st.nproblems || st.gen.nerrors ? EXIT_FINDING : EXIT_ALL_GOOD;
out:
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "s3perm: error: cannot write standard "
			"output\n");
		rc = EXIT_USAGE;
	}
	buf_release(&diff);
	if (have_state)
		apply_state_release(&st);
	s3_client_free(c);
	opts_release(groups, OPTS_COUNT(groups));
	return rc;
}
