"""`s3perm layout` on the real local S3 server (radosgw) and on local
directories holding the same trees: a clean layout, gaps, a CSV, a
fake parquet, a zero-byte parquet, an empty day folder, a bad date, a loose
file, many days across a month and a year boundary, a listing of more than
1000 keys (pagination) -- and for each, the findings for the bucket and for
the directory are identical.
"""

import concurrent.futures
import json
import os
import shutil
import struct
import tempfile

import s3env
from s3env import eq, ok, test


# The smallest valid parquet footer (tests/mini_parquet.h): version 1, a
# root "schema" with one REQUIRED INT64 column "id", num_rows 10, no row
# group.  The content check decodes it.
MINI_FOOTER = (b"\x15\x02\x19\x2c\x48\x06schema\x15\x02\x00\x15\x04"
               b"\x25\x00\x18\x02id\x00\x16\x14\x19\x0c\x00")


def parquet(payload=MINI_FOOTER):
    """The smallest parquet file the content check accepts: the magic at both
    ends, a footer that decodes and its length."""
    return b"PAR1" + payload + struct.pack("<I", len(payload)) + b"PAR1"


PQ = parquet()
FAKE = b"id,value\n1,2\n3,4\n5,6\n7,8\n"     # a CSV named .parquet


def day_keys(dataset, days, files=1, name="part-%05d.parquet", body=PQ):
    return [("%s/%s/%s" % (dataset, d, name % i), body)
            for d in days for i in range(files)]


def iso_days(first, count):
    """COUNT consecutive ISO days from FIRST ("2024-01-30")."""
    import datetime
    d = datetime.date.fromisoformat(first)
    return [(d + datetime.timedelta(days=i)).isoformat() for i in range(count)]


_pool = concurrent.futures.ThreadPoolExecutor(max_workers=16)


def upload(bucket, tree):
    """PUT every (key, body) of TREE, concurrently; keys ending in '/' are
    zero-byte folder markers, as the S3 console creates them."""
    c = s3env.client("customer")
    list(_pool.map(lambda kv: c.put_object(Bucket=bucket, Key=kv[0],
                                           Body=kv[1]), tree))


