#!/bin/bash
# run.sh - run the test suite: tests/run.sh [unit|e2e|all]   (see tests/README.md)
#
# Called by `make test` (BUILD=build) and `make check` (BUILD=build-san,
# S3PERM_SANITIZED=1).  Phases:
#   unit  every tests/test_*.c binary in $BUILD/tests except test_live_*
#         (under valgrind when available and not sanitized), and every
#         tests/test_*.sh script (env S3PERM = the binary under test)
#   e2e   $BUILD/tests/test_live_* and tests/e2e/test_*.py against a real S3
#         server: the one named by S3PERM_TEST_ENDPOINT, else a radosgw started
#         here (tests/rgw.sh) and stopped by PID on exit, even on failure.
# Prints a per-file summary with totals; exits non-zero if anything failed.
set -u

cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
BUILD=${BUILD:-build}
PHASE=${1:-all}
case $PHASE in
unit | e2e | all | count) ;;
*)
	echo "usage: tests/run.sh [unit|e2e|all]" >&2
	exit 2
	;;
esac

# The binary under test: ./s3perm for `make test`, build-san/s3perm for
# `make check`; S3PERM in the environment wins.
if [ -z "${S3PERM:-}" ]; then
	if [ "$BUILD" = build ] && [ -z "${S3PERM_SANITIZED:-}" ]; then
		S3PERM=$ROOT/s3perm
	else
		S3PERM=$ROOT/$BUILD/s3perm
	fi
fi
case $S3PERM in /*) ;; *) S3PERM=$ROOT/$S3PERM ;; esac
export S3PERM
export PYTHONDONTWRITEBYTECODE=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
PYTHON=/usr/bin/python3
TEST_TIMEOUT=${S3PERM_TEST_TIMEOUT:-300}
JOBS=${S3PERM_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	RED=$'\e[31m' GREEN=$'\e[32m' YELLOW=$'\e[33m' BOLD=$'\e[1m' OFF=$'\e[0m'
else
	RED='' GREEN='' YELLOW='' BOLD='' OFF=''
fi

VALGRIND=()
if [ -z "${S3PERM_SANITIZED:-}" ] && [ -z "${S3PERM_NO_VALGRIND:-}" ] &&
	command -v valgrind >/dev/null; then
	VALGRIND=(valgrind --leak-check=full '--errors-for-leak-kinds=definite,indirect'
		--error-exitcode=99 -q)
fi

LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/s3perm-tests.XXXXXX") || exit 2
RGW_DIR=
SUMMARY=()
FILES_PASS=0 FILES_FAIL=0 FILES_SKIP=0 CASES_PASS=0 CASES_FAIL=0

# shellcheck disable=SC2317  # (called through trap)
cleanup() {
	local j
	# a server start under way: its current step too (a ceph call under
	# timeout(1), which passes TERM on), and the daemons it started
	if [ -n "$RGW_START_PID" ]; then
		# shellcheck disable=SC2013  # (PIDs separated by spaces)
		for j in $(cat /proc/"$RGW_START_PID"/task/*/children 2>/dev/null); do
			kill -TERM "$j" 2>/dev/null
		done
	fi
	for j in $(jobs -p); do
		kill -TERM "$j" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "$RGW_DIR" ]; then
		# a start still under way: end it, then stop what it started
		[ -z "$RGW_START_PID" ] || wait "$RGW_START_PID" 2>/dev/null
		"$ROOT/tests/rgw.sh" stop "$RGW_DIR/rgw" >/dev/null 2>&1 ||
			echo "run.sh: warning: could not stop the radosgw in $RGW_DIR" >&2
		rm -rf "$RGW_DIR"
	fi
	rm -rf "$LOGDIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Case counts from a test's output: cmocka's "[  PASSED  ] N test(s)." /
