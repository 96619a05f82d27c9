// Dynamic's published SDK API client (@dynamic-labs/sdk-api-core 0.40.0) against a running Sigil server.
// Needs SIGIL_URL and SIGIL_ADMIN_TOKEN; interop/run.sh starts a server and sets both.
//
// The tests run in order and share one environment, one wallet and the sessions it opens.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  HealthcheckResponseFromJSON,
  HealthcheckResponseToJSON,
  HealthcheckStatus,
  JwksResponseFromJSON,
  JwksResponseToJSON,
  JwtVerifiedCredentialFormatEnum,
  NonceResponseFromJSON,
  NonceResponseToJSON,
  NoncesResponseFromJSON,
  NoncesResponseToJSON,
  SdkUserFromJSON,
  SdkUserToJSON,
  VerifyResponseFromJSON,
  VerifyResponseToJSON,
} from '@dynamic-labs/sdk-api-core';
import { Wallet } from 'ethers';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import {
  APIError,
  APP_ORIGIN,
  API_BASE,
  DeviceSigner,
  NoncePool,
  SIGIL_URL,
  assertConfigured,
  callRaw,
  createEnvironment,
  expectedIssuer,
  keysTheClientDrops,
  rejection,
  sameEvmAddress,
  sdkApi,
  signIn,
  signInMessage,
  verifyRequestFor,
} from '../lib/sigil.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEFAULT_JWT_SECONDS = 2 * 60 * 60; // security.jwtDuration default: 2 hours
const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Everything the ordered tests hand to each other. A test stores what it got before asserting on it, so that
 * one wrong field does not take every later test down with it.
 */
const state = {
  environmentId: undefined,
  wallet: Wallet.createRandom(),
  device: undefined, // the client's device signer + nonce pool, for the paths sdk-api-core lists
  first: undefined, // { verifyRequest, nonce, status, json, value, vc } of the first sign-in (POST /wallets/signin)
  second: undefined, // the second sign-in (POST /verify)
  refreshed: undefined,
};

function need(value, what) {
  if (value === undefined) throw new Error(`needs ${what} from an earlier test, which failed`);
  return value;
}

function assertNothingDropped(json, fromJSON, toJSON, what) {
  assert.deepEqual(keysTheClientDrops(json, fromJSON, toJSON), [],
    `${what}: keys that @dynamic-labs/sdk-api-core does not know (wire-name mismatch?)`);
}

/** The wallet credential the client looks for after a wallet call (normalizeAddress: no 0x, lowercase). */
function walletCredential(user, address) {
  return user?.verifiedCredentials?.find((vc) => sameEvmAddress(vc.address ?? '', address));
}

/** Checks a VerifyResponse the way Dynamic's client consumes it, and returns its wallet credential. */
function assertVerifyResponse({ status, json, value }, { environmentId, wallet }) {
  assert.ok(status >= 200 && status < 300, `status ${status}`);
  assertNothingDropped(json, VerifyResponseFromJSON, VerifyResponseToJSON, 'VerifyResponse');

  assert.equal(typeof value.jwt, 'string', 'jwt');
  assert.equal(value.jwt.split('.').length, 3, 'jwt is a JWS');
  assert.equal(typeof value.minifiedJwt, 'string', 'minifiedJwt (without it the client logs the user out)');
  assert.equal(value.minifiedJwt.split('.').length, 3, 'minifiedJwt is a JWS');

  assert.ok(Number.isInteger(value.expiresAt), `expiresAt is an integer: ${value.expiresAt}`);
  assert.ok(value.expiresAt < 1e11, `expiresAt is in seconds, not milliseconds: ${value.expiresAt}`);
  const expected = nowSeconds() + DEFAULT_JWT_SECONDS;
  assert.ok(Math.abs(value.expiresAt - expected) <= 60,
    `expiresAt ${value.expiresAt} is about now + 2 h (${expected})`);

  const { user } = value;
  assert.match(user.id, UUID, 'user.id');
  assert.equal(user.projectEnvironmentId, environmentId, 'user.projectEnvironmentId');
  assert.ok(Array.isArray(user.verifiedCredentials), 'user.verifiedCredentials');
  const vc = walletCredential(user, wallet.address);
  assert.ok(vc, `user.verifiedCredentials holds ${wallet.address}: ${JSON.stringify(json.user.verifiedCredentials)}`);
  assert.match(vc.id, UUID, 'credential id');
  assert.equal(vc.format, JwtVerifiedCredentialFormatEnum.Blockchain, 'credential format');
  assert.equal(vc.chain, 'eip155', 'credential chain (the client throws on EVM)');
  assert.equal(vc.address, wallet.address, 'credential address in EIP-55 form');
  assert.equal(typeof vc.signInEnabled, 'boolean', 'credential signInEnabled');
  assert.equal(vc.walletName, 'metamaskevm', 'credential wallet_name');
  assert.equal(vc.walletProvider, 'browserExtension', 'credential wallet_provider');
  assert.ok(sameEvmAddress(vc.publicIdentifier, wallet.address), 'credential public_identifier');
  if (vc.verifiedAt !== undefined) assert.ok(!Number.isNaN(vc.verifiedAt.getTime()), 'credential verifiedAt');
  assert.equal(user.lastVerifiedCredentialId, vc.id, 'user.lastVerifiedCredentialId');
  assert.ok(user.scope?.split(' ').includes('user:basic'), `user.scope has user:basic: ${user.scope}`);
  for (const field of ['firstVisit', 'lastVisit']) {
    if (user[field] !== undefined) assert.ok(!Number.isNaN(user[field].getTime()), `user.${field} is ISO-8601`);
  }
  return vc;
}

