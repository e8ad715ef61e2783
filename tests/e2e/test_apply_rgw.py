"""`s3perm apply` on a real S3 server (Ceph radosgw): onboarding and
offboarding on the real-world policy shapes of tests/fixtures/merge/, shown
with real requests as the vendor; the race between the read and the write;
--dry-run; no terminal without --yes; the backup; idempotence; errors.

The customer owns the bucket and runs apply with its own keys.  The vendor
is statsig-abc in tenant 999689269917, so the shapes' ARNs apply unchanged;
their other principal arn:aws:iam::111122223333:role/analytics becomes the
test's "other" user, so the test can show that other statements keep
working.  Shapes whose point radosgw cannot show are marked "e2e": false
in their expect.json and covered offline by tests/test_merge.sh: NotAction
statements (radosgw ignores them), conditions on keys radosgw does not set
(aws:PrincipalOrgID, aws:SourceVpce, s3:x-amz-server-side-encryption,
aws:SourceIp as a vendor condition), a role principal (radosgw roles need
STS).  Service principals (CloudFront OAC, ALB log delivery) cannot make
requests here; that their statements stay untouched is checked offline.
radosgw accepts a policy naming another bucket (AWS does not), which lets
shape 20 stage one: apply must refuse it (exit 2) and write nothing.
"""

import json
import os
import stat
import tempfile
import threading
import time

import s3env
from s3env import eq, ok, test

ROOT = s3env.ROOT
SHAPES = os.path.join(ROOT, "tests", "fixtures", "merge")
OBJ = "events/2024-01-01/part-0000.parquet"
OTHER_ARN_IN_SHAPES = "arn:aws:iam::111122223333:role/analytics"
# keys some shapes grant to others (or to the vendor) besides events/
KEYS = (OBJ, "reports/r.csv", "shared/s.csv", "public/p.html")


def apply(bucket, *more, endpoint=None, cwd=None):
    """Run `s3perm apply` as the customer; returns (rc, stdout, stderr)."""
    env = {"NO_COLOR": "1"}
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    args = ["apply", "--bucket", bucket] + list(more)
    old = os.getcwd()
    os.chdir(cwd or tempfile.mkdtemp(prefix="s3perm-test-apply-"))
    try:
        return s3env.run_s3perm(*args, user="customer", env=env)
    finally:
        os.chdir(old)


def shape(name, bucket):
    """(current policy text for BUCKET, expect dict) of a fixture shape."""
    d = os.path.join(SHAPES, name)
    with open(os.path.join(d, "current.json")) as f:
        text = f.read()
    with open(os.path.join(d, "expect.json")) as f:
        exp = json.load(f)
    text = text.replace("arn:aws:s3:::my-data", "arn:aws:s3:::" + bucket)
    text = text.replace(OTHER_ARN_IN_SHAPES, s3env.principal_arn("other"))
    return text, exp


def bucket_for(tag):
    b = s3env.create_bucket(s3env.unique_bucket(tag))
    for k in KEYS:
        s3env.put_object(b, k)
    return b


def mode_checks(mode):
    """What the vendor can do with MODE's grants (status per request)."""
    read = [("ListObjectsV2", 200), ("GetObject", OBJ, 200),
            ("GetBucketLocation", 200)]
    if mode == "read":
        return read
    return read + [("PutObject", "events/new-by-vendor.parquet", 200),
                   ("DeleteObject", "events/new-by-vendor.parquet", 204),
                   ("ListMultipartUploads", 200)]


def beyond_checks(mode):
    """Requests beyond MODE: must be refused."""
    out = [("GetBucketPolicy", 403)]
    if mode == "read":
        out += [("PutObject", "events/not-allowed.parquet", 403),
                ("DeleteObject", OBJ, 403)]
    return out


NOTHING = [("ListObjectsV2", 403), ("GetObject", OBJ, 403),
           ("PutObject", "events/x.parquet", 403),
           ("GetBucketLocation", 403), ("ListMultipartUploads", 403)]


