#!/usr/bin/python3
"""test_verify_rgw - `s3perm verify` against what the real server answers.

The differential test: seeded random bucket policies (mixes of Allow and
Deny, wildcard actions, NotAction, prefix-scoped resources, the vendor's
principal or another one) are applied with PutBucketPolicy; for every grant
of the export mode, the decision of `s3perm verify` must agree with what the
server answers the vendor through direct signed requests:

  grant                              request(s) as the vendor (allowed / not)
  s3:ListBucket           bucket     ListObjectsV2                 200 / 403
  s3:GetBucketLocation    bucket     GetBucketLocation             200 / 403
  s3:ListBucketMultipartUploads      ListMultipartUploads          200 / 403
  s3:GetObject            bucket/*   GetObject of an existing key  200 / 403
  s3:PutObject            bucket/*   PUT with a wrong Content-MD5 (nothing
                                     is stored)        400 BadDigest / 403
  s3:DeleteObject         bucket/*   DeleteObject, missing key     204 / 403
  s3:DeleteObjectVersion  bucket/*   DeleteObject ?versionId=, missing key
                                                              not 403 / 403
  s3:AbortMultipartUpload bucket/*   Abort with a made-up upload id
                                                         404 NoSuchUpload / 403
  s3:ListMultipartUploadParts        ListParts of the customer's upload
                                                                   200 / 403

An object grant (bucket/*) is every key: the server "allows" it when the
requests succeed under each of the prefixes the generated resources single
out (data/, private/, other/) and under one they do not (misc/), and
denies it when any of them is refused.
verify's "allowed" must meet the first, "implicit-deny" / "explicit-deny"
the second; no generated policy has a condition, so "conditional" never
agrees.

Documented deviations of Ceph RGW 16 from AWS's documented evaluation
(a disagreement they explain is reported, not failed; every other
disagreement fails the test):

  rgw-ignores-notaction: RGW 16 never applies a statement that has
    NotAction, whatever its Effect: Allow + NotAction grants nothing, Deny +
    NotAction denies nothing (AWS: the statement applies to every action
    not listed).  Seen with exact names, wildcards and any case.  The test
    proves each such disagreement: verify, run on the policy without its
    NotAction statements, must then agree with the server.

  rgw-notprincipal-one-identity: RGW 16 exempts from a Deny with
    NotPrincipal a user listed alone, and every user of an account whose
    root ARN or id is listed alone (AWS exempts a user only when its ARN
    and its account are both listed).  The generator produces no
    NotPrincipal; notprincipal_deny_one_identity shows the deviation
    itself, and verify's AWS reading with its finding.

  rgw-null-ignores-value: RGW 16's Null operator is true when the key is
    absent and false when it is present, whatever the policy's value ("true"
    or "false"); AWS's Null "false" tests that the key is present.  Seen
    with aws:SourceVpce and s3:x-amz-server-side-encryption (absent) and
    aws:username (present); keys_a_request_never_carries lists it.

Deviations known from elsewhere in the project, which this test avoids
rather than lists as disagreements (the generator does not produce them):
  - aws:SecureTransport: the test server speaks plain HTTP, so RGW sees
    false where verify assumes the vendor's TLS (true);
  - RGW answers GetBucketLocation with "default" rather than a region, and
    accepts any region in the credential scope (no effect on decisions);
  - PutBucketPolicy on RGW accepts what AWS rejects as MalformedPolicy (an
    action that applies to none of its statement's resources); such
    policies are generated and applied here, and verify's lint reports them;
  - botocore's PutObject (Expect: 100-continue) left RGW 16 without an
    answer for 30 s under some policies; the PutObject probe is a raw
    signed PUT with a wrong Content-MD5 instead (no data is written).
"""

import base64
import hashlib
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import s3env  # noqa: E402
from s3env import eq, ok, test  # noqa: E402

SEED = int(os.environ.get("S3PERM_TEST_SEED", "20261130"))
N_POLICIES = int(os.environ.get("S3PERM_TEST_VERIFY_POLICIES", "60"))
# Keys under each prefix the generated resources single out, and under one
# none of them names (misc/): together they stand for every key.
PREFIXES = ("data/", "private/", "other/", "misc/")