# "[  FAILED  ] N test(s)", or the house convention, a line
# "N passed, M failed" (tests/e2e/s3env.py and the shell tests print it).
# A cmocka skip ("[  SKIPPED ] N test(s)") counts as a failure: a test that
# can skip itself can pass without testing anything.  Prints "P F S" (S, the
# skips, are already in F).
count_cases() {
	local log=$1 p f s
	p=$(grep -aE '^\[  PASSED  \] [0-9]+ test' "$log" | tail -n 1 | grep -oE '[0-9]+' | head -n 1)
	f=$(grep -aE '^\[  FAILED  \] [0-9]+ test' "$log" | tail -n 1 | grep -oE '[0-9]+' | head -n 1)
	s=$(grep -aE '\[  SKIPPED \] [0-9]+ test' "$log" | tail -n 1 | sed -E 's/.*SKIPPED \] ([0-9]+) test.*/\1/')
	if [ -z "$p$f" ]; then
		local line
		line=$(grep -aE '(^|[^0-9])[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		if [ -n "$line" ]; then
			p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
			f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
		fi
	fi
	echo "${p:-0} $((${f:-0} + ${s:-0})) ${s:-0}"
}

# tests/run.sh count LOG: print the counts run.sh takes from a test's output
# (for tests/test_run.sh).
if [ "$PHASE" = count ]; then
	[ -r "${2:-}" ] || { echo "usage: tests/run.sh count LOG" >&2; exit 2; }
	count_cases "$2"
	trap - EXIT
	rm -rf "$LOGDIR"
	exit 0
fi

# Test files run as background jobs, at most $JOBS at a time (each test has
# its own bucket, so e2e files do not share state).  Job N keeps its output in
# $LOGDIR/N.log and its exit status, seconds in $LOGDIR/N.res; a one-line
# status is printed as each ends; results are tallied in order at the end.
NJOBS=0
JOB_PHASE=() JOB_NAME=()

# job_main N CMD...: the body of one background job.
job_main() {
	local n=$1 t0 tp rc secs
	shift
	trap '[ -n "${tp:-}" ] && kill -TERM "$tp" 2>/dev/null; exit 143' TERM INT
	t0=$(date +%s.%N)
	timeout -k 5 "$TEST_TIMEOUT" "$@" </dev/null >"$LOGDIR/$n.log" 2>&1 &
	tp=$!
	wait "$tp"
	rc=$?
	tp=
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	echo "$rc $secs" >"$LOGDIR/$n.res"
	read -r p f sk < <(count_cases "$LOGDIR/$n.log")
	if [ "$rc" = 0 ] && [ "$f" = 0 ]; then
		printf '%sPASS%s %-5s %s (%s passed; %ss)\n' "$GREEN" "$OFF" \
			"${JOB_PHASE[$n]}" "${JOB_NAME[$n]}" "$p" "$secs"
	else
		printf '%sFAIL%s %-5s %s (exit %s; %s passed, %s failed%s; %ss; output below)\n' \
			"$RED" "$OFF" "${JOB_PHASE[$n]}" "${JOB_NAME[$n]}" "$rc" "$p" "$f" \
			"$([ "$sk" = 0 ] || echo " ($sk skipped: a skip is a failure)")" "$secs"
	fi
}

# run_one PHASE NAME CMD...: queue a test file (starts when a slot is free).
run_one() {
	local phase=$1 name=$2
	shift 2
	JOB_PHASE[NJOBS]=$phase
	JOB_NAME[NJOBS]=$name
	# (polling, not `wait -n`, which would reap the server start's status)
	while [ "$(jobs -rp | grep -vcx "${RGW_START_PID:-none}")" -ge "$JOBS" ]; do
		sleep 0.1
	done
	job_main "$NJOBS" "$@" &
	NJOBS=$((NJOBS + 1))
}

# Wait for every job; tally and list them in the order they were queued.
collect() {
	local n rc secs p f sk cases why log
	wait
	for ((n = 0; n < NJOBS; n++)); do
		log=$LOGDIR/$n.log
		if [ -f "$LOGDIR/$n.res" ]; then
			read -r rc secs <"$LOGDIR/$n.res"
		else
			rc=143 secs="?"
		fi
		read -r p f sk < <(count_cases "$log")
		cases="$p passed, $f failed"
		# A file that reports no cases counts as one; a failed file as at
		# least one failure.
		if [ "$rc" = 0 ] && [ "$f" = 0 ] && [ "$p" = 0 ]; then p=1; fi
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
		CASES_PASS=$((CASES_PASS + p))
		CASES_FAIL=$((CASES_FAIL + f))
		if [ "$rc" = 0 ] && [ "$f" = 0 ]; then
			FILES_PASS=$((FILES_PASS + 1))
			if [ -n "${S3PERM_TEST_VERBOSE:-}" ]; then
				echo "----- output of ${JOB_NAME[$n]}"
				cat "$log"
			fi
			SUMMARY+=("$(printf '%sPASS%s %-5s %-40s %s; %ss' "$GREEN" "$OFF" \
				"${JOB_PHASE[$n]}" "${JOB_NAME[$n]}" "$cases" "$secs")")
		else
			FILES_FAIL=$((FILES_FAIL + 1))
			why="exit $rc"
			[ "$sk" != 0 ] && why="$why, $sk cmocka test(s) skipped (a skip is a failure)"
			[ "$rc" = 124 ] && why="timed out after ${TEST_TIMEOUT}s"
			[ "$rc" = 99 ] && [ ${#VALGRIND[@]} -gt 0 ] &&
				why="valgrind found errors (exit 99)"
			echo "----- output of ${JOB_NAME[$n]} ($why)"
			cat "$log"
			echo "----- end of ${JOB_NAME[$n]}"
			SUMMARY+=("$(printf '%sFAIL%s %-5s %-40s %s; %s; %ss' "$RED" "$OFF" \
				"${JOB_PHASE[$n]}" "${JOB_NAME[$n]}" "$cases" "$why" "$secs")")
		fi
	done
}

record_fail() {
	local phase=$1 name=$2 why=$3
	FILES_FAIL=$((FILES_FAIL + 1))
	CASES_FAIL=$((CASES_FAIL + 1))
	printf '%sFAIL%s %-5s %s (%s)\n' "$RED" "$OFF" "$phase" "$name" "$why"
	SUMMARY+=("$(printf '%sFAIL%s %-5s %-40s %s' "$RED" "$OFF" "$phase" "$name" "$why")")
}

# Each run records how long each file took ($BUILD/test-times); the next run
# (or `make check` after `make test`) starts the longest first, so the jobs
# end together.  Files not timed yet go first.
TIMES_FILE=$BUILD/test-times
longest_first() {
	local times
	times=$(cat build/test-times "$TIMES_FILE" 2>/dev/null)
	awk -v times="$times" '
	BEGIN { n = split(times, l, "\n")
		for (i = 1; i <= n; i++) { split(l[i], f, " "); t[f[2]] = f[1] } }
	{ k = $0; sub(/^[a-z]+:/, "", k); sub(/^build[^\/]*\//, "", k)
	  print ((k in t) ? t[k] : 99999) "\t" $0 }' |
		sort -t "$(printf '\t')" -k1,1nr -s | cut -f2-
}

save_times() {
	local n
	for ((n = 0; n < NJOBS; n++)); do
		[ -f "$LOGDIR/$n.res" ] || continue
		echo "$(cut -d' ' -f2 "$LOGDIR/$n.res") ${JOB_NAME[$n]#"$BUILD"/}"
	done >"$TIMES_FILE.tmp" 2>/dev/null && mv "$TIMES_FILE.tmp" "$TIMES_FILE" 2>/dev/null
}

# Binary for tests/test_X.c: $BUILD/tests/test_X (a missing one is a failure:
# the sources say it should exist).
unit_phase() {
	local src name t
	local -a tests
	[ -x "$S3PERM" ] || record_fail unit "$S3PERM" "binary under test not built"
	mapfile -t tests < <(
		for src in tests/test_*.c; do
			[ -e "$src" ] || continue
			name=$(basename "$src" .c)
			case $name in test_live_*) continue ;; esac
			echo "bin:$BUILD/tests/$name"
		done
		for src in tests/test_*.sh; do
			[ -e "$src" ] && echo "sh:$src"
		done
	)
	mapfile -t tests < <(printf '%s\n' "${tests[@]}" | grep . | longest_first)
	for t in "${tests[@]}"; do
		case ${t%%:*} in
		bin)
			if [ ! -x "${t#*:}" ]; then
				record_fail unit "${t#*:}" "not built"
			else
				run_one unit "${t#*:}" "${VALGRIND[@]}" "${t#*:}"
			fi
			;;
		sh) run_one unit "${t#*:}" bash "${t#*:}" ;;
		esac
	done
}

e2e_tests() {
	local src f
	for src in tests/test_live_*.c; do
		[ -e "$src" ] && echo "live:$BUILD/tests/$(basename "$src" .c)"
	done
	for f in tests/e2e/test_*.py; do
		[ -e "$f" ] && echo "py:$f"
	done
}

# Bring up the S3 server for the e2e phase, or say why not.  Returns 0 when
# the environment contract (tests/README.md) is in place.
e2e_server() {
	local v missing=()
	if [ -n "${S3PERM_TEST_ENDPOINT:-}" ]; then
		for v in S3PERM_TEST_TENANT S3PERM_TEST_CUSTOMER_KEY S3PERM_TEST_CUSTOMER_SECRET \
			S3PERM_TEST_VENDOR_KEY S3PERM_TEST_VENDOR_SECRET S3PERM_TEST_OTHER_KEY \
			S3PERM_TEST_OTHER_SECRET; do
			[ -n "${!v:-}" ] || missing+=("$v")
		done
		if [ ${#missing[@]} -gt 0 ]; then
			echo "run.sh: error: S3PERM_TEST_ENDPOINT is set but ${missing[*]} is not;" \
				"run 'source DIR/env.sh' from 'tests/rgw.sh start DIR'" >&2
			return 1
		fi
		echo "run.sh: e2e against the running server $S3PERM_TEST_ENDPOINT"
		return 0
	fi
	[ -n "$RGW_START_PID" ] || start_server_bg || return 1
	local rc=0
	wait "$RGW_START_PID" || rc=$?
	RGW_START_PID=
	cat "$RGW_DIR/start.log"
	[ "$rc" = 0 ] || return 1
	# shellcheck disable=SC1091
	. "$RGW_DIR/rgw/env.sh"
}

# Start our own server in the background (while unit tests run), unless the
# developer named one or there is no e2e test.
RGW_START_PID=
start_server_bg() {
	[ -z "${S3PERM_TEST_ENDPOINT:-}" ] || return 0
	[ -n "$(e2e_tests)" ] || return 0
	RGW_DIR=$(mktemp -d "${TMPDIR:-/tmp}/s3perm-rgw.XXXXXX") || return 1
	"$ROOT/tests/rgw.sh" start "$RGW_DIR/rgw" >"$RGW_DIR/start.log" 2>&1 &
	RGW_START_PID=$!
}

e2e_phase() {
	local t kind path
	local -a tests
	mapfile -t tests < <(e2e_tests | longest_first)
	[ ${#tests[@]} -gt 0 ] || return 0
	if ! e2e_server; then
		if [ "${CI:-}" = true ]; then
			record_fail e2e "S3 server (radosgw)" "did not come up (CI=true: a failure)"
		else
			echo "${YELLOW}${BOLD}"
			echo "************************************************************"
			echo "* e2e tests SKIPPED: no S3 server to test against (above). *"
			echo "* Install radosgw with 'make deps'; see tests/README.md.   *"
			echo "************************************************************${OFF}"
			FILES_SKIP=$((FILES_SKIP + ${#tests[@]}))
			SUMMARY+=("${YELLOW}SKIP${OFF} e2e   ${#tests[@]} test file(s): no S3 server")
			[ "${S3PERM_SKIP_E2E:-}" = 1 ] ||
				record_fail e2e "S3 server (radosgw)" "did not come up (S3PERM_SKIP_E2E=1 to allow)"
		fi
		return 0
	fi
	for t in "${tests[@]}"; do
		kind=${t%%:*}
		path=${t#*:}
		case $kind in
		live)
			if [ ! -x "$path" ]; then
				record_fail e2e "$path" "not built"
			else
				run_one e2e "$path" "${VALGRIND[@]}" "$path"
			fi
			;;
		py) run_one e2e "$path" "$PYTHON" "$path" ;;
		esac
	done
}

T0=$(date +%s)
echo "run.sh: $PHASE tests of $BUILD, binary ${S3PERM#"$ROOT"/}, $JOBS at a time" \
	"${VALGRIND:+(unit tests under valgrind)}"
case $PHASE in
unit) unit_phase ;;
e2e) e2e_phase ;;
all)
	start_server_bg   # the server starts while the unit tests run
	unit_phase
	e2e_phase
	;;
esac
collect
save_times
# Secrets never appear in any output: no test file's output may
# hold a secret key of the test server's users (tests/rgw.sh).
leaks=$(grep -lF -e 'customerSecretKey0000000000000000000001' \
	-e 'vendor/Secret+Key00000000000000000000001' \
	-e 'otherSecretKey000000000000000000000000001' "$LOGDIR"/*.log 2>/dev/null)
if [ -n "$leaks" ]; then
	record_fail all "secrets in test output" "$(echo "$leaks" | tr '\n' ' ')"
else
	CASES_PASS=$((CASES_PASS + 1))
fi

echo
echo "${BOLD}== test summary ($BUILD, binary ${S3PERM#"$ROOT"/}) ==${OFF}"
for line in "${SUMMARY[@]}"; do
	echo "$line"
done
echo "test files: $FILES_PASS passed, $FILES_FAIL failed, $FILES_SKIP skipped" \
	"($(($(date +%s) - T0))s)"
echo "tests: $CASES_PASS passed, $CASES_FAIL failed, $FILES_SKIP skipped"
[ "$FILES_FAIL" = 0 ] || exit 1
exit 0
