"""s3env - shared helpers for the end-to-end tests in tests/e2e/.

A test file looks like this (see tests/README.md for the whole contract):

    import s3env
    from s3env import test, eq

    @test
    def vendor_can_list():
        b = s3env.create_bucket()                 # this test's own bucket
        s3env.put_policy(b, {...})
        eq(s3env.try_op("vendor", "ListObjectsV2", b), (200, None))

    if __name__ == "__main__":
        s3env.main()

The server comes from the environment written by `tests/rgw.sh start DIR`
(DIR/env.sh): S3PERM_TEST_ENDPOINT, S3PERM_TEST_TENANT and
S3PERM_TEST_{CUSTOMER,VENDOR,OTHER}_{KEY,SECRET}.  The binary under test is
$S3PERM (default ./s3perm).  Only the stdlib and botocore are used.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import traceback
import http.client
import urllib.parse

# Keep the tests hermetic: no AWS settings of the developer's leak in.
for _k in list(os.environ):
    if _k.startswith("AWS_"):
        del os.environ[_k]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import botocore.session  # noqa: E402
from botocore.auth import S3SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

REGION = "us-east-1"
USERS = ("customer", "vendor", "other")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


class SetupError(Exception):
    """The environment is not what the tests need (not a test failure)."""


def env(name):
    """The value of environment variable NAME; SetupError if unset."""
    v = os.environ.get(name)
    if not v:
        raise SetupError(
            "%s is not set: run the tests through tests/run.sh, or "
            "`source DIR/env.sh` after `tests/rgw.sh start DIR`" % name)
    return v


def endpoint():
    return env("S3PERM_TEST_ENDPOINT")


def tenant():
    return env("S3PERM_TEST_TENANT")


def user_name(user):
    """The IAM user name of 'customer', 'vendor' (statsig-abc) or 'other'."""
    return os.environ.get("S3PERM_TEST_%s_USER" % user.upper(),
                          {"vendor": "statsig-abc"}.get(user, user))


def principal_arn(user):
    """The ARN a bucket policy names USER by: arn:aws:iam::TENANT:user/NAME."""
    return "arn:aws:iam::%s:user/%s" % (tenant(), user_name(user))


def keys(user):
    """(access key, secret key) of USER."""
    if user not in USERS:
        raise ValueError("unknown test user %r (one of %s)" % (user, USERS))
    u = user.upper()
    return env("S3PERM_TEST_%s_KEY" % u), env("S3PERM_TEST_%s_SECRET" % u)


_clients = {}


def client(user="customer", endpoint_url=None, read_timeout=30):
    """A botocore S3 client acting as USER: path style, us-east-1, the test
    endpoint (or ENDPOINT_URL, e.g. a fault proxy's), no retries (every
    status the server gives is seen)."""
    ident = (user, endpoint_url, read_timeout)
    if ident in _clients:
        return _clients[ident]
    ak, sk = keys(user)
    cfg = dict(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1},
               connect_timeout=10, read_timeout=read_timeout,
               signature_version="s3v4")
    try:  # newer botocore adds CRC checksums RGW 16 does not know
        config = Config(request_checksum_calculation="when_required",
                        response_checksum_validation="when_required", **cfg)
    except TypeError:
        config = Config(**cfg)
    sess = botocore.session.Session()
    c = sess.create_client("s3", region_name=REGION,
                           endpoint_url=endpoint_url or endpoint(),
                           aws_access_key_id=ak, aws_secret_access_key=sk,
                           config=config)
    _clients[ident] = c
    return c


# ---------------------------------------------------------------- buckets

_current_test = "test"
_created_buckets = []


def unique_bucket(tag=None):
    """A bucket name no other test (or run) uses: s3p-TAG-RANDOM, valid by
    every S3 rule; TAG defaults to the running test's name."""
    tag = re.sub(r"[^a-z0-9]+", "-", (tag or _current_test).lower()).strip("-")
    suffix = secrets.token_hex(4)
    tag = tag[:63 - len("s3p--") - len(suffix)].strip("-") or "t"
    return "s3p-%s-%s" % (tag, suffix)


def create_bucket(name=None, user="customer"):
    """Create a bucket owned by USER (the customer); returns its name.  The
    runner removes it (and everything in it) after the test."""
    name = name or unique_bucket()
    client(user).create_bucket(Bucket=name)
    _created_buckets.append(name)
    return name


