#!/usr/bin/env python3
"""Sign-in flood and alias flood against one or more phancap binaries.

For each binary: a fresh embedded SQLite database with the 2025 units and
one user, the server on a free port (rate limits off, so that the flood
reaches the password check), then three phases, each measuring the latency
of a cheap anonymous query (`unitByCode`) sent one at a time beside the
load, and the server's memory:

  idle    the cheap query alone;
  logins  ATTEMPTS wrong sign-ins, CONCURRENCY at a time;
  aliases REQUESTS requests of ALIASES aliased `login` fields each, two at
          a time (one request used to hash ALIASES passwords).

Prints one table, binaries side by side; peak memory is VmHWM from
/proc. Usage:

  bench/signin_flood.py BIN [BIN ...]      (e.g. the release binary of
                                            main before and after)

Environment: ATTEMPTS [200], CONCURRENCY [16], REQUESTS [4], ALIASES [200].
Every request goes to 127.0.0.1 and every loop is bounded.
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

ATTEMPTS = int(os.environ.get("ATTEMPTS", "200"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "16"))
REQUESTS = int(os.environ.get("REQUESTS", "4"))
ALIASES = int(os.environ.get("ALIASES", "200"))
PASSWORD = "bench-password-2026"


def post(url, body, timeout=120):
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
    except Exception as err:  # noqa: BLE001 - a failed request is a figure too
        return 0, str(err).encode()


def peak_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cheap_latencies(url, stop, out):
    """The cheap query, one at a time, until `stop` is set (at most 2000)."""
    query = {"query": '{ unitByCode(code: "19") { name } }'}
    for _ in range(2000):
        if stop.is_set():
            break
        started = time.perf_counter()
        status, _ = post(url, query, timeout=60)
        out.append((time.perf_counter() - started) * 1000 if status == 200 else float("inf"))
        time.sleep(0.02)


def run_phase(url, pid, load):
    latencies = []
    stop = threading.Event()
    watcher = threading.Thread(target=cheap_latencies, args=(url, stop, latencies))
    watcher.start()
    started = time.perf_counter()
    answers = load()
    took = time.perf_counter() - started
    stop.set()
    watcher.join()
    finite = sorted(x for x in latencies if x != float("inf"))
    failed = len(latencies) - len(finite)
    p50 = statistics.median(finite) if finite else float("nan")
    p95 = finite[int(len(finite) * 0.95) - 1] if len(finite) >= 20 else (finite[-1] if finite else float("nan"))
    return {
        "took_s": took,
        "cheap_p50_ms": p50,
        "cheap_p95_ms": p95,
        "cheap_failed": failed,
        "rss_mib": rss_kib(pid) / 1024,
        "peak_mib": peak_kib(pid) / 1024,
        "answers": answers,
    }


def in_parallel(n, workers, job):
    results = [None] * n
    index = iter(range(n))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                i = next(index, None)
            if i is None:
                return
            results[i] = job(i)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def summarize(results):
    counts = {}
    for status, body in results:
        text = body.decode(errors="replace")
        if status != 200:
            key = f"HTTP {status}"
        elif "INVALID_CREDENTIALS" in text:
            key = "INVALID_CREDENTIALS"
        elif "THROTTLED" in text:
            key = "THROTTLED"
        elif '"errors"' in text:
            key = "refused"
        else:
            key = "other"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def measure(binary):
    work = tempfile.mkdtemp(prefix="phancap-flood-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHANCAP_") and k != "DATABASE_URL"}
    env.update({
        "DATABASE_URL": f"sqlite://{work}/phancap.db?mode=rwc",
        "PHANCAP_LOGINS_PER_MINUTE": "0",
        "PHANCAP_ANONYMOUS_PER_MINUTE": "0",
        "PHANCAP_LOG": "warn",
    })
    subprocess.run([binary, "import-units", "--structure", "2025"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([binary, "user", "create", "--username", "bench.user", "--unit", "19"],
                   env=env, check=True, input=PASSWORD + "\n", text=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        address = None
        for line in server.stdout:
            if line.startswith("GraphiQL: "):
                address = line.split(" ", 1)[1].strip()
                break
        if address is None:
            raise SystemExit(f"{binary} did not start")
        url = address  # .../graphql
        rows = {}
        rows["idle"] = run_phase(url, server.pid, lambda: time.sleep(2) or [])

        login = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken userErrors { code } } }"

        def logins():
            # Unknown usernames, so that no lock stops the hashing.
            return in_parallel(ATTEMPTS, CONCURRENCY, lambda i: post(url, {
                "query": login, "variables": {"u": f"nobody.{i}", "p": "wrong-password"}}))

        rows["logins"] = run_phase(url, server.pid, logins)
        fields = " ".join(
            f'a{i}: login(input: {{username: "ghost.{i}", password: "wrong-password"}}) {{ accessToken }}'
            for i in range(ALIASES))
        alias_body = {"query": f"mutation {{ {fields} }}"}

        def aliases():
            return in_parallel(REQUESTS, 2, lambda i: post(url, alias_body, timeout=300))

        rows["aliases"] = run_phase(url, server.pid, aliases)
        return rows, len(json.dumps(alias_body))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def main():
    binaries = sys.argv[1:]
    if not binaries:
        raise SystemExit(__doc__)
    results = []
    size = 0
    for binary in binaries:
        rows, size = measure(binary)
        results.append(rows)
    print(f"sign-in flood: {ATTEMPTS} wrong sign-ins, {CONCURRENCY} at a time; "
          f"alias flood: {REQUESTS} requests of {ALIASES} aliased logins ({size // 1024} KiB each), 2 at a time")
    print("cheap query = unitByCode, one at a time beside the load; memory from /proc (VmRSS, VmHWM)")
    header = ["phase", "figure"] + [os.path.basename(os.path.dirname(os.path.dirname(b))) + "/" + os.path.basename(b)
                                    if "/target/" in b else b for b in binaries]
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for phase in ["idle", "logins", "aliases"]:
        for figure, fmt in [("took_s", "{:.2f} s"), ("cheap_p50_ms", "{:.1f} ms"), ("cheap_p95_ms", "{:.1f} ms"),
                            ("cheap_failed", "{}"), ("rss_mib", "{:.0f} MiB"), ("peak_mib", "{:.0f} MiB")]:
            values = [fmt.format(r[phase][figure]) for r in results]
            print(" | ".join([phase, figure] + values))
        if phase != "idle":
            print(" | ".join([phase, "answers"] + [summarize(r[phase]["answers"]) for r in results]))


if __name__ == "__main__":
    main()
