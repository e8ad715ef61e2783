/* cmd_verify.c - `s3perm verify`: options in, policy from a file or from
 * the bucket (GetBucketPolicy), evaluation and lint (verify.c), report out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "cmd_s3.h"
#include "names.h"
#include "opts.h"
#include "policy.h"
#include "s3.h"
#include "verify.h"

enum {
	O_BUCKET, O_POLICY, O_FETCH, O_MODE, O_USER, O_ACCOUNT, O_PRINCIPAL,
	O_PARTITION, O_PREFIX, O_CONTEXT, O_ABSENT, O_TEMPLATES, O_JSON,
};

static const struct opt_spec verify_opts[] = {
	{ O_BUCKET, "bucket", 'b', "NAME", "the bucket (required)", 0 },
	{ O_POLICY, "policy", 'p', "FILE|-",
	  "the bucket policy to verify (- reads standard input)", 0 },
	{ O_FETCH, "fetch", 0, NULL,
	  "read the bucket's current policy with your credentials", 0 },
	{ O_MODE, "mode", 0, "read|export",
	  "the grants to verify: read (default) or export", 0 },
	{ O_USER, "user", 'u', "NAME",
	  "the vendor's IAM user name (in --account)", 0 },
	{ O_ACCOUNT, "account", 0, "ID",
	  "the vendor's AWS account id (default " NAMES_VENDOR_ACCOUNT ")", 0 },
	{ O_PRINCIPAL, "principal", 0, "ARN",
	  "any IAM principal ARN instead of --user", 0 },
	{ O_PARTITION, "partition", 0, "P",
	  "aws (default), aws-cn or aws-us-gov", 0 },
	{ O_PREFIX, "prefix", 0, "P",
	  "the grants are limited to keys under P (repeatable)", 1 },
	{ O_CONTEXT, "context", 0, "KEY=VALUE",
	  "a condition key's value in the vendor's requests (repeatable)", 1 },
	{ O_ABSENT, "absent", 0, "KEY",
	  "a condition key the vendor's requests never carry (repeatable)", 1 },
	{ O_TEMPLATES, "templates", 0, "DIR",
	  "read the templates from DIR instead of the installed ones", 0 },
	{ O_JSON, "json", 0, NULL, "print the report as JSON", 0 },
	CMD_S3_OPTIONS
};

struct verify_args {
	const char *bucket, *policy, *mode, *user, *account, *principal;
	const char *partition, *templates;
	const char *resource_partition;  /* --partition or the principal's */
	const char **prefixes, **contexts, **absents;
	size_t nprefixes, ncontexts, nabsents;
	int fetch, json;
	struct cmd_s3_opts s3;   /* with --fetch */
};

static void push(const char ***list, size_t *n, const char *v)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = v;
}

static int on_opt(void *ctx, int id, const char *v, struct s3p_error *err)
{
	struct verify_args *a = ctx;

	switch (id) {
	case O_BUCKET: a->bucket = v; return 0;
	case O_POLICY: a->policy = v; return 0;
	case O_MODE: a->mode = v; return 0;
	case O_USER: a->user = v; return 0;
	case O_ACCOUNT: a->account = v; return 0;
	case O_PRINCIPAL: a->principal = v; return 0;
	case O_PARTITION: a->partition = v; return 0;
	case O_TEMPLATES: a->templates = v; return 0;
	case O_PREFIX:
		push(&a->prefixes, &a->nprefixes, v);
		return 0;
	case O_CONTEXT:
		if (!strchr(v, '=') || v[0] == '=')
			return s3p_error_set(err, S3P_E_USAGE,
				"invalid --context '%s': expected KEY=VALUE",
				v);
		push(&a->contexts, &a->ncontexts, v);
		return 0;
	case O_ABSENT:
		push(&a->absents, &a->nabsents, v);
		return 0;
	case O_FETCH:
		a->fetch = 1;
		return 0;
	case O_JSON:
		a->json = 1;
		return 0;
	default:
		return cmd_s3_option(&a->s3, id, v, err);
	}
}

static const char usage_line[] =
	"s3perm verify --bucket NAME (--policy FILE|- | --fetch)\n"
	"                     (--user NAME [--account ID] | --principal ARN)\n"
	"                     [--mode read|export] [--partition P] "
	"[--prefix P ...]\n"
	"                     [--context KEY=VALUE ...] [--absent KEY ...] "
	"[--json]\n"
	"                     [--templates DIR]\n"
	"                     " CMD_S3_USAGE;

