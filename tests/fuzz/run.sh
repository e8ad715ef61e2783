#!/bin/bash
# run.sh - run the libFuzzer harnesses: tests/fuzz/run.sh BINDIR [NAME...]
# (`make fuzz` builds them into build-fuzz/fuzz and calls this).
#
# Each harness BINDIR/fuzz_NAME runs for FUZZ_SECONDS (default 30),
# FUZZ_JOBS (default 2) at a time, on its seed corpus tests/fuzz/corpus/NAME
# (read only) and a working corpus BINDIR/corpus/NAME (kept between runs:
# what one run finds, the next starts from).  A crash, leak, timeout (10 s
# per input) or memory blow-up (FUZZ_RSS_MB, default 1024) fails the run;
# the input that caused it is kept as BINDIR/artifacts/NAME-crash-* and
# the log tail printed.  Prints one line per harness with its executions.
set -u

cd "$(dirname "$0")/../.." || exit 2
BINDIR=${1:-build-fuzz/fuzz}
shift
SECONDS_EACH=${FUZZ_SECONDS:-30}
JOBS=${FUZZ_JOBS:-2}
RSS_MB=${FUZZ_RSS_MB:-1024}

if [ $# -gt 0 ]; then
	NAMES=("$@")
else
	mapfile -t NAMES < <(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done)
fi
[ ${#NAMES[@]} -gt 0 ] || { echo "fuzz: no harness in tests/fuzz/" >&2; exit 2; }

LOGS=$BINDIR/logs
mkdir -p "$LOGS" "$BINDIR/artifacts" || exit 2

# one NAME: run it, leave "rc execs secs" in $LOGS/NAME.res
one() {
	local name=$1 bin=$BINDIR/$1 rc t0 t1
	mkdir -p "$BINDIR/corpus/$name"
	t0=$(date +%s)
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$bin" -max_total_time="$SECONDS_EACH" -timeout=10 \
		-rss_limit_mb="$RSS_MB" -print_final_stats=1 \
		-artifact_prefix="$BINDIR/artifacts/$name-" \
		"$BINDIR/corpus/$name" "tests/fuzz/corpus/$name" \
		>"$LOGS/$name.log" 2>&1 </dev/null
	rc=$?
	t1=$(date +%s)
	echo "$rc $(grep -a '^stat::number_of_executed_units:' "$LOGS/$name.log" |
		awk '{ print $2 }' | tail -n 1) $((t1 - t0))" >"$LOGS/$name.res"
}

echo "fuzz: ${#NAMES[@]} harnesses, ${SECONDS_EACH}s each, $JOBS at a time"
for name in "${NAMES[@]}"; do
	if [ ! -x "$BINDIR/$name" ]; then
		echo "fuzz: $BINDIR/$name is not built (make fuzz)" >&2
		exit 2
	fi
	if [ ! -d "tests/fuzz/corpus/$name" ]; then
		echo "fuzz: no seed corpus tests/fuzz/corpus/$name" >&2
		exit 2
	fi
	rm -f "$LOGS/$name.res"
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		sleep 0.2
	done
	one "$name" &
done
wait

failed=0 total=0
for name in "${NAMES[@]}"; do
	read -r rc execs secs <"$LOGS/$name.res" 2>/dev/null || rc=99
	execs=${execs:-0}
	corpus=$(find "$BINDIR/corpus/$name" -type f | wc -l)
	if [ "$rc" = 0 ] && [ "$execs" -gt 0 ]; then
		printf 'PASS %-16s %10s execs in %ss (%s/s), working corpus %s inputs\n' \
			"$name" "$execs" "$secs" "$((execs / (secs > 0 ? secs : 1)))" "$corpus"
		total=$((total + execs))
	else
		failed=$((failed + 1))
		echo "FAIL $name (exit $rc, $execs execs); end of $LOGS/$name.log:"
		grep -a -A40 -E '^==[0-9]+==|runtime error|^SUMMARY|Test unit written|out-of-memory|deadly signal' \
			"$LOGS/$name.log" | head -n 60 | sed 's/^/    /'
	fi
done
echo "fuzz: $((${#NAMES[@]} - failed)) passed, $failed failed, $total executions in all"
[ "$failed" = 0 ]
