#!/usr/bin/env bash
# phancap beside its peers on the same PostgreSQL data (issue 17).
#
# Loads both unit structures (legacy: 63 provinces, 696 districts, 10,035
# communes; 2025: 34 provinces, 3,321 communes) into a database of its own
# with phancap's own `migrate` and `import-units`, then starts three servers
# on it:
#
#   phancap       the release binary given (copied first, so a rebuild during
#                 the run does not touch it), anonymous, rate limits off, `warn`
#   PostGraphile  v4 (postgraphile@4.14.1 from npm, installed into $SCRATCH),
#                 schema `public`, production mode, query log off
#   bare          bench/peer/: axum + sqlx answering the nested queries with one
#                 flat join and the nested JSON written by hand (the physical
#                 limit; built here with cargo, offline when the cache has it)
#   sqlite        the same phancap binary on its embedded default, a SQLite
#                 file loaded with the same units (nested scenarios only;
#                 SQLITE=0 leaves it out)
#
# and loads each with wrk (bench/reporting/graphql.lua: a response that is not
# HTTP 200 or carries "errors" counts as an error) in these scenarios:
#
#   code     a unit by code: unitByCode(code: "19") { name }
#   node     node(id) of that unit (phancap's global id, PostGraphile's nodeId)
#   flat     100 communes in force today, by code, flat
#   tree     a province → its districts → their communes, on 2025-06-30
#            (the legacy structure; PROVINCE_CODE, default 19 Thái Nguyên)
#   country  every province → districts → communes on 2025-06-30
#
# Before any timing every scenario is asked once of each server and the
# answers compared (the units' codes and names, and the number of communes):
# a difference stops the script. Timed runs are interleaved: for each
# scenario and concurrency, ROUNDS rounds of phancap, PostGraphile, bare
# (the bare handler only answers tree and country), after one unmeasured
# WARMUP run per server. The table gives medians over the rounds: req/s and
# p50 latency, the ratios phancap/PostGraphile and phancap/bare, then each
# server's peak memory (VmHWM). It prints figures and asserts none; it fails
# only when a server errs or answers differently. The database is dropped and
# the servers stopped on exit.
#
#   bench/peer.sh [BIN]            BIN defaults to target/release/phancap;
#                                  about 17 minutes
#   DURATION=5s ROUNDS=1 bench/peer.sh   a quick look (about 4 minutes)
#
# Environment (defaults in brackets):
#   PG_BASE        server URL without database [postgres://postgres@127.0.0.1:5432]
#   PEER_DB        database created and dropped [phancap_peer]
#   DURATION       wrk duration of one timed run [10s]
#   ROUNDS         interleaved rounds [3]
#   WARMUP         unmeasured run per server and scenario, at 8 connections [2s]
#   WRK_TIMEOUT    wrk's per-request timeout (a timeout counts as an error) [30s]
#   CONCURRENCY    connections for code, node and flat [1 8]
#   NESTED_CONCURRENCY  connections for tree and country [1 8 32]
#   SCENARIOS      which to run [code node flat tree country]
#   PROVINCE_CODE  province of the tree scenario [19]
#   AS_OF          day of the nested scenarios [2025-06-30]
#   PORT           phancap's port; PostGraphile listens on PORT+1, bare on
#                  PORT+2 [18090]
#   SCRATCH        PostGraphile's install, the binaries' copies, logs
#                  [${TMPDIR:-/tmp}/phancap-peer]; kept between runs so npm
#                  and cargo run once
#   PEER_TARGET    cargo target directory of the bare handler [bench/peer/target]
#   KEEP_DB=1      do not drop the database at the end
#   CHECK_ONLY=1   stop after comparing the answers (no timing)
#   DB_PARAMS      query string added to the servers' database URL, e.g.
#                  `sslmode=disable` [none]
#
# phancap runs with PHANCAP_MAX_COMPLEXITY=5000000 (overridable): the whole
# country with `first: 100` at each level is above its default limit. Each
# server keeps its own defaults otherwise (phancap's pool, PostGraphile's
# 10 connections, the bare handler's 10, never pinged); all three reach
# PostgreSQL over TCP on loopback with the same URL. Where PostgreSQL has
# `ssl = on`, phancap's sqlx negotiates TLS (its default sslmode=prefer)
# while node-postgres and the bare handler (built without TLS) do not:
# measured as deployed unless DB_PARAMS says otherwise. The machine is
# shared by wrk, the servers and PostgreSQL: compare ratios, not absolute
# figures, and run nothing else meanwhile (the load average is printed
# before and after the timed runs).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BASE=${PG_BASE:-postgres://postgres@127.0.0.1:5432}
PEER_DB=${PEER_DB:-phancap_peer}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-2s}
WRK_TIMEOUT=${WRK_TIMEOUT:-30s}
CONCURRENCY=${CONCURRENCY:-1 8}
NESTED_CONCURRENCY=${NESTED_CONCURRENCY:-1 8 32}
SCENARIOS=${SCENARIOS:-code node flat tree country}
PROVINCE_CODE=${PROVINCE_CODE:-19}
AS_OF=${AS_OF:-2025-06-30}
PORT=${PORT:-18090}
SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/phancap-peer}
PEER_TARGET=${PEER_TARGET:-bench/peer/target}
KEEP_DB=${KEEP_DB:-0}
CHECK_ONLY=${CHECK_ONLY:-0}
SQLITE=${SQLITE:-1}
# `first: 100` at each of three levels is ~2 million by phancap's count,
# above its default limit (200,000) for anonymous queries.
PHANCAP_MAX_COMPLEXITY=${PHANCAP_MAX_COMPLEXITY:-5000000}
POSTGRAPHILE_VERSION=4.14.1

