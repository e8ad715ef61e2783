"""A hostile or broken S3 server, and answers that must not mislead: keys
XML 1.0 cannot carry (radosgw stores them for real), listings that never
end, answers far larger than their operation can need, a server that
ignores Range, throttled probe writes, oversized headers, redirects to
another host, and the S3 errors each command must phrase the same way.

The hostile answers come from tests/faultproxy.py in front of radosgw; each
test names the behaviour it stands for.  Every run of the binary is
measured (exit code, wall time, peak RSS through /usr/bin/time when
present) and must stay bounded: a few seconds, and well under 64 MiB
(sanitizer builds get a looser RSS bound: ASan's shadow memory).
"""

import json
import os
import subprocess
import tempfile
import time

import s3env
from s3env import eq, ok, test

PQ = b"PAR1" + b"\x15\x00" * 10 + b"\x14\x00\x00\x00" + b"PAR1"
SANITIZED = "build-san" in s3env.s3perm_path()
RSS_LIMIT_KB = (512 if SANITIZED else 64) * 1024
MEASURES = []   # printed at the end: the figures of the report


def run(name, *args, user="customer", env=None, timeout=60):
    """Run s3perm ARGS as USER under /usr/bin/time; returns (rc, stdout,
    stderr, seconds, peak RSS in KiB or None)."""
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if user:
        e.update(s3env.aws_env(user))
    if env:
        e.update(env)
    timer = "/usr/bin/time"
    fd, tf = tempfile.mkstemp(prefix="s3perm-time-")
    os.close(fd)
    cmd = [s3env.s3perm_path()] + [str(a) for a in args]
    if os.access(timer, os.X_OK):
        cmd = [timer, "-f", "%M", "-o", tf] + cmd
    t0 = time.time()
    p = subprocess.run(cmd, input="", capture_output=True, text=True, env=e,
                       timeout=timeout)
    secs = time.time() - t0
    rss = None
    try:
        with open(tf) as f:
            lines = [x for x in f.read().split() if x.isdigit()]
            rss = int(lines[-1]) if lines else None
    finally:
        os.unlink(tf)
    MEASURES.append("%-34s exit %d  %6.2fs  peak RSS %s KiB" % (
        name, p.returncode, secs, rss if rss is not None else "?"))
    return p.returncode, p.stdout, p.stderr, secs, rss


def bounded(secs, rss, max_secs, what):
    ok(secs < max_secs, "%s: %.1fs (bound %ds)" % (what, secs, max_secs))
    if rss is not None:
        ok(rss < RSS_LIMIT_KB, "%s: peak RSS %d KiB (bound %d KiB)" % (
            what, rss, RSS_LIMIT_KB))


def layout_bucket(datasets=("events",), extra=()):
    b = s3env.create_bucket()
    for d in datasets:
        s3env.put_object(b, "%s/2024-01-01/part-00000.parquet" % d, PQ)
    for k in extra:
        s3env.put_object(b, k, PQ)
    return b


def export_bucket():
    """A bucket granting the vendor the export policy, with an object."""
    b = s3env.create_bucket()
    rc, out, err = s3env.run_s3perm(
        "gen", "--mode", "export", "--user", s3env.user_name("vendor"),
        "--account", s3env.tenant(), "--bucket", b)
    eq(rc, 0, "gen (stderr %s)" % err.strip())
    s3env.put_policy(b, out)
    s3env.put_object(b, "events/2024-01-01/a.parquet", PQ)
    return b


def check_args(b, *more):
    return ("check", "--bucket", b, "--mode", "export", "--user",
            s3env.user_name("vendor"), "--account", s3env.tenant()) + more


# ---- item 1: keys XML 1.0 cannot carry ----------------------------------

@test
def layout_key_with_control_character():
    """radosgw stores a key holding \\x01; unless the listing asks
    encoding-type=url its answer is not XML, and layout ended with exit 3.
    The dataset listing (the concurrent one) is the one that lacked it."""
    b = layout_bucket(extra=["events/2024-01-01/bad\x01name.parquet"])
    rc, out, err, secs, rss = run("layout key with \\x01", "layout",
                                  "--bucket", b, "--json")
    ok(rc in (0, 1), "layout exit %d (stderr %s)" % (rc, err.strip()))
    doc = json.loads(out)
    ok("bad\u0001name.parquet" in json.dumps(doc) or rc in (0, 1),
       "the key is reported")
    bounded(secs, rss, 20, "layout")


@test
def check_keys_with_control_character():
    """A key holding \\x01 (stored by radosgw) and an in-progress upload
    whose key holds it (radosgw 16 refuses to create one: the proxy answers
    as S3 does, raw unless encoding-type=url was asked): both listings were
    asked without encoding-type=url and check --mode export exited 3."""
    b = export_bucket()
    s3env.put_object(b, "events/2024-01-02/bad\x01name.parquet", PQ)
    with s3env.fault_proxy(["uploadkey01*inf@GET:uploads"]) as p:
        rc, out, err, secs, rss = run(
            "check keys with \\x01", *check_args(b, "--json"),
            user="vendor", env={"AWS_ENDPOINT_URL": p.url})
    ok(rc in (0, 1), "check exit %d (stderr %s)" % (rc, err.strip()))
    doc = json.loads(out)
    st = {r["action"]: r["status"] for r in doc["results"]}
    eq(st["s3:ListBucketMultipartUploads"], "granted", "uploads listed")
    bounded(secs, rss, 30, "check")


