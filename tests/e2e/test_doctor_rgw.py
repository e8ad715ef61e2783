"""`s3perm doctor` on the real local S3 server (radosgw 16), run with the
customer's credentials: a bucket with Object Lock default retention,
Requester Pays, versioning without a lifecycle rule and no policy shows
each item as an error or warning with its fix; the test applies each fix
as the report gives it, and each item turns ok.  A setting the customer may
not read (a Deny in the bucket policy) is `unknown` naming the permission,
and the rest of the report is there.  radosgw has no default encryption
and no Object Ownership (it answers GET ?encryption with a bucket listing):
doctor says `unknown`, "this server does not support it", never a setting.
What radosgw lacks is tested offline with recorded AWS answers
(tests/test_doctor.c).
"""

import json
import shlex
import subprocess

import s3env
from s3env import eq, ok, test


def doctor(bucket, *args, user="customer"):
    rc, out, err = s3env.run_s3perm(
        "doctor", "--bucket", bucket, "--user", s3env.user_name("vendor"),
        "--account", s3env.tenant(), *args, user=user)
    return rc, out, err


def doctor_json(bucket, *args, user="customer"):
    rc, out, err = doctor(bucket, "--json", *args, user=user)
    ok(out, "no JSON (exit %d, stderr %r)" % (rc, err))
    return rc, json.loads(out), err


def items(doc):
    return {i["id"]: i for i in doc["items"]}


def status(doc):
    return {i["id"]: i["status"] for i in doc["items"]}


def hostile_bucket():
    """Object Lock with a default retention (versioning on with it),
    Requester Pays, no lifecycle rule, no policy."""
    c = s3env.client("customer")
    b = s3env.unique_bucket()
    c.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
    s3env._created_buckets.append(b)
    c.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    c.put_bucket_request_payment(Bucket=b, RequestPaymentConfiguration={
        "Payer": "Requester"})
    return b


def run_fix(fix, bucket):
    """Apply a fix that is an `aws s3api` command, with botocore (no AWS CLI
    here): the command's own arguments, parsed as the shell would."""
    c = s3env.client("customer")
    argv = shlex.split(fix.split(" (")[0].split("; ")[0])
    ok(argv[:2] == ["aws", "s3api"], "fix is not an aws s3api command: %r"
       % fix)
    opts = {}
    i = 3
    while i < len(argv):
        opts[argv[i]] = argv[i + 1]
        i += 2
    eq(opts["--bucket"], bucket, "bucket of the fix")
    op = argv[2]
    if op == "put-object-lock-configuration":
        c.put_object_lock_configuration(
            Bucket=bucket, ObjectLockConfiguration=json.loads(
                opts["--object-lock-configuration"]))
    elif op == "put-bucket-request-payment":
        eq(opts["--request-payment-configuration"], "Payer=BucketOwner")
        c.put_bucket_request_payment(
            Bucket=bucket,
            RequestPaymentConfiguration={"Payer": "BucketOwner"})
    elif op == "put-bucket-lifecycle-configuration":
        c.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration=json.loads(
                opts["--lifecycle-configuration"]))
    else:
        raise s3env.Failure("unexpected fix %r" % fix)


@test
def each_item_and_its_fix():
    b = hostile_bucket()
    rc, doc, err = doctor_json(b, "--mode", "export")
    eq(rc, 1, "exit code (stderr %r)" % err)
    eq((doc["bucket"], doc["mode"]), (b, "export"))
    eq(doc["principal"], s3env.principal_arn("vendor"))
    eq([i["id"] for i in doc["items"]],
       ["region", "bucket-policy", "encryption", "ownership",
        "object-lock", "requester-pays", "versioning", "public-access"])
    eq(status(doc), {"region": "ok", "bucket-policy": "error",
                     "encryption": "unknown", "ownership": "unknown",
                     "object-lock": "error", "requester-pays": "error",
                     "versioning": "warning", "public-access": "ok"})
    ok("0 of 4 settings on" in items(doc)["public-access"]["message"],
       items(doc)["public-access"]["message"])
    it = items(doc)
    ok("GOVERNANCE for 1 days" in it["object-lock"]["message"],
       it["object-lock"]["message"])
    ok("this server does not support it" in it["encryption"]["message"],
       it["encryption"]["message"])
    ok("no policy" in it["bucket-policy"]["message"], it["bucket-policy"])
    eq(doc["policy"]["findings"][0]["code"], "no-policy")
    # the readable report: the same items, with the fixes
    rc, out, err = doctor(b, "--mode", "export")
    eq(rc, 1, "exit code of the table")
    for line in ("object-lock     error    Object Lock default retention "
                 "GOVERNANCE for 1 days",
                 "requester-pays  error    Requester Pays is on",
                 "versioning      warning  versioning is on without"):
        ok("\n" + line in out, "missing %r in:\n%s" % (line, out))
    ok(out.count("fix: ") == 4, out)

    # apply each fix as given; each item turns ok
    for name in ("object-lock", "requester-pays", "versioning"):
        run_fix(it[name]["fix"], b)
    fix = it["bucket-policy"]["fix"].split("; ")
    gen = shlex.split(fix[0])
    policy = s3env.tmpfile("")
    gen[gen.index("-o") + 1] = policy
    rc, out, err = s3env.run_s3perm(*gen[1:])
    eq(rc, 0, "gen of the fix (stderr %r)" % err)
    with open(policy) as f:
        s3env.put_policy(b, json.loads(f.read()))
    rc, doc, err = doctor_json(b, "--mode", "export")
    eq(status(doc), {"region": "ok", "bucket-policy": "ok",
                     "encryption": "unknown", "ownership": "unknown",
                     "object-lock": "ok", "requester-pays": "ok",
                     "versioning": "ok", "public-access": "ok"})
    eq(rc, 0, "exit code after the fixes (stderr %r)" % err)
    eq([i["fix"] for i in doc["items"]], [None] * 8, "fixes left")
    rc, out, err = doctor(b, "--mode", "export", "--strict")
    eq(rc, 0, "--strict with only ok and unknown")


