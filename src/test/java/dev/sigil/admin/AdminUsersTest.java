package dev.sigil.admin;

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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdminUsersTest {
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

    private static List<String> ids(JsonNode page) {
        return page.get("users").valueStream().map(u -> u.get("id").asString()).toList();
    }

    private List<String> signInUsers(String env, int count, boolean sameInstant) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(AdminFixture.userId(admin.signIn(env)));
            if (!sameInstant) {
                server.clock.advance(Duration.ofSeconds(1));
            }
        }
        return ids;
    }

    @Test
    void emptyEnvironmentListsNoUsersAndNoCursor() {
        String env = server.createEnvironment();
        Http.Response response = admin.env(env, "GET", "/users", null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("users").size()).isZero();
        assertThat(response.json().get("nextCursor").isNull()).isTrue();
    }

    @Test
    void pagesOldestFirstWithACursorOnlyWhenMoreRemain() {
        String env = server.createEnvironment();
        List<String> created = signInUsers(env, 3, false);

        JsonNode exactly = admin.env(env, "GET", "/users?limit=3", null).json();
        assertThat(ids(exactly)).isEqualTo(created);
        assertThat(exactly.get("nextCursor").isNull()).isTrue();

        JsonNode first = admin.env(env, "GET", "/users?limit=2", null).json();
        assertThat(ids(first)).isEqualTo(created.subList(0, 2));
        String cursor = first.get("nextCursor").asString();
        JsonNode second = admin.env(env, "GET", "/users?limit=2&cursor=" + cursor, null).json();
        assertThat(ids(second)).isEqualTo(created.subList(2, 3));
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(admin.env(env, "GET", "/users", null).json().get("users").size()).isEqualTo(3);
    }

    @Test
    void usersCreatedInTheSameMillisecondArePagedWithoutGapsOrRepeats() {
        String env = server.createEnvironment();
        List<String> created = signInUsers(env, 5, true);
        List<String> seen = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = admin.env(env, "GET", "/users?limit=2&cursor=" + cursor, null).json();
            seen.addAll(ids(page));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
        } while (cursor != null);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(created).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=101", "limit=abc", "limit=-1", "limit=1.5", "cursor=not-base64!",
            "cursor=djE6MTIzOmFiYw", "cursor=eyJ4IjoxfQ", "createdAfter=yesterday", "createdBefore=2025-13-01T00:00:00Z"})
    void invalidQueriesAre400(String query) {
        String env = server.createEnvironment();
        Http.Response response = admin.env(env, "GET", "/users?" + query, null);
        assertThat(response.status()).as(query).isEqualTo(400);
        assertThat(response.json().get("error").isString()).isTrue();
    }

    @Test
    void aTamperedCursorIs400() {
        String env = server.createEnvironment();
        signInUsers(env, 2, false);
        String cursor = admin.env(env, "GET", "/users?limit=1", null).json().get("nextCursor").asString();
        String tampered = cursor.substring(0, cursor.length() - 3) + "zzz";
        assertThat(admin.env(env, "GET", "/users?limit=1&cursor=" + tampered, null).status()).isEqualTo(400);
        assertThat(admin.env(env, "GET", "/users?limit=1&cursor=" + cursor + "A", null).status()).isEqualTo(400);
    }

    @Test
    void filtersByWalletEmailUsernameAndCreationTime() {
        String env = server.createEnvironment();
        SdkClient sdk = new SdkClient(server, env);
        TestWallet wallet = TestWallet.random();
        String first = AdminFixture.userId(sdk.signIn(wallet));
        server.clock.advance(Duration.ofMinutes(1));
        String middle = server.clock.instant().toString();
        String second = AdminFixture.userId(admin.signIn(env));
        admin.env(env, "PATCH", "/users/" + second, "{\"email\": \"Ada@Example.com\", \"username\": \"ada_l\"}");

        assertThat(ids(admin.env(env, "GET", "/users?walletAddress=" + wallet.address().toLowerCase(), null).json())).containsExactly(first);
        assertThat(ids(admin.env(env, "GET", "/users?walletAddress=" + wallet.address(), null).json())).containsExactly(first);
        assertThat(ids(admin.env(env, "GET", "/users?email=ada@example.com", null).json())).containsExactly(second);
        assertThat(ids(admin.env(env, "GET", "/users?username=ADA_L", null).json())).containsExactly(second);
        assertThat(ids(admin.env(env, "GET", "/users?createdAfter=" + middle, null).json())).containsExactly(second);
        assertThat(ids(admin.env(env, "GET", "/users?createdBefore=" + middle, null).json())).containsExactly(first);
        assertThat(ids(admin.env(env, "GET", "/users?email=nobody@example.com", null).json())).isEmpty();
    }

    @Test
    void oneUserComesWithCredentialsAndSessions() {
        String env = server.createEnvironment();
        JsonNode signedIn = admin.signIn(env);
        String userId = AdminFixture.userId(signedIn);
        JsonNode user = admin.env(env, "GET", "/users/" + userId, null).json();
        assertThat(user.get("id").asString()).isEqualTo(userId);
        assertThat(user.get("environmentId").asString()).isEqualTo(env);
        assertThat(user.get("blocked").asBoolean()).isFalse();
        assertThat(user.get("createdAt").isString()).isTrue();
        assertThat(user.get("credentials").get(0).get("format").asString()).isEqualTo("blockchain");
        assertThat(user.get("sessions").get(0).get("id").asString()).isEqualTo(signedIn.get("user").get("sessionId").asString());
        assertThat(user.get("sessions").get(0).get("status").asString()).isEqualTo("active");

        Http.Response missing = admin.env(env, "GET", "/users/00000000-0000-4000-8000-000000000000", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("code").asString()).isEqualTo("not_found");
    }

    @Test
    void patchSetsAndClearsProfileFieldsAndMetadataSeenByTheSdkToo() {
        String env = server.createEnvironment();
        JsonNode signedIn = admin.signIn(env);
        String userId = AdminFixture.userId(signedIn);
        Http.Response patched = admin.env(env, "PATCH", "/users/" + userId,
                "{\"firstName\": \"Ada\", \"country\": \"GB\", \"newsletterNotification\": true, \"metadata\": {\"plan\": \"pro\"}}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("firstName").asString()).isEqualTo("Ada");
        assertThat(patched.json().get("metadata").get("plan").asString()).isEqualTo("pro");

        Http.Response cleared = admin.env(env, "PATCH", "/users/" + userId, "{\"firstName\": null}");
        assertThat(cleared.json().get("firstName").isNull()).isTrue();
        assertThat(cleared.json().get("country").asString()).isEqualTo("GB");

        JsonNode sdkUser = new SdkClient(server, env).get("/users", AdminFixture.jwt(signedIn)).json();
        assertThat(sdkUser.get("metadata").get("plan").asString()).isEqualTo("pro");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"username\": \"has space\"}", "{\"email\": \"not-an-email\"}", "{\"country\": \"XX\"}",
            "{\"phoneNumber\": \"12345\"}", "{\"metadata\": [1]}", "{\"newsletterNotification\": \"yes\"}",
            "{\"firstName\": 7}", "{\"role\": \"admin\"}", "[]"})
    void invalidPatchesAre400(String body) {
        String env = server.createEnvironment();
        String userId = AdminFixture.userId(admin.signIn(env));
        Http.Response response = admin.env(env, "PATCH", "/users/" + userId, body);
        assertThat(response.status()).as(body + " -> " + response).isEqualTo(400);
    }

    @Test
    void metadataOver4KiBIs422() {
        String env = server.createEnvironment();
        String userId = AdminFixture.userId(admin.signIn(env));
        Http.Response response = admin.env(env, "PATCH", "/users/" + userId, "{\"metadata\": {\"x\": \"" + "a".repeat(4100) + "\"}}");
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("code").asString()).isEqualTo("metadata_size_exceeded");
    }

    @Test
    void usernameAndEmailAreUniquePerEnvironment() {
        String env = server.createEnvironment();
        String a = AdminFixture.userId(admin.signIn(env));
        String b = AdminFixture.userId(admin.signIn(env));
        admin.env(env, "PATCH", "/users/" + a, "{\"username\": \"ada\", \"email\": \"ada@example.com\"}");
        Http.Response name = admin.env(env, "PATCH", "/users/" + b, "{\"username\": \"ADA\"}");
        assertThat(name.status()).isEqualTo(422);
        assertThat(name.json().get("code").asString()).isEqualTo("username_already_exists");
        Http.Response email = admin.env(env, "PATCH", "/users/" + b, "{\"email\": \"ada@example.com\"}");
        assertThat(email.json().get("code").asString()).isEqualTo("email_already_exists");
        assertThat(admin.env(env, "PATCH", "/users/" + a, "{\"username\": \"ada\"}").status()).isEqualTo(200);
    }

    @Test
    void aUsernameSetByAnAdminIsTakenForTheSdkToo() {
        // Regression: the admin PATCH wrote users.username without the unique username_key the SDK checks.
        String env = server.createEnvironment();
        String a = AdminFixture.userId(admin.signIn(env));
        JsonNode other = admin.signIn(env);
        assertThat(admin.env(env, "PATCH", "/users/" + a, "{\"username\": \"Grace\"}").status()).isEqualTo(200);

        Http.Response taken = new SdkClient(server, env).put("/users", "{\"username\": \"grace\"}",
                AdminFixture.jwt(other));
        assertThat(taken.status()).as(taken.toString()).isEqualTo(422);
        assertThat(taken.json().get("code").asString()).isEqualTo("username_already_exists");

        assertThat(admin.env(env, "PATCH", "/users/" + a, "{\"username\": null}").status()).isEqualTo(200);
        assertThat(new SdkClient(server, env).put("/users", "{\"username\": \"grace\"}",
                AdminFixture.jwt(other)).status()).as("a cleared username is free again").isEqualTo(200);
    }

    @Test
    void blockRefusesSignInAndEveryBearerEndpointAndUnblockRestores() {
        String env = server.createEnvironment();
        SdkClient sdk = new SdkClient(server, env);
        TestWallet wallet = TestWallet.random();
        JsonNode signedIn = sdk.signIn(wallet);
        String userId = AdminFixture.userId(signedIn);
        String jwt = AdminFixture.jwt(signedIn);

        Http.Response blocked = admin.env(env, "POST", "/users/" + userId + "/block", null);
        assertThat(blocked.status()).isEqualTo(200);
        assertThat(blocked.json().get("blocked").asBoolean()).isTrue();

        Http.Response signIn = sdk.signInResponse(wallet, "/wallets/signin");
        assertThat(signIn.status()).isEqualTo(403);
        assertThat(signIn.json().get("error").asString()).isEqualTo("user is blocked");
        for (Http.Response response : new Http.Response[]{sdk.post("/refresh", null, jwt), sdk.get("/session", jwt), sdk.get("/users", jwt)}) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.json().get("error").asString()).isEqualTo("user is blocked");
        }

        assertThat(admin.env(env, "POST", "/users/" + userId + "/unblock", null).json().get("blocked").asBoolean()).isFalse();
        assertThat(sdk.post("/refresh", null, jwt).status()).isEqualTo(200);
        assertThat(sdk.signInResponse(wallet, "/wallets/signin").status()).isEqualTo(200);
    }

    @Test
    void deleteRemovesTheUserAndKillsItsTokens() {
        String env = server.createEnvironment();
        SdkClient sdk = new SdkClient(server, env);
        TestWallet wallet = TestWallet.random();
        JsonNode signedIn = sdk.signIn(wallet);
        String userId = AdminFixture.userId(signedIn);

        assertThat(admin.env(env, "DELETE", "/users/" + userId, null).status()).isEqualTo(204);
        assertThat(sdk.post("/refresh", null, AdminFixture.jwt(signedIn)).status()).isEqualTo(401);
        assertThat(admin.env(env, "GET", "/users/" + userId, null).status()).isEqualTo(404);
        assertThat(admin.env(env, "DELETE", "/users/" + userId, null).status()).isEqualTo(404);
        // The wallet is free again: signing in makes a new user.
        assertThat(AdminFixture.userId(sdk.signIn(wallet))).isNotEqualTo(userId);
    }

    @Test
    void unknownUsersAre404ForEveryUserEndpoint() {
        String env = server.createEnvironment();
        String missing = "/users/00000000-0000-4000-8000-000000000000";
        for (Http.Response response : new Http.Response[]{
                admin.env(env, "PATCH", missing, "{\"firstName\": \"x\"}"),
                admin.env(env, "POST", missing + "/block", null),
                admin.env(env, "POST", missing + "/unblock", null),
                admin.env(env, "GET", missing + "/sessions", null),
                admin.env(env, "POST", missing + "/sessions/revoke", null)}) {
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.json().get("code").asString()).isEqualTo("not_found");
        }
    }
}
