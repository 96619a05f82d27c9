package dev.sigil.profile;

import dev.sigil.testing.Http;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cookie mode: {@code DYNAMIC_JWT_TOKEN} set with every VerifyResponse, read back as the bearer, cleared on revoke. */
class CookieModeTest {
    static final String HTTPS_ORIGIN = "https://app.example.com";
    static final String COOKIE_MODE = "{\"settings\": {\"security\": {\"auth\": {\"storage\": [\"localstorage\", \"cookie\"]}}}}";
    static TestServer server;
    static SdkClient local;
    static SdkClient secure;

    @BeforeAll
    static void start() {
        server = TestServer.start(MutableClock.startingNow());
        String id = server.createEnvironment(List.of(TestServer.ORIGIN, HTTPS_ORIGIN));
        server.patchEnvironment(id, COOKIE_MODE);
        local = new SdkClient(server, id);
        secure = new SdkClient(server, id, HTTPS_ORIGIN);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<String> setCookies(Http.Response response) {
        return response.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    static String cookieValue(Http.Response response) {
        List<String> cookies = setCookies(response);
        assertThat(cookies).as(response.toString()).hasSize(1);
        String first = cookies.getFirst().split(";")[0];
        assertThat(first).startsWith("DYNAMIC_JWT_TOKEN=");
        return first.substring("DYNAMIC_JWT_TOKEN=".length());
    }

    static Http.Response withCookie(SdkClient sdk, String method, String endpoint, String body, String token) {
        return server.http().send(method, sdk.path(endpoint), body, "Origin", TestServer.ORIGIN,
                "Content-Type", "application/json", "Cookie", "DYNAMIC_JWT_TOKEN=" + token);
    }

    @Test
    void signInSetsAnHttpOnlyLaxCookieWithTheMinifiedTokenUntilExpiresAt() {
        Http.Response response = local.signInResponse(TestWallet.random(), "/wallets/signin");

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(cookieValue(response)).isEqualTo(body.get("minifiedJwt").asString());
        String cookie = setCookies(response).getFirst();
        long expiresAt = body.get("expiresAt").asLong();
        assertThat(cookie).contains("; Path=/").contains("; HttpOnly").contains("; SameSite=Lax")
                .contains("; Max-Age=" + (expiresAt - server.clock.instant().getEpochSecond()))
                .contains("; Expires=" + DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC)
                        .format(Instant.ofEpochSecond(expiresAt)))
                .as("http://localhost is not Secure").doesNotContain("Secure");
        assertThat(body.get("jwt").asString()).as("tokens stay in the body").isNotBlank();
        assertThat(response.header("Access-Control-Allow-Credentials")).contains("true");
    }

    @Test
    void anHttpsOriginGetsASecureCookie() {
        Http.Response response = secure.signInResponse(TestWallet.random(), "/wallets/signin");
        assertThat(response.status()).isEqualTo(200);
        assertThat(setCookies(response).getFirst()).endsWith("; Secure");
    }

    @Test
    void theCookieAloneAuthenticatesAndEveryVerifyResponseRenewsIt() {
        String token = cookieValue(local.signInResponse(TestWallet.random(), "/wallets/signin"));

        assertThat(withCookie(local, "GET", "/users", null, token).status()).isEqualTo(200);
        assertThat(withCookie(local, "GET", "/session", null, token).status()).isEqualTo(204);
        Http.Response updated = withCookie(local, "PUT", "/users", "{\"firstName\": \"Cookie\"}", token);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(cookieValue(updated)).isEqualTo(updated.json().get("minifiedJwt").asString());
        Http.Response refreshed = withCookie(local, "POST", "/refresh", "", token);
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(cookieValue(refreshed)).isEqualTo(refreshed.json().get("minifiedJwt").asString());
        // A GET that answers no tokens sets no cookie.
        assertThat(setCookies(withCookie(local, "GET", "/users", null, token))).isEmpty();
    }

    @Test
    void revokeClearsTheCookieAndTheTokenDies() {
        String token = cookieValue(local.signInResponse(TestWallet.random(), "/wallets/signin"));

        Http.Response revoked = withCookie(local, "POST", "/revoke", "", token);

        assertThat(revoked.status()).isEqualTo(204);
        assertThat(cookieValue(revoked)).isEmpty();
        assertThat(setCookies(revoked).getFirst()).contains("; Max-Age=0");
        Http.Response after = withCookie(local, "GET", "/users", null, token);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("error").isString()).isTrue();
    }

