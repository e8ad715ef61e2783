#!/bin/bash
# test_layout_progress.sh - `s3perm layout` shows a progress line (objects
# listed, files read, rate) on standard error when it is a terminal, and
# nothing of it when it is not.  The terminal is a pseudo-terminal made by
# python3's pty module; the tree is built from the parquet fixtures.
set -u
cd "$(dirname "$0")/.." || exit 2
S3PERM=${S3PERM:-./s3perm}
T=$(mktemp -d "${TMPDIR:-/tmp}/s3perm-progress.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
ok() { echo "ok   $1"; PASS=$((PASS + 1)); }
not_ok() { echo "FAIL $1"; echo "     $2"; FAIL=$((FAIL + 1)); }

for d in 2024-01-01 2024-01-02 2024-01-03; do
	mkdir -p "$T/tree/events/$d"
	cp tests/fixtures/parquet/layout_base.parquet "$T/tree/events/$d/part-0.parquet"
	cp tests/fixtures/parquet/layout_base.parquet "$T/tree/events/$d/part-1.parquet"
done

out=$(/usr/bin/python3 - "$S3PERM" "$T/tree" <<'PY'
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen([sys.argv[1], "layout", "--local", sys.argv[2]],
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=slave)
os.close(slave)
err = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    err += chunk
p.wait()
sys.stdout.write(repr(err))
PY
)
case $out in
*"objects listed"*"files read"*"objects/s"*) ok "a terminal gets the progress line" ;;
*) not_ok "a terminal gets the progress line" "stderr on the pty: $out" ;;
esac
case $out in
*'\r\x1b[K'*) ok "the progress line is cleared before the report" ;;
*) not_ok "the progress line is cleared before the report" "stderr on the pty: $out" ;;
esac
err=$("$S3PERM" layout --local "$T/tree" 2>&1 >/dev/null)
case $err in
*"objects listed"*) not_ok "no progress line when stderr is not a terminal" "$err" ;;
*) ok "no progress line when stderr is not a terminal" ;;
esac
echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