BUCKET_ACTIONS = ("s3:ListBucket", "s3:GetBucketLocation",
                  "s3:ListBucketMultipartUploads")
OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                  "s3:DeleteObjectVersion", "s3:AbortMultipartUpload",
                  "s3:ListMultipartUploadParts")
WILDCARD_ACTIONS = ("s3:*", "s3:Get*", "s3:List*", "s3:*Object",
                    "s3:Delete*", "s3:?etObject", "s3:*MultipartUpload*",
                    "s3:GetBucket*", "s3:Put*", "s3:ListBucket*")

# Deviations of the server from AWS (see the module docstring): name ->
# predicate(bucket, policy, action, server allowed) -> True when the
# deviation explains the disagreement.

def _without_notaction(bucket, policy, action, server):
    """rgw-ignores-notaction: drop every NotAction statement; verify must
    then agree with the server."""
    stmts = [s for s in policy["Statement"] if "NotAction" not in s]
    if len(stmts) == len(policy["Statement"]):
        return False
    if not stmts:
        return not server
    _, rep, _ = verify(bucket, json.dumps(dict(policy, Statement=stmts)))
    return (decisions(rep)[action] == "allowed") == server


DEVIATIONS = [("rgw-ignores-notaction", _without_notaction)]


# ------------------------------------------------------------ generation

def rand_case(rng, action):
    """Action names are case-insensitive: sometimes vary the case."""
    if rng.random() < 0.1:
        svc, name = action.split(":", 1)
        return svc + ":" + "".join(c.upper() if rng.random() < 0.5
                                   else c.lower() for c in name)
    return action


def gen_actions(rng):
    pool = BUCKET_ACTIONS + OBJECT_ACTIONS
    acts = rng.sample(pool, rng.randint(1, 4))
    if rng.random() < 0.45:
        acts.append(rng.choice(WILDCARD_ACTIONS))
    rng.shuffle(acts)
    acts = [rand_case(rng, a) for a in acts]
    return acts[0] if len(acts) == 1 and rng.random() < 0.5 else acts


def gen_resources(rng, b):
    choices = [
        "arn:aws:s3:::%s" % b,
        "arn:aws:s3:::%s/*" % b,
        "arn:aws:s3:::%s/data/*" % b,
        "arn:aws:s3:::%s/private/*" % b,
        "arn:aws:s3:::%s*" % b,
        "arn:aws:s3:::%s/?ata/*" % b,
        "arn:aws:s3:::%s/other/*" % b,
        "arn:aws:s3:::%s/?*" % b,
    ]
    weights = [5, 5, 2, 2, 1, 1, 1, 2]
    n = rng.choice((1, 1, 2, 3))
    res = []
    while len(res) < n:
        r = rng.choices(choices, weights)[0]
        if r not in res:
            res.append(r)
    return res[0] if len(res) == 1 and rng.random() < 0.5 else res


def gen_principal(rng, vendor, other, tenant):
    r = rng.random()
    if r < 0.55:
        return {"AWS": vendor}
    if r < 0.65:
        return {"AWS": other}
    if r < 0.75:
        return {"AWS": [other, vendor]}
    if r < 0.85:
        return {"AWS": "arn:aws:iam::%s:root" % tenant}
    if r < 0.92:
        return "*"
    return {"AWS": "*"}


def gen_policy(rng, b, vendor, other, tenant):
    stmts = []
    for i in range(rng.randint(1, 4)):
        deny = rng.random() < (0.15 if i == 0 else 0.35)
        st = {"Sid": "S%d" % i, "Effect": "Deny" if deny else "Allow",
              "Principal": gen_principal(rng, vendor, other, tenant)}
        if deny and st["Principal"] == "*" and rng.random() < 0.5:
            st["Principal"] = {"AWS": vendor}
        if rng.random() < 0.18:
            st["NotAction"] = gen_actions(rng)
        else:
            st["Action"] = gen_actions(rng)
        st["Resource"] = gen_resources(rng, b)
        stmts.append(st)
    return {"Version": "2012-10-17", "Statement": stmts}


