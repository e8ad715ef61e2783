#!/bin/bash
# test_cli.sh - the command line every command shares: options parsed the
# same way everywhere (shared groups, short names, did-you-mean), the
# command-line messages, -o FILE, colour and exit statuses.  Offline: no
# S3 server is needed (S3 options point at 127.0.0.1:1 where a request
# must not matter).
#
# Run from anywhere: S3PERM=path/to/s3perm bash tests/test_cli.sh
# (default ./s3perm).  Prints one line per case and "N passed, M failed";
# exits 1 when a case failed.  Never touches a real /dev node: device and
# FIFO cases use copies made in a temporary directory.
set -u

cd "$(dirname "$0")/.." || exit 2
S3PERM=${S3PERM:-./s3perm}
case $S3PERM in /*) ;; *) S3PERM=$(pwd)/$S3PERM ;; esac
unset S3PERM_TEMPLATES NO_COLOR
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

T=$(mktemp -d "${TMPDIR:-/tmp}/s3perm-test-cli.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT

if [ ! -x "$S3PERM" ]; then
	echo "FAIL binary under test: $S3PERM is not an executable"
	echo "0 passed, 1 failed"
	exit 1
fi

PASS=0 FAIL=0
OUT=$T/out ERR=$T/err RC=

# run ARGS...: s3perm ARGS with stdin from /dev/null; stdout in $OUT,
# stderr in $ERR, exit code in $RC.
run() {
	"$S3PERM" "$@" </dev/null >"$OUT" 2>"$ERR"
	RC=$?
}

ok() {
	PASS=$((PASS + 1))
	echo "ok   $1"
}

not_ok() {
	FAIL=$((FAIL + 1))
	echo "FAIL $1"
	shift
	local l
	for l in "$@"; do
		echo "       - $l"
	done
	echo "       stderr: $(head -c 400 "$ERR")"
	echo "       stdout: $(head -c 400 "$OUT")"
}

# expect NAME RC 'STDERR TEXT' ARGS...: run ARGS; the exit code is RC and
# stderr contains the text ('' for no check).
expect() {
	local name=$1 want=$2 text=$3
	shift 3
	run "$@"
	if [ "$RC" != "$want" ]; then
		not_ok "$name" "s3perm $* exited $RC, want $want"
	elif [ -n "$text" ] && ! grep -qF -- "$text" "$ERR"; then
		not_ok "$name" "stderr lacks: $text"
	else
		ok "$name"
	fi
}

VENDOR=(-u statsig-abc)
POL=$T/policy.json
"$S3PERM" gen -b my-data "${VENDOR[@]}" >"$POL" 2>/dev/null ||
	{ echo "FAIL setup: s3perm gen"; echo "0 passed, 1 failed"; exit 1; }

# ---- one option, one meaning, in every command ------------------------

expect "gen: -m is --mode" 0 '' gen -b my-data "${VENDOR[@]}" -m export
if grep -q s3:PutObject "$OUT"; then ok "gen -m export grants the export actions"
else not_ok "gen -m export grants the export actions"; fi
expect "verify: -m is --mode" 1 '' verify -b my-data "${VENDOR[@]}" -p "$POL" -m export
expect "verify: -m read of the read policy" 0 '' verify -b my-data "${VENDOR[@]}" -p "$POL" -m read
expect "check: -u is --user (reaches the S3 step)" 3 '' check -b my-data \
	-m read -u statsig-abc --endpoint http://127.0.0.1:1 --timeout 1
expect "check: --prefix checked as gen checks it" 2 "invalid prefix" check \
	-b my-data --prefix 'a*' --endpoint http://127.0.0.1:1
expect "check: --partition is the principal's" 2 "partition" check \
	-b my-data -u x --partition nope --endpoint http://127.0.0.1:1
expect "layout: -m is refused where there is no --mode" 2 "unknown option '-m'" \
	layout --local "$T" -m read
expect "gen: -p is refused where there is no --policy" 2 "unknown option '-p'" \
	gen -b my-data "${VENDOR[@]}" -p x
expect "verify: --mode checked at parse time" 2 "invalid mode 'write'" \
	verify -b my-data "${VENDOR[@]}" -p "$POL" --mode write

# Each short option names the same long option in every --help.
declare -A short_of
bad=
for cmd in gen check verify layout; do
	while read -r s l; do
		s=${s%,}
		if [ -n "${short_of[$s]:-}" ] && [ "${short_of[$s]}" != "$l" ]; then
			bad+="$s is ${short_of[$s]} and $l; "
		fi
		short_of[$s]=$l
	done < <("$S3PERM" $cmd --help | grep -oE '^  -[a-zA-Z], --[a-z-]+')
done
if [ -z "$bad" ]; then
	ok "every short option is one long option in every command"
else
	not_ok "every short option is one long option in every command" "$bad"
fi

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