src_bin=${1:-${CARGO_TARGET_DIR:-target}/release/phancap}
db_url="$PG_BASE/$PEER_DB"
DB_PARAMS=${DB_PARAMS:-}
server_url=$db_url${DB_PARAMS:+?$DB_PARAMS}
lua=bench/reporting/graphql.lua
declare -A url=(
  [phancap]="http://127.0.0.1:$PORT/graphql"
  [postgraphile]="http://127.0.0.1:$((PORT + 1))/graphql"
  [bare]="http://127.0.0.1:$((PORT + 2))/tree"
  [sqlite]="http://127.0.0.1:$((PORT + 3))/graphql"
)
declare -A pid=()
servers=(phancap postgraphile bare)
[[ $SQLITE == 1 ]] && servers+=(sqlite)
work=

log() { printf '\n== %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local rc=$? s
  for s in "${!pid[@]}"; do
    if kill -0 "${pid[$s]}" 2>/dev/null; then
      kill "${pid[$s]}" 2>/dev/null || true
      wait "${pid[$s]}" 2>/dev/null || true
    fi
  done
  if [[ $KEEP_DB != 1 ]]; then
    psql "$PG_BASE/postgres" -Xq -c "DROP DATABASE IF EXISTS $PEER_DB WITH (FORCE)" >/dev/null 2>&1 || true
  else
    echo "database kept: $db_url"
  fi
  [[ -n $work ]] && rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in psql curl jq awk node npm cargo; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
[[ -x $src_bin ]] || die "no phancap binary at $src_bin (cargo build --release, or give its path)"
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  if [[ $(id -u) == 0 ]]; then
    apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
  else
    sudo apt-get install -y -q wrk >/dev/null
  fi
fi
mkdir -p "$SCRATCH"
work=$(mktemp -d "$SCRATCH/run.XXXXXX")

# --- the three programs ------------------------------------------------------

bin=$SCRATCH/phancap
cp "$src_bin" "$bin.tmp" && mv "$bin.tmp" "$bin"
echo "phancap: copy of $src_bin ($(stat -c %y "$src_bin" | cut -d. -f1))"

pg_dir=$SCRATCH/postgraphile
pg_cli=$pg_dir/node_modules/postgraphile/cli.js
if [[ $(jq -r .version "$pg_dir/node_modules/postgraphile/package.json" 2>/dev/null) != "$POSTGRAPHILE_VERSION" ]]; then
  log "installing postgraphile@$POSTGRAPHILE_VERSION into $pg_dir"
  mkdir -p "$pg_dir"
  [[ -f $pg_dir/package.json ]] || echo '{"private": true}' >"$pg_dir/package.json"
  (cd "$pg_dir" && npm install --no-audit --no-fund --loglevel=error "postgraphile@$POSTGRAPHILE_VERSION" >/dev/null)
fi
echo "PostGraphile $(jq -r .version "$pg_dir/node_modules/postgraphile/package.json"), node $(node --version)"

log "building the bare handler (bench/peer)"
cp Cargo.lock bench/peer/Cargo.lock # the same versions as phancap's, from the local cache
(cd bench/peer && CARGO_TARGET_DIR=$OLDPWD/$PEER_TARGET cargo build --release --offline -q 2>"$work/cargo.log" \
  || CARGO_TARGET_DIR=$OLDPWD/$PEER_TARGET cargo build --release -q) || { cat "$work/cargo.log"; die "cannot build bench/peer"; }
bare_bin=$SCRATCH/phancap-peer-bare
cp "$PEER_TARGET/release/phancap-peer-bare" "$bare_bin"

# --- the data ----------------------------------------------------------------

log "database $PEER_DB: migrate, import-units legacy and 2025"
psql "$PG_BASE/postgres" -Xq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PEER_DB WITH (FORCE)" >/dev/null
psql "$PG_BASE/postgres" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PEER_DB" >/dev/null
export DATABASE_URL=$db_url
"$bin" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; die "migrate failed"; }
"$bin" import-units --structure legacy | tail -1
"$bin" import-units --structure 2025 | tail -1
psql "$db_url" -XAtq -c "VACUUM ANALYZE"
sqlite_url="sqlite://$work/phancap.db?mode=rwc"
if [[ $SQLITE == 1 ]]; then
  log "SQLite file for phancap's embedded default: migrate, import-units legacy and 2025"
  DATABASE_URL=$sqlite_url "$bin" migrate >"$work/migrate-sqlite.log" 2>&1 \
    || { cat "$work/migrate-sqlite.log"; die "migrate (SQLite) failed"; }
  DATABASE_URL=$sqlite_url "$bin" import-units --structure legacy | tail -1
  DATABASE_URL=$sqlite_url "$bin" import-units --structure 2025 | tail -1