# ------------------------------------------------------------ the server

FAKE_UPLOAD = "2~s3permMadeUpUploadIdDoesNotExist"
FAKE_VERSION = "s3permMadeUpVersionId0000000000"
BAD_MD5 = base64.b64encode(hashlib.md5(b"not the body").digest()).decode()


class Bucket:
    """A bucket with an object and an in-progress upload (the customer's)
    under each prefix, for the vendor's probes."""

    def __init__(self):
        self.name = s3env.create_bucket(s3env.unique_bucket("verify-diff"))
        self.uploads = {}
        for p in PREFIXES:
            s3env.put_object(self.name, p + "obj")
            self.uploads[p] = s3env.start_multipart(self.name, p + "mp")
        self.n = 0

    def allowed(self, action):
        """Does the server let the vendor do ACTION (on every key)?
        Returns (allowed, evidence)."""
        b = self.name
        v = "vendor"
        if action == "s3:ListBucket":
            checks = [("ListObjectsV2", None, {}, (200,))]
        elif action == "s3:GetBucketLocation":
            checks = [("GetBucketLocation", None, {}, (200,))]
        elif action == "s3:ListBucketMultipartUploads":
            checks = [("ListMultipartUploads", None, {}, (200,))]
        else:
            self.n += 1
            checks = []
            for p in PREFIXES:
                if action == "s3:GetObject":
                    checks.append(("GetObject", p + "obj", {}, (200,)))
                elif action == "s3:PutObject":
                    checks.append(("PUT-bad-MD5", p + "w%d" % self.n, {},
                                   (400,)))
                elif action == "s3:DeleteObject":
                    checks.append(("DeleteObject", p + "nx%d" % self.n, {},
                                   (204,)))
                elif action == "s3:DeleteObjectVersion":
                    checks.append(("DeleteObject", p + "nx%d" % self.n,
                                   {"VersionId": FAKE_VERSION}, None))
                elif action == "s3:AbortMultipartUpload":
                    checks.append(("AbortMultipartUpload", p + "mp",
                                   {"UploadId": FAKE_UPLOAD}, (404,)))
                elif action == "s3:ListMultipartUploadParts":
                    checks.append(("ListParts", p + "mp",
                                   {"UploadId": self.uploads[p]}, (200,)))
                else:
                    raise ValueError(action)
        evidence = []
        verdicts = []
        for op, key, kw, good in checks:
            if op == "PUT-bad-MD5":
                # botocore's PutObject (Expect: 100-continue) hangs RGW 16
                # for some policies; a raw signed PUT does not.
                status, _, body = s3env.signed_request(
                    v, "PUT", "/%s/%s" % (b, key), body=b"x",
                    headers={"Content-MD5": BAD_MD5})
                code = s3env.error_code(body)
            else:
                status, code = s3env.try_op(v, op, b, key, **kw)
            evidence.append("%s%s %s%s" % (op, " " + key if key else "",
                                           status, " " + code if code else ""))
            if status == 403:
                verdicts.append(False)
            elif good is None or status in good:
                verdicts.append(True)
            else:
                raise AssertionError("unexpected answer to the vendor's %s: "
                                     "%s %s" % (op, status, code))
        return all(verdicts), "; ".join(evidence)


def verify(bucket, policy_text=None, fetch=False, extra=()):
    """Run s3perm verify (export mode, the vendor's principal) and return
    (exit code, parsed JSON, stderr)."""
    args = ["verify", "--bucket", bucket, "--mode", "export",
            "--principal", s3env.principal_arn("vendor"), "--json"]
    user = None
    if fetch:
        args += ["--fetch", "--endpoint", s3env.endpoint(), "--path-style",
                 "--region", s3env.REGION]
        user = "customer"
    else:
        args += ["--policy", s3env.tmpfile(policy_text)]
    rc, out, err = s3env.run_s3perm(*(args + list(extra)), user=user)
    ok(rc in (0, 1), "verify exit %d: %s" % (rc, err.strip()))
    return rc, json.loads(out), err


