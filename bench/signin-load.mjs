// Sign-in load: WORKERS concurrent clients sign in for SECONDS, the way Dynamic's client does (the interop
// suite's code: @dynamic-labs/sdk-api-core + ethers), and report throughput and latency.
//
//   SIGIL_URL=… node bench/signin-load.mjs wallet <environmentId> [seconds] [workers]
//   SIGIL_URL=… SIGIL_DEV_LOG=<server log> node bench/signin-load.mjs email <environmentId> [seconds] [workers]
//
// wallet: GET /nonce, sign the message (EIP-191, in this process), POST /wallets/signin: a new user each time.
// email:  POST /emailVerifications/create, read the code from the console line `sigil dev` prints (its log file,
//         SIGIL_DEV_LOG; the dev outbox endpoint would be polled far past the operator token's rate limit), POST
//         /emailVerifications/signin: a new user each time. Latency is reported per server call; the client's
//         own work (signing, reading the log) is excluded from it but bounds the throughput.
import { openSync, readSync } from 'node:fs';
import { API_BASE, APP_ORIGIN, SIGIL_URL, newWallet, signInMessage, verifyRequestFor } from '../interop/lib/sigil.mjs';

const [mode, environmentId] = process.argv.slice(2, 4);
const seconds = Number(process.argv[4] ?? 30);
const workers = Number(process.argv[5] ?? 16);
const devLog = process.env.SIGIL_DEV_LOG;
if (!SIGIL_URL || !environmentId || !['wallet', 'email'].includes(mode) || (mode === 'email' && !devLog)) {
  console.error('usage: SIGIL_URL=… [SIGIL_DEV_LOG=…] node bench/signin-load.mjs wallet|email <environmentId> [seconds] [workers]');
  process.exit(2);
}
const sdk = `${API_BASE}/sdk/${environmentId}`;
const latencies = {};
let signIns = 0;
let errors = 0;
let firstError = null;

async function call(name, url, { method = 'GET', body, headers = {} } = {}) {
  const start = performance.now();
  const response = await fetch(url, {
    method,
    headers: { Origin: APP_ORIGIN, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  (latencies[name] ??= []).push(performance.now() - start);
  if (response.status >= 300) throw new Error(`${name} answered ${response.status} ${text.slice(0, 160)}`);
  return text ? JSON.parse(text) : null;
}

async function walletSignIn() {
  const wallet = newWallet();
  const { nonce } = await call('nonce', `${sdk}/nonce`);
  const verifyRequest = await verifyRequestFor(wallet, signInMessage({ address: wallet.address, nonce, environmentId }));
  const signedIn = await call('wallets/signin', `${sdk}/wallets/signin`, { method: 'POST', body: verifyRequest });
  if (typeof signedIn.minifiedJwt !== 'string') throw new Error('no token');
}

// Codes as `sigil dev` prints them: "[sigil dev] email code for <address> (environment <id>): <code>".
const codes = new Map();
const CODE_LINE = /\[sigil dev\] email code for (\S+) \(environment [^)]+\): (\d+)/g;
let logFd;
let logOffset = 0;
let logRest = '';
function readNewLogLines() {
  logFd ??= openSync(devLog, 'r');
  const buffer = Buffer.alloc(1 << 20);
  for (let n; (n = readSync(logFd, buffer, 0, buffer.length, logOffset)) > 0;) {
    logOffset += n;
    const text = logRest + buffer.toString('utf8', 0, n);
    const cut = text.lastIndexOf('\n') + 1;
    logRest = text.slice(cut);
    for (const [, address, code] of text.slice(0, cut).matchAll(CODE_LINE)) codes.set(address, code);
  }
}

async function codeFor(email) {
  for (let attempt = 0; attempt < 2000; attempt++) {
    readNewLogLines();
    const code = codes.get(email);
    if (code) {
      codes.delete(email);
      return code;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`no code for ${email} in ${devLog}`);
}

let counter = 0;
async function emailSignIn() {
  const email = `load-${process.pid}-${counter++}-${Date.now()}@example.com`;
  const { verificationUUID } = await call('emailVerifications/create', `${sdk}/emailVerifications/create`,
    { method: 'POST', body: { email } });
  const code = await codeFor(email);
  const signedIn = await call('emailVerifications/signin', `${sdk}/emailVerifications/signin`,
    { method: 'POST', body: { verificationUUID, verificationToken: code } });
  if (typeof signedIn.minifiedJwt !== 'string') throw new Error('no token');
}

async function worker(deadline) {
  while (Date.now() < deadline) {
    try {
      await (mode === 'wallet' ? walletSignIn() : emailSignIn());
      signIns += 1;
    } catch (error) {
      errors += 1;
      firstError ??= error.message;
    }
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const started = performance.now();
await Promise.all(Array.from({ length: workers }, () => worker(Date.now() + seconds * 1000)));
const elapsed = (performance.now() - started) / 1000;
console.log(`---- ${mode} sign-in load: ${workers} clients, ${elapsed.toFixed(1)} s ----`);
console.log(`sign-ins/s:     ${(signIns / elapsed).toFixed(0)} (${signIns} sign-ins, ${errors} errors)`);
for (const [name, values] of Object.entries(latencies)) {
  const sorted = values.sort((a, b) => a - b);
  console.log(`${name.padEnd(28)} p50 ${percentile(sorted, 50).toFixed(2)} ms  p90 ${percentile(sorted, 90).toFixed(2)} ms  p99 ${percentile(sorted, 99).toFixed(2)} ms`);
}
if (firstError) console.log(`first error: ${firstError}`);
console.log(`SIGNIN mode=${mode} signins_per_s=${(signIns / elapsed).toFixed(0)} signins=${signIns} errors=${errors}`);
process.exit(errors === 0 ? 0 : 1);
