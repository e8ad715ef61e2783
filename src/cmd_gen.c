/* cmd_gen.c - `s3perm gen`: options in, policy out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "gen.h"
#include "names.h"
#include "opts.h"
#include "output.h"
#include "policy.h"
#include "template.h"

struct gen_args {
	const char *bucket, *merge, *format, *output, *tf_name;
	int remove;
	struct cmd_principal pr;
	struct cmd_grants grants;
};

static const struct opt_spec gen_opts[] = {
	OPT_STRING(struct gen_args, bucket, "bucket", 'b', "NAME",
		   "the bucket (required)", NULL),
	OPT_STRING(struct gen_args, merge, "merge", 0, "FILE|-",
		   "keep every statement of the bucket's current policy", NULL),
	OPT_FLAG(struct gen_args, remove, "remove", 0,
		 "with --merge: take the vendor's statements out instead"),
	OPT_STRING(struct gen_args, format, "format", 'f', "FORMAT",
		   "json (default), terraform or cloudformation", NULL),
	OPT_STRING(struct gen_args, tf_name, "tf-name", 0, "NAME",
		   "the Terraform resource name (default: from the bucket)",
		   NULL),
	OPT_STRING(struct gen_args, output, "output", 'o', "FILE",
		   "write to FILE atomically instead of standard output", NULL),
};

static const char usage_line[] =
	"s3perm gen --bucket NAME (--user NAME [--account ID] | --principal ARN)\n"
	"                  [--mode read|export] [--prefix P ...] "
	"[--merge FILE|- [--remove]]\n"
	"                  [--format json|terraform|cloudformation] [-o FILE]";

int cmd_gen(int argc, char **argv)
{
	struct gen_args a = { 0 };
	const struct opt_group groups[] = {
		OPT_GROUP(gen_opts, &a), CMD_PRINCIPAL_GROUP(&a.pr),
		CMD_GRANTS_GROUP(&a.grants),
	};
	struct gen_request req = { 0 };
	struct gen_result res = { 0 };
	struct s3p_error err = { 0 };
	int rc = EXIT_USAGE, r;

	r = opts_parse(argc, argv, groups, OPTS_COUNT(groups), &err);
	if (r == OPTS_HELP) {
		opts_print_help(stdout, usage_line,
			"Print the bucket policy that grants the vendor access, "
			"ready to paste into\nthe AWS console, merged with the "
			"bucket's current policy when given.",
			groups, OPTS_COUNT(groups));
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	if (r) {
		rc = cmd_fail(&err);
		goto out;
	}
	req.mode = a.grants.mode ? a.grants.mode : "read";
	req.bucket = a.bucket;
	req.user = a.pr.user;
	req.account = a.pr.account;
	req.principal = a.pr.principal;
	req.partition = a.pr.partition;
	req.prefixes = a.grants.prefixes.items;
	req.nprefixes = a.grants.prefixes.n;
	req.merge_path = a.merge;
	req.remove = a.remove;
	req.format = a.format ? a.format : "json";
	req.templates_dir = a.grants.templates;
	req.tf_name = a.tf_name;
	if (gen_run(&req, &res, &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	for (size_t i = 0; i < res.nwarnings; i++)
		cmd_say("warning", res.warnings[i]);
	if (output_write(a.output, res.text, strlen(res.text), &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	/* --remove left the vendor something: the policy is printed (to fix
	 * by hand), and each statement still granting is named */
	for (size_t i = 0; i < res.nerrors; i++)
		cmd_say("error", res.errors[i]);
	rc = res.nerrors ? EXIT_FINDING : EXIT_ALL_GOOD;
out:
	gen_result_release(&res);
	opts_release(groups, OPTS_COUNT(groups));
	return rc;
}
