"""`s3perm check --manifest` (the fleet check) against a real S3 server (Ceph
radosgw evaluating bucket policies).

A fleet of buckets of every kind (all granted in read and export mode, a
grant missing, versioned, no such bucket, a bad manifest line) is checked in
one run as the vendor; each bucket's JSON line must carry the same verdicts
as a single `s3perm check --json` of that bucket, every bucket must be left
as it was, Ctrl-C in the middle must leave no probe object anywhere, and
SlowDown bursts (through tests/faultproxy.py, standing for AWS's throttling)
must not fail a bucket that passes when asked again, and all workers' requests
must share one pool of connections with at most --per-endpoint of them in
flight to the server (counted by the proxy).
"""

import json
import os
import signal
import subprocess
import time

import s3env
from s3env import eq, ok, test

READ_ONLY_NO_GET = ["s3:ListBucket", "s3:GetBucketLocation"]


def gen(mode, bucket):
    rc, out, err = s3env.run_s3perm(
        "gen", "--mode", mode, "--user", s3env.user_name("vendor"),
        "--account", s3env.tenant(), "--bucket", bucket)
    eq(rc, 0, "gen exit (stderr: %s)" % err.strip())
    return json.loads(out)


def granted_bucket(mode, versioned=False, drop=None):
    """A bucket with a customer object and gen's policy for MODE; DROP: an
    action taken out of the policy."""
    b = s3env.create_bucket()
    if versioned:
        s3env.enable_versioning(b)
    s3env.put_object(b, "events/2024-01-01/part-0000.parquet", b"PAR1 x PAR1")
    pol = gen(mode, b)
    if drop:
        for st in pol["Statement"]:
            st["Action"] = [a for a in st["Action"] if a != drop]
        pol["Statement"] = [st for st in pol["Statement"] if st["Action"]]
    s3env.put_policy(b, pol)
    return b


def state(b):
    return (sorted(s3env.list_versions(b)), sorted(s3env.list_keys(b)),
            sorted(s3env.list_uploads(b)))


def fleet(manifest_text, *args, env=None, timeout=300):
    path = s3env.tmpfile(manifest_text, suffix=".jsonl")
    try:
        return s3env.run_s3perm("check", "--manifest", path, "--user",
                                s3env.user_name("vendor"), "--account",
                                s3env.tenant(), *args, user="vendor",
                                env=env, timeout=timeout)
    finally:
        os.unlink(path)


def verdicts(doc):
    """What must agree between a fleet line and a single check."""
    return ([(r["action"], r["status"], r["http_status"], r["code"])
             for r in doc["results"]], doc["missing"], doc["left_behind"])


def lines(out):
    return [json.loads(l) for l in out.splitlines() if l.strip()]


@test
def fleet_equals_single_checks():
    kinds = {}
    for i in range(3):
        kinds["read-%d" % i] = ("read", granted_bucket("read"))
    kinds["export"] = ("export", granted_bucket("export"))
    kinds["export-versioned"] = ("export",
                                 granted_bucket("export", versioned=True))
    kinds["no-get"] = ("read", granted_bucket("read", drop="s3:GetObject"))
    kinds["no-put"] = ("export", granted_bucket("export",
                                                drop="s3:PutObject"))
    kinds["nobucket"] = ("read", s3env.unique_bucket("gone"))
    before = {k: state(b) for k, (m, b) in kinds.items() if k != "nobucket"}
    text = "".join(json.dumps({"id": k, "bucket": b, "mode": m}) + "\n"
                   for k, (m, b) in kinds.items())
    text += "# a comment, then a bad line\n{\"mode\": \"read\"}\n"
    rc, out, err = fleet(text, "--json", "--jobs", "4")
    docs = lines(out)
    eq(len(docs), len(kinds) + 1, "one JSON line per bucket and bad line")
    by_id = {d.get("id"): d for d in docs if "id" in d}
    bad = [d for d in docs if "id" not in d]
    eq(len(bad), 1, "the bad line's document")
    eq(bad[0]["error"]["exit_status"], 2)
    ok("line 10" in bad[0]["error"]["message"], bad[0]["error"]["message"])
    eq(rc, 3, "worst exit status: the missing bucket (stderr: %s)" % err)
    for k, (m, b) in kinds.items():
        d = by_id[k]
        eq(d["bucket"], b)
        if k == "nobucket":
            eq(d["error"]["exit_status"], 3, k)
            ok("NoSuchBucket" in d["error"]["message"] or
               "does not exist" in d["error"]["message"],
               d["error"]["message"])
            continue
        src, sout, serr = s3env.run_s3perm(
            "check", "--json", "--bucket", b, "--mode", m, "--user",
            s3env.user_name("vendor"), "--account", s3env.tenant(),
            user="vendor")
        eq(verdicts(d), verdicts(json.loads(sout)), "verdicts of " + k)
        eq(d["principal"], json.loads(sout)["principal"],
           "who the credentials are, as a single check says (%s)" % k)
        eq(state(b), before[k], "bucket %s left as it was" % k)
    eq(by_id["no-get"]["missing"], ["s3:GetObject"])
    eq(by_id["no-put"]["missing"], ["s3:PutObject"])
    eq(by_id["read-0"]["missing"], [])


