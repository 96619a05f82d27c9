// More ways in, through Dynamic's published client (@dynamic-labs/sdk-api-core 0.40.0): a Solana wallet signs in
// (tweetnacl ed25519 key, bs58 address and signature, as Phantom's signMessage hands them over), links a second,
// EVM wallet (ethers), unlinks it with `walletId` as the current client does, and refreshes.
// Needs SIGIL_URL and SIGIL_ADMIN_TOKEN; interop/run.sh starts a server and sets both.
//
// The tests run in order and share one environment, one user and its session.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  ChainEnum,
  SdkUserFromJSON,
  SdkUserToJSON,
  VerifyResponseFromJSON,
  VerifyResponseToJSON,
  WalletProviderEnum,
} from '@dynamic-labs/sdk-api-core';
import bs58 from 'bs58';
import { Wallet } from 'ethers';
import { decodeJwt } from 'jose';
import nacl from 'tweetnacl';
import {
  APIError,
  APP_ORIGIN,
  assertConfigured,
  callRaw,
  createEnvironment,
  keysTheClientDrops,
  rejection,
  sameEvmAddress,
  sdkApi,
  signInMessage,
  signInStatement,
  verifyRequestFor,
} from '../lib/sigil.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const state = {
  environmentId: undefined,
  solana: nacl.sign.keyPair(),
  evm: Wallet.createRandom(),
  signedIn: undefined, // { json, value } of the Solana sign-in
  linked: undefined, // the link of the EVM wallet
  unlinked: undefined,
};
const solanaAddress = () => bs58.encode(state.solana.publicKey);

function need(value, what) {
  if (value === undefined) throw new Error(`needs ${what} from an earlier test, which failed`);
  return value;
}

/** The Solana variant of the client's message (reference §5): "Solana account" and no Chain ID line. */
function solanaMessage({ address, nonce, environmentId, origin = APP_ORIGIN, issuedAt = new Date().toISOString() }) {
  const url = new URL(origin);
  return [
    `${url.host} wants you to sign in with your Solana account:`,
    address,
    '',
    signInStatement('Interop'),
    '',
    `URI: ${url.toString()}`,
    'Version: 1',
    `Nonce: ${nonce}`,
    `Issued At: ${issuedAt}`,
    `Request ID: ${environmentId}`,
  ].join('\n');
}

/** What the client sends for Phantom: the detached ed25519 signature of the UTF-8 message, base58. */
function solanaVerifyRequest(messageToSign) {
  const signature = nacl.sign.detached(new TextEncoder().encode(messageToSign), state.solana.secretKey);
  return {
    chain: ChainEnum.Sol,
    messageToSign,
    signedMessage: bs58.encode(signature),
    publicWalletAddress: solanaAddress(),
    walletName: 'phantomsol',
    walletProvider: WalletProviderEnum.BrowserExtension,
  };
}

function assertNothingDropped(json, what) {
  assert.deepEqual(keysTheClientDrops(json, VerifyResponseFromJSON, VerifyResponseToJSON), [],
    `${what}: keys that @dynamic-labs/sdk-api-core does not know (wire-name mismatch?)`);
}

/** The client's lookup after a wallet call: Solana addresses compare exactly, EVM ones without 0x and case. */
function credential(user, address, chain) {
  return user.verifiedCredentials.find((vc) => vc.chain === chain
    && (chain === 'eip155' ? sameEvmAddress(vc.address, address) : vc.address === address));
}

