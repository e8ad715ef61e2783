#!/usr/bin/python3
"""faultproxy - a small fault-injecting HTTP proxy for the tests (stdlib only).

It sits between a client (s3perm) and an S3 server (radosgw) on 127.0.0.1,
passes requests through unchanged (Host header included, so SigV4 signatures
stay valid), and injects the faults of a script, one rule per request, to show
AWS behaviours the local server cannot: throttling, resets, truncated or
malformed answers, timeouts, region redirects, clock skew, any S3 error.
Documented in tests/README.md ("Fault injection").

Command line:
    /usr/bin/python3 tests/faultproxy.py [--upstream http://127.0.0.1:PORT]
        [--port N] [--port-file FILE] [--delay SECONDS] [--max-seconds N]
        [--fault RULE]...
prints "faultproxy: listening on http://127.0.0.1:PORT" and serves until
killed (or --max-seconds, default 900, have passed).

In Python:
    from faultproxy import FaultProxy
    with FaultProxy(upstream=endpoint, faults=["503*2@GET"]) as p:
        ... p.url ...; p.stats(); p.set_faults([...]); p.reset()

RULE = ACTION[*N][@MATCH]; the first rule whose MATCH fits a request and that
has uses left is applied (and used up); a request no rule takes passes.
  N      how many requests it applies to (default 1; '*' or '*inf': all)
  MATCH  METHOD (upper case), METHOD:REGEX, or REGEX (searched in the
         request target "path?query", e.g. 'uploads', 'PUT:partNumber=2')
  The last '@' starts MATCH and a final '*N' is the count, so an error
  MESSAGE should not contain '@' or end in '*'.
ACTION:
  pass               forward to the upstream (a no-op rule, for counting)
  503                503 ServiceUnavailable (S3 XML error)
  slowdown           503 SlowDown
  reset              read the request, then reset the connection (TCP RST)
  truncate           forward, then send the headers and only half the body
                     (Content-Length promises all of it) and close
  malformed          forward, then replace the body by broken XML (same
                     status and headers, Content-Length fixed)
  delay=S            wait S seconds (float), then forward
  redirect=REGION    301 PermanentRedirect, x-amz-bucket-region: REGION,
                     no Location header (AWS's answer for a wrong region)
  wrongregion=REGION 400 AuthorizationHeaderMalformed naming REGION
  skew=S             400 RequestTimeTooSkewed with Date = now + S seconds
  error=STATUS/CODE[/MESSAGE]   any S3 XML error, e.g.
                     error=403/AccessDenied/... because no identity-based
                     policy allows the s3:GetObject action
  status=STATUS      an empty answer with that status
  body=STATUS/FILE   an answer with that status and the bytes of FILE as
                     its body (Content-Type application/xml, or
                     application/json when FILE ends in .json): a recorded
                     AWS answer radosgw cannot give (GetBucketEncryption)
Hostile answers (a broken or malicious server; the tests measure that the
client stays bounded in time and memory):
  hugeheader=BYTES   forward, then add one header line of BYTES bytes
  bigbody=BYTES      200 with a ListBucketResult of BYTES bytes (streamed,
                     never held in memory here)
  repeattoken        200 ListBucketResult: one key under the request's
                     prefix, IsTruncated=true, always the same
                     NextContinuationToken
  notoken            the same page with IsTruncated=true and no token
  fullbody=BYTES     200 with BYTES bytes whatever the Range header (a
                     server that ignores Range)
  deepjson=DEPTH     200 with a JSON text nested DEPTH arrays deep
  redirect307=URL    307 TemporaryRedirect with Location: URL (another host)
  uploadkey01        200 ListMultipartUploadsResult with one upload whose
                     key holds \x01: url-encoded when the request asked
                     encoding-type=url, else the raw byte (not XML 1.0)
Control endpoint (same port; no bucket name starts with '_'):
  GET  /__faultproxy/stats    JSON: total, by_method, by_fault, log,
                              connections (TCP connections accepted),
                              max_in_flight (most requests in service at
                              once: from reading one to starting its answer)
  POST /__faultproxy/faults   body: JSON list of RULE strings (replaces script)
  POST /__faultproxy/reset    clear script and counters
"""

