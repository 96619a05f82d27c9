package dev.sigil.externalauth;

import dev.sigil.testing.Http;
import dev.sigil.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code security.externalAuth} through the admin API: what it accepts, and 400s that name the field. */
class ExternalAuthSettingsTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Response patch(String id, String externalAuth) {
        return server.http().send("PATCH", "/api/v0/admin/environments/" + id,
                "{\"settings\": {\"security\": {\"externalAuth\": " + externalAuth + "}}}",
                "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
    }

    private static void assertBadRequest(String externalAuth, String message) {
        Http.Response response = patch(server.createEnvironment(), externalAuth);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).isEqualTo(message);
    }

    @Test
    void newEnvironmentsHaveExternalAuthDisabled() {
        Http.Response env = server.http().get("/api/v0/admin/environments/" + server.createEnvironment(),
                "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
        assertThat(env.json().get("settings").get("security").path("externalAuth").path("enabled").asBoolean(false)).isFalse();
    }

    @Test
    void enabledSettingsInDynamicsShapeAreStoredAsGiven() {
        String id = server.createEnvironment();
        Http.Response response = patch(id, """
                {"enabled": true, "iss": "https://auth.example.com/", "aud": null, "jwksUrl": "https://auth.example.com/jwks.json",
                 "cookieName": "app_session", "assumeEmailVerified": true}""");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode externalAuth = response.json().get("settings").get("security").get("externalAuth");
        assertThat(externalAuth.get("enabled").asBoolean()).isTrue();
        assertThat(externalAuth.get("iss").asString()).isEqualTo("https://auth.example.com/");
        assertThat(externalAuth.path("aud").isMissingNode() || externalAuth.get("aud").isNull()).isTrue();
        assertThat(externalAuth.get("jwksUrl").asString()).isEqualTo("https://auth.example.com/jwks.json");
        assertThat(externalAuth.get("cookieName").asString()).isEqualTo("app_session");
        assertThat(externalAuth.get("assumeEmailVerified").asBoolean()).isTrue();

        assertThat(patch(id, "{\"enabled\": false}").status()).isEqualTo(200);
    }

    @Test
    void emptyStringsMeanNotSetSoADisabledDocumentFromDynamicIsAccepted() {
        String id = server.createEnvironment();
        assertThat(patch(id, """
                {"enabled": false, "iss": "", "aud": "", "jwksUrl": "", "cookieName": "", "assumeEmailVerified": false}""").status())
                .isEqualTo(200);
        assertBadRequest("{\"enabled\": true, \"iss\": \"\", \"jwksUrl\": \"https://a/jwks\"}",
                "settings.security.externalAuth.iss is required when external auth is enabled");
    }

    @Test
    void jwksUrlMustBeHttpOrHttps() {
        for (String url : new String[]{"\"ftp://auth.example.com/jwks\"", "\"file:///etc/passwd\"", "\"not a url\"",
                "\"https://\"", "\"https://user:pw@auth.example.com/jwks\"", "5"}) {
            assertBadRequest("{\"jwksUrl\": " + url + "}", url.equals("5")
                    ? "settings.security.externalAuth.jwksUrl must be null or a string of at most 2048 characters"
                    : "settings.security.externalAuth.jwksUrl must be an http or https URL");
        }
    }

    @Test
    void enablingRequiresIssAndJwksUrl() {
        assertBadRequest("{\"enabled\": true, \"jwksUrl\": \"https://auth.example.com/jwks.json\"}",
                "settings.security.externalAuth.iss is required when external auth is enabled");
        assertBadRequest("{\"enabled\": true, \"iss\": \"https://auth.example.com/\"}",
                "settings.security.externalAuth.jwksUrl is required when external auth is enabled");
    }

    @Test
    void fieldsOfTheWrongTypeAre400() {
        assertBadRequest("true", "settings.security.externalAuth must be an object");
        assertBadRequest("{\"enabled\": \"yes\"}", "settings.security.externalAuth.enabled must be a boolean");
        assertBadRequest("{\"assumeEmailVerified\": 1}", "settings.security.externalAuth.assumeEmailVerified must be a boolean");
        assertBadRequest("{\"iss\": 5}",
                "settings.security.externalAuth.iss must be null or a string of at most 2048 characters");
        assertBadRequest("{\"aud\": {}}",
                "settings.security.externalAuth.aud must be null or a string of at most 2048 characters");
        assertBadRequest("{\"cookieName\": []}",
                "settings.security.externalAuth.cookieName must be null or a string of at most 255 characters");
    }

    @Test
    void anInvalidPatchLeavesTheStoredSettingsUnchanged() {
        String id = server.createEnvironment();
        assertThat(patch(id, "{\"enabled\": true, \"iss\": \"https://a/\", \"jwksUrl\": \"https://a/jwks\"}").status()).isEqualTo(200);

        assertThat(patch(id, "{\"iss\": null}").status()).isEqualTo(400);

        Http.Response env = server.http().get("/api/v0/admin/environments/" + id,
                "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
        assertThat(env.json().get("settings").get("security").get("externalAuth").get("iss").asString()).isEqualTo("https://a/");
    }
}
