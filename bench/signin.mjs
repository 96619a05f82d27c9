// Signs fresh random wallets in to a Sigil environment the way Dynamic's client does (the interop suite's
// code: @dynamic-labs/sdk-api-core + ethers, from interop/node_modules) and prints one minifiedJwt per line.
//
//   SIGIL_URL=http://127.0.0.1:18080 node bench/signin.mjs <environmentId> [count]
import { newWallet, signIn } from '../interop/lib/sigil.mjs';

const environmentId = process.argv[2];
const count = Number.parseInt(process.argv[3] ?? '1', 10);
if (!process.env.SIGIL_URL || !environmentId || !(count >= 1)) {
  console.error('usage: SIGIL_URL=http://host:port node bench/signin.mjs <environmentId> [count]');
  process.exit(2);
}

try {
  for (let i = 0; i < count; i++) {
    const { value } = await signIn(newWallet(), environmentId, { operation: 'walletsSignin' });
    if (typeof value?.minifiedJwt !== 'string') throw new Error('the sign-in response has no minifiedJwt');
    process.stdout.write(`${value.minifiedJwt}\n`);
  }
} catch (error) {
  const detail = error instanceof Response ? `HTTP ${error.status}` : `${error.name}: ${error.message}`;
  console.error(`signin: ${detail}${error.status ? ` (status ${error.status}, code ${error.code})` : ''}`);
  process.exit(1);
}
