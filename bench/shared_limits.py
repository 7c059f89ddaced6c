#!/usr/bin/env python3
"""What the shared rate limit costs an anonymous request.

Since the per-address buckets live in the database (so that several
servers share them), every request without a token runs one UPSERT on
`rate_bucket` before it is served. This starts the given binary on a
fresh database twice, with the anonymous limit off (0: no statement) and
on but out of reach (10,000,000 a minute: the statement runs, nobody is
refused), and sends REQUESTS cheap anonymous queries (`{ __typename }`),
first one at a time, then CONCURRENCY at a time (every request comes
from 127.0.0.1, so they all queue on one bucket row: the worst case).
Prints p50 / p95 latency and throughput for each.

  bench/shared_limits.py BIN                       (SQLite file)
  bench/shared_limits.py BIN postgres://u@h:p/db   (a scratch schema in
                                                    that database; dropped)

Environment: REQUESTS [2000], CONCURRENCY [8]. Every request goes to
127.0.0.1 and every loop is bounded.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

REQUESTS = int(os.environ.get("REQUESTS", "2000"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "8"))
SECRET = "bench-secret-of-at-least-32-bytes-long"


def post(url, body):
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def start(binary, database_url, per_minute, workdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHANCAP_")}
    env.update(
        DATABASE_URL=database_url,
        PHANCAP_JWT_SECRET=SECRET,
        PHANCAP_ANONYMOUS_PER_MINUTE=str(per_minute),
        PHANCAP_LOG="warn",
        PHANCAP_FILES_DIR=os.path.join(workdir, "files"),
    )
    process = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0"],
        env=env,
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for _ in range(200):
        line = process.stdout.readline()
        if line.startswith("GraphiQL: "):
            return process, line.split(" ", 1)[1].strip()
        if not line and process.poll() is not None:
            break
    process.kill()
    sys.exit("the server did not start")


def sequential(url, n):
    times = []
    for _ in range(n):
        started = time.perf_counter()
        status = post(url, {"query": "{ __typename }"})
        times.append(time.perf_counter() - started)
        assert status == 200, status
    return times


def concurrent(url, n, workers):
    times = []
    lock = threading.Lock()
    per_worker = n // workers

    def work():
        mine = sequential(url, per_worker)
        with lock:
            times.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, time.perf_counter() - started


def ms(seconds):
    return f"{seconds * 1000:.2f}"


def measure(binary, database_url, per_minute, workdir):
    process, url = start(binary, database_url, per_minute, workdir)
    try:
        sequential(url, 100)  # warm up
        one = sorted(sequential(url, REQUESTS))
        many, took = concurrent(url, REQUESTS, CONCURRENCY)
        many.sort()
        return {
            "p50": ms(statistics.median(one)),
            "p95": ms(one[int(len(one) * 0.95)]),
            "cp50": ms(statistics.median(many)),
            "cp95": ms(many[int(len(many) * 0.95)]),
            "rps": f"{len(many) / took:.0f}",
        }
    finally:
        process.terminate()
        process.wait(timeout=30)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    pg = sys.argv[2] if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as workdir:
        schema = None
        if pg:
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            subprocess.run(["psql", "-q", pg, "-c", f"CREATE SCHEMA {schema}"], check=True)
            sep = "&" if "?" in pg else "?"
            database_url = f"{pg}{sep}options=-c%20search_path%3D{schema}"
        else:
            database_url = f"sqlite://{workdir}/bench.db?mode=rwc"
        try:
            off = measure(binary, database_url, 0, workdir)
            on = measure(binary, database_url, 10_000_000, workdir)
        finally:
            if schema:
                subprocess.run(["psql", "-q", pg, "-c", "SET client_min_messages TO warning", "-c", f"DROP SCHEMA {schema} CASCADE"], check=True)
    print(f"database: {'PostgreSQL' if pg else 'SQLite file'}; {REQUESTS} requests")
    print("| limit | one at a time p50 / p95 (ms) | "
          f"{CONCURRENCY} at a time p50 / p95 (ms) | requests/s |")
    print("| --- | --- | --- | --- |")
    for name, r in (("off (0)", off), ("on, shared bucket", on)):
        print(f"| {name} | {r['p50']} / {r['p95']} | {r['cp50']} / {r['cp95']} | {r['rps']} |")


if __name__ == "__main__":
    main()
