// Open-loop load at a constant rate, the model of wrk2: request i is due at start + i / rate whether or not
// earlier answers have come back, and its latency is counted from when it was due. A server that stalls shows
// up in the percentiles instead of slowing the client down (no coordinated omission), and requests are spread
// evenly instead of leaving in bursts (hey's workers all tick at the same instant: with 16 of them, the last
// request of each burst waited for the 15 before it, which was most of the "latency at 70 %").
//
//   SIGIL_BENCH_TOKENS=tokens.txt node bench/open-loop.mjs <refresh URL> <requests/s> <seconds>
//
// POSTs to the URL with `Authorization: Bearer <token>` (the file's minifiedJwts in turn), `Origin`
// (SIGIL_BENCH_ORIGIN, default http://localhost:3000) and `Content-Type: application/json`, over at most
// BENCH_CONNECTIONS (64) keep-alive connections; BENCH_TIMELINE=1 adds percentiles per second, each with the time
// the hypervisor stole from the server's CPU in that second (BENCH_SERVER_CPU, default 0; /proc/stat). The first
// BENCH_OPEN_LOOP_WARMUP (5) seconds run at the same rate but are reported apart, as wrk2 leaves out its first
// 10 s: a fresh client process opening its connections answered its first ~2 s at p50 17–52 ms while the
// server was warm and the rest of the run had p50 1.8 ms. Prints the achieved rate, percentiles, the client's
// own event-loop stalls and errors, and a line
// `OPEN_LOOP requests_per_s=… p50_ms=… p90_ms=… p99_ms=… p999_ms=… max_ms=… errors=…`. Exits 1 on any error.
import fs from 'node:fs';
import http from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const [url, rateArg, secondsArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
if (!url || !(rate > 0) || !(seconds > 0) || !process.env.SIGIL_BENCH_TOKENS) {
  console.error('usage: SIGIL_BENCH_TOKENS=file node bench/open-loop.mjs <url> <requests/s> <seconds>');
  process.exit(2);
}
const tokens = fs.readFileSync(process.env.SIGIL_BENCH_TOKENS, 'utf8').split('\n').filter(Boolean);
const origin = process.env.SIGIL_BENCH_ORIGIN ?? 'http://localhost:3000';
const target = new URL(url);
// FIFO: every pooled connection is reused in turn. With Node's default (LIFO) the few most recent connections carried
// the load and the rest sat idle until the server's 30 s idle timeout closed them, and a burst that reached for one
// as it closed failed with "socket hang up" (2026-12-07, 4 requests in a 35 s run).
const agent = new http.Agent({
  keepAlive: true, maxSockets: Number(process.env.BENCH_CONNECTIONS ?? 64), scheduling: 'fifo',
});

const warmupSeconds = Number(process.env.BENCH_OPEN_LOOP_WARMUP ?? 5);
const warmup = Math.round(rate * warmupSeconds);
const total = warmup + Math.round(rate * seconds);
const interval = 1000 / rate;
const start = performance.now() + 100;
// Wall-clock time of the first measured request, so the timeline's seconds can be matched with the server's logs.
const measuredFrom = new Date(Date.now() + 100 + warmupSeconds * 1000);
const latencies = new Float64Array(total);
let sent = 0;
let answered = 0;
let errors = 0;
let firstError;
// The client's own stalls (its GC, its event loop) would read as server latency: measured and printed.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

// Steal time of the server's CPU, sampled four times a second: a second whose latency jumps while the
// hypervisor ran someone else on that CPU is the host, not the server.
const serverCpu = `cpu${process.env.BENCH_SERVER_CPU ?? 0}`;
const stealSamples = [];

function stealMillis() {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`${serverCpu} `));
    // Fields after the name: user nice system idle iowait irq softirq steal ..., in USER_HZ (100 per second).
    return line ? Number(line.trim().split(/\s+/)[8]) * 10 : NaN;
  } catch {
    return NaN;
  }
}

