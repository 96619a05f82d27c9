// Email one-time codes through Dynamic's published client (@dynamic-labs/sdk-api-core 0.40.0): the code travels
// over real SMTP to a receiver this test runs (nodemailer's `smtp-server`, parsed with `mailparser`), then signs a
// new user in, is refused when wrong, and is added to a wallet user through the bearer `verify` call.
// Needs SIGIL_URL, SIGIL_ADMIN_TOKEN and SIGIL_INTEROP_SMTP_PORT: interop/run.sh starts the server with its SMTP
// settings pointing at that port on 127.0.0.1, where this file listens.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  EmailVerificationCreateResponseFromJSON,
  EmailVerificationCreateResponseToJSON,
  UpdateSelfResponseFromJSON,
  UpdateSelfResponseToJSON,
  VerifyResponseFromJSON,
  VerifyResponseToJSON,
} from '@dynamic-labs/sdk-api-core';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import {
  APIError,
  APP_ORIGIN,
  assertConfigured,
  callRaw,
  createEnvironment,
  keysTheClientDrops,
  newWallet,
  rejection,
  sdkApi,
  signIn,
} from '../lib/sigil.mjs';

const SMTP_PORT = Number(process.env.SIGIL_INTEROP_SMTP_PORT ?? '');
const MAIL_WAIT_MS = 30_000;

/** Every message the receiver got, parsed: `{to, subject, text, html}`. */
const inbox = [];
const waiters = [];
let smtp;

function startSmtp() {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        inbox.push({ to: mail.to?.text ?? '', subject: mail.subject ?? '', text: mail.text ?? '', html: mail.html || '' });
        waiters.splice(0).forEach((wake) => wake());
        callback();
      }, callback);
    },
  });
  return new Promise((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(SMTP_PORT, '127.0.0.1', resolve);
  });
}

