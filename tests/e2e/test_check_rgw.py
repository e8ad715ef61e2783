"""`s3perm check` against a real S3 server (Ceph radosgw evaluating bucket
policies).

The check runs as the vendor (statsig-abc in tenant 999689269917); the
customer owns the bucket, holds objects and an in-progress multipart upload
(as a real ingestion bucket does), and sets the policies.  Every test
compares the bucket's versions, keys and uploads before and after: the check
must leave no trace.  Request counting by method goes through the fault
proxy (tests/faultproxy.py) when present, else through --verbose.
"""

import json
import os
import signal
import subprocess
import sys
import time

import s3env
from s3env import eq, ok, test

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

DATA_KEY = "events/2024-01-01/part-0000.parquet"
UPLOAD_KEY = "events/2024-01-02/part-0000.parquet"
EXPORT = ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads",
          "s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject",
          "s3:DeleteObjectVersion", "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts"]


def gen(mode, bucket, *more):
    rc, out, err = s3env.run_s3perm(
        "gen", "--mode", mode, "--user", s3env.user_name("vendor"),
        "--account", s3env.tenant(), "--bucket", bucket, *more)
    eq(rc, 0, "s3perm gen exit code (stderr: %s)" % err.strip())
    return out


def ingestion_bucket(versioned=False, prefix=""):
    """A bucket with customer objects and an in-progress upload."""
    b = s3env.create_bucket()
    if versioned:
        s3env.enable_versioning(b)
    s3env.put_object(b, prefix + DATA_KEY, b"PAR1 data PAR1")
    s3env.put_object(b, prefix + "events/2024-01-01/part-0001.parquet",
                     b"PAR1 more PAR1")
    s3env.start_multipart(b, prefix + UPLOAD_KEY)
    return b


def state(b):
    """Everything a check could change: versions (incl. delete markers),
    keys, uploads."""
    return (sorted(s3env.list_versions(b)), sorted(s3env.list_keys(b)),
            sorted(s3env.list_uploads(b)))


def check(b, *args, user="vendor", env=None, timeout=120):
    """Run `s3perm check --json` as USER; returns (rc, doc or None, stderr)."""
    rc, out, err = s3env.run_s3perm(
        "check", "--bucket", b, "--json", "--user", s3env.user_name("vendor"),
        "--account", s3env.tenant(), *args, user=user, env=env,
        timeout=timeout)
    doc = None
    if out.strip():
        try:
            doc = json.loads(out)
        except ValueError:
            raise s3env.Failure("check printed no JSON: %r (stderr %r)"
                                % (out, err))
    return rc, doc, err


def statuses(doc):
    return {r["action"]: r["status"] for r in doc["results"]}


def result(doc, action):
    for r in doc["results"]:
        if r["action"] == action:
            return r
    raise s3env.Failure("no result for %s" % action)


def expect(doc, want, what=""):
    """WANT: {action: status}; unlisted actions must be granted."""
    got = statuses(doc)
    exp = {a: want.get(a, "granted") for a in got}
    eq(got, exp, what or "verdicts")


def without(policy_text, action):
    """The policy with ACTION removed (a statement left empty is dropped)."""
    doc = json.loads(policy_text)
    out = []
    for st in doc["Statement"]:
        acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        acts = [a for a in acts if a != action]
        if acts:
            st["Action"] = acts
            out.append(st)
    doc["Statement"] = out
    return json.dumps(doc)


def verbose_methods(err):
    """Methods of the requests --verbose showed: {"GET": n, ...}."""
    n = {}
    for line in err.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[0] == "s3perm:" and parts[1] in (
                "GET", "HEAD", "PUT", "POST", "DELETE"):
            n[parts[1]] = n.get(parts[1], 0) + 1
    return n


# ------------------------------------------------------------ the tests

