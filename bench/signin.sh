#!/usr/bin/env bash
# Sign-in benchmark: wallet sign-in (nonce + sign + /wallets/signin) and email sign-in (create + code from the
# line `sigil dev` prints + /emailVerifications/signin), each a new user, against `bin/sigil dev` pinned to one core, the
# Node client (Dynamic's client code from the interop suite) on the other.
#
#   bash bench/signin.sh            # SQLite (default)
#   bash bench/signin.sh postgres   # PostgreSQL on 127.0.0.1:5432 (user postgres), in a fresh database
#
# Environment: BENCH_DURATION (seconds, 30), BENCH_WORKERS (16), BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1),
# JAVA_HOME, PGHOST/PGPORT/PGUSER. The client signs EIP-191 messages itself, so on one core it, not the server,
# may be what limits wallet sign-ins/s: the script prints both processes' CPU use so the reader can tell.
set -euo pipefail

database="${1:-sqlite}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
duration="${BENCH_DURATION:-30}"
workers="${BENCH_WORKERS:-16}"
server_cpu="${BENCH_SERVER_CPU:-0}"
client_cpu="${BENCH_CLIENT_CPU:-1}"
source bench/lib.sh
bench_node_packages

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/sigil-signin.XXXXXX")"
server_pid=""
bench_db=""
cleanup() {
  local status=$?
  bench_stop_server "$server_pid"
  bench_pg_drop "$bench_db"
  rm -rf "$data_dir"
  exit "$status"
}
trap cleanup EXIT

db_args=()
if [[ "$database" == postgres ]]; then
  bench_db="$(bench_pg_create sigil_signin)"
  db_args=(--database-url "$(bench_pg_url "$bench_db")")
fi

bin/sigil --version >/dev/null
port="$(bench_free_port)"
admin_token="$(bench_random_token)"
url="http://127.0.0.1:$port"
# `dev`: codes go to the console and the dev outbox (no SMTP server in the loop).
bench_start_server dev "$server_cpu" "$port" "$data_dir" "$admin_token" "$data_dir/server.log" "${db_args[@]}"
server_pid="$bench_server_pid"
environment_id="$(bench_environment "$url" "$admin_token" signin)"

mkdir -p bench/results
results="bench/results/signin-$database-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "== Sigil sign-in benchmark: $database, $workers clients, ${duration} s per mode"
  echo "date:   $(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//')"
  echo "jdk:    $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); server (bin/sigil dev) pinned to CPU $server_cpu, client to CPU $client_cpu"
} | tee "$results"
status=0
for mode in wallet email; do
  # Warm-up, then the measured run; CPU seconds of the server over the measured run.
  SIGIL_URL="$url" SIGIL_DEV_LOG="$data_dir/server.log" taskset -c "$client_cpu" \
    node bench/signin-load.mjs "$mode" "$environment_id" 10 "$workers" >/dev/null || true
  before="$(bench_cpu_ticks "$server_pid")"
  started="$(date +%s.%N)"
  SIGIL_URL="$url" SIGIL_DEV_LOG="$data_dir/server.log" taskset -c "$client_cpu" \
    node bench/signin-load.mjs "$mode" "$environment_id" "$duration" "$workers" >"$data_dir/$mode.out" || status=1
  after="$(bench_cpu_ticks "$server_pid")"
  ended="$(date +%s.%N)"
  tee -a "$results" <"$data_dir/$mode.out"
  signins="$(sed -n 's/^SIGNIN .* signins=\([0-9]*\) .*/\1/p' "$data_dir/$mode.out")"
  bench_cpu_line "$before" "$after" "$started" "$ended" "${signins:-0}" sign-in | tee -a "$results"
done
exit "$status"
