#!/bin/bash
# test_gen.sh - CLI tests of `s3perm gen`: exit code, stdout and stderr for
# bad inputs and every option; rendered policies against the expected
# documents in tests/fixtures/gen/; merge, remove, output formats, -o.
#
# Run from anywhere: S3PERM=path/to/s3perm bash tests/test_gen.sh
# (default ./s3perm).  Prints one line per case and "N passed, M failed";
# exits 1 when a case failed.
#
# The cases marked [iam_eval] exercise the policy evaluator (the Deny
# warnings of --merge).
set -u

cd "$(dirname "$0")/.." || exit 2
S3PERM=${S3PERM:-./s3perm}
case $S3PERM in /*) ;; *) S3PERM=$(pwd)/$S3PERM ;; esac
FIX=$(pwd)/tests/fixtures/gen
PY=/usr/bin/python3
# The templates must be the ones the binary carries (or the installed ones),
# not whatever a developer points at.
unset S3PERM_TEMPLATES

T=$(mktemp -d "${TMPDIR:-/tmp}/s3perm-test-gen.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT

if [ ! -x "$S3PERM" ]; then
	echo "FAIL binary under test: $S3PERM is not an executable"
	echo "0 passed, 1 failed"
	exit 1
fi

PASS=0 FAIL=0
CASE= WHY=() CMD= RC=
OUT=$T/out ERR=$T/err

# ---- running the binary -------------------------------------------------

# gen ARGS...: run `s3perm gen ARGS` with stdin from $IN (default
# /dev/null); stdout in $OUT, stderr in $ERR, exit code in $RC.
gen() {
	CMD="s3perm gen $*"
	"$S3PERM" gen "$@" <"${IN:-/dev/null}" >"$OUT" 2>"$ERR"
	RC=$?
}

# ---- cases and checks ---------------------------------------------------

begin() {
	CASE=$1
	WHY=()
	CMD=
}

# check ASSERTION ARGS...: record a failure (the assertion sets MSG).
check() {
	MSG=
	"$@" || WHY+=("${MSG:-$*}")
}

end_case() {
	if [ ${#WHY[@]} -eq 0 ]; then
		PASS=$((PASS + 1))
		echo "ok   $CASE"
		return
	fi
	FAIL=$((FAIL + 1))
	echo "FAIL $CASE"
	local w
	for w in "${WHY[@]}"; do
		echo "       - $w"
	done
	[ -n "$CMD" ] && echo "       command: $CMD (exit $RC)"
	if [ -s "$ERR" ]; then
		echo "       stderr:"
		head -n 5 "$ERR" | sed 's/^/         | /'
	fi
	if [ -s "$OUT" ]; then
		echo "       stdout (head):"
		head -n 5 "$OUT" | sed 's/^/         | /'
	fi
}

rc_is() {
	[ "$RC" = "$1" ] || { MSG="exit code $RC, expected $1"; return 1; }
}
out_empty() {
	[ ! -s "$OUT" ] || { MSG="stdout is not empty"; return 1; }
}
err_empty() {
	[ ! -s "$ERR" ] || { MSG="stderr is not empty"; return 1; }
}
# out_is FILE: stdout byte-for-byte equal to FILE
out_is() {
	cmp -s "$OUT" "$1" || {
		MSG="stdout differs from $(basename "$1"): $(diff "$1" "$OUT" | head -n 6 | tr '\n' ' ')"
		return 1
	}
}
out_has() {
	grep -qF -- "$1" "$OUT" || { MSG="stdout lacks '$1'"; return 1; }
}
out_lacks() {
	! grep -qF -- "$1" "$OUT" || { MSG="stdout has '$1'"; return 1; }
}
err_has() {
	grep -qF -- "$1" "$ERR" || { MSG="stderr lacks '$1'"; return 1; }
}
# err_error SUBSTR...: stderr is exactly one line "s3perm: error: ..."
# holding every SUBSTR.
err_error() {
	local n s
	n=$(wc -l <"$ERR")
	if [ "$n" != 1 ]; then
		MSG="stderr has $n lines, expected one error line"
		return 1
	fi
	if ! grep -q '^s3perm: error: .' "$ERR"; then
		MSG="stderr is not 's3perm: error: ...'"
		return 1
	fi
	for s in "$@"; do
		grep -qF -- "$s" "$ERR" || { MSG="error message lacks '$s'"; return 1; }
	done
}
# err_errors_only: stderr non-empty, every line "s3perm: error: ..."
err_errors_only() {
	[ -s "$ERR" ] || { MSG="no error on stderr"; return 1; }
	! grep -qv '^s3perm: error: .' "$ERR" ||
		{ MSG="stderr has lines other than 's3perm: error: ...'"; return 1; }
}
# err_warnings: stderr non-empty, every line "s3perm: warning: ..."
err_warnings() {
	[ -s "$ERR" ] || { MSG="no warning on stderr"; return 1; }
	! grep -qv '^s3perm: warning: .' "$ERR" ||
		{ MSG="stderr has lines other than 's3perm: warning: ...'"; return 1; }
}
# err_line_has S1 S2...: some line of stderr holds every Si
err_line_has() {
	local line s ok
	while IFS= read -r line; do
		ok=1
		for s in "$@"; do
			case $line in *"$s"*) ;; *) ok=0 ;; esac
		done
		[ $ok = 1 ] && return 0
	done <"$ERR"
	MSG="no stderr line holds all of: $*"
	return 1
}
# py EXPR [FILE]: a Python expression over d = the JSON document in FILE
# (default stdout) is true.
py() {
	local r
	r=$("$PY" - "$1" "${2:-$OUT}" <<'EOF' 2>&1
import json, sys
expr, path = sys.argv[1], sys.argv[2]
try:
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
except Exception as e:
    print("not JSON: %s" % e)
    sys.exit(1)
def sids(doc):
    return [s.get("Sid") for s in doc["Statement"]]
def load(p):
    with open(p, encoding="utf-8") as f:
        return json.load(f)
try:
    ok = eval("(" + expr + "\n)")
except Exception as e:
    print("%s: %r" % (type(e).__name__, e))
    sys.exit(1)
sys.exit(0 if ok else 1)
EOF
	) || { MSG="python check failed: $1 ${r:+($r)}"; return 1; }
}

# ok_gen NAME ARGS...: exit 0, stderr empty, stdout a JSON document.
ok_json() {
	check rc_is 0
	check err_empty
	check py 'isinstance(d, dict)'
}

# bad NAME 'SUBSTR1~SUBSTR2' ARGS...: exit 2, nothing on stdout, one error
# line naming the problem.
bad() {
	local name=$1 subs=$2
	local -a want
	shift 2
	IFS='~' read -r -a want <<<"$subs"
	begin "bad input: $name"
	gen "$@"
	check rc_is 2
	check out_empty
	check err_error "${want[@]}"
	end_case
}

V=(-b my-data -u statsig-abc) # the vendor's usual arguments

# ---- bad inputs: bucket names (every rule S3 has) -----------------------

bad "bucket too short" "invalid bucket name 'ab'~3 to 63" -b ab -u x
bad "bucket too long (64)" "invalid bucket name~3 to 63~has 64" \
	-b "$(printf 'a%.0s' $(seq 64))" -u x
bad "bucket uppercase" "invalid bucket name 'My-data'~lowercase" -b My-data -u x
bad "bucket underscore" "invalid bucket name 'my_data'~lowercase" -b my_data -u x
bad "bucket space" "invalid bucket name 'my data'" -b "my data" -u x
bad "bucket starts with '-'" "invalid bucket name '-my-data'~start and end" \
	--bucket=-my-data -u x
bad "bucket ends with '-'" "invalid bucket name 'my-data-'~start and end" \
	-b my-data- -u x
bad "bucket starts with '.'" "invalid bucket name '.my-data'~start and end" \
	-b .my-data -u x
bad "bucket with '..'" "invalid bucket name 'my..data'~'..'" -b my..data -u x
bad "bucket is an IP address" "invalid bucket name '192.168.5.4'~IP address" \
	-b 192.168.5.4 -u x
bad "bucket prefix xn--" "invalid bucket name 'xn--data'~'xn--'" -b xn--data -u x
bad "bucket prefix sthree-" "invalid bucket name 'sthree-data'~'sthree-'" \
	-b sthree-data -u x
bad "bucket prefix amzn-s3-demo-" \
	"invalid bucket name 'amzn-s3-demo-data'~'amzn-s3-demo-'" \
	-b amzn-s3-demo-data -u x
bad "bucket suffix -s3alias" "unsupported bucket 'my-data-s3alias'~not support~'-s3alias'" \
	-b my-data-s3alias -u x
bad "bucket suffix --ol-s3" "unsupported bucket 'my-data--ol-s3'~not support~'--ol-s3'" \
	-b my-data--ol-s3 -u x
bad "bucket suffix .mrap" "unsupported bucket 'my-data.mrap'~not support~'.mrap'" \
	-b my-data.mrap -u x
bad "bucket suffix --x-s3" "unsupported bucket 'my-data--x-s3'~not support~'--x-s3'" \
	-b my-data--x-s3 -u x
bad "bucket suffix --table-s3" \
	"unsupported bucket 'my-data--table-s3'~not support~'--table-s3'" \
	-b my-data--table-s3 -u x
bad "bucket placeholder YOUR_S3_BUCKET" \
	"invalid bucket name 'YOUR_S3_BUCKET'~placeholder" -b YOUR_S3_BUCKET -u x

# ---- bad inputs: user, account, principal, partition --------------------

bad "user too long (65)" "invalid IAM user name~1 to 64~has 65" \
	-b my-data -u "$(printf 'u%.0s' $(seq 65))"
bad "user with '/'" "invalid IAM user name 'stat/sig'~'+=,.@_-'" \
	-b my-data -u stat/sig
bad "user with a space" "invalid IAM user name 'statsig abc'" \
	-b my-data -u "statsig abc"
bad "user with a quote" "invalid IAM user name 'a\"b'" -b my-data -u 'a"b'
bad "user empty" "invalid IAM user name ''~1 to 64" -b my-data -u ""
bad "user placeholder STATSIG_IAM_USER" \
	"invalid IAM user name 'STATSIG_IAM_USER'~placeholder" \
	-b my-data -u STATSIG_IAM_USER
bad "account of 11 digits" "invalid AWS account id '12345678901'~12 digits" \
	-b my-data -u x --account 12345678901
bad "account with letters" "invalid AWS account id '12345678901x'~12 digits" \
	-b my-data -u x --account 12345678901x
bad "account of 13 digits" "invalid AWS account id '1234567890123'" \
	-b my-data -u x --account 1234567890123
bad "principal garbage" "invalid principal 'statsig'" -b my-data --principal statsig
bad "principal of another service" "invalid principal 'arn:aws:s3:::my-data'" \
	-b my-data --principal arn:aws:s3:::my-data
bad "principal with a bad partition" \
	"invalid principal 'arn:aws-mars:iam::123456789012:user/x'" \
	-b my-data --principal arn:aws-mars:iam::123456789012:user/x
bad "principal with a region" \
	"invalid principal 'arn:aws:iam:us-east-1:123456789012:user/x'" \
	-b my-data --principal arn:aws:iam:us-east-1:123456789012:user/x
bad "principal group (not a principal)" \
	"invalid principal 'arn:aws:iam::123456789012:group/g'" \
	-b my-data --principal arn:aws:iam::123456789012:group/g
bad "principal user with a bad name" "invalid principal" \
	-b my-data --principal 'arn:aws:iam::123456789012:user/a b'
bad "principal placeholder" "STATSIG_IAM_USER~placeholder" \
	-b my-data --principal arn:aws:iam::999689269917:user/STATSIG_IAM_USER
bad "partition unknown" "invalid partition 'aws-eu'~aws-cn" \
	-b my-data -u x --partition aws-eu
bad "partition not matching the principal" "'--partition aws-cn'~'aws'" \
	-b my-data --principal arn:aws:iam::123456789012:user/x --partition aws-cn

# ---- bad inputs: mode, format, options ----------------------------------

bad "mode unknown" "invalid mode 'write'~read or export" "${V[@]}" --mode write
bad "mode empty" "invalid mode ''" "${V[@]}" --mode ""
bad "format unknown" "invalid format 'yaml'~terraform" "${V[@]}" --format yaml
bad "format -f unknown" "invalid format 'JSON'" "${V[@]}" -f JSON
bad "unknown long option" "unknown option '--bogus'" "${V[@]}" --bogus
bad "unknown short option" "unknown option '-z'" "${V[@]}" -z
bad "option of another command" "unknown option '--region'" "${V[@]}" --region us-east-1
bad "missing value at the end" "'--bucket' needs a value" -u x --bucket
bad "missing value of --mode" "'--mode' needs a value" "${V[@]}" --mode
bad "missing value of -o" "'--output' needs a value" "${V[@]}" -o
bad "value for a flag" "'--remove' takes no value" "${V[@]}" --remove=yes
bad "option given twice" "'--bucket' given twice" -b my-data -b other-data -u x
bad "stray argument" "'extra'" "${V[@]}" extra
bad "--user with --principal" "'--user'~'--principal'" \
	"${V[@]}" --principal arn:aws:iam::123456789012:user/x
bad "--account with --principal" "'--account'" \
	-b my-data --account 123456789012 --principal arn:aws:iam::123456789012:user/x
bad "--remove without --merge" "'--remove'~'--merge" "${V[@]}" --remove
bad "missing --bucket" "missing '--bucket" -u x
bad "missing --user / --principal" "'--user~'--principal" -b my-data
bad "no arguments at all" "missing '--bucket" 

# ---- bad inputs: --prefix ---------------------------------------------

bad "prefix with leading '/'" "invalid prefix '/events/'~'/'" "${V[@]}" --prefix /events/
bad "prefix with '*'" "invalid prefix 'ev*'~wildcard" "${V[@]}" --prefix 'ev*'
bad "prefix with '?'" "invalid prefix 'ev?nts/'~wildcard" "${V[@]}" --prefix 'ev?nts/'
bad "prefix empty" "invalid prefix ''" "${V[@]}" --prefix ""
bad "prefix with a policy variable" "invalid prefix '\${aws:username}/'" \
	"${V[@]}" --prefix '${aws:username}/'
bad "prefix, second of two, bad" "invalid prefix '*'" \
	"${V[@]}" --prefix events/ --prefix '*'
bad "prefix with a newline" "invalid prefix~control characters" \
	"${V[@]}" --prefix $'ev\nents/'

# ---- bad inputs: --merge files ------------------------------------------

printf '{\n  "Version": "2012-10-17",\n  "Statement": [ {"Sid": "A",} ]\n}\n' >"$T/broken.json"
printf '[{"Version": "2012-10-17"}]\n' >"$T/array.json"
printf '{"Version": "2012-10-17", "Id": "x"}\n' >"$T/nostatement.json"
printf '{"Version": "2012-10-17", "Statement": "Allow"}\n' >"$T/strstatement.json"
: >"$T/empty.json"
bad "merge file missing" "cannot open '$T/missing.json'~No such file" \
	"${V[@]}" --merge "$T/missing.json"
bad "merge file is a directory" "'$T'" "${V[@]}" --merge "$T"
bad "merge file not JSON (line, column)" "'$T/broken.json'~line 3, column 30" \
	"${V[@]}" --merge "$T/broken.json"
begin "merge file empty: the bucket has no policy yet (one stderr line), the vendor's policy alone"
gen "${V[@]}" --merge "$T/empty.json"
check rc_is 0
check out_is "$FIX/read.json"
check err_warnings
check py 'True'
check "$PY" -c 'import sys; l = open(sys.argv[1]).read().splitlines(); assert len(l) == 1 and "no bucket policy" in l[0], l' "$ERR"
end_case

begin "merge stdin empty: no policy yet"
IN=/dev/null gen "${V[@]}" --merge -
check rc_is 0
check out_is "$FIX/read.json"
check err_has "'standard input' holds no bucket policy"
end_case

begin "merge file holding the AWS CLI's NoSuchBucketPolicy message: no policy yet"
printf '\nAn error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist\n' >"$T/nsbp.txt"
gen --mode export "${V[@]}" --merge "$T/nsbp.txt"
check rc_is 0
check out_is "$FIX/export.json"
check err_has "holds no bucket policy"
end_case

begin "--remove on no policy: nothing to remove, nothing printed"
gen --remove "${V[@]}" --merge "$T/empty.json"
check rc_is 0
check out_empty
check err_has "nothing to remove"
end_case
bad "merge file not an object" "'$T/array.json'~not a JSON object" \
	"${V[@]}" --merge "$T/array.json"
bad "merge file without Statement" "'$T/nostatement.json'~Statement" \
	"${V[@]}" --merge "$T/nostatement.json"
bad "merge file with a string Statement" "Statement" \
	"${V[@]}" --merge "$T/strstatement.json"
IN=$T/broken.json bad "merge stdin not JSON" "standard input~line 3, column 30" \
	"${V[@]}" --merge -
IN=$T/array.json bad "remove from stdin, not an object" "not a JSON object" \
	"${V[@]}" --merge - --remove

# A current policy so big that the merged one would pass AWS's 20 KB limit;
# the message gives the size, counted as AWS does (without whitespace).
"$PY" - "$T/big.json" <<'EOF'
import json, sys
st = [{"Sid": "Customer%d" % i, "Effect": "Allow",
       "Principal": {"AWS": "arn:aws:iam::111122223333:role/app-%d" % i},
       "Action": "s3:GetObject",
       "Resource": "arn:aws:s3:::my-data/app-%d/*" % i} for i in range(200)]
json.dump({"Version": "2012-10-17", "Statement": st}, open(sys.argv[1], "w"), indent=2)
EOF
BIG_SIZE=$("$PY" - "$T/big.json" "$FIX/read.json" <<'EOF'
import json, sys
big = json.load(open(sys.argv[1])); vendor = json.load(open(sys.argv[2]))
big["Statement"] += vendor["Statement"]
print(len(json.dumps(big, separators=(",", ":"), ensure_ascii=False)))
EOF
)
bad "result over 20 KB ($BIG_SIZE bytes)" "$BIG_SIZE bytes~20480" \
	"${V[@]}" --merge "$T/big.json"

# A result just under the limit passes (the limit is not counted on the
# pretty-printed text).
"$PY" - "$T/big.json" "$T/near.json" "$FIX/read.json" <<'EOF'
import json, sys
big = json.load(open(sys.argv[1])); vendor = json.load(open(sys.argv[3]))
size = lambda d: len(json.dumps(d, separators=(",", ":")))
while size({"Version": big["Version"], "Statement": big["Statement"] + vendor["Statement"]}) > 20480:
    big["Statement"].pop()
json.dump(big, open(sys.argv[2], "w"), indent=4)
EOF
begin "a merged policy just under 20 KB is printed"
gen "${V[@]}" --merge "$T/near.json"
ok_json
check py 'len(json.dumps(d, separators=(",", ":"))) <= 20480 < len(json.dumps(d, indent=4))'
end_case

# ---- bad inputs: output and templates -----------------------------------

bad "-o into a missing directory" "cannot write '$T/nodir/policy.json" \
	"${V[@]}" -o "$T/nodir/policy.json"
: >"$T/afile"
bad "-o below a regular file" "'$T/afile/policy.json" "${V[@]}" -o "$T/afile/policy.json"
if [ "$(id -u)" != 0 ]; then # root writes anywhere
	mkdir -p "$T/ro"
	chmod 555 "$T/ro"
	bad "-o into a read-only directory" "'$T/ro/policy.json~Permission denied" \
		"${V[@]}" -o "$T/ro/policy.json"
fi
bad "--templates missing directory" "'$T/notemplates/read.json'" \
	"${V[@]}" --templates "$T/notemplates"
mkdir -p "$T/brokentpl"
printf '{"Version": "2012-10-17", "Statement": [\n' >"$T/brokentpl/read.json"
bad "--templates with broken JSON" "'$T/brokentpl/read.json'" \
	"${V[@]}" --templates "$T/brokentpl"

# An error never touches the -o file.
echo "previous" >"$T/keep.json"
begin "an error leaves the -o file as it was"
gen -b ab -u x -o "$T/keep.json"
check rc_is 2
check out_empty
check err_error "invalid bucket name"
check grep -qx previous "$T/keep.json"
end_case

# ---- rendered policies equal the expected documents ---------------------

begin "read policy equals fixtures/gen/read.json"
gen -b my-data -u statsig-abc
check rc_is 0
check err_empty
check out_is "$FIX/read.json"
end_case

begin "--mode read is the default (same bytes as without)"
gen --mode read --bucket my-data --user statsig-abc
check rc_is 0
check out_is "$FIX/read.json"
end_case

begin "export policy equals fixtures/gen/export.json"
gen --mode export -b my-data -u statsig-abc
check rc_is 0
check err_empty
check out_is "$FIX/export.json"
end_case

begin "--opt=value forms and options in any order"
gen --user=statsig-abc --format=json --bucket=my-data --mode=export
check rc_is 0
check out_is "$FIX/export.json"
end_case

begin "--account with its default value changes nothing"
gen -b my-data -u statsig-abc --account 999689269917
check rc_is 0
check out_is "$FIX/read.json"
end_case

begin "--partition aws is the default"
gen -b my-data -u statsig-abc --partition aws
check rc_is 0
check out_is "$FIX/read.json"
end_case

begin "read with two prefixes equals fixtures/gen/read-prefixes.json"
gen -b my-data -u statsig-abc --prefix events/ --prefix metrics/
check rc_is 0
check err_empty
check out_is "$FIX/read-prefixes.json"
end_case

begin "export, us-gov role, one prefix equals fixtures/gen/export-gov-role-prefix.json"
gen --mode export -b my-data --principal arn:aws-us-gov:iam::123456789012:role/ingest \
	--prefix events/
check rc_is 0
check out_is "$FIX/export-gov-role-prefix.json"
end_case

# The expected documents themselves hold the grants of README.md's table.
begin "fixtures: read grants match the README's table"
check py '[(s["Sid"], s["Effect"], s["Action"], s["Resource"]) for s in d["Statement"]] == [
  ("StatsigGetBucketLocation", "Allow", ["s3:GetBucketLocation"], "arn:aws:s3:::my-data"),
  ("StatsigListBucket", "Allow", ["s3:ListBucket"], "arn:aws:s3:::my-data"),
  ("StatsigReadObjects", "Allow", ["s3:GetObject"], "arn:aws:s3:::my-data/*")]
  and all(s["Principal"] == {"AWS": "arn:aws:iam::999689269917:user/statsig-abc"} for s in d["Statement"])
  and list(d) == ["Version", "Statement"] and d["Version"] == "2012-10-17"' "$FIX/read.json"
end_case

begin "fixtures: export grants match the README's table (ListBucketMultipartUploads on the bucket)"
check py 'sorted((a, s["Resource"]) for s in d["Statement"] for a in s["Action"]) == sorted(
  [(a, "arn:aws:s3:::my-data") for a in ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]] +
  [(a, "arn:aws:s3:::my-data/*") for a in ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
     "s3:DeleteObjectVersion", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]])
  and all(list(s)[:5] == ["Sid", "Effect", "Principal", "Action", "Resource"] for s in d["Statement"])' \
	"$FIX/export.json"
end_case

# ---- every option -------------------------------------------------------

begin "-b / -u short options"
gen -u statsig-abc -b my-data
check rc_is 0
check out_is "$FIX/read.json"
end_case

begin "--account ID puts the user in that account"
gen -b my-data -u ingest --account 123456789012
ok_json
check py 'all(s["Principal"] == {"AWS": "arn:aws:iam::123456789012:user/ingest"} for s in d["Statement"])'
end_case

begin "user names with every allowed character"
gen -b my-data -u 'a+b=c,d.e@f_g-h9'
ok_json
check out_has '"AWS": "arn:aws:iam::999689269917:user/a+b=c,d.e@f_g-h9"'
end_case

begin "user name of 64 characters is accepted"
U64=$(printf 'u%.0s' $(seq 64))
gen -b my-data -u "$U64"
ok_json
check out_has "user/$U64\""
end_case

begin "bucket names at the limits (3 and 63 characters, dots, digits) are accepted"
B63=$(printf 'b%.0s' $(seq 62))9
gen -b a1b -u x
check rc_is 0
gen -b "$B63" -u x
check rc_is 0
check out_has "arn:aws:s3:::$B63/*"
gen -b my.data.2024 -u x
check rc_is 0
gen -b 1.2.3.4.5 -u x
check rc_is 0
end_case

begin "--principal user ARN"
gen -b my-data --principal arn:aws:iam::123456789012:user/ingest
ok_json
check py 'all(s["Principal"] == {"AWS": "arn:aws:iam::123456789012:user/ingest"} for s in d["Statement"])'
check py 'd["Statement"][2]["Resource"] == "arn:aws:s3:::my-data/*"'
end_case

begin "--principal role ARN with a path"
gen -b my-data --principal arn:aws:iam::123456789012:role/service/ingest
ok_json
check py 'all(s["Principal"] == {"AWS": "arn:aws:iam::123456789012:role/service/ingest"} for s in d["Statement"])'
end_case

begin "--principal account root ARN"
gen -b my-data --principal arn:aws:iam::123456789012:root
ok_json
check py 'all(s["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"} for s in d["Statement"])'
end_case

begin "--principal 12-digit account id becomes its root ARN"
gen -b my-data --principal 123456789012
ok_json
check py 'all(s["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"} for s in d["Statement"])'
end_case

begin "--principal account id with --partition aws-cn"
gen -b my-data --principal 123456789012 --partition aws-cn
ok_json
check py 'all(s["Principal"] == {"AWS": "arn:aws-cn:iam::123456789012:root"} for s in d["Statement"])'
check py 'd["Statement"][0]["Resource"] == "arn:aws-cn:s3:::my-data"'
end_case

begin "--principal arn:aws:iam::TENANT:user/NAME (S3-compatible tenant form)"
gen -b my-data --principal arn:aws:iam::acme_corp:user/statsig-abc
ok_json
check py 'all(s["Principal"] == {"AWS": "arn:aws:iam::acme_corp:user/statsig-abc"} for s in d["Statement"])'
end_case

begin "--principal assumed-role session"
gen -b my-data --principal arn:aws:sts::123456789012:assumed-role/ingest/session-1
ok_json
check out_has '"AWS": "arn:aws:sts::123456789012:assumed-role/ingest/session-1"'
end_case

begin "--partition aws-cn: principal and resources use it"
gen -b my-data -u statsig-abc --partition aws-cn --mode export
ok_json
check py 'all(s["Principal"]["AWS"] == "arn:aws-cn:iam::999689269917:user/statsig-abc" for s in d["Statement"])'
check py 'all(s["Resource"].startswith("arn:aws-cn:s3:::my-data") for s in d["Statement"])'
check out_lacks 'arn:aws:'
end_case

begin "--partition aws-us-gov: principal and resources use it"
gen -b my-data -u statsig-abc --partition aws-us-gov
ok_json
check py 'all(s["Principal"]["AWS"] == "arn:aws-us-gov:iam::999689269917:user/statsig-abc" for s in d["Statement"])'
check py '[s["Resource"] for s in d["Statement"]] == ["arn:aws-us-gov:s3:::my-data"] * 2 + ["arn:aws-us-gov:s3:::my-data/*"]'
end_case

begin "--principal in aws-cn: the resources follow its partition"
gen -b my-data --principal arn:aws-cn:iam::123456789012:role/ingest
ok_json
check py 'all(s["Resource"].startswith("arn:aws-cn:s3:::") for s in d["Statement"])'
end_case

begin "--prefix: object resources bucket/P* and the s3:prefix condition"
gen --mode export -b my-data -u statsig-abc --prefix events/ --prefix metrics/ --prefix signals/
ok_json
check py 'd["Statement"][2]["Resource"] == ["arn:aws:s3:::my-data/events/*", "arn:aws:s3:::my-data/metrics/*", "arn:aws:s3:::my-data/signals/*"]'
check py 'd["Statement"][1]["Condition"] == {"StringLike": {"s3:prefix": ["events/*", "metrics/*", "signals/*"]}}'
check py 'd["Statement"][1]["Action"] == ["s3:ListBucket"] and d["Statement"][1]["Resource"] == "arn:aws:s3:::my-data"'
check py '"Condition" not in d["Statement"][0] and d["Statement"][0]["Resource"] == "arn:aws:s3:::my-data"'
end_case

begin "--prefix without a trailing slash, deep prefix"
gen -b my-data -u statsig-abc --prefix exports/2024/events
check rc_is 0
check err_warnings
check err_line_has "--prefix 'exports/2024/events' has no trailing '/'" "exports/2024/events-archive/"
check py 'd["Statement"][2]["Resource"] == "arn:aws:s3:::my-data/exports/2024/events*"'
check py 'd["Statement"][1]["Condition"]["StringLike"]["s3:prefix"] == "exports/2024/events*"'
end_case

begin "--prefix with JSON specials stays a value (no injection)"
gen -b my-data -u statsig-abc --prefix 'a"b\c/'
ok_json
check py 'd["Statement"][2]["Resource"] == "arn:aws:s3:::my-data/a\"b\\c/*" and len(d["Statement"]) == 3'
end_case

begin "--prefix with UTF-8 characters"
gen -b my-data -u statsig-abc --prefix 'données/'
ok_json
check py 'd["Statement"][2]["Resource"] == "arn:aws:s3:::my-data/donn\u00e9es/*"'
end_case

begin "--merge FILE equals fixtures/gen/merged-read.json (no warning)"
gen "${V[@]}" --merge "$FIX/current.json"
check rc_is 0
check err_empty
check out_is "$FIX/merged-read.json"
end_case

begin "--merge - reads standard input (same bytes as from the file)"
IN=$FIX/current.json gen "${V[@]}" --merge -
check rc_is 0
check out_is "$FIX/merged-read.json"
end_case

begin "merge: foreign statements untouched, in order, Id kept"
check py '[s for s in d["Statement"] if not str(s.get("Sid", "")).startswith("Statsig")] ==
  [s for s in load(sys.argv[2].replace("merged-read", "current"))["Statement"] if not str(s.get("Sid", "")).startswith("Statsig")]
  and d["Id"] == "CustomerPolicy-7" and list(d) == ["Version", "Id", "Statement"]' "$FIX/merged-read.json"
check py 'list(d["Statement"][6]) == ["Resource", "Action", "Effect", "Sid", "Principal", "Condition"]' \
	"$FIX/merged-read.json"
end_case

begin "merge: older vendor statements (same Sids) replaced, not duplicated"
check py 'sids(d) == ["CustomerAnalytics", "StatsigGetBucketLocation", "StatsigListBucket",
  "StatsigReadObjects", None, "DenyInsecureTransport", "OfficeNetwork"]' "$FIX/merged-read.json"
check py '"statsig-old" not in json.dumps(d)' "$FIX/merged-read.json"
check py '[s for s in d["Statement"] if str(s.get("Sid", "")).startswith("Statsig")] == load(sys.argv[2].replace("merged-read", "read"))["Statement"]' \
	"$FIX/merged-read.json"
end_case

begin "merge is idempotent (merging the output again: same bytes)"
gen "${V[@]}" --merge "$FIX/merged-read.json"
check rc_is 0
check err_empty
check out_is "$FIX/merged-read.json"
end_case

begin "merge into a policy without vendor statements appends them"
gen "${V[@]}" --merge "$FIX/deny-other.json"
check rc_is 0
check py 'sids(d) == ["NoInternDeletes", "NoPublicAcls", "NoBucketDeletion", "StatsigGetBucketLocation", "StatsigListBucket", "StatsigReadObjects"]'
check py 'd["Statement"][:3] == load("'"$FIX"'/deny-other.json")["Statement"]'
end_case

begin "merge into the policy gen printed (no --merge output as input)"
gen "${V[@]}" --merge "$FIX/read.json"
check rc_is 0
check out_is "$FIX/read.json"
end_case

begin "merge: a single Statement object and no Version"
printf '{"Statement": {"Sid": "One", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-data/pub/*"}}' >"$T/single.json"
gen "${V[@]}" --merge "$T/single.json"
check rc_is 0
check err_line_has "statement #0" "[public-access]"
check py 'list(d) == ["Version", "Statement"] and d["Version"] == "2012-10-17"'
check py 'sids(d) == ["One", "StatsigGetBucketLocation", "StatsigListBucket", "StatsigReadObjects"]'
end_case

begin "merge: top-level keys come out as Version, Id, Statement"
printf '{"Statement": [], "Id": "P1", "Version": "2012-10-17"}' >"$T/order.json"
gen "${V[@]}" --merge "$T/order.json"
ok_json
check py 'list(d) == ["Version", "Id", "Statement"]'
end_case

begin "switching mode read -> export replaces the read statements (fixtures/gen/merged-export.json)"
gen --mode export "${V[@]}" --merge "$FIX/merged-read.json"
check rc_is 0
check err_empty
check out_is "$FIX/merged-export.json"
check py 'sids(d) == ["CustomerAnalytics", "StatsigExportBucket", "StatsigListBucket",
  "StatsigExportObjects", None, "DenyInsecureTransport", "OfficeNetwork"]'
end_case

begin "switching mode export -> read gives the read merge back"
gen "${V[@]}" --merge "$FIX/merged-export.json"
check rc_is 0
check out_is "$FIX/merged-read.json"
end_case

begin "merge with another user replaces the vendor's principal"
gen -b my-data -u statsig-xyz --merge "$FIX/merged-read.json"
ok_json
check py 'len(d["Statement"]) == 7 and "statsig-abc" not in json.dumps(d) and json.dumps(d).count("user/statsig-xyz") == 3'
end_case

begin "--remove takes the vendor's statements out (fixtures/gen/removed.json)"
gen --remove "${V[@]}" --merge "$FIX/merged-export.json"
check rc_is 0
check err_warnings
# the office network statement (Principal "*" under an IP condition) may
# still let the vendor in from those addresses: said, not an error
check err_line_has "statement #3 (Sid 'OfficeNetwork') may still allow the vendor" "s3:GetObject on 'arn:aws:s3:::my-data/office/*'" "depending on aws:SourceIp"
check out_is "$FIX/removed.json"
check py 'sids(d) == ["CustomerAnalytics", None, "DenyInsecureTransport", "OfficeNetwork"]'
check py 'd["Statement"] == [s for s in load(sys.argv[2].replace("removed", "current"))["Statement"] if not s.get("Sid", "").startswith("Statsig")]' \
	"$FIX/removed.json"
end_case

begin "--remove works whatever --mode (all the vendor's Sids)"
gen --remove --mode export "${V[@]}" --merge "$FIX/merged-read.json"
check rc_is 0
check out_is "$FIX/removed.json"
end_case

begin "--remove from stdin"
IN=$FIX/merged-read.json gen --remove "${V[@]}" --merge -
check rc_is 0
check out_is "$FIX/removed.json"
end_case

begin "--remove with nothing of the vendor's: policy unchanged, a warning"
gen --remove "${V[@]}" --merge "$FIX/removed.json"
check rc_is 0
check out_is "$FIX/removed.json"
check err_warnings
check err_has "nothing was removed"
end_case

begin "--remove leaving no statement: a warning (AWS rejects an empty policy)"
gen --remove "${V[@]}" --merge "$FIX/read.json"
check rc_is 0
check py 'd["Statement"] == []'
check err_warnings
check err_has "delete-bucket-policy"
end_case

# ---- the merged result passes verify's lint -------------------------

printf '{"Version":"2012-10-17","Statement":[{"Sid":"Docs","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999689269917:user/STATSIG_IAM_USER"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::YOUR_S3_BUCKET/*"}]}' >"$T/placeholder.json"
bad "merge: a placeholder left in the current policy" "rejected by AWS~statement #0~STATSIG_IAM_USER~[placeholder]" \
	"${V[@]}" --merge "$T/placeholder.json"
printf '{"Version":"2012-10-17","Statement":[{"Sid":"Elsewhere","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::other-bucket/*"}]}' >"$T/otherbucket.json"
bad "merge: another bucket's resource" "rejected by AWS~statement #0~other-bucket~[other-bucket]" \
	"${V[@]}" --merge "$T/otherbucket.json"
printf '{"Version":"2012-10-17","Statement":[{"Sid":"Both","Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"arn:aws:s3:::my-data/*"}]}' >"$T/bothprincipal.json"
bad "merge: Principal and NotPrincipal in one statement" "rejected by AWS~statement #0~both Principal and NotPrincipal" \
	"${V[@]}" --merge "$T/bothprincipal.json"
printf '{"Version":"2012-10-17","Statement":[{"Sid":"Both","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::my-data/*"}]}' >"$T/bothaction.json"
bad "merge: Action and NotAction in one statement" "rejected by AWS~statement #0~both Action and NotAction" \
	"${V[@]}" --merge "$T/bothaction.json"

# ---- Deny warnings (the policy evaluator) -------------------------------

begin "[iam_eval] Deny outside an org (aws:PrincipalOrgID): policy printed, warning names the statement"
gen "${V[@]}" --merge "$FIX/deny-org.json"
check rc_is 0
check py 'sids(d) == ["CustomerAnalytics", "DenyOutsideOrg", "StatsigGetBucketLocation", "StatsigListBucket", "StatsigReadObjects"]'
check py 'd["Statement"][:2] == load("'"$FIX"'/deny-org.json")["Statement"]'
check err_warnings
check err_line_has "DenyOutsideOrg" "s3:GetObject" "arn:aws:s3:::my-data/*"
check err_line_has "DenyOutsideOrg" "s3:ListBucket"
end_case

begin "[iam_eval] explicit Deny of s3:GetObject for the vendor: policy printed, warning names it"
gen "${V[@]}" --merge "$FIX/deny-vendor.json"
check rc_is 0
check py 'sids(d)[:2] == ["NoVendorReads", None] and len(d["Statement"]) == 5'
check err_warnings
check err_line_has "NoVendorReads" "denies" "s3:GetObject"
check err_line_has "statement #1 " "s3:ListBucket"
end_case

begin "[iam_eval] explicit Deny with --mode export: every denied grant named"
gen --mode export "${V[@]}" --merge "$FIX/deny-vendor.json"
check rc_is 0
check err_line_has "NoVendorReads" "s3:GetObject"
check py 'len(d["Statement"]) == 5'
end_case

begin "[iam_eval] Deny warnings number the statement (#0 first, as verify does) in the merged policy printed"
gen "${V[@]}" --merge "$FIX/deny-shifted.json"
check rc_is 0
check py 'sids(d) == ["StatsigGetBucketLocation", "StatsigListBucket", "StatsigReadObjects", None]'
check err_warnings
check err_line_has "statement #3 of the merged policy denies s3:GetObject on 'arn:aws:s3:::my-data/*'"
end_case

begin "[iam_eval] Denies for others, other buckets, other actions: no warning"
gen --mode export "${V[@]}" --merge "$FIX/deny-other.json"
check rc_is 0
check err_empty
end_case

begin "[iam_eval] Deny on aws:SecureTransport=false: no warning (the vendor uses TLS)"
gen --mode export "${V[@]}" --merge "$FIX/current.json"
check rc_is 0
check err_empty
end_case

begin "[iam_eval] Deny warnings with -o: file written, warnings on stderr"
gen "${V[@]}" --merge "$FIX/deny-vendor.json" -o "$T/denied.json"
check rc_is 0
check out_empty
check err_line_has "NoVendorReads"
check py 'len(d["Statement"]) == 5' "$T/denied.json"
end_case

# ---- output formats -----------------------------------------------------

begin "--format json equals the default output"
gen "${V[@]}" --format json
check rc_is 0
check out_is "$FIX/read.json"
end_case

# tf_policy FILE: the policy inside `policy = jsonencode(...)` of a
# Terraform resource, as JSON (HCL object syntax turned back into JSON).
TF_PY='
import re, sys, json
Q = chr(34)
def tf_policy(t):
    m = re.search(r"policy = jsonencode\((.*)\)\n\}\n?$", t, re.S)
    assert m, "no policy = jsonencode(...)"
    out = []
    for ln in m.group(1).split("\n"):
        k = re.match(r"^(\s*)([A-Za-z_][\w-]*) = (.*)$", ln)
        if k:
            ln = k.group(1) + Q + k.group(2) + Q + ": " + k.group(3)
        else:
            k = re.match(r"^(\s*)(" + Q + r"(?:[^\\" + Q + r"]|\\.)*" + Q + r") = (.*)$", ln)
            if k:
                ln = k.group(1) + k.group(2) + ": " + k.group(3)
        out.append(ln)
    for i in range(len(out) - 1):
        a, b = out[i].rstrip(), out[i + 1].strip()
        if a and a[-1] not in "{[," and b and b[0] not in "}]":
            out[i] = a + ","
    return json.loads("\n".join(out).replace("$${", "${").replace("%%{", "%{"))
'

begin "--format terraform: an aws_s3_bucket_policy resource holding the policy"
gen "${V[@]}" --format terraform
check rc_is 0
check err_empty
check out_has 'resource "aws_s3_bucket_policy"'
check out_has 'bucket = "my-data"'
check out_has 'resource "aws_s3_bucket_policy" "my-data" {'
check out_has '  policy = jsonencode({'
check "$PY" -c "$TF_PY"'
t = open(sys.argv[1]).read()
assert "<<" not in t, "a heredoc"
assert tf_policy(t) == json.load(open(sys.argv[2]))
assert t.rstrip().endswith("}")' "$OUT" "$FIX/read.json"
end_case

begin "--format terraform: \${aws:username} of a merged statement becomes \$\${aws:username}"
gen "${V[@]}" --merge "$FIX/current.json" -f terraform
check rc_is 0
check out_has '"arn:aws:s3:::my-data/home/$${aws:username}/*"'
check "$PY" -c '
import re, sys
t = open(sys.argv[1]).read()
assert not re.search(r"(?<!\$)\$\{", t), "an unescaped ${ reaches Terraform"' "$OUT"
check "$PY" -c "$TF_PY"'
t = open(sys.argv[1]).read()
assert tf_policy(t) == json.load(open(sys.argv[2]))' "$OUT" "$FIX/merged-read.json"
end_case

begin "--format terraform: %{ is escaped too"
printf '{"Version": "2012-10-17", "Statement": [{"Sid": "Pct", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-data/%%{x}/*"}]}' >"$T/pct.json"
gen "${V[@]}" --merge "$T/pct.json" -f terraform
check rc_is 0
check out_has 'my-data/%%{x}/*'
end_case

begin "--format terraform: the resource is named after the bucket (two buckets do not clash)"
gen -b 1st.data.bucket -u statsig-abc -f terraform
check rc_is 0
check out_has 'resource "aws_s3_bucket_policy" "bucket_1st_data_bucket" {'
check out_has 'bucket = "1st.data.bucket"'
end_case

begin "--tf-name names the Terraform resource"
gen "${V[@]}" -f terraform --tf-name statsig_prod
check rc_is 0
check out_has 'resource "aws_s3_bucket_policy" "statsig_prod" {'
end_case

bad "--tf-name not a Terraform name" "invalid Terraform resource name '9x'" \
	"${V[@]}" -f terraform --tf-name 9x

begin "--format cloudformation: valid JSON, Resources.*.Type AWS::S3::BucketPolicy, the policy inside"
gen --mode export "${V[@]}" --format cloudformation
check rc_is 0
check err_empty
check py 'len(d["Resources"]) == 1 and all(r["Type"] == "AWS::S3::BucketPolicy" for r in d["Resources"].values())'
check py 'all(r["Properties"]["Bucket"] == "my-data" for r in d["Resources"].values())'
check py 'all(r["Properties"]["PolicyDocument"] == load("'"$FIX"'/export.json") for r in d["Resources"].values())'
end_case

begin "--format cloudformation with --merge holds the merged policy"
gen "${V[@]}" -f cloudformation --merge "$FIX/current.json"
check rc_is 0
check py 'all(r["Properties"]["PolicyDocument"] == load("'"$FIX"'/merged-read.json") for r in d["Resources"].values())'
end_case

# ---- -o FILE ------------------------------------------------------------

mkdir -p "$T/o"
begin "-o FILE: nothing on stdout, file equals the stdout output, no temp file left"
gen "${V[@]}" -o "$T/o/policy.json"
check rc_is 0
check out_empty
check err_empty
check cmp -s "$T/o/policy.json" "$FIX/read.json"
check test "$(ls -A "$T/o")" = policy.json
end_case

begin "--output FILE with --format terraform equals the stdout output"
gen "${V[@]}" -f terraform >/dev/null
cp "$OUT" "$T/tf.expected"
gen "${V[@]}" -f terraform --output "$T/o/main.tf"
check rc_is 0
check out_empty
check cmp -s "$T/o/main.tf" "$T/tf.expected"
end_case

begin "-o replaces an existing file atomically (rename: a hard link keeps the old content)"
printf 'old policy\n' >"$T/o/p.json"
ln "$T/o/p.json" "$T/o/p.link"
gen --mode export "${V[@]}" -o "$T/o/p.json"
check rc_is 0
check cmp -s "$T/o/p.json" "$FIX/export.json"
check grep -qx 'old policy' "$T/o/p.link"
check test -z "$(find "$T/o" -name '*tmp*')"
end_case

begin "-o with --merge from the same file (read before replaced)"
cp "$FIX/current.json" "$T/o/same.json"
gen "${V[@]}" --merge "$T/o/same.json" -o "$T/o/same.json"
check rc_is 0
check cmp -s "$T/o/same.json" "$FIX/merged-read.json"
end_case

begin "-o - writes to standard output"
gen "${V[@]}" -o -
check rc_is 0
check out_is "$FIX/read.json"
end_case

# ---- --templates DIR ----------------------------------------------------

mkdir -p "$T/tpl"
cp templates/*.json "$T/tpl/"
begin "--templates DIR with a copy of templates/: same output"
gen "${V[@]}" --templates "$T/tpl"
check rc_is 0
check out_is "$FIX/read.json"
end_case

"$PY" - "$T/tpl/read.json" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["Statement"][2]["Action"].append("s3:GetObjectVersion")
json.dump(d, open(p, "w"), indent=4)
EOF
begin "--templates DIR: a modified template changes the output"
gen "${V[@]}" --templates "$T/tpl"
check rc_is 0
check py 'd["Statement"][2]["Action"] == ["s3:GetObject", "s3:GetObjectVersion"]'
gen "${V[@]}"
check out_is "$FIX/read.json"
end_case

begin "S3PERM_TEMPLATES=DIR acts like --templates"
CMD="S3PERM_TEMPLATES=$T/tpl s3perm gen ${V[*]}"
S3PERM_TEMPLATES=$T/tpl "$S3PERM" gen "${V[@]}" </dev/null >"$OUT" 2>"$ERR"
RC=$?
check rc_is 0
check out_has "s3:GetObjectVersion"
end_case

# ---- --help -------------------------------------------------------------

begin "--help: exit 0, usage and every option on stdout"
gen --help
check rc_is 0
check err_empty
check grep -q '^usage: s3perm gen' "$OUT"
for o in --mode --bucket --user --account --principal --partition --prefix \
	--merge --remove --format --output --templates --help; do
	check out_has "$o"
done
end_case

begin "-h among other options is --help"
gen -b ab -h
check rc_is 0
check grep -q '^usage: s3perm gen' "$OUT"
end_case

# ---- write errors -------------------------------------------------------

begin "write error: > /dev/full exits non-zero with an error"
CMD="s3perm gen ${V[*]} > /dev/full"
"$S3PERM" gen "${V[@]}" </dev/null >/dev/full 2>"$ERR"
RC=$?
: >"$OUT"
check rc_is 2
check err_has "s3perm: error: cannot write"
check err_errors_only
end_case

begin "write error: closed pipe (SIGPIPE ignored) exits non-zero"
CMD="s3perm gen ${V[*]} | (closed)"
RC=$("$PY" - "$S3PERM" "$ERR" "${V[@]}" <<'EOF'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
with open(sys.argv[2], "wb") as err:
    p = subprocess.run([sys.argv[1], "gen"] + sys.argv[3:], stdout=w, stderr=err,
                       stdin=subprocess.DEVNULL, restore_signals=False)
print(p.returncode)
EOF
)
: >"$OUT"
check rc_is 2
check err_has "s3perm: error: "
end_case

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