@test
def gen_policy_each_mode_all_granted_and_bucket_unchanged():
    for mode in ("read", "export"):
        b = ingestion_bucket()
        s3env.put_policy(b, gen(mode, b))
        before = state(b)
        rc, doc, err = check(b, "--mode", mode)
        eq(rc, 0, "%s: exit code (stderr %s)" % (mode, err))
        expect(doc, {}, mode)
        eq(doc["missing"], [], mode + ": missing")
        eq(doc["left_behind"], [], mode + ": left_behind")
        eq(doc["remediation"], None, mode + ": remediation")
        eq(doc["bucket"], b, "bucket")
        eq(doc["mode"], mode, "mode")
        eq(len(doc["results"]), 3 if mode == "read" else 9, "grant count")
        eq(state(b), before, mode + ": bucket state before/after")
        if mode == "export":
            ok(result(doc, "s3:PutObject")["evidence"].startswith(
                "real write"), "export PutObject rests on the real write")
            ok(result(doc, "s3:AbortMultipartUpload")["evidence"].startswith(
                "no-write probe"), "abort rests on a no-write probe")
            eq(result(doc, "s3:AbortMultipartUpload")["code"], "NoSuchUpload",
               "abort evidence code")
            eq(result(doc, "s3:PutObject")["http_status"], 200, "put status")
            ok(result(doc, "s3:GetObject")["request_id"], "request id given")


# What each missing grant makes unprovable, and why:
#   ListBucket: no customer object can be found by listing -> GetObject
#     unknown (the probe's own object never proves a read).
#   ListBucketMultipartUploads: no customer upload can be found ->
#     ListMultipartUploadParts unknown.
#   DeleteObjectVersion: a DELETE of a missing key might leave a delete
#     marker nobody could remove -> DeleteObject unknown (not sent).
UNPROVABLE = {
    "s3:ListBucket": {"s3:GetObject": "unknown"},
    "s3:ListBucketMultipartUploads": {"s3:ListMultipartUploadParts": "unknown"},
    "s3:DeleteObjectVersion": {"s3:DeleteObject": "unknown"},
}


@test
def each_export_grant_missing_in_turn():
    for action in EXPORT:
        b = ingestion_bucket()
        s3env.put_policy(b, without(gen("export", b), action))
        before = state(b)
        rc, doc, err = check(b, "--mode", "export")
        eq(rc, 1, "%s missing: exit code (stderr %s)" % (action, err))
        want = {action: "missing"}
        want.update(UNPROVABLE.get(action, {}))
        expect(doc, want, "verdicts with %s missing" % action)
        eq(doc["missing"], [action], "missing list")
        st = doc["remediation"]["Statement"]
        acts = [a for s in st for a in (s["Action"] if isinstance(
            s["Action"], list) else [s["Action"]])]
        eq(acts, [action], "remediation actions")
        eq(state(b), before, "%s missing: bucket state" % action)
        eq(doc["left_behind"], [], "left_behind")


@test
def vendor_docs_export_policy_then_remediation_fixes_it():
    b = ingestion_bucket()
    text = s3env.fixture("statsig-docs-export-policy.json",
                         STATSIG_IAM_USER=s3env.user_name("vendor"),
                         YOUR_S3_BUCKET=b)
    text = text.replace("arn:aws:iam::999689269917:",
                        "arn:aws:iam::%s:" % s3env.tenant())
    s3env.put_policy(b, text)
    rc, doc, err = check(b, "--mode", "export")
    eq(rc, 1, "exit code")
    expect(doc, {"s3:ListBucketMultipartUploads": "missing",
                 "s3:ListMultipartUploadParts": "unknown"})
    eq(doc["missing"], ["s3:ListBucketMultipartUploads"], "missing")
    st = doc["remediation"]["Statement"]
    eq(len(st), 1, "one remediation statement")
    eq(st[0]["Resource"], "arn:aws:s3:::%s" % b, "on the bucket ARN")
    # The human report names the merge command; run it as the customer would.
    rc, out, err = s3env.run_s3perm(
        "check", "--bucket", b, "--mode", "export", "--user",
        s3env.user_name("vendor"), "--account", s3env.tenant(), user="vendor")
    ok("--merge current.json" in out, "table gives the gen --merge command")
    current = s3env.tmpfile(s3env.get_policy(b))
    merged = gen("export", b, "--merge", current)
    s3env.put_policy(b, merged)
    rc, doc, err = check(b, "--mode", "export")
    eq(rc, 0, "after merging the remediation: exit code (%s)" % err)
    expect(doc, {})


