package dev.sigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the request parsing of every SDK endpoint through real HTTP: one test server for the class, fuzzed JSON bodies
 * POSTed or PUT to each body-taking route and fuzzed query strings sent to each GET route, with and without a valid
 * bearer. Whatever arrives, the answer is never a 5xx, and every error is the spec's JSON shape
 * {@code {"error": string}}.
 *
 * <p>Input layout (so the committed seeds stay readable): byte 0 picks the route from {@link #ROUTES}, bit 0 of byte 1
 * sends the bearer token of a live session, the rest is the body (or for GET routes the query string) as UTF-8.
 */
class SdkRequestFuzzTest {

    record Route(String method, String endpoint) {
        boolean takesQuery() {
            return method.equals("GET");
        }
    }

    /** Every POST and PUT route of the SDK API (checked against openapi.json below), then the GET routes. */
    static final List<Route> ROUTES = List.of(
            new Route("POST", "/verify"),
            new Route("POST", "/wallets/signin"),
            new Route("POST", "/verify/link"),
            new Route("POST", "/wallets/verify"),
            new Route("POST", "/verify/unlink"),
            new Route("POST", "/refresh"),
            new Route("POST", "/revoke"),
            new Route("PUT", "/users"),
            new Route("POST", "/externalAuth/signin"),
            new Route("POST", "/emailVerifications/create"),
            new Route("POST", "/emailVerifications/retry"),
            new Route("POST", "/emailVerifications/signin"),
            new Route("POST", "/emailVerifications/verify"),
            new Route("POST", "/smsVerifications/create"),
            new Route("POST", "/smsVerifications/retry"),
            new Route("POST", "/smsVerifications/signin"),
            new Route("POST", "/smsVerifications/verify"),
            new Route("GET", "/nonce"),
            new Route("GET", "/nonces"),
            new Route("GET", "/users/check"),
            new Route("GET", "/settings"),
            new Route("GET", "/session"),
            new Route("GET", "/users"),
            new Route("GET", "/healthcheck"),
            new Route("GET", "/.well-known/jwks.json"));

    static TestServer server;
    static SdkClient sdk;
    static String bearer;
    private static Level rootLevel;

    @BeforeAll
    static void start() {
        // Hundreds of requests a second: keep the access log quiet, but let the error mapper's 500 traces through.
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.ERROR);
        server = TestServer.start();
        sdk = new SdkClient(server, server.createEnvironment());
        // The test clock stands still, so without this every limited route would be a 429 after its first burst
        // and the fuzzer would only ever reach the rate limiter.
        server.liftRateLimits(sdk.environmentId());
        signIn();
    }

    @AfterAll
    static void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(rootLevel);
    }

    private static void signIn() {
        bearer = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"{\"", "\":\"", "\",\"", "\":null", "\":1e999", "\":[]", "\":{}", "\":true", "\\u0000", "\\ud800",
            "messageToSign", "signedMessage", "publicWalletAddress", "chain", "EVM", "SOL", "walletName", "walletProvider",
            "network", "verifiedCredentialId", "sessionPublicKey", "jwt", "email", "verificationUUID", "verificationToken",
            "phoneNumber", "phoneCountryCode", "isoCountryCode", "+1", "US", "4155552671", "a@b.co", "username", "firstName",
            "metadata", "country", "captchaToken", "mfaBackupCodeAcknowledgement", "count=", "filter[email]=",
            "filter[username]=", "%00", "%C0%AF", "0xABC0000000000000000000000000000000000001"})
    void answersEveryRequestWithoutServerError(byte[] input) {
        allowLoopbackConnections();
        if (input.length < 2) {
            return;
        }
        Route route = ROUTES.get((input[0] & 0xff) % ROUTES.size());
        boolean withBearer = (input[1] & 1) != 0;
        String text = new String(input, 2, input.length - 2, StandardCharsets.UTF_8);
        Http.Response response = send(route, withBearer, text);
        if (withBearer && response.status() == 401) {
            // The fuzzer revoked, refreshed or unlinked its way out of the session: the next input gets a fresh one.
            signIn();
        }
        assertThat(response.status()).as("%s %s %s", route, text, response).isLessThan(500);
        if (response.status() >= 400) {
            assertThat(response.header("Content-Type").orElse("")).as(response.toString()).startsWith("application/json");
            JsonNode error = response.json();
            assertThat(error.isObject() && error.path("error").isString()).as(response.toString()).isTrue();
        }
    }

    /**
     * Jazzer's SSRF detector reports every connection; the only server this test talks to is its own, on loopback.
     * Set for every input: the detector exists only once Jazzer's agent is in (after {@code @BeforeAll}), and Jazzer
     * resets it between replaying the corpus and fuzzing.
     */
    private static void allowLoopbackConnections() {
        BugDetectors.allowNetworkConnections((host, port) -> isLoopback(host));
    }

    private static Http.Response send(Route route, boolean withBearer, String text) {
        List<String> headers = new ArrayList<>(List.of("Origin", TestServer.ORIGIN, "Content-Type", "application/json"));
        if (withBearer) {
            headers.addAll(List.of("Authorization", "Bearer " + bearer));
        }
        String path = sdk.path(route.endpoint());
        if (route.takesQuery()) {
            return server.http().send("GET", path + "?" + queryString(text), null, headers.toArray(String[]::new));
        }
        return server.http().send(route.method(), path, text, headers.toArray(String[]::new));
    }

    /**
     * The text as a query string the client can send: characters a URI cannot hold are percent-encoded as UTF-8, and so
     * is a '%' that does not start an escape. Valid escapes stay, so the server still decodes hostile bytes such as
     * {@code %00} or overlong UTF-8.
     */
    static String queryString(String text) {
        StringBuilder out = new StringBuilder();
        HexFormat hex = HexFormat.of().withUpperCase();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean escape = c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2));
            if (escape || isQuerySafe(c)) {
                out.append(c);
            } else {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(hex.toHexDigits(b));
                }
            }
        }
        return out.toString();
    }

    private static boolean isQuerySafe(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0 && c < 128;
    }

    /** The route table above must follow the API: a new body-taking SDK route gets fuzzed too. */
    @Test
    void coversEveryPostAndPutRouteOfTheSdkApi() throws IOException {
        JsonNode paths;
        try (InputStream in = SdkRequestFuzzTest.class.getResourceAsStream("/openapi.json")) {
            paths = Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8)).get("paths");
        }
        List<Route> documented = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            String prefix = "/api/v0/sdk/{environmentId}";
            if (!path.getKey().startsWith(prefix)) {
                continue;
            }
            for (String method : List.of("post", "put")) {
                if (path.getValue().has(method)) {
                    documented.add(new Route(method.toUpperCase(java.util.Locale.ROOT), path.getKey().substring(prefix.length())));
                }
            }
        }
        assertThat(ROUTES.stream().filter(r -> !r.takesQuery()).toList()).containsExactlyInAnyOrderElementsOf(documented);
    }
}