const jwksFor = (environmentId) =>
  createRemoteJWKSet(new URL(`${API_BASE}/sdk/${environmentId}/.well-known/jwks`));

/** Verifies `token` as a customer backend does (RS256, JWKS, iss, aud) and checks the claims both tokens share. */
async function verifyToken(token, { environmentId, user, vc, expiresAt }) {
  const { payload, protectedHeader } = await jwtVerify(token, jwksFor(environmentId), {
    algorithms: ['RS256'],
    audience: APP_ORIGIN,
    issuer: expectedIssuer(environmentId),
  });
  assert.equal(protectedHeader.alg, 'RS256');
  assert.equal(typeof protectedHeader.kid, 'string', 'header kid');
  assert.equal(payload.kid, protectedHeader.kid, 'payload kid equals header kid');
  assert.equal(payload.sub, user.id, 'sub is the user id');
  assert.match(payload.sid, UUID, 'sid');
  if (user.sessionId !== undefined) assert.equal(user.sessionId, payload.sid, 'user.sessionId is the sid');
  assert.equal(payload.environment_id, environmentId, 'environment_id');
  assert.ok(payload.scope?.split(' ').includes('user:basic'), `scope has user:basic: ${payload.scope}`);
  assert.equal(payload.last_verified_credential_id, vc.id, 'last_verified_credential_id');
  assert.equal(typeof payload.refreshExp, 'number', 'refreshExp');
  assert.ok(payload.refreshExp >= payload.exp, 'refreshExp is not before exp');
  assert.equal(payload.exp, expiresAt, 'exp equals the response expiresAt');
  assert.ok(payload.iat <= nowSeconds() + 5, 'iat is not in the future');
  assert.equal(typeof payload.verifiedCredentialsHashes, 'object', 'verifiedCredentialsHashes');
  assert.equal(typeof payload.verifiedCredentialsHashes.blockchain, 'string', 'verifiedCredentialsHashes.blockchain');
  return { payload, protectedHeader };
}

/** Verifies both tokens of a VerifyResponse; returns the minified token's claims. */
async function verifyBothTokens(value, { environmentId, vc }) {
  const context = { environmentId, user: value.user, vc, expiresAt: value.expiresAt };
  const minified = await verifyToken(value.minifiedJwt, context);
  const full = await verifyToken(value.jwt, context);
  assert.equal(full.payload.sid, minified.payload.sid, 'both tokens name the same session');
  assert.equal(full.payload.kid, minified.payload.kid, 'both tokens are signed with the same key');
  assert.equal(minified.payload.verified_credentials, undefined, 'minifiedJwt carries no verified_credentials');

  const fullVc = full.payload.verified_credentials?.find((c) => sameEvmAddress(c.address, state.wallet.address));
  assert.ok(fullVc, `jwt verified_credentials holds the wallet: ${JSON.stringify(full.payload.verified_credentials)}`);
  assert.equal(fullVc.id, vc.id);
  assert.equal(fullVc.chain, 'eip155');
  assert.equal(fullVc.format, 'blockchain');
  assert.equal(fullVc.wallet_name, 'metamaskevm');
  assert.equal(fullVc.wallet_provider, 'browserExtension');
  assert.ok(Array.isArray(full.payload.missing_fields), 'jwt missing_fields is an array');
  return minified.payload;
}

