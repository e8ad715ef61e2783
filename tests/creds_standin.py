"""creds_standin - local stand-ins (127.0.0.1 only) for the credential
services that cannot run here, answering as the AWS documentation shows:

- EC2 instance metadata, IMDSv2 (PUT /latest/api/token with
  X-aws-ec2-metadata-token-ttl-seconds, then GET
  /latest/meta-data/iam/security-credentials/[ROLE] with
  X-aws-ec2-metadata-token; the credentials JSON of the EC2 User Guide,
  "Retrieve security credentials from instance metadata"); modes "refuse"
  (the token PUT answers 403) and "v1only" (the token PUT answers 404, the
  GETs answer without a token: an IMDSv1-only server);
- the container credentials endpoint (ECS task role / EKS Pod Identity):
  GET with the Authorization header, the JSON of the SDKs and Tools
  reference guide's "Container credential provider";
- the IAM Identity Center portal's GetRoleCredentials (GET
  /federation/credentials?account_id=&role_name= with
  x-amz-sso_bearer_token; {"roleCredentials": {...}} as the Portal API
  reference shows; 401 UnauthorizedException for another token);
- STS (POST /, query protocol): AssumeRoleWithWebIdentity and AssumeRole,
  XML as the STS API reference shows, an ErrorResponse for AccessDenied;
- anything else is S3: answered 403 AccessDenied, after noting the access
  key id of the SigV4 Authorization header and the session token sent.
Every request is recorded in Standin.log as (method, path, headers, body).
"""

import http.server
import json
import re
import threading
import urllib.parse

IMDS_TOKEN = "AQAEAIMDSv2TokenValue0000000000000000000000000000=="
IMDS_ROLE = "s3perm-instance-role"
SECRETS = {}


def _creds(prefix):
    c = {"AccessKeyId": "ASIA%sSTANDIN000" % prefix,
         "SecretAccessKey": "%sSecretStandin/0000000000000000000000000" % prefix,
         "Token": "%sSessionTokenStandin//////////0000000000000000" % prefix}
    SECRETS[prefix] = c
    return c


IMDS = _creds("IMDS")
ECS = _creds("ECS")
SSO = _creds("SSO")
WEBID = _creds("WEBID")
ROLE = _creds("ROLE")
EXPIRATION = "2099-01-01T00:00:00Z"


def all_secrets():
    out = []
    for c in SECRETS.values():
        out += [c["SecretAccessKey"], c["Token"]]
    return out


def sts_xml(action, c):
    return ("<%sResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            "<%sResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:"
            "assumed-role/standin/s</Arn><AssumedRoleId>AROASTANDIN:s"
            "</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>%s"
            "</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>"
            "%s</SessionToken><Expiration>%s</Expiration></Credentials>"
            "</%sResult><ResponseMetadata><RequestId>req-1</RequestId>"
            "</ResponseMetadata></%sResponse>"
            % (action, action, c["AccessKeyId"], c["SecretAccessKey"],
               c["Token"], EXPIRATION, action, action))


def sts_error(code, msg):
    return ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            "<Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message>"
            "</Error><RequestId>req-2</RequestId></ErrorResponse>" % (code, msg))


