package dev.sigil.admin;

import dev.sigil.App;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdminSessionsKeysAuditTest {
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
    void revokeOneSessionThenAllOfAUserThenAllOfTheEnvironment() {
        String env = server.createEnvironment();
        SdkClient sdk = new SdkClient(server, env);
        JsonNode a1 = admin.signIn(env);
        String userA = AdminFixture.userId(a1);
        JsonNode b = admin.signIn(env);

        JsonNode sessions = admin.env(env, "GET", "/users/" + userA + "/sessions", null).json().get("sessions");
        assertThat(sessions.size()).isEqualTo(1);
        String sessionId = sessions.get(0).get("id").asString();

        Http.Response one = admin.env(env, "POST", "/sessions/" + sessionId + "/revoke", null);
        assertThat(one.json().get("revoked").asInt()).isEqualTo(1);
        assertThat(sdk.post("/refresh", null, AdminFixture.jwt(a1)).status()).isEqualTo(401);
        assertThat(sdk.get("/session", AdminFixture.jwt(a1)).status()).isEqualTo(401);
        assertThat(admin.env(env, "GET", "/users/" + userA + "/sessions", null).json().get("sessions").get(0).get("status").asString())
                .isEqualTo("revoked");
        assertThat(admin.env(env, "POST", "/sessions/" + sessionId + "/revoke", null).json().get("revoked").asInt()).isZero();

        assertThat(admin.env(env, "POST", "/users/" + AdminFixture.userId(b) + "/sessions/revoke", null).json().get("revoked").asInt()).isEqualTo(1);
        assertThat(sdk.get("/session", AdminFixture.jwt(b)).status()).isEqualTo(401);

        JsonNode c = admin.signIn(env);
        JsonNode d = admin.signIn(env);
        String other = server.createEnvironment();
        JsonNode elsewhere = admin.signIn(other);
        assertThat(admin.env(env, "POST", "/sessions/revoke", null).json().get("revoked").asInt()).isEqualTo(2);
        assertThat(sdk.get("/session", AdminFixture.jwt(c)).status()).isEqualTo(401);
        assertThat(sdk.post("/refresh", null, AdminFixture.jwt(d)).status()).isEqualTo(401);
        assertThat(new SdkClient(server, other).get("/session", AdminFixture.jwt(elsewhere)).status()).isEqualTo(204);
    }

    @Test
    void unknownSessionOrASessionOfAnotherEnvironmentIs404() {
        String env = server.createEnvironment();
        String other = server.createEnvironment();
        String otherSession = admin.signIn(other).get("user").get("sessionId").asString();
        for (String id : List.of("00000000-0000-4000-8000-000000000000", otherSession)) {
            Http.Response response = admin.env(env, "POST", "/sessions/" + id + "/revoke", null);
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json().get("code").asString()).isEqualTo("not_found");
        }
    }

    @Test
    void retiringAnOldKeyRemovesItFromJwksAndItsTokensStopWorking() {
        String env = server.createEnvironment();
        SdkClient sdk = new SdkClient(server, env);
        JsonNode signedIn = admin.signIn(env);
        String oldKid = admin.env(env, "GET", "/keys", null).json().get("keys").get(0).get("kid").asString();
        String token = admin.token(env, "keys:read", "keys:write");

        Http.Response rotated = admin.call(token, "POST", "/environments/" + env + "/keys/rotate", null);
        assertThat(rotated.status()).isEqualTo(201);
        String newKid = rotated.json().get("kid").asString();
        assertThat(sdk.get("/session", AdminFixture.jwt(signedIn)).status()).isEqualTo(204);

        Http.Response current = admin.call(token, "POST", "/environments/" + env + "/keys/" + newKid + "/retire", null);
        assertThat(current.status()).isEqualTo(422);
        assertThat(current.json().get("code").asString()).isEqualTo("key_is_current");

        Http.Response retired = admin.call(token, "POST", "/environments/" + env + "/keys/" + oldKid + "/retire", null);
        assertThat(retired.status()).isEqualTo(200);
        assertThat(retired.json().get("keys").valueStream().map(k -> k.get("kid").asString())).containsExactly(newKid);
        assertThat(sdk.get("/.well-known/jwks").body()).doesNotContain(oldKid).contains(newKid);
        assertThat(sdk.get("/session", AdminFixture.jwt(signedIn)).status()).isEqualTo(401);

        Http.Response again = admin.call(token, "POST", "/environments/" + env + "/keys/" + oldKid + "/retire", null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("code").asString()).isEqualTo("not_found");
        JsonNode keys = admin.call(token, "GET", "/environments/" + env + "/keys", null).json().get("keys");
        assertThat(keys.get(0).get("status").asString()).isEqualTo("current");
        assertThat(keys.get(0).get("createdAt").isString()).isTrue();
    }

    @Test
    void everyChangeIsAuditedNewestFirstWithItsActorAndPaged() {
        Http.Response createdEnv = admin.admin("POST", "/environments", "{\"name\": \"audited\", \"allowedOrigins\": [\"" + TestServer.ORIGIN + "\"]}");
        String env = createdEnv.json().get("id").asString();
        admin.admin("PATCH", "/environments/" + env, "{\"name\": \"audited 2\"}");
        Http.Response createdToken = admin.env(env, "POST", "/tokens",
                "{\"name\": \"ops\", \"scopes\": [\"users:write\", \"sessions:write\", \"keys:write\", \"audit:read\"]}");
        String token = createdToken.json().get("token").asString();
        String tokenId = createdToken.json().get("id").asString();
        JsonNode signedIn = admin.signIn(env);
        String userId = AdminFixture.userId(signedIn);
        String sessionId = signedIn.get("user").get("sessionId").asString();
        String e = "/environments/" + env;
        admin.call(token, "PATCH", e + "/users/" + userId, "{\"firstName\": \"Ada\"}");
        admin.call(token, "POST", e + "/users/" + userId + "/block", null);
        admin.call(token, "POST", e + "/users/" + userId + "/unblock", null);
        admin.call(token, "POST", e + "/sessions/" + sessionId + "/revoke", null);
        admin.call(token, "POST", e + "/users/" + userId + "/sessions/revoke", null);
        admin.call(token, "POST", e + "/sessions/revoke", null);
        String oldKid = admin.env(env, "GET", "/keys", null).json().get("keys").get(0).get("kid").asString();
        admin.call(token, "POST", e + "/keys/rotate", null);
        admin.call(token, "POST", e + "/keys/" + oldKid + "/retire", null);
        admin.call(token, "DELETE", e + "/users/" + userId, null);
        admin.env(env, "DELETE", "/tokens/" + tokenId, null);

        JsonNode entries = admin.env(env, "GET", "/audit?limit=100", null).json().get("entries");
        List<String> actions = entries.valueStream().map(x -> x.get("action").asString()).toList();
        assertThat(actions).containsExactlyInAnyOrder("environment.create", "environment.update", "token.create",
                "user.update", "user.block", "user.unblock", "session.revoke", "session.revoke_user",
                "session.revoke_environment", "key.rotate", "key.retire", "user.delete", "token.revoke");
        JsonNode block = entries.valueStream().filter(x -> x.get("action").asString().equals("user.block")).findFirst().orElseThrow();
        assertThat(block.get("actor").asString()).isEqualTo("token:" + tokenId);
        assertThat(block.get("targetType").asString()).isEqualTo("user");
        assertThat(block.get("targetId").asString()).isEqualTo(userId);
        assertThat(block.get("environmentId").asString()).isEqualTo(env);
        JsonNode create = entries.valueStream().filter(x -> x.get("action").asString().equals("environment.create")).findFirst().orElseThrow();
        assertThat(create.get("actor").asString()).isEqualTo("admin");
        assertThat(entries.toString()).doesNotContain(token);

        // Newest first, paged one at a time without gaps or repeats.
        List<String> paged = new java.util.ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = admin.env(env, "GET", "/audit?limit=5&cursor=" + cursor, null).json();
            page.get("entries").forEach(x -> paged.add(x.get("id").asString()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
        } while (cursor != null);
        assertThat(paged).isEqualTo(entries.valueStream().map(x -> x.get("id").asString()).toList());
        assertThat(admin.env(env, "GET", "/audit?cursor=garbage", null).status()).isEqualTo(400);
    }

    /**
     * Two nodes share one database: a revocation through A is seen by B on its next request. On SQLite the second
     * App opens the same file (WAL), which works within one machine; on PostgreSQL it is the real deployment shape.
     */
    @Test
    void revocationThroughOneNodeIsSeenByAnotherNodeAtOnce() {
        String env = server.createEnvironment();
        JsonNode signedIn = admin.signIn(env);
        JsonNode other = admin.signIn(env);
        try (App nodeB = server.startSecondNode()) {
            Http b = new Http("http://127.0.0.1:" + nodeB.port());
            String refresh = "/api/v0/sdk/" + env + "/refresh";
            String[] headers = {"Origin", TestServer.ORIGIN, "Content-Type", "application/json",
                    "Authorization", "Bearer " + AdminFixture.jwt(signedIn)};
            assertThat(b.post(refresh, null, headers).status()).isEqualTo(200);

            String sessionId = signedIn.get("user").get("sessionId").asString();
            assertThat(admin.env(env, "POST", "/sessions/" + sessionId + "/revoke", null).status()).isEqualTo(200);
            Http.Response refused = b.post(refresh, null, headers);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.json().get("error").asString()).isEqualTo("session revoked");
            assertThat(b.get("/api/v0/sdk/" + env + "/session", headers).status()).isEqualTo(401);

            admin.env(env, "POST", "/users/" + AdminFixture.userId(other) + "/block", null);
            Http.Response blocked = b.get("/api/v0/sdk/" + env + "/session", "Origin", TestServer.ORIGIN,
                    "Authorization", "Bearer " + AdminFixture.jwt(other));
            assertThat(blocked.status()).isEqualTo(401);
        }
    }
}
