/* cmd_verify.c - `s3perm verify`: options in, policy from a file or from
 * the bucket (GetBucketPolicy), evaluation and lint (verify.c), report out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cmd.h"
#include "cmd_s3.h"
#include "finding.h"
#include "names.h"
#include "opts.h"
#include "policy.h"
#include "s3.h"
#include "verify.h"
#include "verify_report.h"

struct verify_args {
	const char *bucket, *policy;
	const char *resource_partition;  /* --partition or the principal's */
	struct opt_list contexts, absents;
	int fetch, json, strict;
	struct cmd_principal id;
	struct cmd_grants grants;
	struct cmd_s3_opts s3;   /* with --fetch */
};

/* --context KEY=VALUE */
static int check_context(const char *v, struct s3p_error *err)
{
	if (!strchr(v, '=') || v[0] == '=')
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid --context '%s': expected KEY=VALUE", v);
	return 0;
}

static const struct opt_spec verify_opts[] = {
	OPT_STRING(struct verify_args, bucket, "bucket", 'b', "NAME",
		   "the bucket (required)", NULL),
	OPT_STRING(struct verify_args, policy, "policy", 'p', "FILE|-",
		   "the bucket policy to verify (- reads standard input)",
		   NULL),
	OPT_FLAG(struct verify_args, fetch, "fetch", 0,
		 "read the bucket's current policy with your credentials"),
	OPT_LIST(struct verify_args, contexts, "context", 0, "KEY=VALUE",
		 "a condition key's value in the vendor's requests "
		 "(repeatable)", check_context),
	OPT_LIST(struct verify_args, absents, "absent", 0, "KEY",
		 "a condition key the vendor's requests never carry "
		 "(repeatable)", NULL),
	OPT_FLAG(struct verify_args, json, "json", 0,
		 "print the report as JSON"),
	CMD_OPT_STRICT(struct verify_args, strict),
};

/* The S3 condition keys the requests of each mode can carry (AWS Service
 * Authorization Reference, Amazon S3: the keys of s3:ListBucket,
 * s3:GetBucketLocation and s3:GetObject for read; export adds
 * s3:ListBucketMultipartUploads, s3:PutObject, s3:DeleteObject,
 * s3:DeleteObjectVersion, s3:AbortMultipartUpload and
 * s3:ListMultipartUploadParts).  A key ending in '/' is a family
 * (s3:ExistingObjectTag/<tag>).  Global keys (aws:...) are carried by
 * every request.  IAM compares key names without regard to case. */
static const char *const read_keys[] = {
	"s3:authType", "s3:signatureAge", "s3:signatureversion",
	"s3:TlsVersion", "s3:x-amz-content-sha256", "s3:ResourceAccount",
	"s3:DataAccessPointAccount", "s3:DataAccessPointArn",
	"s3:AccessPointNetworkOrigin", "s3:prefix", "s3:delimiter",
	"s3:max-keys", "s3:ExistingObjectTag/", NULL
};
static const char *const export_keys[] = {
	"s3:versionid", "s3:x-amz-acl", "s3:x-amz-grant-read",
	"s3:x-amz-grant-write", "s3:x-amz-grant-read-acp",
	"s3:x-amz-grant-write-acp", "s3:x-amz-grant-full-control",
	"s3:x-amz-server-side-encryption",
	"s3:x-amz-server-side-encryption-aws-kms-key-id",
	"s3:x-amz-server-side-encryption-customer-algorithm",
	"s3:x-amz-storage-class", "s3:x-amz-copy-source",
	"s3:x-amz-metadata-directive", "s3:x-amz-website-redirect-location",
	"s3:RequestObjectTag/", "s3:RequestObjectTagKeys",
	"s3:object-lock-mode", "s3:object-lock-retain-until-date",
	"s3:object-lock-remaining-retention-days", "s3:object-lock-legal-hold",
	"s3:if-match", "s3:if-none-match", NULL
};

static int key_in(const char *key, size_t len, const char *const *list)
{
	for (size_t i = 0; list[i]; i++) {
		size_t n = strlen(list[i]);

		if (list[i][n - 1] == '/' ? len > n &&
		    !strncasecmp(key, list[i], n) :
		    len == n && !strncasecmp(key, list[i], n))
			return 1;
	}
	return 0;
}