def decisions(report):
    return {r["action"]: r["decision"] for r in report["results"]}


# ------------------------------------------------------------ the tests

@test
def differential_generated_policies():
    rng = random.Random(SEED)
    bk = Bucket()
    b = bk.name
    vendor = s3env.principal_arn("vendor")
    other = s3env.principal_arn("other")
    tenant = s3env.tenant()
    applied = rejected = compared = 0
    mismatches, deviations = [], []
    stats = {}
    attempts = 0
    while applied < N_POLICIES and attempts < N_POLICIES * 4:
        attempts += 1
        policy = gen_policy(rng, b, vendor, other, tenant)
        text = json.dumps(policy, indent=2)
        try:
            s3env.put_policy(b, text)
        except s3env.ClientError:
            rejected += 1
            continue
        applied += 1
        rc, rep, _ = verify(b, text)
        dec = decisions(rep)
        eq(sorted(dec), sorted(BUCKET_ACTIONS + OBJECT_ACTIONS),
           "grants of the export mode")
        every_allowed = all(d == "allowed" for d in dec.values())
        errors = any(f["severity"] == "error" for f in rep["findings"])
        eq(rc, 0 if every_allowed and not errors else 1, "exit code")
        for action in BUCKET_ACTIONS + OBJECT_ACTIONS:
            server, evidence = bk.allowed(action)
            d = dec[action]
            stats[d] = stats.get(d, 0) + 1
            compared += 1
            agree = (d == "allowed") == server and d != "conditional"
            if agree:
                continue
            what = ("policy %d, %s: verify says %s, the server %s (%s)\n%s"
                    % (applied, action, d,
                       "allows" if server else "denies", evidence, text))
            known = [name for name, pred in DEVIATIONS
                     if pred(b, policy, action, server)]
            (deviations if known else mismatches).append(
                what + ("\n  documented deviation: " + ", ".join(known)
                        if known else ""))
    print("  %d policies applied (%d rejected by the server), %d grants "
          "compared, decisions %s, %d documented deviations"
          % (applied, rejected, compared, json.dumps(stats, sort_keys=True),
             len(deviations)))
    for d in deviations:
        print("  deviation: " + d.splitlines()[0])
    ok(applied >= 50, "only %d policies applied" % applied)
    ok(stats.get("allowed", 0) >= 50 and
       stats.get("implicit-deny", 0) >= 50 and
       stats.get("explicit-deny", 0) >= 20,
       "the generated policies do not exercise every decision: %s" % stats)
    ok(not mismatches, "%d disagreements:\n%s\n\nthe first in full:\n%s" % (
        len(mismatches), "\n".join(m.splitlines()[0] for m in mismatches),
        mismatches[0] if mismatches else ""))


@test
def object_keys_are_never_empty():
    """bucket/* is every key there is, and no key is empty: an Allow on
    bucket/?* grants every key, a Deny on bucket/ alone (the empty key)
    denies none.  The server agrees with verify on both."""
    bk = Bucket()
    b = bk.name
    vendor = s3env.principal_arn("vendor")
    for deny in (False, True):
        stmts = [{"Sid": "NonEmpty", "Effect": "Allow",
                  "Principal": {"AWS": vendor},
                  "Action": ["s3:GetObject", "s3:DeleteObject"],
                  "Resource": "arn:aws:s3:::%s/%s" % (
                      b, "*" if deny else "?*")}]
        if deny:
            stmts.append({"Sid": "EmptyKey", "Effect": "Deny",
                          "Principal": {"AWS": vendor},
                          "Action": ["s3:GetObject", "s3:DeleteObject"],
                          "Resource": "arn:aws:s3:::%s/" % b})
        text = json.dumps({"Version": "2012-10-17", "Statement": stmts})
        s3env.put_policy(b, text)
        _, rep, _ = verify(b, text)
        dec = decisions(rep)
        for action in ("s3:GetObject", "s3:DeleteObject"):
            eq(dec[action], "allowed", "verify, %s (deny=%s)" % (action, deny))
            server, evidence = bk.allowed(action)
            ok(server, "server, %s (deny=%s): %s" % (action, deny, evidence))


