/* test_lint.c - every lint finding, with a policy that triggers it and one
 * that does not; the action -> resource-type table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "buf.h"
#include "lint.h"
#include "names.h"
#include "s3_actions.h"

#define VENDOR "arn:aws:iam::999689269917:user/statsig"

/* A one-statement policy around the given members. */
#define ST(members) \
	"{\"Version\":\"2012-10-17\",\"Statement\":[{" members "}]}"
#define OK_PRINCIPAL "\"Principal\":{\"AWS\":\"" VENDOR "\"}"
#define GET_OBJ "\"Effect\":\"Allow\"," OK_PRINCIPAL ","                 \
	"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\""

struct lint_case {
	const char *name;
	const char *code;
	const char *severity;   /* expected severity of `code` */
	const char *triggers;   /* policy that has the finding */
	const char *clean;      /* policy that does not */
};

static const struct lint_case cases[] = {
	{ "not json", "not-json", "error",
	  "{\"Version\": \"2012-10-17\",\n \"Statement\": [}",
	  ST(GET_OBJ) },
	{ "not an object", "not-object", "error", "[1, 2]", ST(GET_OBJ) },
	{ "no Statement", "missing-statement", "error",
	  "{\"Version\":\"2012-10-17\"}", ST(GET_OBJ) },
	{ "statement not an object", "invalid-statement", "error",
	  "{\"Version\":\"2012-10-17\",\"Statement\":[\"x\"]}", ST(GET_OBJ) },
	{ "no Version", "missing-version", "warning",
	  "{\"Statement\":[{" GET_OBJ "}]}", ST(GET_OBJ) },
	{ "Version 2008-10-17", "old-version", "warning",
	  "{\"Version\":\"2008-10-17\",\"Statement\":[{" GET_OBJ "}]}",
	  ST(GET_OBJ) },
	{ "bad Version", "invalid-version", "error",
	  "{\"Version\":\"2012-10-18\",\"Statement\":[{" GET_OBJ "}]}",
	  ST(GET_OBJ) },
	{ "unknown element", "unknown-element", "error",
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":\"s3:GetObject\","
	     "\"Resources\":\"arn:aws:s3:::b/*\",\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST(GET_OBJ) },
	{ "missing Action", "missing-element", "error",
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ","
	     "\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST(GET_OBJ) },
	{ "Principal and NotPrincipal", "conflicting-element", "error",
	  ST("\"Effect\":\"Deny\"," OK_PRINCIPAL ",\"NotPrincipal\":{\"AWS\":"
	     "\"arn:aws:iam::111122223333:root\"},\"Action\":\"s3:GetObject\","
	     "\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST(GET_OBJ) },
	{ "Action and NotAction", "conflicting-element", "error",
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":\"s3:GetObject\","
	     "\"NotAction\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST(GET_OBJ) },
	{ "Resource and NotResource", "conflicting-element", "error",
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":\"s3:GetObject\","
	     "\"Resource\":\"arn:aws:s3:::b/*\",\"NotResource\":\"arn:aws:s3:::b/x/*\""),
	  ST(GET_OBJ) },
	{ "empty Statement list", "missing-statement", "error",
	  "{\"Version\":\"2012-10-17\",\"Statement\":[]}", ST(GET_OBJ) },
	{ "Sid charset", "invalid-sid", "warning",
	  ST("\"Sid\":\"read objects\"," GET_OBJ),
	  ST("\"Sid\":\"ReadObjects1\"," GET_OBJ) },
	{ "duplicate Sid", "duplicate-sid", "error",
	  "{\"Version\":\"2012-10-17\",\"Statement\":["
	  "{\"Sid\":\"A\"," GET_OBJ "},{\"Sid\":\"A\"," GET_OBJ "}]}",
	  "{\"Version\":\"2012-10-17\",\"Statement\":["
	  "{\"Sid\":\"A\"," GET_OBJ "},{\"Sid\":\"B\"," GET_OBJ "}]}" },
	{ "Effect case", "invalid-effect", "error",
	  ST("\"Effect\":\"allow\"," OK_PRINCIPAL ",\"Action\":\"s3:GetObject\","
	     "\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST(GET_OBJ) },
	{ "the vendor documentation's defect", "action-resource-mismatch",
	  "warning",
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":[\"s3:GetObject\","
	     "\"s3:ListBucketMultipartUploads\"],"
	     "\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ","
	     "\"Action\":\"s3:ListBucketMultipartUploads\","
	     "\"Resource\":\"arn:aws:s3:::b\"") },
	{ "no action applies", "action-no-resource", "error",
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":[\"s3:ListBucket\","
	     "\"s3:GetBucketLocation\"],\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":[\"s3:ListBucket\","
	     "\"s3:GetBucketLocation\"],\"Resource\":\"arn:aws:s3:::b\"") },
	{ "wildcard action never mismatches", "action-resource-mismatch",
	  "warning",
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":[\"s3:GetObject\","
	     "\"s3:ListBucketMultipartUploads\"],"
	     "\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":[\"s3:GetObject\","
	     "\"s3:ListBucketMulti*\"],\"Resource\":\"arn:aws:s3:::b/*\"") },
	{ "unknown action", "unknown-action", "warning",
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":\"s3:GetObjects\","
	     "\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":\"S3:getobject\","
	     "\"Resource\":\"arn:aws:s3:::b/*\"") },
	{ "another bucket", "other-bucket", "error",
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":\"s3:GetObject\","
	     "\"Resource\":\"arn:aws:s3:::c/*\""),
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":\"s3:GetObject\","
	     "\"Resource\":\"arn:aws:s3:::b*\"") },
	{ "another partition", "other-partition", "error",
	  ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ",\"Action\":\"s3:GetObject\","
	     "\"Resource\":\"arn:aws-cn:s3:::b/*\""),
	  ST(GET_OBJ) },
	{ "principal not an ARN", "invalid-principal", "error",
	  ST("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"statsig\"},"
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"999689269917\"},"
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"") },
	{ "wildcard in a principal ARN", "invalid-principal", "error",
	  ST("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
	     "\"arn:aws:iam::999689269917:user/*\"},"
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
	     "\"arn:aws:iam::999689269917:root\"},"
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"") },
	{ "deleted principal", "deleted-principal", "warning",
	  ST("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
	     "\"AIDAJQABLZS4A3QDU576Q\"},"
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST(GET_OBJ) },
	{ "placeholder", "placeholder", "error",
	  ST("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
	     "\"arn:aws:iam::999689269917:user/STATSIG_IAM_USER\"},"
	     "\"Action\":\"s3:GetObject\","
	     "\"Resource\":\"arn:aws:s3:::YOUR_S3_BUCKET/*\""),
	  ST(GET_OBJ) },
	{ "public access", "public-access", "warning",
	  ST("\"Effect\":\"Allow\",\"Principal\":\"*\","
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST("\"Effect\":\"Allow\",\"Principal\":\"*\","
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\","
	     "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}") },
	{ "public access through AWS *", "public-access", "warning",
	  ST("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"" VENDOR "\",\"*\"]},"
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST("\"Effect\":\"Deny\",\"Principal\":\"*\","
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"") },
	{ "NotPrincipal with Allow", "notprincipal-allow", "warning",
	  ST("\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"" VENDOR "\"},"
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST("\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" VENDOR "\","
	     "\"arn:aws:iam::999689269917:root\"]},"
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"") },
	{ "Deny NotPrincipal without the account", "notprincipal-deny-user",
	  "warning",
	  ST("\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"" VENDOR "\"},"
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\""),
	  ST("\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" VENDOR "\","
	     "\"999689269917\"]},"
	     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"") },
};

static int run_lint(const char *text, struct finding_list *r)
{
	struct principal pr;
	struct lint_params p = { "b", "aws", NULL, "read" };
	struct s3p_error err;

	assert_int_equal(names_parse_principal(VENDOR, &pr, &err), 0);
	(void)pr;
	return lint_policy_text(text, strlen(text), &p, r, &err);
}

static const struct finding *find(const struct finding_list *r,
				       const char *code)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->items[i].code, code))
			return &r->items[i];
	return NULL;
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lint_case *c = &cases[i];
		struct finding_list r = FINDING_LIST_INIT;
		const struct finding *f;

		assert_int_equal(run_lint(c->triggers, &r), 0);
		f = find(&r, c->code);
		if (!f)
			fail_msg("case '%s': no %s finding", c->name, c->code);
		assert_string_equal(severity_name(f->severity),
				    c->severity);
		assert_non_null(f->message);
		finding_list_release(&r);

		assert_int_equal(run_lint(c->clean, &r), 0);
		f = find(&r, c->code);
		if (f)
			fail_msg("case '%s': unexpected %s: %s", c->name,
				 c->code, f->message);
		finding_list_release(&r);
	}
}

/* A Deny with NotPrincipal listing only the vendor's user or only its
 * account: a finding with the amended statement (both listed). */
static void test_notprincipal_vendor(void **state)
{
	static const struct { const char *np, *listed, *added; } t[] = {
		{ "\"999689269917\"", "lists 999689269917 but not " VENDOR,
		  "[\"999689269917\",\"" VENDOR "\"]" },
		{ "\"arn:aws:iam::999689269917:root\"",
		  "lists arn:aws:iam::999689269917:root but not " VENDOR,
		  "[\"arn:aws:iam::999689269917:root\",\"" VENDOR "\"]" },
		{ "\"" VENDOR "\"",
		  "lists " VENDOR " but not arn:aws:iam::999689269917:root",
		  "[\"" VENDOR "\",\"arn:aws:iam::999689269917:root\"]" },
	};
	struct principal pr;
	struct lint_params p = { "b", "aws", &pr, "read" };
	struct s3p_error err;
	char text[1024];

	(void)state;
	assert_int_equal(names_parse_principal(VENDOR, &pr, &err), 0);
	for (size_t i = 0; i <= sizeof(t) / sizeof(t[0]); i++) {
		struct finding_list r = FINDING_LIST_INIT;
		const struct finding *f;

		/* the last: both listed, the vendor is exempt */
		snprintf(text, sizeof(text), ST("\"Sid\":\"Only\","
			 "\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":%s},"
			 "\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/*\""),
			 i < 3 ? t[i].np : t[0].added);
		assert_int_equal(lint_policy_text(text, strlen(text), &p, &r,
						  &err), 0);
		f = find(&r, "notprincipal-deny-vendor");
		if (i == 3) {
			assert_null(f);
			finding_list_release(&r);
			continue;
		}
		assert_non_null(f);
		assert_string_equal(severity_name(f->severity), "warning");
		assert_int_equal(f->statement, 0);
		if (!strstr(f->message, t[i].listed))
			fail_msg("case %zu: '%s' not in: %s", i, t[i].listed,
				 f->message);
		/* the amended statement, whole */
		snprintf(text, sizeof(text), "amended: {\"Sid\":\"Only\","
			 "\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":%s},",
			 t[i].added);
		if (!strstr(f->message, text))
			fail_msg("case %zu: '%s' not in: %s", i, text,
				 f->message);
		/* not twice: the generic finding leaves the vendor to it */
		assert_null(find(&r, "notprincipal-deny-user"));
		finding_list_release(&r);
	}
}