/** The next message to `address` after `seen` messages, waiting for the server's outbox to deliver it. */
async function mailTo(address, seen) {
  const deadline = Date.now() + MAIL_WAIT_MS;
  for (;;) {
    const found = inbox.slice(seen).find((m) => m.to.toLowerCase().includes(address.toLowerCase()));
    if (found) return found;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no mail to ${address} within ${MAIL_WAIT_MS} ms (inbox: ${inbox.length})`);
    await new Promise((wake) => {
      waiters.push(wake);
      setTimeout(wake, Math.min(left, 500));
    });
  }
}

function codeIn(mail) {
  const match = /\b(\d{6})\b/.exec(mail.text);
  assert.ok(match, `a 6-digit code in the plain-text part: ${JSON.stringify(mail.text)}`);
  return match[1];
}

/** Creates a verification for `email` through the client and returns `{verificationUUID, code}` from the mail. */
async function sendCode(environmentId, email) {
  const seen = inbox.length;
  const created = await callRaw(sdkApi().createEmailVerificationRaw({
    environmentId,
    emailVerificationCreateRequest: { email },
  }));
  assert.equal(created.status, 201);
  assert.deepEqual(keysTheClientDrops(created.json, EmailVerificationCreateResponseFromJSON,
    EmailVerificationCreateResponseToJSON), []);
  assert.match(created.value.verificationUUID, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(created.value.email, email);
  const mail = await mailTo(email, seen);
  return { verificationUUID: created.value.verificationUUID, code: codeIn(mail), mail };
}

describe('email one-time codes through Dynamic\'s client', { concurrency: false }, () => {
  let environmentId;
  const email = `Interop.${Date.now()}@Example.com`;

  before(async () => {
    assertConfigured();
    assert.ok(Number.isInteger(SMTP_PORT) && SMTP_PORT > 0, 'SIGIL_INTEROP_SMTP_PORT must name the SMTP port');
    await startSmtp();
    const created = await createEnvironment({ name: 'Interop Mail', allowedOrigins: [APP_ORIGIN] });
    assert.equal(created.status, 201, created.text);
    environmentId = created.json.id;
  });

  after(() => new Promise((resolve) => (smtp ? smtp.close(resolve) : resolve())));

  it('m1. create sends a code by SMTP; signin with it creates the user with an email credential', async () => {
    const { verificationUUID, code, mail } = await sendCode(environmentId, email);
    assert.match(mail.subject, /Interop Mail/);

    const signedIn = await callRaw(sdkApi().signInWithEmailVerificationRaw({
      environmentId,
      emailVerificationVerifyRequest: { verificationUUID, verificationToken: code },
    }));
    assert.equal(signedIn.status, 200);
    assert.deepEqual(keysTheClientDrops(signedIn.json, VerifyResponseFromJSON, VerifyResponseToJSON), []);
    const { user, minifiedJwt, expiresAt } = signedIn.value;
    assert.ok(minifiedJwt, 'minifiedJwt: without it the client logs out');
    assert.ok(expiresAt > Date.now() / 1000 && expiresAt < Date.now() / 1000 + 3 * 3600, 'expiresAt in seconds');
    assert.equal(user.newUser, true);
    assert.equal(user.email, email);
    const credential = user.verifiedCredentials.find((vc) => vc.format === 'email');
    assert.ok(credential, 'an email credential');
    assert.equal(credential.email, email);
    assert.equal(credential.publicIdentifier, email);

    // The code is single use.
    const again = await rejection(() => sdkApi().signInWithEmailVerification({
      environmentId,
      emailVerificationVerifyRequest: { verificationUUID, verificationToken: code },
    }));
    assert.ok(again instanceof APIError, `reuse: expected an APIError, got ${again}`);
    assert.equal(again.status, 422);
  });

  it('m2. the same address in another case signs into the same user', async () => {
    const first = await sendCode(environmentId, email.toLowerCase());
    const signedIn = await sdkApi().signInWithEmailVerification({
      environmentId,
      emailVerificationVerifyRequest: { verificationUUID: first.verificationUUID, verificationToken: first.code },
    });
    assert.equal(signedIn.user.newUser, false);
    assert.equal(signedIn.user.email, email, 'stored as first entered');
  });

  it('m3. a wrong code is 422 wrong_email_verification_token in the client\'s error shape', async () => {
    const { verificationUUID, code } = await sendCode(environmentId, `wrong.${Date.now()}@example.com`);
    const wrong = code === '000000' ? '111111' : '000000';
    const error = await rejection(() => sdkApi().signInWithEmailVerification({
      environmentId,
      emailVerificationVerifyRequest: { verificationUUID, verificationToken: wrong },
    }));
    assert.ok(error instanceof APIError, `expected an APIError, got ${error}`);
    assert.equal(error.status, 422);
    assert.equal(error.code, 'wrong_email_verification_token');
  });

  it('m4. a signed-in wallet user adds an email with verify; refresh shows it', async () => {
    const wallet = newWallet();
    const session = (await signIn(wallet, environmentId)).value;
    const added = `wallet.${Date.now()}@example.com`;
    const { verificationUUID, code } = await sendCode(environmentId, added);

    const verified = await callRaw(sdkApi({ token: session.minifiedJwt }).verifyEmailVerificationRaw({
      environmentId,
      emailVerificationVerifyRequest: { verificationUUID, verificationToken: code },
    }));
    assert.equal(verified.status, 200);
    assert.deepEqual(keysTheClientDrops(verified.json, UpdateSelfResponseFromJSON, UpdateSelfResponseToJSON), []);
    assert.equal(verified.value.nextView, 'done');
    assert.equal(verified.value.user.id, session.user.id);
    assert.equal(verified.value.user.sessionId, session.user.sessionId, 'same session');
    assert.deepEqual(verified.value.user.verifiedCredentials.map((vc) => vc.format).sort(), ['blockchain', 'email']);

    const refreshed = await sdkApi({ token: verified.value.minifiedJwt }).refreshAuth({ environmentId });
    assert.ok(refreshed.user.verifiedCredentials.some((vc) => vc.format === 'email' && vc.email === added));
  });
});
