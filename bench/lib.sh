# Shared steps of the benchmark scripts (sourced, not run): a JDK, the Node packages and wrk, a server pinned to a
# core with its own data directory, an environment whose rate limits are lifted, preloaded rows, the server's CPU
# use. Each script keeps its own flow and output; this file only holds what they would otherwise each copy.

# JDK 21+ for bin/sigil and bench/Preload.java: this machine kind's default java is 17.
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi

# PostgreSQL for the `postgres` runs: PGHOST, PGPORT, PGUSER (default 127.0.0.1, 5432, postgres).
pg_host="${PGHOST:-127.0.0.1}"
pg_port="${PGPORT:-5432}"
pg_user="${PGUSER:-postgres}"

# bench_pg_create PREFIX: creates a fresh database PREFIX_<12 random hex digits>, prints its name.
bench_pg_create() {
  local name
  name="$1_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  createdb -h "$pg_host" -p "$pg_port" -U "$pg_user" "$name"
  echo "$name"
}

# bench_pg_url NAME: the JDBC URL of database NAME.
bench_pg_url() {
  echo "jdbc:postgresql://$pg_host:$pg_port/$1?user=$pg_user"
}

# bench_pg_drop NAME: drops database NAME, even while something still holds connections to it; nothing for "".
bench_pg_drop() {
  [[ -n "$1" ]] || return 0
  dropdb -h "$pg_host" -p "$pg_port" -U "$pg_user" --if-exists --force "$1" || true
}

# The interop suite's Node packages (Dynamic's client and ethers) sign wallets in for every script.
bench_node_packages() {
  if [[ ! -d interop/node_modules ]]; then
    (cd interop && npm ci --no-audit --no-fund)
  fi
}

bench_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    echo "bench: installing wrk" >&2
    apt-get update
    apt-get install -y wrk
  fi
}

bench_free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

bench_random_token() {
  node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))'
}

# bench_start_server MODE CPU PORT DATA_DIR ADMIN_TOKEN LOG [sigil options...]
# Starts `bin/sigil MODE` (serve or dev) pinned to CPU and waits up to 60 s for /readyz. Sets bench_server_pid;
# returns non-zero, with the log's tail on stderr, if the server exits or never gets ready.
bench_start_server() {
  local mode="$1" cpu="$2" port="$3" dir="$4" token="$5" log="$6"
  shift 6
  SIGIL_ADMIN_TOKEN="$token" taskset -c "$cpu" \
    bin/sigil "$mode" --port "$port" --host 127.0.0.1 --data-dir "$dir" "$@" >>"$log" 2>&1 &
  bench_server_pid=$!
  local _
  for _ in $(seq 1 120); do
    if ! kill -0 "$bench_server_pid" 2>/dev/null; then
      echo "bench: the server on port $port exited before it was ready" >&2
      tail -n 60 "$log" >&2 || true
      return 1
    fi
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/readyz" || true)" == 200 ]]; then
      return 0
    fi
    sleep 0.5
  done
  echo "bench: http://127.0.0.1:$port/readyz did not answer 200 within 60 s" >&2
  tail -n 60 "$log" >&2 || true
  bench_stop_server "$bench_server_pid"
  return 1
}

# bench_stop_server PID: SIGTERM (the server drains), SIGKILL after 25 s.
bench_stop_server() {
  local pid="$1" _
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 250); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# bench_environment URL ADMIN_TOKEN NAME: creates an environment, prints its id. Its rate limits are lifted
# (bench/unlimited-settings.json): every benchmark request comes from 127.0.0.1 and from a few sessions, exactly
# the traffic the limits rightly refuse as abuse.
bench_environment() {
  local url="$1" token="$2" name="$3" id
  id="$(curl -sf -X POST "$url/api/v0/admin/environments" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "{\"name\":\"$name\",\"allowedOrigins\":[\"http://localhost:3000\"]}" \
    | node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).id))')"
  curl -sf -X PATCH "$url/api/v0/admin/environments/$id" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "{\"settings\": $(cat bench/unlimited-settings.json)}" >/dev/null
  echo "$id"
}

# bench_preload JDBC_URL ENVIRONMENT_ID COUNT: COUNT users, each with a wallet credential and a live session.
bench_preload() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "target/sigil.jar:target/lib/*" \
    bench/Preload.java "$@"
}

# bench_cpu_ticks PID: CPU time the process has used (user + system), in clock ticks (getconf CLK_TCK per second).
# PID/task/TID gives one thread's.
bench_cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# bench_jit_ticks PID: CPU time the process's JIT compiler threads have used, in clock ticks. They share the
# server's pinned core, so a compilation burst during a measured run shows up as latency.
bench_jit_ticks() {
  local task ticks=0
  for task in /proc/"$1"/task/*; do
    if [[ "$(cat "$task/comm" 2>/dev/null)" == C[12]\ CompilerThre* ]]; then
      ticks=$((ticks + $(bench_cpu_ticks "$1/task/${task##*/}" 2>/dev/null || echo 0)))
    fi
  done
  echo "$ticks"
}

# bench_cpu_line TICKS_BEFORE TICKS_AFTER SECONDS_BEFORE SECONDS_AFTER COUNT [UNIT]: the server's share of its core
# over a run and its CPU time per COUNT UNIT ("request" unless given; signin.sh counts sign-ins of two requests).
# Below saturation a request has cost 7–38 % more CPU than at it (bench/README.md, "Reading the numbers"), so "70 %
# of the saturated rate" can keep the core far busier than 70 %.
bench_cpu_line() {
  awk -v a="$1" -v b="$2" -v s="$3" -v e="$4" -v n="$5" -v unit="${6:-request}" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    cpu = (b - a) / hz
    printf "server CPU:  %.0f %% of its core, %.2f ms per %s\n", 100 * cpu / (e - s), (n > 0 ? 1000 * cpu / n : 0), unit
  }'
}