/* A clean vendor policy has no finding at all (without reminders). */
static void test_clean_policy(void **state)
{
	const char *text =
		"{\"Version\":\"2012-10-17\",\"Statement\":["
		"{\"Sid\":\"A\",\"Effect\":\"Allow\"," OK_PRINCIPAL ","
		"\"Action\":[\"s3:ListBucket\",\"s3:GetBucketLocation\","
		"\"s3:ListBucketMultipartUploads\"],"
		"\"Resource\":\"arn:aws:s3:::b\"},"
		"{\"Sid\":\"B\",\"Effect\":\"Allow\"," OK_PRINCIPAL ","
		"\"Action\":[\"s3:GetObject\",\"s3:PutObject\","
		"\"s3:DeleteObject\",\"s3:DeleteObjectVersion\","
		"\"s3:AbortMultipartUpload\",\"s3:ListMultipartUploadParts\"],"
		"\"Resource\":\"arn:aws:s3:::b/*\"}]}";
	struct finding_list r = FINDING_LIST_INIT;

	(void)state;
	assert_int_equal(run_lint(text, &r), 0);
	for (size_t i = 0; i < r.n; i++)
		fail_msg("unexpected %s: %s", r.items[i].code,
			 r.items[i].message);
	assert_int_equal(finding_max_severity(&r), -1);
	finding_list_release(&r);
}

