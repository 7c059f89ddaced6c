#!/usr/bin/env bash
# National-scale benchmark of the reporting API on PostgreSQL.
#
# Builds a release binary, creates a dedicated database, imports the legacy
# structure (63 provinces, ~700 districts, ~10,600 communes), generates with
# set-based SQL ten mandates per province, one quarterly regime per province
# and the reports of every district and commune for 2023Q1…2025Q2 (~113k
# reports, ~1.1M items), fills the rollups, starts the server and loads
# three GraphQL scenarios with wrk. The database is dropped and the server
# stopped on exit.
#
#   bench/reporting.sh
#
# Environment (defaults in brackets):
#   PG_BASE        server URL without database [postgres://postgres@127.0.0.1:5432]
#   BENCH_DB       database created and dropped [phancap_bench]
#   DURATION       wrk duration per scenario [30s]
#   THREADS        wrk threads [2]
#   CONNECTIONS    wrk connections [16]
#   PORT           port the server listens on [18080]
#   PERIOD         period the scenarios ask for [2024Q3]
#   PROVINCE_CODE  province of scenarios (b) and (c) [01, Hà Nội]
#   DATA_ONLY=1    stop after the data generation (no server, no wrk)
#   KEEP_DB=1      do not drop the database at the end
#   PG_SOCKET_DIR  PostgreSQL's Unix socket directory [/var/run/postgresql];
#                  when the socket exists the server is measured over it too,
#                  beside TCP (phancap sets TCP_NODELAY itself while sqlx
#                  0.9.0 does not; this shows what TCP still costs)
#   CARGO_TARGET_DIR is honoured for the binary's location.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BASE=${PG_BASE:-postgres://postgres@127.0.0.1:5432}
BENCH_DB=${BENCH_DB:-phancap_bench}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18080}
PERIOD=${PERIOD:-2024Q3}
PROVINCE_CODE=${PROVINCE_CODE:-01}
DATA_ONLY=${DATA_ONLY:-0}
KEEP_DB=${KEEP_DB:-0}
PG_SOCKET_DIR=${PG_SOCKET_DIR:-/var/run/postgresql}

dir=bench/reporting
bin=${CARGO_TARGET_DIR:-target}/release/phancap
db_url="$PG_BASE/$BENCH_DB"
socket_url=
if [[ -S $PG_SOCKET_DIR/.s.PGSQL.5432 ]]; then
  socket_url="postgres://postgres@localhost/$BENCH_DB?host=$PG_SOCKET_DIR"
fi
url="http://127.0.0.1:$PORT/graphql"
work=$(mktemp -d)
server_pid=

