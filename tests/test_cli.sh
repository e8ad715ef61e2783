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
	if [ "$1" = timeout ]; then
		"$@" </dev/null >"$OUT" 2>"$ERR"
	else
		"$S3PERM" "$@" </dev/null >"$OUT" 2>"$ERR"
	fi
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
		not_ok "$name" "s3perm $(printf '%.200s' "$*") exited $RC, want $want"
	elif [ -n "$text" ] && ! grep -qF -- "$text" "$ERR"; then
		not_ok "$name" "stderr lacks: $text"
	else
		ok "$name"
	fi
}

# case NAME CONDITION...: ok when every command succeeds.
case_ok() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

PY=/usr/bin/python3
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

# ---- messages that said the wrong thing ----------------------------------

truncate -s 100M "$T/big.json"
expect "a 100 MB --policy says it is too large (not a stale errno)" 2 \
	"larger than 16 MiB" verify -b my-data "${VENDOR[@]}" -p "$T/big.json"
case_grep_not() { ! grep -q "$1" "$ERR"; }
if case_grep_not "No such file"; then ok "no stale 'No such file' for 100 MB"
else not_ok "no stale 'No such file' for 100 MB"; fi
expect "a 100 MB --merge says it is too large" 2 "larger than 16 MiB" \
	gen -b my-data "${VENDOR[@]}" --merge "$T/big.json"
rm -f "$T/big.json"

expect "gen --templates '' is a usage error" 2 "invalid --templates ''" \
	gen -b my-data "${VENDOR[@]}" --templates ''
expect "verify --templates '' is a usage error" 2 "invalid --templates ''" \
	verify -b my-data "${VENDOR[@]}" -p "$POL" --templates ''
expect "check --templates '' is a usage error" 2 "invalid --templates ''" \
	check -b my-data --templates ''
# 130 kB (130,000 bytes: one argument may hold at most 128 KiB)
long=$(head -c 129990 /dev/zero | tr '\0' a)
expect "a 130 KB --endpoint is a usage error" 2 "invalid --endpoint" \
	check -b my-data --endpoint "http://$long"
expect "an empty --endpoint is a usage error" 2 "invalid --endpoint ''" \
	layout -b my-data --endpoint ''
expect "--bucket s3://my-data: use the bare bucket name" 2 \
	"use the bare bucket name ('my-data')" gen -b s3://my-data "${VENDOR[@]}"
expect "--bucket s3://my-data/path/: use the bare bucket name" 2 \
	"use the bare bucket name ('my-data')" check -b s3://my-data/events/
expect "--bucket ARN: use the bare bucket name" 2 \
	"use the bare bucket name ('my-data')" verify -b arn:aws:s3:::my-data \
	"${VENDOR[@]}" -p "$POL"
expect "--bucket https URL: use the bare bucket name" 2 \
	"use the bare bucket name" layout -b https://my-data.s3.amazonaws.com
expect "--user ARN: use --principal" 2 "use --principal" \
	gen -b my-data -u arn:aws:iam::123456789012:user/bob
expect "S3 Express directory bucket: not supported" 2 \
	"S3 Express One Zone directory bucket ('--x-s3'), which s3perm does not support" \
	check -b my-bucket--usw2-az1--x-s3
expect "S3 Express ARN: not supported" 2 "directory buckets are not supported" \
	gen -b arn:aws:s3express:us-west-2:123456789012:bucket/b--usw2-az1--x-s3 \
	"${VENDOR[@]}"
expect "access point ARN: not supported" 2 "access points are not supported" \
	verify -b arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap \
	"${VENDOR[@]}" -p "$POL"
expect "access point alias: not supported" 2 \
	"access point alias ('-s3alias'), which s3perm does not support" \
	layout -b my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias
expect "a mistyped option: did you mean" 2 \
	"unknown option '--bukcet'; did you mean '--bucket'?" \
	gen --bukcet my-data "${VENDOR[@]}"
expect "a mistyped S3 option: did you mean" 2 \
	"did you mean '--endpoint'?" check -b my-data --endpiont http://x
expect "an abbreviated option: did you mean" 2 \
	"did you mean '--principal'?" verify -b my-data --princ x -p "$POL"
expect "check --no-write in read mode is accepted (reaches the S3 step)" 3 '' \
	check -b my-data -m read --no-write --endpoint http://127.0.0.1:1 \
	--timeout 1
expect "--context with an export-only key in read mode: a warning" 0 \
	"warning: --context 's3:x-amz-acl': no request of --mode read carries" \
	verify -b my-data "${VENDOR[@]}" -p "$POL" --context s3:x-amz-acl=private
expect "--context with another service's key: a warning" 0 \
	"warning: --context 'kms:ViaService': no request of --mode read" \
	verify -b my-data "${VENDOR[@]}" -p "$POL" --context kms:ViaService=x
