package dev.sigil.admin;

import dev.sigil.testing.Http;
import dev.sigil.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class AdminTokensTest {
    static TestServer server;
    static AdminFixture admin;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        admin = new AdminFixture(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenIsShownOnceListedWithoutSecretAndStopsWorkingWhenRevoked() {
        String env = server.createEnvironment();
        Http.Response created = admin.env(env, "POST", "/tokens", "{\"name\": \"backend\", \"scopes\": [\"users:read\", \"audit:read\"]}");
        assertThat(created.status()).isEqualTo(201);
        String secret = created.json().get("token").asString();
        String id = created.json().get("id").asString();
        assertThat(secret).matches("sigil_at_[A-Za-z0-9_-]{43}");
        assertThat(created.json().get("scopes").toString()).isEqualTo("[\"users:read\",\"audit:read\"]");

        Http.Response list = admin.env(env, "GET", "/tokens", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(secret).doesNotContain("\"token\"");
        assertThat(list.json().get("tokens").get(0).get("id").asString()).isEqualTo(id);

        assertThat(admin.call(secret, "GET", "/environments/" + env + "/users", null).status()).isEqualTo(200);
        assertThat(admin.env(env, "DELETE", "/tokens/" + id, null).status()).isEqualTo(204);
        Http.Response after = admin.call(secret, "GET", "/environments/" + env + "/users", null);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("error").asString()).isEqualTo("invalid admin token");
        assertThat(admin.env(env, "GET", "/tokens", null).json().get("tokens").get(0).get("revokedAt").isString()).isTrue();
        Http.Response again = admin.env(env, "DELETE", "/tokens/" + id, null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("code").asString()).isEqualTo("not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"name\": \"x\"}", "{\"name\": \"x\", \"scopes\": []}", "{\"name\": \"x\", \"scopes\": [\"users:admin\"]}",
            "{\"name\": \"x\", \"scopes\": \"users:read\"}", "{\"scopes\": [\"users:read\"]}", "{\"name\": \"x\", \"scopes\": [1]}", "not json"})
    void invalidTokenRequestsAre400(String body) {
        String env = server.createEnvironment();
        Http.Response response = admin.env(env, "POST", "/tokens", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error").isString()).isTrue();
    }

    @Test
    void tokensOfAnUnknownEnvironmentAre404() {
        Http.Response response = admin.env("00000000-0000-4000-8000-000000000000", "POST", "/tokens",
                "{\"name\": \"x\", \"scopes\": [\"users:read\"]}");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("code").asString()).isEqualTo("not_found");
    }

    @Test
    void aScopedTokenCannotManageTokensOrEnvironments() {
        String env = server.createEnvironment();
        String token = admin.token(env, "users:read", "users:write", "sessions:read", "sessions:write", "keys:read",
                "keys:write", "audit:read");
        for (Http.Response response : new Http.Response[]{
                admin.call(token, "POST", "/environments/" + env + "/tokens", "{\"name\": \"x\", \"scopes\": [\"users:read\"]}"),
                admin.call(token, "GET", "/environments/" + env + "/tokens", null),
                admin.call(token, "GET", "/environments", null),
                admin.call(token, "GET", "/environments/" + env, null),
                admin.call(token, "PATCH", "/environments/" + env, "{\"name\": \"taken over\"}"),
                admin.call(token, "POST", "/environments", "{\"name\": \"mine\"}")}) {
            assertThat(response.status()).as(response.toString()).isEqualTo(403);
            assertThat(response.json().get("error").asString()).isEqualTo("this endpoint requires the operator token");
        }
    }

    @Test
    void aTokenWithoutUsersWriteCannotUpdateBlockOrDelete() {
        String env = server.createEnvironment();
        String userId = AdminFixture.userId(admin.signIn(env));
        String token = admin.token(env, "users:read");
        String base = "/environments/" + env + "/users/" + userId;
        assertThat(admin.call(token, "GET", base, null).status()).isEqualTo(200);
        for (Http.Response response : new Http.Response[]{
                admin.call(token, "PATCH", base, "{\"username\": \"mallory\"}"),
                admin.call(token, "POST", base + "/block", null),
                admin.call(token, "DELETE", base, null)}) {
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.json().get("error").asString()).endsWith("requires scope users:write");
        }
        assertThat(admin.env(env, "GET", "/users/" + userId, null).json().get("username").isNull()).isTrue();
    }

    @Test
    void eachEndpointRequiresItsScope() {
        String env = server.createEnvironment();
        String userId = AdminFixture.userId(admin.signIn(env));
        String token = admin.token(env, "users:write");
        String e = "/environments/" + env;
        record Case(String method, String path, String scope) {
        }
        for (Case c : new Case[]{
                new Case("GET", e + "/users", "users:read"),
                new Case("GET", e + "/users/" + userId, "users:read"),
                new Case("GET", e + "/users/" + userId + "/sessions", "sessions:read"),
                new Case("POST", e + "/users/" + userId + "/sessions/revoke", "sessions:write"),
                new Case("POST", e + "/sessions/revoke", "sessions:write"),
                new Case("POST", e + "/sessions/00000000-0000-4000-8000-000000000000/revoke", "sessions:write"),
                new Case("GET", e + "/keys", "keys:read"),
                new Case("POST", e + "/keys/rotate", "keys:write"),
                new Case("POST", e + "/keys/x/retire", "keys:write"),
                new Case("GET", e + "/audit", "audit:read")}) {
            Http.Response response = admin.call(token, c.method(), c.path(), null);
            assertThat(response.status()).as(c.toString()).isEqualTo(403);
            assertThat(response.json().get("error").asString()).isEqualTo("this action requires scope " + c.scope());
        }
    }

    @Test
    void aTokenOfEnvironmentACannotReachEnvironmentB() {
        String a = server.createEnvironment();
        String b = server.createEnvironment();
        String userOfB = AdminFixture.userId(admin.signIn(b));
        String token = admin.token(a, "users:read", "users:write", "sessions:read", "sessions:write", "keys:read", "audit:read");
        for (Http.Response response : new Http.Response[]{
                admin.call(token, "GET", "/environments/" + b + "/users", null),
                admin.call(token, "GET", "/environments/" + b + "/users/" + userOfB, null),
                admin.call(token, "POST", "/environments/" + b + "/users/" + userOfB + "/block", null),
                admin.call(token, "POST", "/environments/" + b + "/sessions/revoke", null),
                admin.call(token, "GET", "/environments/" + b + "/keys", null),
                admin.call(token, "GET", "/environments/" + b + "/audit", null)}) {
            // The same answer as for an environment that does not exist: a token cannot probe other ids.
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.json().get("error").asString()).isEqualTo("environment not found");
        }
        // Nor is B's user visible through A's path.
        Http.Response viaA = admin.call(token, "GET", "/environments/" + a + "/users/" + userOfB, null);
        assertThat(viaA.status()).isEqualTo(404);
        assertThat(viaA.json().get("code").asString()).isEqualTo("not_found");
        JsonNode blocked = admin.env(b, "GET", "/users/" + userOfB, null).json();
        assertThat(blocked.get("blocked").asBoolean()).isFalse();
    }

    @Test
    void missingOrWrongBearerIs401() {
        String env = server.createEnvironment();
        Http.Response none = server.http().get("/api/v0/admin/environments/" + env + "/users");
        assertThat(none.status()).isEqualTo(401);
        assertThat(admin.call("sigil_at_guess", "GET", "/environments/" + env + "/users", null).status()).isEqualTo(401);
    }
}
