package dev.sigil.wallet;

import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.SolanaTestWallet;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.util.HexFormat;

import static dev.sigil.wallet.WalletSignInTest.assertUnprocessable;
import static org.assertj.core.api.Assertions.assertThat;

class SolanaSignInTest {
    static TestServer server;
    static SdkClient sdk;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        sdk = new SdkClient(server, server.createEnvironment());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/wallets/signin", "/verify"})
    void signInWithASolanaWalletAnswersASolanaCredential(String endpoint) {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        assertThat(message).contains("with your Solana account:").doesNotContain("Chain ID");

        Http.Response response = sdk.post(endpoint, SdkClient.verifyRequest(wallet, message, wallet.sign(message)));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode user = response.json().get("user");
        assertThat(user.get("newUser").asBoolean()).isTrue();
        JsonNode credential = user.get("verifiedCredentials").get(0);
        assertThat(credential.get("chain").asString()).isEqualTo("solana");
        assertThat(credential.get("address").asString()).isEqualTo(wallet.address());
        assertThat(credential.get("public_identifier").asString()).isEqualTo(wallet.address());
        assertThat(credential.get("wallet_name").asString()).isEqualTo("phantomsol");
        assertThat(credential.get("format").asString()).isEqualTo("blockchain");
        assertThat(user.get("lastVerifiedCredentialId").asString()).isEqualTo(credential.get("id").asString());
        JsonNode claims = SdkClient.claims(response.json().get("jwt").asString());
        assertThat(claims.get("verified_credentials").get(0).get("chain").asString()).isEqualTo("solana");
    }

    @Test
    void hexSignatureSignsInTheSameUserAsBase58() {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        String userId = sdk.signIn(wallet).get("user").get("id").asString();
        String message = sdk.messageFor(wallet, sdk.nonce());

        Http.Response response = sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.signHex(message)));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("user").get("id").asString()).isEqualTo(userId);
        assertThat(response.json().get("user").get("newUser").asBoolean()).isFalse();
    }

    @Test
    void signatureOfAnotherKeyIsRefusedAndDoesNotBurnTheNonce() {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        SolanaTestWallet impostor = SolanaTestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());

        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, impostor.sign(message))),
                "other_verify_failure");
        assertThat(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))).status())
                .isEqualTo(200);
    }

    @Test
    void publicWalletAddressOfAnotherKeyIsRefused() {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        SolanaTestWallet other = SolanaTestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message))
                .replace("\"publicWalletAddress\":\"" + wallet.address(), "\"publicWalletAddress\":\"" + other.address());

        assertUnprocessable(sdk.post("/wallets/signin", body), "invalid_chain_address_match");
    }

    @Test
    void addressesAreCaseSensitive() {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        String swapped = swapCase(wallet.address());
        String message = sdk.messageFor(wallet, sdk.nonce()).replace(wallet.address(), swapped);
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message)).replace(wallet.address(), swapped);

        Http.Response response = sdk.post("/wallets/signin", body);

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("code").asString()).isIn("invalid_wallet_address", "other_verify_failure");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl", "2g", "11111111111111111111111111111111111"})
    void malformedBase58AddressIsRefused(String address) {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce()).replace(wallet.address(), address);
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message)).replace(wallet.address(), address);

        assertUnprocessable(sdk.post("/wallets/signin", body), "invalid_wallet_address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-base58-0OIl", "3EFU7m", "0x1234"})
    void malformedSignatureIsRefused(String signature) {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, signature)),
                "other_verify_failure");
    }

    @Test
    void messageThatNamesAnEthereumAccountIsRefused() {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce()).replace("Solana account", "Ethereum account");
        Http.Response response = sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message)));
        // The parser already refuses a non-hex address in an Ethereum message.
        assertThat(response.status()).isIn(400, 422);
    }

    @Test
    void replayedNonceIsRefused() {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message));
        assertThat(sdk.post("/wallets/signin", body).status()).isEqualTo(200);

        assertUnprocessable(sdk.post("/wallets/signin", body), "invalid_verification");
    }

    @Test
    void domainThatIsNotAnAllowedOriginIsRefused() {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        String message = SolanaTestWallet.message("evil.example", "https://evil.example/", wallet.address(), sdk.nonce(),
                server.clock.instant(), sdk.environmentId());
        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "other_verify_failure");
    }

    @Test
    void messageIssuedTooLongAgoIsRefused() {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        String message = SolanaTestWallet.message("localhost:3000", "http://localhost:3000/", wallet.address(), sdk.nonce(),
                server.clock.instant().minus(WalletProofs.MAX_MESSAGE_AGE).minusSeconds(1), sdk.environmentId());
        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "other_verify_failure");
    }

    /** The Solana address of the identity point, a key of small order (1) that nobody holds the private key of. */
    static final String IDENTITY_ADDRESS = Base58.encode(SolanaSignatureTest.IDENTITY);

    /**
     * A VerifyRequest for a fresh nonce from the identity point's address, "signed" with R = identity, S = 0 (in
     * base58 or hex), which the JDK's Ed25519 alone accepts for every message.
     */
    static String identityForgery(SdkClient sdk, boolean hex) {
        SolanaTestWallet template = SolanaTestWallet.random();
        String message = sdk.messageFor(template, sdk.nonce()).replace(template.address(), IDENTITY_ADDRESS);
        byte[] forgery = SolanaSignatureTest.identityForgery();
        String signature = hex ? HexFormat.of().formatHex(forgery) : Base58.encode(forgery);
        return SdkClient.verifyRequest(template, message, signature).replace(template.address(), IDENTITY_ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void identityPointAddressCannotSignInWithTheUniversalSignature(boolean hex) {
        String body = identityForgery(sdk, hex);
        assertThat(body).contains(IDENTITY_ADDRESS);

        for (String endpoint : new String[]{"/wallets/signin", "/verify"}) {
            assertUnprocessable(sdk.post(endpoint, body), "other_verify_failure");
        }
        int credentials = server.app().services().database.jdbi().withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM verified_credentials
                        WHERE environment_id = :env AND identifier = :address""")
                .bind("env", sdk.environmentId()).bind("address", IDENTITY_ADDRESS).mapTo(Integer.class).one());
        assertThat(credentials).as("no user holds the identity address").isZero();
    }

    @Test
    void evmAndSolanaWalletsAreDifferentUsers() {
        String evmUser = sdk.signIn(TestWallet.random()).get("user").get("id").asString();
        String solanaUser = sdk.signIn(SolanaTestWallet.random()).get("user").get("id").asString();
        assertThat(solanaUser).isNotEqualTo(evmUser);
    }

    private static String swapCase(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return out.toString();
    }
}
