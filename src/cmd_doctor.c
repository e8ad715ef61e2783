/* cmd_doctor.c - `s3perm doctor`: with the customer's credentials, read the
 * bucket's configuration in one concurrent round, judge it (doctor.c) and
 * print the report (doctor_report.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "cmd_s3.h"
#include "doctor.h"
#include "doctor_report.h"
#include "kms.h"
#include "names.h"
#include "opts.h"
#include "s3.h"
#include "template.h"
#include "verify.h"

struct doctor_args {
	const char *bucket;
	const char *resource_partition;
	int json, strict;
	struct cmd_principal id;
	struct cmd_grants grants;
	struct cmd_s3_opts s3;
};

static const struct opt_spec doctor_opts[] = {
	OPT_STRING(struct doctor_args, bucket, "bucket", 'b', "NAME",
		   "the bucket (required)", NULL),
	OPT_FLAG(struct doctor_args, json, "json", 0,
		 "print the report as JSON"),
	CMD_OPT_STRICT(struct doctor_args, strict),
};

static const char usage_line[] =
	"s3perm doctor --bucket NAME (--user NAME [--account ID] | "
	"--principal ARN)\n"
	"                     [--mode read|export] [--partition P] "
	"[--prefix P ...]\n"
	"                     [--json] [--strict] [--templates DIR]\n"
	"                     " CMD_S3_USAGE;

static int check_args(struct doctor_args *a, struct principal *pr,
		      struct s3p_error *err)
{
	if (cmd_need_bucket(a->bucket, "doctor", err))
		return -1;
	return cmd_need_principal(&a->id, pr, &a->resource_partition, err);
}

/* An answer that says the report cannot be made at all: no such bucket,
 * credentials refused, no network.  Returns its index or -1. */
static int fatal_answer(const struct s3_response *ans, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum s3_error_class c = ans[i].error_class;

		if (!strcmp(ans[i].code, "NoSuchBucket") ||
		    c == S3_ERR_AUTH || c == S3_ERR_NETWORK ||
		    c == S3_ERR_TLS || c == S3_ERR_CLOCK_SKEW)
			return (int)i;
	}
	return -1;
}

/* The configuration reads, concurrently, after the region is known. */
static int read_config(const struct doctor_args *a, char **region,
		       struct s3_response ans[DOCTOR_NQUERIES],
		       struct s3_client **cp, struct s3p_error *err)
{
	struct s3_client *c = NULL;
	struct s3_op ops[DOCTOR_NQUERIES];
	struct s3_request reqs[DOCTOR_NQUERIES];
	const char *reg = NULL;
	int rc = -1, bad;

	if (cmd_s3_client(&a->s3, DOCTOR_NQUERIES, &c, err))
		return -1;
	if (s3_resolve_region(c, a->bucket, &reg, err))
		goto out;
	*region = xstrdup(reg ? reg : "");
	for (size_t i = 0; i < DOCTOR_NQUERIES; i++) {
		s3_op_bucket_config(&ops[i], a->bucket,
				    doctor_query(i)->subresource);
		reqs[i] = ops[i].rq;
		reqs[i].query = ops[i].q;
	}
	if (s3_send_batch(c, reqs, ans, DOCTOR_NQUERIES, err))
		goto out;
	/* a batch over its memory budget defers answers: send those alone */
	for (size_t i = 0; i < DOCTOR_NQUERIES; i++) {
		if (!ans[i].deferred)
			continue;
		s3_response_release(&ans[i]);
		if (s3_send(c, &reqs[i], &ans[i], err))
			goto out;
	}
	bad = fatal_answer(ans, DOCTOR_NQUERIES);
	if (bad >= 0) {
		s3_fail(err, &ans[bad], "read the configuration of bucket",
			a->bucket, NULL);
		goto out;
	}
	rc = 0;
	*cp = c;
	c = NULL;
out:
	s3_client_free(c);
	return rc;
}

/* The key policy of the customer-managed key of the default encryption,
 * read with the same credentials and judged into the encryption item; a
 * KMS that cannot be reached or refuses leaves the item unknown. */