import argparse
import email.utils
import http.client
import http.server
import json
import re
import socket
import socketserver
import struct
import sys
import threading
import time
import urllib.parse

CONTROL = "/__faultproxy/"
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate",
              "proxy-authorization", "te", "trailer", "trailers",
              "transfer-encoding", "upgrade", "expect", "proxy-connection"}
ACTIONS = {"pass", "503", "slowdown", "reset", "truncate", "malformed",
           "delay", "redirect", "wrongregion", "skew", "error", "status",
           "body", "hugeheader", "bigbody", "repeattoken", "notoken", "fullbody",
           "deepjson", "redirect307", "uploadkey01"}
SIZED = ("status", "hugeheader", "bigbody", "fullbody", "deepjson")


class Rule:
    """One line of the fault script."""

    def __init__(self, text):
        self.text = text
        spec, at, match = text.rpartition("@")
        if not at:
            spec, match = text, ""
        head, star, times = spec.rpartition("*")
        if star and (times in ("", "inf") or times.isdigit()):
            spec = head
        else:
            star = ""
        if not star:
            self.left = 1
        elif times in ("", "inf"):
            self.left = float("inf")
        else:
            self.left = int(times)
            if self.left < 1:
                raise ValueError("rule %r: count must be >= 1" % text)
        self.action, _, self.arg = spec.partition("=")
        if self.action not in ACTIONS:
            raise ValueError("rule %r: unknown action %r" % (text,
                                                             self.action))
        if self.action in ("delay", "skew"):
            self.arg = float(self.arg or 0)
        elif self.action == "error":
            parts = self.arg.split("/", 2)
            if len(parts) < 2 or not parts[0].isdigit():
                raise ValueError("rule %r: error=STATUS/CODE[/MESSAGE]" % text)
            self.arg = (int(parts[0]), parts[1],
                        parts[2] if len(parts) > 2 else "")
        elif self.action == "body":
            st, _, path = self.arg.partition("/")
            if not st.isdigit() or not path:
                raise ValueError("rule %r: body=STATUS/FILE" % text)
            with open(path, "rb") as f:
                self.arg = (int(st), f.read(), "application/json"
                            if path.endswith(".json") else "application/xml")
        elif self.action in SIZED:
            self.arg = int(self.arg)
        elif self.action in ("redirect", "wrongregion", "redirect307") \
                and not self.arg:
            raise ValueError("rule %r: needs =REGION" % text)
        method, colon, regex = match.partition(":")
        if not colon and not (method.isalpha() and method.isupper()):
            method, regex = "", match
        self.method = method.upper()
        self.regex = re.compile(regex) if regex else None

    def matches(self, method, target):
        if self.left <= 0:
            return False
        if self.method and self.method != method:
            return False
        return not self.regex or bool(self.regex.search(target))


def s3_error(code, message="", extra=""):
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code>"
            "<Message>%s</Message>%s<RequestId>FAULTPROXY0000001</RequestId>"
            "<HostId>faultproxy</HostId></Error>" % (
                code, _xml_escape(message), extra)).encode()


def _xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def _bucket_of(target):
    path = urllib.parse.urlsplit(target).path
    return urllib.parse.unquote(path.lstrip("/").split("/", 1)[0])


