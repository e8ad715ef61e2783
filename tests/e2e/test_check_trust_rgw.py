"""`s3perm check` that automation can trust, on radosgw: the exit status
of a correctly granted bucket with no upload in progress, --strict,
--upload-key/--upload-id, and --no-write on versioned and unversioned
buckets leaving no trace (versions, delete markers, keys and uploads
compared before and after).

radosgw 16 ignores If-Match on DELETE: the conditional delete that proves
s3:DeleteObject falls back to a plain delete there (a delete marker on a
versioned bucket, removed by version id); AWS's own answers (404/412, no
marker) are tested offline in tests/test_probe.c.
"""

import json

import s3env
from s3env import eq, ok, test

DATA_KEY = "events/2024-01-01/part-0000.parquet"


def gen(mode, bucket):
    rc, out, err = s3env.run_s3perm(
        "gen", "--mode", mode, "--user", s3env.user_name("vendor"),
        "--account", s3env.tenant(), "--bucket", bucket)
    eq(rc, 0, "gen (stderr %s)" % err.strip())
    return out


def without(policy_text, action):
    doc = json.loads(policy_text)
    out = []
    for st in doc["Statement"]:
        acts = st["Action"] if isinstance(st["Action"], list) \
            else [st["Action"]]
        acts = [a for a in acts if a != action]
        if acts:
            st["Action"] = acts
            out.append(st)
    doc["Statement"] = out
    return json.dumps(doc)


def granted_bucket(versioned=False, policy_edit=None):
    b = s3env.create_bucket()
    if versioned:
        s3env.enable_versioning(b)
    s3env.put_object(b, DATA_KEY, b"PAR1 data PAR1")
    pol = gen("export", b)
    if policy_edit:
        pol = policy_edit(pol)
    s3env.put_policy(b, pol)
    return b


def state(b):
    return (sorted(s3env.list_versions(b)), sorted(s3env.list_keys(b)),
            sorted(s3env.list_uploads(b)))


def check(b, *args):
    return s3env.run_s3perm(
        "check", "--bucket", b, "--mode", "export", "--user",
        s3env.user_name("vendor"), "--account", s3env.tenant(), *args,
        user="vendor", timeout=120)


@test
def no_upload_in_progress_exits_0():
    """A correctly granted bucket with no upload in progress: exit 0 in
    table and JSON form, ListMultipartUploadParts unknown for lack of data
    (listed), and exit 1 with --strict."""
    b = granted_bucket()
    rc, out, err = check(b)
    print(out)
    eq(rc, 0, "table exit (stderr %s)" % err.strip())
    ok("s3:ListMultipartUploadParts" in out and "unknown" in out,
       "the unknown is listed")
    rc, out, err = check(b, "--json")
    print(out)
    eq(rc, 0, "json exit (stderr %s)" % err.strip())
    doc = json.loads(out)
    st = {r["action"]: r for r in doc["results"]}
    eq(st["s3:ListMultipartUploadParts"]["status"], "unknown", "ListParts")
    eq(st["s3:ListMultipartUploadParts"]["no_data"], True, "lack of data")
    eq(doc["missing"], [], "nothing missing")
    for a, r in st.items():
        ok(r["status"] == "granted" or r["no_data"],
           "%s: %s" % (a, r["status"]))
    rc, out, err = check(b, "--strict")
    eq(rc, 1, "--strict exit (stderr %s)" % err.strip())


@test
def named_upload_proves_list_parts():
    """Without s3:ListBucketMultipartUploads the upload cannot be found by
    listing; --upload-key/--upload-id name it, and ListParts is proven."""
    b = granted_bucket(policy_edit=lambda p: without(
        p, "s3:ListBucketMultipartUploads"))
    key = "events/2024-01-02/part-0000.parquet"
    uid = s3env.start_multipart(b, key)
    rc, out, err = check(b, "--json")
    doc = json.loads(out)
    st = {r["action"]: r for r in doc["results"]}
    eq(st["s3:ListMultipartUploadParts"]["status"], "unknown",
       "without --upload-id")
    eq(rc, 1, "exit without --upload-id")
    rc, out, err = check(b, "--json", "--upload-key", key, "--upload-id", uid)
    doc = json.loads(out)
    st = {r["action"]: r for r in doc["results"]}
    eq(st["s3:ListMultipartUploadParts"]["status"], "granted",
       "with --upload-id (stderr %s)" % err.strip())


def no_write_leaves_nothing(versioned):
    b = granted_bucket(versioned=versioned)
    before = state(b)
    rc, out, err = check(b, "--no-write", "--json")
    after = state(b)
    print("versions before: %r" % (before[0],))
    print("versions after:  %r" % (after[0],))
    eq(rc, 0, "exit (stderr %s)" % err.strip())
    doc = json.loads(out)
    for r in doc["results"]:
        ok(r["status"] == "granted" or r["no_data"],
           "%s: %s (%s)" % (r["action"], r["status"], r["detail"]))
    st = {r["action"]: r for r in doc["results"]}
    eq(st["s3:DeleteObject"]["status"], "granted",
       "DeleteObject proven without the real write")
    eq(after, before, "versions, markers, keys and uploads unchanged")