def others_keep(bucket, text):
    """The other user's grants of the shape (statements naming it) still
    work: its GetObject on the keys they name."""
    pol = json.loads(text)
    for st in pol["Statement"]:
        aws = st.get("Principal", {})
        aws = aws.get("AWS", []) if isinstance(aws, dict) else []
        aws = aws if isinstance(aws, list) else [aws]
        if s3env.principal_arn("other") in aws and st["Effect"] == "Allow":
            res = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            for r in res:
                prefix = r.split(":::", 1)[1].split("/", 1)[1].rstrip("*")
                key = [k for k in KEYS if k.startswith(prefix)][0]
                eq(s3env.try_op("other", "GetObject", bucket, key), (200, None),
                   "other's GetObject %s (statement %s)" % (key, st.get("Sid")))


def run_shape(name):
    b = bucket_for(name[:2])
    text, exp = shape(name, b)
    s3env.put_policy(b, text)
    args = ["--mode", exp["mode"]] + exp["args"]
    # onboarding
    before = s3env.get_policy(b)
    rc, out, err = apply(b, *args, "--yes")
    m = exp["merge"]
    if m["rc"] == 2:
        # a result AWS would reject: named, nothing written
        eq(rc, 2, "apply exit code (stderr: %s)" % err.strip())
        for s in m.get("error", []):
            ok(s in err, "apply stderr lacks %r: %s" % (s, err))
        eq(s3env.get_policy(b), before, "the policy after exit 2")
        return run_remove(b, text, exp, args)
    # apply evaluates after the write: a Deny of a grant is exit 1 there
    eq(rc, m.get("apply_rc", m["rc"]), "apply exit code (stderr: %s)" % err.strip())
    for s in m.get("apply_error", []):
        ok(s in err, "apply stderr lacks %r: %s" % (s, err))
    ok(out.startswith("--- "), "apply printed no diff: %r" % out[:200])
    denied = [tuple(x) for x in m.get("vendor_denied", [])]
    s3env.expect_ops("vendor", b, [c for c in mode_checks(exp["mode"])
                                   if c[0] not in [d[0] for d in denied]] + denied)
    if "grants the vendor more" not in err and "whole account of the vendor" not in err:
        s3env.expect_ops("vendor", b, beyond_checks(exp["mode"]))
    others_keep(b, text)
    run_remove(b, text, exp, args)


def run_remove(b, text, exp, args):
    rc, out, err = apply(b, *args, "--yes", "--remove")
    eq(rc, exp["remove"]["rc"], "apply --remove exit code (stderr: %s)" % err.strip())
    for s in exp["remove"].get("error", []):
        s = s.replace("arn:aws:s3:::my-data", "arn:aws:s3:::" + b)
        ok(s in err, "apply --remove stderr lacks %r: %s" % (s, err))
    if exp["remove"]["rc"] == 0:
        s3env.expect_ops("vendor", b, NOTHING)
    others_keep(b, text)


def shapes():
    for name in sorted(os.listdir(SHAPES)):
        with open(os.path.join(SHAPES, name, "expect.json")) as f:
            if json.load(f).get("e2e", True):
                yield name


def _make(name):
    def t():
        run_shape(name)
    t.__name__ = "shape_" + name.replace("-", "_")
    return t


for _n in shapes():
    test(_make(_n))


def docs_export_bucket():
    b = bucket_for("exp")
    s3env.put_policy(b, s3env.fixture("statsig-docs-export-policy.json",
                                      STATSIG_IAM_USER="statsig-abc",
                                      YOUR_S3_BUCKET=b))
    return b


EXPORT = ["--mode", "export", "--user", "statsig-abc"]


@test
def race_changed_between_read_and_write_writes_nothing():
    """The proxy delays the second GetBucketPolicy (the re-read before the
    write); meanwhile the customer changes the policy directly: apply must
    see it, exit 1 and write nothing."""
    b = docs_export_bucket()
    changed = {"Version": "2012-10-17", "Statement": [{
        "Sid": "SomeoneElse", "Effect": "Allow",
        "Principal": {"AWS": s3env.principal_arn("other")},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % b}]}
    with s3env.fault_proxy(["pass@GET:policy", "delay=3@GET:policy"]) as p:
        def edit():
            time.sleep(1.0)
            s3env.put_policy(b, changed)
        th = threading.Thread(target=edit)
        th.start()
        rc, out, err = apply(b, *EXPORT, "--yes", endpoint=p.url)
        th.join()
        st = p.stats()
    eq(rc, 1, "exit code (stderr: %s)" % err.strip())
    ok("changed since it was read" in err and "nothing was written" in err,
       "stderr: %s" % err)
    eq(st["by_method"].get("PUT", 0), 0, "PutBucketPolicy requests")
    eq(json.loads(s3env.get_policy(b)), changed, "the policy on the server")


