#!/usr/bin/env python3
"""National exports: the unit tree, the mandate registry and a quarter's reports.

On a fresh embedded SQLite database: the 2025 units (34 provinces, 3,321
communes), ROWS delegated contents and a national quarter's figures, loaded
as bench/import_registry.py loads them (it prints its own lines); then every
commune's report of 2027Q1 is accepted (with SQL, then `phancap reports
rebuild-rollups`) and each province's report is compiled. The server is
then started afresh on that database, so that its peak memory (VmHWM from
/proc) counts the exports only, and downloads, in XLSX, CSV and NDJSON:

* the unit tree: national (`/export/units`, one download) and every
  province's subtree (`/export/units/{id}`),
* the mandate registry, national (`/export/mandates`, one download),
* the quarter's reports: the 34 compiled province reports and every
  commune's own report (`/export/reports/{id}`).

Each line gives the downloads, bytes, wall time and the server's resident
and peak memory after them; a last line compares the peak with the peak
after the biggest single download, which is what constant memory means.

Usage:  bench/export.py BIN     (e.g. target/release/phancap)
Environment: ROWS [10200], MATTERS [300], INDICATORS [5] as in
import_registry.py; KEEP=1 keeps the loaded database (its folder is
printed) and REUSE=<folder> measures on it again without loading, e.g.
two binaries side by side on the same data. Every request goes to
127.0.0.1.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import import_registry as setup  # noqa: E402
from import_registry import Server  # noqa: E402

FORMATS = ["xlsx", "csv", "ndjson"]


def memory_kib(pid):
    found = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key = line.split(":")[0]
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(line.split()[1])
    return found.get("VmRSS", 0), found.get("VmHWM", 0)


def download(base, path, token):
    request = urllib.request.Request(base + path, headers={"authorization": f"Bearer {token}"})
    size = 0
    with urllib.request.urlopen(request, timeout=3600) as response:
        if response.status != 200:
            raise SystemExit(f"{path}: {response.status}")
        while True:
            chunk = response.read(1 << 16)
            if not chunk:
                return size
            size += len(chunk)


def load(binary, env, work):
    """The units, the registry and the figures, as import_registry.py does."""
    provinces, communes = setup.prepare(binary, env)
    server = Server(binary, env)
    try:
        created = setup.load_registry(server, provinces, communes)
        print(f"loaded: {created} mandates")
        setup.figures(server.url, server.token, provinces, communes, server.pid)
    finally:
        server.stop()
    # Every commune's report of the quarter accepted, as if each had been
    # submitted and reviewed; then the rollups computed from them.
    db = sqlite3.connect(os.path.join(work, "phancap.db"))
    accepted = db.execute(
        "UPDATE report SET status = 'ACCEPTED', first_submitted_at = updated_at, "
        "submitted_at = updated_at, accepted_at = updated_at "
        "WHERE compiled = 0 AND period_code = ?", (setup.PERIOD,)).rowcount
    db.commit()
    db.close()
    subprocess.run([binary, "reports", "rebuild-rollups"], env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"loaded: {accepted} commune reports of {setup.PERIOD} accepted")
    return provinces


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    reuse = os.environ.get("REUSE")
    work = reuse or tempfile.mkdtemp(prefix="phancap-export-")
    env = setup.bench_env(work)
    try:
        measure(binary, env, work, loaded=bool(reuse))
    finally:
        if not reuse and not os.environ.get("KEEP"):
            shutil.rmtree(work, ignore_errors=True)


def measure(binary, env, work, loaded):
    if loaded:
        provinces, _ = setup.units()
    else:
        provinces = load(binary, env, work)
        print(f"loaded into {work} (KEEP=1 keeps it for REUSE)")
    server = Server(binary, env)
    try:
        ids = {}
        for p in provinces:
            ids[p] = server.query("query($c: String!) { unitByCode(code: $c) { id } }", {"c": p})["unitByCode"]["id"]
        compiled, communes, periods = [], [], set()
        after = None
        while True:
            page = server.query(
                "query($after: String, $p: Period) { reports(filter: {period: $p}, first: 100, after: $after) "
                "{ nodes { id compiled reportingPeriod { id } } pageInfo { hasNextPage endCursor } } }",
                {"after": after, "p": setup.PERIOD})["reports"]
            for node in page["nodes"]:
                (compiled if node["compiled"] else communes).append(node["id"])
                periods.add(node["reportingPeriod"]["id"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        for period in sorted(periods) if not loaded else []:
            made = server.query(
                "mutation($i: PeriodInput!) { compileReport(input: $i) { report { id } userErrors { code message } } }",
                {"i": {"period": period}})
            assert made["compileReport"]["report"], made
            compiled.append(made["compileReport"]["report"]["id"])
        print(f"reports: {len(compiled)} compiled, {len(communes)} communes'")
        # Afresh, so that the peak counts the exports only.
        server.stop()
        server = Server(binary, env)
        rss, hwm = memory_kib(server.pid)
        print(f"server before the exports: RSS {rss / 1024:.0f} MiB, peak {hwm / 1024:.0f} MiB")

        groups = [
            ("unit tree, national", ["/export/units"]),
            ("unit tree, 34 subtrees", [f"/export/units/{ids[p]}" for p in provinces]),
            ("mandate registry, national", ["/export/mandates"]),
            ("compiled reports, 34", [f"/export/reports/{r}" for r in compiled]),
            ("communes' reports", [f"/export/reports/{r}" for r in communes]),
        ]
        biggest = (0, "", 0)
        print(f"{'export':28} {'format':6} {'files':>6} {'MiB':>8} {'seconds':>8} {'files/s':>8} "
              f"{'RSS MiB':>8} {'peak MiB':>8}")
        for label, paths in groups:
            for fmt in FORMATS:
                started = time.perf_counter()
                total = 0
                for path in paths:
                    size = download(server.base, f"{path}?format={fmt}", server.token)
                    total += size
                    if size > biggest[0]:
                        biggest = (size, f"{label}, {fmt}", memory_kib(server.pid)[1])
                took = time.perf_counter() - started
                rss, hwm = memory_kib(server.pid)
                print(f"{label:28} {fmt:6} {len(paths):6} {total / 1048576:8.2f} {took:8.2f} "
                      f"{len(paths) / took:8.0f} {rss / 1024:8.0f} {hwm / 1024:8.0f}")
        rss, hwm = memory_kib(server.pid)
        print(f"biggest single download: {biggest[0] / 1048576:.1f} MiB ({biggest[1]}), "
              f"server peak {biggest[2] / 1024:.0f} MiB right after it; peak over all {hwm / 1024:.0f} MiB")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