/* The vendor documentation's export policy, placeholders replaced: exactly
 * one warning, on statement 1, naming the action. */
static void test_vendor_export_defect(void **state)
{
	const char *text =
		"{\"Version\":\"2012-10-17\",\"Statement\":["
		"{\"Effect\":\"Allow\"," OK_PRINCIPAL ","
		"\"Action\":[\"s3:ListBucket\",\"s3:GetBucketLocation\"],"
		"\"Resource\":\"arn:aws:s3:::b\"},"
		"{\"Effect\":\"Allow\"," OK_PRINCIPAL ","
		"\"Action\":[\"s3:GetObject\",\"s3:PutObject\","
		"\"s3:DeleteObject\",\"s3:DeleteObjectVersion\","
		"\"s3:AbortMultipartUpload\",\"s3:ListBucketMultipartUploads\","
		"\"s3:ListMultipartUploadParts\"],"
		"\"Resource\":\"arn:aws:s3:::b/*\"}]}";
	struct finding_list r = FINDING_LIST_INIT;

	(void)state;
	assert_int_equal(run_lint(text, &r), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].code, "action-resource-mismatch");
	assert_int_equal(r.items[0].severity, SEVERITY_WARNING);
	assert_int_equal(r.items[0].statement, 1);
	assert_non_null(strstr(r.items[0].message,
			       "s3:ListBucketMultipartUploads"));
	finding_list_release(&r);
}

