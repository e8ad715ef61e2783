/* Unit tests: iam_eval.c - the table of policy evaluation cases in
 * tests/fixtures/iam_eval/ (one file per policy, several cases each), and
 * the pattern algebra (glob match, inclusion, overlap).
 *
 * A fixture file:
 *   { "description": "...",
 *     "policy": { ...bucket policy... },
 *     "principal": "arn:aws:iam::...:user/x",      (default: the vendor)
 *     "context": ["KEY=VALUE", ...],               (--context entries)
 *     "cases": [ { "name": "...",
 *                  "action": "s3:GetObject", "resource": "arn:aws:s3:::b",
 *                  "prefixes": ["events/"],       (list grant under --prefix)
 *                  "principal": ..., "context": [...],   (per case; a
 *                                                 case's context replaces
 *                                                 the file's)
 *                  "expect": "allowed|explicit-deny|implicit-deny|conditional",
 *                  "statements": [0, 2],          (indices, exact)
 *                  "keys": ["aws:SourceIp"],      (condition keys, exact)
 *                  "covered": ["arn:..."],        (of the first statement)
 *                  "note": "substring of some note",
 *                  "no_note": "substring no note has" } ] }
 * Cases go through iam_eval_grant() with a grant built from the case, so
 * the default context is exactly the one `verify` uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "glob.h"
#include "iam_eval.h"
#include "template.h"

#define VENDOR "arn:aws:iam::999689269917:user/statsig-abc"
#define MIN_CASES 60

static const char *fixture_dir(void)
{
	const char *d = getenv("IAM_EVAL_FIXTURES");

	return d && *d ? d : "tests/fixtures/iam_eval";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *jstr(const json_t *o, const char *k, const char *def)
{
	const json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : def;
}

static void build_context(struct eval_context *ctx, const char *principal,
			  const json_t *ctx1, const json_t *ctx2,
			  const char *where)
{
	struct principal p;
	struct s3p_error err;
	const json_t *lists[2] = { json_is_array(ctx2) ? NULL : ctx1, ctx2 };

	if (names_parse_principal(principal, &p, &err))
		fail_msg("%s: principal: %s", where, err.msg);
	if (eval_context_init(ctx, &p, &err))
		fail_msg("%s: context: %s", where, err.msg);
	for (int l = 0; l < 2; l++) {
		size_t i;
		const json_t *e;

		if (!json_is_array(lists[l]))
			continue;
		json_array_foreach(lists[l], i, e) {
			if (eval_context_assign(ctx, json_string_value(e),
						&err))
				fail_msg("%s: %s", where, err.msg);
		}
	}
}

/* Checks one case; returns 0 on success, prints and returns 1 on
 * failure (so that every failing case is listed). */
