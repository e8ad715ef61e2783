"""test_creds_rgw - credentials from the provider chain (creds.h), accepted
by a real S3 server: radosgw with STS enabled (tests/rgw.sh makes the roles).

- a role_arn + source_profile profile: s3perm calls STS AssumeRole on
  radosgw (the profile's endpoint_url applies to STS as to S3, as the AWS
  CLI reads it), and radosgw accepts the temporary credentials (session
  token included) for `check` and `verify --fetch`;
- credential_process: a script prints the customer's keys as JSON
  Version 1; `check` and `verify --fetch` succeed with them;
- a role the customer may not assume: a clear "assume role ... AccessDenied"
  error, exit 3;
- --verbose names the provider; no secret, session token or key given to
  s3perm appears in any output.
(radosgw 16 does not evaluate sts:ExternalId in trust policies, so the
external id is shown sent in tests/test_creds_providers.sh against a
stand-in STS.)
"""

import json
import os
import shutil
import stat
import tempfile

import s3env
from s3env import eq, ok, test

_dirs = []


def home(config, credentials=""):
    """A fresh HOME with ~/.aws/config and ~/.aws/credentials; returns the
    environment that points s3perm at them (and nothing else)."""
    d = tempfile.mkdtemp(prefix="s3perm-creds-")
    _dirs.append(d)
    os.makedirs(os.path.join(d, ".aws"))
    with open(os.path.join(d, ".aws", "config"), "w") as f:
        f.write(config)
    with open(os.path.join(d, ".aws", "credentials"), "w") as f:
        f.write(credentials)
    return d, {"HOME": d, "AWS_CONFIG_FILE": os.path.join(d, ".aws", "config"),
               "AWS_SHARED_CREDENTIALS_FILE":
                   os.path.join(d, ".aws", "credentials")}


def sts_endpoint():
    """The gateway of tests/rgw.sh with STS on (the main one answers wrong
    signatures as AWS does, which STS mode changes)."""
    return s3env.env("S3PERM_TEST_STS_ENDPOINT")


def base_profiles():
    ak, sk = s3env.keys("customer")
    ep = sts_endpoint()
    return ("[profile base]\n"
            # upper-case key names, as some users write them
            "AWS_ACCESS_KEY_ID = %s\nAws_Secret_Access_Key = %s\n"
            "region = us-east-1\n"
            "[profile role]\nrole_arn = %s\nsource_profile = base\n"
            "role_session_name = s3perm-e2e\nduration_seconds = 900\n"
            "region = us-east-1\nendpoint_url = %s\n"
            "[profile denied]\nrole_arn = %s\nsource_profile = base\n"
            "region = us-east-1\nendpoint_url = %s\n"
            % (ak, sk, os.environ["S3PERM_TEST_ROLE_ARN"], ep,
               os.environ["S3PERM_TEST_ROLE_DENIED_ARN"], ep))


def no_secret(*texts, extra=()):
    secrets = [s3env.keys(u)[1] for u in s3env.USERS] + list(extra)
    for t in texts:
        for s in secrets:
            ok(s not in t, "a secret appears in the output: %r" % t[:300])


def policy_bucket():
    """A bucket of the customer with the vendor's export policy."""
    b = s3env.create_bucket()
    s3env.put_object(b, "events/2024-01-01/part-0000.parquet", b"PAR1 x PAR1")
    rc, pol, err = s3env.run_s3perm(
        "gen", "--mode", "export", "--user", s3env.user_name("vendor"),
        "--account", s3env.tenant(), "--bucket", b)
    eq(rc, 0, "gen: " + err)
    s3env.put_policy(b, pol)
    return b