@test
def dry_run_writes_nothing():
    b = docs_export_bucket()
    before = s3env.get_policy(b)
    with s3env.fault_proxy(["pass*inf@GET"]) as p:
        d = tempfile.mkdtemp()
        rc, out, err = apply(b, *EXPORT, "--dry-run", endpoint=p.url, cwd=d)
        st = p.stats()
    eq(rc, 0, "exit code (stderr: %s)" % err.strip())
    ok("+            \"Sid\": \"StatsigExportBucket\"," in out, "diff: %s" % out)
    ok("-                \"s3:ListBucketMultipartUploads\"," in out, "diff: %s" % out)
    eq(st["by_method"].get("PUT", 0) + st["by_method"].get("DELETE", 0), 0,
       "write requests")
    eq(os.listdir(d), [], "files written by --dry-run")
    eq(s3env.get_policy(b), before, "the policy on the server")


@test
def no_terminal_without_yes_exits_2_and_writes_nothing():
    b = docs_export_bucket()
    before = s3env.get_policy(b)
    d = tempfile.mkdtemp()
    rc, out, err = apply(b, *EXPORT, cwd=d)
    eq(rc, 2, "exit code")
    ok("--yes" in err and "nothing was written" in err, "stderr: %s" % err)
    eq(os.listdir(d), [], "backup written without a write")
    eq(s3env.get_policy(b), before, "the policy on the server")


@test
def backup_holds_the_policy_as_read_mode_0600():
    b = docs_export_bucket()
    before = s3env.get_policy(b)
    d = tempfile.mkdtemp()
    rc, out, err = apply(b, *EXPORT, "--yes", cwd=d)
    eq(rc, 0, "exit code (stderr: %s)" % err.strip())
    files = os.listdir(d)
    eq(len(files), 1, "backup files")
    name = files[0]
    ok(name.startswith(b + ".policy.") and name.endswith("Z.json") and
       len(name) == len(b) + len(".policy.20260101T000000Z.json"),
       "backup name %r" % name)
    ok(name in err, "backup path not printed: %s" % err)
    path = os.path.join(d, name)
    eq(stat.S_IMODE(os.stat(path).st_mode), 0o600, "backup mode")
    with open(path) as f:
        eq(f.read(), before, "backup content")
    # --backup FILE: that name, never overwritten
    rc, out, err = apply(b, *EXPORT, "--yes", "--remove", "--backup",
                         path)
    eq(rc, 2, "exit code when --backup names an existing file")
    ok("cannot create backup" in err, "stderr: %s" % err)
    s3env.expect_ops("vendor", b, mode_checks("export"))


@test
def second_apply_sends_no_put():
    b = docs_export_bucket()
    d = tempfile.mkdtemp()
    rc, out, err = apply(b, *EXPORT, "--yes", cwd=d)
    eq(rc, 0, "first apply (stderr: %s)" % err.strip())
    with s3env.fault_proxy(["pass*inf@GET"]) as p:
        rc, out, err = apply(b, *EXPORT, "--yes", endpoint=p.url, cwd=d)
        st = p.stats()
    eq(rc, 0, "second apply exit code (stderr: %s)" % err.strip())
    ok("nothing to change" in err, "stderr: %s" % err)
    eq(out, "", "stdout of the second apply")
    eq(st["by_method"].get("PUT", 0), 0, "PutBucketPolicy requests")
    eq(len(os.listdir(d)), 1, "backups (only the first apply's)")


@test
def fresh_bucket_onboarded_then_offboarded_with_json():
    b = bucket_for("new")
    d = tempfile.mkdtemp()
    rc, out, err = apply(b, *EXPORT, "--yes", "--json", cwd=d)
    eq(rc, 0, "exit code (stderr: %s)" % err.strip())
    j = json.loads(out)
    eq(list(j)[:3], ["bucket", "mode", "remove"], "keys")
    for k in ("changed", "backup", "before", "after", "results", "findings"):
        ok(k in j, "--json lacks %r" % k)
    eq((j["bucket"], j["mode"], j["changed"], j["backup"], j["before"]),
       (b, "export", True, None, None), "bucket, mode, changed, backup, before")
    eq(json.loads(s3env.get_policy(b)), j["after"], "after = the policy written")
    eq({r["decision"] for r in j["results"]}, {"allowed"}, "results")
    eq(os.listdir(d), [], "no backup for a bucket without a policy")
    s3env.expect_ops("vendor", b, mode_checks("export"))
    rc, out, err = apply(b, *EXPORT, "--yes", "--remove", "--json", cwd=d)
    eq(rc, 0, "--remove exit code (stderr: %s)" % err.strip())
    j = json.loads(out)
    eq((j["changed"], j["after"]), (True, None), "changed, after")
    eq(s3env.get_policy(b), None, "the bucket policy was deleted")
    s3env.expect_ops("vendor", b, NOTHING)