log() { printf '\n== %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
q() { psql "$db_url" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

cleanup() {
  local rc=$?
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $KEEP_DB != 1 ]]; then
    psql "$PG_BASE/postgres" -Xq -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" >/dev/null 2>&1 || true
  else
    echo "database kept: $db_url"
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in psql curl jq awk; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if [[ $DATA_ONLY != 1 ]] && ! command -v wrk >/dev/null; then
  log "installing wrk"
  if [[ $(id -u) == 0 ]]; then
    apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
  else
    sudo apt-get install -y -q wrk >/dev/null
  fi
fi

log "build (release)"
cargo build --release -q
[[ -x $bin ]] || die "no binary at $bin"

log "database $BENCH_DB"
psql "$PG_BASE/postgres" -Xq -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_DB"
export DATABASE_URL=$db_url PHANCAP_LOG=${PHANCAP_LOG:-warn}
"$bin" migrate
start=$(now)
"$bin" import-units --structure legacy
echo "import-units: $(elapsed "$start") s"

log "data generation"
start=$(now)
psql "$db_url" -Xq -v ON_ERROR_STOP=1 -f "$dir/generate.sql"
# Statistics first: without them the planner scans whole tables for the
# rebuild's IN lists.
psql "$db_url" -Xq -c 'ANALYZE'
gen_secs=$(elapsed "$start")

log "rollups"
start=$(now)
if "$bin" reports rebuild-rollups --help >/dev/null 2>&1; then
  echo "phancap reports rebuild-rollups${socket_url:+ (over the Unix socket)}"
  DATABASE_URL=${socket_url:-$db_url} "$bin" reports rebuild-rollups
else
  echo "phancap reports rebuild-rollups is not available: $dir/rollups.sql instead"
  psql "$db_url" -Xq -v ON_ERROR_STOP=1 -f "$dir/rollups.sql"
fi
rollup_secs=$(elapsed "$start")
start=$(now)
psql "$db_url" -Xq -c 'VACUUM (ANALYZE)'
vacuum_secs=$(elapsed "$start")

log "data"
psql "$db_url" -X -P footer=off -c "
  SELECT t AS \"table\", n AS rows FROM (VALUES
    (1, 'unit', (SELECT count(*) FROM unit)),
    (2, 'mandate', (SELECT count(*) FROM mandate)),
    (3, 'mandate_assignment', (SELECT count(*) FROM mandate_assignment)),
    (4, 'reporting_regime', (SELECT count(*) FROM reporting_regime)),
    (5, 'regime_indicator', (SELECT count(*) FROM regime_indicator)),
    (6, 'reporting_period', (SELECT count(*) FROM reporting_period)),
    (7, 'report', (SELECT count(*) FROM report)),
    (8, 'report_item', (SELECT count(*) FROM report_item)),
    (9, 'report_value', (SELECT count(*) FROM report_value)),
    (10, 'report_rollup', (SELECT count(*) FROM report_rollup)),
    (11, 'indicator_rollup', (SELECT count(*) FROM indicator_rollup))) AS c(i, t, n)
  ORDER BY i"
psql "$db_url" -X -P footer=off -c "
  SELECT status, count(*) AS reports,
         count(*) FILTER (WHERE first_submitted_at > deadline_at) AS late
  FROM report GROUP BY status ORDER BY status"