@test
def notprincipal_deny_one_identity():
    """A Deny with NotPrincipal listing only the vendor's user, or only its
    account: verify says explicit-deny (AWS exempts only a principal whose
    ARN and account are both listed) with the notprincipal-deny-vendor
    finding; RGW 16 exempts the vendor (the documented deviation
    rgw-notprincipal-one-identity).  Listing both, or another user, the
    two agree."""
    b = s3env.create_bucket()
    s3env.put_object(b, "data/obj")
    vendor = s3env.principal_arn("vendor")
    root = "arn:aws:iam::%s:root" % s3env.tenant()
    cases = [  # NotPrincipal AWS, verify's decision, the server's, finding
        (vendor, "explicit-deny", True, True),
        (root, "explicit-deny", True, True),
        (s3env.tenant(), "explicit-deny", True, True),
        ([vendor, root], "allowed", True, False),
        (s3env.principal_arn("other"), "explicit-deny", False, False),
    ]
    for listed, want, server_allows, finding in cases:
        text = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Vendor", "Effect": "Allow",
             "Principal": {"AWS": vendor}, "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::%s/*" % b},
            {"Sid": "OnlyListed", "Effect": "Deny",
             "NotPrincipal": {"AWS": listed}, "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::%s/*" % b}]})
        s3env.put_policy(b, text)
        _, rep, _ = verify(b, text)
        eq(decisions(rep)["s3:GetObject"], want, "verify, %s" % listed)
        codes = [f["code"] for f in rep["findings"]]
        eq("notprincipal-deny-vendor" in codes, finding,
           "finding, %s: %s" % (listed, codes))
        status, _ = s3env.try_op("vendor", "GetObject", b, "data/obj")
        eq(status == 200, server_allows, "server, %s" % listed)
        if (want == "allowed") != server_allows:
            print("  deviation rgw-notprincipal-one-identity: NotPrincipal "
                  "%s: verify %s, the server allows" % (listed, want))


@test
def keys_a_request_never_carries():
    """A GetObject request never carries the encryption header: an Allow on
    it conditioned with StringEquals is no grant (verify: implicit-deny,
    not conditional), and a Deny with Null = true applies (explicit-deny).
    The server agrees on both.  A Deny with Null = false (the key is
    present) does not apply: the server denies, the documented deviation
    rgw-null-ignores-value.  (A negated operator on the absent key is
    another RGW 16 deviation: not tested here.)"""
    bk = Bucket()
    b = bk.name
    vendor = s3env.principal_arn("vendor")
    sse = "s3:x-amz-server-side-encryption"
    allow_all = {"Sid": "All", "Effect": "Allow",
                 "Principal": {"AWS": vendor}, "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::%s/*" % b}
    cases = [
        ([dict(allow_all, Sid="IfEncrypted",
               Condition={"StringEquals": {sse: "AES256"}})],
         "implicit-deny", False),
        ([allow_all,
          {"Sid": "NoHeader", "Effect": "Deny", "Principal": "*",
           "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % b,
           "Condition": {"Null": {sse: "true"}}}],
         "explicit-deny", False),
        ([allow_all,
          {"Sid": "OnlyWithHeader", "Effect": "Deny", "Principal": "*",
           "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % b,
           "Condition": {"Null": {sse: "false"}}}],
         "allowed", True, "rgw-null-ignores-value"),
    ]
    for case in cases:
        stmts, want, aws_allows = case[:3]
        deviation = case[3] if len(case) > 3 else None
        text = json.dumps({"Version": "2012-10-17", "Statement": stmts})
        s3env.put_policy(b, text)
        _, rep, _ = verify(b, text)
        eq(decisions(rep)["s3:GetObject"], want, "verify: %s" % text)
        server, evidence = bk.allowed("s3:GetObject")
        if deviation:
            # the documented deviation: the server decides the other way
            eq(server, not aws_allows, "server (%s): %s (%s)"
               % (deviation, evidence, text))
            print("  deviation %s: verify %s, the server %s"
                  % (deviation, want, "allows" if server else "denies"))
        else:
            eq(server, aws_allows, "server: %s (%s)" % (evidence, text))


