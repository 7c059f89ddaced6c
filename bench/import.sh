#!/usr/bin/env bash
# Times `phancap import-units` for each structure on SQLite (file) and on
# PostgreSQL (fresh database), first run and idempotent rerun, with a
# release build. Prints one line per run.
#   bench/import.sh [postgres://postgres@127.0.0.1:5432]
set -euo pipefail
cd "$(dirname "$0")/.."
pg_base=${1:-postgres://postgres@127.0.0.1:5432}
cargo build --release -q
bin=target/release/phancap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { # label url structure
  local start end
  start=$(date +%s.%N)
  out=$(PHANCAP_LOG=warn "$bin" import-units --structure "$3" --database-url "$2")
  end=$(date +%s.%N)
  printf '%-10s %-7s %-6s wall %6.2f s | %s\n' "$1" "$3" "$4" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" "$out"
}

sqlite="sqlite://$work/bench.db?mode=rwc"
PHANCAP_LOG=warn "$bin" migrate --database-url "$sqlite" >/dev/null
for s in legacy 2025; do run sqlite "$sqlite" "$s" first; done
for s in legacy 2025; do run sqlite "$sqlite" "$s" rerun; done

if psql "$pg_base/postgres" -qc 'DROP DATABASE IF EXISTS phancap_bench' -c 'CREATE DATABASE phancap_bench' 2>/dev/null; then
  pg="$pg_base/phancap_bench"
  PHANCAP_LOG=warn "$bin" migrate --database-url "$pg" >/dev/null
  for s in legacy 2025; do run postgres "$pg" "$s" first; done
  for s in legacy 2025; do run postgres "$pg" "$s" rerun; done
  psql "$pg_base/postgres" -qc 'DROP DATABASE phancap_bench'
else
  echo "postgres: not reachable at $pg_base, skipped"
fi
