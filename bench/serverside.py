#!/usr/bin/python3
"""bench/serverside.py - what the benchmarks measure on the server's side, so
that a client's time can be set against what the server itself needs:

  - the CPU seconds the local S3 server spends (radosgw, ceph-osd, ceph-mon
    of the tests/rgw.sh directory named by CEPH_CONF, plus any extra PIDs,
    e.g. the delay proxy's): on a machine of C cores no client can be faster
    than server CPU / C when the server is busy all along;
  - the lightest client: the same requests, presigned once (botocore), sent
    by the curl command-line tool with --parallel (libcurl's multi interface,
    one thread, keep-alive connections);
  - the delay proxy (tests/faultproxy.py) in a process of its own, so that a
    Python client measured beside it does not share its interpreter lock.

Used by bench/fleet and bench/layout; as a command:
    serverside.py cpu [PID...]         CPU seconds of the server (+ PIDs)
    serverside.py limit WIDTH FILE     send the presigned requests of FILE
                                       (lines "METHOD URL [Range]") with curl,
                                       WIDTH at a time: prints "seconds n_ok"
    serverside.py proxy UPSTREAM SECONDS PORT_FILE [keep-nagle]
                                       run the delay proxy (until killed)
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def server_pids():
    """PIDs of the tests/rgw.sh server named by CEPH_CONF (its DIR/*.pid)."""
    conf = os.environ.get("CEPH_CONF")
    if not conf:
        return []
    d = os.path.dirname(conf)
    pids = []
    for name in ("mon", "osd", "rgw", "rgwsts"):
        try:
            with open(os.path.join(d, name + ".pid")) as f:
                pids.append(int(f.read().strip()))
        except (OSError, ValueError):
            pass
    return pids


def cpu_seconds(pids):
    """utime + stime of the processes (all their threads), in seconds."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


def presigner(access_key, secret_key, region="us-east-1"):
    """A function (method, url) -> presigned url (valid one hour)."""
    from botocore.auth import S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    auth = S3SigV4QueryAuth(Credentials(access_key, secret_key), "s3",
                            region, 3600)

    def sign(method, url):
        req = AWSRequest(method=method, url=url)
        auth.add_auth(req)
        return req.url
    return sign


def curl_parallel(requests, width):
    """Send [(method, presigned url, range or None)] with the curl tool,
    WIDTH at a time over keep-alive connections.  (seconds, answers with a
    status below 500)."""
    with tempfile.TemporaryDirectory(prefix="s3perm-limit-") as d:
        cfg = os.path.join(d, "curl.cfg")
        with open(cfg, "w") as f:
            for i, (method, url, rng) in enumerate(requests):
                # (options before a "next" belong to one URL only)
                f.write('%surl = "%s"\nrequest = "%s"\noutput = "%s"\n'
                        'silent\nwrite-out = "%%{http_code}\\n"\n'
                        % ("next\n" if i else "", url, method,
                           os.path.join(d, "body")))
                if method == "HEAD":
                    f.write("head\n")
                if rng:
                    f.write('header = "Range: %s"\n' % rng)
        t0 = time.monotonic()
        p = subprocess.run(["curl", "--parallel", "--parallel-immediate",
                            "--parallel-max", str(width), "--config", cfg],
                           capture_output=True)
        t = time.monotonic() - t0
    codes = p.stdout.decode().split()
    ok = sum(1 for c in codes if c.isdigit() and 0 < int(c) < 500)
    return t, ok


class ProxyProcess:
    """tests/faultproxy.py with a fixed delay, in its own process (this
    file's `proxy` command), with the Nagle/delayed-ACK stalls taken out as
    bench/check does in-process."""

    def __init__(self, upstream, delay, keep_nagle=False):
        self.dir = tempfile.mkdtemp(prefix="s3perm-proxy-")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", os.path.abspath(__file__), "proxy",
             upstream, str(delay), port_file] +
            (["keep-nagle"] if keep_nagle else []),
            stdout=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        with open(port_file) as f:
            self.url = "http://127.0.0.1:%d" % int(f.read())
        self.pid = self.proc.pid

    def _call(self, method, path):
        req = urllib.request.Request(self.url + "/__faultproxy/" + path,
                                     method=method,
                                     data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read()

    def stats(self):
        import json
        return json.loads(self._call("GET", "stats"))

    def reset(self):
        self._call("POST", "reset")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        for n in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, n))
        os.rmdir(self.dir)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "cpu":
        print("%.2f" % cpu_seconds(server_pids() +
                                   [int(p) for p in sys.argv[2:]]))
        return 0
    if len(sys.argv) in (5, 6) and sys.argv[1] == "proxy":
        import importlib.machinery
        sys.path.insert(0, os.path.join(ROOT, "tests"))
        import faultproxy
        if sys.argv[5:] != ["keep-nagle"]:
            importlib.machinery.SourceFileLoader(
                "bench_check", os.path.join(ROOT, "bench", "check")
            ).load_module().no_delayed_ack_stalls(faultproxy)
        upstream, delay, port_file = sys.argv[2:5]
        sys.argv = ["faultproxy", "--upstream", upstream, "--delay", delay,
                    "--port-file", port_file, "--max-seconds", "7200"]
        faultproxy.main()
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "limit":
        reqs = []
        with open(sys.argv[3]) as f:
            for line in f:
                parts = line.split(None, 2)
                if len(parts) >= 2:
                    reqs.append((parts[0], parts[1],
                                 parts[2].strip() if len(parts) > 2 else None))
        t, ok = curl_parallel(reqs, int(sys.argv[2]))
        print("%.3f %d" % (t, ok))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