def write_local(tree):
    """The same tree in a new temporary directory; returns its path."""
    root = tempfile.mkdtemp(prefix="s3perm-layout-")
    _dirs.append(root)
    for key, body in tree:
        path = os.path.join(root, *key.rstrip("/").split("/"))
        if key.endswith("/"):
            os.makedirs(path, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(body)
    return root


_dirs = []


def cleanup_dirs():
    while _dirs:
        shutil.rmtree(_dirs.pop(), ignore_errors=True)


def layout(*args, user="customer"):
    """Run `s3perm layout ARGS --json`; returns (rc, parsed JSON or None,
    stderr)."""
    rc, out, err = s3env.run_s3perm("layout", *args, "--json", user=user)
    doc = None
    if out:
        try:
            doc = json.loads(out)
        except ValueError as e:
            raise s3env.Failure("s3perm layout printed no valid JSON (%s): %r"
                                % (e, out))
    return rc, doc, err


def compare(bucket, directory, *args):
    """Run the layout check on BUCKET and DIRECTORY, require identical
    datasets, findings and exit codes; returns (exit code, bucket JSON)."""
    rc_b, doc_b, err_b = layout("--bucket", bucket, *args)
    rc_l, doc_l, err_l = layout("--local", directory, *args, user=None)
    ok(doc_b is not None, "bucket run printed nothing (rc %d, stderr %r)"
       % (rc_b, err_b))
    ok(doc_l is not None, "local run printed nothing (rc %d, stderr %r)"
       % (rc_l, err_l))
    eq(list(doc_b), ["bucket", "datasets", "findings"], "JSON keys")
    eq(doc_b["bucket"], bucket, "bucket name in JSON")
    eq(doc_l["directory"], directory, "directory in JSON")
    eq(doc_l["findings"], doc_b["findings"], "findings local vs bucket")
    eq(doc_l["datasets"], doc_b["datasets"], "datasets local vs bucket")
    eq(rc_l, rc_b, "exit code local vs bucket")
    eq(err_b, "", "stderr of the bucket run")
    return rc_b, doc_b


def make_both(tree):
    """Upload TREE to a new bucket and write it to a new directory."""
    b = s3env.create_bucket()
    upload(b, tree)
    return b, write_local(tree)


def check_both(tree, *args):
    """make_both + compare."""
    return compare(*make_both(tree), *args)


def codes(doc):
    """[(severity, code, path)] of the findings, in report order."""
    return [(f["severity"], f["code"], f["path"]) for f in doc["findings"]]


FIGURES = ("name", "first_day", "last_day", "days", "files", "bytes",
           "missing_days", "missing_day_count")


def figures(d):
    """The listing figures of a dataset (not the footer ones)."""
    return {k: d[k] for k in FIGURES}


def dataset(doc, name):
    for d in doc["datasets"]:
        if d["name"] == name:
            return d
    raise s3env.Failure("no dataset %r in %r" % (name, doc["datasets"]))


@test
def clean_layout():
    tree = (day_keys("events", iso_days("2024-01-01", 5), files=2) +
            day_keys("metrics", iso_days("2024-01-01", 5)) +
            [("signals/finished_date/part-0.parquet", PQ),
             ("events/", b""), ("events/2024-01-03/", b"")])
    rc, doc = check_both(tree)
    eq(rc, 0, "exit code")
    eq(doc["findings"], [], "findings")
    eq([figures(d) for d in doc["datasets"]], [
        {"name": "events", "first_day": "2024-01-01",
         "last_day": "2024-01-05", "days": 5, "files": 10,
         "bytes": 10 * len(PQ), "missing_days": [], "missing_day_count": 0},
        {"name": "metrics", "first_day": "2024-01-01",
         "last_day": "2024-01-05", "days": 5, "files": 5,
         "bytes": 5 * len(PQ), "missing_days": [], "missing_day_count": 0},
        {"name": "signals", "first_day": None, "last_day": None, "days": 0,
         "files": 1, "bytes": len(PQ), "missing_days": [], "missing_day_count": 0},
    ], "datasets")


@test
def gaps():
    days = ["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-07"]
    both = make_both(day_keys("events", days))
    rc, doc = compare(*both)
    eq(rc, 0, "exit code (warnings only)")
    eq(compare(*both, "--strict")[0], 1, "exit code with --strict")
    eq(codes(doc), [("warning", "missing_days", "events/2024-01-03/"),
                    ("warning", "missing_days", "events/2024-01-06/")])
    eq(doc["findings"][0]["message"],
       "2 days are missing: 2024-01-03 to 2024-01-04")
    d = dataset(doc, "events")
    eq(d["missing_days"], [
        {"from": "2024-01-03", "to": "2024-01-04", "days": 2},
        {"from": "2024-01-06", "to": "2024-01-06", "days": 1}])
    eq(d["missing_day_count"], 3)
    eq(d["days"], 4)


@test
def csv_file():
    tree = day_keys("events", iso_days("2024-02-01", 2)) + [
        ("events/2024-02-02/export.csv", b"a,b\n1,2\n")]
    rc, doc = check_both(tree)
    eq(rc, 1, "exit code")
    eq(codes(doc), [("error", "not_parquet", "events/2024-02-02/export.csv")])


@test
def fake_parquet():
    tree = day_keys("events", iso_days("2024-02-01", 2)) + [
        ("events/2024-02-01/fake.parquet", FAKE),
        ("events/2024-02-02/tail.parquet", b"PAR1" + b"x" * 30),
        ("events/2024-02-02/footer.parquet",
         b"PAR1" + b"x" * 8 + struct.pack("<I", 1000) + b"PAR1")]
    both = make_both(tree)
    rc, doc = compare(*both)
    eq(rc, 1, "exit code")
    eq(codes(doc), [("error", "bad_parquet", "events/2024-02-01/fake.parquet"),
                    ("error", "truncated_parquet",
                     "events/2024-02-02/footer.parquet"),
                    ("error", "truncated_parquet",
                     "events/2024-02-02/tail.parquet")])
    msgs = [f["message"] for f in doc["findings"]]
    ok("start with the parquet magic" in msgs[0], msgs[0])
    ok("footer length" in msgs[1], msgs[1])
    ok("no trailing PAR1 magic" in msgs[2], msgs[2])
    # --no-content skips the reads: nothing to find by name alone
    rc, doc = compare(*both, "--no-content")
    eq(rc, 0, "exit code with --no-content")
    eq(codes(doc), [])


@test
def zero_byte_parquet():
    tree = day_keys("events", iso_days("2024-02-01", 2)) + [
        ("events/2024-02-02/empty.parquet", b"")]
    rc, doc = check_both(tree)
    eq(rc, 1, "exit code")
    eq(codes(doc), [("error", "zero_bytes", "events/2024-02-02/empty.parquet")])


@test
def empty_day_folder():
    # S3: a zero-byte "day/" marker object; locally: an empty directory
    tree = day_keys("events", ["2024-03-01", "2024-03-03"]) + [
        ("events/2024-03-02/", b"")]
    rc, doc = check_both(tree)
    eq(rc, 0, "exit code (a warning only)")
    eq(codes(doc), [("warning", "empty_day", "events/2024-03-02/")])
    eq(dataset(doc, "events")["missing_days"],
       [{"from": "2024-03-02", "to": "2024-03-02", "days": 1}])
    eq(dataset(doc, "events")["days"], 2)


@test
def bad_dates():
    tree = day_keys("events", ["2024-01-01", "2024-01-02", "2024-13-01",
                               "latest", "20240103"])
    rc, doc = check_both(tree)
    eq(rc, 1, "exit code")
    eq(codes(doc), [("error", "invalid_day", "events/2024-13-01/"),
                    ("warning", "day_not_iso", "events/20240103/"),
                    ("error", "invalid_day", "events/latest/")])
    d = dataset(doc, "events")
    eq((d["first_day"], d["last_day"], d["days"]),
       ("2024-01-01", "2024-01-03", 3))


@test
def loose_and_stray_files():
    tree = day_keys("events", ["2024-01-01"]) + [
        ("events/part-0.parquet", PQ), ("README.txt", b"hello\n"),
        ("events/2099-01-01/part-0.parquet", PQ)]
    both = make_both(tree)
    rc, doc = compare(*both)
    eq(rc, 0, "exit code (warnings only)")
    eq(compare(*both, "--strict")[0], 1, "exit code with --strict")
    eq(codes(doc), [("warning", "top_level_object", "README.txt"),
                    ("warning", "future_day", "events/2099-01-01/"),
                    ("warning", "loose_file", "events/part-0.parquet")])


@test
def many_days_across_month_and_year():
    days = iso_days("2023-11-20", 120)       # to 2024-03-18, leap February
    rc, doc = check_both(day_keys("events", days, files=2))
    eq(rc, 0, "exit code")
    d = dataset(doc, "events")
    eq((d["first_day"], d["last_day"], d["days"], d["files"]),
       ("2023-11-20", "2024-03-18", 120, 240))
    ok("2024-02-29" in days, "leap day in the range")
    # take out the year's last day, and Feb 29: both found
    keep = [x for x in days if x not in ("2023-12-31", "2024-02-29")]
    both = make_both(day_keys("metrics", keep))
    rc, doc = compare(*both)
    eq(codes(doc), [("warning", "missing_days", "metrics/2023-12-31/"),
                    ("warning", "missing_days", "metrics/2024-02-29/")])
    # --since / --until limit the days looked at
    rc, doc = compare(*both, "--since", "2024-01-01", "--until", "2024-01-31")
    eq(rc, 0, "exit code with --since/--until")
    d = dataset(doc, "metrics")
    eq((d["first_day"], d["last_day"], d["days"]),
       ("2024-01-01", "2024-01-31", 31))


def delete_all(bucket):
    """Remove every object (more than the runner's cleanup lists)."""
    c = s3env.client("customer")
    token = {}
    while True:
        r = c.list_objects_v2(Bucket=bucket, **token)
        objs = [{"Key": o["Key"]} for o in r.get("Contents", [])]
        if objs:
            c.delete_objects(Bucket=bucket, Delete={"Objects": objs})
        if not r.get("IsTruncated"):
            return
        token = {"ContinuationToken": r["NextContinuationToken"]}


@test
def pagination_over_1000_keys():
    # 1210 objects in one dataset (two pages and more), 10 days x 120, one
    # day missing, one CSV found in the middle of the second page.
    days = [x for x in iso_days("2024-05-01", 11) if x != "2024-05-06"]
    tree = day_keys("events", days, files=120) + day_keys(
        "metrics", days[:2]) + [("events/2024-05-09/zz.csv", b"a\n")]
    ok(len(tree) > 1000, "more than 1000 keys")
    both = make_both(tree)
    try:
        rc, doc = compare(*both)
        eq(rc, 1, "exit code")
        eq(codes(doc), [("warning", "missing_days", "events/2024-05-06/"),
                        ("error", "not_parquet", "events/2024-05-09/zz.csv")])
        d = dataset(doc, "events")
        eq((d["days"], d["files"]), (10, 1201))
        eq(d["bytes"], 1200 * len(PQ) + 2)
        # one dataset only
        rc, doc = compare(*both, "--dataset", "metrics", "--no-content")
        eq(rc, 0, "exit code with --dataset metrics")
        eq([x["name"] for x in doc["datasets"]], ["metrics"])
    finally:
        for b in s3env._created_buckets:
            delete_all(b)


@test
def readable_report_of_a_broken_layout():
    tree = day_keys("events", ["2024-01-01", "2024-01-04"]) + [
        ("events/2024-01-04/x.csv", b"a\n"), ("events/2024-13-01/", b"")]
    b = s3env.create_bucket()
    upload(b, tree)
    rc, out, err = s3env.run_s3perm("layout", "--bucket", b, user="customer")
    eq(rc, 1, "exit code")
    eq(err, "", "stderr")
    ok(out.startswith("bucket: %s\n" % b), out)
    for line in ("events/2024-01-02/: warning: 2 days are missing: "
                 "2024-01-02 to 2024-01-03 [missing_days]",
                 "events/2024-01-04/x.csv: error: not a parquet file: the "
                 "name does not end in .parquet [not_parquet]",
                 "events/2024-13-01/: error: day folder '2024-13-01' is not "
                 "a valid date [invalid_day]",
                 "2 errors, 1 warning"):
        ok(line + "\n" in out, "missing line %r in:\n%s" % (line, out))


@test
def vendor_without_getobject():
    # The vendor may list (s3:ListBucket) but not read: every content read
    # is a 403, reported per file; names and sizes are still checked.
    b = s3env.create_bucket()
    upload(b, day_keys("events", ["2024-01-01", "2024-01-02"]) +
           [("events/2024-01-02/x.csv", b"a\n")])
    s3env.put_policy(b, {"Version": "2012-10-17", "Statement": [{
        "Sid": "List", "Effect": "Allow",
        "Principal": {"AWS": [s3env.principal_arn("vendor")]},
        "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::" + b]}]})
    rc, doc, err = layout("--bucket", b, user="vendor")
    eq(rc, 1, "exit code (stderr %r)" % err)
    eq(codes(doc), [
        ("warning", "content_unreadable", "events/2024-01-01/part-00000.parquet"),
        ("warning", "content_unreadable", "events/2024-01-02/part-00000.parquet"),
        ("error", "not_parquet", "events/2024-01-02/x.csv")])
    ok("403 AccessDenied" in doc["findings"][0]["message"],
       doc["findings"][0]["message"])
    rc, doc, err = layout("--bucket", b, "--no-content", user="vendor")
    eq(codes(doc), [("error", "not_parquet", "events/2024-01-02/x.csv")])