function assertApiError(error, status, what) {
  assert.ok(error instanceof APIError,
    `${what}: the client's error middleware needs a JSON body with a string "error"; got ${describeError(error)}`);
  assert.equal(error.status, status, `${what}: status`);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0, `${what}: error message is not empty`);
}

function describeError(error) {
  if (error instanceof Response) return `raw Response ${error.status}`;
  return `${error?.name}: ${error?.message}`;
}

describe("Dynamic's SDK API client against Sigil", { concurrency: false }, () => {
  before(() => assertConfigured());

  it('a. the admin API creates an environment', async () => {
    const response = await createEnvironment({ name: 'interop', allowedOrigins: [APP_ORIGIN] });
    assert.equal(response.status, 201, `POST /admin/environments: ${response.status} ${response.text}`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(typeof response.json?.id, 'string');
    assert.equal(response.json.id.length, 36);
    assert.match(response.json.id, UUID, 'lowercase UUID (the client matches /sdk/[0-9a-f-]{36}/)');
    assert.equal(response.json.name, 'interop');
    assert.deepEqual(response.json.allowedOrigins, [APP_ORIGIN]);
    state.environmentId = response.json.id;
    state.device = { signer: await DeviceSigner.create(), pool: new NoncePool(state.environmentId) };
  });

  it('b1. GET /nonce and GET /nonces?count=5 hand out nonces', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const one = await callRaw(sdkApi().getNonceRaw({ environmentId }));
    assertNothingDropped(one.json, NonceResponseFromJSON, NonceResponseToJSON, 'NonceResponse');
    assert.match(one.value.nonce, /^[A-Za-z0-9]{32}$/, `nonce: ${one.value.nonce}`);

    const five = await callRaw(sdkApi().getNoncesRaw({ environmentId, count: 5 }));
    assertNothingDropped(five.json, NoncesResponseFromJSON, NoncesResponseToJSON, 'NoncesResponse');
    assert.equal(five.value.nonces.length, 5);
    for (const nonce of five.value.nonces) assert.match(nonce, /^[A-Za-z0-9]{32}$/);
    assert.equal(new Set([one.value.nonce, ...five.value.nonces]).size, 6, 'every nonce is new');

    // At most 5 per call; anything else is a bad request, answered in the client's error shape.
    const tooMany = await rejection(() => sdkApi().getNonces({ environmentId, count: 6 }));
    assert.ok(tooMany instanceof APIError, `count=6: expected an APIError, got ${describeError(tooMany)}`);
    assert.equal(tooMany.status, 400, 'count=6');
  });

  it('b2. wallet sign-in through POST /wallets/signin (the current client)', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const result = await signIn(state.wallet, environmentId, { operation: 'walletsSignin' });
    state.first = { ...result, vc: walletCredential(result.value?.user, state.wallet.address) };
    assertVerifyResponse(result, { environmentId, wallet: state.wallet });
    assert.equal(result.value.user.newUser, true, 'newUser is true in the response that created the user');
  });

  it('b3. wallet sign-in through POST /verify (older clients) opens a second session for the same user', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const first = need(state.first, 'the first sign-in');
    // /verify is on sdk-api-core's device-signature list, so the client adds the x-dynamic-device-* headers.
    const result = await signIn(state.wallet, environmentId, { operation: 'verify', device: state.device });
    state.second = { ...result, vc: walletCredential(result.value?.user, state.wallet.address) };
    const vc = assertVerifyResponse(result, { environmentId, wallet: state.wallet });
    assert.equal(result.value.user.id, first.value.user.id, 'same wallet, same user');
    assert.equal(result.value.user.newUser, false, 'newUser is false for a returning user');
    assert.equal(vc.id, first.vc?.id, 'same credential');
  });

  it('c. both tokens verify through the JWKS (RS256, iss without scheme, aud = Origin)', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const first = need(state.first, 'the first sign-in');
    const second = need(state.second, 'the second sign-in');
    need(first.vc, "the first sign-in's wallet credential");
    need(second.vc, "the second sign-in's wallet credential");
    const firstClaims = await verifyBothTokens(first.value, { environmentId, vc: first.vc });
    const secondClaims = await verifyBothTokens(second.value, { environmentId, vc: second.vc });
    assert.notEqual(firstClaims.sid, secondClaims.sid, 'each sign-in opens its own session');
    assert.equal(firstClaims.signin_credential_id, first.vc.id, 'signin_credential_id');

    const jwks = await callRaw(sdkApi().getJwksByEnvironmentIdRaw({ environmentId }));
    const jwksJson = await callRaw(sdkApi().getJwksJsonByEnvironmentIdRaw({ environmentId }));
    assertNothingDropped(jwks.json, JwksResponseFromJSON, JwksResponseToJSON, 'JwksResponse');
    assert.deepEqual(jwksJson.json, jwks.json, '.well-known/jwks.json serves the same keys as .well-known/jwks');
    assert.ok(jwks.value.keys.length >= 1);
    for (const key of jwks.value.keys) {
      assert.equal(key.kty, 'RSA');
      assert.equal(key.alg, 'RS256');
      assert.equal(key.use, 'sig');
      assert.equal(typeof key.kid, 'string');
      assert.match(key.n, /^[A-Za-z0-9_-]+$/, 'n is base64url');
      assert.match(key.e, /^[A-Za-z0-9_-]+$/, 'e is base64url');
    }
    for (const raw of jwks.json.keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(raw[secret], undefined, `JWKS leaks ${secret}`);
    }
    assert.ok(jwks.value.keys.some((key) => key.kid === firstClaims.kid), 'the signing kid is in the JWKS');
  });

  it('d1. POST /refresh with the minifiedJwt as bearer returns fresh tokens for the same session', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const first = need(state.first, 'the first sign-in');
    const original = decodeJwt(first.value.minifiedJwt); // verified in test c
    await sleep(1100); // so that the fresh tokens have a later iat
    // The new client puts the bearer in headers.Authorization; /refresh also gets the device headers.
    const api = sdkApi({ token: first.value.minifiedJwt, device: state.device });
    const result = await callRaw(api.refreshAuthRaw({ environmentId }));
    state.refreshed = result;
    const vc = assertVerifyResponse(result, { environmentId, wallet: state.wallet });
    assert.equal(result.value.user.id, first.value.user.id, 'same user');
    assert.notEqual(result.value.user.newUser, true, 'newUser is not true on refresh');
    assert.notEqual(result.value.minifiedJwt, first.value.minifiedJwt, 'a fresh minifiedJwt');
    const claims = await verifyBothTokens(result.value, { environmentId, vc });
    assert.equal(claims.sid, original.sid, 'refresh keeps sid');
    assert.equal(claims.signin_credential_id, original.signin_credential_id, 'refresh keeps signin_credential_id');
    assert.ok(claims.iat > original.iat, 'a later iat');
    assert.equal(claims.refreshExp, original.refreshExp, 'refreshExp is the session end, fixed at sign-in');
  });

  it('d2. POST /refresh also takes the full jwt as bearer (through the generated accessToken hook)', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const first = need(state.first, 'the first sign-in');
    const original = decodeJwt(first.value.minifiedJwt);
    const api = sdkApi({ token: first.value.jwt, tokenVia: 'accessToken', device: state.device });
    const result = await callRaw(api.refreshAuthRaw({ environmentId }));
    const vc = assertVerifyResponse(result, { environmentId, wallet: state.wallet });
    const claims = await verifyBothTokens(result.value, { environmentId, vc });
    assert.equal(claims.sid, original.sid, 'refresh keeps sid');
    assert.equal(result.value.user.id, first.value.user.id);
  });

  it('d3. GET /users returns the signed-in SdkUser', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const first = need(state.first, 'the first sign-in');
    for (const [token, tokenVia] of [[first.value.minifiedJwt, 'header'], [first.value.jwt, 'accessToken']]) {
      const result = await callRaw(sdkApi({ token, tokenVia }).getAuthenticatedUserRaw({ environmentId }));
      assert.equal(result.status, 200);
      assertNothingDropped(result.json, SdkUserFromJSON, SdkUserToJSON, 'SdkUser');
      const user = result.value;
      assert.equal(user.id, first.value.user.id);
      assert.equal(user.projectEnvironmentId, environmentId);
      const vc = walletCredential(user, state.wallet.address);
      assert.ok(vc, 'the wallet credential');
      assert.equal(vc.chain, 'eip155');
      assert.equal(vc.format, 'blockchain');
      assert.equal(vc.id, first.vc?.id);
    }
  });

  it('d4. GET /session answers 204 while the session is live', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const first = need(state.first, 'the first sign-in');
    for (const [token, tokenVia] of [[first.value.minifiedJwt, 'header'], [first.value.jwt, 'accessToken']]) {
      const response = await sdkApi({ token, tokenVia }).sessionCheckRaw({ environmentId });
      assert.equal(response.raw.status, 204, `GET /session with ${tokenVia === 'header' ? 'minifiedJwt' : 'jwt'}`);
    }
  });

  it('e1. signing in again with the same wallet finds the same user', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const first = need(state.first, 'the first sign-in');
    const result = await signIn(state.wallet, environmentId, { operation: 'walletsSignin' });
    assertVerifyResponse(result, { environmentId, wallet: state.wallet });
    assert.equal(result.value.user.id, first.value.user.id, 'same user id');
    assert.equal(result.value.user.newUser, false, 'newUser is false');
  });

  it('e2. a used nonce is refused with a 4xx and a JSON string "error"', async (t) => {
    const environmentId = need(state.environmentId, 'the environment');
    const first = need(state.first, 'the first sign-in');

    // The very request that succeeded in b2, replayed.
    const replay = await rejection(() =>
      sdkApi().walletsSignin({ environmentId, verifyRequest: first.verifyRequest }));
    assert.ok(replay instanceof APIError, `replay: expected an APIError, got ${describeError(replay)}`);
    assert.ok(replay.status >= 400 && replay.status < 500, `replay: status ${replay.status}`);
    t.diagnostic(`replayed request: ${replay.status} ${JSON.stringify({ error: replay.message, code: replay.code })}`);
    if (replay.status === 422) assert.notEqual(replay.code, 'unknown_error', 'a 422 carries a code');

    // A new message, freshly signed, that names the burnt nonce.
    const message = signInMessage({ address: state.wallet.address, nonce: first.nonce, environmentId });
    const resigned = await rejection(async () =>
      sdkApi().walletsSignin({ environmentId, verifyRequest: await verifyRequestFor(state.wallet, message) }));
    assert.ok(resigned instanceof APIError, `re-signed: expected an APIError, got ${describeError(resigned)}`);
    assert.ok(resigned.status >= 400 && resigned.status < 500, `re-signed: status ${resigned.status}`);
  });

  it('f. POST /revoke ends the session: refresh and GET /session then answer 401 {"error"}', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const first = need(state.first, 'the first sign-in');
    const second = need(state.second, 'the second sign-in');
    const token = need(state.refreshed, 'the refreshed tokens').value.minifiedJwt;

    const revoked = await sdkApi({ token, headers: { 'x-dyn-logout-reason': 'user-intent' } })
      .revokeSessionRaw({ environmentId });
    assert.equal(revoked.raw.status, 204, 'POST /revoke');

    // Every token of that session is dead: the one revoked, and the earlier ones of the same sid.
    for (const [label, bearer] of [['revoked minifiedJwt', token], ['same-session minifiedJwt', first.value.minifiedJwt],
      ['same-session jwt', first.value.jwt]]) {
      const refresh = await rejection(() => sdkApi({ token: bearer, device: state.device }).refreshAuth({ environmentId }));
      assertApiError(refresh, 401, `POST /refresh with the ${label}`);
    }
    const session = await rejection(() => sdkApi({ token }).sessionCheck({ environmentId }));
    assertApiError(session, 401, 'GET /session after revoke');
    const user = await rejection(() => sdkApi({ token }).getAuthenticatedUser({ environmentId }));
    assertApiError(user, 401, 'GET /users after revoke');

    // The other session of the same user is untouched.
    const other = await sdkApi({ token: second.value.minifiedJwt }).sessionCheckRaw({ environmentId });
    assert.equal(other.raw.status, 204, 'the other session is still live');
  });

  it('f2. bearer endpoints without a usable token answer 401 {"error"}', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    assertApiError(await rejection(() => sdkApi().sessionCheck({ environmentId })), 401, 'GET /session without a token');
    assertApiError(await rejection(() => sdkApi().refreshAuth({ environmentId })), 401, 'POST /refresh without a token');
    assertApiError(await rejection(() => sdkApi({ token: 'not-a-jwt' }).refreshAuth({ environmentId })), 401,
      'POST /refresh with a malformed token');
    // A well-formed token signed by someone else.
    const forged = state.second ? `${state.second.value.minifiedJwt.split('.').slice(0, 2).join('.')}.${'A'.repeat(342)}` : 'x.y.z';
    assertApiError(await rejection(() => sdkApi({ token: forged }).getAuthenticatedUser({ environmentId })), 401,
      'GET /users with a bad signature');
  });

  it('g. GET /healthcheck answers {"status": "healthy"}', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const result = await callRaw(sdkApi().getHealthcheckRaw({ environmentId }));
    assert.equal(result.status, 200);
    assertNothingDropped(result.json, HealthcheckResponseFromJSON, HealthcheckResponseToJSON, 'HealthcheckResponse');
    assert.deepEqual(result.json, { status: 'healthy' });
    assert.equal(result.value.status, HealthcheckStatus.Healthy);
  });

  it('h. an unknown environment is 404 {"error", "code"}', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const error = await rejection(() => sdkApi().getNonce({ environmentId: unknown }));
    assertApiError(error, 404, 'GET /nonce of an unknown environment');
    assert.notEqual(error.code, 'unknown_error', '404 carries a code');
  });

  it("i. CORS preflight admits the headers Dynamic's client sends", async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const requested = [
      'authorization', 'content-type', 'x-dyn-api-version', 'x-dyn-version', 'x-dynamic-platform',
      'x-dyn-request-id', 'x-dyn-session-id', 'x-dyn-session-public-key', 'x-dynamic-device-nonce',
      'x-dynamic-device-publickey', 'x-dynamic-device-signed-nonce', 'x-mfa-auth-token',
      'x-dyn-elevated-access-token',
    ];
    const response = await fetch(`${API_BASE}/sdk/${environmentId}/refresh`, {
      method: 'OPTIONS',
      headers: {
        Origin: APP_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': requested.join(','),
      },
    });
    assert.ok(response.status >= 200 && response.status < 300, `OPTIONS status ${response.status}`);
    assert.equal(response.headers.get('access-control-allow-origin'), APP_ORIGIN);
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    if (!allowed.includes('*')) {
      assert.deepEqual(requested.filter((h) => !allowed.includes(h)), [], 'headers the preflight does not allow');
    }
    const methods = (response.headers.get('access-control-allow-methods') ?? '').toUpperCase();
    assert.ok(methods.includes('POST') || methods.includes('*'), `allow-methods: ${methods}`);
  });

  // Not in the brief of this suite's first version, and not built in Sigil yet: Dynamic's headless client
  // fetches the project settings at start-up and refuses to sign anything without them (it asserts
  // `projectSettings` before building the device-signature headers). A todo test reports without failing.
  it('j. GET /settings returns ProjectSettings the client can read', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const result = await callRaw(sdkApi().getEnvironmentSettingsRaw({ environmentId, sdkVersion: '1.27.1' }));
    assert.equal(result.status, 200);
    const settings = result.value; // ProjectSettingsFromJSON throws if a required section is missing
    for (const section of ['chains', 'kyc', 'design', 'general', 'privacy', 'sdk', 'security']) {
      assert.ok(settings[section] !== undefined, `settings.${section}`);
    }
    assert.ok(settings.security.auth?.storage?.includes('localstorage'), 'security.auth.storage');
    assert.deepEqual(settings.security.jwtDuration, { amount: 2, unit: 'hours' }, 'security.jwtDuration');
  });
});

// Fail fast with a clear message when the suite is run without a server.
if (!SIGIL_URL) console.error('interop: SIGIL_URL is not set; run interop/run.sh from the repository root');
