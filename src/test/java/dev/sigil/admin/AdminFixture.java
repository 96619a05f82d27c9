package dev.sigil.admin;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Admin API calls for tests: as the operator or with a scoped token, over real HTTP. */
final class AdminFixture {
    static final String OPERATOR = TestServer.ADMIN_TOKEN;
    final TestServer server;

    AdminFixture(TestServer server) {
        this.server = server;
    }

    Http.Response call(String token, String method, String path, String body) {
        return server.http().send(method, "/api/v0/admin" + path, body, "Authorization", "Bearer " + token,
                "Content-Type", "application/json");
    }

    Http.Response admin(String method, String path, String body) {
        return call(OPERATOR, method, path, body);
    }

    Http.Response env(String envId, String method, String path, String body) {
        return admin(method, "/environments/" + envId + path, body);
    }

    /** Creates a scoped token and returns its secret. */
    String token(String envId, String... scopes) {
        Http.Response created = env(envId, "POST", "/tokens",
                Json.writeString(Map.of("name", "backend", "scopes", List.of(scopes))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("token").asString();
    }

    /** Signs a new wallet in and returns the VerifyResponse. */
    JsonNode signIn(String envId) {
        return new SdkClient(server, envId).signIn(TestWallet.random());
    }

    static String userId(JsonNode verifyResponse) {
        return verifyResponse.get("user").get("id").asString();
    }

    static String jwt(JsonNode verifyResponse) {
        return verifyResponse.get("minifiedJwt").asString();
    }
}