@test
def errors_and_exit_codes():
    b = s3env.create_bucket()
    # usage: exit 2, nothing on stdout
    for args in (["--bucket", b, "--local", "/tmp"], [],
                 ["--bucket", "Bad_Name"], ["--local", "/tmp", "--since", "x"],
                 ["--local", "/tmp", "--until", "2024-02-30"],
                 ["--local", "/tmp", "--since", "2024-02-02", "--until",
                  "2024-02-01"],
                 ["--local", "/tmp", "--dataset", "a/b"],
                 ["--local", "/tmp", "--endpoint", "http://x"],
                 ["--local", "/tmp", "--timeout", "5"],
                 ["--bucket", b, "--timeout", "0"],
                 ["--bucket", b, "--region", "Bad_Region"],
                 ["--local", "/nonexistent-s3perm-dir"], ["--bogus"]):
        rc, out, err = s3env.run_s3perm("layout", *args)
        eq(rc, 2, "exit code of %s (stderr %r)" % (args, err))
        eq(out, "", "stdout of %s" % args)
        ok(err.startswith("s3perm: error: "), "stderr of %s: %r" % (args, err))
    # could not list: exit 3
    rc, out, err = s3env.run_s3perm("layout", "--bucket", b + "-missing",
                                    user="customer")
    eq(rc, 3, "exit code for a missing bucket (stderr %r)" % err)
    eq(out, "", "stdout for a missing bucket")
    rc, out, err = s3env.run_s3perm("layout", "--bucket", b, user="vendor")
    eq(rc, 3, "exit code without s3:ListBucket (stderr %r)" % err)
    ok("AccessDenied" in err, "stderr names AccessDenied: %r" % err)
    rc, out, err = s3env.run_s3perm(
        "layout", "--bucket", b, "--timeout", "5", user="customer",
        env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    eq(rc, 3, "exit code for an unreachable endpoint (stderr %r)" % err)
    # an empty bucket: a warning, exit 0 (1 with --strict)
    rc, doc, err = layout("--bucket", b)
    eq(rc, 0, "exit code for an empty bucket")
    eq(layout("--bucket", b, "--strict")[0], 1, "empty bucket, --strict")
    eq(codes(doc), [("warning", "no_datasets", "")])
    # --help names every option
    rc, out, err = s3env.run_s3perm("layout", "--help")
    eq(rc, 0, "--help exit code")
    for opt in ("--bucket", "--local", "--dataset", "--since", "--until",
                "--no-content", "--json", "--endpoint", "--region",
                "--profile", "--path-style", "--timeout", "--verbose"):
        ok(opt in out, "--help names %s" % opt)


if __name__ == "__main__":
    try:
        s3env.main()
    finally:
        cleanup_dirs()
