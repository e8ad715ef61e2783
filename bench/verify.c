/* bench/verify.c - how long the IAM evaluator takes on a bucket policy at
 * the 20 KB limit, for every grant of a mode (what `s3perm verify` does).
 *
 * Two ways are timed side by side on the same policy text and grants:
 *   compiled  the policy is parsed and compiled once (iam_policy_compile),
 *             then every grant is evaluated (iam_eval_grant) - s3perm's way
 *   naive     for every grant the JSON text is parsed again, compiled,
 *             evaluated and freed (the baseline: nothing is reused)
 * CPU time is measured with CLOCK_PROCESS_CPUTIME_ID.  The decisions of
 * both ways are compared, so a wrong fast path cannot look good.
 *
 * Build and run: see bench/README.md (make first; the program links the
 * objects make built, without build/main.o).
 *   build/bench-verify [ROUNDS] [MODE]       (default 2000 export)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iam_eval.h"
#include "names.h"
#include "template.h"

#define BUCKET "cust-data"
#define VENDOR "arn:aws:iam::999689269917:user/statsig-abc"
#define LIMIT 20480

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_t *strings(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* A customer's policy: the vendor's statements among many others (other
 * principals, wildcard actions, prefix-scoped resources, conditions on
 * known and unknown keys, partial Denies that touch the vendor), grown
 * until the compact text reaches the 20 KB limit. */
