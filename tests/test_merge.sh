#!/bin/bash
# test_merge.sh - table-driven tests of `gen --merge` and `gen --remove` over
# real-world shapes of a bucket's current policy: one directory per shape in
# tests/fixtures/merge/ holding current.json and expect.json
#   {"mode": M, "args": [principal options ...],
#    "merge":  {"rc": N, "replaced": [indices of current statements the
#               generated ones replace], "warn": [stderr substrings],
#               "no_warn": [...], "error": [...]},
#    "remove": {"rc": N, "error": [...], "warn": [...],
#               "shared_left": {index: [principals left]}}}
# Besides the listed expectations, every merge is checked for: the other
# statements kept unchanged and in order, the generated statements present
# once and together, idempotence (merging the output again: same bytes);
# every remove for: no statement left whose only principal is the vendor,
# statements not naming the vendor unchanged, and (exit 0) the result
# evaluated by `s3perm verify` granting the vendor nothing of either mode.
#
# Run: S3PERM=path/to/s3perm bash tests/test_merge.sh
set -u
cd "$(dirname "$0")/.." || exit 2
S3PERM=${S3PERM:-./s3perm}
case $S3PERM in /*) ;; *) S3PERM=$(pwd)/$S3PERM ;; esac
unset S3PERM_TEMPLATES
export S3PERM
exec /usr/bin/python3 - "$(pwd)/tests/fixtures/merge" <<'PYEOF'
import json, os, subprocess, sys, tempfile

S3PERM = os.environ["S3PERM"]
FIX = sys.argv[1]
BUCKET = "my-data"
passed = failed = 0
tmp = tempfile.mkdtemp(prefix="s3perm-test-merge.")

def run(args, stdin=None):
    p = subprocess.run([S3PERM] + args, capture_output=True, text=True,
                       input=stdin, timeout=60)
    return p.returncode, p.stdout, p.stderr

def only_vendor(st, vendor_forms):
    pr = st.get("Principal")
    if st.get("Effect") != "Allow" or not isinstance(pr, dict) or set(pr) != {"AWS"}:
        return False
    aws = pr["AWS"] if isinstance(pr["AWS"], list) else [pr["AWS"]]
    return bool(aws) and all(a in vendor_forms for a in aws)

def mentions(st, vendor_forms):
    pr = st.get("Principal")
    if not isinstance(pr, dict):
        return False
    aws = pr.get("AWS", [])
    aws = aws if isinstance(aws, list) else [aws]
    return any(a in vendor_forms for a in aws)

for name in sorted(os.listdir(FIX)):
    d = os.path.join(FIX, name)
    cur_path = os.path.join(d, "current.json")
    exp = json.load(open(os.path.join(d, "expect.json")))
    cur = json.load(open(cur_path))
    base = ["gen", "-b", BUCKET, "--mode", exp["mode"]] + exp["args"]
    rc, vendor_text, _ = run(base)
    vendor = json.loads(vendor_text)["Statement"]
    pr = vendor[0]["Principal"]["AWS"]
    forms = {pr}
    if pr.endswith(":root"):
        forms.add(pr.split(":")[4])
    for what in ("merge", "remove"):
        e = exp.get(what)
        if e is None:
            continue
        why = []
        args = base + ["--merge", cur_path] + (["--remove"] if what == "remove" else [])
        rc, out, err = run(args)
        if rc != e["rc"]:
            why.append("exit %d, expected %d" % (rc, e["rc"]))
        for s in e.get("warn", []) + e.get("error", []):
            if s not in err:
                why.append("stderr lacks %r" % s)
        for s in e.get("no_warn", []):
            if s in err:
                why.append("stderr names %r" % s)
        if rc == 2:
            if out:
                why.append("stdout not empty on exit 2")
        elif what == "merge":
            try:
                got = json.loads(out)["Statement"]
            except Exception as x:
                got = None
                why.append("stdout not a policy: %s" % x)
            if got is not None:
                rep = set(e.get("replaced", []))
                kept = [s for i, s in enumerate(cur["Statement"]) if i not in rep]
                rest = [s for s in got if s not in vendor]
                if rest != kept:
                    why.append("the other statements are not kept unchanged in order")
                idx = [i for i, s in enumerate(got) if s in vendor]
                if [got[i] for i in idx] != vendor or (idx and idx != list(range(idx[0], idx[0] + len(vendor)))):
                    why.append("the generated statements are not there once, together")
                if len(got) != len(cur["Statement"]) - len(rep) + len(vendor):
                    why.append("%d statements, expected %d" % (len(got), len(cur["Statement"]) - len(rep) + len(vendor)))
                p = os.path.join(tmp, name + ".merged.json")
                open(p, "w").write(out)
                rc2, out2, _ = run(base + ["--merge", p])
                if rc2 != rc or out2 != out:
                    why.append("merging the output again changes it")
        else:
            try:
                got = json.loads(out)["Statement"]
            except Exception as x:
                got = None
                why.append("stdout not a policy: %s" % x)
            if got is not None:
                if any(only_vendor(s, forms) for s in got):
                    why.append("a statement of the vendor's alone is left")
                others = [s for s in cur["Statement"] if not mentions(s, forms) and not s.get("Sid", "").startswith("Statsig")]
                if [s for s in got if s in others] != others:
                    why.append("statements not naming the vendor were changed")
                for k, left in e.get("shared_left", {}).items():
                    sid = cur["Statement"][int(k)].get("Sid")
                    m = [s for s in got if s.get("Sid") == sid]
                    aws = m[0]["Principal"]["AWS"] if m else None
                    if aws != left:
                        why.append("shared statement %s: AWS principals %r, expected %r" % (k, aws, left))
                if rc == 0 and got:
                    # the removal seen by verify: no grant of either mode
                    p = os.path.join(tmp, name + ".removed.json")
                    open(p, "w").write(out)
                    for mode in ("read", "export"):
                        vargs = ["verify", "-b", BUCKET, "--mode", mode, "--json", "--policy", p] + [a for a in exp["args"] if a != "--prefix" and a != "events/"]
                        vrc, vout, verr = run(vargs)
                        try:
                            res = json.loads(vout)
                            allowed = [g for g in res.get("grants", res.get("results", [])) if g.get("decision") == "allowed"]
                        except Exception as x:
                            allowed = ["verify output unreadable: %s %s" % (x, verr[:200])]
                        if allowed:
                            why.append("verify --mode %s still allows %r" % (mode, allowed[:2]))
        if why:
            failed += 1
            print("FAIL %s %s" % (name, what))
            for w in why:
                print("       - " + w)
            print("       command: s3perm " + " ".join(args) + " (exit %d)" % rc)
            for ln in err.splitlines()[:6]:
                print("         | " + ln)
        else:
            passed += 1
            print("ok   %s %s" % (name, what))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PYEOF
