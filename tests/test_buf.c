/* Unit tests: buf.c - shell quoting (used for the commands probe.c and
 * report.c print for the user to paste). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_quoted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
