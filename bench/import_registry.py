#!/usr/bin/env python3
"""A national mandate registry and a national quarter's figures imported.

On a fresh embedded SQLite database with the 2025 units (34 provinces,
3,321 communes): a user APPROVER and ADMIN over every province, MATTERS
matters catalogued (`importMatters`), then a generated CSV registry of
ROWS rows (one province's committee delegating one matter to one of its
communes, as DRAFT rows: drafted with draftMandate's checks) imported
once as a dry run and once for real; then a quarterly regime per province
(every commune reports, INDICATORS NUMBER indicators, 2027Q1 open) and a
national quarter's figures (3,321 communes x INDICATORS values) imported
through `importReportFigures`, as CSV and as ADX JSON. Prints, for each,
the wall time, rows per second and the server's peak memory (VmHWM from
/proc).

Usage:  bench/import_registry.py BIN     (e.g. target/release/phancap)
Environment: ROWS [10200], MATTERS [300], INDICATORS [5].
Every request goes to 127.0.0.1.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROWS = int(os.environ.get("ROWS", "10200"))
MATTERS = int(os.environ.get("MATTERS", "300"))
INDICATORS = int(os.environ.get("INDICATORS", "5"))
PERIOD = "2027Q1"
PASSWORD = "bench-password-2026"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def post(url, body, headers, timeout=3600):
    request = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def graphql(url, token, query, variables):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return post(url, json.dumps({"query": query, "variables": variables}).encode(), headers)


def upload(url, token, query, name, content, dry_run):
    boundary = "phancapBench7c1d"
    operations = json.dumps({"query": query, "variables": {"file": None, "dryRun": dry_run}})
    parts = [
        ("operations", None, operations.encode()),
        ("map", None, b'{"0": ["variables.file"]}'),
        ("0", name, content),
    ]
    body = b""
    for field, filename, data in parts:
        disposition = f'form-data; name="{field}"'
        if filename:
            disposition += f'; filename="{filename}"'
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    headers = {
        "content-type": f"multipart/form-data; boundary={boundary}",
        "authorization": f"Bearer {token}",
    }
    return post(url, body, headers)


def peak_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def units():
    provinces, communes = [], {}
    with open(os.path.join(ROOT, "data", "units-2025.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            p = row["province_code"]
            if p not in communes:
                provinces.append(p)
                communes[p] = []
            communes[p].append(row["commune_code"])
    return provinces, communes


def registry(provinces, communes):
    lines = ["code,title,sector,matter,kind,delegator,delegatees,staff,effective_from,status"]
    for i in range(ROWS):
        p = provinces[i % len(provinces)]
        k = i // len(provinces)
        commune = communes[p][k % len(communes[p])]
        matter = f"BM-{k % MATTERS:04d}"
        lines.append(
            f"BM-{p}-{k:05d},Nội dung {k} của tỉnh {p},KHAC,{matter},DECENTRALIZATION,"
            f"{p},{commune},1,2025-08-01,DRAFT"
        )
    return ("\n".join(lines) + "\n").encode()


def bench_env(work):
    """The environment of a server on a SQLite file in `work`, limits off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHANCAP_") and k != "DATABASE_URL"}
    env.update({
        "DATABASE_URL": f"sqlite://{work}/phancap.db?mode=rwc",
        "PHANCAP_LOGINS_PER_MINUTE": "0",
        "PHANCAP_ANONYMOUS_PER_MINUTE": "0",
        "PHANCAP_MAX_FILE_BYTES": str(32 * 1024 * 1024),
        "PHANCAP_LOG": "warn",
    })
    return env