/* 20,480 bytes without whitespace pass; one more is an error; whitespace
 * does not count. */
static void test_size(void **state)
{
	const char *head = "{\"Version\":\"2012-10-17\",\"Statement\":[{"
		GET_OBJ ",\"Sid\":\"";
	const char *tail = "\"}]}";
	size_t fixed = strlen(head) + strlen(tail);
	struct buf b = BUF_INIT;
	struct finding_list r = FINDING_LIST_INIT;

	(void)state;
	buf_puts(&b, "  \n\t");
	buf_puts(&b, head);
	for (size_t i = fixed; i < 20480; i++)
		buf_putc(&b, 'A');
	buf_puts(&b, tail);
	buf_puts(&b, "\n\n   \n");
	assert_int_equal(lint_compact_size(b.data, b.len), 20480);
	assert_int_equal(run_lint(b.data, &r), 0);
	assert_null(find(&r, "too-large"));
	finding_list_release(&r);

	buf_reset(&b);
	buf_puts(&b, head);
	for (size_t i = fixed; i < 20481; i++)
		buf_putc(&b, 'A');
	buf_puts(&b, tail);
	assert_int_equal(run_lint(b.data, &r), 0);
	assert_non_null(find(&r, "too-large"));
	assert_int_equal(find(&r, "too-large")->severity, SEVERITY_ERROR);
	finding_list_release(&r);
	buf_release(&b);

	/* Whitespace inside strings counts. */
	assert_int_equal(lint_compact_size("{ \"a b\" : 1 }", 13), 9);
	assert_int_equal(lint_compact_size("\"a\\\" b\"", 7), 7);
}

