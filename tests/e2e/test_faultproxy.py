"""tests/faultproxy.py does what tests/README.md promises: it passes signed
S3 requests through to radosgw unchanged, and each fault of its script
produces the AWS behaviour it stands for, once, for the requests it matches.
Other tests rely on this, so the proxy is tested against the real server."""

import email.utils
import http.client
import json
import os
import socket
import subprocess
import threading
import time
import xml.etree.ElementTree as ET

import s3env
from s3env import eq, ok, test

BODY = bytes(range(256)) * 8          # 2 KiB object


def bucket_with_object():
    b = s3env.create_bucket()
    s3env.put_object(b, "data/obj.bin", BODY)
    return b


def get(p, b, key="data/obj.bin", timeout=10):
    return s3env.signed_request("customer", "GET", "/%s/%s" % (b, key),
                                endpoint_url=p.url, timeout=timeout)


@test
def passes_signed_requests_through_and_counts_them():
    b = bucket_with_object()
    with s3env.fault_proxy() as p:
        c = s3env.client("vendor", p.url)
        eq(s3env.try_op("customer", "ListObjectsV2", b, endpoint_url=p.url),
           (200, None), "list through the proxy")
        eq(s3env.client("customer", p.url).get_object(
            Bucket=b, Key="data/obj.bin")["Body"].read(), BODY,
           "object body through the proxy")
        eq(s3env.try_op("customer", "PutObject", b, "data/new",
                        endpoint_url=p.url), (200, None), "put via proxy")
        eq(s3env.try_op("vendor", "GetObject", b, "data/obj.bin",
                        endpoint_url=p.url), (403, "AccessDenied"),
           "the server still decides (vendor has no grant)")
        del c
        st = p.stats()
        eq(st["total"], 4, "requests counted")
        eq(st["by_method"], {"GET": 3, "PUT": 1}, "requests by method")
        eq(st["by_fault"], {}, "no fault applied")
    eq(s3env.get_object(b, "data/new"), b"written by a test\n",
       "the PUT reached the server")