fi
psql "$db_url" -XAtq -F' ' -c "SELECT 'units in force on $AS_OF:', kind, count(*) FROM unit
  WHERE (valid_from IS NULL OR valid_from <= DATE '$AS_OF') AND (valid_to IS NULL OR valid_to >= DATE '$AS_OF')
  GROUP BY kind ORDER BY 3"

# --- servers -----------------------------------------------------------------

# Waits until server $1 answers body $2 with HTTP 200.
wait_for() {
  local s=$1 body=$2 i
  for i in $(seq 1 300); do
    curl -sf -o /dev/null "${url[$s]}" -H 'content-type: application/json' -d "$body" && return 0
    kill -0 "${pid[$s]}" 2>/dev/null || { tail -30 "$work/$s.log"; die "$s exited"; }
    sleep 0.2
  done
  tail -30 "$work/$s.log"
  die "$s not answering at ${url[$s]}"
}
rss() { awk -v k="$2:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/${pid[$1]}/status"; }

log "starting the servers"
PHANCAP_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
  PHANCAP_ANONYMOUS_PER_MINUTE=0 PHANCAP_LOGINS_PER_MINUTE=0 PHANCAP_LOG=warn \
  PHANCAP_MAX_COMPLEXITY=$PHANCAP_MAX_COMPLEXITY \
  DATABASE_URL=$server_url "$bin" serve --listen "127.0.0.1:$PORT" --no-graphiql >"$work/phancap.log" 2>&1 &
pid[phancap]=$!
NODE_ENV=production node "$pg_cli" --connection "$server_url" --schema public \
  --host 127.0.0.1 --port "$((PORT + 1))" --disable-graphiql --disable-query-log \
  >"$work/postgraphile.log" 2>&1 &