@test
def vendor_docs_export_policy_on_the_server():
    """The vendor documentation's export policy: verify says
    ListBucketMultipartUploads is not granted (and lints the statement),
    and the server refuses the vendor's ListMultipartUploads."""
    bk = Bucket()
    b = bk.name
    text = s3env.fixture("statsig-docs-export-policy.json",
                         STATSIG_IAM_USER=s3env.user_name("vendor"),
                         YOUR_S3_BUCKET=b)
    text = text.replace("999689269917", s3env.tenant())
    s3env.put_policy(b, text)
    rc, rep, _ = verify(b, text)
    eq(rc, 1, "exit code")
    dec = decisions(rep)
    eq(dec["s3:ListBucketMultipartUploads"], "implicit-deny")
    eq(sum(d == "allowed" for d in dec.values()), 8, "allowed grants")
    f = [f for f in rep["findings"] if f["code"] == "action-resource-mismatch"]
    eq(len(f), 1, "lint findings")
    eq((f[0]["severity"], f[0]["statement"]), ("warning", 1))
    eq(bk.allowed("s3:ListBucketMultipartUploads")[0], False,
       "server: ListMultipartUploads")
    eq(bk.allowed("s3:ListMultipartUploadParts")[0], True,
       "server: ListParts")


@test
def fetch_agrees_with_file():
    """--fetch reads the policy with the customer's own credentials and
    decides as --policy does on the same text."""
    rng = random.Random(SEED + 1)
    b = s3env.create_bucket()
    vendor = s3env.principal_arn("vendor")
    other = s3env.principal_arn("other")
    for _ in range(5):
        policy = gen_policy(rng, b, vendor, other, s3env.tenant())
        text = json.dumps(policy)
        s3env.put_policy(b, text)
        rc1, rep1, _ = verify(b, text)
        rc2, rep2, _ = verify(b, fetch=True)
        eq(rc2, rc1, "exit code")
        eq(decisions(rep2), decisions(rep1), "decisions")


@test
def fetch_bucket_without_policy():
    b = s3env.create_bucket()
    rc, rep, _ = verify(b, fetch=True)
    eq(rc, 1, "exit code")
    ok(all(d == "implicit-deny" for d in decisions(rep).values()),
       "every grant implicit-deny: %s" % decisions(rep))
    ok("no-policy" in [f["code"] for f in rep["findings"]],
       "a no-policy finding: %s" % rep["findings"])
    rc, out, err = s3env.run_s3perm(
        "verify", "--bucket", b, "--fetch", "--endpoint", s3env.endpoint(),
        "--user", s3env.user_name("vendor"), "--account", s3env.tenant(),
        user="customer")
    eq(rc, 1, "exit code (table)")
    ok("no bucket policy" in out, "the table says so: %r" % out)


@test
def fetch_as_a_stranger_is_an_s3_error():
    """The vendor cannot read the customer's policy: exit 3, nothing on
    standard output."""
    b = s3env.create_bucket()
    s3env.put_policy(b, json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": s3env.principal_arn("vendor")},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::%s/*" % b}]}))
    rc, out, err = s3env.run_s3perm(
        "verify", "--bucket", b, "--fetch", "--endpoint", s3env.endpoint(),
        "--user", s3env.user_name("vendor"), "--account", s3env.tenant(),
        user="vendor")
    eq(rc, 3, "exit code (stderr: %s)" % err.strip())
    eq(out, "", "stdout")
    ok("AccessDenied" in err or "403" in err, "the reason: %r" % err)


if __name__ == "__main__":
    s3env.main()
