package dev.sigil.environment;

import dev.sigil.testing.Http;
import dev.sigil.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentAdminTest {
    static TestServer server;
    static final String AUTH = "Bearer " + TestServer.ADMIN_TOKEN;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private Http.Response admin(String method, String path, String body) {
        return server.http().send(method, "/api/v0/admin" + path, body, "Authorization", AUTH, "Content-Type", "application/json");
    }

    @Test
    void createAnswers201WithIdNameOriginsAndDefaultSettings() {
        Http.Response response = admin("POST", "/environments",
                "{\"name\": \"Shop\", \"allowedOrigins\": [\"https://App.Example.com/\", \"http://localhost:5173\"]}");

        assertThat(response.status()).isEqualTo(201);
        JsonNode env = response.json();
        assertThat(env.get("id").asString()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(env.get("name").asString()).isEqualTo("Shop");
        assertThat(env.get("allowedOrigins").toString()).isEqualTo("[\"https://app.example.com\",\"http://localhost:5173\"]");
        JsonNode jwt = env.get("settings").get("security").get("jwtDuration");
        assertThat(jwt.get("amount").asInt()).isEqualTo(2);
        assertThat(jwt.get("unit").asString()).isEqualTo("hours");
        JsonNode session = env.get("settings").get("security").get("sessionDuration");
        assertThat(session.get("amount").asInt()).isEqualTo(30);
        assertThat(session.get("unit").asString()).isEqualTo("days");
    }

    @Test
    void createdEnvironmentCanBeReadAndListed() {
        String id = server.createEnvironment();
        Http.Response one = admin("GET", "/environments/" + id, null);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("id").asString()).isEqualTo(id);

        Http.Response all = admin("GET", "/environments", null);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().get("environments").valueStream().map(e -> e.get("id").asString())).contains(id);
    }

    @Test
    void patchDeepMergesSettingsAndKeepsWhatItDoesNotName() {
        String id = server.createEnvironment();
        Http.Response response = admin("PATCH", "/environments/" + id,
                "{\"name\": \"Renamed\", \"settings\": {\"security\": {\"jwtDuration\": {\"amount\": 15, \"unit\": \"minutes\"}}, \"general\": {\"displayName\": \"Shop\"}}}");

        assertThat(response.status()).isEqualTo(200);
        JsonNode env = response.json();
        assertThat(env.get("name").asString()).isEqualTo("Renamed");
        assertThat(env.get("allowedOrigins").get(0).asString()).isEqualTo(TestServer.ORIGIN);
        assertThat(env.get("settings").get("security").get("jwtDuration").get("amount").asInt()).isEqualTo(15);
        assertThat(env.get("settings").get("security").get("sessionDuration").get("amount").asInt()).isEqualTo(30);
        assertThat(env.get("settings").get("general").get("displayName").asString()).isEqualTo("Shop");
        assertThat(admin("GET", "/environments/" + id, null).json().get("settings"))
                .isEqualTo(env.get("settings"));
    }

    @Test
    void patchReplacesAllowedOrigins() {
        String id = server.createEnvironment();
        Http.Response response = admin("PATCH", "/environments/" + id, "{\"allowedOrigins\": [\"https://new.example\"]}");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("allowedOrigins").toString()).isEqualTo("[\"https://new.example\"]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"settings\": {\"security\": {\"jwtDuration\": {\"amount\": 31, \"unit\": \"days\"}}}} | settings.security.jwtDuration",
            "{\"settings\": {\"security\": {\"jwtDuration\": {\"amount\": 0, \"unit\": \"hours\"}}}} | settings.security.jwtDuration.amount",
            "{\"settings\": {\"security\": {\"jwtDuration\": {\"amount\": 2, \"unit\": \"weeks\"}}}} | settings.security.jwtDuration.unit",
            "{\"settings\": {\"security\": {\"jwtDuration\": {\"amount\": \"2\", \"unit\": \"hours\"}}}} | settings.security.jwtDuration.amount",
            "{\"settings\": {\"security\": {\"jwtDuration\": 7200}}} | settings.security.jwtDuration",
            "{\"settings\": {\"security\": {\"sessionDuration\": {\"amount\": 366, \"unit\": \"days\"}}}} | settings.security.sessionDuration",
            "{\"settings\": {\"security\": {\"auth\": {\"storage\": [\"disk\"]}}}} | settings.security.auth.storage",
            "{\"settings\": {\"security\": []}} | settings.security",
            "{\"settings\": 5} | settings",
            "{\"allowedOrigins\": [\"ftp://x.example\"]} | allowedOrigins",
            "{\"allowedOrigins\": [\"https://x.example/path\"]} | allowedOrigins",
            "{\"allowedOrigins\": \"https://x.example\"} | allowedOrigins",
            "{\"name\": \"\"} | name",
            "{\"name\": 5} | name",
    })
    void invalidChangesAre400NamingTheFieldAndChangeNothing(String patch, String field) {
        String id = server.createEnvironment();
        JsonNode before = admin("GET", "/environments/" + id, null).json();

        Http.Response response = admin("PATCH", "/environments/" + id, patch);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).contains(field);
        assertThat(admin("GET", "/environments/" + id, null).json()).isEqualTo(before);
    }

    @Test
    void jwtDurationOfThirtyDaysIsTheMaximumAccepted() {
        String id = server.createEnvironment();
        Http.Response response = admin("PATCH", "/environments/" + id,
                "{\"settings\": {\"security\": {\"jwtDuration\": {\"amount\": 720, \"unit\": \"hours\"}}}}");
        assertThat(response.status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"name\": \"x\", \"allowedOrigins\": [\"not an origin\"]}",
            "{\"name\": \"x\", \"allowedOrigins\": [1]}",
            "{\"name\": \"a\\u0000b\"}",
            "{\"name\": \"x\", \"name\": \"y\"}",
            "[1]",
            "{",
    })
    void invalidCreationsAre400(String body) {
        Http.Response response = admin("POST", "/environments", body);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("error").isString()).isTrue();
    }

    @Test
    void overlongNameIs400() {
        Http.Response response = admin("POST", "/environments", "{\"name\": \"" + "n".repeat(256) + "\"}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).contains("name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer", "Bearer wrong-token", "Basic dGVzdA==", "bearer test-admin-token-0123456789abcdeX"})
    void adminApiRefusesAnythingButTheAdminToken(String authorization) {
        Http.Response response = authorization.isEmpty()
                ? server.http().get("/api/v0/admin/environments")
                : server.http().get("/api/v0/admin/environments", "Authorization", authorization);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("error").isString()).isTrue();
    }

    @Test
    void unknownEnvironmentIs404WithCode() {
        Http.Response response = admin("GET", "/environments/00000000-0000-4000-8000-000000000000", null);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("code").asString()).isEqualTo("not_found");
        assertThat(admin("PATCH", "/environments/00000000-0000-4000-8000-000000000000", "{\"name\":\"x\"}").status())
                .isEqualTo(404);
        assertThat(admin("POST", "/environments/00000000-0000-4000-8000-000000000000/keys/rotate", null).status())
                .isEqualTo(404);
    }

    @Test
    void environmentsOnlyOriginsAreAllowedForTokensAudience() {
        String id = server.createEnvironment(List.of("https://a.example", "https://b.example"));
        JsonNode env = admin("GET", "/environments/" + id, null).json();
        assertThat(env.get("allowedOrigins")).hasSize(2);
    }
}