static void test_reminders(void **state)
{
	struct principal pr;
	struct s3p_error err;
	struct lint_params p = { "b", "aws", &pr, "export" };
	struct finding_list r = FINDING_LIST_INIT;

	(void)state;
	assert_int_equal(names_parse_principal(VENDOR, &pr, &err), 0);
	lint_reminders(&p, &r);
	assert_non_null(find(&r, "cross-account"));
	assert_non_null(strstr(find(&r, "cross-account")->message,
			       "999689269917"));
	assert_non_null(find(&r, "sse-kms"));
	assert_non_null(strstr(find(&r, "sse-kms")->message,
			       "kms:GenerateDataKey"));
	assert_int_equal(finding_max_severity(&r), SEVERITY_INFO);
	finding_list_release(&r);

	p.principal = NULL;
	p.mode = "read";
	lint_reminders(&p, &r);
	assert_null(find(&r, "cross-account"));
	assert_null(strstr(find(&r, "sse-kms")->message, "GenerateDataKey"));
	finding_list_release(&r);
}

/* Resource patterns: which types they can name. */
static void test_resource_types(void **state)
{
	struct finding_list r = FINDING_LIST_INIT;

	(void)state;
	/* "b*" names the bucket and its objects: both kinds apply. */
	assert_int_equal(run_lint(ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ","
		"\"Action\":[\"s3:ListBucket\",\"s3:GetObject\"],"
		"\"Resource\":\"arn:aws:s3:::b*\""), &r), 0);
	assert_null(find(&r, "action-resource-mismatch"));
	finding_list_release(&r);
	/* "*" names every type. */
	assert_int_equal(run_lint(ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ","
		"\"Action\":[\"s3:ListBucket\",\"s3:GetObject\"],"
		"\"Resource\":\"*\""), &r), 0);
	assert_null(find(&r, "action-resource-mismatch"));
	finding_list_release(&r);
	/* "b/?" is an object, never the bucket. */
	assert_int_equal(run_lint(ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ","
		"\"Action\":[\"s3:ListBucket\",\"s3:GetObject\"],"
		"\"Resource\":\"arn:aws:s3:::b/?\""), &r), 0);
	assert_non_null(find(&r, "action-resource-mismatch"));
	finding_list_release(&r);
	/* An action of no resource type needs Resource "*". */
	assert_int_equal(run_lint(ST("\"Effect\":\"Allow\"," OK_PRINCIPAL ","
		"\"Action\":[\"s3:ListAllMyBuckets\",\"s3:GetObject\"],"
		"\"Resource\":\"arn:aws:s3:::b/*\""), &r), 0);
	assert_non_null(find(&r, "action-resource-mismatch"));
	finding_list_release(&r);
	/* NotResource and NotAction are not checked for applicability. */
	assert_int_equal(run_lint(ST("\"Effect\":\"Deny\"," OK_PRINCIPAL ","
		"\"NotAction\":[\"s3:ListBucket\"],"
		"\"Resource\":\"arn:aws:s3:::b/*\""), &r), 0);
	assert_null(find(&r, "action-no-resource"));
	assert_null(find(&r, "action-resource-mismatch"));
	finding_list_release(&r);
}

static void test_action_table(void **state)
{
	const struct s3_action *a;
	char names[128];

	(void)state;
	a = s3_action_find("s3:ListBucketMultipartUploads");
	assert_non_null(a);
	assert_int_equal(a->types, S3_RT_BUCKET);
	a = s3_action_find("S3:getobject");
	assert_non_null(a);
	assert_true(a->types & S3_RT_OBJECT);
	assert_false(a->types & S3_RT_BUCKET);
	a = s3_action_find("s3:ListBucket");
	assert_true(a->types & S3_RT_BUCKET);
	assert_false(a->types & S3_RT_OBJECT);
	assert_int_equal(s3_action_find("s3:ListAllMyBuckets")->types, 0);
	assert_int_equal(s3_action_find("s3:DescribeJob")->types, S3_RT_JOB);
	assert_null(s3_action_find("s3:Get*"));
	assert_null(s3_action_find("s3:NoSuchAction"));
	assert_null(s3_action_find("iam:GetUser"));
	assert_null(s3_action_find("GetObject"));
	/* Sorted for bsearch: every entry is found by its own name. */
	for (size_t i = 0; i < s3_actions_count; i++) {
		char full[128];

		snprintf(full, sizeof(full), "s3:%s", s3_actions[i].name);
		assert_ptr_equal(s3_action_find(full), &s3_actions[i]);
	}
	assert_true(s3_actions_count >= 150);
	/* Every grant of the templates is in the table. */
	assert_non_null(s3_action_find("s3:GetBucketLocation"));
	assert_non_null(s3_action_find("s3:PutObject"));
	assert_non_null(s3_action_find("s3:DeleteObject"));
	assert_non_null(s3_action_find("s3:DeleteObjectVersion"));
	assert_non_null(s3_action_find("s3:AbortMultipartUpload"));
	assert_non_null(s3_action_find("s3:ListMultipartUploadParts"));
	s3_rtype_names(S3_RT_BUCKET | S3_RT_OBJECT, names, sizeof(names));
	assert_string_equal(names, "bucket, object");
	s3_rtype_names(0, names, sizeof(names));
	assert_string_equal(names, "*");
}