@test
def explicit_deny_beats_allow_and_no_policy_grants_nothing():
    b = ingestion_bucket()
    pol = json.loads(gen("export", b))
    pol["Statement"].append({
        "Sid": "DenyVendorPut", "Effect": "Deny",
        "Principal": {"AWS": s3env.principal_arn("vendor")},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::%s/*" % b})
    s3env.put_policy(b, json.dumps(pol))
    before = state(b)
    rc, doc, err = check(b, "--mode", "export")
    eq(rc, 1, "deny: exit code")
    expect(doc, {"s3:PutObject": "missing"}, "explicit deny")
    eq(state(b), before, "deny: bucket state")

    b2 = ingestion_bucket()
    before = state(b2)
    rc, doc, err = check(b2, "--mode", "export")
    eq(rc, 1, "no policy: exit code (%s)" % err)
    granted = [a for a, s in statuses(doc).items() if s == "granted"]
    eq(granted, [], "no policy: nothing granted")
    eq(state(b2), before, "no policy: bucket state")


@test
def versioned_bucket_leaves_no_version_or_marker():
    for missing in (None, "s3:DeleteObjectVersion"):
        for args in ([], ["--no-write"]):
            b = ingestion_bucket(versioned=True)
            pol = gen("export", b)
            if missing:
                pol = without(pol, missing)
            s3env.put_policy(b, pol)
            before = state(b)
            rc, doc, err = check(b, "--mode", "export", *args)
            what = "versioned, %s missing, %s" % (missing, args)
            eq(doc["left_behind"], [], what + ": left_behind")
            eq(state(b), before, what + ": versions before/after")
            if not missing and not args:
                eq(rc, 0, what + ": exit code (%s)" % err)
                expect(doc, {}, what)
            if missing:
                eq(result(doc, "s3:DeleteObject")["status"], "unknown",
                   what + ": DeleteObject")


@test
def empty_bucket_needs_customer_data():
    b = s3env.create_bucket()
    s3env.put_policy(b, gen("export", b))
    rc, doc, err = check(b, "--mode", "export")
    # Nothing to test on is nothing to fix (exit 0), except with --strict.
    eq(rc, 0, "exit code (%s)" % err)
    expect(doc, {"s3:GetObject": "unknown",
                 "s3:ListMultipartUploadParts": "unknown"})
    ok(result(doc, "s3:GetObject")["no_data"], "GetObject: lack of data")
    rc, _, err = check(b, "--mode", "export", "--strict")
    eq(rc, 1, "--strict exit code (%s)" % err)
    ok("--object" in result(doc, "s3:GetObject")["detail"],
       "GetObject reason names --object")
    ok("initiator" in result(doc, "s3:ListMultipartUploadParts")["detail"],
       "ListParts reason says why the probe's own upload does not count")
    eq(s3env.list_versions(b), [], "nothing left")
    eq(s3env.list_uploads(b), [], "no upload left")


def proxy(**kw):
    """A FaultProxy (tests/faultproxy.py) in front of the test server."""
    from faultproxy import FaultProxy
    return FaultProxy(upstream=s3env.endpoint(), **kw).start()


@test
def read_and_no_write_send_no_write_with_full_access():
    """Counted through the test proxy: read mode sends no PUT, POST or
    DELETE; --no-write sends one PUT (refused for its wrong Content-MD5),
    DELETEs only of keys that do not exist (?versionId=null, and the
    conditional DELETE with If-Match: * that proves s3:DeleteObject;
    radosgw ignores the header and makes a delete marker on this versioned
    bucket, removed by its version id) and of a made-up upload id, and no
    POST."""
    b = ingestion_bucket(versioned=True)
    pol = json.loads(gen("export", b))
    pol["Statement"].append({
        "Sid": "VendorEverything", "Effect": "Allow",
        "Principal": {"AWS": s3env.principal_arn("vendor")},
        "Action": "s3:*", "Resource": ["arn:aws:s3:::%s" % b,
                                       "arn:aws:s3:::%s/*" % b]})
    s3env.put_policy(b, json.dumps(pol))
    before = state(b)
    for args, mode in ((["--mode", "read"], "read"),
                       (["--mode", "export", "--no-write"], "no-write")):
        p = proxy()
        try:
            rc, out, err = s3env.run_s3perm(
                "check", "--bucket", b, "--verbose", *args, user="vendor",
                env={"AWS_ENDPOINT_URL": p.url})
            st = p.stats()
        finally:
            p.stop()
        m = st["by_method"]
        ok(st["total"] >= 3, "%s: requests went through the proxy (%s)"
           % (mode, st))
        eq(verbose_methods(err), m, mode + ": --verbose shows every request")
        if mode == "read":
            eq(rc, 0, "read: exit code (%s)" % err)
            eq(m.get("PUT", 0) + m.get("POST", 0) + m.get("DELETE", 0), 0,
               "read mode: write methods sent (%s)" % m)
        else:
            eq(rc, 0, "no-write: exit code (%s)" % err)
            eq(m.get("POST", 0), 0, "no-write: POST sent")
            puts = [e for e in st["log"] if e["method"] == "PUT"]
            eq([e["status"] for e in puts], [400], "no-write: PUT answers")
            for e in st["log"]:
                if e["method"] == "DELETE":
                    ok("versionId=" in e["target"] or
                       "uploadId=s3perm-made-up" in e["target"] or
                       e["target"].endswith("-delete"),
                       "no-write DELETE of nothing: %s" % e)
        eq(state(b), before, mode + ": bucket state")


@test
def wrong_secret_and_missing_bucket_exit_3_secret_never_printed():
    b = ingestion_bucket()
    s3env.put_policy(b, gen("export", b))
    ak, sk = s3env.keys("vendor")
    bad = sk[:-4] + "XXXX"
    rc, out, err = s3env.run_s3perm(
        "check", "--bucket", b, "--mode", "export", "--verbose", user="vendor",
        env={"AWS_SECRET_ACCESS_KEY": bad})
    eq(rc, 3, "wrong secret: exit code (%s)" % err)
    ok("authenticat" in err or "signature" in err.lower(),
       "wrong secret: authentication message: %r" % err)
    ok(bad not in out + err, "the secret never appears")
    rc, out, err = s3env.run_s3perm(
        "check", "--bucket", "s3p-no-such-bucket-" + b[-8:], "--mode", "export",
        "--verbose", user="vendor")
    eq(rc, 3, "missing bucket: exit code (%s)" % err)
    ok("NoSuchBucket" in err or "does not exist" in err,
       "missing bucket message: %r" % err)
    rc, out, err = s3env.run_s3perm(
        "check", "--bucket", b, "--mode", "export", "--verbose", user="vendor")
    eq(rc, 0, "good secret: exit code")
    ok(sk not in out + err, "the secret never appears (--verbose)")
    ok("s3perm: PUT" in err, "--verbose shows the requests")


@test
def prefix_with_space_plus_and_utf8():
    prefix = "data sets/caf\u00e9+\u6570\u636e/"
    b = ingestion_bucket(prefix=prefix)
    s3env.put_object(b, "other/outside.parquet", b"PAR1 x PAR1")
    s3env.put_policy(b, gen("export", b, "--prefix", prefix))
    before = state(b)
    rc, doc, err = check(b, "--mode", "export", "--prefix", prefix)
    eq(rc, 0, "exit code (%s)" % err)
    expect(doc, {})
    ok(result(doc, "s3:GetObject")["resource"].endswith(prefix + "*"),
       "resource scoped to the prefix")
    eq(state(b), before, "bucket state")
    # The same policy, checked without the prefix, is missing the
    # whole-bucket grants.
    rc, doc, err = check(b, "--mode", "read")
    eq(rc, 1, "without --prefix: exit code")
    eq(result(doc, "s3:ListBucket")["status"], "missing", "unscoped list")


@test
def prefix_repeatable_like_gen_and_verify():
    """--prefix may be given several times, as for gen and verify: each
    prefix is checked in turn, --json is an array of the reports, the exit
    status is the worst; -m and -u are --mode and --user as everywhere."""
    b = ingestion_bucket(prefix="a/")
    s3env.put_object(b, "b/" + DATA_KEY, b"PAR1 b PAR1")
    s3env.put_policy(b, gen("read", b, "--prefix", "a/"))
    rc, out, err = s3env.run_s3perm(
        "check", "-b", b, "-m", "read", "--json", "-u",
        s3env.user_name("vendor"), "--account", s3env.tenant(),
        "--prefix", "a/", "--prefix", "b/", user="vendor")
    eq(rc, 1, "exit code (%s)" % err)
    docs = json.loads(out)
    ok(isinstance(docs, list) and len(docs) == 2, "two reports: %r" % out)
    eq([result(d, "s3:GetObject")["resource"][-4:] for d in docs],
       ["/a/*", "/b/*"], "prefixes in order")
    expect(docs[0], {})
    eq(result(docs[1], "s3:ListBucket")["status"], "missing", "b/ list")
    # one prefix: the one JSON object, as before
    rc, doc, err = check(b, "--prefix", "a/")
    eq(rc, 0, "one prefix: exit code (%s)" % err)
    expect(doc, {})


@test
def human_table_and_no_color():
    b = ingestion_bucket()
    s3env.put_policy(b, without(gen("export", b), "s3:AbortMultipartUpload"))
    rc, out, err = s3env.run_s3perm(
        "check", "--bucket", b, "--mode", "export", "--user",
        s3env.user_name("vendor"), "--account", s3env.tenant(), user="vendor",
        env={"NO_COLOR": "1"})
    eq(rc, 1, "exit code")
    ok("missing  s3:AbortMultipartUpload" in out, "table row: %s" % out)
    ok("\033[" not in out, "no colour when not a terminal / NO_COLOR")
    ok('"StatsigExportObjects"' in out, "remediation statement Sid")
    ok("s3perm gen --mode export --bucket %s --user statsig-abc" % b in out,
       "gen command")


def wait_for(pred, timeout=30):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if pred():
            return True
        time.sleep(0.01)
    return False


@test
def cleanup_after_sigint():
    """SIGINT mid-check, while the real write is in flight (the proxy holds
    that PUT for 1 s; the signal is sent when the proxy has received it),
    and SIGTERM before any probe.  The check stops, removes what it created
    (the probe object, the delete marker on this versioned bucket), and
    exits 3 saying so."""
    b = ingestion_bucket(versioned=True)
    s3env.put_policy(b, gen("export", b))
    before = state(b)
    for when, sig in (("during the real write", signal.SIGINT),
                      ("at once", signal.SIGTERM)):
        p = proxy(faults=["delay=1.0*inf@PUT:-object"])
        try:
            env = dict(os.environ)
            env.update(s3env.aws_env("vendor"))
            env["AWS_ENDPOINT_URL"] = p.url
            proc = subprocess.Popen(
                [s3env.s3perm_path(), "check", "--bucket", b, "--mode",
                 "export", "--json"], env=env, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
            if when == "at once":
                ok(wait_for(lambda: p.stats()["total"] >= 1),
                   "the check reached the proxy")
            else:
                # the delay rule matches only the real write's PUT, so this
                # counts that request and never a retried round-1 PUT
                ok(wait_for(lambda: p.stats()["by_fault"].get("delay", 0) >= 1),
                   "the real write reached the proxy")
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=60)
            st = p.stats()
        finally:
            p.stop()
        eq(proc.returncode, 3, "%s %s: exit code (%s)" % (sig.name, when, err))
        ok("interrupted" in err, "says interrupted: %r" % err)
        # --json: the outcome is one JSON document, the error
        eq(json.loads(out), {"error": {
            "kind": "s3", "exit_status": 3,
            "message": "check interrupted; everything the probes created "
                       "was removed"}}, "the JSON error on stdout")
        if when != "at once":
            ok(any(e["method"] == "DELETE" and "-object?versionId=" in
                   e["target"] for e in st["log"]),
               "the probe object was removed by version id")
        eq(state(b), before, "after SIGINT %s: bucket state (%s)"
           % (when, [(e["method"], e["target"]) for e in st["log"]]))


@test
def cleanup_after_injected_failure():
    """The proxy fails every GET of the customer's objects with 500 (a
    server error that outlasts the retries) while the real write goes
    through: exit 3, and the probe object and delete marker are removed."""
    b = ingestion_bucket(versioned=True)
    s3env.put_policy(b, gen("export", b))
    before = state(b)
    p = proxy(faults=["error=500/InternalError*inf@GET:events/2024-01-01/"])
    try:
        rc, out, err = s3env.run_s3perm(
            "check", "--bucket", b, "--mode", "export", user="vendor",
            env={"AWS_ENDPOINT_URL": p.url})
        st = p.stats()
    finally:
        p.stop()
    eq(rc, 3, "injected 500: exit code (%s)" % err)
    ok("cannot check" in err, "error message: %r" % err)
    writes = [e for e in st["log"] if e["method"] == "PUT" and
              e["status"] == 200]
    eq(len(writes), 1, "the real write went through")
    eq(state(b), before, "after the injected failure: bucket state")


if __name__ == "__main__":
    s3env.main()