def prepare(binary, env):
    """The 2025 units and a user APPROVER, ADMIN, COORDINATOR and REPORTER
    over every province; returns the provinces and their communes."""
    provinces, communes = units()
    subprocess.run([binary, "import-units", "--structure", "2025"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    roles = []
    for p in provinces:
        roles += ["--role", f"APPROVER@{p}", "--role", f"ADMIN@{p}",
                  "--role", f"COORDINATOR@{p}", "--role", f"REPORTER@{p}"]
    subprocess.run([binary, "user", "create", "--username", "bench.user", "--unit", "01", *roles],
                   env=env, check=True, input=PASSWORD + "\n", text=True, stdout=subprocess.DEVNULL)
    return provinces, communes


class Server:
    """`binary serve` on a free port, signed in as the bench user."""

    def __init__(self, binary, env):
        self.process = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0"], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.pid = self.process.pid
        self.url = None
        for line in self.process.stdout:
            if line.startswith("GraphiQL: "):
                self.url = line.split(" ", 1)[1].strip()
                break
        if self.url is None:
            self.stop()
            raise SystemExit(f"{binary} did not start")
        self.base = self.url.rsplit("/", 1)[0]
        login = graphql(self.url, None,
                        "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }",
                        {"u": "bench.user", "p": PASSWORD})
        self.token = login["data"]["login"]["accessToken"]

    def query(self, text, variables=None):
        answer = graphql(self.url, self.token, text, variables or {})
        if answer.get("errors"):
            raise SystemExit(f"{text[:80]}: {answer['errors']}")
        return answer["data"]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def import_matters(server):
    """MATTERS catalogued matters, BM-0000 on."""
    matters = "code,name,sector,law,holder\n" + "".join(
        f"BM-{m:04d},Việc {m},KHAC,Luật thử {m},UBND_PROVINCE\n" for m in range(MATTERS))
    done = server.query("mutation($csv: String!) { importMatters(input: {csv: $csv}) { created } }",
                        {"csv": matters})
    assert done["importMatters"]["created"] == MATTERS, done


def load_registry(server, provinces, communes):
    """The matters and the generated registry imported for real; returns
    how many mandates were created."""
    import_matters(server)
    content = registry(provinces, communes)
    query = ("mutation($file: Upload!, $dryRun: Boolean!) { importMandates(file: $file, dryRun: $dryRun) "
             "{ summary { created errors { line message } } } }")
    answer = upload(server.url, server.token, query, "registry.csv", content, False)
    summary = answer["data"]["importMandates"]["summary"]
    assert not summary["errors"], summary
    return summary["created"]


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    work = tempfile.mkdtemp(prefix="phancap-import-")
    env = bench_env(work)
    server = None
    try:
        provinces, communes = prepare(binary, env)
        server = Server(binary, env)
        import_matters(server)
        content = registry(provinces, communes)
        query = ("mutation($file: Upload!, $dryRun: Boolean!) { importMandates(file: $file, dryRun: $dryRun) "
                 "{ summary { rows created moreErrors errors { line column code message } } } }")
        print(f"{ROWS} rows, {len(content) / 1024 / 1024:.1f} MiB CSV, {len(provinces)} provinces, {MATTERS} matters")
        for label, dry in [("dry run", True), ("import", False)]:
            started = time.perf_counter()
            answer = upload(server.url, server.token, query, "registry.csv", content, dry)
            took = time.perf_counter() - started
            summary = answer.get("data", {}).get("importMandates", {}).get("summary") if answer.get("data") else None
            if not summary or summary["errors"]:
                raise SystemExit(f"{label}: {json.dumps(answer)[:2000]}")
            print(f"{label:8} {summary['created']:6} mandates in {took:7.1f} s = "
                  f"{summary['rows'] / took:7.0f} rows/s | server peak {peak_kib(server.pid) / 1024:.0f} MiB")
        figures(server.url, server.token, provinces, communes, server.pid)
    finally:
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def figures(url, token, provinces, communes, pid):
    indicators = [{"code": f"CT_{i}", "name": f"Chỉ tiêu {i}", "measure": "hồ sơ",
                   "aggregation": "SUM"} for i in range(INDICATORS)]
    for p in provinces:
        unit = graphql(url, token, "query($c: String!) { unitByCode(code: $c) { id } }", {"c": p})
        recipient = unit["data"]["unitByCode"]["id"]
        made = graphql(url, token,
                       "mutation($i: CreateRegimeInput!) { createRegime(input: $i) { regime { id } userErrors { code message } } }",
                       {"i": {"code": f"BC-{p}", "name": f"Báo cáo quý tỉnh {p}", "content": "Số liệu",
                              "recipient": recipient, "frequency": "QUARTER", "deadlineDays": 5,
                              "compiledDeadlineDays": 10, "reporterKinds": ["COMMUNE"],
                              "indicators": indicators, "signOff": False}})
        regime = made["data"]["createRegime"]["regime"]
        assert regime, made
        opened = graphql(url, token,
                         "mutation($i: OpenPeriodsInput!) { openPeriods(input: $i) { userErrors { code message } } }",
                         {"i": {"regime": regime["id"], "periods": [PERIOD]}})
        assert not opened["data"]["openPeriods"]["userErrors"], opened
    lines = ["unit,period,indicator,value"]
    groups = []
    for p in provinces:
        for c in communes[p]:
            values = [{"dataElement": f"CT_{i}", "value": (len(c) * 7 + i) % 100} for i in range(INDICATORS)]
            groups.append({"orgUnit": c, "period": PERIOD, "dataValues": values})
            lines += [f"{c},{PERIOD},{v['dataElement']},{v['value']}" for v in values]
    files = [("figures CSV", "figures.csv", ("\n".join(lines) + "\n").encode()),
             ("figures ADX", "figures.json", json.dumps({"groups": groups}).encode())]
    query = ("mutation($file: Upload!, $dryRun: Boolean!) { importReportFigures(file: $file, dryRun: $dryRun) "
             "{ summary { rows created updated moreErrors errors { line column code message } } } }")
    for label, name, content in files:
        started = time.perf_counter()
        answer = upload(url, token, query, name, content, False)
        took = time.perf_counter() - started
        summary = answer["data"]["importReportFigures"]["summary"] if answer.get("data") else None
        if not summary or summary["errors"]:
            raise SystemExit(f"{label}: {json.dumps(answer)[:2000]}")
        print(f"{label:12} {summary['rows']:6} values ({len(content) / 1024 / 1024:.1f} MiB, "
              f"{summary['created']} new, {summary['updated']} replaced) in {took:6.1f} s = "
              f"{summary['rows'] / took:6.0f} rows/s | server peak {peak_kib(pid) / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
