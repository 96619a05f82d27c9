package dev.sigil.attack;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admin API attacks: wrong credentials in every shape, and scoped tokens trying to do more than their scopes or to
 * reach another environment. {@code admin/AdminTokensTest} covers the scope of each user, session, key and audit
 * endpoint; here the escalation paths: minting tokens, granting scopes, changing the environment (its origins are
 * its trust boundary), webhooks (a channel to exfiltrate user data), the dev outbox, and credentials crossing between
 * the admin and the SDK API.
 */
class AdminAttackTest {
    static final String OPERATOR = TestServer.ADMIN_TOKEN;
    static TestServer server;
    static String env;
    static String otherEnv;
    static String userId;
    static JsonNode signedIn;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        env = server.createEnvironment();
        otherEnv = server.createEnvironment();
        signedIn = new SdkClient(server, env).signIn(TestWallet.random());
        userId = signedIn.get("user").get("id").asString();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Http.Response call(String authorization, String method, String path, String body) {
        return server.http().send(method, "/api/v0/admin" + path, body, "Authorization", authorization,
                "Content-Type", "application/json");
    }

    static Http.Response as(String token, String method, String path, String body) {
        return call("Bearer " + token, method, path, body);
    }

    static JsonNode createToken(String environment, String... scopes) {
        Http.Response created = as(OPERATOR, "POST", "/environments/" + environment + "/tokens",
                Json.writeString(Map.of("name", "attack", "scopes", List.of(scopes))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    static String token(String environment, String... scopes) {
        return createToken(environment, scopes).get("token").asString();
    }

    static void assertError(Http.Response response, int status, String error) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.json().get("error").asString()).as(response.toString()).isEqualTo(error);
        assertThat(response.header("Content-Type").orElseThrow()).startsWith("application/json");
    }

    @Test
    void missingOrMalformedAuthorizationIs401() {
        String users = "/api/v0/admin/environments/" + env + "/users";
        assertError(server.http().get(users), 401, "admin bearer token required");
        for (String header : List.of("Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + OPERATOR).getBytes()),
                OPERATOR, "Token " + OPERATOR, "Bearer" + OPERATOR, "")) {
            assertError(server.http().get(users, "Authorization", header), 401, "admin bearer token required");
        }
        // The token in the query string or a cookie is never read.
        assertError(server.http().get(users + "?token=" + OPERATOR + "&access_token=" + OPERATOR), 401, "admin bearer token required");
        assertError(server.http().get(users, "Cookie", "DYNAMIC_JWT_TOKEN=" + OPERATOR + "; token=" + OPERATOR), 401,
                "admin bearer token required");
    }

    @Test
    void nearMissesOfTheOperatorTokenAreInvalid() {
        String path = "/environments/" + env + "/users";
        for (String guess : List.of(OPERATOR.substring(0, OPERATOR.length() - 1), OPERATOR + "x", OPERATOR.toUpperCase(),
                OPERATOR.substring(1), "' OR '1'='1", OPERATOR.replace('-', '_'), "*", "%")) {
            assertError(as(guess, "GET", path, null), 401, "invalid admin token");
        }
        assertThat(as(OPERATOR, "GET", path, null).status()).isEqualTo(200);
    }

    @Test
    void nearMissesAndRevokedApiTokensAreInvalid() {
        JsonNode created = createToken(env, "users:read");
        String secret = created.get("token").asString();
        String path = "/environments/" + env + "/users";
        assertThat(as(secret, "GET", path, null).status()).isEqualTo(200);
        char last = secret.charAt(secret.length() - 1);
        for (String guess : List.of(secret.substring(0, secret.length() - 1) + (last == 'A' ? 'B' : 'A'), secret + "A",
                secret.substring(0, secret.length() - 1), secret.toLowerCase(), "sigil_at_", "sigil_at_%", "sigil_at_' OR 1=1 --")) {
            assertThat(as(guess, "GET", path, null).status()).as(guess + " for " + secret).isEqualTo(401);
            assertError(as(guess, "GET", path, null), 401, "invalid admin token");
        }
        assertThat(as(OPERATOR, "DELETE", "/environments/" + env + "/tokens/" + created.get("id").asString(), null).status())
                .isEqualTo(204);
        assertError(as(secret, "GET", path, null), 401, "invalid admin token");
    }

    @Test
    void aTokenDifferingOnlyInCaseIsRefusedOnTheSameConnection() throws Exception {
        // Regression: Jetty's per-connection header cache matched values ignoring case, so the second request
        // below was seen with the first request's (valid) Authorization value.
        String secret = token(env, "users:read");
        String path = "/api/v0/admin/environments/" + env + "/users";
        java.net.URI base = java.net.URI.create(server.baseUrl());
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
            var out = socket.getOutputStream();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (String presented : List.of(secret, secret.toLowerCase(), secret.toUpperCase(), OPERATOR, OPERATOR.toUpperCase())) {
                out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Bearer " + presented
                        + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.flush();
                statuses.add(Integer.parseInt(in.readLine().split(" ")[1]));
                int length = 0;
                boolean chunked = false;
                for (String line; !(line = in.readLine()).isEmpty(); ) {
                    String lower = line.toLowerCase();
                    if (lower.startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                    chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
                }
                if (chunked) {
                    for (int size; (size = Integer.parseInt(in.readLine().trim(), 16)) > 0; ) {
                        in.skip(size);
                        in.readLine();
                    }
                    in.readLine();
                } else {
                    in.skip(length);
                }
            }
            assertThat(statuses).containsExactly(200, 401, 401, 200, 401);
        }
    }

    @Test
    void sdkAndAdminCredentialsDoNotCross() {
        // A user's JWT is no admin token, and no admin token is a user's JWT.
        String jwt = signedIn.get("minifiedJwt").asString();
        assertError(as(jwt, "GET", "/environments/" + env + "/users", null), 401, "invalid admin token");
        assertError(as(signedIn.get("jwt").asString(), "GET", "/environments/" + env + "/users", null), 401, "invalid admin token");
        SdkClient sdk = new SdkClient(server, env);
        for (String adminToken : List.of(OPERATOR, token(env, "users:read", "users:write"))) {
            assertError(sdk.get("/users", adminToken), 401, "malformed token");
            assertError(sdk.post("/refresh", null, adminToken), 401, "malformed token");
        }
    }

    @Test
    void aReadOnlyTokenCannotMintTokensGrantItselfScopesOrWrite() {
        String env = server.createEnvironment();
        String userId = new SdkClient(server, env).signIn(TestWallet.random()).get("user").get("id").asString();
        JsonNode created = createToken(env, "users:read");
        String readOnly = created.get("token").asString();
        String e = "/environments/" + env;
        for (Http.Response response : List.of(
                as(readOnly, "POST", e + "/tokens", "{\"name\": \"mine\", \"scopes\": [\"users:write\", \"keys:write\"]}"),
                as(readOnly, "DELETE", e + "/tokens/" + created.get("id").asString(), null),
                as(readOnly, "GET", e + "/tokens", null),
                as(readOnly, "PATCH", e, "{\"allowedOrigins\": [\"https://attacker.example\"]}"),
                as(readOnly, "PATCH", e, "{\"settings\": {\"sigil\": {\"otp\": {\"maxAttempts\": 1000000}}}}"),
                as(readOnly, "POST", "/environments", "{\"name\": \"mine\"}"),
                as(readOnly, "GET", "/environments", null))) {
            assertError(response, 403, "this endpoint requires the operator token");
        }
        record Case(String method, String path, String body, String scope) {
        }
        for (Case c : List.of(
                new Case("PATCH", e + "/users/" + userId, "{\"username\": \"mallory\"}", "users:write"),
                new Case("DELETE", e + "/users/" + userId, null, "users:write"),
                new Case("POST", e + "/users/" + userId + "/block", null, "users:write"),
                new Case("POST", e + "/keys/rotate", null, "keys:write"),
                new Case("GET", e + "/keys", null, "keys:read"),
                new Case("POST", e + "/webhooks", "{\"url\": \"https://attacker.example/hook\", \"events\": [\"user.created\"]}",
                        "webhooks:write"),
                new Case("GET", e + "/webhooks", null, "webhooks:read"),
                new Case("GET", e + "/audit", null, "audit:read"),
                new Case("POST", e + "/sessions/revoke", null, "sessions:write"))) {
            assertError(as(readOnly, c.method(), c.path(), c.body()), 403, "this action requires scope " + c.scope());
        }
        // Nothing changed: the token still has only its scope, the user is intact, the origins are the test's.
        JsonNode tokens = as(OPERATOR, "GET", e + "/tokens", null).json().get("tokens");
        assertThat(tokens.toString()).doesNotContain("users:write").doesNotContain("keys:write");
        JsonNode user = as(OPERATOR, "GET", e + "/users/" + userId, null).json();
        assertThat(user.get("username").isNull()).isTrue();
        assertThat(user.get("blocked").asBoolean()).isFalse();
        assertThat(as(OPERATOR, "GET", e, null).json().get("allowedOrigins").toString()).isEqualTo("[\"" + TestServer.ORIGIN + "\"]");
        assertThat(as(OPERATOR, "GET", e + "/webhooks", null).json().get("webhooks")).isEmpty();
    }

    @Test
    void aTokenWithEveryScopeStillCannotManageTokensOrEnvironments() {
        String all = token(env, "users:read", "users:write", "sessions:read", "sessions:write", "keys:read", "keys:write",
                "audit:read", "webhooks:read", "webhooks:write");
        JsonNode victim = createToken(env, "audit:read");
        for (Http.Response response : List.of(
                as(all, "DELETE", "/environments/" + env + "/tokens/" + victim.get("id").asString(), null),
                as(all, "POST", "/environments/" + env + "/tokens", "{\"name\": \"x\", \"scopes\": [\"users:read\"]}"),
                as(all, "POST", "/environments/" + otherEnv + "/tokens", "{\"name\": \"x\", \"scopes\": [\"users:read\"]}"),
                as(all, "PATCH", "/environments/" + env, "{\"name\": \"taken over\"}"),
                as(all, "GET", "/environments/" + otherEnv, null))) {
            assertError(response, 403, "this endpoint requires the operator token");
        }
        // Key rotation is what keys:write is for: allowed in its own environment.
        assertThat(as(all, "POST", "/environments/" + env + "/keys/rotate", null).status()).isEqualTo(201);
        assertThat(as(victim.get("token").asString(), "GET", "/environments/" + env + "/audit", null).status()).isEqualTo(200);
    }

    @Test
    void aTokenOfOneEnvironmentCannotTouchAnotherEvenWithEveryScope() {
        String all = token(env, "users:read", "users:write", "sessions:read", "sessions:write", "keys:read", "keys:write",
                "audit:read", "webhooks:read", "webhooks:write");
        String o = "/environments/" + otherEnv;
        String userOfOther = new SdkClient(server, otherEnv).signIn(TestWallet.random()).get("user").get("id").asString();
        String keysBefore = as(OPERATOR, "GET", o + "/keys", null).body();
        for (Http.Response response : List.of(
                as(all, "POST", o + "/keys/rotate", null),
                as(all, "POST", o + "/keys/x/retire", null),
                as(all, "POST", o + "/webhooks", "{\"url\": \"https://attacker.example/hook\", \"events\": [\"user.created\"]}"),
                as(all, "GET", o + "/webhooks", null),
                as(all, "DELETE", o + "/users/" + userOfOther, null),
                as(all, "PATCH", o + "/users/" + userOfOther, "{\"username\": \"mallory\"}"),
                as(all, "POST", o + "/users/" + userOfOther + "/sessions/revoke", null),
                // Other spellings of an environment id are not the token's environment either.
                as(all, "GET", "/environments/" + env.toUpperCase() + "/users", null),
                as(all, "GET", "/environments/" + env + "%20/users", null),
                as(all, "GET", "/environments/" + env.substring(1) + "/users", null))) {
            assertError(response, 404, "environment not found");
        }
        // Nor is the other environment's user reachable through the token's own environment.
        assertThat(as(all, "DELETE", "/environments/" + env + "/users/" + userOfOther, null).status()).isEqualTo(404);
        assertThat(as(OPERATOR, "GET", o + "/keys", null).body()).isEqualTo(keysBefore);
        assertThat(as(OPERATOR, "GET", o + "/users/" + userOfOther, null).json().get("username").isNull()).isTrue();
        assertThat(as(OPERATOR, "GET", o + "/webhooks", null).json().get("webhooks")).isEmpty();
    }

    @Test
    void theDevOutboxDoesNotExistOutsideDevMode() {
        Http.Response response = as(OPERATOR, "GET", "/environments/" + env + "/dev/outbox", null);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("code").asString()).isEqualTo("not_found");
    }
}
