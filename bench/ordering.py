#!/usr/bin/env python3
"""What Vietnamese ordering by name costs at national scale.

On a fresh embedded SQLite database with both unit structures (63
provinces, 696 districts and 10,035 communes until 30/6/2025; 34
provinces and 3,321 communes since) and a registry of ROWS mandates
(imported as import_registry.py does), prints:

* the sort keys' size: rows, average and largest key in bytes, beside the
  name they are computed from, and (when SQLite has dbstat) the size of
  each `ix_<table>_name_key` index against its table;
* reading whole lists a page (100) at a time by CODE and by NAME, side by
  side: every commune of 2025, every legacy commune, and the registry;
  the first page of each, and a page deep in the list (after a cursor);
* the upgrade: the migration that adds the keys run again on the loaded
  database (columns and indexes dropped first), i.e. computing and
  writing every key of every unit, mandate and document.

Usage:  bench/ordering.py BIN     (e.g. target/release/phancap)
Environment: ROWS [100000], MATTERS [300].
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("ROWS", "100000")
import import_registry as setup  # noqa: E402
from import_registry import Server  # noqa: E402

UNITS = """query($kind: UnitKind, $asOf: Date, $after: String, $order: ListOrder) {
  units(kind: $kind, asOf: $asOf, first: 100, after: $after, orderBy: $order) {
    edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }"""
MANDATES = """query($after: String, $order: ListOrder) {
  mandates(first: 100, after: $after, orderBy: $order, filter: {status: DRAFT}) {
    edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }"""


def walk(server, query, field, variables):
    """Every page of a list ordered by `field`: pages, seconds, the first
    page's and the deepest page's time."""
    after, pages, first, deepest = None, 0, 0.0, 0.0
    order = {"field": field}
    started = time.perf_counter()
    while True:
        t = time.perf_counter()
        data = server.query(query, {**variables, "after": after, "order": order})
        took = time.perf_counter() - t
        pages += 1
        if pages == 1:
            first = took
        deepest = max(deepest, took)
        connection = next(iter(data.values()))
        if not connection["pageInfo"]["hasNextPage"]:
            return pages, time.perf_counter() - started, first, deepest
        after = connection["pageInfo"]["endCursor"]


def sizes(path):
    db = sqlite3.connect(path)
    print("sort keys (bytes)          rows   name avg  key avg  key max  | index   table")
    for table, column in [("unit", "name"), ("mandate", "title"), ("document", "subject")]:
        rows, name_avg, key_avg, key_max = db.execute(
            f"SELECT count(*), avg(length(CAST({column} AS BLOB))), avg(length(name_key)), "
            f"max(length(name_key)) FROM {table}").fetchone()
        try:
            index = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?",
                               (f"ix_{table}_name_key",)).fetchone()[0] or 0
            whole = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?", (table,)).fetchone()[0] or 0
            stat = f"| {index / 1048576:5.1f} MiB {whole / 1048576:5.1f} MiB"
        except sqlite3.OperationalError:
            stat = "| (no dbstat)"
        print(f"{table:22} {rows:9} {name_avg or 0:9.1f} {key_avg or 0:8.1f} {key_max or 0:8} {stat}")
    db.close()


def upgrade(binary, env, path):
    """Drops what migration 24 added and times running it again."""
    db = sqlite3.connect(path)
    for table in ["unit", "mandate", "document"]:
        db.execute(f"DROP INDEX ix_{table}_name_key")
        db.execute(f"ALTER TABLE {table} DROP COLUMN name_key")
    db.execute("DELETE FROM seaql_migrations WHERE version LIKE 'm20261206_000024%'")
    changes = db.execute("SELECT count(*) FROM change").fetchone()[0]
    rows = sum(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ["unit", "mandate", "document"])
    db.commit()
    db.close()
    started = time.perf_counter()
    subprocess.run([binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    took = time.perf_counter() - started
    db = sqlite3.connect(path)
    written = db.execute("SELECT count(*) FROM change").fetchone()[0] - changes
    db.close()
    print(f"upgrade: keys of {rows} rows computed and written in {took:.1f} s "
          f"({rows / took:.0f} rows/s; {written} change-feed rows written by the update triggers)")


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    work = tempfile.mkdtemp(prefix="phancap-ordering-")
    env = setup.bench_env(work)
    path = os.path.join(work, "phancap.db")
    server = None
    try:
        provinces, communes = setup.prepare(binary, env)
        subprocess.run([binary, "import-units", "--structure", "legacy"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        server = Server(binary, env)
        created = setup.load_registry(server, provinces, communes)
        print(f"loaded: {created} mandates, both unit structures")
        sizes(path)
        print("whole lists, 100 a page        pages   CODE s   NAME s  ratio | first page ms CODE/NAME | slowest page ms CODE/NAME")
        for label, q, variables in [
            ("communes of 2025", UNITS, {"kind": "COMMUNE", "asOf": "2025-07-01"}),
            ("communes until 30/6/2025", UNITS, {"kind": "COMMUNE", "asOf": "2025-06-30"}),
            (f"registry ({created} drafts)", MANDATES, {}),
        ]:
            code = walk(server, q, "CODE", variables)
            name = walk(server, q, "NAME", variables)
            assert code[0] == name[0], (code, name)
            print(f"{label:30} {code[0]:6} {code[1]:8.2f} {name[1]:8.2f} {name[1] / code[1]:6.2f} | "
                  f"{code[2] * 1000:7.1f} {name[2] * 1000:7.1f} | {code[3] * 1000:7.1f} {name[3] * 1000:7.1f}")
        server.stop()
        server = None
        upgrade(binary, env, path)
    finally:
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
