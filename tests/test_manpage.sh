#!/bin/bash
# test_manpage.sh - the man page documents what the binary offers.
#
# For every command listed by `s3perm --help` (found at run time, so new
# commands are covered as they land): `s3perm CMD --help` works, every long
# option it prints appears in man/s3perm.1 as groff writes it (\-\-name),
# and the page has a section for the command (.SH/.SS naming it).  The
# global options of `s3perm --help` appear too, and
# `groff -man -ww -z man/s3perm.1` prints nothing.  The other way round,
# every option the page names for s3perm (outside quoted commands of other
# programs such as `aws s3api ... --query`) is one that some `--help`
# prints: an option removed from the binary must leave the page too.
#
# Run: S3PERM=path/to/s3perm bash tests/test_manpage.sh (default ./s3perm).
# Prints one line per case and "N passed, M failed"; exits 1 on a failure.
set -u

cd "$(dirname "$0")/.." || exit 2
S3PERM=${S3PERM:-./s3perm}
case $S3PERM in /*) ;; *) S3PERM=$(pwd)/$S3PERM ;; esac
MAN=${S3PERM_MAN:-man/s3perm.1}
PASS=0 FAIL=0
T_ALL=$(mktemp "${TMPDIR:-/tmp}/s3perm-test-manpage.XXXXXX") || exit 2
trap 'rm -f "$T_ALL"' EXIT

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

if [ ! -x "$S3PERM" ] || [ ! -r "$MAN" ]; then
	not_ok "setup" "need an executable $S3PERM and a readable $MAN"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi

# in_man NAME: the long option --NAME appears in the page as \-\-NAME (not
# merely as the start of a longer option name).
in_man() {
	grep -qE -- "\\\\-\\\\-$1([^A-Za-z0-9-]|\$)" "$MAN"
}

# long_opts: the long option names in the text on stdin, unique, in order.
long_opts() {
	grep -oE -- '(^|[^A-Za-z0-9-])--[A-Za-z0-9][A-Za-z0-9-]*' |
		sed -E 's/^[^-]*--//' | awk '!seen[$0]++'
}

# ---- the command list ---------------------------------------------------

TOP=$("$S3PERM" --help 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
	not_ok "s3perm --help" "exit $rc"
fi
# The lines between "commands:" and the next blank line: "  NAME  summary".
mapfile -t COMMANDS < <(printf '%s\n' "$TOP" |
	awk '/^commands:/ { on = 1; next } on && /^[[:space:]]*$/ { on = 0 }
	     on && /^  [a-z]/ { print $1 }')
if [ ${#COMMANDS[@]} -eq 0 ]; then
	not_ok "command list" "no commands found in the output of 's3perm --help'"
else
	ok "command list from s3perm --help: ${COMMANDS[*]}"
fi

# All the long options of every --help, for the check the other way round.
ALL_OPTS=$T_ALL
printf '%s\n' "$TOP" | long_opts >>"$ALL_OPTS"

# ---- global options -----------------------------------------------------

missing=()
while IFS= read -r o; do
	[ -n "$o" ] || continue
	in_man "$o" || missing+=("--$o")
done < <(printf '%s\n' "$TOP" | long_opts)
if [ ${#missing[@]} -eq 0 ]; then
	ok "global options of s3perm --help are in $MAN"
else
	not_ok "global options of s3perm --help are in $MAN" \
		"missing from $MAN: ${missing[*]}"
fi

# ---- each command -------------------------------------------------------

for cmd in "${COMMANDS[@]}"; do
	help=$("$S3PERM" "$cmd" --help 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		not_ok "$cmd: options in $MAN" "'s3perm $cmd --help' exited $rc"
		continue
	fi
	mapfile -t opts < <(printf '%s\n' "$help" | long_opts)
	[ ${#opts[@]} -eq 0 ] || printf '%s\n' "${opts[@]}" >>"$ALL_OPTS"
	missing=()
	for o in "${opts[@]}"; do
		in_man "$o" || missing+=("--$o")
	done
	if [ ${#opts[@]} -eq 0 ]; then
		not_ok "$cmd: options in $MAN" "'s3perm $cmd --help' prints no long option"
	elif [ ${#missing[@]} -eq 0 ]; then
		ok "$cmd: all ${#opts[@]} options of 's3perm $cmd --help' are in $MAN"
	else
		not_ok "$cmd: options in $MAN" \
			"missing from $MAN (write them as \\-\\-name): ${missing[*]}"
	fi

	up=$(printf '%s' "$cmd" | tr '[:lower:]' '[:upper:]')
	if grep -qE "^\.S[HS] (.*[^A-Za-z])?\"?($up|$cmd)([^A-Za-z].*)?$" "$MAN"; then
		ok "$cmd: $MAN has a section for it"
	else
		not_ok "$cmd: $MAN has a section for it" "no '.SH $up' (or .SS) line"
	fi
done

# ---- options the page documents that no --help prints --------------------

# man_s3perm_text: the lines of the page that can name an s3perm option:
# all but those quoting another program (a line with "aws "), and in the
# examples (.EX/.EE) only s3perm command lines and their continuations.
man_s3perm_text() {
	awk '
	/^\.EX/ { ex = 1; cont = 0; next }
	/^\.EE/ { ex = 0; next }
	!ex { if ($0 !~ /(^|[^A-Za-z])aws /) print; next }
	{
		if (!cont) { cmd = $1; sub(/^.*\//, "", cmd) }
		cont = ($0 ~ /\\e$/)
		if (cmd == "s3perm") print
	}' "$MAN"
}

mapfile -t documented < <(man_s3perm_text |
	grep -oE -- '\\-\\-[A-Za-z0-9][A-Za-z0-9-]*' | sed 's/^\\-\\-//' |
	awk '!seen[$0]++')
gone=()
for o in "${documented[@]}"; do
	grep -qxF -- "$o" "$ALL_OPTS" || gone+=("--$o")
done
if [ ${#documented[@]} -eq 0 ]; then
	not_ok "options documented in $MAN exist" "no \\-\\-option found in $MAN"
elif [ ${#gone[@]} -eq 0 ]; then
	ok "all ${#documented[@]} options documented in $MAN are in some --help"
else
	not_ok "options documented in $MAN exist" \
		"in $MAN but in no 's3perm [CMD] --help': ${gone[*]}"
fi

# ---- groff --------------------------------------------------------------

if ! command -v groff >/dev/null; then
	not_ok "groff -man -ww -z $MAN" "groff is not installed (make deps)"
else
	warnings=$(groff -man -ww -z "$MAN" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$warnings" ]; then
		ok "groff -man -ww -z $MAN prints nothing"
	else
		not_ok "groff -man -ww -z $MAN prints nothing" "exit $rc" \
			"$(printf '%s\n' "$warnings" | head -n 10)"
	fi
fi

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