@test
def read_mode_and_strict():
    c = s3env.client("customer")
    b = s3env.create_bucket()
    s3env.enable_versioning(b)
    rc, out, err = s3env.run_s3perm(
        "gen", "--bucket", b, "--user", s3env.user_name("vendor"),
        "--account", s3env.tenant())
    eq(rc, 0, "gen")
    s3env.put_policy(b, json.loads(out))
    rc, doc, err = doctor_json(b)
    eq(rc, 0, "exit code, read mode (stderr %r)" % err)
    eq(status(doc)["versioning"], "ok", "versioning in read mode")
    eq(status(doc)["bucket-policy"], "ok")
    # a lifecycle rule expiring the vendor's data within a day: a warning,
    # exit 1 only with --strict
    c.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={
        "Rules": [{"ID": "tmp", "Status": "Enabled",
                   "Filter": {"Prefix": ""},
                   "Expiration": {"Days": 1}}]})
    rc, doc, err = doctor_json(b)
    eq(status(doc)["versioning"], "warning")
    eq(rc, 0, "a warning without --strict")
    rc, doc, err = doctor_json(b, "--strict")
    eq(rc, 1, "a warning with --strict")


@test
def refused_setting_is_unknown_with_the_permission():
    c = s3env.client("customer")
    b = s3env.create_bucket()
    s3env.put_policy(b, {"Version": "2012-10-17", "Statement": [{
        "Sid": "NoPayerRead", "Effect": "Deny",
        "Principal": {"AWS": s3env.principal_arn("customer")},
        "Action": ["s3:GetBucketRequestPayment", "s3:GetBucketVersioning"],
        "Resource": "arn:aws:s3:::" + b}]})
    rc, doc, err = doctor_json(b)
    it = items(doc)
    eq(it["requester-pays"]["status"], "unknown")
    ok("s3:GetBucketRequestPayment" in it["requester-pays"]["message"],
       it["requester-pays"]["message"])
    eq(it["versioning"]["status"], "unknown")
    ok("s3:GetBucketVersioning" in it["versioning"]["message"],
       it["versioning"]["message"])
    eq(it["object-lock"]["status"], "ok", "the rest of the report")
    eq(len(doc["items"]), 8)
    # a user with no right on the bucket at all: every item unknown, each
    # naming its permission, and still a report
    rc, doc, err = doctor_json(b, user="other")
    eq(rc, 0, "exit code for a report of unknowns (stderr %r)" % err)
    for i in doc["items"]:
        if i["id"] != "region":
            eq(i["status"], "unknown", i["id"])
            ok("s3:Get" in i["message"], i["message"])


@test
def no_such_bucket_and_usage():
    b = s3env.unique_bucket() + "-missing"
    rc, out, err = doctor(b)
    eq(rc, 3, "exit code for a missing bucket (stderr %r)" % err)
    eq(out, "", "stdout")
    ok("no such bucket" in err, err)
    rc, out, err = s3env.run_s3perm("doctor", "--bucket", b, user="customer")
    eq(rc, 2, "no principal")
    rc, out, err = s3env.run_s3perm("doctor", "--bucket", "Bad_Name",
                                    "--user", "x", user="customer")
    eq(rc, 2, "bad bucket name")


if __name__ == "__main__":
    s3env.main()
