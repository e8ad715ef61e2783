#!/bin/bash
# test_check_cli.sh - check's own usage rules, offline: --object and
# --upload-key outside every --prefix, --upload-key/--upload-id given
# together, --per-endpoint without --manifest or out of its range.  Each
# is refused with exit 2 before any request (the endpoint
# is 127.0.0.1:1, where a request would fail with exit 3).
#
# Run from anywhere: S3PERM=path/to/s3perm bash tests/test_check_cli.sh
# Prints one line per case and "N passed, M failed".
set -u

cd "$(dirname "$0")/.." || exit 2
S3PERM=${S3PERM:-./s3perm}
case $S3PERM in /*) ;; *) S3PERM=$(pwd)/$S3PERM ;; esac
unset S3PERM_TEMPLATES NO_COLOR
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret
export AWS_ENDPOINT_URL=http://127.0.0.1:1 AWS_REGION=us-east-1

T=$(mktemp -d "${TMPDIR:-/tmp}/s3perm-test-check-cli.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0

# case NAME WANT_RC WANT_STDERR_TEXT ARGS...
case_() {
	local name=$1 want=$2 text=$3 rc
	shift 3
	"$S3PERM" check --bucket bkt --timeout 2 "$@" </dev/null \
		>"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = "$want" ] && grep -qF -- "$text" "$T/err" &&
	   { [ "$want" != 2 ] || [ ! -s "$T/out" ]; }; then
		PASS=$((PASS + 1))
		echo "ok   $name"
	else
		FAIL=$((FAIL + 1))
		echo "FAIL $name: exit $rc (want $want), stderr:"
		sed 's/^/     /' "$T/err"
	fi
}

case_ "--object outside the only --prefix" 2 "outside every '--prefix'" \
	--prefix events/ --object other/a.parquet
case_ "--object outside every --prefix" 2 "outside every '--prefix'" \
	--prefix events/ --prefix metrics/ --object logs/a.parquet
case_ "--upload-key outside every --prefix" 2 "outside every '--prefix'" \
	--mode export --prefix events/ --upload-key other/u.parquet \
	--upload-id X
case_ "--upload-id without --upload-key" 2 "go together" \
	--mode export --upload-id X
case_ "--upload-key without --upload-id" 2 "go together" \
	--mode export --upload-key events/u.parquet
case_ "--object under a --prefix is accepted (then S3 is unreachable)" 3 \
	"" --prefix events/ --prefix metrics/ --object metrics/a.parquet
case_ "--strict is an option of check" 3 "" --strict
case_ "--per-endpoint without --manifest" 2 "'--per-endpoint' needs '--manifest'" \
	--per-endpoint 4
case_ "--per-endpoint 0" 2 "expected a whole number from 1 to 1024" \
	--per-endpoint 0
case_ "--per-endpoint 1025" 2 "expected a whole number from 1 to 1024" \
	--per-endpoint 1025

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