def empty_and_delete_bucket(name):
    """Remove every version, delete marker and upload of NAME, then NAME
    (as the customer).  Best effort: errors are ignored."""
    c = client("customer")
    try:
        c.delete_bucket_policy(Bucket=name)
    except ClientError:
        pass
    try:
        for u in c.list_multipart_uploads(Bucket=name).get("Uploads", []):
            c.abort_multipart_upload(Bucket=name, Key=u["Key"],
                                     UploadId=u["UploadId"])
        for key, vid, _ in list_versions(name):
            c.delete_object(Bucket=name, Key=key, VersionId=vid)
        for o in c.list_objects_v2(Bucket=name).get("Contents", []):
            c.delete_object(Bucket=name, Key=o["Key"])
        c.delete_bucket(Bucket=name)
    except ClientError:
        pass


def put_policy(bucket, policy, user="customer"):
    """PutBucketPolicy with POLICY (a dict, serialized, or a str/bytes sent
    byte for byte).  Returns the HTTP status; raises ClientError if refused."""
    if isinstance(policy, dict):
        policy = json.dumps(policy)
    if isinstance(policy, bytes):
        policy = policy.decode()
    r = client(user).put_bucket_policy(Bucket=bucket, Policy=policy)
    return r["ResponseMetadata"]["HTTPStatusCode"]


def get_policy(bucket, user="customer"):
    """The bucket's policy as a str, or None if it has none."""
    try:
        return client(user).get_bucket_policy(Bucket=bucket)["Policy"]
    except ClientError as e:
        if e.response["Error"]["Code"] == "NoSuchBucketPolicy":
            return None
        raise


def delete_policy(bucket, user="customer"):
    client(user).delete_bucket_policy(Bucket=bucket)


def put_object(bucket, key, body=b"s3perm test object\n", user="customer"):
    """PutObject; returns the version id (None unless versioned)."""
    r = client(user).put_object(Bucket=bucket, Key=key, Body=body)
    return r.get("VersionId")


def get_object(bucket, key, user="customer"):
    """The object's body (bytes)."""
    return client(user).get_object(Bucket=bucket, Key=key)["Body"].read()


def start_multipart(bucket, key, user="customer"):
    """CreateMultipartUpload (and one part, so ListParts has something to
    show); returns the upload id."""
    c = client(user)
    uid = c.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    c.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=1,
                  Body=b"part one\n")
    return uid


def list_uploads(bucket, user="customer"):
    """[(key, upload id)] of the bucket's in-progress multipart uploads."""
    r = client(user).list_multipart_uploads(Bucket=bucket)
    return [(u["Key"], u["UploadId"]) for u in r.get("Uploads", [])]


def enable_versioning(bucket, user="customer"):
    client(user).put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


def list_versions(bucket, user="customer"):
    """[(key, version id, is delete marker)] of every version in BUCKET."""
    out = []
    kw = {}
    c = client(user)
    while True:
        r = c.list_object_versions(Bucket=bucket, **kw)
        out += [(v["Key"], v["VersionId"], False) for v in r.get("Versions", [])]
        out += [(v["Key"], v["VersionId"], True)
                for v in r.get("DeleteMarkers", [])]
        if not r.get("IsTruncated"):
            return out
        kw = {"KeyMarker": r["NextKeyMarker"],
              "VersionIdMarker": r["NextVersionIdMarker"]}


def list_keys(bucket, user="customer"):
    r = client(user).list_objects_v2(Bucket=bucket)
    return [o["Key"] for o in r.get("Contents", [])]


# ---------------------------------------------------- what a user may do