/* Warn about each --context key no request of the mode can carry: it
 * cannot change a decision the vendor's requests meet. */
static void warn_contexts(const struct verify_args *a)
{
	const char *mode = a->grants.mode ? a->grants.mode : "read";
	int exp = !strcmp(mode, "export");

	for (size_t i = 0; i < a->contexts.n; i++) {
		const char *kv = a->contexts.items[i];
		size_t len = strcspn(kv, "=");

		if (!strncasecmp(kv, "aws:", 4) || key_in(kv, len, read_keys) ||
		    (exp && key_in(kv, len, export_keys)))
			continue;
		if (!exp && key_in(kv, len, export_keys))
			cmd_warn("--context '%.*s': no request of --mode %s "
				 "carries this key (only export requests do); "
				 "it changes nothing", (int)len, kv, mode);
		else
			cmd_warn("--context '%.*s': no request of --mode %s "
				 "carries this key (S3 requests carry aws:* "
				 "keys and their own s3:* keys); it changes "
				 "nothing", (int)len, kv, mode);
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
	if (cmd_need_bucket(a->bucket, "verify", err))
		return -1;
	if (!a->policy == !a->fetch)
		return s3p_error_set(err, S3P_E_USAGE,
			"give exactly one of --policy FILE and --fetch");
	if (!a->fetch && a->s3.given)
		return s3p_error_set(err, S3P_E_USAGE,
			"S3 options (" CMD_S3_OPTION_NAMES ") need '--fetch'");
	return cmd_need_principal(&a->id, pr, &a->resource_partition, err);
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
	const struct opt_group groups[] = {
		OPT_GROUP(verify_opts, &a), CMD_PRINCIPAL_GROUP(&a.id),
		CMD_GRANTS_GROUP(&a.grants), CMD_S3_GROUP(&a.s3),
	};
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
	r = opts_parse(argc, argv, groups, OPTS_COUNT(groups), &err);
	if (r == OPTS_HELP) {
		opts_print_help(stdout, usage_line,
			"Evaluate a bucket policy as IAM would for each grant "
			"the vendor needs\n(allowed, explicit-deny, "
			"implicit-deny, conditional), and lint it.\nThe S3 "
			"options, --endpoint to --verbose, go with --fetch.",
			groups, OPTS_COUNT(groups));
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	if (r || check_args(&a, &pr, &err)) {
		rc = cmd_fail(&err);
		goto out;
	}
	warn_contexts(&a);
	rq.bucket = a.bucket;
	rq.mode = a.grants.mode;
	rq.principal = &pr;
	rq.partition = a.resource_partition;
	rq.prefixes = a.grants.prefixes.items;
	rq.nprefixes = a.grants.prefixes.n;
	rq.contexts = a.contexts.items;
	rq.ncontexts = a.contexts.n;
	rq.absents = a.absents.items;
	rq.nabsents = a.absents.n;
	rq.templates_dir = a.grants.templates;
	if (a.fetch) {
		r = fetch_policy(&a, &text, &err);
		if (r < 0) {
			rc = cmd_fail(&err);
			goto out;
		}
		if (r == 1) {
			r = verify_no_policy(&rq, &res, &err);
		} else {
			/* Not a file: errors name the answer. */
			struct buf name = BUF_INIT;

			buf_printf(&name, "GetBucketPolicy answer of bucket %s",
				   a.bucket);
			r = verify_policy_text(&rq, text, strlen(text),
					       buf_str(&name), &res, &err);
			buf_release(&name);
		}
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
	/* the one rule: a grant not allowed or an error finding is
	 * something to fix; a warning too with --strict */
	rc = verify_result_failed(&res) || (a.strict &&
	     finding_count(&res.findings, SEVERITY_WARNING)) ? EXIT_FINDING :
	     EXIT_ALL_GOOD;
out:
	if (have_res)
		verify_result_release(&res);
	buf_release(&out);
	free(json);
	free(text);
	opts_release(groups, OPTS_COUNT(groups));
	return rc;
}