# The rollups must agree with the reports.
check=$(q "SELECT (SELECT count(*) FROM report) = (SELECT coalesce(sum(expected), 0) FROM report_rollup WHERE parent_unit_id IS NULL)
            AND (SELECT count(*) FROM report WHERE status = 'ACCEPTED')
              = (SELECT coalesce(sum(accepted), 0) FROM report_rollup WHERE parent_unit_id IS NULL)")
[[ $check == t ]] || die "report_rollup does not add up to the reports"
reports=$(q "SELECT count(*) FROM report")
items=$(q "SELECT count(*) FROM report_item")
printf 'generation %s s, rollups %s s, vacuum analyze %s s (database size %s)\n' \
  "$gen_secs" "$rollup_secs" "$vacuum_secs" "$(q "SELECT pg_size_pretty(pg_database_size('$BENCH_DB'))")"

if [[ $DATA_ONLY == 1 ]]; then
  echo "DATA_ONLY=1: no server, no load"
  exit 0
fi

log "viewer over every province, token"
export PHANCAP_JWT_SECRET
PHANCAP_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
roles=()
while read -r code; do
  roles+=(--role "VIEWER@$code@2024-01-01")
done < <(q "SELECT code FROM unit WHERE kind = 'PROVINCE' AND valid_to = DATE '2025-06-30' ORDER BY code")
"$bin" user create --kind service --username bench.viewer --full-name 'Benchmark viewer' \
  --unit "$PROVINCE_CODE@2024-01-01" "${roles[@]}" >"$work/user.log"
echo "$(head -1 "$work/user.log"), $(grep -c '^granted' "$work/user.log") VIEWER grants"
TOKEN=$("$bin" token --username bench.viewer --ttl 1d 2>/dev/null)
[[ -n $TOKEN ]] || die "no token"

# Starts the server on database URL $2 (transport name $1), runs every
# scenario against it, and stops it.
measure() {
  local transport=$1 database=$2
  log "server over $transport"
  DATABASE_URL=$database "$bin" serve --listen "127.0.0.1:$PORT" --no-graphiql >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$url" -H 'content-type: application/json' -d '{"query":"{ __typename }"}' && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; die "server exited"; }
    sleep 0.2
  done
  curl -sf -o /dev/null "$url" -H 'content-type: application/json' -d '{"query":"{ __typename }"}' \
    || { cat "$work/server.log"; die "server not answering at $url"; }
  echo "pid $server_pid at $url, RSS after start $(awk '/VmRSS/ { print $2, $3 }' "/proc/$server_pid/status")"

  jq -n --arg c "$PROVINCE_CODE" '{query: "{ unitByCode(code: \"\($c)\", asOf: \"2024-01-01\") { id name } }"}' >"$work/unit.json"
  within=$(graphql "$work/unit.json" | jq -r '.data.unitByCode.id // empty')
  [[ -n $within ]] || die "no unit $PROVINCE_CODE"
  echo "province $PROVINCE_CODE: $within"

  for s in "${scenarios[@]}"; do
    sed -e '/^[[:space:]]*#/d' -e "s/{{PERIOD}}/$PERIOD/g" -e "s|{{WITHIN}}|$within|g" "$dir/$s.graphql" \
      | jq -Rs '{query: .}' >"$work/$s.json"
    log "$transport, scenario $s: check"
    graphql "$work/$s.json" >"$work/$s.check"
    jq -c . "$work/$s.check" | cut -c1-600
    log "$transport, scenario $s: wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
    BODY_FILE=$work/$s.json TOKEN=$TOKEN wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
      -s "$dir/graphql.lua" "$url" | tee "$work/$s.wrk"
    hwm=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
    rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
    echo "server peak RSS (VmHWM) $hwm MiB, RSS now $rss MiB"
    results[$transport:$s]="$(grep '^RESULT' "$work/$s.wrk" | sed 's/^RESULT //') peak_rss_mib=$hwm"
  done
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# POSTs a JSON body file; prints the response; fails on HTTP errors or `errors`.
graphql() {
  local body=$1 out=$work/response.json code
  code=$(curl -s -o "$out" -w '%{http_code}' "$url" -H 'content-type: application/json' \
    -H "Authorization: Bearer $TOKEN" --data-binary "@$body")
  if [[ $code != 200 ]] || jq -e 'has("errors")' "$out" >/dev/null || ! jq -e '.data' "$out" >/dev/null; then
    echo "HTTP $code for $(jq -r .query "$body" | head -c 2000)" >&2
    head -c 4000 "$out" >&2
    echo >&2
    die "GraphQL request failed"
  fi
  cat "$out"
}

scenarios=(progress-country progress-province reports-nested)
declare -A results
transports=(tcp)
measure tcp "$db_url"
if [[ -n $socket_url ]]; then
  transports+=(socket)
  measure socket "$socket_url"
fi

log "summary ($reports reports, $items items; generation $gen_secs s, rollups $rollup_secs s)"
printf '%-18s %-7s %10s %9s %9s %9s %7s %13s\n' scenario 'db via' 'req/s' 'p50 ms' 'p95 ms' 'p99 ms' errors 'peak RSS MiB'
field() { tr ' ' '\n' <<<"${results[$1]}" | sed -n "s/^$2=//p"; }
failed=0
for s in "${scenarios[@]}"; do
  for t in "${transports[@]}"; do
    k=$t:$s
    printf '%-18s %-7s %10s %9s %9s %9s %7s %13s\n' "$s" "$t" "$(field "$k" rps)" "$(field "$k" p50)" \
      "$(field "$k" p95)" "$(field "$k" p99)" "$(field "$k" errors)" "$(field "$k" peak_rss_mib)"
    [[ $(field "$k" errors) == 0 ]] || { echo "scenario $s over $t had errors" >&2; failed=1; }
  done
  if [[ ${#transports[@]} == 2 ]]; then
    awk -v a="$(field "tcp:$s" rps)" -v b="$(field "socket:$s" rps)" -v s="$s" \
      'BEGIN { if (a > 0) printf "%-18s socket/tcp throughput ratio %.2f\n", s, b / a }'
  fi
done
exit "$failed"