pid[postgraphile]=$!
DATABASE_URL=$server_url "$bare_bin" "127.0.0.1:$((PORT + 2))" >"$work/bare.log" 2>&1 &
pid[bare]=$!
if [[ $SQLITE == 1 ]]; then
  PHANCAP_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
    PHANCAP_ANONYMOUS_PER_MINUTE=0 PHANCAP_LOGINS_PER_MINUTE=0 PHANCAP_LOG=warn \
    PHANCAP_MAX_COMPLEXITY=$PHANCAP_MAX_COMPLEXITY \
    DATABASE_URL=$sqlite_url "$bin" serve --listen "127.0.0.1:$((PORT + 3))" --no-graphiql >"$work/sqlite.log" 2>&1 &
  pid[sqlite]=$!
fi
wait_for phancap '{"query":"{ __typename }"}'
wait_for postgraphile '{"query":"{ __typename }"}'
wait_for bare "{\"code\":\"$PROVINCE_CODE\",\"asOf\":\"$AS_OF\"}"
[[ $SQLITE == 1 ]] && wait_for sqlite '{"query":"{ __typename }"}'
for s in "${servers[@]}"; do
  echo "$s: pid ${pid[$s]} at ${url[$s]}, RSS after start $(rss "$s" VmRSS) MiB"
done

# --- the queries -------------------------------------------------------------
# Written in each server's own schema. PostGraphile v4 has no ranges in its
# `condition` (that takes a plugin): "in force today" is `validTo: null`
# (the 2025 structure, open-ended) and "in force on 2025-06-30" is `validTo:
# "2025-06-30"` (the legacy structure's last day); the comparison below
# checks that this selects the same units as phancap's `asOf`.

