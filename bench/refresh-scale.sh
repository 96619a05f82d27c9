#!/usr/bin/env bash
# Does a refresh cost more when the tables are large? Two servers on the same pinned core, one on a fresh
# database and one with BENCH_PRELOAD (1,000,000) users, credentials and sessions preloaded, each with its own
# BENCH_SESSIONS (64) signed-in sessions. wrk loads them in turn, in short slices (ABBA order: the first in one
# round is the second in the next), so the host's drift, which moves a single run by ±15 % here, hits both
# alike. Prints each slice's rate and the ratio large/small per round, then their median.
#
#   bash bench/refresh-scale.sh            # SQLite (default)
#   bash bench/refresh-scale.sh postgres   # PostgreSQL on 127.0.0.1:5432 (user postgres), two fresh databases
#
# Environment: BENCH_PRELOAD (1000000), BENCH_WARMUP_ROUNDS (4) of BENCH_WARMUP_SLICE (45s) per server (the JIT
# shares the pinned core and needs about 150 s), BENCH_ROUNDS (8) of BENCH_SLICE (15s) measured per server,
# BENCH_CONNECTIONS (16), BENCH_SESSIONS (64), BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1), JAVA_HOME,
# PGHOST/PGPORT/PGUSER. Output is also saved under bench/results/. Exits non-zero if any request failed.
set -euo pipefail

database="${1:-sqlite}"
case "$database" in
  sqlite | postgres) ;;
  *)
    echo "usage: bash bench/refresh-scale.sh [sqlite|postgres]" >&2
    exit 2
    ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source bench/lib.sh

preload="${BENCH_PRELOAD:-1000000}"
warmup_rounds="${BENCH_WARMUP_ROUNDS:-4}"
warmup_slice="${BENCH_WARMUP_SLICE:-45s}"
rounds="${BENCH_ROUNDS:-8}"
slice="${BENCH_SLICE:-15s}"
connections="${BENCH_CONNECTIONS:-16}"
sessions="${BENCH_SESSIONS:-64}"
server_cpu="${BENCH_SERVER_CPU:-0}"
client_cpu="${BENCH_CLIENT_CPU:-1}"

bench_wrk
bench_node_packages

work="$(mktemp -d "${TMPDIR:-/tmp}/sigil-scale.XXXXXX")"
declare -A pid=() url=() environment=() tokens=() pg_db=()
cleanup() {
  local status=$? name
  for name in "${!pid[@]}"; do
    bench_stop_server "${pid[$name]}"
  done
  for name in "${!pg_db[@]}"; do
    bench_pg_drop "${pg_db[$name]}"
  done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "bench: building the server if needed" >&2
bin/sigil --version >/dev/null

# start NAME ROWS: a server with ROWS preloaded users and its own signed-in sessions.
start() {
  local name="$1" rows="$2" dir="$work/$1" jdbc port token
  mkdir -p "$dir"
  local db_args=()
  jdbc="jdbc:sqlite:$dir/sigil.db"
  if [[ "$database" == postgres ]]; then
    pg_db[$name]="$(bench_pg_create "sigil_scale_$name")"
    jdbc="$(bench_pg_url "${pg_db[$name]}")"
    db_args=(--database-url "$jdbc")
  fi
  port="$(bench_free_port)"
  token="$(bench_random_token)"
  bench_start_server serve "$server_cpu" "$port" "$dir" "$token" "$dir/server.log" "${db_args[@]}"
  pid[$name]="$bench_server_pid"
  url[$name]="http://127.0.0.1:$port"
  environment[$name]="$(bench_environment "${url[$name]}" "$token" "$name")"
  if [[ "$rows" -gt 0 ]]; then
    echo "bench: $name: $(bench_preload "$jdbc" "${environment[$name]}" "$rows")" >&2
  fi
  tokens[$name]="$dir/tokens.txt"
  SIGIL_URL="${url[$name]}" node bench/signin.mjs "${environment[$name]}" "$sessions" >"${tokens[$name]}"
}

# load NAME DURATION [warm-up]: one wrk slice against NAME's refresh; prints its rate, fails on any failed request.
# A warm-up slice may have socket errors: wrk gives up on a request after 2 s, which a cold server, its JIT sharing
# the pinned core, can take in its first seconds (as in refresh.sh's warm-up). A non-2xx answer fails any slice.
load() {
  local name="$1" result
  result="$(SIGIL_BENCH_TOKENS="${tokens[$name]}" taskset -c "$client_cpu" \
    wrk -t1 -c"$connections" -d"$2" -s bench/refresh.lua "${url[$name]}/api/v0/sdk/${environment[$name]}/refresh" \
    | grep '^RESULT')"
  if [[ "$result" != *" non2xx=0 "* || ("$result" != *" socket_errors=0" && "${3:-}" != warm-up) ]]; then
    echo "bench: $name: some requests failed ($result); this run does not measure refresh" >&2
    return 1
  fi
  if [[ "$result" != *" socket_errors=0" ]]; then
    echo "bench: $name: warm-up slice had wrk timeouts, not counted (${result#RESULT })" >&2
  fi
  sed -n 's/.*requests_per_s=\([0-9]*\).*/\1/p' <<<"$result"
}

echo "bench: starting the small server (no rows preloaded)" >&2
start small 0
echo "bench: starting the large server ($preload rows preloaded)" >&2
start large "$preload"

mkdir -p bench/results
results="bench/results/refresh-scale-$database-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "== Sigil refresh cost against table size"
  echo "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host:        $(nproc) CPUs online; $(grep -m1 'model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//'); $(uname -sr)"
  echo "jdk:         $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "database:    $database; small: a fresh database; large: $preload users, credentials and sessions preloaded"
  echo "servers:     both bin/sigil serve, pinned to CPU $server_cpu; only the one under load runs"
  echo "load:        wrk pinned to CPU $client_cpu, 1 thread, $connections connections, $sessions sessions per server in turn"
  echo "slices:      warm-up $warmup_rounds x $warmup_slice per server, then $rounds x $slice per server, ABBA order"
} | tee "$results"

echo "bench: warming up both servers" >&2
for ((r = 1; r <= warmup_rounds; r++)); do
  load small "$warmup_slice" warm-up >/dev/null
  load large "$warmup_slice" warm-up >/dev/null
done

ratios=()
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then
    small_rate="$(load small "$slice")"
    large_rate="$(load large "$slice")"
  else
    large_rate="$(load large "$slice")"
    small_rate="$(load small "$slice")"
  fi
  ratio="$(awk -v l="$large_rate" -v s="$small_rate" 'BEGIN {printf "%.3f", l / s}')"
  ratios+=("$ratio")
  echo "round $r:     small $small_rate/s, large $large_rate/s, large/small $ratio" | tee -a "$results"
done
median="$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')"
{
  echo "median:      large/small $median ($(awk -v m="$median" 'BEGIN {printf "%+.1f", (m - 1) * 100}') % with $preload rows)"
  echo "RESULT ratio_median=$median rounds=$rounds"
} | tee -a "$results"
echo "bench: saved $results" >&2
