// Helpers that drive a running Sigil server the way Dynamic's JS client does: every SDK call goes through
// the published OpenAPI client `@dynamic-labs/sdk-api-core` (its SDKApi methods and its FromJSON/ToJSON
// model converters), with the headers and middleware that `@dynamic-labs-sdk/client` puts around it.
import { createECDH, webcrypto } from 'node:crypto';
import { Wallet } from 'ethers';
import {
  ChainEnum,
  Configuration,
  SDKApi,
  WalletProviderEnum,
  isDeviceNonceSignatureRequiredForUrl,
} from '@dynamic-labs/sdk-api-core';

export const SIGIL_URL = (process.env.SIGIL_URL ?? '').replace(/\/+$/, '');
export const ADMIN_TOKEN = process.env.SIGIL_ADMIN_TOKEN ?? '';
/** The app's origin: what a browser sends as `Origin`, and what the environment allows. */
export const APP_ORIGIN = 'http://localhost:3000';
export const API_BASE = `${SIGIL_URL}/api/v0`;
/** The SDK API version header value the client sends (`API/<sdk-api-core version>`). */
export const SDK_API_CORE_VERSION = '0.40.0';

export function assertConfigured() {
  if (!SIGIL_URL || !ADMIN_TOKEN) {
    throw new Error('set SIGIL_URL (e.g. http://127.0.0.1:18080) and SIGIL_ADMIN_TOKEN; or run interop/run.sh');
  }
}

/** `iss` is `<host[:port] of the server's public URL>/<environmentId>`, without a scheme. */
export function expectedIssuer(environmentId) {
  const host = process.env.SIGIL_PUBLIC_HOST || new URL(SIGIL_URL).host;
  return `${host}/${environmentId}`;
}

// ---------------------------------------------------------------------------------------------------
// Errors, as @dynamic-labs-sdk/client 1.27.1 builds them (APIError.fromResponse and
// createConvertToApiErrorMiddleware / createUnauthorizedMiddleware in its createBaseApiClient).

/** What the client throws when an error body is JSON with a string `error`. */
export class APIError extends Error {
  constructor(message, code, status, payload) {
    super(message);
    this.name = 'APIError';
    this.code = code;
    this.status = status;
    this.payload = payload;
  }

  static async fromResponse(response) {
    try {
      const body = await response.clone().json();
      if (body && 'error' in body && typeof body.error === 'string') {
        const code = typeof body.code === 'string' ? body.code : 'unknown_error';
        const payload = typeof body.payload === 'object' && body.payload !== null ? body.payload : undefined;
        return new APIError(body.error, code, response.status, payload);
      }
      return null;
    } catch {
      return null;
    }
  }
}

/** What the client throws for a 401 whose body it cannot read as `{"error": string}`: no status, no code. */
export class UnauthorizedError extends Error {
  constructor(cause) {
    super('Unauthorized', { cause });
    this.name = 'UnauthorizedError';
  }
}

const convertToApiErrorMiddleware = {
  post: async (context) => {
    if (context.response.status >= 400) {
      const apiError = await APIError.fromResponse(context.response);
      if (apiError) throw apiError;
    }
    return context.response;
  },
};

const unauthorizedMiddleware = {
  post: async (context) => {
    if (context.response.status === 401) throw new UnauthorizedError(null);
    return context.response;
  },
};

// ---------------------------------------------------------------------------------------------------
// Device-signature headers (header mode): on the paths sdk-api-core lists, the client pops a nonce from its
// pool (filled from GET /nonces?count=5) and signs it with a P-256 device key. Sigil may ignore them, but it
// must not choke on them, and they burn nonces exactly as they do against Dynamic.

function randomString(length) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = webcrypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

const toHex = (bytes) => Buffer.from(bytes).toString('hex');

export class DeviceSigner {
  static async create() {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const raw = new Uint8Array(await webcrypto.subtle.exportKey('raw', keys.publicKey)); // 0x04 || x || y
    const compressed = new Uint8Array(33);
    compressed[0] = raw[64] % 2 === 0 ? 0x02 : 0x03;
    compressed.set(raw.subarray(1, 33), 1);
    return new DeviceSigner(keys.privateKey, toHex(compressed));
  }

  constructor(privateKey, publicKeyHex) {
    this.privateKey = privateKey;
    this.publicKeyHex = publicKeyHex;
  }

