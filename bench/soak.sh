#!/usr/bin/env bash
# Soak benchmark: 10 minutes (SOAK_MINUTES) of mixed sign-in / refresh / profile traffic against a fresh
# server; per-minute latency, error counts, heap and RSS. Fails if any request failed.
#
#   bash bench/soak.sh            # SQLite (default)
#   bash bench/soak.sh postgres   # PostgreSQL on 127.0.0.1:5432 (user postgres), in a fresh database
#
# Environment: SOAK_MINUTES (10), SOAK_WORKERS (16 concurrent clients), SOAK_VACUUM_SECONDS (60: with PostgreSQL
# whose autovacuum is off, how often the script vacuums instead; 0 never), BENCH_SERVER_CPU (0),
# BENCH_CLIENT_CPU (1), JAVA_HOME, PGHOST/PGPORT/PGUSER. Output is saved under bench/results/.
set -euo pipefail

database="${1:-sqlite}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
minutes="${SOAK_MINUTES:-10}"
workers="${SOAK_WORKERS:-16}"
server_cpu="${BENCH_SERVER_CPU:-0}"
client_cpu="${BENCH_CLIENT_CPU:-1}"
source bench/lib.sh
bench_node_packages

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/sigil-soak.XXXXXX")"
server_pid=""
bench_db=""
vacuum_pid=""
cleanup() {
  local status=$?
  if [[ -n "$vacuum_pid" ]]; then
    kill "$vacuum_pid" 2>/dev/null || true
  fi
  bench_stop_server "$server_pid"
  bench_pg_drop "$bench_db"
  rm -rf "$data_dir"
  exit "$status"
}
trap cleanup EXIT

db_args=()
if [[ "$database" == postgres ]]; then
  bench_db="$(bench_pg_create sigil_soak)"
  db_args=(--database-url "$(bench_pg_url "$bench_db")")
fi

bin/sigil --version >/dev/null
port="$(bench_free_port)"
admin_token="$(bench_random_token)"
url="http://127.0.0.1:$port"
bench_start_server serve "$server_cpu" "$port" "$data_dir" "$admin_token" "$data_dir/server.log" "${db_args[@]}"
server_pid="$bench_server_pid"
environment_id="$(bench_environment "$url" "$admin_token" soak)"

# A PostgreSQL with autovacuum off (this project's CI machines run it so) never clears the dead rows that nonces,
# sessions and webhook events leave behind, and slows down as they pile up: stand in for it with a VACUUM ANALYZE
# of the soak's database every SOAK_VACUUM_SECONDS (60; 0 disables).
vacuum_note=""
vacuum_every="${SOAK_VACUUM_SECONDS:-60}"
if [[ "$database" == postgres ]]; then
  autovacuum="$(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$bench_db" -tAc 'SHOW autovacuum')"
  vacuum_note="; PostgreSQL autovacuum $autovacuum"
  if [[ "$autovacuum" == off && "$vacuum_every" -gt 0 ]]; then
    vacuum_note="$vacuum_note, so the script runs VACUUM ANALYZE every ${vacuum_every} s"
    (
      while sleep "$vacuum_every"; do
        psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$bench_db" -qc 'VACUUM ANALYZE' >/dev/null 2>&1 || exit 0
      done
    ) &
    vacuum_pid=$!
  fi
fi

mkdir -p bench/results
results="bench/results/soak-$database-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "== Sigil soak: $minutes min, $workers clients, $database$vacuum_note"
  echo "date:   $(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//')"
  echo "jdk:    $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); server pinned to CPU $server_cpu, clients to CPU $client_cpu"
} | tee "$results"
SIGIL_URL="$url" taskset -c "$client_cpu" node bench/soak.mjs "$environment_id" "$server_pid" "$minutes" "$workers" \
  | tee -a "$results"
# Events the webhook worker has not fanned out yet: this stays near zero when the worker keeps up (no endpoints
# are registered here, so every event is claimed and dropped).
if [[ "$database" == postgres ]]; then
  backlog="$(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$bench_db" -tAc \
    'SELECT count(*) FROM webhook_events WHERE fanned_out_at IS NULL' || echo '?')"
  echo "webhook events not yet fanned out at the end: $backlog" | tee -a "$results"
fi
