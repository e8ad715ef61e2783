/* test_glob.c - the wildcard algebra (glob.h) through its own API: patterns
 * built symbol by symbol, literal wildcards, the ARN-segment symbols lint
 * uses, coverage by a union, case folding, and a brute-force cross-check
 * of match / overlaps / covers / covers_union on random patterns that mix
 * every symbol. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

static struct glob text(const char *t, int wild)
{
	struct glob g = GLOB_INIT;

	glob_push_text(&g, t, strlen(t), wild, 0);
	return g;
}

/* "arn:aws:s3:::" then an ARN variable (one or more segment characters). */
static struct glob bucket_format(void)
{
	struct glob g = text("arn:aws:s3:::", 0);

	glob_push(&g, GLOB_SEG_ANY);
	glob_push(&g, GLOB_SEG_STAR);
	return g;
}

static void test_build(void **state)
{
	struct glob g = text("a**b?", 1), lit = text("a*", 0);

	(void)state;
	/* a run of stars is one star */
	assert_int_equal(g.n, 4);
	assert_int_equal(g.s[1], GLOB_STAR);
	assert_int_equal(g.s[3], GLOB_ANY);
	assert_true(glob_has_wild(&g));
	/* without wild, '*' is a character like any other */
	assert_false(glob_has_wild(&lit));
	assert_true(glob_match(&lit, "a*", 2, 0));
	assert_false(glob_match(&lit, "ab", 2, 0));
	/* a literal star is covered by a wildcard star, not the reverse */
	glob_release(&g);
	g = text("a*", 1);
	assert_true(glob_covers(&g, &lit, 0));
	assert_false(glob_covers(&lit, &g, 0));
	assert_true(glob_overlaps(&lit, &g, 0));
	glob_release(&g);
	glob_release(&lit);
	assert_null(g.s);
	assert_int_equal(g.n, 0);
}

static void test_match_length_and_case(void **state)
{
	struct glob g = text("a?c", 1), up = GLOB_INIT;

	(void)state;
	/* the length counts, NUL included */
	assert_true(glob_match(&g, "a\0c", 3, 0));
	assert_false(glob_match(&g, "abcd", 3 + 1, 0));
	assert_true(glob_match(&g, "abcd", 3, 0));
	/* ci folds ASCII letters on both sides */
	glob_push_text(&up, "S3:GET*", 7, 1, 1);
	assert_int_equal(up.s[0], 's');
	assert_true(glob_match(&up, "s3:GetObject", 12, 1));
	assert_true(glob_match_text("S3:GET*", "s3:getobject", 1));
	assert_false(glob_match_text("S3:GET*", "s3:getobject", 0));
	assert_int_equal(glob_fold('Q'), 'q');
	assert_int_equal(glob_fold('/'), '/');
	glob_release(&g);
	glob_release(&up);
}