static int run_case(const struct iam_policy *pol, const json_t *file,
		    const json_t *c, const char *fname, size_t ci)
{
	char where[512];
	struct eval_context ctx;
	struct eval_result r;
	struct s3p_error err;
	struct grant g;
	const json_t *pref = json_object_get(c, "prefixes");
	const json_t *want_st = json_object_get(c, "statements");
	const json_t *want_keys = json_object_get(c, "keys");
	const json_t *want_cov = json_object_get(c, "covered");
	const char *note = jstr(c, "note", NULL);
	const char *no_note = jstr(c, "no_note", NULL);
	const char *expect = jstr(c, "expect", "?");
	const char *res = jstr(c, "resource", "");
	const char *tail = strstr(res, ":::");
	int bad = 0;
	size_t i;

	snprintf(where, sizeof(where), "%s case %zu (%s)", fname, ci,
		 jstr(c, "name", ""));
	build_context(&ctx,
		      jstr(c, "principal", jstr(file, "principal", VENDOR)),
		      json_object_get(file, "context"),
		      json_object_get(c, "context"), where);
	memset(&g, 0, sizeof(g));
	g.action = (char *)jstr(c, "action", "");
	g.resource = (char *)res;
	g.bucket_level = tail && !strchr(tail + 3, '/');
	if (json_is_array(pref)) {
		g.nprefixes = json_array_size(pref);
		g.prefixes = calloc(g.nprefixes + 1, sizeof(char *));
		for (i = 0; i < g.nprefixes; i++)
			g.prefixes[i] = (char *)json_string_value(
				json_array_get(pref, i));
	}
	if (iam_eval_grant(pol, &ctx, &g, &r, &err))
		fail_msg("%s: %s", where, err.msg);

	if (strcmp(iam_decision_str(r.decision), expect)) {
		print_error("%s: decision %s, expected %s\n", where,
			    iam_decision_str(r.decision), expect);
		bad = 1;
	}
	if (json_is_array(want_st)) {
		int same = json_array_size(want_st) == r.nstatements;

		for (i = 0; same && i < r.nstatements; i++)
			same = (size_t)json_integer_value(
				       json_array_get(want_st, i)) ==
			       r.statements[i].index;
		if (!same) {
			print_error("%s: statements [", where);
			for (i = 0; i < r.nstatements; i++)
				print_error("%s%zu", i ? "," : "",
					    r.statements[i].index);
			{
				char *w = json_dumps(want_st, JSON_COMPACT);

				print_error("], expected %s\n", w);
				free(w);
			}
			bad = 1;
		}
	}
	if (json_is_array(want_keys)) {
		int same = json_array_size(want_keys) == r.ncondition_keys;

		for (i = 0; same && i < r.ncondition_keys; i++)
			same = !strcmp(json_string_value(
					       json_array_get(want_keys, i)),
				       r.condition_keys[i]);
		if (!same) {
			print_error("%s: keys [", where);
			for (i = 0; i < r.ncondition_keys; i++)
				print_error("%s%s", i ? "," : "",
					    r.condition_keys[i]);
			print_error("]\n");
			bad = 1;
		}
	}
	if (json_is_array(want_cov)) {
		int same = r.nstatements &&
			   json_array_size(want_cov) ==
				   r.statements[0].ncovered;

		for (i = 0; same && i < r.statements[0].ncovered; i++)
			same = !strcmp(json_string_value(
					       json_array_get(want_cov, i)),
				       r.statements[0].covered[i]);
		if (!same) {
			print_error("%s: covered [", where);
			for (i = 0; r.nstatements &&
				    i < r.statements[0].ncovered; i++)
				print_error("%s%s", i ? "," : "",
					    r.statements[0].covered[i]);
			print_error("]\n");
			bad = 1;
		}
	}
	if (note) {
		int found = 0;

		for (i = 0; i < r.nnotes && !found; i++)
			found = strstr(r.notes[i], note) != NULL;
		if (!found) {
			print_error("%s: no note containing '%s'; notes:\n",
				    where, note);
			for (i = 0; i < r.nnotes; i++)
				print_error("  %s\n", r.notes[i]);
			bad = 1;
		}
	}
	for (i = 0; no_note && i < r.nnotes; i++) {
		if (strstr(r.notes[i], no_note)) {
			print_error("%s: a note contains '%s': %s\n", where,
				    no_note, r.notes[i]);
			bad = 1;
		}
	}
	eval_result_release(&r);
	eval_context_release(&ctx);
	free(g.prefixes);
	return bad;
}

static void test_fixture_table(void **state)
{
	DIR *d = opendir(fixture_dir());
	struct dirent *de;
	char **names = NULL;
	size_t nnames = 0, ncases = 0, nfail = 0;

	(void)state;
	if (!d)
		fail_msg("cannot open fixture directory '%s'", fixture_dir());
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 5 && !strcmp(de->d_name + len - 5, ".json")) {
			names = realloc(names, (nnames + 1) * sizeof(*names));
			names[nnames++] = strdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, nnames, sizeof(*names), cmp_str);
	for (size_t f = 0; f < nnames; f++) {
		char path[1024];
		json_error_t jerr;
		json_t *file, *cases, *c;
		struct iam_policy *pol;
		struct s3p_error err;
		size_t i;

		snprintf(path, sizeof(path), "%s/%s", fixture_dir(), names[f]);
		file = json_load_file(path, 0, &jerr);
		if (!file)
			fail_msg("%s:%d:%d: %s", path, jerr.line, jerr.column,
				 jerr.text);
		if (iam_policy_compile(json_object_get(file, "policy"), &pol,
				       &err))
			fail_msg("%s: %s", path, err.msg);
		cases = json_object_get(file, "cases");
		assert_true(json_is_array(cases));
		json_array_foreach(cases, i, c) {
			nfail += (size_t)run_case(pol, file, c, names[f], i);
			ncases++;
		}
		iam_policy_free(pol);
		json_decref(file);
		free(names[f]);
	}
	free(names);
	print_message("iam_eval: %zu fixture cases, %zu failed\n", ncases,
		      nfail);
	assert_true(ncases >= MIN_CASES);
	assert_int_equal(nfail, 0);
}

