package dev.sigil.webhook;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Registering, listing and deleting webhook endpoints: validation, secrets shown once, scopes, audit. */
class WebhookAdminTest {
    static WebhookFixture fixture;
    static String env;

    @BeforeAll
    static void start() {
        fixture = new WebhookFixture();
        env = fixture.server.createEnvironment();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static Http.Response create(String token, String envId, Object body) {
        return fixture.call(token, "POST", envId, "/webhooks", body instanceof String s ? s : Json.writeString(body));
    }

    @Test
    void registeringShowsTheSecretOnceAndListingNeverShowsIt() {
        Http.Response created = create(WebhookFixture.OPERATOR, env,
                Map.of("url", "https://example.com/hooks/sigil", "events", List.of("user.created", "session.revoked")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode json = created.json();
        assertThat(json.get("secret").asString()).matches("whsec_[A-Za-z0-9_-]{43}");
        assertThat(json.get("url").asString()).isEqualTo("https://example.com/hooks/sigil");
        assertThat(json.get("events").toString()).isEqualTo("[\"user.created\",\"session.revoked\"]");
        assertThat(json.get("createdAt").asString()).isNotBlank();
        String id = json.get("id").asString();

        Http.Response listed = fixture.admin("GET", env, "/webhooks", null);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).contains(id).doesNotContain(json.get("secret").asString()).doesNotContain("secret");

        JsonNode audit = fixture.admin("GET", env, "/audit", null).json().get("entries");
        assertThat(audit.toString()).contains("webhook.create").doesNotContain(json.get("secret").asString());

        assertThat(fixture.admin("DELETE", env, "/webhooks/" + id, null).status()).isEqualTo(204);
        assertThat(fixture.admin("GET", env, "/webhooks", null).body()).doesNotContain(id);
        assertThat(fixture.admin("GET", env, "/audit", null).body()).contains("webhook.delete");
        Http.Response again = fixture.admin("DELETE", env, "/webhooks/" + id, null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("code").asString()).isEqualTo("not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/hook", "example.com/hook", "not a url", "https://", "/relative",
            "https://user:pw@example.com/hook", "javascript:alert(1)", "https://example.com/hook#frag", ""})
    void aUrlThatIsNotHttpOrHttpsIs400(String url) {
        Http.Response response = create(WebhookFixture.OPERATOR, env, Map.of("url", url, "events", List.of("user.created")));
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"url\": \"https://example.com/h\", \"events\": [\"user.exploded\"]}",
            "{\"url\": \"https://example.com/h\", \"events\": []}",
            "{\"url\": \"https://example.com/h\", \"events\": \"user.created\"}",
            "{\"url\": \"https://example.com/h\", \"events\": [42]}",
            "{\"url\": \"https://example.com/h\"}",
            "{\"events\": [\"user.created\"]}",
            "{\"url\": 7, \"events\": [\"user.created\"]}",
            "[]",
            "not json"})
    void unknownEventsAndMalformedBodiesAre400(String body) {
        Http.Response response = create(WebhookFixture.OPERATOR, env, body);
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).isNotBlank();
    }

    @Test
    void scopedTokensNeedWebhookScopesAndStayInTheirEnvironment() {
        String reader = fixture.token(env, "webhooks:read");
        String writer = fixture.token(env, "webhooks:write");
        String users = fixture.token(env, "users:read", "users:write");
        Map<String, Object> body = Map.of("url", "http://127.0.0.1:9/hook", "events", List.of("user.created"));

        assertThat(create(reader, env, body).status()).isEqualTo(403);
        assertThat(create(users, env, body).status()).isEqualTo(403);
        Http.Response created = create(writer, env, body);
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(fixture.admin("GET", env, "/audit", null).body()).contains("token:");

        assertThat(fixture.call(reader, "GET", env, "/webhooks", null).status()).isEqualTo(200);
        assertThat(fixture.call(users, "GET", env, "/webhooks", null).status()).isEqualTo(403);
        assertThat(fixture.call(writer, "GET", env, "/webhooks", null).status()).isEqualTo(403);
        assertThat(fixture.call(reader, "GET", env, "/webhooks/" + id + "/deliveries", null).status()).isEqualTo(200);
        assertThat(fixture.call(users, "GET", env, "/webhooks/" + id + "/deliveries", null).status()).isEqualTo(403);
        assertThat(fixture.call(reader, "POST", env, "/webhooks/" + id + "/deliveries/" + UUID.randomUUID() + "/redeliver", null)
                .status()).isEqualTo(403);
        assertThat(fixture.call(reader, "DELETE", env, "/webhooks/" + id, null).status()).isEqualTo(403);

        String other = fixture.server.createEnvironment();
        assertThat(fixture.call(reader, "GET", other, "/webhooks", null).status()).isEqualTo(404);
        assertThat(create(writer, other, body).status()).isEqualTo(404);
        assertThat(fixture.admin("GET", other, "/webhooks/" + id + "/deliveries", null).status()).isEqualTo(404);
        assertThat(fixture.admin("DELETE", other, "/webhooks/" + id, null).status()).isEqualTo(404);

        assertThat(fixture.call(writer, "DELETE", env, "/webhooks/" + id, null).status()).isEqualTo(204);
        assertThat(fixture.server.http().get("/api/v0/admin/environments/" + env + "/webhooks").status()).isEqualTo(401);
    }

    @Test
    void unknownWebhookOrDeliveryIs404AndABadCursorIs400() {
        String id = fixture.register(env, "https://example.com/x", "user.created").get("id").asString();
        Http.Response unknownHook = fixture.admin("GET", env, "/webhooks/" + UUID.randomUUID() + "/deliveries", null);
        assertThat(unknownHook.status()).isEqualTo(404);
        assertThat(unknownHook.json().get("code").asString()).isEqualTo("not_found");
        Http.Response unknownDelivery = fixture.admin("POST", env,
                "/webhooks/" + id + "/deliveries/" + UUID.randomUUID() + "/redeliver", null);
        assertThat(unknownDelivery.status()).isEqualTo(404);
        assertThat(unknownDelivery.json().get("code").asString()).isEqualTo("not_found");
        assertThat(fixture.admin("GET", env, "/webhooks/" + id + "/deliveries?cursor=bogus!", null).status()).isEqualTo(400);
        assertThat(fixture.admin("GET", env, "/webhooks/" + id + "/deliveries?limit=0", null).status()).isEqualTo(400);
        assertThat(fixture.admin("GET", env, "/webhooks/" + id + "/deliveries", null).json().get("deliveries").size()).isZero();
    }

    @Test
    void theSecretIsStoredEncryptedBoundToItsEndpoint() {
        JsonNode created = fixture.register(env, "https://example.com/enc", "user.created");
        String secret = created.get("secret").asString();
        String stored = fixture.server.app().services().database.jdbi().withHandle(h ->
                h.createQuery("SELECT secret_enc FROM webhooks WHERE id = :id").bind("id", created.get("id").asString())
                        .mapTo(String.class).one());
        assertThat(stored).doesNotContain(secret).doesNotContain(secret.substring("whsec_".length()));
    }
}