describe('wallets: Solana sign-in, link, unlink through @dynamic-labs/sdk-api-core', () => {
  before(async () => {
    assertConfigured();
    const created = await createEnvironment({ name: 'interop-wallets', allowedOrigins: [APP_ORIGIN] });
    assert.equal(created.status, 201, created.text);
    state.environmentId = created.json.id;
  });

  it('k1: a Solana wallet signs in through walletsSignin; the credential is chain solana, base58 address', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const { nonce } = await sdkApi().getNonce({ environmentId });
    const verifyRequest = solanaVerifyRequest(solanaMessage({ address: solanaAddress(), nonce, environmentId }));
    const result = await callRaw(sdkApi().walletsSigninRaw({ environmentId, verifyRequest }));
    state.signedIn = result;

    assert.equal(result.status, 200);
    assertNothingDropped(result.json, 'VerifyResponse');
    const { user } = result.value;
    assert.equal(user.newUser, true);
    const vc = credential(user, solanaAddress(), 'solana');
    assert.ok(vc, `verifiedCredentials holds ${solanaAddress()}: ${JSON.stringify(result.json.user.verifiedCredentials)}`);
    assert.equal(vc.publicIdentifier, solanaAddress());
    assert.equal(vc.walletName, 'phantomsol');
    assert.equal(user.lastVerifiedCredentialId, vc.id);
    assert.equal(decodeJwt(result.value.minifiedJwt).signin_credential_id, vc.id);
  });

  it('k2: a hex signature from the same key signs in the same user (verify, older clients)', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const userId = need(state.signedIn, 'the sign-in').value.user.id;
    const { nonce } = await sdkApi().getNonce({ environmentId });
    const verifyRequest = solanaVerifyRequest(solanaMessage({ address: solanaAddress(), nonce, environmentId }));
    verifyRequest.signedMessage = Buffer.from(bs58.decode(verifyRequest.signedMessage)).toString('hex');
    const value = await sdkApi().verify({ environmentId, verifyRequest });
    assert.equal(value.user.id, userId);
    assert.equal(value.user.newUser, false);
  });

  it('k3: the signed-in user links an EVM wallet through verifyLink; same session, new last verified credential', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const signedIn = need(state.signedIn, 'the sign-in');
    const { nonce } = await sdkApi().getNonce({ environmentId });
    const verifyRequest = await verifyRequestFor(state.evm,
      signInMessage({ address: state.evm.address, nonce, environmentId }));
    const result = await callRaw(sdkApi({ token: signedIn.value.minifiedJwt })
      .verifyLinkRaw({ environmentId, verifyRequest }));
    state.linked = result;

    assert.equal(result.status, 200);
    assertNothingDropped(result.json, 'VerifyResponse');
    const { user } = result.value;
    assert.equal(user.id, signedIn.value.user.id);
    const evm = credential(user, state.evm.address, 'eip155');
    assert.ok(evm, `verifiedCredentials holds ${state.evm.address}`);
    assert.ok(credential(user, solanaAddress(), 'solana'), 'the Solana credential is still there');
    assert.equal(user.lastVerifiedCredentialId, evm.id);
    const before = decodeJwt(signedIn.value.minifiedJwt);
    const after = decodeJwt(result.value.minifiedJwt);
    assert.equal(after.sid, before.sid, 'same session');
    assert.equal(after.signin_credential_id, before.signin_credential_id, 'signin_credential_id never changes');
    assert.equal(after.last_verified_credential_id, evm.id);
  });

  it('k4: linking the same wallet again through walletsVerify succeeds and keeps one credential for it', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const linked = need(state.linked, 'the link');
    const { nonce } = await sdkApi().getNonce({ environmentId });
    const verifyRequest = await verifyRequestFor(state.evm,
      signInMessage({ address: state.evm.address, nonce, environmentId }));
    const value = await sdkApi({ token: linked.value.minifiedJwt }).walletsVerify({ environmentId, verifyRequest });
    assert.equal(value.user.verifiedCredentials.length, 2);
  });

  it('k5: a wallet of another user is refused with 422 reassign_wallet_error', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const linked = need(state.linked, 'the link');
    const other = nacl.sign.keyPair();
    const otherAddress = bs58.encode(other.publicKey);
    const signInNonce = (await sdkApi().getNonce({ environmentId })).nonce;
    const sign = (message) => bs58.encode(nacl.sign.detached(new TextEncoder().encode(message), other.secretKey));
    const otherRequest = (nonce) => {
      const messageToSign = solanaMessage({ address: otherAddress, nonce, environmentId });
      return { ...solanaVerifyRequest(messageToSign), publicWalletAddress: otherAddress, signedMessage: sign(messageToSign) };
    };
    await sdkApi().walletsSignin({ environmentId, verifyRequest: otherRequest(signInNonce) });

    const { nonce } = await sdkApi().getNonce({ environmentId });
    const error = await rejection(() => sdkApi({ token: linked.value.minifiedJwt })
      .verifyLink({ environmentId, verifyRequest: otherRequest(nonce) }));
    assert.ok(error instanceof APIError, `an APIError: ${error}`);
    assert.equal(error.status, 422);
    assert.equal(error.code, 'reassign_wallet_error');
  });

  it('k6: verifyUnlink with walletId removes the EVM wallet; the answer keeps the session', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const linked = need(state.linked, 'the link');
    const evm = credential(linked.value.user, state.evm.address, 'eip155');
    const result = await callRaw(sdkApi({ token: linked.value.minifiedJwt })
      .verifyUnlinkRaw({ environmentId, verifyUnlinkRequest: { walletId: evm.id } }));
    state.unlinked = result;

    assert.equal(result.status, 200);
    assertNothingDropped(result.json, 'VerifyResponse');
    const { user } = result.value;
    assert.equal(credential(user, state.evm.address, 'eip155'), undefined, 'the EVM wallet is gone');
    const solana = credential(user, solanaAddress(), 'solana');
    assert.ok(solana, 'the Solana wallet stays');
    assert.equal(user.lastVerifiedCredentialId, solana.id, 'last verified falls back to the sign-in credential');
    assert.equal(decodeJwt(result.value.minifiedJwt).sid, decodeJwt(linked.value.minifiedJwt).sid);
  });

  it('k7: the last sign-in credential cannot be unlinked', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const unlinked = need(state.unlinked, 'the unlink');
    const solana = credential(unlinked.value.user, solanaAddress(), 'solana');
    const error = await rejection(() => sdkApi({ token: unlinked.value.minifiedJwt })
      .verifyUnlink({ environmentId, verifyUnlinkRequest: { walletId: solana.id } }));
    assert.ok(error instanceof APIError, `an APIError: ${error}`);
    assert.equal(error.status, 422);
    assert.equal(error.code, 'cannot_delete_last_sign_in_verified_credential');
  });

  it('k8: refreshAuth afterwards shows the same state, and getAuthenticatedUser agrees', async () => {
    const environmentId = need(state.environmentId, 'the environment');
    const unlinked = need(state.unlinked, 'the unlink');
    const api = sdkApi({ token: unlinked.value.minifiedJwt });
    const result = await callRaw(api.refreshAuthRaw({ environmentId }));
    assert.equal(result.status, 200);
    assertNothingDropped(result.json, 'VerifyResponse');
    const ids = (user) => user.verifiedCredentials.map((vc) => vc.id).sort();
    assert.deepEqual(ids(result.value.user), ids(unlinked.value.user));
    assert.equal(result.value.user.lastVerifiedCredentialId, unlinked.value.user.lastVerifiedCredentialId);
    assert.equal(decodeJwt(result.value.minifiedJwt).sid, decodeJwt(unlinked.value.minifiedJwt).sid);

    const raw = await callRaw(api.getAuthenticatedUserRaw({ environmentId }));
    assert.deepEqual(keysTheClientDrops(raw.json, SdkUserFromJSON, SdkUserToJSON), []);
    assert.deepEqual(ids(raw.value), ids(unlinked.value.user));
    for (const vc of raw.value.verifiedCredentials) assert.match(vc.id, UUID);
  });
});