class State:
    """The script and the counters, shared by all connections."""

    def __init__(self, upstream, faults, delay):
        self.lock = threading.Lock()
        self.upstream = upstream
        self.delay = delay
        self.rules = [Rule(f) for f in faults]
        self.reset_counts()

    def reset_counts(self):
        self.total = 0
        self.by_method = {}
        self.by_fault = {}
        self.log = []
        self.connections = 0
        self.in_flight = getattr(self, "in_flight", 0)
        self.max_in_flight = self.in_flight

    def connected(self):
        with self.lock:
            self.connections += 1

    def enter(self):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self):
        with self.lock:
            self.in_flight -= 1

    def take(self, method, target):
        """Count the request; return the rule to apply (or None: pass)."""
        with self.lock:
            self.total += 1
            self.by_method[method] = self.by_method.get(method, 0) + 1
            for r in self.rules:
                if r.matches(method, target):
                    r.left -= 1
                    self.by_fault[r.action] = self.by_fault.get(r.action,
                                                                0) + 1
                    return r
            return None

    def record(self, method, target, fault, status):
        with self.lock:
            if len(self.log) < 10000:
                self.log.append({"method": method, "target": target,
                                 "fault": fault, "status": status})

    def stats(self):
        with self.lock:
            return {"total": self.total, "by_method": dict(self.by_method),
                    "by_fault": dict(self.by_fault), "log": list(self.log),
                    "faults_left": [r.text for r in self.rules if r.left > 0],
                    "connections": self.connections,
                    "max_in_flight": self.max_in_flight}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultproxy"
    sys_version = ""
    upconn = None
    serving = False     # a request counted in the in-flight gauge

    def log_message(self, fmt, *args):  # quiet; the stats tell what happened
        pass

    def setup(self):
        super().setup()
        self.server.state.connected()

    def out_of_service(self):
        """The request leaves the in-flight gauge as its answer starts (the
        client may send its next one as soon as it has the answer)."""
        if self.serving:
            self.serving = False
            self.server.state.leave()

    # Every method goes through one path.
    def do_GET(self):
        self.handle_one()

    do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = b""
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n",
                                                             b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline(65537)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, status, headers, body, head=False, promise=None):
        """Send a whole answer (PROMISE: Content-Length to claim instead)."""
        self.out_of_service()
        self.send_response_only(status)
        have_len = False
        for k, v in headers:
            if k.lower() in HOP_BY_HOP:
                continue
            if k.lower() == "content-length":
                if head:
                    self.send_header(k, v)
                    have_len = True
                continue
            self.send_header(k, v)
        if not have_len:
            self.send_header("Content-Length",
                             str(promise if promise is not None
                                 else len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head and body:
            self.wfile.write(body)
        self.wfile.flush()

    def send_error_xml(self, status, code, message="", headers=(),
                       extra=""):
        body = s3_error(code, message, extra)
        h = [("Content-Type", "application/xml"),
             ("x-amz-request-id", "FAULTPROXY0000001")] + list(headers)
        self.send(status, h, body, head=self.command == "HEAD")
        return status

    def forward(self, body):
        """Send the request upstream; return (status, reason, headers, body)."""
        st = self.server.state
        if not st.upstream:
            return None
        u = urllib.parse.urlsplit(st.upstream)
        for attempt in (1, 2):
            if self.upconn is None:
                self.upconn = http.client.HTTPConnection(u.hostname, u.port,
                                                         timeout=120)
            try:
                c = self.upconn
                c.putrequest(self.command, self.path, skip_host=True,
                             skip_accept_encoding=True)
                for k, v in self.headers.items():
                    if k.lower() in HOP_BY_HOP or k.lower() == "content-length":
                        continue
                    c.putheader(k, v)
                if body or self.command in ("PUT", "POST") or \
                        "Content-Length" in self.headers:
                    c.putheader("Content-Length", str(len(body)))
                c.endheaders(body if body else None)
                r = c.getresponse()
                data = r.read()
                return r.status, r.reason, r.getheaders(), data
            except (http.client.HTTPException, OSError):
                self.upconn.close()
                self.upconn = None
                if attempt == 2:
                    raise
        return None

    def pass_through(self, body):
        try:
            up = self.forward(body)
        except (http.client.HTTPException, OSError) as e:
            return self.send_error_xml(502, "FaultProxyUpstreamError", str(e))
        if up is None:
            return self.send_error_xml(502, "FaultProxyNoUpstream",
                                       "no --upstream to pass the request to")
        status, _, headers, data = up
        self.send(status, headers, data, head=self.command == "HEAD")
        return status

    def control(self, body):
        st = self.server.state
        what = self.path[len(CONTROL):].split("?")[0]
        try:
            if what == "stats" and self.command == "GET":
                out = st.stats()
            elif what == "faults" and self.command in ("POST", "PUT"):
                rules = [Rule(f) for f in json.loads(body or b"[]")]
                with st.lock:
                    st.rules = rules
                out = {"faults": [r.text for r in rules]}
            elif what == "reset" and self.command == "POST":
                with st.lock:
                    st.rules = []
                    st.reset_counts()
                out = {"reset": True}
            else:
                self.send(404, [("Content-Type", "application/json")],
                          b'{"error": "unknown control request"}\n')
                return
        except (ValueError, TypeError) as e:
            self.send(400, [("Content-Type", "application/json")],
                      json.dumps({"error": str(e)}).encode() + b"\n")
            return
        self.send(200, [("Content-Type", "application/json")],
                  json.dumps(out).encode() + b"\n")

    def handle_one(self):
        st = self.server.state
        body = self.read_body()
        if self.path.startswith(CONTROL):
            self.control(body)
            return
        rule = st.take(self.command, self.path)
        fault = rule.text if rule else None
        status = None
        st.enter()
        self.serving = True
        try:
            if st.delay:
                time.sleep(st.delay)
            status = self.apply(rule, body)
        finally:
            self.out_of_service()
            st.record(self.command, self.path, fault, status)

    def apply(self, rule, body):
        a = rule.action if rule else "pass"
        head = self.command == "HEAD"
        if a == "pass":
            return self.pass_through(body)
        if a == "delay":
            time.sleep(rule.arg)
            return self.pass_through(body)
        if a == "503":
            return self.send_error_xml(503, "ServiceUnavailable",
                                       "Please reduce your request rate.")
        if a == "slowdown":
            return self.send_error_xml(503, "SlowDown",
                                       "Please reduce your request rate.")
        if a == "reset":
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            return "reset"
        if a == "redirect":
            b = _bucket_of(self.path)
            return self.send_error_xml(
                301, "PermanentRedirect",
                "The bucket you are attempting to access must be addressed "
                "using the specified endpoint. Please send all future "
                "requests to this endpoint.",
                headers=[("x-amz-bucket-region", rule.arg)],
                extra="<Endpoint>%s.s3.%s.amazonaws.com</Endpoint>"
                      "<Bucket>%s</Bucket>" % (b, rule.arg, b))
        if a == "wrongregion":
            m = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/",
                          self.headers.get("Authorization", ""))
            wrong = m.group(1) if m else "us-east-1"
            return self.send_error_xml(
                400, "AuthorizationHeaderMalformed",
                "The authorization header is malformed; the region '%s' is "
                "wrong; expecting '%s'" % (wrong, rule.arg),
                extra="<Region>%s</Region>" % rule.arg)
        if a == "skew":
            server_now = time.time() + rule.arg
            date = email.utils.formatdate(server_now, usegmt=True)
            req = self.headers.get("x-amz-date", "")
            return self.send_error_xml(
                400, "RequestTimeTooSkewed",
                "The difference between the request time and the current "
                "time is too large.",
                headers=[("Date", date)],
                extra="<RequestTime>%s</RequestTime><ServerTime>%s"
                      "</ServerTime><MaxAllowedSkewMilliseconds>900000"
                      "</MaxAllowedSkewMilliseconds>" % (
                          req, time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                             time.gmtime(server_now))))
        if a == "error":
            status, code, message = rule.arg
            return self.send_error_xml(status, code, message)
        if a == "status":
            self.send(rule.arg, [], b"", head=head)
            return rule.arg
        if a == "body":
            status, data, ctype = rule.arg
            self.send(status, [("Content-Type", ctype),
                               ("x-amz-request-id", "FAULTPROXY0000001")],
                      data, head=head)
            return status
        if a in ("repeattoken", "notoken"):
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            prefix = q.get("prefix", [""])[0]
            body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<ListBucketResult><Name>%s</Name><Prefix>%s</Prefix>"
                    "<EncodingType>url</EncodingType><KeyCount>1</KeyCount>"
                    "<Contents><Key>%sx.parquet</Key><Size>20</Size>"
                    "</Contents><IsTruncated>true</IsTruncated>%s"
                    "</ListBucketResult>" % (
                        _xml_escape(_bucket_of(self.path)),
                        urllib.parse.quote(prefix),
                        urllib.parse.quote(prefix),
                        "<NextContinuationToken>same</NextContinuationToken>"
                        if a == "repeattoken" else "")).encode()
            self.send(200, [("Content-Type", "application/xml")], body,
                      head=head)
            return 200
        if a == "uploadkey01":
            enc = "encoding-type=url" in self.path
            key = "events/up%01load.parquet" if enc else \
                "events/up\x01load.parquet"
            body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<ListMultipartUploadsResult><Bucket>%s</Bucket>%s"
                    "<IsTruncated>false</IsTruncated><Upload><Key>%s</Key>"
                    "<UploadId>2~fault</UploadId><Initiator><ID>x</ID>"
                    "</Initiator></Upload></ListMultipartUploadsResult>" % (
                        _xml_escape(_bucket_of(self.path)),
                        "<EncodingType>url</EncodingType>" if enc else "",
                        key)).encode()
            self.send(200, [("Content-Type", "application/xml")], body,
                      head=head)
            return 200
        if a == "bigbody":
            return self.send_big_listing(rule.arg, head)
        if a == "fullbody":
            self.send(200, [("Content-Type", "application/octet-stream")],
                      b"P" * rule.arg, head=head)
            return 200
        if a == "deepjson":
            self.send(200, [("Content-Type", "application/json")],
                      b"[" * rule.arg + b"]" * rule.arg, head=head)
            return 200
        if a == "redirect307":
            return self.send_error_xml(
                307, "TemporaryRedirect",
                "Please re-send this request to the specified temporary "
                "endpoint. Continue to use the original request endpoint "
                "for future requests.",
                headers=[("Location", rule.arg)],
                extra="<Endpoint>%s</Endpoint>" % _xml_escape(
                    urllib.parse.urlsplit(rule.arg).netloc))
        if a == "hugeheader":
            try:
                up = self.forward(body)
            except (http.client.HTTPException, OSError) as e:
                return self.send_error_xml(502, "FaultProxyUpstreamError",
                                           str(e))
            status, _, headers, data = up
            headers = list(headers) + [("x-fault-padding", "p" * rule.arg)]
            try:
                self.send(status, headers, data, head=head)
            except OSError:
                self.close_connection = True  # the client gave up
            return status
        # truncate / malformed: start from the real answer (or a stand-in).
        try:
            up = self.forward(body)
        except (http.client.HTTPException, OSError) as e:
            return self.send_error_xml(502, "FaultProxyUpstreamError", str(e))
        if up is None:
            up = (200, "OK", [("Content-Type", "application/xml")],
                  b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  b"<ListBucketResult><Name>bucket</Name><KeyCount>1"
                  b"</KeyCount><Contents><Key>a</Key></Contents>"
                  b"</ListBucketResult>")
        status, _, headers, data = up
        if a == "malformed":
            data = (data[:len(data) // 2] if data else b"<?xml") + \
                b"<Broken attr=\"</Contents>&bogus;<<\n"
            self.send(status, headers, data, head=head)
            return status
        # truncate
        self.close_connection = True
        cut = data[:len(data) // 2]
        self.send(status, headers, cut, head=head, promise=len(data))
        self.connection.shutdown(socket.SHUT_RDWR)
        return status

    def send_big_listing(self, size, head):
        """A ListObjectsV2 answer of SIZE bytes, written in chunks."""
        start = (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 b"<ListBucketResult><Name>b</Name>"
                 b"<IsTruncated>false</IsTruncated>")
        end = b"</ListBucketResult>"
        entry = (b"<Contents><Key>k/%010d.parquet</Key><Size>20</Size>"
                 b"</Contents>")
        self.out_of_service()
        self.send_response_only(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if head:
            return 200
        left = size - len(start) - len(end)
        try:
            self.wfile.write(start)
            i = 0
            chunk = []
            while left > 0:
                e = entry % i
                if len(e) > left:
                    e = b" " * left
                chunk.append(e)
                left -= len(e)
                i += 1
                if len(chunk) >= 1000 or left <= 0:
                    self.wfile.write(b"".join(chunk))
                    chunk = []
            self.wfile.write(end)
            self.wfile.flush()
        except OSError:
            self.close_connection = True   # the client stopped reading
        return 200

    def finish(self):
        try:
            super().finish()
        finally:
            if self.upconn is not None:
                self.upconn.close()

    def handle(self):
        try:
            super().handle()
        except (ConnectionError, OSError):
            pass  # the client went away (it timed out, or we reset it)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a client opening dozens of
    # connections at once (the fleet check's workers) then has SYNs dropped
    # and waits out 1 s retransmissions, a stall S3 does not have.
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass


class FaultProxy:
    """An in-process proxy on 127.0.0.1 (a free port unless PORT)."""

    def __init__(self, upstream=None, faults=(), delay=0.0, port=0):
        self.state = State(upstream, list(faults), delay)
        self.server = Server(("127.0.0.1", port), Handler)
        self.server.state = self.state
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = None

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.02},
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def set_faults(self, faults):
        rules = [Rule(f) for f in faults]
        with self.state.lock:
            self.state.rules = rules

    def stats(self):
        return self.state.stats()

    def reset(self):
        with self.state.lock:
            self.state.rules = []
            self.state.reset_counts()


def main():
    ap = argparse.ArgumentParser(
        description="fault-injecting HTTP proxy for the tests "
                    "(see tests/README.md)")
    ap.add_argument("--upstream", help="http://127.0.0.1:PORT to forward to")
    ap.add_argument("--port", type=int, default=0,
                    help="port on 127.0.0.1 (default: a free one)")
    ap.add_argument("--port-file", help="write the port to this file")
    ap.add_argument("--delay", type=float, default=0.0,
                    help="seconds added to every request (benchmarks)")
    ap.add_argument("--max-seconds", type=float, default=900,
                    help="exit after this long (default 900)")
    ap.add_argument("--fault", action="append", default=[], metavar="RULE",
                    help="ACTION[*N][@MATCH], in order (see the module doc)")
    o = ap.parse_args()
    if o.upstream and urllib.parse.urlsplit(o.upstream).hostname not in (
            "127.0.0.1", "localhost", "::1"):
        ap.error("--upstream must be on this machine (127.0.0.1)")
    try:
        p = FaultProxy(o.upstream, o.fault, o.delay, o.port)
    except ValueError as e:
        ap.error(str(e))
    p.start()
    if o.port_file:
        with open(o.port_file + ".tmp", "w") as f:
            f.write("%d\n" % p.port)
        import os
        os.replace(o.port_file + ".tmp", o.port_file)
    print("faultproxy: listening on %s (upstream %s)" % (
        p.url, o.upstream or "none"), flush=True)
    try:
        time.sleep(o.max_seconds)
    except KeyboardInterrupt:
        pass
    p.stop()


if __name__ == "__main__":
    main()
