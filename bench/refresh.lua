-- wrk script: POST /api/v0/sdk/{env}/refresh with signed-in sessions' bearer tokens, as Dynamic's client
-- sends them. The URL on wrk's command line is the full refresh URL; the tokens (minifiedJwts, one per line;
-- bench/signin.mjs prints them) come from the file SIGIL_BENCH_TOKENS, used round-robin so requests spread
-- over many sessions, or from the variable SIGIL_BENCH_TOKEN (one session).
--
-- Prints requests/s, p50/p90/p99/max latency and the number of non-2xx answers (which make the run invalid).

local tokens = {}
local file = os.getenv("SIGIL_BENCH_TOKENS")
if file ~= nil and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then table.insert(tokens, line) end
  end
elseif os.getenv("SIGIL_BENCH_TOKEN") ~= nil then
  table.insert(tokens, os.getenv("SIGIL_BENCH_TOKEN"))
end
if #tokens == 0 then
  io.stderr:write("refresh.lua: set SIGIL_BENCH_TOKENS to a file of minifiedJwts (or SIGIL_BENCH_TOKEN to one)\n")
  os.exit(2)
end

wrk.method = "POST"
-- An empty body sent with "Content-Length: 0", as bench/open-loop.mjs (Node's http client) sends it: the JIT
-- specialises the request path on what the warm-up showed it, so the wrk phases and the open-loop runs send the
-- same request. (It was no Content-Length at all; the first open-loop run's recompilation turned out to come from
-- its fresh connections, which refresh.sh now warms up apart, not from this header.)
wrk.body = ""
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = os.getenv("SIGIL_BENCH_ORIGIN") or "http://localhost:3000"

-- Pre-built requests, one per token; each connection walks them in turn.
local requests = {}
local next_request = 0

function init(args)
  for i, token in ipairs(tokens) do
    wrk.headers["Authorization"] = "Bearer " .. token
    requests[i] = wrk.format()
  end
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

-- Each wrk thread runs its own Lua state; setup() keeps a handle on each so done() can add up their counts.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

non2xx = 0
first_bad_status = nil
first_bad_body = nil

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad_status == nil then
      first_bad_status = status
      first_bad_body = body and string.sub(body, 1, 200) or ""
    end
  end
end

local function ms(us)
  return string.format("%.2f ms", us / 1000)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local bad = 0
  local example = nil
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    if example == nil and thread:get("first_bad_status") ~= nil then
      example = thread:get("first_bad_status") .. " " .. (thread:get("first_bad_body") or "")
    end
  end
  local e = summary.errors
  io.write("---- refresh benchmark result ----\n")
  io.write(string.format("requests:       %d in %.1f s\n", summary.requests, seconds))
  io.write(string.format("requests/s:     %.0f\n", summary.requests / seconds))
  io.write(string.format("latency p50:    %s\n", ms(latency:percentile(50))))
  io.write(string.format("latency p90:    %s\n", ms(latency:percentile(90))))
  io.write(string.format("latency p99:    %s\n", ms(latency:percentile(99))))
  io.write(string.format("latency max:    %s\n", ms(latency.max)))
  io.write(string.format("non-2xx:        %d\n", bad))
  io.write(string.format("socket errors:  connect %d, read %d, write %d, timeout %d\n",
    e.connect, e.read, e.write, e.timeout))
  if example ~= nil then
    io.write("first non-2xx:  " .. example .. "\n")
  end
  io.write(string.format("RESULT requests_per_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, bad, e.connect + e.read + e.write + e.timeout))
end