function sampleSteal() {
  stealSamples.push({ at: performance.now(), steal: stealMillis() });
}

function stealDuring(from, to) {
  const before = stealSamples.findLast((s) => s.at <= from);
  const after = stealSamples.find((s) => s.at >= to);
  return before && after ? after.steal - before.steal : NaN;
}

function dueAt(i) {
  return start + i * interval;
}

function settle(i, failure) {
  latencies[i] = performance.now() - dueAt(i);
  if (failure !== undefined) {
    errors++;
    firstError ??= failure;
  }
  if (++answered === total) {
    report();
  }
}

function fire(i) {
  const req = http.request({
    agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST',
    headers: {
      authorization: `Bearer ${tokens[i % tokens.length]}`, origin, 'content-type': 'application/json',
      'content-length': 0,
    },
  }, (res) => {
    res.resume();
    res.on('end', () => settle(i, res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`));
  });
  req.on('error', (e) => settle(i, e.message));
  req.end();
}

function pump() {
  const now = performance.now();
  while (sent < total && dueAt(sent) <= now) {
    fire(sent++);
  }
  if (sent < total) {
    setTimeout(pump, Math.max(0, dueAt(sent) - performance.now()));
  }
}

function percentiles(from, to) {
  const sorted = Array.from(latencies.subarray(from, to)).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2);
  return { at, max: sorted[sorted.length - 1].toFixed(2) };
}

function report() {
  sampleSteal();
  const elapsed = (performance.now() - dueAt(warmup)) / 1000;
  const measured = total - warmup;
  if (warmup > 0) {
    const w = percentiles(0, warmup);
    console.log(`warm-up:        ${warmup} requests over ${warmupSeconds} s, not counted below: `
      + `p50 ${w.at(0.5)}, p99 ${w.at(0.99)}, max ${w.max} ms`);
  }
  const { at, max } = percentiles(warmup, total);
  console.log(`requests:       ${measured} due at ${rate}/s over ${seconds} s, answered in ${elapsed.toFixed(1)} s`);
  console.log(`requests/s:     ${(measured / elapsed).toFixed(0)}`);
  console.log(`latency p50:    ${at(0.5)} ms (from when each request was due)`);
  console.log(`latency p90:    ${at(0.9)} ms`);
  console.log(`latency p99:    ${at(0.99)} ms`);
  console.log(`latency p99.9:  ${at(0.999)} ms`);
  console.log(`latency max:    ${max} ms`);
  console.log(`client stalls:  event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
  console.log(`errors:         ${errors}${firstError ? ` (first: ${firstError})` : ''}`);
  console.log(`OPEN_LOOP requests_per_s=${(measured / elapsed).toFixed(0)} p50_ms=${at(0.5)} p90_ms=${at(0.9)} `
    + `p99_ms=${at(0.99)} p999_ms=${at(0.999)} max_ms=${max} errors=${errors}`);
  if (process.env.BENCH_TIMELINE) {
    console.log(`timeline:       s=0 is ${measuredFrom.toISOString()}`);
    // Per second of due time, warm-up included (negative seconds): where in the run the slow answers were.
    const perSecond = Math.round(rate);
    for (let from = 0; from < total; from += perSecond) {
      const to = Math.min(total, from + perSecond);
      const s = percentiles(from, to);
      const steal = stealDuring(dueAt(from), dueAt(to));
      console.log(`  s=${Math.round((from - warmup) / rate)} p50 ${s.at(0.5)} p99 ${s.at(0.99)} max ${s.max} ms`
        + `, ${serverCpu} steal ${Number.isNaN(steal) ? '?' : `${steal} ms`}`);
    }
  }
  clearInterval(stealTimer);
  agent.destroy();
  process.exitCode = errors > 0 ? 1 : 0;
}

sampleSteal();
const stealTimer = setInterval(sampleSteal, 250);
setTimeout(pump, 100);
