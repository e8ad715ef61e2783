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

begin "vendor docs export policy, --json: the documented shape, stable key order"
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

begin "--absent: a key the vendor's requests never carry"
pol vpce.json "$ALL_B" \
	'{"Effect":"Allow",'"$P"',"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}' \
	'{"Sid":"OnlyVpce","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}'
run verify --policy "$T/vpce.json" --user statsig-abc --bucket bkt --json
want_rc 1
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/*")]["decision"] == "conditional"'
run verify --policy "$T/vpce.json" --user statsig-abc --bucket bkt
out_has 'depends on: aws:SourceVpce \(give them with --context KEY=VALUE or --absent KEY\)'
# absent: the negated operator holds, the Deny applies
run verify --policy "$T/vpce.json" --user statsig-abc --bucket bkt --absent aws:SourceVpce --json
want_rc 1
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/*")]["decision"] == "explicit-deny"'
# present and empty is not absent
run verify --policy "$T/vpce.json" --user statsig-abc --bucket bkt --context aws:SourceVpce= --json
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/*")]["decision"] == "explicit-deny"'
run verify --policy "$T/vpce.json" --user statsig-abc --bucket bkt --context aws:SourceVpce=vpce-1
want_rc 0
run verify --policy "$T/vpce.json" --user statsig-abc --bucket bkt --context aws:SourceVpce=vpce-1 --absent aws:SourceVpce
want_rc 2
out_empty
err_has "'aws:SourceVpce' is given both a value \(--context\) and --absent"
run verify --policy "$T/vpce.json" --user statsig-abc --bucket bkt --absent ''
want_rc 2
err_has "invalid --absent"
run verify --help
out_has '--absent KEY'
end

begin "to fix matches the cause; a partial Deny suggests --prefix"
# deny.json: a Deny on bkt/private/* (see above)
run verify --policy "$T/deny.json" --user statsig-abc --bucket bkt --mode export
want_rc 1
out_has '^to fix: an explicit Deny overrides every Allow \(merging more Allows does not help\)'
out_lacks "gen --mode .*--merge"
out_has "^note: the Deny on s3:GetObject covers only arn:aws:s3:::bkt/private/\\*: it does not deny the other keys of arn:aws:s3:::bkt/\\*;.*--prefix"
run verify --policy "$T/deny.json" --user statsig-abc --bucket bkt --mode export --prefix data/ --json
want_rc 0
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/data/*")]["decision"] == "allowed"'
# a Deny that may apply is not fixed by merging either
run verify --policy "$T/vpce.json" --user statsig-abc --bucket bkt
want_rc 1
out_has '^to fix: a Deny may apply, depending on the keys named above \(merging more Allows does not help\)'
out_lacks "gen --mode .*--merge"
out_lacks "^note: the Deny"
# an Allow whose condition is unknown is: merging adds the vendor's grant
run verify --policy "$T/cond.json" --user statsig-abc --bucket bkt
out_has "^to fix: 's3perm gen --mode read .*--merge CURRENT.json'"
out_lacks "Deny"
end

begin "a policy for another principal of the vendor's account is named"
pol xyz.json "$(echo "$ALL_B" | sed s/statsig-abc/statsig-xyz/)" "$(echo "$ALL_O" | sed s/statsig-abc/statsig-xyz/)"
run verify --policy "$T/xyz.json" --user statsig-abc --bucket bkt --mode export
want_rc 1
out_has "note: statement 1 allows s3:GetObject to arn:aws:iam::999689269917:user/statsig-xyz, another principal of account 999689269917, not to $V"
run verify --policy "$T/xyz.json" --user statsig-xyz --bucket bkt --mode export
want_rc 0
out_lacks "another principal"
end

begin "verify reads gen's Terraform and CloudFormation outputs"
# a customer statement with a policy variable: Terraform escapes it ($${),
# verify must read it back as ${ (else the Deny would apply)
pol cur.json '{"Sid":"Self","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"aws:username":"${aws:username}"}}}'
for f in json terraform cloudformation; do
	run gen --bucket bkt --user statsig-abc --mode export --merge "$T/cur.json" --format $f -o "$T/gen.$f"
	want_rc 0
	run verify --policy "$T/gen.$f" --user statsig-abc --bucket bkt --mode export --json
	want_rc 0
	json_check 'all(r["decision"] == "allowed" for r in d["results"]) and len(d["results"]) == 9'
	run verify --policy "$T/gen.$f" --user statsig-abc --bucket bkt --mode export
	out_has '^9 of 9 grants allowed'
done
grep -q 'aws:username}' "$T/gen.terraform" && grep -q '\$\${aws:username}' "$T/gen.terraform" ||
	fail "the Terraform output does not escape the variable"
# from standard input too
run_in "$T/gen.terraform" verify --policy - --user statsig-abc --bucket bkt --mode export
want_rc 0
# the heredoc form (earlier gen versions, and many repositories)
{
	printf 'resource "aws_s3_bucket_policy" "p" {\n  bucket = "bkt"\n  policy = <<-EOT\n'
	sed 's/\${/$${/g' "$T/gen.json"
	printf '  EOT\n}\n'
} >"$T/heredoc.tf"
run verify --policy "$T/heredoc.tf" --user statsig-abc --bucket bkt --mode export
want_rc 0
out_has '^9 of 9 grants allowed'
# cut short, a template without a bucket policy
head -n 5 "$T/gen.terraform" >"$T/cut.tf"
run verify --policy "$T/cut.tf" --user statsig-abc --bucket bkt
want_rc 2
err_has "its Terraform jsonencode\(\) has an unexpected end"
head -n 5 "$T/heredoc.tf" >"$T/cut.tf"
run verify --policy "$T/cut.tf" --user statsig-abc --bucket bkt
want_rc 2
err_has "the Terraform heredoc 'EOT' is not terminated"
printf '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"B":{"Type":"AWS::S3::Bucket"}}}' >"$T/nopol.cfn"
run verify --policy "$T/nopol.cfn" --user statsig-abc --bucket bkt
want_rc 2
err_has "has no AWS::S3::BucketPolicy"
# several bucket policies: the one for this bucket
/usr/bin/python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))
r = t["Resources"]["StatsigBucketPolicy"]
other = json.loads(json.dumps(r))
other["Properties"]["Bucket"] = "other-bkt"
other["Properties"]["PolicyDocument"]["Statement"] = other["Properties"]["PolicyDocument"]["Statement"][:1]
t["Resources"] = {"Other": other, "Mine": r}
json.dump(t, open(sys.argv[2], "w"))' "$T/gen.cloudformation" "$T/two.cfn"
run verify --policy "$T/two.cfn" --user statsig-abc --bucket bkt --mode export
want_rc 0
run verify --policy "$T/two.cfn" --user statsig-abc --bucket nothere --mode export
want_rc 2
err_has "no AWS::S3::BucketPolicy for bucket nothere"
end

begin "keys a grant's request can never carry are absent"
pol sse.json "$ALL_B" \
	'{"Effect":"Allow",'"$P"',"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bkt/*"}' \
	'{"Sid":"NoPlainText","Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}'
run verify --policy "$T/sse.json" --user statsig-abc --bucket bkt --mode export --json
want_rc 1
# GET and LIST requests never carry the header: the Deny applies to them
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/*")]["decision"] == "explicit-deny"'
json_check 'res[("s3:ListBucket", "arn:aws:s3:::bkt")]["decision"] == "explicit-deny"'
# a PutObject may carry it
json_check 'res[("s3:PutObject", "arn:aws:s3:::bkt/*")]["decision"] == "conditional"'
json_check 'res[("s3:PutObject", "arn:aws:s3:::bkt/*")]["condition_keys"] == ["s3:x-amz-server-side-encryption"]'
run verify --policy "$T/sse.json" --user statsig-abc --bucket bkt --mode export --context s3:x-amz-server-side-encryption=aws:kms --json
json_check 'res[("s3:GetObject", "arn:aws:s3:::bkt/*")]["decision"] == "allowed"'
json_check 'res[("s3:PutObject", "arn:aws:s3:::bkt/*")]["decision"] == "allowed"'
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

begin "input far above the 20 KB limit is refused early: exit 2, in seconds"
/usr/bin/python3 -c '
import json, sys
st = json.loads(sys.argv[1])
sts = [dict(st, Sid="S%d" % i) for i in range(20000)]
print(json.dumps({"Version": "2012-10-17", "Statement": sts}, separators=(",", ":")))' "$ALL_O" >"$T/huge.json"
SECONDS=0
run verify --policy "$T/huge.json" --user statsig-abc --bucket bkt
want_rc 2
[ "$SECONDS" -le 20 ] || fail "took $SECONDS s"
out_empty
err_has "^s3perm: error: policy '.*huge.json' has [0-9]+ bytes, far above the 20480 bytes AWS allows a bucket policy"
run_in "$T/huge.json" verify --policy - --user statsig-abc --bucket bkt --json
want_rc 2
out_has '^\{"error": \{"kind": "input", "message": "policy .standard input. has [0-9]+ bytes, far above the 20480 bytes'
err_has "far above the 20480 bytes"
end

begin "control characters of a policy never reach the terminal"
printf '{"Version":"2012-10-17","Statement":[%s,%s]}' \
	"$(echo "$ALL_B" | sed 's/^{/{"Sid":"A\\u001b[2J\\nforged\\r",/')" \
	"$(echo "$ALL_O" | sed 's/^{/{"Sid":"A\\u001b[2J\\nforged\\r",/')" >"$T/esc.json"
run verify --policy "$T/esc.json" --user statsig-abc --bucket bkt --mode export
want_rc 1
grep -q "$(printf '\033')" "$T/out" && fail "ESC on stdout"
grep -q "$(printf '\r')" "$T/out" && fail "CR on stdout"
grep -q "^forged" "$T/out" && fail "a forged line on stdout"
out_has "Sid 'A\\\\e\\[2J\\\\nforged\\\\r' has characters other than"
run verify --policy "$T/esc.json" --user statsig-abc --bucket bkt --mode export --json
want_rc 1
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
m = [f["message"] for f in d["findings"] if f["code"] == "duplicate-sid"]
sys.exit(0 if m and "A\x1b[2J\nforged\r" in m[0] else 1)' "$T/out" ||
	fail "the JSON does not keep the exact Sid"
end

begin "error messages escape control characters"
run verify --policy "$T/x"$'\033[2J\nforged.json' --user statsig-abc --bucket bkt
want_rc 2
grep -q "$(printf '\033')" "$T/err" && fail "ESC on stderr"
[ "$(wc -l <"$T/err")" = 1 ] || fail "more than one line on stderr"
err_has "^s3perm: error: .*x\\\\e\\[2J\\\\nforged\\.json"
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