@test
def text_output_and_summary():
    g = granted_bucket("read")
    m = granted_bucket("read", drop="s3:GetObject")
    text = "id,bucket,mode\ncust-1,%s,read\ncust-2,%s,read\n" % (g, m)
    rc, out, err = fleet(text, "--summary")
    eq(rc, 1, "a grant missing (stderr: %s)" % err)
    rows = out.splitlines()
    ok(any(r.startswith("granted") and "cust-1" in r for r in rows), out)
    ok(any(r.startswith("missing") and "cust-2" in r and "s3:GetObject" in r
           for r in rows), out)
    ok("2 bucket(s)" in err and "1 all granted" in err and
       "1 missing a grant" in err, err)
    ok("need attention" in err and "cust-2" in err, err)


@test
def manifest_defaults_prefixes_and_bad_input():
    b = granted_bucket("read")
    text = json.dumps({"bucket": b, "prefix": ["events/", "other/"]}) + "\n"
    text += json.dumps({"bucket": "Not_A_Bucket"}) + "\n"
    text += "not json\n"
    rc, out, err = fleet(text, "--json")
    docs = lines(out)
    eq(rc, 2, "bad lines make the run exit 2 (stderr: %s)" % err)
    good = [d for d in docs if "results" in d]
    eq(sorted(d["prefix"] for d in good), ["events/", "other/"])
    for d in good:
        eq(d["mode"], "read", "the command line's default mode")
        eq(d["missing"], [])
    eq(len([d for d in docs if "error" in d]), 2)
    rc, out, err = s3env.run_s3perm("check", "--manifest", "/nonexistent",
                                    user="vendor")
    eq(rc, 2)
    ok("cannot open manifest" in err, err)
    rc, out, err = s3env.run_s3perm("check", "--manifest", "-", "--bucket",
                                    b, user="vendor")
    eq(rc, 2)
    rc, out, err = s3env.run_s3perm("check", "--bucket", b, "--jobs", "3",
                                    user="vendor")
    eq(rc, 2)
    ok("needs '--manifest'" in err, err)


@test
def interrupt_leaves_no_probe_anywhere():
    bs = [granted_bucket("export") for _ in range(12)]
    before = {b: state(b) for b in bs}
    text = "".join(json.dumps({"bucket": b, "mode": "export"}) + "\n"
                   for b in bs)
    path = s3env.tmpfile(text, suffix=".jsonl")
    try:
        with s3env.fault_proxy(delay=0.15) as p:
            e = dict(os.environ)
            e.update(s3env.aws_env("vendor"))
            e["AWS_ENDPOINT_URL"] = p.url
            proc = subprocess.Popen(
                [s3env.s3perm_path(), "check", "--manifest", path, "--json",
                 "--jobs", "4"], env=e, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True)
            time.sleep(1.2)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=120)
    finally:
        os.unlink(path)
    eq(proc.returncode, 3, "interrupted (stderr: %s)" % err)
    ok("interrupted" in err, err)
    for d in lines(out):
        eq(d.get("left_behind"), [], "nothing left behind: %s" % d)
    for b in bs:
        eq(state(b), before[b], "bucket %s left as it was" % b)


@test
def slowdown_bursts_do_not_fail_buckets():
    bs = [granted_bucket("read") for _ in range(6)]
    text = "".join(json.dumps({"bucket": b}) + "\n" for b in bs)
    with s3env.fault_proxy(["slowdown*4@GET"]) as p:
        rc, out, err = fleet(text, "--json", "--jobs", "3", "--summary",
                             env={"AWS_ENDPOINT_URL": p.url})
        st = p.stats()
    eq(rc, 0, "every bucket granted after the bursts (stderr: %s)" % err)
    ok("S3 throttled %d request(s); every worker paused with it"
       % st["by_fault"].get("slowdown", 0) in err,
       "the summary names the shared pause: %s" % err)
    ok(st["by_fault"].get("slowdown", 0) >= 4, "bursts injected: %s" %
       st["by_fault"])
    eq(sorted(d["bucket"] for d in lines(out)), sorted(bs))