/* Options that go together, and the principal they name. */
static int check_args(struct verify_args *a, struct principal *pr,
		      struct s3p_error *err)
{
	if (!a->bucket)
		return s3p_error_set(err, S3P_E_USAGE,
			"missing --bucket (see 's3perm verify --help')");
	if (names_check_bucket(a->bucket, err))
		return -1;
	if (!a->policy == !a->fetch)
		return s3p_error_set(err, S3P_E_USAGE,
			"give exactly one of --policy FILE and --fetch");
	if (!a->fetch && a->s3.given)
		return s3p_error_set(err, S3P_E_USAGE,
			"S3 options (" CMD_S3_OPTION_NAMES ") need '--fetch'");
	if (!a->user && !a->principal)
		return s3p_error_set(err, S3P_E_USAGE,
			"give exactly one of --user NAME and --principal ARN");
	for (size_t i = 0; i < a->nprefixes; i++)
		if (names_check_prefix(a->prefixes[i], err))
			return -1;
	return names_resolve_principal(a->user, a->account, a->principal,
				       a->partition, pr, &a->resource_partition,
				       err);
}

/* GetBucketPolicy with the caller's own credentials.  Returns 0 with
 * *text, 1 when the bucket has no policy, -1 (err) otherwise. */
static int fetch_policy(const struct verify_args *a, char **text,
			struct s3p_error *err)
{
	struct s3_client *c = NULL;
	struct s3_response resp = S3_RESPONSE_INIT;
	int rc;

	rc = cmd_s3_client(&a->s3, 0, &c, err);
	if (!rc)
		rc = s3_get_bucket_policy(c, a->bucket, text, &resp, err);
	s3_response_release(&resp);
	s3_client_free(c);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_args a;
	struct verify_request rq;
	struct verify_result res;
	struct principal pr;
	struct s3p_error err = { 0 };
	struct buf out = BUF_INIT;
	char *text = NULL, *json = NULL;
	size_t len = 0;
	int rc = EXIT_USAGE, r, have_res = 0;

	memset(&a, 0, sizeof(a));
	memset(&rq, 0, sizeof(rq));
	r = opts_parse(argc, argv, verify_opts, OPTS_COUNT(verify_opts),
		       on_opt, &a, &err);
	if (r == OPTS_HELP) {
		opts_print_help(stdout, usage_line,
			"Evaluate a bucket policy as IAM would for each grant "
			"the vendor needs\n(allowed, explicit-deny, "
			"implicit-deny, conditional), and lint it.\nThe S3 "
			"options, --endpoint to --verbose, go with --fetch.",
			verify_opts, OPTS_COUNT(verify_opts));
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	if (r || check_args(&a, &pr, &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	rq.bucket = a.bucket;
	rq.mode = a.mode;
	rq.principal = &pr;
	rq.partition = a.resource_partition;
	rq.prefixes = a.prefixes;
	rq.nprefixes = a.nprefixes;
	rq.contexts = a.contexts;
	rq.ncontexts = a.ncontexts;
	rq.absents = a.absents;
	rq.nabsents = a.nabsents;
	rq.templates_dir = a.templates;
	if (a.fetch) {
		r = fetch_policy(&a, &text, &err);
		if (r < 0) {
			rc = cmd_fail(&err);
			goto out;
		}
		if (r == 1)
			r = verify_no_policy(&rq, &res, &err);
		else
			r = verify_policy_text(&rq, text, strlen(text),
					       a.bucket, &res, &err);
	} else {
		if (policy_read_file(a.policy, &text, &len, &err)) {
			rc = cmd_fail(&err);
			goto out;
		}
		r = verify_policy_text(&rq, text, len,
				       strcmp(a.policy, "-") ? a.policy
						: "standard input",
				       &res, &err);
	}
	if (r) {
		rc = cmd_fail(&err);
		goto out;
	}
	have_res = 1;
	if (a.json) {
		json = verify_result_json(&res);
		if (!json) {
			s3p_error_set(&err, S3P_E_INTERNAL,
				      "cannot print the report");
			rc = cmd_fail(&err);
			goto out;
		}
		fputs(json, stdout);
	} else {
		verify_result_table(&res, &out);
		fputs(buf_str(&out), stdout);
	}
	rc = verify_result_failed(&res) ? EXIT_FINDING : EXIT_ALL_GOOD;
out:
	if (have_res)
		verify_result_release(&res);
	buf_release(&out);
	free(json);
	free(text);
	free(a.prefixes);
	free(a.contexts);
	free(a.absents);
	return rc;
}
