#!/bin/bash
# test_verify.sh - `s3perm verify` from the outside: exit codes, stdout,
# stderr, the JSON shape, on the vendor documentation's policies and on
# policies written here.  Env S3PERM: the binary under test.
set -u
cd "$(dirname "$0")/.." || exit 2
S3PERM=${S3PERM:-./s3perm}
case $S3PERM in /*) ;; *) S3PERM=$(pwd)/$S3PERM ;; esac
FIX=tests/e2e/fixtures
T=$(mktemp -d "${TMPDIR:-/tmp}/s3perm-verify.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
V="arn:aws:iam::999689269917:user/statsig-abc"

# run ARGS...: run the binary; sets RC, OUT (stdout file), ERR (stderr file).
run() {
	"$S3PERM" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
}
# run_in FILE ARGS...: the same with FILE on standard input.
run_in() {
	local f=$1
	shift
	"$S3PERM" "$@" >"$T/out" 2>"$T/err" <"$f"
	RC=$?
}
fail() {
	echo "FAIL $NAME: $*"
	echo "  stdout: $(head -c 1500 "$T/out")"
	echo "  stderr: $(head -c 500 "$T/err")"
	FAIL=$((FAIL + 1))
	BAD=1
}
begin() { NAME=$1 BAD=0; }
end() {
	if [ "$BAD" = 0 ]; then
		echo "ok   $NAME"
		PASS=$((PASS + 1))
	fi
}
want_rc() { [ "$RC" = "$1" ] || fail "exit $RC, expected $1"; }
out_has() { grep -qE -- "$1" "$T/out" || fail "stdout lacks /$1/"; }
out_lacks() { ! grep -qE -- "$1" "$T/out" || fail "stdout has /$1/"; }
err_has() { grep -qE -- "$1" "$T/err" || fail "stderr lacks /$1/"; }
out_empty() { [ ! -s "$T/out" ] || fail "stdout is not empty"; }
# json_check PYTHON-EXPR: evaluate with d = the JSON on stdout.
json_check() {
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]), object_pairs_hook=lambda p: dict(p))
keys = lambda o: list(o.keys())
res = {(r["action"], r["resource"]): r for r in d["results"]}
codes = [f["code"] for f in d["findings"]]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$1" 2>>"$T/err" ||
		fail "JSON check failed: $1"
}

# The vendor documentation's policies, placeholders replaced as a customer
# does.
sed -e 's/STATSIG_IAM_USER/statsig-abc/g' -e 's/YOUR_S3_BUCKET/my-data/g' \
	"$FIX/statsig-docs-export-policy.json" >"$T/docs-export.json"
sed -e 's/STATSIG_IAM_USER/statsig-abc/g' -e 's/YOUR_S3_BUCKET/my-data/g' \
	"$FIX/statsig-docs-read-policy.json" >"$T/docs-read.json"
# pol FILE STATEMENTS...: a policy of the given statement objects.
pol() {
	local f=$1
	shift
	local IFS=,
	printf '{"Version":"2012-10-17","Statement":[%s]}\n' "$*" >"$T/$f"
}
P='"Principal":{"AWS":"'$V'"}'
ALL_B='{"Effect":"Allow",'$P',"Action":["s3:ListBucket","s3:GetBucketLocation","s3:ListBucketMultipartUploads"],"Resource":"arn:aws:s3:::bkt"}'
ALL_O='{"Effect":"Allow",'$P',"Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:DeleteObjectVersion","s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],"Resource":"arn:aws:s3:::bkt/*"}'

begin "help lists every option"
run verify --help
want_rc 0
for o in bucket policy fetch mode user account principal partition prefix \
	context templates json endpoint region profile path-style timeout \
	verbose; do
	out_has "--$o"
done
end

begin "vendor docs export policy: ListBucketMultipartUploads not granted, lint warning"
run verify --policy "$T/docs-export.json" --user statsig-abc --bucket my-data --mode export
want_rc 1
out_has '^implicit-deny +s3:ListBucketMultipartUploads +arn:aws:s3:::my-data +no statement allows it'
out_has '^allowed +s3:ListBucket +arn:aws:s3:::my-data +#0'
out_has '^allowed +s3:PutObject +arn:aws:s3:::my-data/\* +#1'
out_has 'statement 1: warning: s3:ListBucketMultipartUploads applies to bucket.* \[action-resource-mismatch\]$'
out_has '^8 of 9 grants allowed; 0 errors, 1 warning'
out_has '^  policy: info: .* \[cross-account\]$'
out_has '^  policy: info: .* \[sse-kms\]$'
[ ! -s "$T/err" ] || fail "stderr is not empty"
end

begin "vendor docs export policy, --json: the issue's shape, stable key order"
run verify --policy "$T/docs-export.json" --user statsig-abc --bucket my-data --mode export --json
want_rc 1
json_check 'keys(d) == ["principal", "bucket", "mode", "results", "findings"]'
json_check 'd["principal"] == "'$V'" and d["bucket"] == "my-data" and d["mode"] == "export"'
json_check 'all(keys(r) == ["action", "resource", "decision", "statements", "condition_keys"] for r in d["results"])'
json_check 'all(keys(f) == ["severity", "code", "message", "statement"] for f in d["findings"])'
json_check 'len(d["results"]) == 9'
json_check 'res[("s3:ListBucketMultipartUploads", "arn:aws:s3:::my-data")]["decision"] == "implicit-deny"'
json_check 'res[("s3:ListBucketMultipartUploads", "arn:aws:s3:::my-data")]["statements"] == []'
json_check 'res[("s3:GetObject", "arn:aws:s3:::my-data/*")] == {"action": "s3:GetObject", "resource": "arn:aws:s3:::my-data/*", "decision": "allowed", "statements": [{"index": 1, "sid": None}], "condition_keys": []}'
json_check 'sum(r["decision"] == "allowed" for r in d["results"]) == 8'
json_check '[f for f in d["findings"] if f["code"] == "action-resource-mismatch"][0]["severity"] == "warning"'
json_check '[f for f in d["findings"] if f["code"] == "action-resource-mismatch"][0]["statement"] == 1'
json_check '[f for f in d["findings"] if f["code"] == "sse-kms"][0]["statement"] is None'
json_check '"error" not in [f["severity"] for f in d["findings"]]'
end

begin "vendor docs read policy: every read grant allowed, exit 0"
run verify --policy "$T/docs-read.json" --user statsig-abc --bucket my-data
want_rc 0
out_lacks 'deny|conditional'
out_has '^3 of 3 grants allowed; 0 errors, 0 warnings'
end

begin "vendor docs export policy verbatim: placeholders are errors"
run verify --policy "$FIX/statsig-docs-export-policy.json" --user statsig-abc --bucket my-data --mode export --json
want_rc 1
json_check 'codes.count("placeholder") == 2'
json_check 'all(r["decision"] == "implicit-deny" for r in d["results"])'
end

begin "gen output verifies clean in both modes (policy from standard input)"
for m in read export; do
	"$S3PERM" gen --mode $m --user statsig-abc --bucket my-data >"$T/gen.json" 2>"$T/err" ||
		fail "gen failed"
	run_in "$T/gen.json" verify --policy - --user statsig-abc --bucket my-data --mode $m --json
	want_rc 0
	json_check 'all(r["decision"] == "allowed" for r in d["results"])'
	json_check 'set(f["severity"] for f in d["findings"]) == {"info"}'
done
end

begin "every --prefix is a grant, past 64 of them too"
set --
for i in $(seq 1 70); do set -- "$@" --prefix "d$i/"; done
"$S3PERM" gen --mode read --user statsig-abc --bucket my-data "$@" >"$T/many.json" 2>"$T/err" ||
	fail "gen failed"
run verify --policy "$T/many.json" --user statsig-abc --bucket my-data "$@" --json
want_rc 0
json_check 'len(d["results"]) == 72'
json_check '("s3:GetObject", "arn:aws:s3:::my-data/d70/*") in res'
json_check 'all(r["decision"] == "allowed" for r in d["results"])'
set --
end

begin "the suggested gen keeps the --prefix limits"
echo '{"Version": "2012-10-17", "Statement": []}' >"$T/none.json"
run verify --policy "$T/none.json" --user statsig-abc --bucket my-data --prefix events/ --prefix metrics/
want_rc 1
out_has "^to fix: 's3perm gen .*--bucket my-data --prefix events/ --prefix metrics/ --merge CURRENT.json'"
end

begin "the whole answer of aws s3api get-bucket-policy verifies like the policy in it"
"$S3PERM" gen --mode read --user statsig-abc --bucket my-data >"$T/gen.json" 2>"$T/err" ||
	fail "gen failed"
/usr/bin/python3 -c 'import json, sys; json.dump({"Policy": open(sys.argv[1]).read()}, open(sys.argv[2], "w"))' \
	"$T/gen.json" "$T/wrapped.json" || fail "cannot wrap the policy"
run verify --policy "$T/wrapped.json" --user statsig-abc --bucket my-data --json
want_rc 0
json_check 'all(r["decision"] == "allowed" for r in d["results"])'
json_check 'set(f["severity"] for f in d["findings"]) == {"info"}'
end

begin "gen --prefix verifies with --prefix, not without"
"$S3PERM" gen --mode export --user statsig-abc --bucket my-data --prefix events/ >"$T/genp.json" 2>"$T/err" ||
	fail "gen failed"
run verify --policy "$T/genp.json" --user statsig-abc --bucket my-data --mode export --prefix events/ --json
want_rc 0
json_check '("s3:GetObject", "arn:aws:s3:::my-data/events/*") in res'
run verify --policy "$T/genp.json" --user statsig-abc --bucket my-data --mode export --json
want_rc 1
json_check 'res[("s3:GetObject", "arn:aws:s3:::my-data/*")]["decision"] == "implicit-deny"'
end

begin "a --prefix given twice is one grant, as gen grants it once"
run verify --policy "$T/genp.json" --user statsig-abc --bucket my-data --mode export --prefix events/ --prefix events/ --json
want_rc 0
json_check 'len(d["results"]) == len(res) == 9'
end

begin "explicit deny names the statement"
pol deny.json "$ALL_B" "$ALL_O" \
	'{"Sid":"NoPrivate","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/private/*"}'
run verify --policy "$T/deny.json" --user statsig-abc --bucket bkt --mode export --json
want_rc 1
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/*")]["decision"] == "explicit-deny"'
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/*")]["statements"] == [{"index": 2, "sid": "NoPrivate"}]'
json_check 'res[("s3:PutObject", "arn:aws:s3:::bkt/*")]["decision"] == "allowed"'
run verify --policy "$T/deny.json" --user statsig-abc --bucket bkt --mode export
out_has '^explicit-deny +s3:GetObject +arn:aws:s3:::bkt/\* +#2 NoPrivate \(Deny\) on arn:aws:s3:::bkt/private/\*'
end

begin "conditional on an unknown key; known with --context"
pol cond.json "$ALL_B" \
	'{"Effect":"Allow",'"$P"',"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}'
run verify --policy "$T/cond.json" --user statsig-abc --bucket bkt --json
want_rc 1
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/*")]["decision"] == "conditional"'
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/*")]["condition_keys"] == ["aws:SourceIp"]'
run verify --policy "$T/cond.json" --user statsig-abc --bucket bkt
out_has 'depends on: aws:SourceIp'
run verify --policy "$T/cond.json" --user statsig-abc --bucket bkt --context aws:SourceIp=203.0.113.7
want_rc 0
run verify --policy "$T/cond.json" --user statsig-abc --bucket bkt --context aws:SourceIp=198.51.100.1 --json
want_rc 1
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/*")]["decision"] == "implicit-deny"'
end

begin "another principal: --principal and --account"
pol acct.json "$ALL_B" "$ALL_O"
run verify --policy "$T/acct.json" --principal arn:aws:iam::111122223333:role/r --bucket bkt --json
want_rc 1
json_check 'd["principal"] == "arn:aws:iam::111122223333:role/r"'
json_check 'all(r["decision"] == "implicit-deny" for r in d["results"])'
run verify --policy "$T/acct.json" --user statsig-abc --account 111122223333 --bucket bkt
want_rc 1
run verify --policy "$T/acct.json" --principal "$V" --bucket bkt --mode export
want_rc 0
end

begin "lint errors make exit 1 even when every grant is allowed"
pol dup.json "$(echo "$ALL_B" | sed 's/^{/{"Sid":"A",/')" "$(echo "$ALL_O" | sed 's/^{/{"Sid":"A",/')"
run verify --policy "$T/dup.json" --user statsig-abc --bucket bkt --mode export
want_rc 1
out_has '^9 of 9 grants allowed; 1 error'
out_has '^  statement 1: error: .* \[duplicate-sid\]$'
end

begin "warnings alone do not fail"
printf '{"Version":"2008-10-17","Statement":[%s,%s]}' "$ALL_B" "$ALL_O" >"$T/old.json"
run verify --policy "$T/old.json" --user statsig-abc --bucket bkt --mode export
want_rc 0
out_has '^  policy: warning: .* \[old-version\]$'
end

begin "a policy over 20 KB is an error"
/usr/bin/python3 -c '
import json, sys
st = json.loads(sys.argv[1])
pad = dict(st, Sid="A" * 21000)
print(json.dumps({"Version": "2012-10-17", "Statement": [st, pad]}))' "$ALL_O" >"$T/big.json"
run verify --policy "$T/big.json" --user statsig-abc --bucket bkt --json
want_rc 1
json_check '"too-large" in codes'
end

begin "broken JSON: line and column on stderr, nothing on stdout (JSON error with --json), exit 2"
printf '{\n  "Version": "2012-10-17",\n  "Statement": [ }\n' >"$T/broken.json"
run verify --policy "$T/broken.json" --user statsig-abc --bucket bkt
want_rc 2
out_empty
err_has "^s3perm: error: cannot read policy '.*broken.json': .*line 3, column"
run verify --policy "$T/broken.json" --user statsig-abc --bucket bkt --json
want_rc 2
out_has '^\{"error": \{"kind": "input", "message": "cannot read policy .*line 3, column.*"exit_status": 2\}\}$'
end

begin "not an object, missing file, empty input: exit 2"
echo '[1,2]' >"$T/array.json"
run verify --policy "$T/array.json" --user statsig-abc --bucket bkt
want_rc 2
out_empty
err_has 'not a JSON object'
run verify --policy "$T/nonexistent.json" --user statsig-abc --bucket bkt
want_rc 2
out_empty
run_in /dev/null verify --policy - --user statsig-abc --bucket bkt
want_rc 2
out_empty
end

begin "usage errors: exit 2, nothing on stdout"
for args in \
	"--policy $T/acct.json --user statsig-abc" \
	"--bucket bkt --user statsig-abc" \
	"--bucket bkt --policy $T/acct.json --fetch --user statsig-abc" \
	"--bucket bkt --policy $T/acct.json" \
	"--bucket bkt --policy $T/acct.json --user statsig-abc --principal $V" \
	"--bucket bkt --policy $T/acct.json --principal $V --account 111122223333" \
	"--bucket bkt --policy $T/acct.json --user statsig-abc --context novalue" \
	"--bucket bkt --policy $T/acct.json --user statsig-abc --mode write" \
	"--bucket B_ad --policy $T/acct.json --user statsig-abc" \
	"--bucket bkt --policy $T/acct.json --user bad/name" \
	"--bucket bkt --policy $T/acct.json --user statsig-abc --partition mars" \
	"--bucket bkt --policy $T/acct.json --user statsig-abc --endpoint http://127.0.0.1:1" \
	"--bucket bkt --policy $T/acct.json --user statsig-abc --timeout 5" \
	"--bucket bkt --fetch --user statsig-abc --timeout 0" \
	"--bucket bkt --fetch --user statsig-abc --region Bad_Region" \
	"--bucket bkt --policy $T/acct.json --user statsig-abc --no-such-option" \
	"--bucket bkt --policy $T/acct.json --user statsig-abc extra"; do
	# shellcheck disable=SC2086
	run verify $args
	[ "$RC" = 2 ] || fail "'$args': exit $RC, expected 2"
	[ ! -s "$T/out" ] || fail "'$args': stdout is not empty"
	grep -q '^s3perm: error: ' "$T/err" || fail "'$args': no error message"
done
end

begin "--fetch from an unreachable endpoint: exit 3"
AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
	AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
	"$S3PERM" verify --fetch --endpoint http://127.0.0.1:1 --region us-east-1 \
	--bucket bkt --user statsig-abc >"$T/out" 2>"$T/err" </dev/null
RC=$?
want_rc 3
out_empty
err_has "bucket 'bkt'"
grep -q secret "$T/err" && fail "the secret key appears on stderr"
end

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
