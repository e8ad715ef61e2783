"""The policies `s3perm gen` prints, applied unchanged to a real S3 server
(Ceph radosgw, which evaluates bucket policies), grant the vendor exactly
what the mode says, and nobody else anything, on the real local S3
server.

The vendor is user statsig-abc in tenant S3PERM_TEST_TENANT (999689269917),
so its principal is arn:aws:iam::999689269917:user/statsig-abc, exactly what
`s3perm gen --user statsig-abc --account 999689269917` names.  The bucket
owner ("customer") has full access through ACLs; "other" is a third user in
the same account that no policy names.
"""

import json

import s3env
from s3env import eq, ok, test, expect_ops

DATA_KEY = "events/2024-01-01/part-0000.parquet"
DATA = b"PAR1 not really parquet PAR1"


def gen(mode, bucket, *more):
    """Run `s3perm gen` for the vendor and return its stdout (must exit 0,
    print valid JSON, and nothing on stderr)."""
    rc, out, err = s3env.run_s3perm(
        "gen", "--mode", mode, "--user", s3env.user_name("vendor"),
        "--bucket", bucket, "--account", s3env.tenant(), *more)
    eq(rc, 0, "s3perm gen --mode %s exit code (stderr: %s)" % (mode, err.strip()))
    eq(err, "", "s3perm gen --mode %s stderr" % mode)
    try:
        json.loads(out)
    except ValueError as e:
        raise s3env.Failure("s3perm gen printed no valid JSON (%s): %r" % (e, out))
    return out


def apply_unchanged(bucket, text):
    """PutBucketPolicy with TEXT byte for byte; the server must accept it
    (204) and hand back the same document."""
    eq(s3env.put_policy(bucket, text), 204, "PutBucketPolicy status")
    back = s3env.get_policy(bucket)
    ok(back is not None, "GetBucketPolicy found no policy after PutBucketPolicy")
    eq(json.loads(back), json.loads(text), "policy read back from the server")


def gen_supports(option):
    """Whether `s3perm gen --help` offers OPTION (features land one by one;
    once the help claims an option, its test runs)."""
    rc, out, err = s3env.run_s3perm("gen", "--help")
    return rc == 0 and option in out


def bucket_with_data(versioned=False):
    b = s3env.create_bucket()
    if versioned:
        s3env.enable_versioning(b)
    s3env.put_object(b, DATA_KEY, DATA)
    return b


@test
def no_policy_no_access():
    # The baseline the other tests stand on: without a policy, neither the
    # vendor nor "other" can do anything in the customer's bucket.
    b = bucket_with_data()
    for user in ("vendor", "other"):
        expect_ops(user, b, [("ListObjectsV2", 403), ("GetObject", 403),
                             ("PutObject", "probe/x", 403),
                             ("ListMultipartUploads", 403)], key=DATA_KEY)


@test
def read_policy_is_accepted_unchanged_and_grants_read_only():
    b = bucket_with_data()
    upload = s3env.start_multipart(b, "exports/in-progress.csv")
    apply_unchanged(b, gen("read", b))

    expect_ops("vendor", b, [
        ("ListObjectsV2", 200),
        ("GetBucketLocation", 200),
        ("GetObject", 200),
        ("HeadObject", 200),
        ("GetObject", "events/missing", 404),   # 404, not 403: has ListBucket
        ("PutObject", "events/new", 403),
        ("DeleteObject", 403),
        ("ListMultipartUploads", 403),
        ("CreateMultipartUpload", "exports/x", 403),
        ("AbortMultipartUpload", "exports/in-progress.csv",
         {"UploadId": upload}, 403),
    ], key=DATA_KEY)
    expect_ops("other", b, [
        ("ListObjectsV2", 403), ("GetObject", 403), ("HeadObject", 403),
        ("PutObject", "events/new", 403), ("DeleteObject", 403),
    ], key=DATA_KEY)
    # The denied writes changed nothing.
    eq(s3env.list_keys(b), [DATA_KEY], "objects after denied writes")
    eq(s3env.get_object(b, DATA_KEY), DATA, "object body after denied writes")
    eq(s3env.list_uploads(b), [("exports/in-progress.csv", upload)],
       "uploads after denied abort")