static void check_key_policy(const struct doctor_args *a,
			     struct s3_client *c, const struct principal *pr,
			     struct doctor_report *rep)
{
	const char *key = doctor_kms_key(rep);
	const char *region = rep->region && *rep->region ? rep->region
							 : "us-east-1";
	struct kms_answer ka;
	struct s3p_error err = { 0 };
	char *ep;

	if (!key)
		return;
	ep = kms_endpoint(region);
	if (kms_get_key_policy(ep, region, s3_client_credentials(c), key,
			       a->s3.timeout * 1000, &ka, &err)) {
		kms_answer_release(&ka);
		memset(&ka, 0, sizeof(ka));
		ka.outcome = KMS_FAILED;
		snprintf(ka.detail, sizeof(ka.detail), "%.250s", err.msg);
	}
	doctor_judge_key_policy(rep, pr, &ka);
	kms_answer_release(&ka);
	free(ep);
}

int cmd_doctor(int argc, char **argv)
{
	struct doctor_args a;
	const struct opt_group groups[] = {
		OPT_GROUP(doctor_opts, &a), CMD_PRINCIPAL_GROUP(&a.id),
		CMD_GRANTS_GROUP(&a.grants), CMD_S3_GROUP(&a.s3),
	};
	struct s3_response ans[DOCTOR_NQUERIES];
	struct verify_request rq;
	struct doctor_report rep;
	struct principal pr;
	struct s3p_error err = { 0 };
	struct s3_client *client = NULL;
	struct buf out = BUF_INIT;
	char *region = NULL, *json = NULL;
	int rc = EXIT_USAGE, r, have_rep = 0;
	enum doctor_status worst;

	memset(&a, 0, sizeof(a));
	memset(&rq, 0, sizeof(rq));
	memset(&rep, 0, sizeof(rep));
	for (size_t i = 0; i < DOCTOR_NQUERIES; i++) {
		struct s3_response init = S3_RESPONSE_INIT;

		ans[i] = init;
	}
	r = opts_parse(argc, argv, groups, OPTS_COUNT(groups), &err);
	if (r == OPTS_HELP) {
		opts_print_help(stdout, usage_line,
			"With your own credentials, check everything on your "
			"side of the bucket that\nwill stop the vendor: region, "
			"bucket policy (as verify --fetch), default\n"
			"encryption and KMS keys, Object Ownership, Object "
			"Lock, Requester Pays,\nversioning and lifecycle.  Each "
			"item is ok, warning, error or unknown, with\nthe "
			"exact fix.",
			groups, OPTS_COUNT(groups));
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	if (r || check_args(&a, &pr, &err))
		goto fail;
	if (template_check_mode(a.grants.mode ? a.grants.mode : "read", &err))
		goto fail;
	rq.bucket = a.bucket;
	rq.mode = a.grants.mode;
	rq.principal = &pr;
	rq.partition = a.resource_partition;
	rq.prefixes = a.grants.prefixes.items;
	rq.nprefixes = a.grants.prefixes.n;
	rq.templates_dir = a.grants.templates;
	if (read_config(&a, &region, ans, &client, &err))
		goto fail;
	have_rep = 1;
	if (doctor_evaluate(&rq, region, ans, &rep, &err))
		goto fail;
	check_key_policy(&a, client, &pr, &rep);
	if (a.json) {
		json = doctor_report_json(&rep);
		if (!json) {
			s3p_error_set(&err, S3P_E_NOMEM,
				      "out of memory writing JSON");
			goto fail;
		}
		fputs(json, stdout);
	} else {
		doctor_report_text(&rep, &out);
		fputs(buf_str(&out), stdout);
	}
	worst = doctor_worst(&rep);
	rc = worst == DOCTOR_ERROR || (a.strict && worst == DOCTOR_WARNING)
	     ? EXIT_FINDING : EXIT_ALL_GOOD;
	goto out;
fail:
	rc = cmd_fail(&err);
out:
	if (have_rep)
		doctor_report_release(&rep);
	for (size_t i = 0; i < DOCTOR_NQUERIES; i++)
		s3_response_release(&ans[i]);
	buf_release(&out);
	free(json);
	free(region);
	s3_client_free(client);
	opts_release(groups, OPTS_COUNT(groups));
	return rc;
}