static void test_segment_symbols(void **state)
{
	struct glob fmt = bucket_format(), obj = bucket_format();
	struct glob star = GLOB_INIT, seg = GLOB_INIT, one = GLOB_INIT;
	struct glob p;

	(void)state;
	assert_true(glob_match(&fmt, "arn:aws:s3:::b", 14, 0));
	assert_false(glob_match(&fmt, "arn:aws:s3:::", 13, 0));
	assert_false(glob_match(&fmt, "arn:aws:s3:::b/k", 16, 0));
	assert_false(glob_match(&fmt, "arn:aws:s3:::b:k", 16, 0));

	/* ${BucketName}/${ObjectName} */
	glob_push(&obj, '/');
	glob_push(&obj, GLOB_ANY);
	glob_push(&obj, GLOB_STAR);
	assert_true(glob_match(&obj, "arn:aws:s3:::b/k/l:m", 20, 0));

	/* which resource types a Resource pattern can name */
	p = text("arn:aws:s3:::*", 1);
	assert_true(glob_overlaps(&p, &fmt, 0));
	assert_true(glob_overlaps(&p, &obj, 0));
	glob_release(&p);
	p = text("arn:aws:s3:::b/*", 1);
	assert_false(glob_overlaps(&p, &fmt, 0));
	assert_true(glob_overlaps(&p, &obj, 0));
	glob_release(&p);
	p = text("arn:aws:s3:::b", 1);
	assert_true(glob_overlaps(&p, &fmt, 0));
	assert_false(glob_overlaps(&p, &obj, 0));
	glob_release(&p);
	p = text("arn:aws:s3:::b/", 1);
	assert_false(glob_overlaps(&p, &fmt, 0));
	assert_false(glob_overlaps(&p, &obj, 0));
	glob_release(&p);

	/* inclusion between the kinds of run and of single character */
	glob_push(&star, GLOB_STAR);
	glob_push(&seg, GLOB_SEG_STAR);
	glob_push(&one, GLOB_SEG_ANY);
	assert_true(glob_covers(&star, &seg, 0));
	assert_false(glob_covers(&seg, &star, 0));
	assert_true(glob_covers(&seg, &one, 0));
	assert_false(glob_covers(&one, &seg, 0));   /* the empty string */
	p = text("?", 1);
	assert_false(glob_covers(&one, &p, 0));     /* '?' may be ':' */
	assert_true(glob_covers(&p, &one, 0));
	glob_release(&p);
	p = text("ab", 0);
	assert_true(glob_covers(&seg, &p, 0));
	glob_release(&p);
	p = text("a/b", 0);
	assert_false(glob_covers(&seg, &p, 0));
	glob_release(&p);
	glob_release(&fmt);
	glob_release(&obj);
	glob_release(&star);
	glob_release(&seg);
	glob_release(&one);
}

static void test_covers_union(void **state)
{
	struct glob empty = text("", 1), some = text("?*", 1);
	struct glob all = text("*", 1), ab = text("a*b", 1);
	struct glob a_ = text("a*", 1), _b = text("*b", 1);
	struct glob ev = text("arn:aws:s3:::b/events/*", 1);
	struct glob rest = text("arn:aws:s3:::b/?*", 1);
	struct glob bk = text("arn:aws:s3:::b/*", 1);
	const struct glob *two[2] = { &empty, &some };
	const struct glob *one[1] = { &some };
	const struct glob *ends[2] = { &a_, &_b };
	const struct glob *keys[2] = { &ev, &rest };

	(void)state;
	/* together, not alone */
	assert_int_equal(glob_covers_union(two, 2, &all, 0), 1);
	assert_int_equal(glob_covers_union(one, 1, &all, 0), 0);
	assert_int_equal(glob_covers_union(ends, 2, &ab, 0), 1);
	assert_int_equal(glob_covers_union(ends, 2, &all, 0), 0);
	assert_int_equal(glob_covers_union(ends, 0, &ab, 0), 0);
	/* "b/?*" misses the empty key that "b/" + "*" names */
	assert_int_equal(glob_covers_union(keys, 2, &bk, 0), 0);
	assert_int_equal(glob_covers_text("arn:aws:s3:::b/*",
					  "arn:aws:s3:::b/events/*", 0), 1);
	assert_int_equal(glob_overlaps_text("a*c", "a*d", 0), 0);
	glob_release(&empty);
	glob_release(&some);
	glob_release(&all);
	glob_release(&ab);
	glob_release(&a_);
	glob_release(&_b);
	glob_release(&ev);
	glob_release(&rest);
	glob_release(&bk);
}

/* ---- brute force ----------------------------------------------------------
 * Patterns over {a, :, /, *, ?, S (segment run), O (segment character)},
 * strings over {a, :, /, c} (c: a character no pattern names) up to length
 * 6, matched by an independent recursive matcher. */

#define MAXLEN 6

static int seg(char c)
{
	return c != ':' && c != '/';
}