@test
def no_write_unversioned():
    no_write_leaves_nothing(False)


@test
def no_write_versioned():
    no_write_leaves_nothing(True)


@test
def compliance_bucket_no_new_undeletable_object():
    """A bucket with default Object Lock retention (COMPLIANCE).  radosgw 16
    does not refuse a write without Content-MD5 there (AWS does: tested
    offline), so the first check writes its probe object and cannot remove
    it: reported as left behind, exit 1.  The second check finds it under
    the probe prefix, writes no other, reports it with the command that
    removes it: no new undeletable object."""
    c = s3env.client("customer")
    b = s3env.unique_bucket()
    c.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
    s3env._created_buckets.append(b)
    c.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
    s3env.put_object(b, DATA_KEY, b"PAR1 data PAR1")
    s3env.put_policy(b, gen("export", b))
    rc1, out1, err1 = check(b, "--json")
    v1 = s3env.list_versions(b)
    print("first run: exit %d; versions %r" % (rc1, v1))
    doc1 = json.loads(out1)
    eq(rc1, 1, "first run exit (stderr %s)" % err1.strip())
    ok(len(doc1["left_behind"]) == 1, "first run: the locked probe object "
       "is reported: %r" % doc1["left_behind"])
    rc2, out2, err2 = check(b, "--json")
    v2 = s3env.list_versions(b)
    print("second run: exit %d; versions %r" % (rc2, v2))
    doc2 = json.loads(out2)
    eq(rc2, 1, "second run exit (stderr %s)" % err2.strip())
    eq(sorted(v2), sorted(v1), "no new object or version on the second run")
    kinds = [f["kind"] for f in doc2["findings"]]
    ok("earlier-probe-objects" in kinds, "finding: %r" % kinds)
    left = doc2["left_behind"]
    ok(any(".s3perm-probe/" in l["key"] and "delete-object" in l["command"]
           for l in left), "reported with its removal command: %r" % left)
    st = {r["action"]: r["status"] for r in doc2["results"]}
    eq(st["s3:PutObject"], "granted", "PutObject (no-write probe)")


@test
def requester_pays_bucket():
    """radosgw enforces Requester Pays: every request of the vendor without
    x-amz-request-payer is refused.  The check recognises it (a listing that
    agrees to pay is allowed) and says so instead of reporting every grant
    missing."""
    b = granted_bucket()
    s3env.client("customer").put_bucket_request_payment(
        Bucket=b, RequestPaymentConfiguration={"Payer": "Requester"})
    rc, out, err = check(b, "--json")
    eq(rc, 1, "exit (stderr %s)" % err.strip())
    doc = json.loads(out)
    kinds = [f["kind"] for f in doc["findings"]]
    ok("requester-pays" in kinds, "finding: %r" % kinds)
    eq(doc["missing"], [], "no grant reported missing")
    rc, out, err = check(b)
    ok("Requester Pays" in out, "the table says so: %s" % out)


@test
def identity_not_confirmed_on_radosgw():
    """radosgw 16 answers STS GetCallerIdentity with an error (403
    SignatureDoesNotMatch for the sts-signed request): the identity could
    not be confirmed, the check goes on with the principal named."""
    b = granted_bucket()
    rc, out, err = check(b, "--json")
    eq(rc, 0, "exit (stderr %s)" % err.strip())
    pr = json.loads(out)["principal"]
    eq(pr["caller"], None, "no caller learnt")
    ok("could not be confirmed" in (pr["identity_note"] or ""),
       "says so: %r" % pr)
    eq(pr["source"], "--user", "principal from --user")


@test
def sigint_during_the_last_cleanup_request():
    """SIGINT while the last cleanup request (the removal of the probe
    object by version id) is in flight: the removal completes, the check
    ends with "interrupted" and exit 3, nothing on stdout, the bucket as
    before."""
    import os
    import signal
    import subprocess
    import time
    b = granted_bucket(versioned=True)
    before = state(b)
    with s3env.fault_proxy(["delay=1.0*inf@DELETE:-object\\?versionId="]) \
            as p:
        env = dict(os.environ)
        env.update(s3env.aws_env("vendor"))
        env["AWS_ENDPOINT_URL"] = p.url
        proc = subprocess.Popen(
            [s3env.s3perm_path(), "check", "--bucket", b, "--mode", "export",
             "--json"], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        t0 = time.time()
        while p.stats()["by_fault"].get("delay", 0) < 1 and \
                time.time() - t0 < 30:
            time.sleep(0.02)
        ok(p.stats()["by_fault"].get("delay", 0) >= 1,
           "the cleanup request reached the proxy")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    eq(proc.returncode, 3, "exit (stderr %s)" % err.strip())
    ok("interrupted" in err, "says interrupted: %r" % err)
    # --json: the outcome is one JSON document, the error
    doc = json.loads(out)
    eq((doc["error"]["kind"], doc["error"]["exit_status"]), ("s3", 3),
       "the JSON error on stdout")
    ok("interrupted" in doc["error"]["message"], "JSON says interrupted")
    eq(state(b), before, "bucket as before")


if __name__ == "__main__":
    s3env.main()