def _op_call(c, op, bucket, key, kw):
    if op == "ListObjectsV2":
        return c.list_objects_v2(Bucket=bucket, **kw)
    if op == "GetObject":
        r = c.get_object(Bucket=bucket, Key=key, **kw)
        r["Body"].read()
        return r
    if op == "HeadObject":
        return c.head_object(Bucket=bucket, Key=key, **kw)
    if op == "PutObject":
        kw.setdefault("Body", b"written by a test\n")
        return c.put_object(Bucket=bucket, Key=key, **kw)
    if op == "DeleteObject":        # with VersionId=...: s3:DeleteObjectVersion
        return c.delete_object(Bucket=bucket, Key=key, **kw)
    if op == "ListMultipartUploads":
        return c.list_multipart_uploads(Bucket=bucket, **kw)
    if op == "CreateMultipartUpload":
        return c.create_multipart_upload(Bucket=bucket, Key=key, **kw)
    if op == "AbortMultipartUpload":  # needs UploadId=...
        return c.abort_multipart_upload(Bucket=bucket, Key=key, **kw)
    if op == "ListParts":             # needs UploadId=...
        return c.list_parts(Bucket=bucket, Key=key, **kw)
    if op == "GetBucketLocation":
        return c.get_bucket_location(Bucket=bucket, **kw)
    if op == "HeadBucket":
        return c.head_bucket(Bucket=bucket, **kw)
    if op == "GetBucketPolicy":
        return c.get_bucket_policy(Bucket=bucket, **kw)
    raise ValueError("try_op: unknown operation %r" % op)


def try_op(user, op, bucket, key=None, endpoint_url=None, **kw):
    """Make one signed request as USER and return (HTTP status, S3 error code
    or None): e.g. try_op("vendor", "GetObject", b, "k") -> (403,
    "AccessDenied").  OP is ListObjectsV2, GetObject, HeadObject, PutObject,
    DeleteObject, ListMultipartUploads, CreateMultipartUpload,
    AbortMultipartUpload, ListParts, GetBucketLocation, HeadBucket or
    GetBucketPolicy; KW are botocore parameters (VersionId=, UploadId=, ...).
    For HEAD requests the code is the status as a string (no body).
    ENDPOINT_URL sends it elsewhere (a fault proxy)."""
    try:
        r = _op_call(client(user, endpoint_url), op, bucket, key, dict(kw))
        return r["ResponseMetadata"]["HTTPStatusCode"], None
    except ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                e.response.get("Error", {}).get("Code"))


def signed_request(user, method, path, query=None, headers=None, body=b"",
                   endpoint_url=None, timeout=30):
    """A raw SigV4-signed request as USER (for what botocore's client will
    not send): PATH like "/bucket/key" (unencoded), QUERY a dict.  Returns
    (status, headers dict with lowercase names, body bytes).  Transport
    errors (reset, timeout, truncated body) raise, as http.client does."""
    ak, sk = keys(user)
    u = urllib.parse.urlsplit(endpoint_url or endpoint())
    qs = urllib.parse.urlencode(sorted((query or {}).items()),
                                quote_via=urllib.parse.quote)
    url = "%s://%s%s%s" % (u.scheme, u.netloc, urllib.parse.quote(path),
                           "?" + qs if qs else "")
    req = AWSRequest(method=method, url=url, data=body,
                     headers=dict(headers or {}))
    S3SigV4Auth(Credentials(ak, sk), "s3", REGION).add_auth(req)
    p = req.prepare()
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        target = urllib.parse.urlsplit(p.url)
        conn.request(method, target.path + ("?" + target.query
                                            if target.query else ""),
                     body=body, headers=dict(p.headers.items()))
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def fault_proxy(faults=(), delay=0.0, upstream=None):
    """A tests/faultproxy.py FaultProxy in this process, between a client
    and the test server (or UPSTREAM); use as a context manager:
        with s3env.fault_proxy(["503"]) as p: client("vendor", p.url)..."""
    tests_dir = os.path.join(ROOT, "tests")
    if tests_dir not in sys.path:
        sys.path.insert(0, tests_dir)
    from faultproxy import FaultProxy
    return FaultProxy(upstream or endpoint(), faults, delay)


def error_code(body):
    """The <Code> of an S3 XML error body, or None."""
    m = re.search(rb"<Code>([^<]*)</Code>", body or b"")
    return m.group(1).decode() if m else None


# ------------------------------------------------------ the binary

def s3perm_path():
    p = os.environ.get("S3PERM") or os.path.join(ROOT, "s3perm")
    return p if os.path.isabs(p) else os.path.join(ROOT, p)


def aws_env(user):
    """Environment for running s3perm as USER against the test server:
    AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_ENDPOINT_URL /
    AWS_REGION, and no shared config files."""
    ak, sk = keys(user)
    return {"AWS_ACCESS_KEY_ID": ak, "AWS_SECRET_ACCESS_KEY": sk,
            "AWS_ENDPOINT_URL": endpoint(), "AWS_REGION": REGION}