# Writes the request body of server $1, scenario $2 to $work/$1.$2.json
# (empty when the server has no answer to it).
body() {
  local s=$1 sc=$2 q vars='{}' file=$work/$1.$2.json
  local pc=\"$PROVINCE_CODE\" d=\"$AS_OF\"
  # phancap on SQLite is asked phancap's nested queries.
  [[ $s == sqlite ]] && case $sc in tree | country) s=phancap ;; *) s=none ;; esac
  case $s:$sc in
    phancap:code) q="{ unitByCode(code: $pc) { name } }" ;;
    postgraphile:code) q="{ allUnits(condition: {code: $pc, validTo: null}) { nodes { name } } }" ;;
    phancap:node) q='query ($id: ID!) { node(id: $id) { ... on Unit { code name } } }'
      vars=$(jq -n --arg id "$phancap_id" '{id: $id}') ;;
    postgraphile:node) q='query ($id: ID!) { node(nodeId: $id) { ... on Unit { code name } } }'
      vars=$(jq -n --arg id "$postgraphile_id" '{id: $id}') ;;
    phancap:flat) q='{ units(kind: COMMUNE, first: 100) { nodes { code name } } }' ;;
    postgraphile:flat)
      q='{ allUnits(condition: {kind: "COMMUNE", validTo: null}, orderBy: CODE_ASC, first: 100) { nodes { code name } } }' ;;
    phancap:tree)
      q="{ unitByCode(code: $pc, asOf: $d) { name
          children(kind: DISTRICT, first: 100) { nodes { code name
            children(kind: COMMUNE, first: 100) { nodes { code name } } } } } }" ;;
    postgraphile:tree)
      q="{ allUnits(condition: {code: $pc, kind: \"PROVINCE\", validTo: $d}) { nodes { name
          unitsByParentId(condition: {kind: \"DISTRICT\", validTo: $d}, orderBy: CODE_ASC, first: 100) { nodes { code name
            unitsByParentId(condition: {kind: \"COMMUNE\", validTo: $d}, orderBy: CODE_ASC, first: 100) { nodes { code name } } } } } } }" ;;
    bare:tree) jq -n --arg c "$PROVINCE_CODE" --arg d "$AS_OF" '{code: $c, asOf: $d}' >"$file"; return ;;
    phancap:country)
      q="{ units(kind: PROVINCE, asOf: $d, first: 100) { nodes { code name
          children(kind: DISTRICT, first: 100) { nodes { code name
            children(kind: COMMUNE, first: 100) { nodes { code name } } } } } } }" ;;
    postgraphile:country)
      q="{ allUnits(condition: {kind: \"PROVINCE\", validTo: $d}, orderBy: CODE_ASC, first: 100) { nodes { code name
          unitsByParentId(condition: {kind: \"DISTRICT\", validTo: $d}, orderBy: CODE_ASC, first: 100) { nodes { code name
            unitsByParentId(condition: {kind: \"COMMUNE\", validTo: $d}, orderBy: CODE_ASC, first: 100) { nodes { code name } } } } } } }" ;;
    bare:country) jq -n --arg d "$AS_OF" '{asOf: $d}' >"$file"; return ;;
    *) : >"$file"; return ;;
  esac
  jq -n --arg q "$(tr -s ' \n' ' ' <<<"$q")" --argjson v "$vars" '{query: $q, variables: $v}' >"$file"
}

# POSTs body file $2 to server $1; prints the response; fails on HTTP errors
# or `errors`.
ask() {
  local s=$1 file=$2 out=$work/response.json code
  code=$(curl -s -o "$out" -w '%{http_code}' "${url[$s]}" -H 'content-type: application/json' --data-binary "@$file")
  if [[ $code != 200 ]] || jq -e 'has("errors")' "$out" >/dev/null || ! jq -e '.data' "$out" >/dev/null; then
    echo "$s: HTTP $code for $(head -c 2000 "$file")" >&2
    head -c 4000 "$out" >&2
    echo >&2
    die "$s: request failed"
  fi
  cat "$out"
}

# What a response says, whatever its shape: every object with a name, as
# "code name" lines in order of code (the code empty where not asked).
units_of() { jq -r '[.. | objects | select(has("name")) | "\(.code // "") \(.name)"] | sort | .[]'; }

jq -n --arg c "$PROVINCE_CODE" '{query: "{ unitByCode(code: \"\($c)\") { id } }"}' >"$work/id.phancap.json"
jq -n --arg c "$PROVINCE_CODE" '{query: "{ allUnits(condition: {code: \"\($c)\", validTo: null}) { nodes { nodeId } } }"}' \
  >"$work/id.postgraphile.json"
phancap_id=$(ask phancap "$work/id.phancap.json" | jq -r '.data.unitByCode.id')
postgraphile_id=$(ask postgraphile "$work/id.postgraphile.json" | jq -r '.data.allUnits.nodes[0].nodeId')
[[ -n $phancap_id && $phancap_id != null && -n $postgraphile_id && $postgraphile_id != null ]] \
  || die "no unit $PROVINCE_CODE in force today"

log "checking that every server gives the same answers"
read -ra scenarios <<<"$SCENARIOS"
declare -A serves=()
for sc in "${scenarios[@]}"; do
  reference=
  for s in "${servers[@]}"; do
    body "$s" "$sc"
    [[ -s $work/$s.$sc.json ]] || continue
    serves[$s:$sc]=1
    ask "$s" "$work/$s.$sc.json" >"$work/$s.$sc.answer"
    units_of <"$work/$s.$sc.answer" >"$work/$s.$sc.units"
    units=$(wc -l <"$work/$s.$sc.units")
    communes=$(grep -cE '^[0-9]{5} ' "$work/$s.$sc.units" || true)
    printf '%-8s %-13s %6d units, %6d communes, %8d bytes\n' "$sc" "$s" "$units" "$communes" \
      "$(wc -c <"$work/$s.$sc.answer")"
    (( units > 0 )) || die "$sc: $s answered no unit"
    if [[ -z $reference ]]; then
      reference=$s
    elif ! cmp -s "$work/$reference.$sc.units" "$work/$s.$sc.units"; then
      diff "$work/$reference.$sc.units" "$work/$s.$sc.units" | head -20 >&2
      die "$sc: $s does not answer as $reference"
    fi
  done
done

if [[ $CHECK_ONLY == 1 ]]; then
  echo "CHECK_ONLY=1: no timing"
  exit 0
fi

# --- timed runs --------------------------------------------------------------

# Runs wrk against server $1 with body file $2, $3 connections, for $4;
# prints the RESULT line's fields.
load() {
  local s=$1 file=$2 c=$3 d=$4 t out=$work/wrk.out
  t=$(( c < 2 ? c : 2 ))
  BODY_FILE=$file wrk -t"$t" -c"$c" -d"$d" --timeout "$WRK_TIMEOUT" --latency -s "$lua" "${url[$s]}" >"$out" 2>&1 \
    || { cat "$out"; die "wrk failed against $s"; }
  grep -q '^RESULT' "$out" || { cat "$out"; die "no result from wrk against $s"; }
  sed -n 's/^RESULT //p' "$out"
}
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
median() { tr ' ' '\n' | { grep . || true; } | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average before the timed runs: $(loadavg) (on $(nproc) cores)"
declare -A rps=() p50=() errors=()
rows=()
for sc in "${scenarios[@]}"; do
  case $sc in tree | country) conc=$NESTED_CONCURRENCY ;; *) conc=$CONCURRENCY ;; esac
  log "$sc: warm-up ($WARMUP each at 8 connections)"
  for s in "${servers[@]}"; do
    if [[ -n ${serves[$s:$sc]:-} ]]; then load "$s" "$work/$s.$sc.json" 8 "$WARMUP" >/dev/null; fi
  done
  for c in $conc; do
    rows+=("$sc:$c")
    for r in $(seq 1 "$ROUNDS"); do
      line="$sc c=$c round $r:"
      for s in "${servers[@]}"; do
        [[ -n ${serves[$s:$sc]:-} ]] || continue
        res=$(load "$s" "$work/$s.$sc.json" "$c" "$DURATION")
        if [[ $(field "$res" errors) != 0 ]]; then
          echo "$s: $(field "$res" errors) errors in $sc at $c connections: $(grep -m1 -e '^first bad' -e '^bad' "$work/wrk.out")" >&2
          errors[$s:$sc:$c]=1
        fi
        rps[$s:$sc:$c]+=" $(field "$res" rps)"
        p50[$s:$sc:$c]+=" $(field "$res" p50)"
        line+=" $s $(field "$res" rps)/s p50 $(field "$res" p50) ms;"
      done
      echo "$line"
    done
  done
