package dev.sigil.attack;

import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CORS attacks: an origin is allowed only when it equals one of the environment's allowed origins exactly. Near
 * misses (suffixes, other schemes or ports, {@code null}) get no {@code Access-Control-Allow-Origin} on preflights or
 * real requests, real requests from them are 403, and credentials are only ever allowed for one exact origin,
 * never for {@code *}. {@code http/CorsAndLimitsTest} covers the allowed origin's preflight and a plain foreign origin.
 */
class CorsAttackTest {
    static final String APP = "https://app.example.com";
    static TestServer server;
    static String env;
    static String cookieEnv;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        env = server.createEnvironment(List.of(APP, TestServer.ORIGIN));
        cookieEnv = server.createEnvironment(List.of(APP));
        server.patchEnvironment(cookieEnv, "{\"settings\": {\"security\": {\"auth\": {\"storage\": [\"localstorage\", \"cookie\"]}}}}");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Http.Response preflight(String environment, String origin, String endpoint) {
        return server.http().send("OPTIONS", "/api/v0/sdk/" + environment + endpoint, null, "Origin", origin,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type");
    }

    static void assertNoCorsGrant(Http.Response response) {
        assertThat(response.header("Access-Control-Allow-Origin")).as(response.toString()).isEmpty();
        assertThat(response.header("Access-Control-Allow-Credentials")).as(response.toString()).isEmpty();
        assertThat(response.header("Access-Control-Allow-Headers")).as(response.toString()).isEmpty();
        assertThat(response.header("Access-Control-Allow-Methods")).as(response.toString()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "https://app.example.com.evil.com", "https://evil.com", "http://app.example.com",
            "https://app.example.com:8443", "https://app.example.com:443", "https://APP.EXAMPLE.COM", "https://sub.app.example.com",
            "https://app.example.co", "https://app.example.com.", "https://app.example.com/", "https://evilapp.example.com",
            "https://app.example.com@evil.com", "https://app.example.com, https://evil.com", "*", "https://app.example.com%00",
            "http://localhost:3001", "http://localhost", "https://localhost:3000", "http://127.0.0.1:3000", "file://"})
    void nearMissOriginsGetNoGrantOnPreflightsOrRequests(String origin) {
        for (String environment : List.of(env, cookieEnv)) {
            SdkClient client = new SdkClient(server, environment, origin);
            for (String endpoint : List.of("/refresh", "/nonce", "/wallets/signin", "/users", "/emailVerifications/create")) {
                Http.Response response = preflight(environment, origin, endpoint);
                assertThat(response.status()).isLessThan(500);
                assertNoCorsGrant(response);
            }
            for (Http.Response response : List.of(client.get("/nonce"), client.post("/wallets/signin", "{}"),
                    client.post("/refresh", null, "x.y.z"), client.get("/settings"))) {
                assertThat(response.status()).as(response.toString()).isEqualTo(403);
                assertThat(response.json().get("error").asString()).isEqualTo("origin not allowed");
                assertNoCorsGrant(response);
                assertThat(response.header("Vary").orElseThrow()).contains("Origin");
            }
        }
    }

    @Test
    void allowedOriginsAreEchoedExactlyNeverAsAWildcard() {
        for (String origin : List.of(APP, TestServer.ORIGIN)) {
            Http.Response preflight = preflight(env, origin, "/refresh");
            assertThat(preflight.header("Access-Control-Allow-Origin")).contains(origin);
            Http.Response request = new SdkClient(server, env, origin).get("/nonce");
            assertThat(request.status()).isEqualTo(200);
            assertThat(request.header("Access-Control-Allow-Origin")).contains(origin);
            assertThat(request.headers().get("access-control-allow-origin")).hasSize(1);
            assertThat(request.header("Access-Control-Allow-Credentials")).isEmpty();
        }
    }

    @Test
    void credentialsAreAllowedOnlyWithTheExactOriginInCookieMode() {
        Http.Response preflight = preflight(cookieEnv, APP, "/refresh");
        assertThat(preflight.header("Access-Control-Allow-Origin")).contains(APP);
        assertThat(preflight.header("Access-Control-Allow-Credentials")).contains("true");
        Http.Response signIn = new SdkClient(server, cookieEnv, APP).signInResponse(TestWallet.random(), "/wallets/signin");
        assertThat(signIn.status()).isEqualTo(200);
        assertThat(signIn.header("Access-Control-Allow-Origin")).contains(APP);
        assertThat(signIn.header("Access-Control-Allow-Credentials")).contains("true");

        // The other environment allows the same origin but not cookies: no credentials there.
        assertThat(preflight(env, APP, "/refresh").header("Access-Control-Allow-Credentials")).isEmpty();
        // And a cookie-mode environment never grants credentials to a stranger, with or without a wildcard.
        for (String stranger : List.of("https://evil.com", "null", "*")) {
            assertNoCorsGrant(preflight(cookieEnv, stranger, "/refresh"));
        }
    }

    @Test
    void publicEndpointsAnswerStrangersWithoutGrantingCredentials() {
        for (String endpoint : List.of("/.well-known/jwks", "/.well-known/jwks.json", "/healthcheck")) {
            for (String environment : List.of(env, cookieEnv)) {
                Http.Response response = new SdkClient(server, environment, "https://evil.com").get(endpoint);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("Access-Control-Allow-Credentials")).isEmpty();
                assertThat(response.header("Access-Control-Allow-Origin").orElse("")).isNotEqualTo("*")
                        .isNotEqualTo("https://evil.com");
            }
        }
    }

    @Test
    void theAdminApiGrantsNoOriginAtAll() {
        for (String origin : List.of(APP, TestServer.ORIGIN, "https://evil.com", "null")) {
            Http.Response preflight = server.http().send("OPTIONS", "/api/v0/admin/environments", null, "Origin", origin,
                    "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
            assertNoCorsGrant(preflight);
            Http.Response request = server.http().get("/api/v0/admin/environments", "Origin", origin,
                    "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
            assertNoCorsGrant(request);
        }
    }

    @Test
    void anUnknownOrMalformedEnvironmentGrantsNothing() {
        for (String id : List.of("00000000-0000-4000-8000-000000000000", "not-an-environment")) {
            Http.Response preflight = server.http().send("OPTIONS", "/api/v0/sdk/" + id + "/refresh", null, "Origin", APP,
                    "Access-Control-Request-Method", "POST");
            assertNoCorsGrant(preflight);
            assertNoCorsGrant(server.http().get("/api/v0/sdk/" + id + "/nonce", "Origin", APP));
        }
    }
}
