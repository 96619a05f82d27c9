package dev.sigil.attack;

import dev.sigil.http.IsoTime;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.net.IDN;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wallet sign-in attacks over HTTP with real secp256k1 signatures. The basics (replay, unknown or foreign nonce,
 * domain, URI, address, Issued At just outside the window) live in {@code wallet/WalletSignInTest}; the parser's
 * rejections in {@code wallet/SignInMessageRejectionTest}. Here: the attacks that combine a valid signature with
 * something else, each with its exact answer, and a refused attempt never burns the nonce.
 */
class WalletSignInAttackTest {
    static final BigInteger SECP256K1_N =
            new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    static final String APP = "https://app.example.com";
    static TestServer server;
    static SdkClient sdk;
    static SdkClient app;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        sdk = new SdkClient(server, server.createEnvironment());
        app = new SdkClient(server, server.createEnvironment(List.of(APP)), APP);
        // These attacks are not about the rate limits, and the test clock stands still.
        server.liftRateLimits(sdk.environmentId());
        server.liftRateLimits(app.environmentId());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertUnprocessable(Http.Response response, String code, String error) {
        assertThat(response.status()).as(response.toString()).isEqualTo(422);
        assertThat(response.json().get("code").asString()).isEqualTo(code);
        assertThat(response.json().get("error").asString()).isEqualTo(error);
    }