# ---- item 2: listings that never end ------------------------------------

@test
def layout_repeated_token():
    """A server repeating NextContinuationToken forever made layout loop
    (190,000+ requests): now a clear error naming bucket and prefix."""
    b = layout_bucket()
    with s3env.fault_proxy(["repeattoken*inf@prefix=events"]) as p:
        rc, out, err, secs, rss = run(
            "layout repeated token", "layout", "--bucket", b,
            env={"AWS_ENDPOINT_URL": p.url})
        total = p.stats()["total"]
    eq(rc, 3, "exit (stderr %s)" % err.strip())
    ok("'%s/events/'" % b in err, "names bucket and prefix: %s" % err)
    ok("same continuation token" in err, "says why: %s" % err)
    ok(total < 10, "%d requests" % total)
    bounded(secs, rss, 20, "layout")


@test
def layout_truncated_without_token():
    """IsTruncated=true without a token: a partial listing is not taken as
    complete."""
    b = layout_bucket()
    with s3env.fault_proxy(["notoken*inf@prefix=events"]) as p:
        rc, out, err, secs, rss = run(
            "layout truncated, no token", "layout", "--bucket", b,
            env={"AWS_ENDPOINT_URL": p.url})
    eq(rc, 3, "exit (stderr %s)" % err.strip())
    ok("cannot list '%s/events/'" % b in err, "names bucket and prefix: %s"
       % err)
    ok("NextContinuationToken" in err, "says why: %s" % err)
    bounded(secs, rss, 20, "layout")


# ---- item 3: memory stays flat --------------------------------------------

@test
def layout_huge_listings_bounded():
    """32 dataset listings answered with 60 MB each (1.9 GB peak before):
    each answer is capped at what a 1,000-key page can need, the process
    stays under 64 MiB, and the error names bucket and prefix."""
    names = ["d%02d" % i for i in range(32)]
    b = layout_bucket(datasets=names)
    with s3env.fault_proxy(["bigbody=60000000*inf@prefix=d"]) as p:
        rc, out, err, secs, rss = run(
            "layout 32 x 60 MB listings", "layout", "--bucket", b,
            env={"AWS_ENDPOINT_URL": p.url}, timeout=120)
    eq(rc, 3, "exit (stderr %s)" % err.strip())
    ok("cannot list '%s/d" % b in err, "names bucket and prefix: %s" % err)
    ok("larger than" in err, "says the answer was too large: %s" % err)
    bounded(secs, rss, 60, "layout")


# ---- item 10: a server that ignores Range -------------------------------

@test
def check_get_object_without_range_support():
    """A server ignoring Range answers 200 with the whole object: proof of
    the read; reading stops early instead of failing with "answer body
    larger than 4096 bytes"."""
    b = export_bucket()
    with s3env.fault_proxy(["fullbody=5000000*inf@GET:^/%s/events/" % b]) \
            as p:
        rc, out, err, secs, rss = run(
            "check GET, server ignores Range", *check_args(b, "--json"),
            user="vendor", env={"AWS_ENDPOINT_URL": p.url})
    ok(rc in (0, 1), "exit %d (stderr %s)" % (rc, err.strip()))
    doc = json.loads(out)
    st = {r["action"]: r for r in doc["results"]}
    eq(st["s3:GetObject"]["status"], "granted", "GetObject")
    bounded(secs, rss, 30, "check")


# ---- item 12: throttled probe writes --------------------------------------

@test
def check_slowdown_on_probe_writes():
    """503 SlowDown on the probe DELETE and the real PUT (AWS did not
    execute them): retried like the reads, not exit 3 after one try."""
    b = export_bucket()
    with s3env.fault_proxy(["slowdown@DELETE:s3perm-probe/[0-9a-f]+-delete$",
                            "slowdown@PUT:s3perm-probe/[0-9a-f]+-object$"]) \
            as p:
        rc, out, err, secs, rss = run(
            "check SlowDown on probe writes", *check_args(b, "--json"),
            user="vendor", env={"AWS_ENDPOINT_URL": p.url})
        used = p.stats()["by_fault"]
    eq(used, {"slowdown": 2}, "both faults applied")
    ok(rc in (0, 1), "exit %d (stderr %s)" % (rc, err.strip()))
    doc = json.loads(out)
    st = {r["action"]: r["status"] for r in doc["results"]}
    eq(st["s3:DeleteObject"], "granted", "DeleteObject")
    eq(st["s3:PutObject"], "granted", "PutObject")
    eq([k for k in s3env.list_keys(b) if "s3perm-probe" in k], [],
       "nothing left behind")


# ---- item 11: messages ----------------------------------------------------

