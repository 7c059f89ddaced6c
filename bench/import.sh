#!/usr/bin/env bash
# Times `phancap import-units` for each structure on SQLite (file) and on
# PostgreSQL (fresh database), first run and idempotent rerun, with a
# release build. Prints one line per run.
#   bench/import.sh [postgres://postgres@127.0.0.1:5432]
# FEED=0 drops the change feed's triggers right after migrating: the same
# binary without the feed, to measure what the triggers cost.
# BENCH_DB names the PostgreSQL database (default phancap_bench).
set -euo pipefail
cd "$(dirname "$0")/.."
pg_base=${1:-postgres://postgres@127.0.0.1:5432}
cargo build --release -q
bin=${CARGO_TARGET_DIR:-target}/release/phancap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=${BENCH_DB:-phancap_bench}
feed=${FEED:-1}

run() { # label url structure
  local start end
  start=$(date +%s.%N)
  out=$(PHANCAP_LOG=warn "$bin" import-units --structure "$3" --database-url "$2")
  end=$(date +%s.%N)
  printf '%-10s %-7s %-6s wall %6.2f s | %s\n' "$1" "$3" "$4" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" "$out"
}

sqlite="sqlite://$work/bench.db?mode=rwc"
PHANCAP_LOG=warn "$bin" migrate --database-url "$sqlite" >/dev/null
if [ "$feed" = 0 ]; then
  python3 - "$work/bench.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
names = c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'change%'").fetchall()
for (name,) in names:
    c.execute(f"DROP TRIGGER {name}")
c.commit()
PY
fi
for s in legacy 2025; do run sqlite "$sqlite" "$s" first; done
for s in legacy 2025; do run sqlite "$sqlite" "$s" rerun; done

if psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null; then
  pg="$pg_base/$db"
  PHANCAP_LOG=warn "$bin" migrate --database-url "$pg" >/dev/null
  if [ "$feed" = 0 ]; then
    psql "$pg" -qc "DO \$\$ DECLARE r record; BEGIN
      FOR r IN SELECT tgname, tgrelid::regclass AS t FROM pg_trigger
               WHERE tgname LIKE 'change%' AND NOT tgisinternal LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', r.tgname, r.t);
      END LOOP; END \$\$"
  fi
  for s in legacy 2025; do run postgres "$pg" "$s" first; done
  for s in legacy 2025; do run postgres "$pg" "$s" rerun; done
  psql "$pg_base/postgres" -qc "DROP DATABASE $db"
else
  echo "postgres: not reachable at $pg_base, skipped"
fi