@test
def one_pool_capped_per_endpoint():
    """40 buckets, 32 workers, --per-endpoint 4, through the proxy (one
    endpoint, path-style): the proxy never serves more than 4 requests at
    once, and it accepted at most 4 connections plus a little slack for a
    connection the server closed: the workers share one pool (32 private
    pools would open 32 connections at least).  The results are those of
    single checks."""
    kinds = []
    for i in range(40):
        k = ("read", "read", "export", "no-get", "nobucket")[i % 5]
        if k == "nobucket":
            kinds.append((k, "read", s3env.unique_bucket("gone")))
        elif k == "no-get":
            kinds.append((k, "read", granted_bucket("read",
                                                   drop="s3:GetObject")))
        else:
            kinds.append((k, k, granted_bucket(k)))
    text = "".join(json.dumps({"id": "c%02d" % i, "bucket": b, "mode": m}) +
                   "\n" for i, (k, m, b) in enumerate(kinds))
    with s3env.fault_proxy(delay=0.02) as p:
        rc, out, err = fleet(text, "--json", "--jobs", "32",
                             "--per-endpoint", "4",
                             env={"AWS_ENDPOINT_URL": p.url})
        st = p.stats()
    eq(rc, 3, "worst exit status: the missing buckets (stderr: %s)" % err)
    docs = {d["id"]: d for d in lines(out)}
    eq(len(docs), 40, "one line per bucket")
    print("proxy: %d requests, %d connections, at most %d in flight" % (
        st["total"], st["connections"], st["max_in_flight"]))
    ok(st["total"] >= 40 * 3, "requests made: %d" % st["total"])
    eq(st["max_in_flight"], 4, "requests in flight at most, and reached")
    ok(st["connections"] <= 6, "connections accepted: %d for %d requests"
       % (st["connections"], st["total"]))
    for i, (k, m, b) in enumerate(kinds):
        d = docs["c%02d" % i]
        if k == "nobucket":
            eq(d["error"]["exit_status"], 3, k)
            continue
        src, sout, serr = s3env.run_s3perm(
            "check", "--json", "--bucket", b, "--mode", m, "--user",
            s3env.user_name("vendor"), "--account", s3env.tenant(),
            user="vendor")
        eq(verdicts(d), verdicts(json.loads(sout)), "verdicts of " + b)
        eq(d["missing"], ["s3:GetObject"] if k == "no-get" else [], b)


@test
def identity_asked_once_for_the_fleet():
    """The same credentials are the same principal for every bucket: one
    STS GetCallerIdentity for the whole run (STS limits its rate per
    account), its answer in every bucket's result."""
    bs = [granted_bucket("read") for _ in range(5)]
    text = "".join(json.dumps({"bucket": b}) + "\n" for b in bs)
    with s3env.fault_proxy() as p:
        rc, out, err = fleet(text, "--json", "--jobs", "3",
                             env={"AWS_ENDPOINT_URL": p.url})
        st = p.stats()
    eq(rc, 0, "every bucket granted (stderr: %s)" % err)
    asked = [e for e in st["log"] if "GetCallerIdentity" in e["target"]]
    eq(len(asked), 1, "GetCallerIdentity requests: %s" % asked)
    docs = lines(out)
    eq(len(docs), 5)
    for d in docs:
        eq(d["principal"], docs[0]["principal"])
        ok(d["principal"]["caller"] or d["principal"]["identity_note"],
           "the identity (or why it is not known) in every result: %s"
           % d["principal"])


@test
def long_manifest_streams_with_flat_memory():
    """100,000 lines (bad bucket names: no request is made) go through in
    flat memory: the peak RSS of the run over 100,000 lines is within 4 MiB
    of the run over 1,000 (11.4 MiB for both here; 1,000,000 lines too).
    Under AddressSanitizer (make check) freed chunks are kept apart per size
    class and never reused as glibc does, so there the bound is 48 MiB with
    a 1 MiB quarantine: a leak of one allocation per line would still pass
    it only if under 480 bytes, which the valgrind run (make test) and the
    4 MiB bound catch."""
    import resource
    sanitized = bool(os.environ.get("S3PERM_SANITIZED"))
    bound = 48 * 1024 if sanitized else 4096

    def peak(n):
        text = "".join('{"bucket": "Bad_%d"}\n' % i for i in range(n))
        path = s3env.tmpfile(text, suffix=".jsonl")
        try:
            # a fresh process each time: RUSAGE_CHILDREN is the maximum
            # over children, so measure in a child that runs s3perm
            code = ("import resource,subprocess,sys;"
                    "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,"
                    "stderr=subprocess.DEVNULL);"
                    "print(resource.getrusage(resource.RUSAGE_CHILDREN)"
                    ".ru_maxrss)")
            e = dict(os.environ)
            e.update(s3env.aws_env("vendor"))
            if sanitized:
                e["ASAN_OPTIONS"] = "quarantine_size_mb=1:detect_leaks=1"
            p = subprocess.run(["/usr/bin/python3", "-c", code,
                                s3env.s3perm_path(), "check", "--manifest",
                                path, "--json"], env=e, capture_output=True,
                               text=True, timeout=600)
            return int(p.stdout.strip())
        finally:
            os.unlink(path)
    small, large = peak(1000), peak(100000)
    ok(large - small < bound, "peak RSS %d KiB for 1,000 lines, %d KiB for "
       "100,000" % (small, large))
    del resource


if __name__ == "__main__":
    s3env.main()
