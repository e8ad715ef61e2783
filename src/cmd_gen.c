/* cmd_gen.c - `s3perm gen`: options in, policy out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "gen.h"
#include "names.h"
#include "opts.h"
#include "output.h"
#include "policy.h"
#include "template.h"

enum {
	O_MODE, O_BUCKET, O_USER, O_ACCOUNT, O_PRINCIPAL, O_PARTITION,
	O_PREFIX, O_MERGE, O_REMOVE, O_FORMAT, O_OUTPUT, O_TEMPLATES,
	O_TF_NAME,
};

static const struct opt_spec gen_opts[] = {
	{ O_MODE, "mode", 0, "read|export",
	  "access to grant: read (ingestion, default) or export", 0 },
	{ O_BUCKET, "bucket", 'b', "NAME", "the bucket (required)", 0 },
	{ O_USER, "user", 'u', "NAME",
	  "the vendor's IAM user name (in --account)", 0 },
	{ O_ACCOUNT, "account", 0, "ID",
	  "the vendor's AWS account id (default " NAMES_VENDOR_ACCOUNT ")", 0 },
	{ O_PRINCIPAL, "principal", 0, "ARN",
	  "any IAM principal ARN instead of --user", 0 },
	{ O_PARTITION, "partition", 0, "P",
	  "aws (default), aws-cn or aws-us-gov", 0 },
	{ O_PREFIX, "prefix", 0, "P",
	  "limit the grants to keys under P (repeatable)", 1 },
	{ O_MERGE, "merge", 0, "FILE|-",
	  "keep every statement of the bucket's current policy", 0 },
	{ O_REMOVE, "remove", 0, NULL,
	  "with --merge: take the vendor's statements out instead", 0 },
	{ O_FORMAT, "format", 'f', "FORMAT",
	  "json (default), terraform or cloudformation", 0 },
	{ O_TF_NAME, "tf-name", 0, "NAME",
	  "the Terraform resource name (default: from the bucket)", 0 },
	{ O_OUTPUT, "output", 'o', "FILE",
	  "write to FILE atomically instead of standard output", 0 },
	{ O_TEMPLATES, "templates", 0, "DIR",
	  "read the templates from DIR instead of the installed ones", 0 },
};

struct gen_args {
	const char *mode, *bucket, *user, *account, *principal, *partition;
	const char *merge, *format, *output, *templates, *tf_name;
	const char **prefixes;
	size_t nprefixes;
	int remove;
};

static int on_opt(void *ctx, int id, const char *v, struct s3p_error *err)
{
	struct gen_args *a = ctx;

	switch (id) {
	case O_MODE: a->mode = v; return 0;
	case O_BUCKET: a->bucket = v; return 0;
	case O_USER: a->user = v; return 0;
	case O_ACCOUNT: a->account = v; return 0;
	case O_PRINCIPAL: a->principal = v; return 0;
	case O_PARTITION: a->partition = v; return 0;
	case O_MERGE: a->merge = v; return 0;
	case O_FORMAT: a->format = v; return 0;
	case O_OUTPUT: a->output = v; return 0;
	case O_TEMPLATES: a->templates = v; return 0;
	case O_TF_NAME: a->tf_name = v; return 0;
	case O_REMOVE:
		a->remove = 1;
		return 0;
	case O_PREFIX:
		a->prefixes = xrealloc(a->prefixes,
				       (a->nprefixes + 1) * sizeof(char *));
		a->prefixes[a->nprefixes++] = v;
		return 0;
	default:
		return s3p_error_set(err, S3P_E_USAGE,
			"unexpected argument '%s'", v);
	}
}

static const char usage_line[] =
	"s3perm gen --bucket NAME (--user NAME [--account ID] | --principal ARN)\n"
	"                  [--mode read|export] [--prefix P ...] "
	"[--merge FILE|- [--remove]]\n"
	"                  [--format json|terraform|cloudformation] [-o FILE]";

int cmd_gen(int argc, char **argv)
{
	struct gen_args a = { 0 };
	struct gen_request req = { 0 };
	struct gen_result res = { 0 };
	struct s3p_error err = { 0 };
	int rc = EXIT_USAGE, r;

	r = opts_parse(argc, argv, gen_opts, OPTS_COUNT(gen_opts), on_opt, &a,
		       &err);
	if (r == OPTS_HELP) {
		opts_print_help(stdout, usage_line,
			"Print the bucket policy that grants the vendor access, "
			"ready to paste into\nthe AWS console, merged with the "
			"bucket's current policy when given.",
			gen_opts, OPTS_COUNT(gen_opts));
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	if (r) {
		rc = cmd_fail(&err);
		goto out;
	}
	req.mode = a.mode ? a.mode : "read";
	req.bucket = a.bucket;
	req.user = a.user;
	req.account = a.account;
	req.principal = a.principal;
	req.partition = a.partition;
	req.prefixes = a.prefixes;
	req.nprefixes = a.nprefixes;
	req.merge_path = a.merge;
	req.remove = a.remove;
	req.format = a.format ? a.format : "json";
	req.templates_dir = a.templates;
	req.tf_name = a.tf_name;
	if (gen_run(&req, &res, &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	for (size_t i = 0; i < res.nwarnings; i++)
		cmd_warn("%s", res.warnings[i]);
	if (output_write(a.output, res.text, strlen(res.text), &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	/* --remove left the vendor something: the policy is printed (to fix
	 * by hand), and each statement still granting is named */
	for (size_t i = 0; i < res.nerrors; i++)
		fprintf(stderr, "s3perm: error: %s\n", res.errors[i]);
	rc = res.nerrors ? EXIT_FINDING : EXIT_ALL_GOOD;
out:
	gen_result_release(&res);
	free(a.prefixes);
	return rc;
}