@test
def no_permission_to_read_the_policy_exits_3_naming_it():
    b = docs_export_bucket()
    rc, out, err = s3env.run_s3perm("apply", "--bucket", b, *EXPORT, "--yes",
                                    user="other")
    eq(rc, 3, "exit code (stderr: %s)" % err.strip())
    ok("s3:GetBucketPolicy" in err, "stderr: %s" % err)


@test
def recorded_put_refusals():
    """AWS answers radosgw does not give here, injected by the proxy as the
    S3 API reference documents them: PutBucketPolicy AccessDenied (exit 3
    naming s3:PutBucketPolicy) and MalformedPolicy (exit 2 with S3's
    message)."""
    b = docs_export_bucket()
    before = s3env.get_policy(b)
    with s3env.fault_proxy(["error=403/AccessDenied/Access Denied@PUT"]) as p:
        rc, out, err = apply(b, *EXPORT, "--yes", endpoint=p.url,
                             cwd=tempfile.mkdtemp())
    eq(rc, 3, "AccessDenied exit code (stderr: %s)" % err.strip())
    ok("s3:PutBucketPolicy" in err, "stderr: %s" % err)
    with s3env.fault_proxy(["error=400/MalformedPolicy/Policy has invalid resource@PUT"]) as p:
        rc, out, err = apply(b, *EXPORT, "--yes", endpoint=p.url,
                             cwd=tempfile.mkdtemp())
    eq(rc, 2, "MalformedPolicy exit code (stderr: %s)" % err.strip())
    ok("MalformedPolicy" in err and "Policy has invalid resource" in err,
       "stderr: %s" % err)
    eq(s3env.get_policy(b), before, "the policy on the server")


def apply_on_tty(bucket, answer, *more, no_color=False):
    """Run apply as the customer on a pseudo-terminal (stdin, stdout and
    stderr), typing ANSWER at the question; returns (rc, all output)."""
    import pty
    import select
    import subprocess
    env = dict(os.environ)
    env.update(s3env.aws_env("customer"))
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    master, slave = pty.openpty()
    p = subprocess.Popen([s3env.s3perm_path(), "apply", "--bucket", bucket] +
                         list(more), stdin=slave, stdout=slave, stderr=slave,
                         env=env, cwd=tempfile.mkdtemp(), close_fds=True)
    os.close(slave)
    out = b""
    asked = False
    deadline = time.time() + 60
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if not asked and b"[y/N]" in out:
                os.write(master, answer.encode() + b"\n")
                asked = True
        elif p.poll() is not None:
            break
    rc = p.wait(timeout=30)
    os.close(master)
    return rc, out.decode(errors="replace")


@test
def terminal_asks_and_colours_the_diff():
    b = docs_export_bucket()
    before = s3env.get_policy(b)
    rc, out = apply_on_tty(b, "n", *EXPORT)
    eq(rc, 1, "exit code after answering n (output: %s)" % out[-300:])
    ok("[y/N]" in out and "not applied" in out, "output: %s" % out[-300:])
    ok("\033[32m+" in out and "\033[31m-" in out, "no colour on a terminal")
    eq(s3env.get_policy(b), before, "the policy after answering n")
    rc, out = apply_on_tty(b, "n", *EXPORT, no_color=True)
    ok("\033[" not in out, "colour despite NO_COLOR")
    rc, out = apply_on_tty(b, "y", *EXPORT)
    eq(rc, 0, "exit code after answering y (output: %s)" % out[-300:])
    ok("wrote the policy" in out, "output: %s" % out[-300:])
    s3env.expect_ops("vendor", b, mode_checks("export"))


if __name__ == "__main__":
    s3env.main()