def check_and_verify(env, profile, provider_line):
    b = policy_bucket()
    rc, out, err = s3env.run_s3perm(
        "check", "--bucket", b, "--mode", "read", "--path-style",
        "--user", s3env.user_name("vendor"), "--account", s3env.tenant(),
        "--profile", profile, "--verbose", env=env)
    eq(rc, 0, "check exit code (stderr: %s)" % err[-600:])
    ok(provider_line in err, "no %r in the verbose output: %s"
       % (provider_line, err[:600]))
    ok("granted" in out, "check output: %s" % out)
    no_secret(out, err)
    rc2, out2, err2 = s3env.run_s3perm(
        "verify", "--bucket", b, "--mode", "export", "--principal",
        s3env.principal_arn("vendor"), "--json", "--fetch", "--path-style",
        "--profile", profile, "--verbose", env=env)
    ok(rc2 in (0, 1), "verify --fetch exit %d: %s" % (rc2, err2[-600:]))
    rep = json.loads(out2)
    ok(rep.get("results"), "verify --fetch report without results: %s"
       % out2[:300])
    ok(provider_line in err2, "no %r in verify's verbose output" %
       provider_line)
    no_secret(out2, err2)
    # The same verdicts as with the customer's own keys.
    rc3, out3, _ = s3env.run_s3perm(
        "verify", "--bucket", b, "--mode", "export", "--principal",
        s3env.principal_arn("vendor"), "--json", "--fetch", "--path-style",
        "--endpoint", s3env.endpoint(), "--region", s3env.REGION,
        user="customer")
    eq(rc2, rc3, "verify exit code with the customer's own keys")
    eq([r["decision"] for r in rep["results"]],
       [r["decision"] for r in json.loads(out3)["results"]],
       "verify decisions with the customer's own keys")
    return err


@test
def assume_role_profile_check_and_verify_fetch():
    _, env = home(base_profiles())
    err = check_and_verify(
        env, "role", "s3perm: credentials from assume role: role %s from "
        "profile 'role'" % os.environ["S3PERM_TEST_ROLE_ARN"])
    ok("expire " in err, "the verbose line names no expiry: %s" % err[:400])


@test
def credential_process_check_and_verify_fetch():
    ak, sk = s3env.keys("customer")
    d, env = home("")
    script = os.path.join(d, "creds helper.sh")   # a space in the path
    with open(script, "w") as f:
        f.write("#!/bin/sh\n"
                "echo 'helper: fetched from the vault' >&2\n"
                "cat <<'JSON'\n"
                '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s",'
                ' "Expiration": "2099-01-01T00:00:00Z"}\nJSON\n' % (ak, sk))
    os.chmod(script, stat.S_IRWXU)
    with open(env["AWS_CONFIG_FILE"], "w") as f:
        f.write("[profile proc]\ncredential_process = \"%s\" --profile x\n"
                "endpoint_url = %s\nregion = us-east-1\n"
                % (script, s3env.endpoint()))
    check_and_verify(env, "proc", "s3perm: credentials from "
                     "credential_process: credential_process of profile "
                     "'proc'")


@test
def denied_assume_role_is_a_clear_error():
    _, env = home(base_profiles())
    b = s3env.create_bucket()
    rc, out, err = s3env.run_s3perm(
        "check", "--bucket", b, "--mode", "read", "--path-style",
        "--user", s3env.user_name("vendor"), "--account", s3env.tenant(),
        "--profile", "denied", env=env)
    eq(rc, 3, "exit code (stderr %s)" % err)
    ok("s3perm: error: assume role %s from profile 'denied': AssumeRole at "
       "'%s': AccessDenied (HTTP 403)"
       % (os.environ["S3PERM_TEST_ROLE_DENIED_ARN"], sts_endpoint()) in err,
       "stderr: %s" % err)
    no_secret(out, err)


@test
def aws_profile_naming_a_missing_profile_is_refused_with_env_keys():
    # As the AWS CLI: AWS_PROFILE names a profile that does not exist, so
    # the environment's keys are not used.
    _, env = home(base_profiles())
    env["AWS_PROFILE"] = "nosuch"
    b = s3env.create_bucket()
    rc, out, err = s3env.run_s3perm(
        "check", "--bucket", b, "--mode", "read", "--path-style",
        "--user", s3env.user_name("vendor"), "--account", s3env.tenant(),
        user="vendor", env=env)
    eq(rc, 3, "exit code (stderr %s)" % err)
    ok("profile 'nosuch' not found in" in err and "AWS_PROFILE" in err,
       "stderr: %s" % err)


if __name__ == "__main__":
    try:
        s3env.main()
    finally:
        for d in _dirs:
            shutil.rmtree(d, ignore_errors=True)