static int ref_match(const char *p, const char *s)
{
	if (!*p)
		return !*s;
	if (*p == '*')
		return ref_match(p + 1, s) || (*s && ref_match(p, s + 1));
	if (*p == 'S')
		return ref_match(p + 1, s) ||
		       (*s && seg(*s) && ref_match(p, s + 1));
	if (!*s)
		return 0;
	if (*p == 'O')
		return seg(*s) && ref_match(p + 1, s + 1);
	return (*p == '?' || *p == *s) && ref_match(p + 1, s + 1);
}

static struct glob sym_glob(const char *p)
{
	struct glob g = GLOB_INIT;

	for (; *p; p++)
		glob_push(&g, *p == '*' ? GLOB_STAR : *p == '?' ? GLOB_ANY :
			      *p == 'S' ? GLOB_SEG_STAR :
			      *p == 'O' ? GLOB_SEG_ANY : *p);
	return g;
}

static void random_pattern(char *out, size_t max, unsigned *seed)
{
	static const char sym[] = "a:/*?SO";
	size_t n = (size_t)(rand_r(seed) % (int)max);

	for (size_t i = 0; i < n; i++)
		out[i] = sym[rand_r(seed) % 7];
	out[n] = '\0';
}

/* For every string b matches: does a0 or a1 (NULL: none) match it? */
static void brute(const char *a0, const char *a1, const char *b, int *cov,
		  int *ov)
{
	char s[MAXLEN + 1];

	*cov = 1;
	*ov = 0;
	for (int len = 0; len <= MAXLEN; len++) {
		long total = 1;

		for (int i = 0; i < len; i++)
			total *= 4;
		for (long x = 0; x < total; x++) {
			long y = x;

			for (int i = 0; i < len; i++) {
				s[i] = "a:/c"[y % 4];
				y /= 4;
			}
			s[len] = '\0';
			if (!ref_match(b, s))
				continue;
			if (ref_match(a0, s) || (a1 && ref_match(a1, s)))
				*ov = 1;
			else
				*cov = 0;
		}
	}
}

static void test_random_against_brute_force(void **state)
{
	unsigned seed = 4242;
	char a[8], a1[8], b[8], s[MAXLEN + 3];
	size_t checked = 0;

	(void)state;
	for (int i = 0; i < 600; i++) {
		struct glob ga, ga1, gb;
		const struct glob *u[2];
		int ov, cov;

		random_pattern(a, 6, &seed);
		random_pattern(a1, 5, &seed);
		random_pattern(b, 6, &seed);
		ga = sym_glob(a);
		ga1 = sym_glob(a1);
		gb = sym_glob(b);
		brute(a, NULL, b, &cov, &ov);
		if (glob_overlaps(&ga, &gb, 0) != ov)
			fail_msg("overlaps('%s', '%s') != %d", a, b, ov);
		if (glob_overlaps(&gb, &ga, 0) != ov)
			fail_msg("overlaps('%s', '%s') != %d", b, a, ov);
		if (glob_covers(&ga, &gb, 0) != cov)
			fail_msg("covers('%s', '%s') != %d", a, b, cov);
		u[0] = &ga;
		u[1] = &ga1;
		brute(a, a1, b, &cov, &ov);
		if (glob_covers_union(u, 2, &gb, 0) != cov)
			fail_msg("covers_union({'%s', '%s'}, '%s') != %d", a,
				 a1, b, cov);
		random_pattern(s, MAXLEN + 2, &seed);
		for (char *c = s; *c; c++)
			if (*c != 'a' && *c != ':' && *c != '/')
				*c = 'c';
		if (glob_match(&ga, s, strlen(s), 0) != ref_match(a, s))
			fail_msg("match('%s', '%s')", a, s);
		glob_release(&ga);
		glob_release(&ga1);
		glob_release(&gb);
		checked++;
	}
	assert_int_equal(checked, 600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_match_length_and_case),
		cmocka_unit_test(test_segment_symbols),
		cmocka_unit_test(test_covers_union),
		cmocka_unit_test(test_random_against_brute_force),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