expect "--context with keys the requests carry: no warning" 0 '' \
	verify -b my-data "${VENDOR[@]}" -p "$POL" --context aws:SourceIp=1.2.3.4 \
	--context s3:prefix=a/ --context S3:ExistingObjectTag/team=x
if [ -s "$ERR" ]; then not_ok "no warning for carried keys"; else ok "no warning for carried keys"; fi

# ---- colour: one rule for every human output ---------------------------

# tty CMD...: run CMD under a pseudo-terminal (script), output in $OUT.
tty_run() {
	script -qec "$(printf '%q ' "$@")" /dev/null </dev/null >"$OUT" 2>&1
}
esc=$(printf '\033[')
tty_run "$S3PERM" gen -b ab -u x
if grep -qF "$esc" "$OUT"; then ok "on a terminal an error is in colour"
else not_ok "on a terminal an error is in colour"; fi
NO_COLOR=1 tty_run "$S3PERM" gen -b ab -u x
if ! grep -qF "$esc" "$OUT" && grep -q "error: invalid bucket" "$OUT"; then
	ok "NO_COLOR: no colour on a terminal"
else not_ok "NO_COLOR: no colour on a terminal"; fi
tty_run "$S3PERM" verify -b my-data -u x -p "$POL" --context kms:X=1
if grep -qF "$esc" "$OUT"; then ok "on a terminal a warning is in colour"
else not_ok "on a terminal a warning is in colour"; fi
run gen -b ab -u x
if ! grep -qF "$esc" "$ERR"; then ok "piped: no colour"
else not_ok "piped: no colour"; fi

# ---- one exit rule: 0 nothing to fix (warnings included), 1 to fix ------

"$PY" - "$POL" "$T/warn.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["Statement"].append({"Sid": "Public", "Effect": "Allow", "Principal": "*",
                       "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::my-data/*"})
json.dump(d, open(sys.argv[2], "w"))
PYEOF
expect "verify: a warning only exits 0" 0 '' \
	verify -b my-data "${VENDOR[@]}" -p "$T/warn.json"
grep -q "1 warning" "$OUT" || not_ok "verify: the warning is reported"
expect "verify --strict: a warning exits 1" 1 '' \
	verify -b my-data "${VENDOR[@]}" -p "$T/warn.json" --strict
expect "verify --strict: nothing found exits 0" 0 '' \
	verify -b my-data "${VENDOR[@]}" -p "$POL" --strict
mkdir -p "$T/lay/events/2024-01-01" "$T/lay/events/2024-01-03"
printf 'PAR1xxxxPAR1' >"$T/lay/events/2024-01-01/a.parquet"
printf 'PAR1xxxxPAR1' >"$T/lay/events/2024-01-03/a.parquet"
expect "layout: warnings only (a missing day) exit 0" 0 '' layout --local "$T/lay" --no-content
grep -q "warning" "$OUT" || not_ok "layout: the missing day is a warning"
expect "layout --strict: a warning exits 1" 1 '' layout --local "$T/lay" --no-content --strict
mkdir -p "$T/lay/events/latest"
printf 'PAR1xxxxPAR1' >"$T/lay/events/latest/a.parquet"
expect "layout: an error finding exits 1" 1 '' layout --local "$T/lay" --no-content
rm -rf "$T/lay/events/latest"

# ---- --json: every outcome is one JSON document on stdout -------------

# json_error NAME STATUS KIND ARGS...: exit STATUS; stdout is exactly one
# JSON document {"error": {"kind": KIND, "message", "exit_status": STATUS}}.
json_error() {
	local name=$1 want=$2 kind=$3
	shift 3
	run "$@"
	if [ "$RC" != "$want" ]; then
		not_ok "$name" "exit $RC, want $want"
	elif ! "$PY" - "$OUT" "$want" "$kind" <<'PYEOF'
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text)
e = d["error"]
assert list(d) == ["error"], d
assert sorted(e) == ["exit_status", "kind", "message"], e
assert e["exit_status"] == int(sys.argv[2]), e
assert e["kind"] == sys.argv[3], e
assert e["message"], e
assert text.count("\n") == 1 and text.endswith("\n"), text
PYEOF
	then
		not_ok "$name" "stdout is not the one JSON error document"
	else
		ok "$name"
	fi
}
json_error "verify --json: a usage error is JSON" 2 usage \
	verify --json -b my-data "${VENDOR[@]}" -p "$POL" --bogus
json_error "verify --json: --json after the bad option too" 2 usage \
	verify -b my-data --mode write --json "${VENDOR[@]}" -p "$POL"
json_error "verify --json: an unreadable policy is an input error" 2 input \
	verify --json -b my-data "${VENDOR[@]}" -p "$T/nonexistent.json"
printf '{"Version": "2012-10-17", "Statement": [\n' >"$T/broken.json"
json_error "verify --json: broken JSON input" 2 input \
	verify --json -b my-data "${VENDOR[@]}" -p "$T/broken.json"
