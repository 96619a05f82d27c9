package dev.sigil.wallet;

import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class WalletSignInTest {
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
    void signInAnswersVerifyResponseWithTheWalletCredential(String endpoint) {
        TestWallet wallet = TestWallet.random();
        Http.Response response = sdk.signInResponse(wallet, endpoint);

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("jwt").asString()).isNotBlank();
        assertThat(body.get("minifiedJwt").asString()).isNotBlank();
        long now = server.clock.instant().getEpochSecond();
        assertThat(body.get("expiresAt").asLong()).isBetween(now + 7190, now + 7200);
        JsonNode user = body.get("user");
        assertThat(user.get("newUser").asBoolean()).isTrue();
        assertThat(user.get("projectEnvironmentId").asString()).isEqualTo(sdk.environmentId());
        assertThat(user.get("scope").asString()).isEqualTo("user:basic");
        JsonNode credential = user.get("verifiedCredentials").get(0);
        assertThat(credential.get("address").asString()).isEqualTo(wallet.address());
        assertThat(credential.get("chain").asString()).isEqualTo("eip155");
        assertThat(credential.get("format").asString()).isEqualTo("blockchain");
        assertThat(credential.get("wallet_name").asString()).isEqualTo("metamaskevm");
        assertThat(credential.get("wallet_provider").asString()).isEqualTo("browserExtension");
        assertThat(credential.get("public_identifier").asString()).isEqualTo(wallet.address());
        assertThat(credential.get("signInEnabled").asBoolean()).isTrue();
        assertThat(user.get("lastVerifiedCredentialId").asString()).isEqualTo(credential.get("id").asString());
        assertThat(user.get("sessionId").asString()).hasSize(36);
    }

    @Test
    void secondSignInWithTheSameWalletIsTheSameUserInANewSession() {
        TestWallet wallet = TestWallet.random();
        JsonNode first = sdk.signIn(wallet).get("user");
        JsonNode second = sdk.signIn(wallet).get("user");

        assertThat(second.get("id").asString()).isEqualTo(first.get("id").asString());
        assertThat(second.get("newUser").asBoolean()).isFalse();
        assertThat(second.get("sessionId").asString()).isNotEqualTo(first.get("sessionId").asString());
        assertThat(second.get("verifiedCredentials")).hasSize(1);
    }

    @Test
    void lowercaseAddressSignsInTheSameUserAsItsChecksumForm() {
        TestWallet wallet = TestWallet.random();
        String firstUser = sdk.signIn(wallet).get("user").get("id").asString();
        String lower = wallet.address().toLowerCase();
        String message = sdk.messageFor(wallet, sdk.nonce()).replace(wallet.address(), lower);
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message)).replace(wallet.address(), lower);

        Http.Response response = sdk.post("/wallets/signin", body);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("user").get("id").asString()).isEqualTo(firstUser);
        assertThat(response.json().get("user").get("verifiedCredentials").get(0).get("address").asString())
                .isEqualTo(wallet.address());
    }

    @Test
    void replayedNonceIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message));
        assertThat(sdk.post("/wallets/signin", body).status()).isEqualTo(200);

        Http.Response replay = sdk.post("/wallets/signin", body);

        assertUnprocessable(replay, "invalid_verification");
    }

    @Test
    void unknownNonceIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, "NeverIssuedNonce0123456789abcdef");
        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "invalid_verification");
    }

    @Test
    void nonceOfAnotherEnvironmentIsRefused() {
        SdkClient other = new SdkClient(server, server.createEnvironment());
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, other.nonce());

        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "invalid_verification");
    }

    @Test
    void expiredNonceIsRefused() {
        TestWallet wallet = TestWallet.random();
        String nonce = sdk.nonce();
        server.clock.advance(Nonces.LIFETIME.plusSeconds(1));
        String message = sdk.messageFor(wallet, nonce);

        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "invalid_verification");
    }

    @Test
    void signatureOfAnotherWalletIsRefusedAndDoesNotBurnTheNonce() {
        TestWallet wallet = TestWallet.random();
        TestWallet impostor = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());

        Http.Response forged = sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, impostor.sign(message)));

        assertUnprocessable(forged, "other_verify_failure");
        assertThat(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))).status())
                .isEqualTo(200);
    }

    @Test
    void publicWalletAddressMustMatchTheMessage() {
        TestWallet wallet = TestWallet.random();
        TestWallet other = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message)).replace(wallet.address(), other.address());
        // the replace also changed the message inside the body: rebuild it with the original message
        body = body.replace(message.replace(wallet.address(), other.address()).replace("\n", "\\n"), message.replace("\n", "\\n"));

        assertUnprocessable(sdk.post("/wallets/signin", body), "invalid_chain_address_match");
    }

    @Test
    void domainThatIsNotAnAllowedOriginIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = TestWallet.message("evil.example", "https://evil.example/", wallet.address(), sdk.nonce(),
                server.clock.instant(), sdk.environmentId());
        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "other_verify_failure");
    }

    @Test
    void uriOnAnotherOriginThanTheDomainIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = TestWallet.message("localhost:3000", "https://evil.example/", wallet.address(), sdk.nonce(),
                server.clock.instant(), sdk.environmentId());
        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "other_verify_failure");
    }

    @Test
    void requestIdOfAnotherEnvironmentIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = TestWallet.message("localhost:3000", "http://localhost:3000/", wallet.address(), sdk.nonce(),
                server.clock.instant(), "00000000-0000-4000-8000-000000000000");
        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "other_verify_failure");
    }

    @Test
    void messageIssuedTooLongAgoIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = TestWallet.message("localhost:3000", "http://localhost:3000/", wallet.address(), sdk.nonce(),
                server.clock.instant().minus(WalletSignIn.MAX_MESSAGE_AGE).minusSeconds(1), sdk.environmentId());
        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "other_verify_failure");
    }

    @Test
    void messageIssuedInTheFutureIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = TestWallet.message("localhost:3000", "http://localhost:3000/", wallet.address(), sdk.nonce(),
                server.clock.instant().plus(WalletSignIn.CLOCK_SKEW).plusSeconds(5), sdk.environmentId());
        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "other_verify_failure");
    }

    @Test
    void messageWithinTheClockSkewIsAccepted() {
        TestWallet wallet = TestWallet.random();
        String message = TestWallet.message("localhost:3000", "http://localhost:3000/", wallet.address(), sdk.nonce(),
                server.clock.instant().plus(WalletSignIn.CLOCK_SKEW).minusSeconds(5), sdk.environmentId());
        assertThat(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))).status())
                .isEqualTo(200);
    }

    @Test
    void expiredMessageIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce()).replace("\nRequest ID:",
                "\nExpiration Time: " + dev.sigil.http.IsoTime.format(server.clock.instant().minusSeconds(1)) + "\nRequest ID:");
        assertUnprocessable(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))),
                "other_verify_failure");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SUI", "BTC", "FLOW", "COSMOS"})
    void chainsSigilCannotVerifyAreUnsupported(String chain) {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message)).replace("\"EVM\"", "\"" + chain + "\"");
        assertUnprocessable(sdk.post("/wallets/signin", body), "unsupported_chain");
    }

    @Test
    void evmWalletPresentedAsSolanaIsRefused() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message)).replace("\"EVM\"", "\"SOL\"");
        assertUnprocessable(sdk.post("/wallets/signin", body), "other_verify_failure");
    }

    @Test
    void malformedMessageIsABadRequest() {
        TestWallet wallet = TestWallet.random();
        String message = "hello, sign me in please";
        Http.Response response = sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message)));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).startsWith("messageToSign is not a valid sign-in message");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"messageToSign\": 1}",
            "[]",
            "not json",
            "{\"chain\": \"EVM\", \"walletProvider\": \"browserExtension\"}",
            "{\"chain\": \"DOGE\", \"walletProvider\": \"browserExtension\"}",
            "{\"chain\": \"EVM\", \"walletProvider\": \"carrierPigeon\"}",
    })
    void malformedRequestsAreBadRequests(String body) {
        Http.Response response = sdk.post("/wallets/signin", body);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").isString()).isTrue();
    }

    @Test
    void overlongFieldsAreBadRequestsNamingTheField() {
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());
        String body = SdkClient.verifyRequest(wallet, message, wallet.sign(message))
                .replace("metamaskevm", "m".repeat(256));
        Http.Response response = sdk.post("/wallets/signin", body);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).contains("walletName");
    }

    @Test
    void parallelFirstSignInsOfOneWalletCreateOneUser() throws Exception {
        TestWallet wallet = TestWallet.random();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String message = sdk.messageFor(wallet, sdk.nonce());
            bodies.add(SdkClient.verifyRequest(wallet, message, wallet.sign(message)));
        }
        List<Callable<Http.Response>> calls = bodies.stream()
                .<Callable<Http.Response>>map(body -> () -> sdk.post("/wallets/signin", body)).toList();
        Set<String> userIds = new HashSet<>();
        int created = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Http.Response> future : pool.invokeAll(calls)) {
                Http.Response response = future.get();
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                userIds.add(response.json().get("user").get("id").asString());
                created += response.json().get("user").get("newUser").asBoolean() ? 1 : 0;
            }
        }
        assertThat(userIds).hasSize(1);
        assertThat(created).isEqualTo(1);
    }

    @Test
    void noncesAreThirtyTwoAlphanumericCharactersAndUpToFiveAtATime() {
        Http.Response five = sdk.get("/nonces?count=5");
        assertThat(five.status()).isEqualTo(200);
        assertThat(five.json().get("nonces")).hasSize(5);
        five.json().get("nonces").forEach(n -> assertThat(n.asString()).matches("[A-Za-z0-9]{32}"));
        assertThat(sdk.nonce()).matches("[A-Za-z0-9]{32}");
        for (String bad : List.of("0", "6", "-1", "x", "99999999999")) {
            Http.Response response = sdk.get("/nonces?count=" + bad);
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().get("error").asString()).contains("count");
        }
    }

    @Test
    void nonceStaysValidForTwentyFourHours() {
        TestWallet wallet = TestWallet.random();
        String nonce = sdk.nonce();
        server.clock.advance(Nonces.LIFETIME.minus(Duration.ofMinutes(1)));
        String message = sdk.messageFor(wallet, nonce);
        assertThat(sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))).status())
                .isEqualTo(200);
    }

    static void assertUnprocessable(Http.Response response, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.json().get("code").asString()).isEqualTo(code);
        assertThat(response.json().get("error").asString()).isNotBlank();
    }
}
