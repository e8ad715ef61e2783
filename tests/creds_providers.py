"""creds_providers - the HTTP credential providers of s3perm against the
stand-ins of tests/creds_standin.py (shapes from the AWS documentation;
these services cannot run here).  Each case runs
`s3perm check --verbose` against the stand-in's S3 side (which answers 403
and notes the access key id and session token each request was signed
with) in a fresh HOME with no other credentials, then asserts:
the provider the --verbose line names, the requests the provider made,
the key and token S3 saw, and that no secret, session token, web identity
token, SSO access token or container authorization token appears in any
output.  Run by tests/test_creds_providers.sh; prints "N passed, M failed".
"""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import creds_standin as cs  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
S3PERM = os.environ.get("S3PERM") or os.path.join(ROOT, "s3perm")
TESTS = []
OUTPUTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def ok(cond, what):
    if not cond:
        raise AssertionError(what)


class Env:
    """A fresh HOME, an environment without AWS_* settings but the
    instance metadata service pointed at the stand-in (never the
    network)."""

    def __init__(self, st):
        self.home = tempfile.mkdtemp(prefix="s3perm-creds-")
        os.makedirs(os.path.join(self.home, ".aws"))
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("AWS_")}
        self.env["HOME"] = self.home
        self.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = st.url
        self.st = st

    def write(self, rel, text):
        p = os.path.join(self.home, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
        return p

    def run(self, *extra, profile=None, timeout=60):
        args = [S3PERM, "check", "--bucket", "s3p-standin", "--endpoint",
                self.st.url, "--path-style", "--region", "us-east-1",
                "--timeout", "5", "--verbose"]
        if profile:
            args += ["--profile", profile]
        t0 = time.monotonic()
        p = subprocess.run(args + list(extra), capture_output=True,
                           text=True, env=self.env, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        OUTPUTS.append(p.stdout + p.stderr)
        self.elapsed = time.monotonic() - t0
        return p.returncode, p.stdout, p.stderr

    def close(self):
        shutil.rmtree(self.home, ignore_errors=True)


def signed_with(st, creds):
    ok(st.s3_auth, "no S3 request reached the stand-in")
    for key, token in st.s3_auth:
        ok(key == creds["AccessKeyId"] and token == creds["Token"],
           "S3 request signed with %r (token %s), expected %r"
           % (key, "set" if token else "none", creds["AccessKeyId"]))


def paths(st):
    return [(m, p) for m, p, _, _ in st.log]


@test
def imds_v2_token_then_role_then_credentials(st, e):
    rc, out, err = e.run()
    ok("s3perm: credentials from instance metadata: role '%s' from '%s' "
       "(IMDSv2), expire 2099-01-01T00:00:00Z" % (cs.IMDS_ROLE, st.url) in err,
       "verbose line: %s" % err[:500])
    first = paths(st)[:3]
    ok(first == [("PUT", "/latest/api/token"),
                 ("GET", "/latest/meta-data/iam/security-credentials/"),
                 ("GET", "/latest/meta-data/iam/security-credentials/" +
                  cs.IMDS_ROLE)], "IMDS requests: %r" % first)
    ok(st.log[0][2].get("x-aws-ec2-metadata-token-ttl-seconds") == "21600",
       "token TTL header: %r" % st.log[0][2])
    signed_with(st, cs.IMDS)


@test
def imds_token_refused_is_not_used(st, e):
    st.imds_mode = "refuse"
    rc, out, err = e.run()
    ok(rc == 3, "exit %d" % rc)
    ok("instance metadata ('%s' refused an IMDSv2 token (HTTP 403); IMDSv1 "
       "is not used)" % st.url in err, "stderr: %s" % err)
    ok(paths(st) == [("PUT", "/latest/api/token")], "requests: %r" % paths(st))
    ok(not st.s3_auth, "S3 was called")


@test
def imds_v1_only_server_is_not_used(st, e):
    st.imds_mode = "v1only"
    rc, out, err = e.run()
    ok(rc == 3, "exit %d" % rc)
    ok("refused an IMDSv2 token (HTTP 404); IMDSv1 is not used" in err,
       "stderr: %s" % err)
    ok(paths(st) == [("PUT", "/latest/api/token")],
       "the IMDSv1 GETs were made: %r" % paths(st))


@test
def no_metadata_service_answers_in_about_a_second(st, e):
    # A listener that never answers (as 169.254.169.254 off EC2 may be):
    # "no credentials" must come after ~1 s, not a minute.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    try:
        e.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = \
            "http://127.0.0.1:%d" % s.getsockname()[1]
        rc, out, err = e.run()
    finally:
        s.close()
    ok(rc == 3, "exit %d" % rc)
    ok("no credentials found (profile 'default'); tried: environment" in err,
       "stderr: %s" % err)
    ok("instance metadata (no answer from 'http://127.0.0.1:" in err,
       "stderr: %s" % err)
    ok(e.elapsed < 3.0, "took %.1f s" % e.elapsed)


@test
def imds_disabled_is_not_contacted(st, e):
    e.env["AWS_EC2_METADATA_DISABLED"] = "true"
    rc, out, err = e.run()
    ok(rc == 3 and "instance metadata (AWS_EC2_METADATA_DISABLED is true)"
       in err, "stderr: %s" % err)
    ok(not st.log, "requests: %r" % paths(st))


@test
def container_full_uri_with_token_file(st, e):
    e.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = st.url + "/ecs/creds"
    e.env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = \
        e.write("token", st.ecs_auth + "\n")
    e.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "not-this-one"
    rc, out, err = e.run()
    ok("s3perm: credentials from container: %s/ecs/creds" % st.url in err,
       "stderr: %s" % err[:400])
    # the container comes before instance metadata: IMDS never asked
    ok(paths(st)[0] == ("GET", "/ecs/creds") and
       ("PUT", "/latest/api/token") not in paths(st), "%r" % paths(st)[:3])
    signed_with(st, cs.ECS)


@test
def container_wrong_token_is_a_clear_error(st, e):
    e.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = st.url + "/ecs/creds"
    e.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong-token"
    rc, out, err = e.run()
    ok(rc == 3, "exit %d" % rc)
    ok("container credentials: HTTP 403 from '%s/ecs/creds': answer with "
       "code 'AccessDenied': the authorization token is wrong" % st.url in err,
       "stderr: %s" % err)


def sso_config(e, st, legacy=False):
    if legacy:
        e.write(".aws/config", "[profile dev]\nsso_start_url = "
                "https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
                "sso_account_id = 111122223333\nsso_role_name = Reader\n")
        key = "https://corp.awsapps.com/start"
    else:
        e.write(".aws/config", "[profile dev]\nsso_session = corp\n"
                "sso_account_id = 111122223333\nsso_role_name = Reader\n"
                "[sso-session corp]\nsso_start_url = "
                "https://corp.awsapps.com/start\nsso_region = eu-west-1\n")
        key = "corp"
    e.write(".aws/sso/cache/%s.json" % hashlib.sha1(key.encode()).hexdigest(),
            '{"startUrl": "https://corp.awsapps.com/start", "region": '
            '"eu-west-1", "accessToken": "%s", "expiresAt": '
            '"2099-01-01T00:00:00Z"}' % st.sso_token)
    e.env["AWS_ENDPOINT_URL_SSO"] = st.url


@test
def sso_session_profile_get_role_credentials(st, e):
    sso_config(e, st)
    rc, out, err = e.run(profile="dev")
    ok("s3perm: credentials from IAM Identity Center: role 'Reader' in "
       "account 111122223333 from profile 'dev'" in err, "stderr: %s" % err)
    ok(paths(st)[0] == ("GET", "/federation/credentials?account_id="
                        "111122223333&role_name=Reader"), "%r" % paths(st)[0:1])
    signed_with(st, cs.SSO)


@test
def sso_legacy_profile_cache_named_by_start_url(st, e):
    sso_config(e, st, legacy=True)
    rc, out, err = e.run(profile="dev")
    ok("credentials from IAM Identity Center" in err, "stderr: %s" % err)
    signed_with(st, cs.SSO)


@test
def sso_refused_token_says_run_aws_sso_login(st, e):
    sso_config(e, st)
    st.sso_token = "a-newer-token-the-portal-knows"
    rc, out, err = e.run(profile="dev")
    ok(rc == 3, "exit %d" % rc)
    ok("IAM Identity Center for profile 'dev': the portal refused the cached "
       "token (HTTP 401): run `aws sso login --profile dev`" in err,
       "stderr: %s" % err)


@test
def web_identity_from_environment(st, e):
    e.env["AWS_WEB_IDENTITY_TOKEN_FILE"] = e.write("web-token", st.web_token)
    e.env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/eks-pod"
    e.env["AWS_ROLE_SESSION_NAME"] = "pod-session"
    e.env["AWS_ENDPOINT_URL_STS"] = st.url
    rc, out, err = e.run()
    ok("s3perm: credentials from web identity: role arn:aws:iam::"
       "123456789012:role/eks-pod with the token in '" in err,
       "stderr: %s" % err)
    m, p, h, body = st.log[0]
    ok((m, p) == ("POST", "/"), "%r" % ((m, p),))
    ok("Action=AssumeRoleWithWebIdentity" in body and
       "RoleSessionName=pod-session" in body, "body: %s" % body)
    ok("authorization" not in h, "AssumeRoleWithWebIdentity was signed")
    signed_with(st, cs.WEBID)


def role_profiles(e, st, external_id):
    e.write(".aws/config",
            "[profile src]\naws_access_key_id = AKIDSOURCESTANDIN\n"
            "aws_secret_access_key = sourceSecretStandin000000000000\n"
            "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/vendor\n"
            "source_profile = src\nexternal_id = %s\n"
            "role_session_name = audit-run\nduration_seconds = 1800\n"
            "region = eu-west-1\n" % external_id)
    e.env["AWS_ENDPOINT_URL_STS"] = st.url
    cs.SECRETS["SRC"] = {"SecretAccessKey": "sourceSecretStandin000000000000",
                         "Token": "sourceSecretStandin000000000000"}


@test
def assume_role_sends_the_external_id(st, e):
    st.external_id = "vendor-ext-42"
    role_profiles(e, st, "vendor-ext-42")
    rc, out, err = e.run(profile="r")
    ok("s3perm: credentials from assume role: role arn:aws:iam::123456789012:"
       "role/vendor from profile 'r' (source: profile 'src' in '" in err,
       "stderr: %s" % err)
    m, p, h, body = st.log[0]
    for want in ("Action=AssumeRole", "ExternalId=vendor-ext-42",
                 "RoleSessionName=audit-run", "DurationSeconds=1800",
                 "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fvendor"):
        ok(want in body, "%s not in %s" % (want, body))
    ok("Credential=AKIDSOURCESTANDIN/" in h.get("authorization", "") and
       "/eu-west-1/sts/aws4_request" in h.get("authorization", ""),
       "signed with: %s" % h.get("authorization"))
    signed_with(st, cs.ROLE)


@test
def assume_role_wrong_external_id_is_denied_clearly(st, e):
    st.external_id = "the-right-one"
    role_profiles(e, st, "a-wrong-one")
    rc, out, err = e.run(profile="r")
    ok(rc == 3, "exit %d" % rc)
    ok("s3perm: error: assume role arn:aws:iam::123456789012:role/vendor from "
       "profile 'r': AssumeRole at '%s': AccessDenied (HTTP 403): User is not "
       "authorized to perform: sts:AssumeRole" % st.url in err,
       "stderr: %s" % err)


@test
def sts_retries_follow_aws_max_attempts(st, e):
    role_profiles(e, st, "x")
    st.sts_fail = 2
    e.env["AWS_MAX_ATTEMPTS"] = "3"
    rc, out, err = e.run(profile="r")
    ok("credentials from assume role" in err, "stderr: %s" % err)
    ok(len([1 for m, p in paths(st) if m == "POST"]) == 3, "%r" % paths(st))
    st.log.clear()
    st.sts_fail = 2
    e.env["AWS_MAX_ATTEMPTS"] = "1"
    rc, out, err = e.run(profile="r")
    ok(rc == 3 and "ServiceUnavailable (HTTP 503)" in err, "stderr: %s" % err)
    ok(len(st.log) == 1, "%r" % paths(st))
    st.sts_fail = 0
    e.env.pop("AWS_MAX_ATTEMPTS")
    e.write(".aws/config", open(os.path.join(
        e.home, ".aws/config")).read() + "max_attempts = 2\n")
    st.log.clear()
    st.sts_fail = 5
    rc, out, err = e.run(profile="r")
    ok(rc == 3 and len(st.log) == 2, "profile max_attempts: %r" % paths(st))


@test
def credential_source_ec2_instance_metadata(st, e):
    e.write(".aws/config",
            "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/vendor\n"
            "credential_source = Ec2InstanceMetadata\n")
    e.env["AWS_ENDPOINT_URL_STS"] = st.url
    rc, out, err = e.run(profile="r")
    ok("credentials from assume role" in err and "source: role '%s'"
       % cs.IMDS_ROLE in err, "stderr: %s" % err)
    sts = [h for m, p, h, b in st.log if m == "POST"]
    ok(sts and "Credential=%s/" % cs.IMDS["AccessKeyId"] in
       sts[0].get("authorization", "") and
       sts[0].get("x-amz-security-token") == cs.IMDS["Token"],
       "AssumeRole not signed with the instance's credentials")
    signed_with(st, cs.ROLE)


@test
def http_proxy_in_either_case_and_no_proxy(st, e):
    # The stand-in is the proxy: a proxied request names the absolute URL.
    # The S3 endpoint is a closed 127.0.0.1 port (no DNS, no network).
    e.env["AWS_ACCESS_KEY_ID"] = "AKIDPROXYTEST"
    e.env["AWS_SECRET_ACCESS_KEY"] = "proxySecretStandin000000000"
    for k in ("http_proxy", "https_proxy", "no_proxy", "all_proxy",
              "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY"):
        e.env.pop(k, None)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    target = "http://127.0.0.1:%d" % closed.getsockname()[1]
    closed.close()

    def run():
        st.log.clear()
        p = subprocess.run(
            [S3PERM, "check", "--bucket", "s3p-standin", "--endpoint", target,
             "--path-style", "--region", "us-east-1", "--timeout", "5"],
            capture_output=True, text=True, env=e.env, timeout=60,
            stdin=subprocess.DEVNULL)
        OUTPUTS.append(p.stdout + p.stderr)
        return [path for _, path, _, _ in st.log]

    for name in ("HTTP_PROXY", "http_proxy"):
        e.env[name] = st.url
        seen = run()
        # (check asks STS GetCallerIdentity too: an S3 endpoint request)
        ok(seen and all(p.startswith(target + "/s3p-standin") or
                        p.startswith(target + "/?Action=GetCallerIdentity")
                        for p in seen),
           "%s: requests the proxy saw: %r" % (name, seen))
        for no in ("NO_PROXY", "no_proxy"):
            e.env[no] = "127.0.0.1"
            ok(run() == [], "%s with %s: the proxy was used" % (name, no))
            e.env.pop(no)
        e.env.pop(name)
    ok(run() == [], "no proxy set: the proxy was used")


@test
def mfa_code_asked_on_the_terminal(st, e):
    import pty
    role_profiles(e, st, "x")
    with open(os.path.join(e.home, ".aws/config"), "a") as f:
        f.write("mfa_serial = arn:aws:iam::123456789012:mfa/alice\n")
    master, slave = pty.openpty()
    try:
        os.write(master, b"123456\n")
        p = subprocess.run(
            [S3PERM, "check", "--bucket", "s3p-standin", "--endpoint", st.url,
             "--path-style", "--region", "us-east-1", "--verbose",
             "--profile", "r"], stdin=slave, capture_output=True, text=True,
            env=e.env, timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    OUTPUTS.append(p.stdout + p.stderr)
    ok("s3perm: enter the MFA code for 'arn:aws:iam::123456789012:mfa/alice'"
       in p.stderr, "no prompt: %s" % p.stderr[:300])
    body = [b for m, _, _, b in st.log if m == "POST"][0]
    ok("SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice" in body
       and "TokenCode=123456" in body, "body: %s" % body)
    ok("credentials from assume role" in p.stderr, p.stderr[:300])
    # no terminal: a clear error, no STS call
    st.log.clear()
    rc, out, err = e.run(profile="r")
    ok(rc == 3 and "needs an MFA code for mfa_serial 'arn:aws:iam::"
       "123456789012:mfa/alice' and there is no terminal" in err, err)
    ok(not st.log, "STS was called: %r" % paths(st))


@test
def role_chain_each_role_signed_by_the_previous(st, e):
    e.write(".aws/config",
            "[profile keys]\naws_access_key_id = AKIDCHAINSTANDIN\n"
            "aws_secret_access_key = chainSecretStandin000000000000\n"
            "[profile first]\nrole_arn = arn:aws:iam::111111111111:role/a\n"
            "source_profile = keys\n"
            "[profile second]\nrole_arn = arn:aws:iam::222222222222:role/b\n"
            "source_profile = first\n")
    cs.SECRETS["CHAIN"] = {"SecretAccessKey": "chainSecretStandin000000000000",
                           "Token": "chainSecretStandin000000000000"}
    e.env["AWS_ENDPOINT_URL_STS"] = st.url
    rc, out, err = e.run(profile="second")
    ok("credentials from assume role: role arn:aws:iam::222222222222:role/b "
       "from profile 'second' (source: role arn:aws:iam::111111111111:role/a "
       "from profile 'first'" in err, "stderr: %s" % err[:400])
    posts = [(h, b) for m, _, h, b in st.log if m == "POST"]
    ok(len(posts) == 2, "%d AssumeRole calls" % len(posts))
    ok("role%2Fa" in posts[0][1] and "Credential=AKIDCHAINSTANDIN/" in
       posts[0][0].get("authorization", ""), "first call: %r" % (posts[0],))
    ok("role%2Fb" in posts[1][1] and "Credential=%s/" % cs.ROLE["AccessKeyId"]
       in posts[1][0].get("authorization", "") and
       posts[1][0].get("x-amz-security-token") == cs.ROLE["Token"],
       "second call not signed with the first role's credentials")
    signed_with(st, cs.ROLE)


@test
def web_identity_from_profile(st, e):
    e.write(".aws/config", "[profile w]\nweb_identity_token_file = %s\n"
            "role_arn = arn:aws:iam::123456789012:role/from-profile\n"
            "region = eu-central-1\n"
            % e.write("tok", st.web_token + "\n"))
    e.env["AWS_ENDPOINT_URL_STS"] = st.url
    rc, out, err = e.run(profile="w")
    ok("credentials from web identity: role arn:aws:iam::123456789012:role/"
       "from-profile" in err, "stderr: %s" % err[:300])
    signed_with(st, cs.WEBID)


@test
def credential_source_environment_and_ecs(st, e):
    e.write(".aws/config",
            "[profile env]\nrole_arn = arn:aws:iam::123456789012:role/e\n"
            "credential_source = Environment\n"
            "[profile ecs]\nrole_arn = arn:aws:iam::123456789012:role/c\n"
            "credential_source = EcsContainer\n")
    e.env["AWS_ENDPOINT_URL_STS"] = st.url
    e.env["AWS_ACCESS_KEY_ID"] = "AKIDENVSOURCE"
    e.env["AWS_SECRET_ACCESS_KEY"] = "envSourceSecretStandin00000"
    cs.SECRETS["ENVSRC"] = {"SecretAccessKey": "envSourceSecretStandin00000",
                            "Token": "envSourceSecretStandin00000"}
    rc, out, err = e.run(profile="env")
    ok("source: environment" in err, "stderr: %s" % err[:300])
    ok("Credential=AKIDENVSOURCE/" in st.log[0][2].get("authorization", ""),
       "AssumeRole not signed with the environment's keys")
    st.log.clear()
    e.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = st.url + "/ecs/creds"
    e.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = st.ecs_auth
    rc, out, err = e.run(profile="ecs")
    ok("source: %s/ecs/creds" % st.url in err, "stderr: %s" % err[:300])
    ok(paths(st)[0] == ("GET", "/ecs/creds"), "%r" % paths(st))
    signed_with(st, cs.ROLE)


@test
def precedence_environment_container_imds(st, e):
    # The documented order: environment, ..., container, instance metadata.
    e.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = st.url + "/ecs/creds"
    e.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = st.ecs_auth
    e.env["AWS_ACCESS_KEY_ID"] = "AKIDPRECEDENCE"
    e.env["AWS_SECRET_ACCESS_KEY"] = "precedenceSecret0000000000"
    cs.SECRETS["PREC"] = {"SecretAccessKey": "precedenceSecret0000000000",
                          "Token": "precedenceSecret0000000000"}
    rc, out, err = e.run()
    ok("s3perm: credentials from environment\n" in err, err[:200])
    ok(all(p == "/s3p-standin" or p.startswith("/s3p-standin?") or
           p.startswith("/?Action=GetCallerIdentity")
           for _, p in paths(st)), "a credential service was asked: %r"
       % paths(st))
    del e.env["AWS_ACCESS_KEY_ID"], e.env["AWS_SECRET_ACCESS_KEY"]
    st.log.clear()
    rc, out, err = e.run()
    ok("credentials from container" in err, err[:200])
    ok(("PUT", "/latest/api/token") not in paths(st), "IMDS was asked")
    del e.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
    st.log.clear()
    rc, out, err = e.run()
    ok("credentials from instance metadata" in err, err[:200])


@test
def fleet_refreshes_once_for_all_workers(st, e):
    # credential_process: the first run's credentials expire in 2 minutes
    # (inside the 5-minute refresh window), later runs' in an hour.  A
    # fleet check with 4 workers must run the process twice in all (the
    # lookup, then one refresh shared by every worker) and sign every S3
    # request with the fresh key.
    counter = e.write("runs", "")
    script = e.write("proc.py", """import datetime, sys
with open(%r, "a") as f:
    f.write("x")
n = len(open(%r).read())
t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
    seconds=120 if n == 1 else 3600)
print('{"Version": 1, "AccessKeyId": "AKIDPROCRUN%%d", '
      '"SecretAccessKey": "procRunSecret000000000000", '
      '"Expiration": "%%s"}' %% (n, t.strftime("%%Y-%%m-%%dT%%H:%%M:%%SZ")))
""" % (counter, counter))
    cs.SECRETS["PROCRUN"] = {"SecretAccessKey": "procRunSecret000000000000",
                             "Token": "procRunSecret000000000000"}
    e.write(".aws/config", "[default]\ncredential_process = %s %s\n"
            % (sys.executable, script))
    manifest = e.write("m.jsonl", "".join(
        '{"bucket": "s3p-standin-%d"}\n' % i for i in range(8)))
    p = subprocess.run(
        [S3PERM, "check", "--manifest", manifest, "--jobs", "4",
         "--endpoint", st.url, "--path-style", "--region", "us-east-1",
         "--timeout", "5", "--verbose"], capture_output=True, text=True,
        env=e.env, timeout=120, stdin=subprocess.DEVNULL)
    OUTPUTS.append(p.stdout + p.stderr)
    runs = len(open(counter).read())
    ok(runs == 2, "credential_process ran %d times" % runs)
    ok(p.stderr.count("s3perm: credentials from credential_process") == 1,
       "verbose lines: %s" % p.stderr[:400])
    keys = set(k for k, _ in st.s3_auth)
    ok(keys == {"AKIDPROCRUN2"}, "S3 requests signed with %r" % keys)
    ok(len(st.s3_auth) >= 8, "%d S3 requests" % len(st.s3_auth))


def main():
    passed = failed = 0
    only = sys.argv[1:]
    for fn in TESTS:
        if only and not any(o in fn.__name__ for o in only):
            continue
        st = cs.Standin()
        e = Env(st)
        t0 = time.monotonic()
        try:
            fn(st, e)
            passed += 1
            print("ok   %s (%.2fs)" % (fn.__name__, time.monotonic() - t0))
        except Exception:
            failed += 1
            print("FAIL %s\n%s" % (fn.__name__, traceback.format_exc()))
        finally:
            e.close()
            st.close()
    # No secret, session token or bearer token in any output of any case.
    leaks = [s for s in cs.all_secrets() + [
        cs.IMDS_TOKEN, "ecs-authorization-token-standin",
        "ssoAccessTokenStandin0000000000",
        "eyJwebIdentityTokenStandin.payload.sig"]
        if any(s in o for o in OUTPUTS)]
    if leaks:
        failed += 1
        print("FAIL no_secret_in_any_output: %r" % leaks)
    else:
        passed += 1
        print("ok   no_secret_in_any_output (%d outputs)" % len(OUTPUTS))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