static char *make_policy(size_t *len, size_t *nstatements)
{
	static const char *const acts[][4] = {
		{ "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging",
		  "s3:GetObjectAcl" },
		{ "s3:Put*", "s3:DeleteObject", "s3:AbortMultipartUpload",
		  "s3:ListMultipartUploadParts" },
		{ "s3:List*", "s3:GetBucketLocation", "s3:GetBucketPolicy",
		  "s3:GetBucketVersioning" },
		{ "s3:*Object*", "s3:Get?bject", "s3:Delete*",
		  "s3:Restore*" },
	};
	json_t *doc = json_object(), *st = json_array();
	char *text = NULL;
	size_t i;

	json_object_set_new(doc, "Version", json_string("2012-10-17"));
	json_object_set_new(doc, "Statement", st);
	for (i = 0;; i++) {
		json_t *s = json_object(), *cond = NULL, *res;
		char sid[32], p1[128], p2[128], who[128];
		const char *r2[2];
		char *t;

		snprintf(sid, sizeof(sid), "Team%zu", i);
		json_object_set_new(s, "Sid", json_string(sid));
		json_object_set_new(s, "Effect",
				    json_string(i % 5 == 4 ? "Deny" : "Allow"));
		if (i % 7 == 3) {
			snprintf(who, sizeof(who), "999689269917");
		} else {
			snprintf(who, sizeof(who),
				 "arn:aws:iam::%012zu:%s/team-%zu",
				 100000000000 + i * 7919,
				 i % 2 ? "role" : "user", i);
		}
		json_object_set_new(s, "Principal",
				    json_pack("{s:s}", "AWS", who));
		json_object_set_new(s, i % 11 == 5 ? "NotAction" : "Action",
				    strings(acts[i % 4], 4));
		snprintf(p1, sizeof(p1), "arn:aws:s3:::" BUCKET "/team-%zu/*",
			 i);
		snprintf(p2, sizeof(p2),
			 "arn:aws:s3:::" BUCKET "/shared/%zu/*.parquet", i);
		r2[0] = p1;
		r2[1] = p2;
		res = i % 4 == 2 ? json_string("arn:aws:s3:::" BUCKET)
				 : strings(r2, 2);
		json_object_set_new(s, "Resource", res);
		switch (i % 6) {
		case 0:
			cond = json_pack("{s:{s:s}}", "StringEquals",
					 "aws:SourceVpce", "vpce-0a1b2c3d");
			break;
		case 1:
			cond = json_pack("{s:{s:[s,s]}}", "IpAddress",
					 "aws:SourceIp", "10.0.0.0/8",
					 "192.168.0.0/16");
			break;
		case 2:
			cond = json_pack("{s:{s:[s,s]}}", "StringLike",
					 "s3:prefix", "team-*", "shared/*");
			break;
		case 3:
			cond = json_pack("{s:{s:s},s:{s:s}}", "Bool",
					 "aws:SecureTransport", "false",
					 "StringNotEquals", "aws:PrincipalAccount",
					 "123456789012");
			break;
		default:
			break;
		}
		if (cond)
			json_object_set_new(s, "Condition", cond);
		json_array_append_new(st, s);
		t = json_dumps(doc, JSON_COMPACT);
		if (strlen(t) > LIMIT - 1200) {
			free(t);
			break;
		}
		free(t);
	}
	/* the vendor's export statements at the end */
	json_array_append_new(st, json_pack(
		"{s:s,s:s,s:{s:s},s:[s,s],s:s}", "Sid", "StatsigExportBucket",
		"Effect", "Allow", "Principal", "AWS", VENDOR, "Action",
		"s3:GetBucketLocation", "s3:ListBucketMultipartUploads",
		"Resource", "arn:aws:s3:::" BUCKET));
	json_array_append_new(st, json_pack(
		"{s:s,s:s,s:{s:s},s:s,s:s}", "Sid", "StatsigListBucket",
		"Effect", "Allow", "Principal", "AWS", VENDOR, "Action",
		"s3:ListBucket", "Resource", "arn:aws:s3:::" BUCKET));
	json_array_append_new(st, json_pack(
		"{s:s,s:s,s:{s:s},s:[s,s,s,s,s,s],s:s}", "Sid",
		"StatsigExportObjects", "Effect", "Allow", "Principal", "AWS",
		VENDOR, "Action", "s3:GetObject", "s3:PutObject",
		"s3:DeleteObject", "s3:DeleteObjectVersion",
		"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
		"Resource", "arn:aws:s3:::" BUCKET "/*"));
	*nstatements = json_array_size(st);
	text = json_dumps(doc, JSON_COMPACT);
	*len = strlen(text);
	json_decref(doc);
	return text;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	const char *mode = argc > 2 ? argv[2] : "export";
	struct tpl_params tp = { 0 };
	struct grant_list grants;
	struct principal p;
	struct eval_context ctx;
	struct s3p_error err;
	struct iam_policy *pol;
	enum iam_decision *want;
	size_t len, nst, g, evals;
	char *text = make_policy(&len, &nst);
	double t0, t_comp, t_naive, t_compile, t_parse;
	json_t *doc;
	json_error_t jerr;

	if (rounds < 1)
		rounds = 1;
	tp.mode = mode;
	tp.principal = VENDOR;
	tp.bucket = BUCKET;
	if (template_grants(&tp, &grants, &err) ||
	    names_parse_principal(VENDOR, &p, &err) ||
	    eval_context_init(&ctx, &p, &err)) {
		fprintf(stderr, "bench-verify: %s\n", err.msg);
		return 2;
	}
	want = calloc(grants.n, sizeof(*want));

	/* parsing alone (Jansson), then compiling alone, averaged */
	t0 = cpu_now();
	for (long r = 0; r < rounds; r++) {
		doc = json_loads(text, 0, &jerr);
		json_decref(doc);
	}
	t_parse = (cpu_now() - t0) / (double)rounds;
	doc = json_loads(text, 0, &jerr);
	if (!doc) {
		fprintf(stderr, "bench-verify: cannot parse the policy\n");
		return 2;
	}
	t0 = cpu_now();
	for (long r = 0; r < rounds; r++) {
		if (iam_policy_compile(doc, &pol, &err)) {
			fprintf(stderr, "bench-verify: %s\n", err.msg);
			return 2;
		}
		iam_policy_free(pol);
	}
	t_compile = (cpu_now() - t0) / (double)rounds;
	/* compiled: the policy compiled once, every grant ROUNDS times */
	iam_policy_compile(doc, &pol, &err);
	json_decref(doc);
	t0 = cpu_now();
	for (long r = 0; r < rounds; r++) {
		for (g = 0; g < grants.n; g++) {
			struct eval_result res;

			if (iam_eval_grant(pol, &ctx, &grants.items[g], &res,
					   &err)) {
				fprintf(stderr, "bench-verify: %s\n", err.msg);
				return 2;
			}
			want[g] = res.decision;
			eval_result_release(&res);
		}
	}
	t_comp = cpu_now() - t0;
	iam_policy_free(pol);

	/* naive: parse, compile, evaluate, free for every grant */
	t0 = cpu_now();
	for (long r = 0; r < rounds; r++) {
		for (g = 0; g < grants.n; g++) {
			struct eval_result res;
			struct iam_policy *pp;
			json_t *d = json_loads(text, 0, &jerr);

			if (!d || iam_policy_compile(d, &pp, &err) ||
			    iam_eval_grant(pp, &ctx, &grants.items[g], &res,
					   &err)) {
				fprintf(stderr, "bench-verify: naive failed\n");
				return 2;
			}
			if (res.decision != want[g]) {
				fprintf(stderr, "bench-verify: decisions "
					"differ for %s\n",
					grants.items[g].action);
				return 1;
			}
			eval_result_release(&res);
			iam_policy_free(pp);
			json_decref(d);
		}
	}
	t_naive = cpu_now() - t0;

	evals = (size_t)rounds * grants.n;
	printf("policy: %zu bytes (compact), %zu statements; mode %s: "
	       "%zu grants\n", len, nst, mode, grants.n);
	for (g = 0; g < grants.n; g++)
		printf("  %-32s %-28s %s\n", grants.items[g].action,
		       grants.items[g].resource, iam_decision_str(want[g]));
	printf("parse (Jansson):       %8.1f us\n", t_parse * 1e6);
	printf("compile:               %8.1f us\n", t_compile * 1e6);
	printf("evaluate, per grant:   %8.2f us  (all %zu grants: %.1f us)\n",
	       t_comp / (double)evals * 1e6, grants.n,
	       t_comp / (double)rounds * 1e6);
	printf("naive, per grant:      %8.2f us  (parse + compile + evaluate "
	       "for each grant; all %zu: %.1f us)\n",
	       t_naive / (double)evals * 1e6, grants.n,
	       t_naive / (double)rounds * 1e6);
	printf("ratio naive/compiled per grant: %.1fx\n",
	       t_naive / t_comp);
	printf("whole policy, every grant: compile + evaluate %.3f ms CPU, "
	       "with parsing %.3f ms (limit 1 ms); naive %.3f ms (%.1fx)\n",
	       (t_compile + t_comp / (double)rounds) * 1e3,
	       (t_parse + t_compile + t_comp / (double)rounds) * 1e3,
	       t_naive / (double)rounds * 1e3,
	       (t_naive / (double)rounds) /
		       (t_parse + t_compile + t_comp / (double)rounds));
	eval_context_release(&ctx);
	grant_list_release(&grants);
	free(want);
	free(text);
	return 0;
}
