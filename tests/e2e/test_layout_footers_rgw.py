"""`s3perm layout` reads the parquet footers, on the real local S3
server (radosgw) and on the same tree as a local directory: a bucket built
from the fixtures DuckDB wrote (tests/fixtures/parquet/) with each finding
planted -- a type change on one day, a dropped column, an added column next
to a normal file, a day with 0 rows, a day with 5% of the rows, a file cut
short, an encrypted footer, a footer over the first 64 KiB read, Spark
markers -- gives the same findings, datasets and exit code both ways.  Then
--schema, --outlier-pct, --no-content, --dataset under a grant scoped to
one prefix (no listing of the bucket root), and a directory given one
level too deep.
"""

import json
import os

import s3env
from s3env import eq, ok, test

# The helpers of the listing tests (upload, write_local, compare, codes);
# only this file's tests run (importing registers the others too).
import test_layout_rgw as base
s3env._tests[:] = []

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "fixtures", "parquet")


def fx(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read()


BASE = fx("layout_base.parquet")
DAYS = base.iso_days("2024-01-01", 10)


def planted():
    tree = []
    for i, day in enumerate(DAYS):
        body = {2: fx("layout_type_change.parquet"),
                3: fx("layout_drop_column.parquet"),
                4: fx("layout_empty.parquet"),
                5: fx("layout_small.parquet")}.get(i, BASE)
        tree.append(("events/%s/part-0.parquet" % day, body))
    tree += [
        ("events/2024-01-07/part-1.parquet", BASE[:5000]),       # cut short
        ("events/2024-01-08/part-1.parquet", fx("layout_add_column.parquet")),
        ("events/2024-01-08/_SUCCESS", b""),
        ("events/2024-01-08/_committed_123", b"{}"),
        ("events/2024-01-08/.part-0.parquet.crc", b"crc"),
        ("wide/2024-01-01/a.parquet", fx("duckdb_wide.parquet")),  # 138 KB footer
        ("wide/2024-01-01/b.parquet", fx("duckdb_encrypted.parquet")),
    ]
    return tree


PLANTED = [
    ("info", "job_markers", "events/"),
    ("error", "schema_drift", "events/2024-01-03/"),
    ("error", "schema_drift", "events/2024-01-04/"),
    ("warning", "empty_day", "events/2024-01-05/"),
    ("warning", "row_count_outlier", "events/2024-01-06/"),
    ("error", "truncated_parquet", "events/2024-01-07/part-1.parquet"),
    ("error", "schema_drift", "events/2024-01-08/"),
    ("error", "schema_mixed_within_day", "events/2024-01-08/"),
    ("warning", "encrypted_footer", "wide/2024-01-01/b.parquet"),
]

def both():
    """A new planted bucket (deleted after the test) and directory."""
    return base.make_both(planted())


@test
def planted_findings_identical_bucket_and_local():
    rc, doc = base.compare(*both())
    eq(rc, 1, "exit code")
    eq(base.codes(doc), PLANTED, "findings")
    msgs = {(f["code"], f["path"]): f["message"] for f in doc["findings"]}
    eq(msgs[("schema_drift", "events/2024-01-03/")],
       "schema differs from the dataset's (8 files): column 'user_id' "
       "changed from INT64 OPTIONAL INT_64 to BYTE_ARRAY OPTIONAL UTF8; in 1 "
       "file, first on 2024-01-03, e.g. 'events/2024-01-03/part-0.parquet'")
    ok("column 'ts' removed" in msgs[("schema_drift", "events/2024-01-04/")],
       msgs)
    ok("column 'price' added (DOUBLE OPTIONAL)"
       in msgs[("schema_drift", "events/2024-01-08/")], msgs)
    eq(msgs[("row_count_outlier", "events/2024-01-06/")],
       "50 rows: 5.0% of the dataset's median day (1000 rows), below the "
       "25% threshold")
    ev = base.dataset(doc, "events")
    eq(ev["markers"], 3)
    eq(ev["files"], 12)
    eq(ev["footers"], 11)
    eq(ev["rows"], 9050)
    eq(ev["schemas"], 4)
    eq([(c["path"], c["type"], c["logical_type"]) for c in ev["schema"]],
       [("user_id", "INT64", None), ("event", "BYTE_ARRAY", None),
        ("ts", "INT64", "TIMESTAMP(MICROS,local)")])
    eq([(d["day"], d["rows"], d["complete"], d["outlier"])
        for d in ev["rows_per_day"]],
       [("2024-01-01", 1000, True, False), ("2024-01-02", 1000, True, False),
        ("2024-01-03", 1000, True, False), ("2024-01-04", 1000, True, False),
        ("2024-01-05", 0, True, False), ("2024-01-06", 50, True, True),
        ("2024-01-07", 1000, False, False), ("2024-01-08", 2000, True, False),
        ("2024-01-09", 1000, True, False), ("2024-01-10", 1000, True, False)])
    wide = base.dataset(doc, "wide")
    eq(wide["footers"], 1, "the 138 KB footer was read (second ranged GET)")
    eq(len(wide["schema"]), 1000)


@test
def text_report_and_schema_only():
    b, d = both()
    rc, out, err = s3env.run_s3perm("layout", "--bucket", b, "--dataset",
                                    "events", user="customer")
    eq(rc, 1, "exit code (stderr %r)" % err)
    for line in ("events: 9050 rows in 11 footers; rows per day: first "
                 "2024-01-01 1000, last 2024-01-10 1000, min 50, median "
                 "1000, max 2000; outliers: 2024-01-06 50",
                 "  schema (3 columns; 3 other schemas seen, see "
                 "schema_drift):",
                 "    user_id  INT64 OPTIONAL INT_64",
                 "    ts       INT64 OPTIONAL TIMESTAMP(MICROS,local)"):
        ok(line + "\n" in out, "missing line %r in:\n%s" % (line, out))
    for root in (("--bucket", b), ("--local", d)):
        rc, out, err = s3env.run_s3perm("layout", *root, "--dataset",
                                        "events", "--schema",
                                        user="customer" if root[0] ==
                                        "--bucket" else None)
        eq(out, "events:\n"
                "    user_id  INT64 OPTIONAL INT_64\n"
                "    event    BYTE_ARRAY OPTIONAL UTF8\n"
                "    ts       INT64 OPTIONAL TIMESTAMP(MICROS,local)\n",
           "--schema of %s" % root[0])
    # 1,000 columns: the report shows 40 and says where the rest are;
    # --schema prints every one
    rc, out, err = s3env.run_s3perm("layout", "--local", d, "--dataset",
                                    "wide")
    ok("    column_with_a_long_name_0039  INT64 OPTIONAL INT_64\n" in out
       and "column_with_a_long_name_0040" not in out and
       "    ... and 960 more columns ('s3perm layout --schema' prints them "
       "all)\n" in out, out[-2000:])
    rc, out, err = s3env.run_s3perm("layout", "--local", d, "--dataset",
                                    "wide", "--schema")
    eq(len(out.splitlines()), 1 + 1000, "--schema: every column")


@test
def outlier_threshold_and_no_content():
    b, d = both()
    rc, doc = base.compare(b, d, "--outlier-pct", "4")
    ok(("warning", "row_count_outlier", "events/2024-01-06/")
       not in base.codes(doc), base.codes(doc))
    rc, doc = base.compare(b, d, "--no-content")
    eq(base.codes(doc), [("info", "job_markers", "events/")])
    eq(rc, 0, "exit code: a note only")
    eq(base.dataset(doc, "events")["footers"], 0)


@test
def dataset_scoped_grant_lists_only_the_prefix():
    # The vendor may list only under events/ and read only there: a listing
    # of the bucket root would be denied (exit 3 before the listing was scoped).
    b, d = both()
    s3env.put_policy(b, {"Version": "2012-10-17", "Statement": [
        {"Sid": "List", "Effect": "Allow",
         "Principal": {"AWS": [s3env.principal_arn("vendor")]},
         "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::" + b],
         "Condition": {"StringLike": {"s3:prefix": ["events/*"]}}},
        {"Sid": "Read", "Effect": "Allow",
         "Principal": {"AWS": [s3env.principal_arn("vendor")]},
         "Action": ["s3:GetObject"],
         "Resource": ["arn:aws:s3:::%s/events/*" % b]}]})
    try:
        rc, doc, err = base.layout("--bucket", b, "--dataset", "events",
                                   user="vendor")
        eq(rc, 1, "exit code (stderr %r)" % err)
        eq(base.codes(doc), [c for c in PLANTED if c[2].startswith("events/")])
        # Without --dataset the root listing is refused: exit 3.
        rc, doc, err = base.layout("--bucket", b, user="vendor")
        eq(rc, 3, "exit code without --dataset (stderr %r)" % err)
    finally:
        s3env.delete_policy(b)


@test
def local_one_level_too_deep():
    b, d = both()
    rc, doc, err = base.layout("--local", os.path.join(d, "events"))
    eq(rc, 1, "exit code")
    eq(base.codes(doc), [("error", "root_is_dataset", "")])
    ok("one dataset's folder" in doc["findings"][0]["message"], doc)


if __name__ == "__main__":
    try:
        s3env.main()
    finally:
        base.cleanup_dirs()