static void test_glob_match(void **state)
{
	(void)state;
	assert_true(glob_match_text("s3:Get*", "s3:GetObject", 0));
	assert_true(glob_match_text("S3:GET*", "s3:GetObject", 1));
	assert_false(glob_match_text("S3:GET*", "s3:GetObject", 0));
	assert_true(glob_match_text("s3:GetObjec?", "s3:GetObject", 0));
	assert_false(glob_match_text("s3:GetObjec?", "s3:GetObjects", 0));
	assert_true(glob_match_text("*", "", 0));
	assert_false(glob_match_text("?", "", 0));
	assert_true(glob_match_text("a*b*c", "aXbYbZc", 0));
	assert_false(glob_match_text("a*b*c", "aXbYbZ", 0));
	assert_true(glob_match_text("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y:z",
				   0));
}

static void test_glob_covers(void **state)
{
	static const struct { const char *a, *b; int want; } t[] = {
		{ "*", "anything*", 1 },
		{ "arn:aws:s3:::b/*", "arn:aws:s3:::b/events/*", 1 },
		{ "arn:aws:s3:::b/events/*", "arn:aws:s3:::b/*", 0 },
		{ "arn:aws:s3:::b*", "arn:aws:s3:::b/*", 1 },
		{ "arn:aws:s3:::b/*/*", "arn:aws:s3:::b/*", 0 },
		{ "arn:aws:s3:::b/*", "arn:aws:s3:::b", 0 },
		{ "arn:aws:s3:::b?", "arn:aws:s3:::b", 0 },
		/* textual matching gets these wrong, languages do not */
		{ "?*?", "*ab", 1 },
		{ "*?", "?*", 1 },
		{ "?*", "*?", 1 },
		{ "a*", "a?*", 1 },
		{ "a?*", "a*", 0 },
		{ "*a*", "*a?a*", 1 },
		{ "*ab*", "*a*b*", 0 },
		{ "*a*b*", "*ab*", 1 },
		{ "x*x", "x*x*x", 1 },
		{ "x*x*x", "x*x", 0 },
		{ "x?x", "x?x", 1 },
		{ "???", "?*?", 0 },
		{ "a*", "a", 1 },
		{ "b", "b", 1 },
		{ "b", "c", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (glob_covers_text(t[i].a, t[i].b, 0) != t[i].want)
			fail_msg("covers('%s', '%s') != %d", t[i].a, t[i].b,
				 t[i].want);
	assert_true(glob_covers_text("S3:*OBJECT", "s3:Get*Object", 1));
	assert_false(glob_covers_text("S3:*OBJECT", "s3:Get*Object", 0));
}

static void test_glob_overlaps(void **state)
{
	static const struct { const char *a, *b; int want; } t[] = {
		{ "arn:aws:s3:::b/private/*", "arn:aws:s3:::b/*", 1 },
		{ "arn:aws:s3:::b/events/*", "arn:aws:s3:::b/metrics/*", 0 },
		{ "arn:aws:s3:::b/*.parquet", "arn:aws:s3:::b/events/*", 1 },
		{ "arn:aws:s3:::b/?", "arn:aws:s3:::b/*", 1 },
		{ "arn:aws:s3:::c/*", "arn:aws:s3:::b/*", 0 },
		{ "arn:aws:s3:::b", "arn:aws:s3:::b/*", 0 },
		{ "*a", "b*", 1 },
		{ "a*", "*b", 1 },
		{ "a?", "?b", 1 },
		{ "a", "?", 1 },
		{ "ab", "?", 0 },
		{ "a*c", "a*d", 0 },
		{ "*x*", "*y*", 1 },
		{ "", "*", 1 },
		{ "", "?", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		if (glob_overlaps_text(t[i].a, t[i].b, 0) != t[i].want)
			fail_msg("overlaps('%s', '%s') != %d", t[i].a,
				 t[i].b, t[i].want);
		if (glob_overlaps_text(t[i].b, t[i].a, 0) != t[i].want)
			fail_msg("overlaps('%s', '%s') != %d (swapped)",
				 t[i].b, t[i].a, t[i].want);
	}
}

/* Brute force over a small alphabet checks inclusion and overlap on
 * random patterns over {a, b, *, ?}: every string over {a, b, c} (c: a
 * letter neither pattern names) up to length 8 is tried with an
 * independent recursive matcher. */
static int ref_match(const char *p, const char *s)
{
	if (!*p)
		return !*s;
	if (*p == '*')
		return ref_match(p + 1, s) || (*s && ref_match(p, s + 1));
	if (!*s)
		return 0;
	return (*p == '?' || *p == *s) && ref_match(p + 1, s + 1);
}

static void random_pattern(char *out, size_t max, unsigned *seed)
{
	static const char sym[] = "ab*?";
	size_t n = (size_t)(rand_r(seed) % (int)max);

	for (size_t i = 0; i < n; i++)
		out[i] = sym[rand_r(seed) % 4];
	out[n] = '\0';
}

static int brute(const char *a, const char *b, int *overlap)
{
	char s[9];
	int covered = 1;

	*overlap = 0;
	for (int len = 0; len <= 8; len++) {
		long total = 1;

		for (int i = 0; i < len; i++)
			total *= 3;
		for (long x = 0; x < total; x++) {
			long y = x;

			for (int i = 0; i < len; i++) {
				s[i] = "abc"[y % 3];
				y /= 3;
			}
			s[len] = '\0';
			if (!ref_match(b, s))
				continue;
			if (ref_match(a, s))
				*overlap = 1;
			else
				covered = 0;
		}
	}
	return covered;
}

static void test_glob_random(void **state)
{
	unsigned seed = 12345;
	char a[8], b[8], s[9];

	(void)state;
	for (int i = 0; i < 400; i++) {
		int ov, cov;

		random_pattern(a, 6, &seed);
		random_pattern(b, 6, &seed);
		cov = brute(a, b, &ov);
		if (glob_overlaps_text(a, b, 0) != ov)
			fail_msg("overlaps('%s', '%s') != %d", a, b, ov);
		if (glob_covers_text(a, b, 0) != cov)
			fail_msg("covers('%s', '%s') != %d", a, b, cov);
		/* and the matcher agrees with the reference */
		random_pattern(s, 9, &seed);
		for (char *c = s; *c; c++)
			if (*c == '*' || *c == '?')
				*c = 'c';
		if (glob_match_text(a, s, 0) != ref_match(a, s))
			fail_msg("match('%s', '%s')", a, s);
	}
}

static void test_context(void **state)
{
	struct principal p;
	struct eval_context ctx, g1;
	struct s3p_error err;
	const struct eval_key *k;
	struct grant g;
	char *pref[] = { "events/", NULL };

	(void)state;
	assert_int_equal(names_parse_principal(
				 "arn:aws:iam::999689269917:role/vendor", &p,
				 &err), 0);
	assert_int_equal(eval_context_init(&ctx, &p, &err), 0);
	k = eval_context_get(&ctx, "AWS:PRINCIPALTYPE");
	assert_non_null(k);
	assert_string_equal(k->values[0], "AssumedRole");
	k = eval_context_get(&ctx, "aws:username");
	assert_non_null(k);
	assert_true(k->absent);
	assert_null(eval_context_get(&ctx, "aws:SourceIp"));
	assert_int_equal(eval_context_assign(&ctx, "aws:TagKeys=a", &err), 0);
	assert_int_equal(eval_context_assign(&ctx, "aws:TagKeys=b", &err), 0);
	assert_int_equal(eval_context_get(&ctx, "aws:tagkeys")->nvalues, 2);
	assert_int_equal(eval_context_assign(&ctx, "noequals", &err), -1);
	assert_int_equal(err.kind, S3P_E_USAGE);
	assert_int_equal(eval_context_assign(&ctx, "=x", &err), -1);
	/* --context replaces a default once, then adds */
	assert_int_equal(eval_context_assign(&ctx, "aws:SecureTransport=false",
					     &err), 0);
	k = eval_context_get(&ctx, "aws:SecureTransport");
	assert_int_equal(k->nvalues, 1);
	assert_string_equal(k->values[0], "false");

	memset(&g, 0, sizeof(g));
	g.action = "s3:ListBucket";
	g.resource = "arn:aws:s3:::b";
	g.bucket_level = 1;
	g.prefixes = pref;
	g.nprefixes = 1;
	assert_int_equal(eval_context_for_grant(&ctx, &g, 0, &g1, &err), 0);
	k = eval_context_get(&g1, "s3:prefix");
	assert_non_null(k);
	assert_string_equal(k->values[0], "events/");
	eval_context_release(&g1);
	g.nprefixes = 0;
	assert_int_equal(eval_context_for_grant(&ctx, &g, 0, &g1, &err), 0);
	assert_true(eval_context_get(&g1, "s3:prefix")->absent);
	eval_context_release(&g1);
	/* an explicit s3:prefix wins over the grant's */
	g.nprefixes = 1;
	assert_int_equal(eval_context_assign(&ctx, "s3:prefix=x/", &err), 0);
	assert_int_equal(eval_context_for_grant(&ctx, &g, 0, &g1, &err), 0);
	assert_string_equal(eval_context_get(&g1, "s3:prefix")->values[0],
			    "x/");
	eval_context_release(&g1);
	eval_context_release(&ctx);

	assert_string_equal(iam_decision_str(IAM_ALLOWED), "allowed");
	assert_string_equal(iam_decision_str(IAM_EXPLICIT_DENY),
			    "explicit-deny");
	assert_string_equal(iam_decision_str(IAM_IMPLICIT_DENY),
			    "implicit-deny");
	assert_string_equal(iam_decision_str(IAM_CONDITIONAL), "conditional");
}

static void test_compile_errors(void **state)
{
	struct iam_policy *pol = (struct iam_policy *)1;
	struct s3p_error err;
	json_t *arr = json_array();
	json_t *empty = json_object();

	(void)state;
	assert_int_equal(iam_policy_compile(arr, &pol, &err), -1);
	assert_null(pol);
	assert_int_equal(err.kind, S3P_E_INPUT);
	assert_int_equal(iam_policy_compile(NULL, &pol, &err), -1);
	/* no Statement: compiles, allows nothing */
	assert_int_equal(iam_policy_compile(empty, &pol, &err), 0);
	assert_int_equal(iam_policy_count(pol), 0);
	iam_policy_free(pol);
	json_decref(arr);
	json_decref(empty);
}

/* The one-shot convenience, and the multi-prefix merge of iam_eval_grant:
 * the worst decision wins and explains itself. */
static void test_eval_json_and_merge(void **state)
{
	json_error_t jerr;
	json_t *doc = json_loads(
		"{\"Version\":\"2012-10-17\",\"Statement\":["
		"{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Principal\":"
		"{\"AWS\":\"999689269917\"},\"Action\":\"s3:ListBucket\","
		"\"Resource\":\"arn:aws:s3:::b\"},"
		"{\"Sid\":\"D\",\"Effect\":\"Deny\",\"Principal\":\"*\","
		"\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\","
		"\"Condition\":{\"StringLike\":{\"s3:prefix\":\"secret/*\"}}},"
		"{\"Sid\":\"M\",\"Effect\":\"Deny\",\"Principal\":\"*\","
		"\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\","
		"\"Condition\":{\"StringLike\":{\"s3:prefix\":\"maybe/*\"},"
		"\"Bool\":{\"aws:ViaAWSService\":\"false\"}}}]}",
		0, &jerr);
	struct iam_policy *pol;
	struct eval_context ctx;
	struct eval_result r;
	struct principal p;
	struct s3p_error err;
	struct grant g;
	char *pref[] = { "data/", "maybe/x/", "secret/x/" };

	(void)state;
	assert_non_null(doc);
	assert_int_equal(names_parse_principal(VENDOR, &p, &err), 0);
	assert_int_equal(eval_context_init(&ctx, &p, &err), 0);
	assert_int_equal(iam_policy_compile(doc, &pol, &err), 0);
	assert_int_equal(iam_eval(pol, &ctx, "s3:ListBucket",
				  "arn:aws:s3:::b", &r, &err), 0);
	iam_policy_free(pol);
	/* s3:prefix is unknown in a bare context: both Denies may apply */
	assert_int_equal(r.decision, IAM_CONDITIONAL);
	assert_int_equal(r.ncondition_keys, 2);
	assert_string_equal(r.condition_keys[0], "aws:ViaAWSService");
	assert_string_equal(r.condition_keys[1], "s3:prefix");
	eval_result_release(&r);

	assert_int_equal(iam_policy_compile(doc, &pol, &err), 0);
	assert_int_equal(iam_policy_count(pol), 3);
	memset(&g, 0, sizeof(g));
	g.action = "s3:ListBucket";
	g.resource = "arn:aws:s3:::b";
	g.bucket_level = 1;
	g.prefixes = pref;
	g.nprefixes = 2;        /* data/ allowed, maybe/x/ conditional */
	assert_int_equal(iam_eval_grant(pol, &ctx, &g, &r, &err), 0);
	assert_int_equal(r.decision, IAM_CONDITIONAL);
	assert_int_equal(r.nstatements, 2);
	assert_int_equal(r.statements[0].index, 0);
	assert_int_equal(r.statements[1].index, 2);
	assert_true(r.statements[1].conditional);
	assert_int_equal(r.ncondition_keys, 1);
	assert_string_equal(r.condition_keys[0], "aws:ViaAWSService");
	eval_result_release(&r);
	g.nprefixes = 3;        /* and secret/x/ denied: explicit-deny wins */
	assert_int_equal(iam_eval_grant(pol, &ctx, &g, &r, &err), 0);
	assert_int_equal(r.decision, IAM_EXPLICIT_DENY);
	assert_int_equal(r.nstatements, 1);
	assert_string_equal(r.statements[0].sid, "D");
	assert_int_equal(r.ncondition_keys, 0);
	eval_result_release(&r);
	eval_result_release(&r);        /* releasing twice is harmless */

	iam_policy_free(pol);
	eval_context_release(&ctx);
	json_decref(doc);
}

/* Patterns whose inclusion test is exponential (a '*' then many '?', the
 * "n-th last character" language) in a union of many Allows: evaluation
 * must stay bounded, and must not claim the grant allowed. */
static void test_pathological_bounded(void **state)
{
	json_t *doc = json_object(), *st = json_array();
	struct iam_policy *pol;
	struct eval_context ctx;
	struct eval_result r;
	struct principal p;
	struct s3p_error err;
	struct timespec t0, t1;
	double ms;

	(void)state;
	json_object_set_new(doc, "Version", json_string("2012-10-17"));
	json_object_set_new(doc, "Statement", st);
	for (int i = 0; i < 100; i++) {
		char res[128];

		snprintf(res, sizeof(res), "arn:aws:s3:::b/*%c????????????",
			 'a' + i % 26);
		json_array_append_new(st, json_pack(
			"{s:s,s:{s:s},s:s,s:s}", "Effect", "Allow",
			"Principal", "AWS", VENDOR, "Action", "s3:GetObject",
			"Resource", res));
	}
	assert_int_equal(iam_policy_compile(doc, &pol, &err), 0);
	assert_int_equal(names_parse_principal(VENDOR, &p, &err), 0);
	assert_int_equal(eval_context_init(&ctx, &p, &err), 0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	assert_int_equal(iam_eval(pol, &ctx, "s3:GetObject", "arn:aws:s3:::b/*",
				  &r, &err), 0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("pathological union of 100 patterns: %.1f ms CPU\n", ms);
	assert_int_equal(r.decision, IAM_IMPLICIT_DENY);
	eval_result_release(&r);
	eval_context_release(&ctx);
	iam_policy_free(pol);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_table),
		cmocka_unit_test(test_glob_match),
		cmocka_unit_test(test_glob_covers),
		cmocka_unit_test(test_glob_overlaps),
		cmocka_unit_test(test_glob_random),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_pathological_bounded),
		cmocka_unit_test(test_eval_json_and_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
