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
(tests/test_doctor.c).  The key policy of a customer-managed KMS key:
tests/faultproxy.py answers GET ?encryption with a recorded
GetBucketEncryption answer naming the key, and a stand-in KMS server on
127.0.0.1 (AWS_ENDPOINT_URL_KMS; radosgw has no KMS) checks the signed
GetKeyPolicy request and answers it as the AWS KMS API reference documents.
"""

import datetime
import http.server
import json
import shlex
import subprocess
import threading

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

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


KEY = "arn:aws:kms:%s:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


class StandInKms:
    """KMS GetKeyPolicy on 127.0.0.1: checks the request (POST /, the
    X-Amz-Target and Content-Type of the JSON 1.1 protocol, the body, a
    SigV4 signature for service kms with the customer's keys, verified with
    botocore) and answers (status, JSON) of self.answer."""

    def __init__(self):
        self.answer = (200, {})
        self.requests = []
        self.region = s3env.REGION     # the bucket's, as doctor found it
        kms = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                kms.requests.append((self.path, dict(self.headers), body,
                                     kms.signature_ok(self, body)))
                st, doc = kms.answer
                data = json.dumps(doc).encode()
                self.send_response(st)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        # (shutdown() waits for serve_forever's next poll: 0.5 s by default)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.02},
                                       daemon=True)
        self.thread.start()

    def signature_ok(self, h, body):
        auth = h.headers.get("Authorization", "")
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        scope = auth.split("Credential=")[1].split(",")[0].split("/")
        ak, sk = s3env.keys("customer")
        if scope[0] != ak or scope[3:] != ["kms", "aws4_request"] \
                or scope[2] != self.region:
            return "scope %r" % scope
        rq = AWSRequest(method="POST", url=self.url + h.path, data=body,
                        headers={k: h.headers[k] for k in signed})
        rq.context["timestamp"] = h.headers["X-Amz-Date"]
        signer = SigV4Auth(Credentials(ak, sk), "kms", self.region)
        creq = signer.canonical_request(rq)
        sig = signer.signature(signer.string_to_sign(rq, creq), rq)
        return auth.endswith("Signature=" + sig) or "signature differs"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def kms_doctor(b, kms, proxy_url, *args):
    env = {"AWS_ENDPOINT_URL": proxy_url}
    if kms:
        env["AWS_ENDPOINT_URL_KMS"] = kms.url
    rc, out, err = s3env.run_s3perm(
        "doctor", "--bucket", b, "--user", s3env.user_name("vendor"),
        "--account", s3env.tenant(), "--json", *args, user="customer",
        env=env)
    ok(out, "no JSON (exit %d, stderr %r)" % (rc, err))
    return rc, json.loads(out), err


@test
def kms_key_policy_read_and_evaluated():
    """SSE-KMS with a customer-managed key: doctor reads the key policy
    with kms:GetKeyPolicy and evaluates it for the vendor (kms:Decrypt and
    kms:GenerateDataKey for export): the default key policy is an error
    with the statement to add; with that statement added, ok; a customer
    who may not call kms:GetKeyPolicy gets unknown naming it, and so do an
    answer past the size bound and an endpoint that is not KMS (radosgw,
    through AWS_ENDPOINT_URL)."""
    b = s3env.create_bucket()
    key = KEY % s3env.REGION
    enc = s3env.tmpfile(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws."
        "com/doc/2006-03-01/\"><Rule><ApplyServerSideEncryptionByDefault>"
        "<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>%s"
        "</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>"
        "<BucketKeyEnabled>false</BucketKeyEnabled></Rule>"
        "</ServerSideEncryptionConfiguration>" % key, suffix=".xml")
    root = {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "kms:*", "Resource": "*"}
    policy = {"Version": "2012-10-17", "Id": "key-default-1",
              "Statement": [root]}
    kms = StandInKms()
    try:
        with s3env.fault_proxy(["body=200/%s*@GET:\\?encryption"
                                % enc]) as p:
            kms.answer = (200, {"Policy": json.dumps(policy, indent=2),
                                "PolicyName": "default"})
            kms.region = s3env.client("customer").get_bucket_location(
                Bucket=b)["LocationConstraint"] or "us-east-1"
            rc, doc, err = kms_doctor(b, kms, p.url, "--mode", "export")
            eq(rc, 1, "exit code (stderr %r)" % err)
            eq(doc["region"], kms.region, "the bucket's region")
            it = items(doc)["encryption"]
            eq(it["status"], "error", it)
            ok("does not allow the vendor kms:Decrypt" in it["message"],
               it["message"])
            eq(len(kms.requests), 1, "one GetKeyPolicy")
            path, h, body, sig = kms.requests[0]
            eq(path, "/")
            eq(h.get("X-Amz-Target"), "TrentService.GetKeyPolicy")
            eq(h.get("Content-Type"), "application/x-amz-json-1.1")
            eq(json.loads(body), {"KeyId": key, "PolicyName": "default"})
            eq(sig, True, "signature")
            # the statement of the fix, added to the key policy: ok
            stmt = it["fix"].split(key + ": ", 1)[1]
            policy["Statement"].append(json.loads(stmt))
            kms.answer = (200, {"Policy": json.dumps(policy),
                                "PolicyName": "default"})
            rc, doc, err = kms_doctor(b, kms, p.url, "--mode", "export")
            it = items(doc)["encryption"]
            eq(it["status"], "ok", it)
            ok("allows the vendor kms:Decrypt and kms:GenerateDataKey"
               in it["message"], it["message"])
            eq(it["fix"], None)
            # the customer may not call kms:GetKeyPolicy
            kms.answer = (400, {
                "__type": "AccessDeniedException",
                "message": "User: arn:aws:iam::111122223333:user/admin is "
                "not authorized to perform: kms:GetKeyPolicy on resource: "
                "%s because no identity-based policy allows the "
                "kms:GetKeyPolicy action" % key})
            rc, doc, err = kms_doctor(b, kms, p.url)
            it = items(doc)["encryption"]
            eq(it["status"], "unknown", it)
            ok("kms:GetKeyPolicy: your credentials may not call it: "
               "AccessDeniedException" in it["message"], it["message"])
            ok('"kms:Decrypt"' in it["fix"], it["fix"])
            eq(len(doc["items"]), 8, "the rest of the report")
            # an answer past the bound (256 KiB) is not read
            kms.answer = (200, {"Policy": "x" * (300 * 1024),
                                "PolicyName": "default"})
            rc, doc, err = kms_doctor(b, kms, p.url)
            it = items(doc)["encryption"]
            eq(it["status"], "unknown", it)
            ok("kms:GetKeyPolicy: answer too large" in it["message"],
               it["message"])
            # no AWS_ENDPOINT_URL_KMS: AWS_ENDPOINT_URL (the S3 server)
            rc, doc, err = kms_doctor(b, None, p.url)
            it = items(doc)["encryption"]
            eq(it["status"], "unknown", it)
            ok("this endpoint does not answer as KMS" in it["message"],
               it["message"])
            eq(len(kms.requests), 4, "requests the stand-in saw")
    finally:
        kms.close()


if __name__ == "__main__":
    s3env.main()
