#!/bin/bash
# test_docs.sh - the documents that describe the code keep up with it:
# every module of src/ is named in README.md's source map and in
# docs/HACKING.md's module map, every fuzz harness in tests/fuzz/README.md,
# and no comment in src/ or tests/ sends the reader to a document outside
# the repository (../shared, /work/, design.md, testing.md, style.md) or to
# an issue number.
#
# Run: bash tests/test_docs.sh.  Prints one line per case and
# "N passed, M failed"; exits 1 on a failure.
set -u

cd "$(dirname "$0")/.." || exit 2
PASS=0 FAIL=0

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
}

# named DOC SUFFIX FILES...: every file's base name (without SUFFIX)
# appears in DOC.
named() {
	local doc=$1 suffix=$2 f n missing=()
	shift 2
	for f in "$@"; do
		n=$(basename "$f" "$suffix")
		grep -qwF -- "$n" "$doc" || missing+=("$n")
	done
	if [ $# -eq 0 ]; then
		not_ok "$doc names every module" "no file to look for"
	elif [ ${#missing[@]} -eq 0 ]; then
		ok "$doc names all $# files"
	else
		not_ok "$doc names every module" "not named: ${missing[*]}"
	fi
}

named README.md "" src/*.c
named docs/HACKING.md "" src/*.c
named tests/fuzz/README.md .c tests/fuzz/fuzz_*.c

# Comments and test texts that point outside the repository.
hits=$(grep -rnIE --exclude-dir=fixtures --exclude-dir=corpus \
	--exclude=test_docs.sh \
	-e '\.\./shared|/work/|design\.md|testing\.md|style\.md' \
	-e '[Ii]ssue [0-9]+|[Ii]ssue:' src tests | head -n 10)
if [ -z "$hits" ]; then
	ok "no reference to documents or issues outside the repository in src/ and tests/"
else
	not_ok "no reference to documents or issues outside the repository" "$hits"
fi

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