done

# --- the table ---------------------------------------------------------------

declare -A label=(
  [code]="unit by code"
  [node]="node(id)"
  [flat]="100 communes, flat"
  [tree]="province → districts → communes"
  [country]="all provinces → districts → communes"
)
cell() { # req/s (p50 ms) of server $1 at row $2
  local r p
  r=$(median <<<"${rps[$1:$2]:-}")
  [[ -n $r ]] || { echo "—"; return; }
  p=$(median <<<"${p50[$1:$2]}")
  [[ -z ${errors[$1:$2]:-} ]] || printf '(errors) '

  awk -v r="$r" -v p="$p" 'BEGIN { n = sprintf(r < 100 ? "%.1f" : "%.0f", r); t = "";
    while (r >= 100 && length(n) > 3) { t = "," substr(n, length(n) - 2) t; n = substr(n, 1, length(n) - 3) }
    printf "%s%s (%.2f ms)", n, t, p }'
}
ratio() {
  local a b
  a=$(median <<<"${rps[$1:$3]:-}") b=$(median <<<"${rps[$2:$3]:-}")
  [[ -n $a && -n $b ]] || { echo "—"; return; }
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }'
}

echo "load average after them: $(loadavg)"
log "medians of $ROUNDS round(s) of $DURATION: req/s (p50)"
echo "| query | concurrency | phancap | PostGraphile | bare | phancap/PostGraphile | phancap/bare | phancap on SQLite |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for row in "${rows[@]}"; do
  sc=${row%%:*} c=${row##*:}
  echo "| ${label[$sc]} | $c | $(cell phancap "$row") | $(cell postgraphile "$row") | $(cell bare "$row") | $(ratio phancap postgraphile "$row") | $(ratio phancap bare "$row") | $(cell sqlite "$row") |"
done
echo
[[ ${#errors[@]} == 0 ]] || echo "(errors): some response was not HTTP 200, carried errors, or timed out (see above)"
echo "| server | peak memory (VmHWM) | memory at the end (VmRSS) |"
echo "| --- | --- | --- |"
for s in "${servers[@]}"; do
  echo "| $s | $(rss "$s" VmHWM) MiB | $(rss "$s" VmRSS) MiB |"
done
[[ ${#errors[@]} == 0 ]]
