#!/usr/bin/env bash
# Starts a Sigil server on a free loopback port with a temporary data directory, runs the interop suite
# (Dynamic's published client against it), stops the server, and exits non-zero if any test failed.
#
#   bash interop/run.sh            # from the repository root (or anywhere: it finds the root itself)
#
# Environment: JAVA_HOME (a JDK 21+; defaults to /usr/lib/jvm/temurin-25-jdk-amd64 when that exists),
# SIGIL_INTEROP_KEEP_LOG=1 keeps the server log and prints its path.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
interop="$root/interop"
cd "$root"

if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/sigil-interop.XXXXXX")"
log="$data_dir/server.log"
server_pid=""

stop_server() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # SIGTERM drains in-flight requests (up to 20 s); do not wait forever.
    for _ in $(seq 1 250); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "interop: server did not stop after SIGTERM; killing it" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ "${SIGIL_INTEROP_KEEP_LOG:-}" == 1 ]]; then
    echo "interop: server log kept in $log" >&2
  else
    rm -rf "$data_dir"
  fi
  exit "$status"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() {
  echo "---- server log ($log) ----" >&2
  tail -n 80 "$log" >&2 || true
  echo "---- end of server log ----" >&2
}

# Build first (bin/sigil rebuilds the jar when a source is newer), so that the readiness wait below
# measures the server's start-up, not a Maven build.
echo "interop: building the server if needed" >&2
if ! bin/sigil --version >"$log" 2>&1; then
  echo "interop: bin/sigil --version failed (build error?)" >&2
  show_log
  exit 1
fi

port="$(free_port)"
# Email codes go over real SMTP to the receiver test/email.test.mjs runs on this port.
smtp_port="$(free_port)"
admin_token="$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')"
url="http://127.0.0.1:$port"

echo "interop: starting sigil on $url (data in $data_dir)" >&2
SIGIL_ADMIN_TOKEN="$admin_token" \
  SIGIL_SMTP_HOST=127.0.0.1 SIGIL_SMTP_PORT="$smtp_port" SIGIL_SMTP_SECURITY=none SIGIL_SMTP_FROM=codes@sigil.test \
  bin/sigil serve --port "$port" --host 127.0.0.1 --data-dir "$data_dir" \
  >>"$log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 120); do # 60 s
  if ! kill -0 "$server_pid" 2>/dev/null; then
    server_status=0
    wait "$server_pid" || server_status=$?
    server_pid=""
    echo "interop: the server exited (status $server_status) before it was ready" >&2
    show_log
    exit 1
  fi
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/readyz" || true)"
  if [[ "$code" == 200 ]]; then
    ready=1
    break
  fi
  sleep 0.5
done
if [[ -z "$ready" ]]; then
  echo "interop: $url/readyz did not answer 200 within 60 s" >&2
  show_log
  exit 1
fi
echo "interop: server ready" >&2

# Install when missing, or when the lockfile changed since the last install.
if [[ ! -f "$interop/node_modules/.package-lock.json" || "$interop/package-lock.json" -nt "$interop/node_modules/.package-lock.json" ]]; then
  (cd "$interop" && npm ci --no-audit --no-fund)
fi

set +e
(cd "$interop" && SIGIL_URL="$url" SIGIL_ADMIN_TOKEN="$admin_token" SIGIL_INTEROP_SMTP_PORT="$smtp_port" node --test)
status=$?
set -e

if [[ $status -ne 0 ]]; then
  echo "interop: FAILED (node --test exited $status)" >&2
  show_log
fi
exit "$status"