@test
def export_policy_is_accepted_unchanged_and_grants_export():
    b = bucket_with_data(versioned=True)
    (_, version, _), = s3env.list_versions(b)
    upload = s3env.start_multipart(b, "exports/in-progress.csv")
    apply_unchanged(b, gen("export", b))

    # First what the third user cannot do (before the vendor changes things).
    expect_ops("other", b, [
        ("ListObjectsV2", 403), ("GetObject", 403),
        ("PutObject", "exports/other", 403), ("DeleteObject", 403),
        ("DeleteObject", DATA_KEY, {"VersionId": version}, 403),
        ("ListMultipartUploads", 403),
        ("ListParts", "exports/in-progress.csv", {"UploadId": upload}, 403),
        ("AbortMultipartUpload", "exports/in-progress.csv",
         {"UploadId": upload}, 403),
    ], key=DATA_KEY)

    expect_ops("vendor", b, [
        ("ListObjectsV2", 200),
        ("GetBucketLocation", 200),
        ("GetObject", 200),
        ("ListMultipartUploads", 200),
        ("ListParts", "exports/in-progress.csv", {"UploadId": upload}, 200),
        ("PutObject", "exports/2024-01-01.csv", 200),
        ("DeleteObject", "exports/2024-01-01.csv", 204),
    ], key=DATA_KEY)
    # Multipart uploads the vendor starts itself, and the customer's.
    expect_ops("vendor", b, [
        ("CreateMultipartUpload", "exports/big.csv", 200),
        ("AbortMultipartUpload", "exports/in-progress.csv",
         {"UploadId": upload}, 204),
    ])
    ok(("exports/in-progress.csv", upload) not in s3env.list_uploads(b),
       "the customer's upload is still there after the vendor aborted it")
    # s3:DeleteObjectVersion: the vendor removes one version for good.
    expect_ops("vendor", b, [
        ("DeleteObject", DATA_KEY, {"VersionId": version}, 204)])
    ok(version not in [v for _, v, _ in s3env.list_versions(b)],
       "version %s still listed after the vendor deleted it" % version)


@test
def vendor_docs_export_policy_denies_list_multipart_uploads():
    # The vendor documentation's own export policy, placeholders replaced by
    # hand as a customer would: the server accepts it silently, yet
    # s3:ListBucketMultipartUploads on bucket/* grants nothing.
    b = bucket_with_data()
    s3env.start_multipart(b, "exports/in-progress.csv")
    docs = s3env.fixture("statsig-docs-export-policy.json",
                         STATSIG_IAM_USER=s3env.user_name("vendor"),
                         YOUR_S3_BUCKET=b)
    docs = docs.replace(":999689269917:", ":%s:" % s3env.tenant())
    apply_unchanged(b, docs)
    expect_ops("vendor", b, [
        ("ListObjectsV2", 200),
        ("GetObject", 200),
        ("PutObject", "exports/x.csv", 200),
        ("ListMultipartUploads", 403),   # the defect
    ], key=DATA_KEY)
    eq(s3env.try_op("vendor", "ListMultipartUploads", b),
       (403, "AccessDenied"), "vendor docs policy: ListMultipartUploads")

    # s3perm's export policy for the same bucket fixes exactly that.
    apply_unchanged(b, gen("export", b))
    eq(s3env.try_op("vendor", "ListMultipartUploads", b), (200, None),
       "s3perm export policy: ListMultipartUploads")


@test
def read_policy_with_prefix_limits_vendor_to_prefix():
    if not gen_supports("--prefix"):
        print("     (s3perm gen has no --prefix yet: not tested)")
        return
    b = bucket_with_data()
    s3env.put_object(b, "private/payroll.csv")
    apply_unchanged(b, gen("read", b, "--prefix", "events/"))
    expect_ops("vendor", b, [
        ("ListObjectsV2", None, {"Prefix": "events/"}, 200),
        ("ListObjectsV2", None, {"Prefix": "events/2024-01-01/"}, 200),
        ("GetObject", DATA_KEY, 200),
        ("GetBucketLocation", 200),                  # still allowed
        ("ListObjectsV2", None, {"Prefix": "eventsx/"}, 403),
        ("ListObjectsV2", 403),                      # whole bucket: no
        ("ListObjectsV2", None, {"Prefix": "private/"}, 403),
        ("GetObject", "private/payroll.csv", 403),
    ])


@test
def merged_policy_keeps_customer_grants_and_remove_takes_vendor_out():
    if not gen_supports("--merge"):
        print("     (s3perm gen has no --merge yet: not tested)")
        return
    b = bucket_with_data()
    s3env.put_object(b, "shared/report.csv")
    current = {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "CustomerSharesReports",
            "Effect": "Allow",
            "Principal": {"AWS": s3env.principal_arn("other")},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::%s/shared/*" % b,
        }],
    }
    apply_unchanged(b, json.dumps(current))
    eq(s3env.try_op("other", "GetObject", b, "shared/report.csv")[0], 200,
       "customer's own grant before merging")

    merged = gen("read", b, "--merge", s3env.tmpfile(s3env.get_policy(b)))
    apply_unchanged(b, merged)
    expect_ops("vendor", b, [("ListObjectsV2", 200), ("GetObject", 200)],
               key=DATA_KEY)
    expect_ops("other", b, [("GetObject", "shared/report.csv", 200),
                            ("ListObjectsV2", 403)])
    # Merging again changes nothing.
    again = gen("read", b, "--merge", s3env.tmpfile(merged))
    eq(json.loads(again), json.loads(merged), "merging the merged policy again")

    if not gen_supports("--remove"):
        print("     (s3perm gen has no --remove yet: not tested)")
        return
    removed = gen("read", b, "--merge", s3env.tmpfile(merged), "--remove")
    apply_unchanged(b, removed)
    expect_ops("vendor", b, [("ListObjectsV2", 403), ("GetObject", 403)],
               key=DATA_KEY)
    expect_ops("other", b, [("GetObject", "shared/report.csv", 200)])


if __name__ == "__main__":
    s3env.main()
