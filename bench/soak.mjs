// Soak load: mixed sign-in / refresh / profile-update traffic against a running Sigil for a fixed time,
// through the interop suite's client code (Dynamic's @dynamic-labs/sdk-api-core + ethers). Prints one line per
// interval: requests and errors by kind, latency percentiles, and the server's heap and RSS (from /metrics and
// /proc), so a leak or a slowdown shows as a trend. Exits 1 if any request failed.
//
//   SIGIL_URL=http://127.0.0.1:18080 node bench/soak.mjs <environmentId> <serverPid> [minutes] [workers]
import { readFileSync } from 'node:fs';
import { APP_ORIGIN, API_BASE, SIGIL_URL, newWallet, signIn } from '../interop/lib/sigil.mjs';

const [environmentId, serverPid] = process.argv.slice(2, 4);
const minutes = Number(process.argv[4] ?? 10);
const workers = Number(process.argv[5] ?? 16);
const intervalMs = Number(process.env.SOAK_INTERVAL_MS ?? 60_000);
if (!SIGIL_URL || !environmentId || !serverPid) {
  console.error('usage: SIGIL_URL=… node bench/soak.mjs <environmentId> <serverPid> [minutes] [workers]');
  process.exit(2);
}
const sdk = `${API_BASE}/sdk/${environmentId}`;

let window = newWindow();
const totals = { requests: 0, errors: 0 };
function newWindow() {
  return { signin: [], refresh: [], profile: [], errors: { signin: 0, refresh: 0, profile: 0 }, firstError: null };
}

async function timed(kind, fn) {
  const start = performance.now();
  try {
    await fn();
    window[kind].push(performance.now() - start);
  } catch (error) {
    window.errors[kind] += 1;
    window.firstError ??= `${kind}: ${error.message}`;
  }
}

async function post(path, token, method = 'POST', body = undefined) {
  const response = await fetch(`${sdk}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, Origin: APP_ORIGIN, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status} ${text.slice(0, 120)}`);
  return JSON.parse(text);
}

// One worker: a user signs in, refreshes a few times, updates the profile once, and so on: per user about
// 1 sign-in : 7 refreshes : 1 profile update, the mix of a live app.
async function worker(deadline) {
  while (Date.now() < deadline) {
    let token;
    await timed('signin', async () => {
      const { value } = await signIn(newWallet(), environmentId, { operation: 'walletsSignin' });
      if (typeof value?.minifiedJwt !== 'string') throw new Error('sign-in answered no token');
      token = value.minifiedJwt;
    });
    if (!token) continue;
    for (let i = 0; i < 7 && Date.now() < deadline; i++) {
      await timed('refresh', async () => { token = (await post('/refresh', token)).minifiedJwt; });
    }
    await timed('profile', () => post('/users', token, 'PUT', { firstName: 'Soak', metadata: { n: Date.now() } }));
  }
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function serverMemory() {
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${serverPid}/status`, 'utf8'))?.[1];
  const metrics = await (await fetch(`${SIGIL_URL}/metrics`)).text();
  const heap = metrics.split('\n').filter((l) => l.startsWith('jvm_memory_used_bytes{') && l.includes('area="heap"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  // Heap used swings with every collection; the live data after the last old-generation GC is the leak signal.
  const live = metrics.split('\n').find((l) => l.startsWith('jvm_gc_live_data_size_bytes'));
  return { rssMiB: Number(rss) / 1024, heapMiB: heap / 1048576, liveMiB: live ? Number(live.split(' ').pop()) / 1048576 : NaN };
}

function report(minute) {
  const w = window;
  window = newWindow();
  const parts = [];
  for (const kind of ['signin', 'refresh', 'profile']) {
    const sorted = w[kind].slice().sort((a, b) => a - b);
    totals.requests += sorted.length + w.errors[kind];
    totals.errors += w.errors[kind];
    parts.push(`${kind} ${sorted.length} err ${w.errors[kind]} p50 ${percentile(sorted, 50).toFixed(1)} p99 ${percentile(sorted, 99).toFixed(1)} ms`);
  }
  return serverMemory().then(({ rssMiB, heapMiB, liveMiB }) => {
    console.log(`t=${String(minute).padStart(2)}  ${parts.join(' | ')} | heap ${heapMiB.toFixed(0)} live ${liveMiB.toFixed(0)} rss ${rssMiB.toFixed(0)} MiB`);
    if (w.firstError) console.log(`      first error: ${w.firstError}`);
  });
}

const deadline = Date.now() + minutes * 60_000;
console.log(`soak: ${workers} workers for ${minutes} min against ${sdk}`);
let tick = 0;
const timer = setInterval(() => { tick += 1; report(tick); }, intervalMs);
await Promise.all(Array.from({ length: workers }, () => worker(deadline)));
clearInterval(timer);
await report('end');
console.log(`SOAK requests=${totals.requests} errors=${totals.errors}`);
process.exit(totals.errors === 0 ? 0 : 1);
