"""fill_bucket.py - create BUCKET on the test server and fill it with N small
objects laid out as the vendor ingests them (for bench/layout):

    DATASET/YYYY-MM-DD/part-NNNNN.parquet   (two datasets, 100 files a day)

Usage: /usr/bin/python3 bench/fill_bucket.py BUCKET N
The server and the credentials come from the environment tests/rgw.sh
writes (S3PERM_TEST_ENDPOINT, S3PERM_TEST_CUSTOMER_KEY / _SECRET).  Uploads
run in several processes of many threads each (botocore), as one Python
process would be held to one core by its interpreter lock.
"""

import concurrent.futures
import datetime
import multiprocessing
import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "e2e"))
import s3env  # noqa: E402

FILES_PER_DAY = 100
PROCESSES = 4
THREADS = 24
# The smallest valid parquet file (tests/mini_parquet.h): a footer that
# layout decodes (one INT64 column "id", 10 rows), so the footer reads of
# `s3perm layout` do the work they do on real files.
FOOTER = (b"\x15\x02\x19\x2c\x48\x06schema\x15\x02\x00\x15\x04\x25\x00"
          b"\x18\x02id\x00\x16\x14\x19\x0c\x00")
BODY = b"PAR1" + FOOTER + struct.pack("<I", len(FOOTER)) + b"PAR1"


def key(i):
    """The i-th key: datasets alternate every 50,000 objects' worth of days."""
    per_ds = 50000
    ds = ("events", "metrics")[(i // per_ds) % 2]
    n = i % per_ds
    day = datetime.date(2023, 1, 1) + datetime.timedelta(
        days=n // FILES_PER_DAY)
    return "%s/%s/part-%05d.parquet" % (ds, day.isoformat(),
                                        n % FILES_PER_DAY)


def work(args):
    bucket, lo, hi = args
    c = s3env.client("customer")

    def put(i):
        for attempt in range(5):
            try:
                c.put_object(Bucket=bucket, Key=key(i), Body=BODY)
                return
            except Exception:
                if attempt == 4:
                    raise
                time.sleep(0.5 * (attempt + 1))

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(put, range(lo, hi)))
    return hi - lo


def main():
    bucket, n = sys.argv[1], int(sys.argv[2])
    c = s3env.client("customer")
    c.create_bucket(Bucket=bucket)
    t0 = time.time()
    step = (n + PROCESSES * 8 - 1) // (PROCESSES * 8)
    chunks = [(bucket, lo, min(n, lo + step)) for lo in range(0, n, step)]
    done = 0
    with multiprocessing.Pool(PROCESSES) as pool:
        for k in pool.imap_unordered(work, chunks):
            done += k
            print("\rfill: %d / %d objects" % (done, n), end="",
                  file=sys.stderr, flush=True)
    dt = time.time() - t0
    print("\rfill: %d objects in %.1f s (%.0f PUT/s)" % (n, dt, n / dt),
          file=sys.stderr)


if __name__ == "__main__":
    main()