json_error "layout --json: a usage error is JSON" 2 usage \
	layout --json --local "$T/lay" --since nope
json_error "layout --json: a missing directory" 2 input \
	layout --json --local "$T/nonexistent"
json_error "layout --json: S3 not reachable is JSON, exit 3" 3 s3 \
	layout --json -b my-data --endpoint http://127.0.0.1:1 --timeout 1
json_error "check --json: a usage error is JSON" 2 usage \
	check --json -b s3://my-data
json_error "check --json: no credentials is JSON, exit 3" 3 s3 \
	check --json -b my-data --endpoint http://127.0.0.1:1 --timeout 1
json_error "check --json: a message with a quote and a newline is one line of JSON" 2 usage \
	check --json -b 'my"da
ta'
expect "without --json an error is not JSON on stdout" 2 '' \
	verify -b my-data "${VENDOR[@]}" -p "$T/nonexistent.json"
if [ -s "$OUT" ]; then not_ok "no stdout without --json"; else ok "no stdout without --json"; fi

# ---- -o FILE: never destroys what it should not -------------------------

"$S3PERM" gen -b my-data "${VENDOR[@]}" >"$T/want" 2>/dev/null
mkdir -p "$T/o"

printf 'old\n' >"$T/o/secret.json"
chmod 600 "$T/o/secret.json"
run gen -b my-data "${VENDOR[@]}" -o "$T/o/secret.json"
case_ok "-o keeps an existing file's mode (0600)" eval \
	'[ "$RC" = 0 ] && [ "$(stat -c %a "$T/o/secret.json")" = 600 ] &&
	 cmp -s "$T/o/secret.json" "$T/want"'

(umask 027 && "$S3PERM" gen -b my-data "${VENDOR[@]}" -o "$T/o/new.json")
case_ok "-o: a new file gets 0666 less the umask" eval \
	'[ "$(stat -c %a "$T/o/new.json")" = 640 ]'

printf 'old\n' >"$T/o/target.json"
ln -s target.json "$T/o/link.json"
run gen -b my-data "${VENDOR[@]}" -o "$T/o/link.json"
case_ok "-o follows a symlink: the target is replaced, the link stays" eval \
	'[ "$RC" = 0 ] && [ -L "$T/o/link.json" ] &&
	 cmp -s "$T/o/target.json" "$T/want" &&
	 [ -z "$(find "$T/o" -name "*tmp*")" ]'

ln -s nowhere.json "$T/o/dangling.json"
expect "-o refuses a symlink to nothing" 2 "symbolic link to nothing" \
	gen -b my-data "${VENDOR[@]}" -o "$T/o/dangling.json"
case_ok "-o left the dangling link alone" eval \
	'[ -L "$T/o/dangling.json" ] && [ ! -e "$T/o/nowhere.json" ]'

# /dev/stdout is a link to /proc/self/fd/1: a copy of that link in $T.
ln -s /proc/self/fd/1 "$T/o/stdout"
"$S3PERM" gen -b my-data "${VENDOR[@]}" -o "$T/o/stdout" >"$T/o/captured" 2>"$ERR"
RC=$?
case_ok "-o a link to /proc/self/fd/1 writes to standard output" eval \
	'[ "$RC" = 0 ] && [ -L "$T/o/stdout" ] && cmp -s "$T/o/captured" "$T/want"'

mkfifo "$T/o/fifo"
timeout 20 cat "$T/o/fifo" >"$T/o/from-fifo" &
reader=$!
run timeout 20 "$S3PERM" gen -b my-data "${VENDOR[@]}" -o "$T/o/fifo"
[ -p "$T/o/fifo" ] || kill "$reader" 2>/dev/null
wait "$reader"
case_ok "-o a FIFO writes into it and leaves the FIFO" eval \
	'[ "$RC" = 0 ] && [ -p "$T/o/fifo" ] && cmp -s "$T/o/from-fifo" "$T/want"'

# Device nodes: copies of /dev/null (1,3) and /dev/full (1,7) made here.
if mknod "$T/o/null" c 1 3 && mknod "$T/o/full" c 1 7; then
	run gen -b my-data "${VENDOR[@]}" -o "$T/o/null"
	case_ok "-o a character device (a copy of /dev/null) writes to it" eval \
		'[ "$RC" = 0 ] && [ -c "$T/o/null" ] && [ ! -s "$OUT" ]'
	expect "-o a full device (a copy of /dev/full): exit 2, says why" 2 \
		"No space left on device" gen -b my-data "${VENDOR[@]}" -o "$T/o/full"
	case_ok "-o left the full device a device" test -c "$T/o/full"
else
	not_ok "mknod in $T (the device cases need root, as in CI)"
fi

expect "-o a directory is refused" 2 "it is a directory" \
	gen -b my-data "${VENDOR[@]}" -o "$T/o"

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
