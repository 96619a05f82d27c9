package dev.sigil.session;

import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SessionLifecycleTest {
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

    @Test
    void sessionIsLiveUntilRevokedThenEveryBearerEndpointRefusesIt() {
        JsonNode signedIn = sdk.signIn(TestWallet.random());
        String token = signedIn.get("minifiedJwt").asString();
        assertThat(sdk.get("/session", token).status()).isEqualTo(204);

        Http.Response revoke = sdk.post("/revoke", null, token);
        assertThat(revoke.status()).isEqualTo(204);
        assertThat(revoke.body()).isEmpty();

        for (Http.Response response : new Http.Response[]{
                sdk.get("/session", token), sdk.post("/refresh", null, token), sdk.get("/users", token),
                sdk.post("/revoke", null, token),
                sdk.post("/refresh", null, signedIn.get("jwt").asString())}) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.json().get("error").isString()).isTrue();
        }
    }

    @Test
    void revokingOneSessionLeavesTheUsersOtherSessionsAlive() {
        TestWallet wallet = TestWallet.random();
        String first = sdk.signIn(wallet).get("minifiedJwt").asString();
        String second = sdk.signIn(wallet).get("minifiedJwt").asString();

        assertThat(sdk.post("/revoke", null, first).status()).isEqualTo(204);

        assertThat(sdk.post("/refresh", null, second).status()).isEqualTo(200);
        assertThat(sdk.get("/session", second).status()).isEqualTo(204);
    }

    @Test
    void getUsersAnswersTheSdkUserBare() {
        TestWallet wallet = TestWallet.random();
        JsonNode signedIn = sdk.signIn(wallet);
        Http.Response response = sdk.get("/users", signedIn.get("minifiedJwt").asString());

        assertThat(response.status()).isEqualTo(200);
        JsonNode user = response.json();
        assertThat(user.get("id").asString()).isEqualTo(signedIn.get("user").get("id").asString());
        assertThat(user.get("sessionId").asString()).isEqualTo(signedIn.get("user").get("sessionId").asString());
        assertThat(user.get("verifiedCredentials").get(0).get("address").asString()).isEqualTo(wallet.address());
        assertThat(user.get("newUser").asBoolean()).isFalse();
        assertThat(user.get("metadata").isObject()).isTrue();
        assertThat(user.get("lists").isArray()).isTrue();
        assertThat(user.get("missingFields").isArray()).isTrue();
        assertThat(user.has("jwt")).isFalse();
    }

    @Test
    void refreshKeepsTheSessionAndReflectsTheUserAsStoredNow() {
        TestWallet wallet = TestWallet.random();
        JsonNode first = sdk.signIn(wallet);
        // A later sign-in through another wallet app renames the credential: the first session must see it.
        String message = sdk.messageFor(wallet, sdk.nonce());
        String renamed = SdkClient.verifyRequest(wallet, message, wallet.sign(message)).replace("metamaskevm", "rabbyevm");
        assertThat(sdk.post("/wallets/signin", renamed).status()).isEqualTo(200);
        server.clock.advance(Duration.ofMinutes(10));

        Http.Response refreshed = sdk.post("/refresh", null, first.get("minifiedJwt").asString());

        assertThat(refreshed.status()).isEqualTo(200);
        JsonNode body = refreshed.json();
        assertThat(body.get("user").get("sessionId").asString()).isEqualTo(first.get("user").get("sessionId").asString());
        assertThat(body.get("user").get("verifiedCredentials").get(0).get("wallet_name").asString()).isEqualTo("rabbyevm");
        assertThat(body.get("expiresAt").asLong()).isEqualTo(first.get("expiresAt").asLong() + 600);
        assertThat(body.get("minifiedJwt").asString()).isNotEqualTo(first.get("minifiedJwt").asString());
    }

    @Test
    void refreshAndCurrentUserListEveryCredentialInTheOrderTheyWereVerified() {
        // Refresh and GET /users read the session, user and credentials in one joined statement (one row per
        // credential): a user with three credentials must come back with all three, oldest first, in both.
        TestWallet first = TestWallet.random();
        JsonNode signedIn = sdk.signIn(first);
        String token = signedIn.get("minifiedJwt").asString();
        List<String> addresses = new ArrayList<>(List.of(first.address()));
        for (int i = 0; i < 2; i++) {
            server.clock.advance(Duration.ofSeconds(1));
            TestWallet linked = TestWallet.random();
            assertThat(sdk.post("/verify/link", sdk.signedRequest(linked), token).status()).isEqualTo(200);
            addresses.add(linked.address());
        }

        Http.Response refreshed = sdk.post("/refresh", null, token);
        Http.Response current = sdk.get("/users", token);

        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertThat(current.status()).as(current.body()).isEqualTo(200);
        for (JsonNode user : List.of(refreshed.json().get("user"), current.json())) { // GET /users answers the bare user
            assertThat(user.get("verifiedCredentials").valueStream().map(c -> c.get("address").asString()).toList())
                    .isEqualTo(addresses);
            assertThat(user.get("sessionId").asString()).isEqualTo(signedIn.get("user").get("sessionId").asString());
        }
        assertThat(SdkClient.claims(refreshed.json().get("jwt").asString()).get("verified_credentials")).hasSize(3);
    }

    @Test
    void refreshIgnoresABodyAndAcceptsTheJsonContentTypeDynamicSends() {
        String token = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        assertThat(sdk.post("/refresh", "", token).status()).isEqualTo(200);
        assertThat(sdk.post("/refresh", "{}", token).status()).isEqualTo(200);
    }

    @Test
    void bearerSchemeIsCaseInsensitiveButMustBeBearer() {
        String token = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String path = sdk.path("/session");
        assertThat(server.http().get(path, "Authorization", "bearer " + token).status()).isEqualTo(204);
        Http.Response basic = server.http().get(path, "Authorization", "Basic " + token);
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.json().get("error").isString()).isTrue();
    }

    @Test
    void manyParallelRefreshesOfOneTokenAllSucceedInTheSameSession() throws Exception {
        // Several browser tabs share one token and refresh at once: there is no single-use refresh token to race on.
        JsonNode signedIn = sdk.signIn(TestWallet.random());
        String token = signedIn.get("minifiedJwt").asString();
        String sessionId = signedIn.get("user").get("sessionId").asString();
        int parallel = 32;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Http.Response>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel)) {
            for (int i = 0; i < parallel; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return sdk.post("/refresh", null, token);
                }));
            }
            start.countDown();
            for (Future<Http.Response> result : results) {
                Http.Response response = result.get(60, TimeUnit.SECONDS);
                assertThat(response.status()).as(response.toString()).isEqualTo(200);
                assertThat(response.json().get("user").get("sessionId").asString()).isEqualTo(sessionId);
                assertThat(sdk.get("/session", response.json().get("minifiedJwt").asString()).status()).isEqualTo(204);
            }
        }
        assertThat(sdk.get("/session", token).status()).isEqualTo(204);
    }
}