    /**
     * Forced logout: a page on any site can submit a form to /revoke as a top-level navigation, and the browser applies
     * the Set-Cookie of that response whatever its status. The 403 for the foreign Origin must not clear the cookie.
     */
    @Test
    void revokeFromAForeignOriginIsRefusedAndLeavesTheCookieAlone() {
        String token = cookieValue(local.signInResponse(TestWallet.random(), "/wallets/signin"));

        for (String origin : new String[]{"https://evil.example", "null"}) {
            Http.Response refused = server.http().send("POST", local.path("/revoke"), "", "Origin", origin,
                    "Content-Type", "application/x-www-form-urlencoded", "Cookie", "DYNAMIC_JWT_TOKEN=" + token);

            assertThat(refused.status()).as(origin).isEqualTo(403);
            assertThat(refused.json().get("error").isString()).isTrue();
            assertThat(setCookies(refused)).as(origin).isEmpty();
        }
        assertThat(withCookie(local, "GET", "/users", null, token).status()).as("the session lives").isEqualTo(200);
    }

    @Test
    void revokeWithoutALiveTokenIsRefusedAndLeavesTheCookieAlone() {
        String token = cookieValue(local.signInResponse(TestWallet.random(), "/wallets/signin"));
        Http.Response noToken = server.http().send("POST", local.path("/revoke"), "", "Origin", TestServer.ORIGIN,
                "Content-Type", "application/json");
        Http.Response badToken = withCookie(local, "POST", "/revoke", "", token.substring(0, token.length() - 2));

        for (Http.Response refused : List.of(noToken, badToken)) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.json().get("error").isString()).isTrue();
            assertThat(setCookies(refused)).as(refused.toString()).isEmpty();
        }
        // Revoked once, the token cannot revoke again; the second answer does not clear whatever cookie is there now.
        assertThat(withCookie(local, "POST", "/revoke", "", token).status()).isEqualTo(204);
        Http.Response again = withCookie(local, "POST", "/revoke", "", token);
        assertThat(again.status()).isEqualTo(401);
        assertThat(setCookies(again)).isEmpty();
    }

    @Test
    void deletingTheUserClearsTheCookie() {
        String token = cookieValue(local.signInResponse(TestWallet.random(), "/wallets/signin"));
        Http.Response deleted = withCookie(local, "DELETE", "/users", null, token);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(setCookies(deleted).getFirst()).startsWith("DYNAMIC_JWT_TOKEN=;").contains("Max-Age=0");
    }

    @Test
    void anAuthorizationHeaderWinsOverTheCookie() {
        String token = cookieValue(local.signInResponse(TestWallet.random(), "/wallets/signin"));
        Http.Response response = server.http().get(local.path("/users"), "Origin", TestServer.ORIGIN,
                "Authorization", "Bearer not-a-token", "Cookie", "DYNAMIC_JWT_TOKEN=" + token);
        assertThat(response.status()).isEqualTo(401);
    }

    @Test
    void headerModeSetsNoCookieAndIgnoresOne() {
        SdkClient headerMode = new SdkClient(server, server.createEnvironment());
        Http.Response response = headerMode.signInResponse(TestWallet.random(), "/wallets/signin");
        assertThat(response.status()).isEqualTo(200);
        assertThat(setCookies(response)).isEmpty();
        assertThat(response.header("Access-Control-Allow-Credentials")).isEmpty();
        Http.Response cookieOnly = withCookie(headerMode, "GET", "/users", null, response.json().get("minifiedJwt").asString());
        assertThat(cookieOnly.status()).isEqualTo(401);
    }
}