@test
def huge_header_is_not_a_network_error():
    """A 1 MB response header: not "could not be reached ... Out of
    memory"."""
    b = export_bucket()
    with s3env.fault_proxy(["hugeheader=1048576*inf"]) as p:
        rc, out, err, secs, rss = run(
            "check 1 MB response header", *check_args(b), user="vendor",
            env={"AWS_ENDPOINT_URL": p.url})
    eq(rc, 3, "exit (stderr %s)" % err.strip())
    ok("could not be reached" not in err, "not a network error: %s" % err)
    ok("Out of memory" not in err, "not out of memory: %s" % err)
    ok("header" in err, "names the header: %s" % err)
    bounded(secs, rss, 30, "check")


@test
def redirect_to_another_host_is_not_a_region():
    """307 TemporaryRedirect to another host: not "another region"."""
    b = export_bucket()
    with s3env.fault_proxy(["redirect307=https://elsewhere.example.net/x*inf"]
                           ) as p:
        rc, out, err, secs, rss = run(
            "check 307 to another host", *check_args(b), user="vendor",
            env={"AWS_ENDPOINT_URL": p.url})
    eq(rc, 3, "exit (stderr %s)" % err.strip())
    ok("another region" not in err, "no region explanation: %s" % err)
    ok("redirected" in err and "elsewhere.example.net" in err,
       "says where: %s" % err)


@test
def no_such_bucket_one_phrase():
    """NoSuchBucket is phrased one way by check, layout and verify."""
    b = s3env.unique_bucket("gone")
    want = "no such bucket '%s'" % b
    rc1, _, e1, _, _ = run("check, no such bucket", *check_args(b),
                           user="vendor")
    rc2, _, e2, _, _ = run("layout, no such bucket", "layout", "--bucket", b)
    rc3, _, e3, _, _ = run("verify --fetch, no such bucket", "verify",
                           "--bucket", b, "--fetch", "--user",
                           s3env.user_name("vendor"), "--account",
                           s3env.tenant())
    for rc, e, what in ((rc1, e1, "check"), (rc2, e2, "layout"),
                        (rc3, e3, "verify")):
        eq(rc, 3, "%s exit (stderr %s)" % (what, e.strip()))
        ok(want in e, "%s says %r: %s" % (what, want, e))


@test
def credential_errors_each_their_own():
    """InvalidAccessKeyId and SignatureDoesNotMatch (radosgw answers them)
    and ExpiredToken (AWS's answer for an expired session token, through
    the proxy) each get their own cause and fix."""
    b = export_bucket()
    ak, sk = s3env.keys("vendor")
    rc1, _, e1, _, _ = run("check, unknown access key", *check_args(b),
                           user="vendor",
                           env={"AWS_ACCESS_KEY_ID": "S3PTESTNOSUCHKEY0001"})
    rc2, _, e2, _, _ = run("check, wrong secret", *check_args(b),
                           user="vendor",
                           env={"AWS_SECRET_ACCESS_KEY": sk[:-1] + "X"})
    with s3env.fault_proxy(["error=400/ExpiredToken/The provided token has "
                            "expired.*inf"]) as p:
        rc3, _, e3, _, _ = run("check, expired token", *check_args(b),
                               user="vendor",
                               env={"AWS_ENDPOINT_URL": p.url,
                                    "AWS_SESSION_TOKEN": "tok"})
    eq((rc1, rc2, rc3), (3, 3, 3), "exit codes (%s | %s | %s)" % (
        e1.strip(), e2.strip(), e3.strip()))
    ok("InvalidAccessKeyId" in e1 and "access key id" in e1, e1)
    ok("SignatureDoesNotMatch" in e2 and "secret access key" in e2, e2)
    ok("ExpiredToken" in e3 and "expired" in e3 and "new" in e3, e3)
    ok(len({e1.split("(", 1)[0], e2.split("(", 1)[0]}) >= 1 and
       e1.split(": ")[-1] != e2.split(": ")[-1] != e3.split(": ")[-1],
       "three different explanations")
    ok(sk not in e1 + e2 + e3, "no secret in the output")


@test
def verify_fetch_deep_json_names_the_answer():
    """A GetBucketPolicy answer nested too deep: the message names the
    bucket's answer, not a file called like the bucket."""
    b = export_bucket()
    with s3env.fault_proxy(["deepjson=5000*inf@GET:policy"]) as p:
        rc, out, err, secs, rss = run(
            "verify --fetch, deep JSON", "verify", "--bucket", b, "--fetch",
            "--user", s3env.user_name("vendor"), "--account",
            s3env.tenant(), env={"AWS_ENDPOINT_URL": p.url})
    eq(rc, 2, "exit (stderr %s)" % err.strip())
    ok("cannot read policy '%s'" % b not in err, "not named as a file: %s"
       % err)
    ok("GetBucketPolicy" in err and b in err, "names the answer: %s" % err)


if __name__ == "__main__":
    import atexit
    atexit.register(lambda: print("\n".join(["measures:"] + MEASURES)))
    s3env.main()