@test
def counts_connections_and_requests_in_flight():
    """The gauges other tests read to see a client's pool on the wire:
    two requests at once on two connections, then three in series on one
    keep-alive connection."""
    b = bucket_with_object()
    with s3env.fault_proxy(["delay=0.5*2"]) as p:
        ts = [threading.Thread(target=get, args=(p, b)) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        st = p.stats()
        eq((st["max_in_flight"], st["connections"]), (2, 2),
           "two at once, two connections")
        c = s3env.client("customer", p.url)
        for _ in range(3):
            c.head_object(Bucket=b, Key="data/obj.bin")
        st = p.stats()
        eq((st["total"], st["max_in_flight"], st["connections"]), (5, 2, 3),
           "three in series on one more connection")
        p.reset()
        eq((p.stats()["max_in_flight"], p.stats()["connections"]), (0, 0),
           "reset clears the gauges")


@test
def service_unavailable_then_pass():
    b = bucket_with_object()
    with s3env.fault_proxy(["503*2@GET"]) as p:
        eq(s3env.try_op("customer", "PutObject", b, "k", endpoint_url=p.url),
           (200, None), "PUT is not matched by @GET")
        for i in (1, 2):
            eq(s3env.try_op("customer", "GetObject", b, "data/obj.bin",
                            endpoint_url=p.url),
               (503, "ServiceUnavailable"), "GET %d" % i)
        eq(s3env.try_op("customer", "GetObject", b, "data/obj.bin",
                        endpoint_url=p.url), (200, None), "GET 3 passes")
        eq(p.stats()["by_fault"], {"503": 2}, "faults applied")
        eq(p.stats()["faults_left"], [], "script used up")


@test
def slowdown_and_any_error():
    b = bucket_with_object()
    msg = ("User: arn:aws:iam::999689269917:user/statsig-abc is not "
           "authorized to perform: s3:GetObject because no identity-based "
           "policy allows the s3:GetObject action")
    with s3env.fault_proxy(["slowdown", "error=403/AccessDenied/" + msg,
                            "error=400/KMS.DisabledException"]) as p:
        st, h, body = get(p, b)
        eq((st, s3env.error_code(body)), (503, "SlowDown"), "slowdown")
        st, h, body = get(p, b)
        eq((st, s3env.error_code(body)), (403, "AccessDenied"), "error=")
        eq(ET.fromstring(body).findtext("Message"), msg, "message kept")
        eq(h.get("content-type"), "application/xml", "content type")
        st, h, body = get(p, b)
        eq((st, s3env.error_code(body)), (400, "KMS.DisabledException"), "KMS")
        eq(get(p, b)[0], 200, "then pass")


@test
def body_from_a_file():
    """body=STATUS/FILE answers the matching request with the file's bytes
    (a recorded AWS answer), once, then passes."""
    b = bucket_with_object()
    xml = (b"<ServerSideEncryptionConfiguration><Rule>"
           b"<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256"
           b"</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>"
           b"</ServerSideEncryptionConfiguration>")
    path = s3env.tmpfile(xml.decode(), suffix=".xml")
    jpath = s3env.tmpfile('{"a": 1}', suffix=".json")
    with s3env.fault_proxy(["body=200/%s@GET:obj" % path,
                            "body=409/%s@GET" % jpath]) as p:
        st, h, body = get(p, b)
        eq((st, body), (200, xml), "the file's bytes")
        eq(h.get("content-type"), "application/xml", "content type")
        st, h, body = get(p, b)
        eq((st, body, h.get("content-type")),
           (409, b'{"a": 1}', "application/json"), "JSON, any status")
        eq(get(p, b)[:3:2], (200, BODY), "then pass: the object")


@test
def reset_truncate_malformed():
    b = bucket_with_object()
    with s3env.fault_proxy(["reset", "truncate", "malformed@list-type"]) as p:
        try:
            get(p, b)
            raise s3env.Failure("no error on a reset connection")
        except (ConnectionResetError, http.client.RemoteDisconnected):
            pass
        try:
            st, h, body = get(p, b)
            raise s3env.Failure("truncated body read whole: %d bytes" %
                                len(body))
        except http.client.IncompleteRead as e:
            eq(len(e.partial), len(BODY) // 2, "bytes before the cut")
        st, h, body = s3env.signed_request(
            "customer", "GET", "/" + b, {"list-type": "2"},
            endpoint_url=p.url)
        eq(st, 200, "malformed answer keeps the status")
        try:
            ET.fromstring(body)
            raise s3env.Failure("malformed body parsed: %r" % body)
        except ET.ParseError:
            pass
        eq(int(h["content-length"]), len(body), "Content-Length of broken body")
        eq(get(p, b)[2], BODY, "then pass")


@test
def delay_longer_than_timeout_and_fixed_delay():
    b = bucket_with_object()
    with s3env.fault_proxy(["delay=1.5"]) as p:
        try:
            get(p, b, timeout=0.5)
            raise s3env.Failure("no timeout")
        except socket.timeout:
            pass                  # the client gave up before the answer
        eq(get(p, b)[0], 200, "then pass")
    with s3env.fault_proxy(delay=0.2) as p:
        t0 = time.time()
        for _ in range(3):
            eq(get(p, b)[0], 200, "with --delay")
        ok(time.time() - t0 >= 0.6, "0.2 s added to each of 3 requests")


@test
def region_redirect_and_wrong_region():
    b = bucket_with_object()
    with s3env.fault_proxy(["redirect=eu-west-1",
                            "redirect=ap-south-1@HEAD",
                            "wrongregion=eu-central-1"]) as p:
        st, h, body = get(p, b)
        eq((st, s3env.error_code(body)), (301, "PermanentRedirect"),
           "redirect")
        eq(h.get("x-amz-bucket-region"), "eu-west-1", "bucket region header")
        ok("location" not in h, "no Location header, as on AWS")
        eq(ET.fromstring(body).findtext("Bucket"), b, "<Bucket>")
        st, h, body = s3env.signed_request("customer", "HEAD", "/" + b,
                                           endpoint_url=p.url)
        eq((st, h.get("x-amz-bucket-region"), body), (301, "ap-south-1", b""),
           "HEAD redirect: header, no body")
        st, h, body = get(p, b)
        eq((st, s3env.error_code(body)), (400, "AuthorizationHeaderMalformed"),
           "wrong region")
        eq(ET.fromstring(body).findtext("Region"), "eu-central-1", "<Region>")
        ok("'us-east-1' is wrong" in ET.fromstring(body).findtext("Message"),
           "the message names the region the request was signed for")
        eq(get(p, b)[0], 200, "then pass")


@test
def clock_skew_answer_carries_server_date():
    b = bucket_with_object()
    with s3env.fault_proxy(["skew=-3600"]) as p:
        st, h, body = get(p, b)
        eq((st, s3env.error_code(body)), (400, "RequestTimeTooSkewed"), "skew")
        server = email.utils.parsedate_to_datetime(h["date"]).timestamp()
        ok(abs(server - (time.time() - 3600)) < 5,
           "Date header is an hour behind: %s" % h["date"])
        ok(ET.fromstring(body).findtext("RequestTime"), "<RequestTime> set")
        eq(get(p, b)[0], 200, "then pass")


@test
def control_endpoint_and_command_line():
    b = bucket_with_object()
    portfile = s3env.tmpfile("", suffix=".port")
    os.unlink(portfile)
    proc = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(s3env.ROOT, "tests", "faultproxy.py"),
         "--upstream", s3env.endpoint(), "--port-file", portfile,
         "--fault", "503", "--max-seconds", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        ok(line.startswith("faultproxy: listening on http://127.0.0.1:"),
           "first line: %r" % line)
        with open(portfile) as f:
            port = int(f.read())

        class P:
            url = "http://127.0.0.1:%d" % port
        eq(get(P, b)[0], 503, "--fault 503")
        eq(get(P, b)[0], 200, "then pass")

        def control(method, what, body=None):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request(method, "/__faultproxy/" + what, body=body)
            r = c.getresponse()
            return r.status, json.loads(r.read())
        eq(control("POST", "faults", json.dumps(["slowdown*2"]))[0], 200,
           "set faults")
        eq([get(P, b)[0] for _ in range(3)], [503, 503, 200], "slowdown*2")
        st, stats = control("GET", "stats")
        eq((st, stats["total"], stats["by_fault"]),
           (200, 5, {"503": 1, "slowdown": 2}), "stats")
        eq(control("POST", "faults", json.dumps(["bogus"]))[0], 400,
           "an unknown action is refused")
        eq(control("POST", "reset")[0], 200, "reset")
        eq(control("GET", "stats")[1]["total"], 0, "counters cleared")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    bad = subprocess.run(
        ["/usr/bin/python3", os.path.join(s3env.ROOT, "tests", "faultproxy.py"),
         "--fault", "explode"], capture_output=True, text=True, timeout=30)
    eq(bad.returncode, 2, "bad rule on the command line: exit code")
    ok("unknown action" in bad.stderr, "bad rule: %r" % bad.stderr)


if __name__ == "__main__":
    s3env.main()
