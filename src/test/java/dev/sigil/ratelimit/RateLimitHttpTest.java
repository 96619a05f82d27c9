package dev.sigil.ratelimit;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every limit over real HTTP: it trips with 429, {@code Retry-After} and the usual JSON error, and recovers once the
 * (injected) clock has moved on. Each test has its own environment, so the tests share no limit state.
 */
class RateLimitHttpTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(MutableClock.startingNow(), c -> c.devMode(true));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A fresh environment with {@code settings.sigil.rateLimits} set to {@code limits}. */
    static SdkClient environmentWith(Map<String, Integer> limits) {
        String id = server.createEnvironment();
        server.patchEnvironment(id, Json.writeString(Map.of("settings", Map.of("sigil", Map.of("rateLimits", limits)))));
        return new SdkClient(server, id);
    }

    static void assertLimited(Http.Response response, long retryAfterSeconds) {
        assertThat(response.status()).as(response.toString()).isEqualTo(429);
        assertThat(response.header("Retry-After")).contains(Long.toString(retryAfterSeconds));
        assertThat(response.json().get("error").asString()).isEqualTo("Too many requests. Please try again later.");
        assertThat(response.header("Content-Type").orElseThrow()).startsWith("application/json");
    }

    static String emailCreate(String email) {
        return Json.writeString(Map.of("email", email));
    }

    @Test
    void noncesPerIpTripAndRecover() {
        SdkClient sdk = environmentWith(Map.of("noncesPerIpPerMinute", 2));
        assertThat(sdk.get("/nonce").status()).isEqualTo(200);
        assertThat(sdk.get("/nonces?count=3").status()).isEqualTo(200);
        // 2 per minute: one every 30 s after the burst.
        assertLimited(sdk.get("/nonce"), 30);
        assertLimited(sdk.get("/nonces"), 30);
        server.clock.advance(Duration.ofSeconds(29));
        assertLimited(sdk.get("/nonce"), 1);
        server.clock.advance(Duration.ofSeconds(1));
        assertThat(sdk.get("/nonce").status()).isEqualTo(200);
        assertLimited(sdk.get("/nonce"), 30);
        assertThat(server.http().get("/metrics").body()).containsPattern(
                "(?m)^sigil_rate_limited_total\\{limit=\"noncesPerIpPerMinute\"\\} [1-9]");
    }

    @Test
    void defaultsApplyWithoutSettings() {
        SdkClient sdk = new SdkClient(server, server.createEnvironment());
        for (int i = 0; i < 60; i++) {
            assertThat(sdk.get("/nonce").status()).as("nonce %d", i).isEqualTo(200);
        }
        assertLimited(sdk.get("/nonce"), 1);
    }

    @Test
    void environmentSettingsOverrideTheDefaults() {
        SdkClient generous = environmentWith(Map.of("noncesPerIpPerMinute", 100));
        for (int i = 0; i < 100; i++) {
            assertThat(generous.get("/nonce").status()).as("nonce %d", i).isEqualTo(200);
        }
        assertLimited(generous.get("/nonce"), 1);
        // Lowering the limit applies at once, to the state already counted.
        server.patchEnvironment(generous.environmentId(),
                "{\"settings\":{\"sigil\":{\"rateLimits\":{\"noncesPerIpPerMinute\":1}}}}");
        assertThat(generous.get("/nonce").status()).isEqualTo(429);
        // Removing the setting restores the default.
        server.patchEnvironment(generous.environmentId(), "{\"settings\":{\"sigil\":{\"rateLimits\":null}}}");
        server.clock.advance(Duration.ofMinutes(2));
        assertThat(generous.get("/nonce").status()).isEqualTo(200);
    }

    @Test
    void invalidSettingsAreRefusedNamingTheField() {
        String id = server.createEnvironment();
        Map<String, String> cases = Map.of(
                "{\"sigil\":{\"rateLimits\":{\"noncesPerIpPerMinute\":0}}}",
                "settings.sigil.rateLimits.noncesPerIpPerMinute must be an integer from 1 to 1000000",
                "{\"sigil\":{\"rateLimits\":{\"signInsPerIpPerMinute\":\"10\"}}}",
                "settings.sigil.rateLimits.signInsPerIpPerMinute must be an integer from 1 to 1000000",
                "{\"sigil\":{\"rateLimits\":{\"refreshesPerSessionPerMinute\":1000001}}}",
                "settings.sigil.rateLimits.refreshesPerSessionPerMinute must be an integer from 1 to 1000000",
                "{\"sigil\":{\"rateLimits\":{\"signInsPerWalletPerHour\":-1}}}",
                "settings.sigil.rateLimits.signInsPerWalletPerHour must be an integer from 1 to 1000000",
                "{\"sigil\":{\"rateLimits\":{\"signInsPerWalletPerHour\":2.5}}}",
                "settings.sigil.rateLimits.signInsPerWalletPerHour must be an integer from 1 to 1000000",
                "{\"sigil\":{\"rateLimits\":{\"noncesPerIpPerHour\":5}}}",
                "settings.sigil.rateLimits.noncesPerIpPerHour is not a rate limit Sigil knows",
                "{\"sigil\":{\"rateLimits\":[]}}",
                "settings.sigil.rateLimits must be an object");
        cases.forEach((settings, message) -> {
            Http.Response response = server.http().send("PATCH", "/api/v0/admin/environments/" + id,
                    "{\"settings\":" + settings + "}", "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
            assertThat(response.status()).as(settings).isEqualTo(400);
            assertThat(response.json().get("error").asString()).isEqualTo(message);
        });
    }

    @Test
    void verificationsPerIpTripAcrossAddressesAndChannels() {
        SdkClient sdk = environmentWith(Map.of("verificationsPerIpPerMinute", 3));
        assertThat(sdk.post("/emailVerifications/create", emailCreate("a@example.com")).status()).isEqualTo(201);
        assertThat(sdk.post("/emailVerifications/create", emailCreate("b@example.com")).status()).isEqualTo(201);
        assertThat(sdk.post("/smsVerifications/create", Json.writeString(Map.of("phoneCountryCode", "1",
                "phoneNumber", "2015512345", "isoCountryCode", "US"))).status()).isEqualTo(201);
        assertLimited(sdk.post("/emailVerifications/create", emailCreate("c@example.com")), 20);
        assertLimited(sdk.post("/emailVerifications/retry", Json.writeString(Map.of(
                "email", "a@example.com", "verificationUUID", UUID.randomUUID().toString()))), 20);
        server.clock.advance(Duration.ofSeconds(20));
        assertThat(sdk.post("/emailVerifications/create", emailCreate("c@example.com")).status()).isEqualTo(201);
    }

    @Test
    void verificationsPerIdentifierTripForOneAddressOnly() {
        SdkClient sdk = environmentWith(Map.of("verificationsPerIdentifierPerHour", 2));
        String id = sdk.post("/emailVerifications/create", emailCreate("victim@example.com")).json()
                .get("verificationUUID").asString();
        Http.Response retried = sdk.post("/emailVerifications/retry", Json.writeString(Map.of(
                "email", "victim@example.com", "verificationUUID", id)));
        assertThat(retried.status()).as(retried.toString()).isEqualTo(201);
        // The address is the identity: case does not make a new key. 2 per hour: one every 30 minutes.
        assertLimited(sdk.post("/emailVerifications/create", emailCreate("Victim@Example.com")), 1800);
        assertThat(sdk.post("/emailVerifications/create", emailCreate("someone-else@example.com")).status())
                .isEqualTo(201);
        server.clock.advance(Duration.ofMinutes(30));
        assertThat(sdk.post("/emailVerifications/create", emailCreate("victim@example.com")).status()).isEqualTo(201);
    }

    @Test
    void signInsPerIpTripWhateverTheMethod() {
        SdkClient sdk = environmentWith(Map.of("signInsPerIpPerMinute", 4));
        assertThat(sdk.signInResponse(TestWallet.random(), "/verify").status()).isEqualTo(200);
        assertThat(sdk.signInResponse(TestWallet.random(), "/wallets/signin").status()).isEqualTo(200);
        // Failed attempts count too: that is what slows guessing.
        assertThat(sdk.post("/emailVerifications/signin", Json.writeString(Map.of(
                "verificationUUID", UUID.randomUUID().toString(), "verificationToken", "123456"))).status()).isEqualTo(422);
        assertThat(sdk.post("/smsVerifications/signin", Json.writeString(Map.of(
                "verificationUUID", UUID.randomUUID().toString(), "verificationToken", "123456"))).status()).isNotEqualTo(429);
        assertLimited(sdk.signInResponse(TestWallet.random(), "/wallets/signin"), 15);
        assertLimited(sdk.post("/externalAuth/signin", "{\"jwt\":\"x\"}"), 15);
        assertLimited(sdk.post("/verify", "{}"), 15);
        server.clock.advance(Duration.ofSeconds(15));
        assertThat(sdk.signInResponse(TestWallet.random(), "/verify").status()).isEqualTo(200);
    }

    @Test
    void signInsPerWalletTripForThatWalletOnlyAndOnlyWithItsSignature() {
        SdkClient sdk = environmentWith(Map.of("signInsPerWalletPerHour", 2));
        TestWallet owner = TestWallet.random();
        // Someone else's signatures for the owner's address are refused and do not use up the owner's budget.
        for (int i = 0; i < 3; i++) {
            String message = sdk.messageFor(owner, sdk.nonce());
            Http.Response forged = sdk.post("/wallets/signin",
                    SdkClient.verifyRequest(owner, message, TestWallet.random().sign(message)));
            assertThat(forged.status()).as(forged.toString()).isEqualTo(422);
        }
        assertThat(sdk.signInResponse(owner, "/wallets/signin").status()).isEqualTo(200);
        assertThat(sdk.signInResponse(owner, "/verify").status()).isEqualTo(200);
        // 2 per hour: one every 30 minutes.
        assertLimited(sdk.signInResponse(owner, "/wallets/signin"), 1800);
        assertThat(sdk.signInResponse(TestWallet.random(), "/wallets/signin").status()).isEqualTo(200);
        server.clock.advance(Duration.ofMinutes(30));
        assertThat(sdk.signInResponse(owner, "/wallets/signin").status()).isEqualTo(200);
    }

    @Test
    void refreshesPerSessionTripForThatSessionOnly() {
        SdkClient sdk = environmentWith(Map.of("refreshesPerSessionPerMinute", 2));
        String first = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String second = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        assertThat(sdk.post("/refresh", "", first).status()).isEqualTo(200);
        assertThat(sdk.post("/refresh", "", first).status()).isEqualTo(200);
        assertLimited(sdk.post("/refresh", "", first), 30);
        assertThat(sdk.post("/refresh", "", second).status()).isEqualTo(200);
        // A token that does not verify is refused as before and does not count against anyone.
        assertThat(sdk.post("/refresh", "", "not-a-token").status()).isEqualTo(401);
        server.clock.advance(Duration.ofSeconds(30));
        assertThat(sdk.post("/refresh", "", first).status()).isEqualTo(200);
    }

    static Http.Response userCheck(SdkClient sdk, String bearer, String field, String value) {
        return sdk.get("/users/check?filter%5Bfield%5D=" + field + "&filter%5Bvalue%5D="
                + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8), bearer);
    }

    @Test
    void userChecksPerSessionTripForThatSessionOnly() {
        SdkClient sdk = environmentWith(Map.of("userChecksPerSessionPerMinute", 3));
        String enumerator = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String someoneElse = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        assertThat(userCheck(sdk, enumerator, "email", "a@example.com").status()).isEqualTo(200);
        assertThat(userCheck(sdk, enumerator, "email", "b@example.com").status()).isEqualTo(200);
        assertThat(userCheck(sdk, enumerator, "username", "carol").status()).isEqualTo(200);
        // The 4th check of any address or username within the minute: 3 per minute, one every 20 s.
        assertLimited(userCheck(sdk, enumerator, "email", "d@example.com"), 20);
        assertLimited(userCheck(sdk, enumerator, "username", "dave"), 20);
        assertThat(userCheck(sdk, someoneElse, "email", "d@example.com").status()).isEqualTo(200);
        // A token that does not verify is a 401 and counts against no one.
        assertThat(userCheck(sdk, "not-a-token", "email", "e@example.com").status()).isEqualTo(401);
        server.clock.advance(Duration.ofSeconds(20));
        assertThat(userCheck(sdk, enumerator, "email", "d@example.com").status()).isEqualTo(200);
    }

    @Test
    void userChecksPerValueTripForThatAddressWhicheverSessionAsks() {
        SdkClient sdk = environmentWith(Map.of("userChecksPerValuePerHour", 2));
        List<String> sessions = List.of(sdk.signIn(TestWallet.random()).get("minifiedJwt").asString(),
                sdk.signIn(TestWallet.random()).get("minifiedJwt").asString(),
                sdk.signIn(TestWallet.random()).get("minifiedJwt").asString());
        assertThat(userCheck(sdk, sessions.get(0), "email", "victim@example.com").status()).isEqualTo(200);
        assertThat(userCheck(sdk, sessions.get(1), "email", "victim@example.com").status()).isEqualTo(200);
        // A third session, and the address in other letters: still the same address. 2 per hour: one every 30 min.
        assertLimited(userCheck(sdk, sessions.get(2), "email", "Victim@Example.COM"), 1800);
        assertThat(userCheck(sdk, sessions.get(2), "email", "other@example.com").status()).isEqualTo(200);
        assertThat(userCheck(sdk, sessions.get(0), "username", "victim").status()).isEqualTo(200);
        assertThat(userCheck(sdk, sessions.get(1), "username", "Victim").status()).isEqualTo(200);
        assertLimited(userCheck(sdk, sessions.get(2), "username", "VICTIM"), 1800);
        server.clock.advance(Duration.ofMinutes(30));
        assertThat(userCheck(sdk, sessions.get(2), "email", "victim@example.com").status()).isEqualTo(200);
    }

    @Test
    void adminRequestsPerApiTokenTrip() {
        String envId = server.createEnvironment();
        server.patchEnvironment(envId, "{\"settings\":{\"sigil\":{\"rateLimits\":{\"adminRequestsPerTokenPerMinute\":2}}}}");
        Http.Response created = server.http().post("/api/v0/admin/environments/" + envId + "/tokens",
                Json.writeString(Map.of("name", "backend", "scopes", List.of("keys:read"))),
                "Authorization", "Bearer " + TestServer.ADMIN_TOKEN, "Content-Type", "application/json");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String token = created.json().get("token").asString();
        String keys = "/api/v0/admin/environments/" + envId + "/keys";
        assertThat(server.http().get(keys, "Authorization", "Bearer " + token).status()).isEqualTo(200);
        assertThat(server.http().get(keys, "Authorization", "Bearer " + token).status()).isEqualTo(200);
        assertLimited(server.http().get(keys, "Authorization", "Bearer " + token), 30);
        // The operator token has its own budget.
        assertThat(server.http().get(keys, "Authorization", "Bearer " + TestServer.ADMIN_TOKEN).status()).isEqualTo(200);
        // A wrong token is still a 401, not a 429.
        assertThat(server.http().get(keys, "Authorization", "Bearer wrong").status()).isEqualTo(401);
        server.clock.advance(Duration.ofSeconds(30));
        assertThat(server.http().get(keys, "Authorization", "Bearer " + token).status()).isEqualTo(200);
    }

    @Test
    void operatorTokenIsLimitedAtTheConfiguredRateAcrossEnvironments() {
        try (TestServer operatorLimited = TestServer.start(MutableClock.startingNow(),
                c -> c.operatorRequestsPerMinute(2))) {
            String first = operatorLimited.createEnvironment();
            String second = operatorLimited.createEnvironment();
            assertLimited(operatorLimited.http().get("/api/v0/admin/environments/" + first + "/keys",
                    "Authorization", "Bearer " + TestServer.ADMIN_TOKEN), 30);
            assertLimited(operatorLimited.http().get("/api/v0/admin/environments/" + second + "/keys",
                    "Authorization", "Bearer " + TestServer.ADMIN_TOKEN), 30);
            operatorLimited.clock.advance(Duration.ofSeconds(30));
            assertThat(operatorLimited.http().get("/api/v0/admin/environments/" + second + "/keys",
                    "Authorization", "Bearer " + TestServer.ADMIN_TOKEN).status()).isEqualTo(200);
        }
    }

    @Test
    void corsPreflightsAreNotCounted() {
        SdkClient sdk = environmentWith(Map.of("noncesPerIpPerMinute", 1));
        for (int i = 0; i < 5; i++) {
            Http.Response preflight = server.http().send("OPTIONS", sdk.path("/nonce"), null, "Origin", TestServer.ORIGIN,
                    "Access-Control-Request-Method", "GET");
            assertThat(preflight.status()).isEqualTo(204);
        }
        assertThat(sdk.get("/nonce").status()).isEqualTo(200);
    }

    @Test
    void forwardedForIsIgnoredFromUntrustedPeers() {
        SdkClient sdk = environmentWith(Map.of("noncesPerIpPerMinute", 2));
        for (int i = 0; i < 2; i++) {
            assertThat(nonceFrom(server, sdk, "203.0.113." + i).status()).isEqualTo(200);
        }
        // 127.0.0.1 is not a trusted proxy here: a new X-Forwarded-For does not buy a new budget.
        assertThat(nonceFrom(server, sdk, "203.0.113.99").status()).isEqualTo(429);
    }

    @Test
    void forwardedForNamesTheClientBehindATrustedProxy() {
        try (TestServer proxied = TestServer.start(MutableClock.startingNow(),
                c -> c.trustedProxies(TrustedProxies.parse("127.0.0.1, 10.0.0.0/8")))) {
            String id = proxied.createEnvironment();
            proxied.patchEnvironment(id, "{\"settings\":{\"sigil\":{\"rateLimits\":{\"noncesPerIpPerMinute\":2}}}}");
            SdkClient sdk = new SdkClient(proxied, id);
            assertThat(nonceFrom(proxied, sdk, "203.0.113.7").status()).isEqualTo(200);
            assertThat(nonceFrom(proxied, sdk, "198.51.100.1, 203.0.113.7, 10.1.1.1").status()).isEqualTo(200);
            // Forged entries left of the real client change nothing.
            assertThat(nonceFrom(proxied, sdk, "192.0.2.55, 203.0.113.7").status()).isEqualTo(429);
            assertThat(nonceFrom(proxied, sdk, "203.0.113.8").status()).isEqualTo(200);
            // A malformed entry stops the walk at the proxy: its own address counts then.
            assertThat(nonceFrom(proxied, sdk, "203.0.113.9, unknown").status()).isEqualTo(200);
            assertThat(nonceFrom(proxied, sdk, "203.0.113.10, not-an-ip").status()).isEqualTo(200);
            assertThat(nonceFrom(proxied, sdk, "203.0.113.11, ???").status()).isEqualTo(429);
        }
    }

    private static Http.Response nonceFrom(TestServer target, SdkClient sdk, String forwardedFor) {
        return target.http().get(sdk.path("/nonce"), "Origin", TestServer.ORIGIN, "X-Forwarded-For", forwardedFor);
    }
}
