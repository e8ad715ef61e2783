#!/bin/bash
# test_run.sh - tests/run.sh counts a test's cases the way it should: a
# cmocka skip is a failure (a test that can skip itself can pass without
# testing anything).  The logs below are cmocka 1.1 output as a test binary
# prints it (stdout and stderr in one file, as run.sh records them), and the
# house "N passed, M failed" line.  One case builds and runs a real skipping
# cmocka test when cc and cmocka are there (they are in CI: tools/deps.sh).
#
# Run: bash tests/test_run.sh.  Prints one line per case and
# "N passed, M failed"; exits 1 on a failure.
set -u

cd "$(dirname "$0")/.." || exit 2
PASS=0 FAIL=0
T=$(mktemp -d "${TMPDIR:-/tmp}/s3perm-test-run.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT

# counts NAME EXPECTED < LOG: `tests/run.sh count` on LOG prints EXPECTED.
counts() {
	local name=$1 want=$2 got
	cat >"$T/log"
	got=$(bash tests/run.sh count "$T/log" 2>&1)
	if [ "$got" = "$want" ]; then
		PASS=$((PASS + 1))
		echo "ok   $name"
	else
		FAIL=$((FAIL + 1))
		echo "FAIL $name"
		echo "       - counts '$got', expected '$want' (passed failed skipped)"
	fi
}

counts "cmocka, all passed" "3 0 0" <<'LOG'
[==========] Running 3 test(s).
[ RUN      ] a
[       OK ] a
[==========] 3 test(s) run.
[  PASSED  ] 3 test(s).
LOG

counts "cmocka, one skipped: a failure" "1 1 1" <<'LOG'
[==========] Running 2 test(s).
[ RUN      ] a
[       OK ] a
[ RUN      ] b
[  SKIPPED ] b
[==========] 2 test(s) run.
[  PASSED  ] 1 test(s).
[  SKIPPED ] 1 test(s), listed below:
[  SKIPPED ] b

 1 SKIPPED TEST(S)
LOG

counts "cmocka, a failure and two skips" "2 3 2" <<'LOG'
[==========] Running 5 test(s).
[==========] 5 test(s) run.
[  PASSED  ] 2 test(s).
[  FAILED  ] 1 test(s), listed below:
[  FAILED  ] c
[  SKIPPED ] 2 test(s), listed below:
[  SKIPPED ] d
[  SKIPPED ] e
LOG

counts "house convention line" "150 0 0" <<'LOG'
ok   something
150 passed, 0 failed
LOG

# A real cmocka binary that skips.
if command -v cc >/dev/null && pkg-config --exists cmocka 2>/dev/null; then
	cat >"$T/skip.c" <<'C'
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
static void a(void **s) { (void)s; }
static void b(void **s) { (void)s; skip(); }
int main(void)
{
	const struct CMUnitTest t[] = { cmocka_unit_test(a), cmocka_unit_test(b) };
	return cmocka_run_group_tests(t, NULL, NULL);
}
C
	# shellcheck disable=SC2046
	if cc $(pkg-config --cflags cmocka) -o "$T/skip" "$T/skip.c" \
		$(pkg-config --libs cmocka) 2>"$T/cc.err"; then
		"$T/skip" >"$T/real.log" 2>&1
		counts "a real cmocka test that skips (exit $?): a failure" "1 1 1" <"$T/real.log"
	else
		FAIL=$((FAIL + 1))
		echo "FAIL build a cmocka test: $(head -n 3 "$T/cc.err")"
	fi
else
	FAIL=$((FAIL + 1))
	echo "FAIL a real cmocka test: cc or cmocka missing (make deps)"
fi

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
