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
#   FOLLOW=0       skip the "reports follow the mandates" part (below)
#   FOLLOW_ONLY=1  run only that part (a few minutes: no legacy data, no wrk)
#   FOLLOW_DB      its database, created and dropped [${BENCH_DB}_follow]
#   CARGO_TARGET_DIR is honoured for the binary's location.
#
# The "reports follow the mandates" part measures what a mandate change
# costs the open periods, at national scale: on its own database with the
# 2025 structure (34 provinces, 3,321 communes) it writes two quarterly
# regimes per province (every holder reports / every commune reports) with
# the four quarters of 2027 open ($dir/follow.sql), lets `phancap reports
# follow-mandates` make their reports, then writes mandates with SQL and
# times the command for each: one issued to every commune, the same again
# (nothing to change), one to a single commune, the first revoked from its
# start. Each line gives the periods touched, what changed, the SQL
# statements and the time; the rollups are then compared with a rebuild.
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
FOLLOW=${FOLLOW:-1}
FOLLOW_ONLY=${FOLLOW_ONLY:-0}
FOLLOW_DB=${FOLLOW_DB:-${BENCH_DB}_follow}

dir=bench/reporting
bin=${CARGO_TARGET_DIR:-target}/release/phancap
db_url="$PG_BASE/$BENCH_DB"
follow_url="$PG_BASE/$FOLLOW_DB"
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
    psql "$PG_BASE/postgres" -Xq -c "DROP DATABASE IF EXISTS $FOLLOW_DB WITH (FORCE)" >/dev/null 2>&1 || true
  else
    echo "databases kept: $db_url $follow_url"
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in psql curl jq awk; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if [[ $DATA_ONLY != 1 && $FOLLOW_ONLY != 1 ]] && ! command -v wrk >/dev/null; then
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

fq() { psql "$follow_url" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# Runs `phancap reports follow-mandates ARGS…` on the follow database,
# labelled $1; prints and keeps its line.
follow_run() {
  local label=$1 out
  shift
  out=$(DATABASE_URL=$follow_url "$bin" reports follow-mandates "$@")
  printf '%-44s %s\n' "$label" "$out"
  follow_lines+=("$label|$out")
}

# The "reports follow the mandates" part (see the header).
follow_bench() {
  log "reports follow the mandates: database $FOLLOW_DB, 2025 structure"
  psql "$PG_BASE/postgres" -Xq -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS $FOLLOW_DB WITH (FORCE)" -c "CREATE DATABASE $FOLLOW_DB"
  DATABASE_URL=$follow_url "$bin" migrate
  DATABASE_URL=$follow_url "$bin" import-units --structure 2025 | tail -1
  psql "$follow_url" -Xq -v ON_ERROR_STOP=1 -f "$dir/follow.sql"
  psql "$follow_url" -Xq -c 'ANALYZE'
  local communes province one
  communes=$(fq "SELECT count(*) FROM unit WHERE kind = 'COMMUNE' AND valid_to IS NULL")
  province=$(fq "SELECT id FROM unit WHERE kind = 'PROVINCE' AND valid_to IS NULL ORDER BY code LIMIT 1")
  one=$(fq "SELECT id FROM unit WHERE kind = 'COMMUNE' AND valid_to IS NULL ORDER BY code LIMIT 1")
  echo "$communes communes, $(fq "SELECT count(*) FROM reporting_period") periods open (2027Q1–Q4 of $(fq "SELECT count(*) FROM reporting_regime") regimes)"
  follow_lines=()
  follow_run "every open period, whole (makes the reports)"
  psql "$follow_url" -Xq -c 'ANALYZE'
  # A mandate issued from 1/2/2027, inside the first quarter's window.
  mandate_sql() {
    fq "INSERT INTO mandate (id, code, title, sector, matter_code, kind, delegator_unit_id,
          delegator_capacity, effective_from, allow_onward, state, created_at)
        VALUES (gen_random_uuid(), '$1', 'Phân cấp (benchmark)', 'NOI_VU', 'F-BENCH',
          'DECENTRALIZATION', '$province', 'COLLECTIVE', DATE '2027-02-01', false, 'ISSUED', now());
        INSERT INTO mandate_assignment (id, mandate_id, delegatee_unit_id, valid_from, valid_to, transferred)
        SELECT gen_random_uuid(), m.id, u.id, m.effective_from, NULL, false
        FROM mandate m JOIN unit u ON $2 WHERE m.code = '$1'"
  }
  mandate_sql F-ALL "u.kind = 'COMMUNE' AND u.valid_to IS NULL"
  follow_run "issue to all $communes communes" --mandate F-ALL
  follow_run "the same again (nothing to change)" --mandate F-ALL
  mandate_sql F-ONE "u.id = '$one'"
  follow_run "issue to one commune" --mandate F-ONE
  fq "UPDATE mandate SET state = 'REVOKED', effective_to = DATE '2027-01-31' WHERE code = 'F-ALL';
      UPDATE mandate_assignment SET valid_to = DATE '2027-01-31'
      WHERE mandate_id = (SELECT id FROM mandate WHERE code = 'F-ALL')"
  follow_run "revoke the first from its start" --mandate F-ALL
  # The maintained rollups must equal a rebuild from the reports.
  fq "CREATE TABLE kept_rollup AS SELECT * FROM report_rollup;
      CREATE TABLE kept_indicator AS SELECT * FROM indicator_rollup"
  DATABASE_URL=$follow_url "$bin" reports rebuild-rollups >/dev/null
  local diff
  diff=$(fq "SELECT (SELECT count(*) FROM (SELECT * FROM kept_rollup EXCEPT SELECT * FROM report_rollup
                                          UNION ALL SELECT * FROM report_rollup EXCEPT SELECT * FROM kept_rollup) d)
                  + (SELECT count(*) FROM (SELECT * FROM kept_indicator EXCEPT SELECT * FROM indicator_rollup
                                          UNION ALL SELECT * FROM indicator_rollup EXCEPT SELECT * FROM kept_indicator) d)")
  [[ $diff == 0 ]] || die "the maintained rollups differ from a rebuild in $diff rows"
  echo "maintained rollups = rebuild ($(fq "SELECT count(*) FROM report_rollup") counter rows)"
  follow_run "every open period again (changes nothing)"
  log "summary: reports follow the mandates ($communes communes)"
  printf '%-44s %8s %11s %9s %13s\n' change periods statements 'time ms' 'ms / period'
  local line label rest periods statements secs
  for line in "${follow_lines[@]}"; do
    label=${line%%|*}
    rest=${line#*|}
    periods=$(sed -n 's/.*: \([0-9]*\) open periods touched.*/\1/p' <<<"$rest")
    statements=$(sed -n 's/.*; \([0-9]*\) statements in .*/\1/p' <<<"$rest")
    secs=$(sed -n 's/.* statements in \([0-9.]*\) s$/\1/p' <<<"$rest")
    awk -v l="$label" -v p="$periods" -v n="$statements" -v s="$secs" \
      'BEGIN { printf "%-44s %8d %11d %9.0f %13.1f\n", l, p, n, s * 1000, (p > 0 ? s * 1000 / p : 0) }'
  done
}

if [[ $FOLLOW_ONLY == 1 ]]; then
  export PHANCAP_LOG=${PHANCAP_LOG:-warn}
  follow_bench
  exit 0
fi

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
  [[ $FOLLOW == 1 ]] && follow_bench
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
[[ $FOLLOW == 1 ]] && follow_bench
exit "$failed"