def run_s3perm(*args, user=None, input=None, env=None, timeout=60):
    """Run the binary under test with ARGS; returns (rc, stdout, stderr) as
    str.  USER: add that user's credentials and the endpoint (aws_env);
    INPUT: str fed on stdin; ENV: more variables."""
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if user:
        e.update(aws_env(user))
    if env:
        e.update(env)
    p = subprocess.run([s3perm_path()] + [str(a) for a in args],
                       input=input if input is not None else "",
                       capture_output=True, text=True, env=e,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def fixture(name, **fill):
    """The text of tests/e2e/fixtures/NAME with each placeholder KEY of FILL
    replaced by its value (plain text replacement, as a customer does)."""
    with open(os.path.join(FIXTURES, name)) as f:
        text = f.read()
    for k, v in fill.items():
        text = text.replace(k, v)
    return text


def tmpfile(text, suffix=".json"):
    """Write TEXT to a new temporary file; returns its path (removed after
    the test)."""
    fd, path = tempfile.mkstemp(prefix="s3perm-test-", suffix=suffix)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    _tmpfiles.append(path)
    return path


_tmpfiles = []


# ------------------------------------------------------ the runner

class Failure(AssertionError):
    pass


def eq(actual, expected, what=""):
    """Fail unless ACTUAL == EXPECTED, naming WHAT and both values."""
    if actual != expected:
        raise Failure("%sexpected %r, got %r" % (what + ": " if what else "",
                                                 expected, actual))


def ok(cond, what):
    """Fail with WHAT unless COND."""
    if not cond:
        raise Failure(what)


_BUCKET_OPS = ("ListObjectsV2", "ListMultipartUploads", "GetBucketLocation",
               "HeadBucket", "GetBucketPolicy")


def expect_ops(user, bucket, checks, key=None):
    """Check many requests at once and report every mismatch together.
    CHECKS is a list of (op, status), (op, key, status) or
    (op, key, kwargs, status); KEY is the default object key."""
    bad = []
    for spec in checks:
        op, want = spec[0], spec[-1]
        k = spec[1] if len(spec) > 2 else key
        kw = spec[2] if len(spec) > 3 else {}
        got, code = try_op(user, op, bucket, k, **kw)
        if got != want:
            on = " " + k if k and op not in _BUCKET_OPS else ""
            bad.append("%s %s%s%s: expected %s, got %s %s" % (
                user, op, on, " %s" % kw if kw else "", want, got,
                code or ""))
    if bad:
        raise Failure("; ".join(bad))


_tests = []


def test(fn):
    """Decorator: register FN as a test (run in file order by main())."""
    _tests.append(fn)
    return fn


def main(argv=None):
    """Run the registered tests (or those whose name contains an argument);
    print one line per test and "N passed, M failed"; exit 1 on any failure
    or if nothing ran."""
    global _current_test
    argv = sys.argv[1:] if argv is None else argv
    chosen = [t for t in _tests if not argv or any(a in t.__name__ for a in argv)]
    passed = failed = 0
    keep = os.environ.get("S3PERM_TEST_KEEP") == "1"
    for t in chosen:
        _current_test = t.__name__
        del _created_buckets[:]
        t0 = time.time()
        try:
            t()
        except SetupError as e:
            failed += 1
            print("FAIL %s: setup: %s" % (t.__name__, e), flush=True)
        except Failure as e:
            failed += 1
            print("FAIL %s: %s" % (t.__name__, e), flush=True)
            tb = traceback.extract_tb(e.__traceback__)
            here = [f for f in tb if f.filename != __file__]
            if here:
                print("     at %s:%d" % (os.path.basename(here[-1].filename),
                                         here[-1].lineno), flush=True)
        except Exception:
            failed += 1
            print("FAIL %s: unexpected exception" % t.__name__, flush=True)
            traceback.print_exc(file=sys.stdout)
            sys.stdout.flush()
        else:
            passed += 1
            print("ok   %s (%.2fs)" % (t.__name__, time.time() - t0),
                  flush=True)
        if not keep:
            for b in _created_buckets:
                empty_and_delete_bucket(b)
            for p in _tmpfiles:
                try:
                    os.unlink(p)
                except OSError:
                    pass
            del _tmpfiles[:]
    print("%d passed, %d failed" % (passed, failed))
    if not chosen:
        print("no test ran", file=sys.stderr)
    sys.exit(1 if failed or not chosen else 0)
