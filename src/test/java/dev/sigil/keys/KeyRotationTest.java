package dev.sigil.keys;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/v0/admin/environments/{id}/keys/rotate}: new tokens are signed with the new key at once, the
 * old key stays published and verifying exactly as long as a token it signed can be alive, then disappears.
 */
class KeyRotationTest {

    private static String kidOf(String token) {
        return Json.read(new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8)).get("kid").asString();
    }

    private static List<String> publishedKids(SdkClient sdk) {
        List<String> kids = new ArrayList<>();
        for (JsonNode key : sdk.get("/.well-known/jwks").json().get("keys")) {
            kids.add(key.get("kid").asString());
        }
        return kids;
    }

    private static Http.Response rotate(TestServer server, String environmentId) {
        return server.http().post("/api/v0/admin/environments/" + environmentId + "/keys/rotate", null,
                "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
    }

    @Test
    void aKeyAnotherNodeJustRotatedInVerifiesHereOnTheFirstRequest() {
        try (TestServer server = TestServer.start(); dev.sigil.App nodeB = server.startSecondNode()) {
            String env = server.createEnvironment();
            SdkClient onA = new SdkClient(server, env);
            SdkClient onB = new SdkClient(new Http("http://127.0.0.1:" + nodeB.port()), env);
            // Node B loads its key ring now (the test clock stands still, so the ring stays "just loaded").
            assertThat(onB.get("/session", onA.signIn(TestWallet.random()).get("minifiedJwt").asString()).status())
                    .isEqualTo(204);

            assertThat(rotate(server, env).status()).isIn(200, 201);
            String token = onA.signIn(TestWallet.random()).get("minifiedJwt").asString();
            assertThat(kidOf(token)).isEqualTo(publishedKids(onA).get(0));

            assertThat(onB.get("/session", token).status()).isEqualTo(204);
            assertThat(onB.post("/refresh", null, token).status()).isEqualTo(200);
        }
    }

    @Test
    void rotationSignsNewTokensWithTheNewKeyAndKeepsOldTokensVerifyingUntilTheyExpire() {
        try (TestServer server = TestServer.start()) {
            SdkClient sdk = new SdkClient(server, server.createEnvironment());
            String oldToken = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
            String oldKid = kidOf(oldToken);

            Http.Response rotated = rotate(server, sdk.environmentId());
            assertThat(rotated.status()).isEqualTo(201);
            String newKid = rotated.json().get("kid").asString();
            assertThat(newKid).isNotEqualTo(oldKid);
            assertThat(publishedKids(sdk)).containsExactly(newKid, oldKid);

            // A token signed before the rotation still works, and its refresh is signed with the new key.
            JsonNode refreshed = sdk.post("/refresh", null, oldToken).json();
            assertThat(kidOf(refreshed.get("minifiedJwt").asString())).isEqualTo(newKid);
            assertThat(kidOf(refreshed.get("jwt").asString())).isEqualTo(newKid);
            assertThat(kidOf(sdk.signIn(TestWallet.random()).get("jwt").asString())).isEqualTo(newKid);
            assertThat(sdk.get("/session", oldToken).status()).isEqualTo(204);

            // 2 h (the longest token lifetime) + 30 s (other nodes' key cache) later the old key is gone.
            server.clock.advance(Duration.ofHours(2));
            assertThat(publishedKids(sdk)).containsExactly(newKid, oldKid);
            server.clock.advance(Duration.ofSeconds(31));
            assertThat(publishedKids(sdk)).containsExactly(newKid);
        }
    }

    @Test
    void retiredKeyStaysPublishedForTheLongestLifetimeTheEnvironmentEverHad() {
        try (TestServer server = TestServer.start()) {
            String env = server.createEnvironment();
            SdkClient sdk = new SdkClient(server, env);
            server.patchEnvironment(env, "{\"settings\": {\"security\": {\"jwtDuration\": {\"amount\": 1, \"unit\": \"days\"}}}}");
            String longLived = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
            // Shortening the lifetime does not shorten the life of tokens already issued.
            server.patchEnvironment(env, "{\"settings\": {\"security\": {\"jwtDuration\": {\"amount\": 10, \"unit\": \"minutes\"}}}}");
            assertThat(rotate(server, env).status()).isEqualTo(201);

            server.clock.advance(Duration.ofHours(23));
            assertThat(publishedKids(sdk)).contains(kidOf(longLived));
            assertThat(sdk.post("/refresh", null, longLived).status()).isEqualTo(200);
        }
    }

    @Test
    void rotationOnOneEnvironmentLeavesOthersAlone() {
        try (TestServer server = TestServer.start()) {
            SdkClient a = new SdkClient(server, server.createEnvironment());
            SdkClient b = new SdkClient(server, server.createEnvironment());
            List<String> before = publishedKids(b);
            assertThat(rotate(server, a.environmentId()).status()).isEqualTo(201);
            assertThat(publishedKids(b)).isEqualTo(before);
            assertThat(publishedKids(a)).hasSize(2).doesNotContainAnyElementsOf(before);
        }
    }

    @Test
    void rotatingAnUnknownEnvironmentIs404() {
        try (TestServer server = TestServer.start()) {
            Http.Response response = rotate(server, "00000000-0000-4000-8000-000000000000");
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json().get("code").asString()).isEqualTo("not_found");
        }
    }
}