/* A policy of n statements with Sids (the last one reusing statement 7's)
 * and one Deny statement whose NotPrincipal lists n / 4 users. */
static void big_policy(size_t n, struct buf *b)
{
	buf_puts(b, "{\"Version\":\"2012-10-17\",\"Statement\":[");
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s{\"Sid\":\"S%zu\",\"Effect\":\"Deny\","
			   "\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
			   "\"Resource\":\"arn:aws:s3:::b/*\"}", i ? "," : "",
			   i == n - 1 ? (size_t)7 : i);
	buf_puts(b, ",{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[");
	for (size_t i = 0; i < n / 4; i++)
		buf_printf(b, "%s\"arn:aws:iam::%012zu:user/u\"", i ? "," : "",
			   i);
	buf_puts(b, ",\"111122223333\"]},\"Action\":\"s3:GetObject\","
		 "\"Resource\":\"arn:aws:s3:::b/*\"}]}");
}

/* CPU seconds to lint big_policy(n); checks the findings too. */
static double lint_cpu_seconds(size_t n)
{
	struct finding_list r = FINDING_LIST_INIT;
	struct buf b = BUF_INIT;
	size_t dups = 0, users = 0;
	clock_t t0;
	double secs;

	big_policy(n, &b);
	t0 = clock();
	assert_int_equal(run_lint(b.data, &r), 0);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	for (size_t i = 0; i < r.n; i++) {
		if (!strcmp(r.items[i].code, "duplicate-sid")) {
			dups++;
			assert_int_equal(r.items[i].statement, (long)n - 1);
			assert_non_null(strstr(r.items[i].message,
					       "statement 7 too"));
		}
		users += !strcmp(r.items[i].code, "notprincipal-deny-user");
	}
	assert_int_equal(dups, 1);
	assert_int_equal(users, n / 4);
	finding_list_release(&r);
	buf_release(&b);
	return secs;
}

/* Every lint pass is linear: the duplicate-Sid check compared every pair
 * of statements (833 s for 100,000 in verify), the NotPrincipal check
 * every pair of principals.  16 times the statements must cost about 16
 * times the CPU time (a quadratic pass: 256 times); CPU time, so that a
 * busy machine or valgrind does not change the ratio. */
static void test_linear_time(void **state)
{
	double small, big;

	(void)state;
	small = lint_cpu_seconds(500);
	big = lint_cpu_seconds(8000);
	print_message("lint CPU time: 500 statements %.3f s, 8,000 "
		      "statements %.3f s (x%.1f)\n", small, big,
		      big / (small > 0.001 ? small : 0.001));
	if (big > 48 * (small > 0.001 ? small : 0.001))
		fail_msg("16 times the statements took %.0f times the time: "
			 "not linear", big / small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_notprincipal_vendor),
		cmocka_unit_test(test_clean_policy),
		cmocka_unit_test(test_vendor_export_defect),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_reminders),
		cmocka_unit_test(test_resource_types),
		cmocka_unit_test(test_action_table),
		cmocka_unit_test(test_linear_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