class Standin:
    def __init__(self):
        self.log = []
        self.s3_auth = []          # (access key id, session token or None)
        self.imds_mode = "v2"      # v2 | refuse | v1only
        self.ecs_auth = "ecs-authorization-token-standin"
        self.sso_token = "ssoAccessTokenStandin0000000000"
        self.web_token = "eyJwebIdentityTokenStandin.payload.sig"
        self.external_id = None    # AssumeRole: required ExternalId
        self.sts_fail = 0          # answer 503 this many times first
        standin = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def reply(self, status, body, ctype="application/json"):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n).decode() if n else ""
                hdrs = {k.lower(): v for k, v in self.headers.items()}
                standin.log.append((self.command, self.path, hdrs, body))
                u = urllib.parse.urlparse(self.path)
                q = urllib.parse.parse_qs(u.query)
                if u.path == "/latest/api/token":
                    if self.command != "PUT":
                        return self.reply(405, "")
                    if standin.imds_mode == "refuse":
                        return self.reply(403, "", "text/plain")
                    if standin.imds_mode == "v1only":
                        return self.reply(404, "", "text/plain")
                    if "x-aws-ec2-metadata-token-ttl-seconds" not in hdrs:
                        return self.reply(400, "", "text/plain")
                    return self.reply(200, IMDS_TOKEN, "text/plain")
                if u.path.startswith("/latest/meta-data/iam/security-credentials/"):
                    if (standin.imds_mode != "v1only" and
                            hdrs.get("x-aws-ec2-metadata-token") != IMDS_TOKEN):
                        return self.reply(401, "", "text/plain")
                    role = u.path.rsplit("/", 1)[1]
                    if not role:
                        return self.reply(200, IMDS_ROLE, "text/plain")
                    if role != IMDS_ROLE:
                        return self.reply(404, "", "text/plain")
                    return self.reply(200, json.dumps(dict(
                        Code="Success", LastUpdated="2026-12-05T00:00:00Z",
                        Type="AWS-HMAC", Expiration=EXPIRATION, **IMDS)))
                if u.path == "/ecs/creds":
                    if hdrs.get("authorization") != standin.ecs_auth:
                        return self.reply(403, json.dumps(dict(
                            code="AccessDenied",
                            message="the authorization token is wrong")))
                    return self.reply(200, json.dumps(dict(
                        RoleArn="arn:aws:iam::123456789012:role/ecs-task",
                        Expiration=EXPIRATION, **ECS)))
                if u.path == "/federation/credentials":
                    if hdrs.get("x-amz-sso_bearer_token") != standin.sso_token:
                        return self.reply(401, json.dumps(dict(
                            message="Session token not found or invalid")))
                    if q.get("account_id") != ["111122223333"] or \
                            q.get("role_name") != ["Reader"]:
                        return self.reply(403, json.dumps(dict(
                            message="No access")))
                    return self.reply(200, json.dumps({"roleCredentials": {
                        "accessKeyId": SSO["AccessKeyId"],
                        "secretAccessKey": SSO["SecretAccessKey"],
                        "sessionToken": SSO["Token"],
                        "expiration": 4070908800000}}))
                if self.command == "POST" and u.path == "/":
                    f = urllib.parse.parse_qs(body)
                    action = f.get("Action", [""])[0]
                    if standin.sts_fail > 0:
                        standin.sts_fail -= 1
                        return self.reply(503, sts_error(
                            "ServiceUnavailable", "try again"), "text/xml")
                    if action == "AssumeRoleWithWebIdentity":
                        if f.get("WebIdentityToken") != [standin.web_token]:
                            return self.reply(400, sts_error(
                                "InvalidIdentityToken", "bad token"),
                                "text/xml")
                        return self.reply(200, sts_xml(action, WEBID),
                                          "text/xml")
                    if action == "AssumeRole":
                        if not hdrs.get("authorization", "").startswith(
                                "AWS4-HMAC-SHA256 Credential="):
                            return self.reply(403, sts_error(
                                "MissingAuthenticationToken", "unsigned"),
                                "text/xml")
                        if standin.external_id is not None and \
                                f.get("ExternalId") != [standin.external_id]:
                            return self.reply(403, sts_error(
                                "AccessDenied", "User is not authorized to "
                                "perform: sts:AssumeRole"), "text/xml")
                        return self.reply(200, sts_xml(action, ROLE),
                                          "text/xml")
                    return self.reply(400, sts_error("InvalidAction", action),
                                      "text/xml")
                m = re.search(r"Credential=([^/]+)/",
                              hdrs.get("authorization", ""))
                standin.s3_auth.append(
                    (m.group(1) if m else None,
                     hdrs.get("x-amz-security-token")))
                return self.reply(
                    403, "<?xml version=\"1.0\"?><Error><Code>AccessDenied"
                    "</Code><Message>standin</Message></Error>",
                    "application/xml")

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = handle_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        # (shutdown() waits for serve_forever's next poll: 0.5 s by default)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.02},
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