  /** ECDSA P-256 / SHA-256 over the UTF-8 nonce, raw r||s (WebCrypto output), hex. */
  async sign(text) {
    const signature = await webcrypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' }, this.privateKey, new TextEncoder().encode(text));
    return toHex(new Uint8Array(signature));
  }
}

/** The client's nonce pool: refilled from GET /nonces?count=5 through the SDK client. */
export class NoncePool {
  constructor(environmentId) {
    this.environmentId = environmentId;
    this.nonces = [];
  }

  async take() {
    if (this.nonces.length === 0) {
      const { nonces } = await sdkApi().getNonces({ environmentId: this.environmentId, count: 5 });
      this.nonces.push(...nonces);
    }
    return this.nonces.shift();
  }
}

function deviceSignatureMiddleware(device) {
  return {
    pre: async (context) => {
      if (!isDeviceNonceSignatureRequiredForUrl(context.url)) return undefined;
      const nonce = await device.pool.take();
      return {
        url: context.url,
        init: {
          ...context.init,
          headers: {
            ...context.init.headers,
            'x-dynamic-device-nonce': nonce,
            'x-dynamic-device-publickey': device.signer.publicKeyHex,
            'x-dynamic-device-signed-nonce': await device.signer.sign(nonce),
          },
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The API client.

const sdkSessionId = randomString(32);
/** The client's session key: a compressed P-256 public key, hex, sent as `x-dyn-session-public-key`. */
const sessionPublicKey = (() => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return ecdh.getPublicKey('hex', 'compressed');
})();

/**
 * A fresh SDKApi, configured like @dynamic-labs-sdk/client's createBaseApiClient: base path `/api/v0`,
 * `Content-Type: application/json` on every call, the `x-dyn-*` headers, an explicit `Origin`, and the
 * error middleware. The bearer goes either in `headers.Authorization` (what the new client does) or
 * through the generated client's own `accessToken` hook (`tokenVia: 'accessToken'`).
 *
 * @param {object} [options]
 * @param {string} [options.token] bearer token (minifiedJwt or jwt)
 * @param {'header'|'accessToken'} [options.tokenVia]
 * @param {{signer: DeviceSigner, pool: NoncePool}} [options.device] add the device-signature headers
 * @param {Record<string,string>} [options.headers] extra headers
 * @param {boolean} [options.rawErrors] leave out the error middleware, so error responses are thrown raw
 */
export function sdkApi({ token, tokenVia = 'header', device, headers = {}, rawErrors = false } = {}) {
  const configuration = {
    basePath: API_BASE,
    headers: {
      'Content-Type': 'application/json',
      'x-dyn-api-version': `API/${SDK_API_CORE_VERSION}`,
      'x-dynamic-platform': 'web',
      'x-dyn-request-id': randomString(50),
      'x-dyn-session-id': sdkSessionId,
      'x-dyn-session-public-key': sessionPublicKey,
      'x-dyn-version': 'ClientSDK/1.27.1',
      Origin: APP_ORIGIN,
      ...headers,
    },
    fetchApi: fetch,
    middleware: [
      ...(device ? [deviceSignatureMiddleware(device)] : []),
      ...(rawErrors ? [] : [convertToApiErrorMiddleware, unauthorizedMiddleware]),
    ],
  };
  if (token && tokenVia === 'header') configuration.headers.Authorization = `Bearer ${token}`;
  if (token && tokenVia === 'accessToken') configuration.accessToken = token;
  return new SDKApi(new Configuration(configuration));
}

/**
 * Calls `fn` and returns what the client threw (APIError, UnauthorizedError or a raw Response), failing if
 * it did not throw.
 */
export async function rejection(fn) {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * Calls a generated `...Raw` method and returns the HTTP status, the raw JSON body and the client's mapped
 * value (the model's FromJSON).
 */
export async function callRaw(promise) {
  const apiResponse = await promise;
  const status = apiResponse.raw.status;
  const json = apiResponse.raw.status === 204 ? undefined : await apiResponse.raw.clone().json();
  const value = await apiResponse.value();
  return { status, headers: apiResponse.raw.headers, json, value };
}

/**
 * The wire keys the client would silently drop: every key of `json` (recursively) that does not survive
 * `toJSON(fromJSON(json))`. A key the client does not know is a wire-name mismatch (e.g. `walletName` where the
 * model reads `wallet_name`). Keys whose value is `null` are skipped: "unset" may be null or absent.
 */
export function keysTheClientDrops(json, fromJSON, toJSON) {
  const roundTrip = JSON.parse(JSON.stringify(toJSON(fromJSON(json))));
  const dropped = [];
  const walk = (a, b, path) => {
    if (Array.isArray(a)) {
      a.forEach((item, i) => walk(item, Array.isArray(b) ? b[i] : undefined, `${path}[${i}]`));
    } else if (a !== null && typeof a === 'object') {
      for (const [key, value] of Object.entries(a)) {
        if (value === null) continue;
        const child = path ? `${path}.${key}` : key;
        if (b === null || typeof b !== 'object' || !(key in b)) dropped.push(child);
        else walk(value, b[key], child);
      }
    }
  };
  walk(json, roundTrip, '');
  return dropped;
}

// ---------------------------------------------------------------------------------------------------
// Admin API (Sigil's own, not part of Dynamic's client).

export async function createEnvironment(body) {
  const response = await fetch(`${API_BASE}/admin/environments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

// ---------------------------------------------------------------------------------------------------
// Wallet sign-in, as the client does it.

/** The statement @dynamic-labs-sdk/client writes (createSignInMessageStatement), for app name `appName`. */
export function signInStatement(appName) {
  return `Welcome to ${appName}. Signing is the only way we can truly know that you are the owner of the wallet `
    + `you are connecting. Signing is a safe, gas-less transaction that does not in any way give ${appName} `
    + 'permission to perform any transactions with your wallet.';
}

/**
 * The EIP-4361 message of spec §"The message a wallet signs" / reference §5: domain = host of the app's
 * origin, URI = the origin with a trailing `/`, `Chain ID` for EVM, `Issued At` = toISOString(), and
 * `Request ID` = the environment id.
 */
export function signInMessage({ address, nonce, environmentId, origin = APP_ORIGIN, chainId = 1,
  issuedAt = new Date().toISOString(), appName = 'Interop' }) {
  const url = new URL(origin);
  return [
    `${url.host} wants you to sign in with your Ethereum account:`,
    address,
    '',
    signInStatement(appName),
    '',
    `URI: ${url.toString()}`,
    'Version: 1',
    `Chain ID: ${chainId}`,
    `Nonce: ${nonce}`,
    `Issued At: ${issuedAt}`,
    `Request ID: ${environmentId}`,
  ].join('\n');
}

/**
 * A VerifyRequest for `wallet` (an ethers Wallet) signing `messageToSign` with personal_sign (EIP-191), with
 * the fields @dynamic-labs-sdk/client's verifyMessageSignatureOwnership sends for an EVM browser wallet.
 */
export async function verifyRequestFor(wallet, messageToSign) {
  return {
    chain: ChainEnum.Evm,
    network: '1',
    messageToSign,
    signedMessage: await wallet.signMessage(messageToSign),
    publicWalletAddress: wallet.address,
    walletName: 'metamaskevm',
    walletProvider: WalletProviderEnum.BrowserExtension,
  };
}

/**
 * Signs `wallet` in: a fresh nonce from GET /nonce, the message, the signature, then `walletsSignin`
 * (POST /wallets/signin, the current client) or `verify` (POST /verify, older clients).
 * Returns { verifyRequest, status, json, value }.
 */
export async function signIn(wallet, environmentId, { operation = 'walletsSignin', device } = {}) {
  const { nonce } = await sdkApi().getNonce({ environmentId });
  const verifyRequest = await verifyRequestFor(wallet, signInMessage({ address: wallet.address, nonce, environmentId }));
  const result = await callRaw(sdkApi({ device })[`${operation}Raw`]({ environmentId, verifyRequest }));
  return { verifyRequest, nonce, ...result };
}

/** A fresh random EVM wallet (ethers v6), the kind a test or the benchmark signs in with. */
export function newWallet() {
  return Wallet.createRandom();
}

/** Same address as the client compares it for EVM: without `0x`, lowercase (normalizeAddress). */
export function sameEvmAddress(left, right) {
  const normalize = (a) => (a?.startsWith('0x') ? a.slice(2) : a)?.toLowerCase();
  return normalize(left) === normalize(right);
}
