/* Unit tests: buf.c - shell quoting (used for the commands probe.c and
 * report.c print for the user to paste). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "buf.h"

static void test_shell_quoted(void **state)
{
	static const char *const cases[][2] = {
		{ "", "''" },
		{ "plain", "'plain'" },
		{ "it's", "'it'\\''s'" },
		{ "'", "''\\'''" },
		{ "a b$c`d\"e\\f", "'a b$c`d\"e\\f'" },
	};
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		buf_reset(&b);
		buf_puts(&b, "x=");
		buf_put_shell_quoted(&b, cases[i][0]);
		assert_string_equal(buf_str(&b) + 2, cases[i][1]);
	}
	buf_release(&b);
}

static void expect_term(const char *in, const char *want, size_t nesc)
{
	struct buf b = BUF_INIT;

	assert_int_equal(buf_put_term(&b, in), nesc);
	assert_string_equal(buf_str(&b), want);
	buf_release(&b);
}

static void test_term_escape(void **state)
{
	(void)state;
	expect_term("events/2024-01-01/a.parquet", "events/2024-01-01/a.parquet",
		    0);
	expect_term("caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac", 0);
	expect_term("a\x1b[2Jb", "a\\e[2Jb", 1);
	expect_term("l1\nl2\r\t", "l1\\nl2\\r\\t", 3);
	expect_term("\x01\x7f\x9b", "\\x01\\x7f\\x9b", 3);
	expect_term("c1 \xc2\x9b \xc2\x85 nbsp \xc2\xa0",
		    "c1 \\u009b \\u0085 nbsp \xc2\xa0", 2);
	/* overlong, surrogate, truncated: bytes, one by one */
	expect_term("\xc0\xaf \xed\xa0\x80 \xe2\x82",
		    "\\xc0\\xaf \\xed\\xa0\\x80 \\xe2\\x82", 7);
	{
		char *e = term_escape("x\x1b");

		assert_string_equal(e, "x\\e");
		free(e);
	}
}

static void test_utf8_escaped(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_put_utf8_escaped(&b, "ok \xc3\xa9\x1b", 6), 0);
	assert_string_equal(buf_str(&b), "ok \xc3\xa9\x1b");
	buf_reset(&b);
	assert_int_equal(buf_put_utf8_escaped(&b, "a\xff" "b\xc3", 4), 2);
	assert_string_equal(buf_str(&b), "a\\xff" "b\\xc3");
	buf_release(&b);
	assert_int_equal(utf8_seq_len("\xf4\x8f\xbf\xbf", 4), 4);
	assert_int_equal(utf8_seq_len("\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(utf8_seq_len("\xe0\x80\x80", 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_quoted),
		cmocka_unit_test(test_term_escape),
		cmocka_unit_test(test_utf8_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