    private static void assertBadMessage(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).startsWith("messageToSign is not a valid sign-in message: ");
    }

    private static Http.Response post(SdkClient client, TestWallet wallet, String message, String signature) {
        return client.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, signature));
    }

    /** The honest request still works afterwards: the refused one neither burnt the nonce nor changed anything. */
    private static void assertStillSignsIn(SdkClient client, TestWallet wallet, String message) {
        assertThat(post(client, wallet, message, wallet.sign(message)).status()).isEqualTo(200);
    }

    @Test
    void highSTwinOfAValidSignatureIsRefused() {
        // EIP-2: (r, n - s) with the other recovery id recovers the same key; accepting it makes signatures malleable.
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String signature = wallet.sign(message);
        BigInteger s = new BigInteger(signature.substring(66, 130), 16);
        int v = Integer.parseInt(signature.substring(130), 16);
        String twin = "0x" + signature.substring(2, 66) + String.format("%064x", SECP256K1_N.subtract(s))
                + String.format("%02x", v == 27 ? 28 : 27);
        assertThat(twin).isNotEqualTo(signature);
        assertThat(org.web3j.crypto.Sign.recoverFromSignature(v == 27 ? 1 : 0,
                new org.web3j.crypto.ECDSASignature(new BigInteger(signature.substring(2, 66), 16), SECP256K1_N.subtract(s)),
                personalHash(message)))
                .as("the twin recovers the same key").isEqualTo(org.web3j.crypto.Sign.recoverFromSignature(v - 27,
                        new org.web3j.crypto.ECDSASignature(new BigInteger(signature.substring(2, 66), 16), s), personalHash(message)));

        assertUnprocessable(post(sdk, wallet, message, twin), "other_verify_failure", "signature does not match the wallet address");
        assertStillSignsIn(sdk, wallet, message);
    }

    private static byte[] personalHash(String message) {
        byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return org.web3j.crypto.Hash.sha3(concat(("\u0019Ethereum Signed Message:\n" + bytes.length)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII), bytes));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 25, 26, 29, 30, 35, 36, 37, 38, 0x7f, 0x80, 0xff})
    void recoveryIdsOtherThan27Or28Or0Or1AreRefused(int v) {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String signature = wallet.sign(message);
        String forged = signature.substring(0, 130) + String.format("%02x", v);
        assertUnprocessable(post(sdk, wallet, message, forged), "other_verify_failure", "signature does not match the wallet address");
        assertStillSignsIn(sdk, wallet, message);
    }

    @Test
    void rawRecoveryIdZeroOrOneIsTheSameSignature() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String signature = wallet.sign(message);
        int v = Integer.parseInt(signature.substring(130), 16);
        assertThat(post(sdk, wallet, message, signature.substring(0, 130) + String.format("%02x", v - 27)).status())
                .isEqualTo(200);
    }

    @Test
    void zeroOrOutOfRangeRAndSAreRefused() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String signature = wallet.sign(message);
        String r = signature.substring(2, 66);
        String s = signature.substring(66, 130);
        String v = signature.substring(130);
        String zero = "0".repeat(64);
        String n = String.format("%064x", SECP256K1_N);
        for (String forged : List.of("0x" + zero + s + v, "0x" + r + zero + v, "0x" + n + s + v, "0x" + r + n + v,
                "0x" + "f".repeat(64) + s + v, "0x" + zero + zero + v)) {
            assertUnprocessable(post(sdk, wallet, message, forged), "other_verify_failure", "signature does not match the wallet address");
        }
        assertStillSignsIn(sdk, wallet, message);
    }

    @Test
    void aValidSignatureOfAnotherMessageIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String other = sdk.messageFor(wallet, sdk.nonce());
        assertUnprocessable(post(sdk, wallet, message, wallet.sign(other)), "other_verify_failure",
                "signature does not match the wallet address");
        assertStillSignsIn(sdk, wallet, message);
    }

    @Test
    void aReplayThroughTheOtherSignInPathOrAsALinkIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message));
        Http.Response first = sdk.post("/verify", body);
        assertThat(first.status()).isEqualTo(200);
        assertUnprocessable(sdk.post("/wallets/signin", body), "invalid_verification", "nonce is unknown, expired or already used");
        String bearer = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        assertUnprocessable(sdk.post("/verify/link", body, bearer), "invalid_verification",
                "nonce is unknown, expired or already used");
    }

    @Test
    void aMessageForOneEnvironmentIsRefusedByAnotherWithTheSameOrigin() {
        SdkClient twin = new SdkClient(server, server.createEnvironment());
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        assertUnprocessable(post(twin, wallet, message, wallet.sign(message)), "other_verify_failure",
                "message Request ID is not this environment");
        // Without a Request ID the nonce gives it away: it was issued by the other environment.
        String withoutRequestId = message.substring(0, message.lastIndexOf("\nRequest ID:"));
        assertUnprocessable(post(twin, wallet, withoutRequestId, wallet.sign(withoutRequestId)), "invalid_verification",
                "nonce is unknown, expired or already used");
        assertStillSignsIn(sdk, wallet, message);
    }

    @Test
    void extraFieldsAreRefusedEvenWhenSigned() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        for (String extra : List.of(message + "\nAdmin: true", message.replace("\nVersion: 1", "\nVersion: 1\nRole: admin"),
                message.replace("\nURI: ", "\nURI: http://localhost:3000/\nURI: "),
                message.replace("\nNonce: ", "\nNonce: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nNonce: "),
                message + "\n\n", message + "\nURI: https://evil.example/")) {
            assertBadMessage(post(sdk, wallet, extra, wallet.sign(extra)));
        }
        assertStillSignsIn(sdk, wallet, message);
    }

    @Test
    void reorderedFieldsAreRefusedEvenWhenSigned() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String[] lines = message.split("\n");
        int uri = indexOf(lines, "URI: ");
        int nonce = indexOf(lines, "Nonce: ");
        int issued = indexOf(lines, "Issued At: ");
        for (int[] swap : new int[][]{{uri, uri + 1}, {nonce, issued}, {uri, issued}, {indexOf(lines, "Chain ID: "), nonce}}) {
            String[] copy = lines.clone();
            copy[swap[0]] = lines[swap[1]];
            copy[swap[1]] = lines[swap[0]];
            String reordered = String.join("\n", copy);
            assertBadMessage(post(sdk, wallet, reordered, wallet.sign(reordered)));
        }
        assertStillSignsIn(sdk, wallet, message);
    }

    private static int indexOf(String[] lines, String prefix) {
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError(prefix);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1970-01-01T00:00:00.000Z", "2000-01-01T00:00:00Z", "0001-01-01T00:00:00Z"})
    void issuedAtFarInThePastIsRefused(String issuedAt) {
        assertIssuedAtRefused(issuedAt, "message is too old; sign a new one");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2999-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z"})
    void issuedAtFarInTheFutureIsRefused(String issuedAt) {
        assertIssuedAtRefused(issuedAt, "message Issued At is in the future");
    }

    @Test
    void issuedAtInAnotherTimeZoneIsTheSameInstant() {
        // +14:00 is a real offset: a message issued "now" there is not in the future.
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        Instant now = server.clock.instant();
        String shifted = message.replace("Issued At: " + IsoTime.format(now),
                "Issued At: " + java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.ofHours(14))
                        .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        assertThat(shifted).isNotEqualTo(message);
        assertThat(post(sdk, wallet, shifted, wallet.sign(shifted)).status()).isEqualTo(200);
    }

    private static void assertIssuedAtRefused(String issuedAt, String error) {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String forged = message.replace("Issued At: " + IsoTime.format(server.clock.instant()), "Issued At: " + issuedAt);
        assertThat(forged).isNotEqualTo(message);
        assertUnprocessable(post(sdk, wallet, forged, wallet.sign(forged)), "other_verify_failure", error);
        assertStillSignsIn(sdk, wallet, message);
    }

    @Test
    void lookAlikeDomainsAreNotTheAllowedDomain() {
        // Cyrillic 'а' (U+0430) for Latin 'a' in app.example.com, as text and in its punycode (IDNA) form.
        String lookAlike = "\u0430pp.example.com";
        String punycode = IDN.toASCII(lookAlike);
        assertThat(punycode).startsWith("xn--");
        TestWallet wallet = TestWallet.random();
        String nonce = app.nonce();
        String unicodeMessage = TestWallet.message(lookAlike, "https://" + lookAlike + "/", wallet.address(), nonce,
                server.clock.instant(), app.environmentId());
        assertBadMessage(post(app, wallet, unicodeMessage, wallet.sign(unicodeMessage)));
        String unicodeDomainOnly = TestWallet.message(lookAlike, APP + "/", wallet.address(), nonce,
                server.clock.instant(), app.environmentId());
        assertBadMessage(post(app, wallet, unicodeDomainOnly, wallet.sign(unicodeDomainOnly)));
        String punycodeMessage = TestWallet.message(punycode, "https://" + punycode + "/", wallet.address(), nonce,
                server.clock.instant(), app.environmentId());
        assertUnprocessable(post(app, wallet, punycodeMessage, wallet.sign(punycodeMessage)), "other_verify_failure",
                "message domain is not an allowed origin of this environment");
        String punycodeUri = TestWallet.message("app.example.com", "https://" + punycode + "/", wallet.address(), nonce,
                server.clock.instant(), app.environmentId());
        assertUnprocessable(post(app, wallet, punycodeUri, wallet.sign(punycodeUri)), "other_verify_failure",
                "message URI does not belong to the message domain");
        String genuine = TestWallet.message("app.example.com", APP + "/", wallet.address(), nonce,
                server.clock.instant(), app.environmentId());
        assertStillSignsIn(app, wallet, genuine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.example.com.evil.com", "evil.com", "example.com", "sub.app.example.com",
            "app.example.com:443", "app.example.com:8443", "app-example.com", "appXexample.com"})
    void domainsNearTheAllowedOneAreRefused(String domain) {
        TestWallet wallet = TestWallet.random();
        String nonce = app.nonce();
        String message = TestWallet.message(domain, "https://" + domain + "/", wallet.address(), nonce,
                server.clock.instant(), app.environmentId());
        assertUnprocessable(post(app, wallet, message, wallet.sign(message)), "other_verify_failure",
                "message domain is not an allowed origin of this environment");
        assertStillSignsIn(app, wallet, TestWallet.message("app.example.com", APP + "/", wallet.address(), nonce,
                server.clock.instant(), app.environmentId()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://app.example.com/", "https://app.example.com.evil.com/", "https://app.example.com:8443/",
            "https://evil.com/https://app.example.com/", "https://evil.com/?app.example.com"})
    void uriNearTheAllowedOriginIsRefused(String uri) {
        TestWallet wallet = TestWallet.random();
        String nonce = app.nonce();
        String message = TestWallet.message("app.example.com", uri, wallet.address(), nonce,
                server.clock.instant(), app.environmentId());
        assertUnprocessable(post(app, wallet, message, wallet.sign(message)), "other_verify_failure",
                "message URI does not belong to the message domain");
    }

    @Test
    void addressMismatchesAreRefusedWithTheirCode() {
        TestWallet wallet = TestWallet.random();
        TestWallet victim = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String signature = wallet.sign(message);
        // The attacker signs a message naming its own address and claims the victim's.
        String claimsVictim = SdkClient.verifyRequest(wallet, message, signature)
                .replace("\"publicWalletAddress\":\"" + wallet.address(), "\"publicWalletAddress\":\"" + victim.address());
        assertUnprocessable(sdk.post("/wallets/signin", claimsVictim), "invalid_chain_address_match",
                "message address does not match publicWalletAddress");
        // A message naming the victim, signed by the attacker.
        String namesVictim = sdk.messageFor(victim, sdk.nonce());
        assertUnprocessable(post(sdk, victim, namesVictim, wallet.sign(namesVictim)), "other_verify_failure",
                "signature does not match the wallet address");
        assertStillSignsIn(sdk, wallet, message);
    }
}
