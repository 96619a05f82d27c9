package dev.sigil.webhook;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.Mailbox;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Every event type is published by the change that causes it, and only when that change commits. */
class WebhookEventsTest {
    static Mailbox mailbox;
    static WebhookFixture fixture;
    static Receiver receiver;
    static String env;
    static SdkClient sdk;

    @BeforeAll
    static void start() {
        mailbox = Mailbox.started();
        fixture = new WebhookFixture(c -> c.smtp(Optional.of(mailbox.smtpConfig())));
        env = fixture.server.createEnvironment();
        sdk = new SdkClient(fixture.server, env);
        receiver = Receiver.healthy();
        fixture.registerAll(env, receiver.url());
    }

    @AfterAll
    static void stop() {
        receiver.close();
        fixture.close();
        mailbox.close();
    }

    static List<String> typesFor(String userId, int expected) {
        return receiver.await(r -> forUser(r, userId).size() >= expected).stream()
                .filter(r -> userId.equals(userIdOf(r))).map(Receiver.Request::type).toList();
    }

    static List<Receiver.Request> forUser(List<Receiver.Request> requests, String userId) {
        return requests.stream().filter(r -> userId.equals(userIdOf(r))).toList();
    }

    static String userIdOf(Receiver.Request r) {
        JsonNode id = r.json().get("data").get("userId");
        return id == null ? null : id.asString();
    }

    static JsonNode emailSignIn(String email) {
        Http.Response created = sdk.post("/emailVerifications/create", Json.writeString(Map.of("email", email)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("verificationUUID").asString();
        Http.Response signedIn = sdk.post("/emailVerifications/signin", Json.writeString(
                Map.of("verificationUUID", id, "verificationToken", mailbox.awaitCode(email, 1))));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        return signedIn.json();
    }

    @Test
    void anEmailUsersJourneyPublishesEachEventInOrder() {
        String email = "webhook-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode signedIn = emailSignIn(email);
        String userId = signedIn.get("user").get("id").asString();
        String bearer = signedIn.get("minifiedJwt").asString();

        TestWallet wallet = TestWallet.random();
        JsonNode linked = sdk.post("/verify/link", sdk.signedRequest(wallet), bearer).json();
        String walletId = null;
        for (JsonNode vc : linked.get("user").get("verifiedCredentials")) {
            if (vc.get("public_identifier").asString().toLowerCase(Locale.ROOT).equals(wallet.address().toLowerCase(Locale.ROOT))) {
                walletId = vc.get("id").asString();
            }
        }
        assertThat(walletId).isNotNull();
        assertThat(sdk.post("/verify/unlink", Json.writeString(Map.of("walletId", walletId)), bearer).status()).isEqualTo(200);
        assertThat(sdk.put("/users", Json.writeString(Map.of("firstName", "Ada")), bearer).status()).isEqualTo(200);
        // A refused change publishes nothing.
        assertThat(sdk.put("/users", Json.writeString(Map.of("username", "not valid!")), bearer).status()).isIn(400, 422);

        String sid = SdkClient.claims(bearer).get("sid").asString();
        assertThat(fixture.admin("POST", env, "/users/" + userId + "/block", null).status()).isEqualTo(200);
        assertThat(fixture.admin("POST", env, "/users/" + userId + "/unblock", null).status()).isEqualTo(200);
        assertThat(fixture.admin("PATCH", env, "/users/" + userId, "{\"lastName\": \"Lovelace\"}").status()).isEqualTo(200);
        assertThat(fixture.admin("POST", env, "/sessions/" + sid + "/revoke", null).status()).isEqualTo(200);
        assertThat(fixture.admin("DELETE", env, "/users/" + userId, null).status()).isEqualTo(204);

        assertThat(typesFor(userId, 11)).containsExactly("user.created", "email.verified", "session.created",
                "wallet.linked", "wallet.unlinked", "user.updated", "user.updated", "user.updated", "user.updated",
                "session.revoked", "user.deleted");
        List<Receiver.Request> requests = forUser(receiver.requests(), userId);
        assertThat(requests.get(1).json().get("data").get("email").asString()).isEqualTo(email);
        assertThat(requests.get(3).json().get("data").get("address").asString()).isEqualTo(wallet.address());
        assertThat(requests.get(5).json().get("data").get("fields").toString()).contains("first_name");
    }

    @Test
    void aWalletUsersRevokesVerifyAndDeletePublishEvents() {
        TestWallet wallet = TestWallet.random();
        JsonNode first = sdk.signIn(wallet);
        String userId = first.get("user").get("id").asString();
        assertThat(sdk.post("/revoke", "{}", first.get("minifiedJwt").asString()).status()).isIn(200, 204);
        String bearer = sdk.signIn(wallet).get("minifiedJwt").asString();

        String email = "verify-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Http.Response created = sdk.post("/emailVerifications/create", Json.writeString(Map.of("email", email)));
        String id = created.json().get("verificationUUID").asString();
        Http.Response verified = sdk.post("/emailVerifications/verify", Json.writeString(
                Map.of("verificationUUID", id, "verificationToken", mailbox.awaitCode(email, 1))), bearer);
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);

        assertThat(fixture.admin("POST", env, "/users/" + userId + "/sessions/revoke", null).status()).isEqualTo(200);
        // A blocked user's sign-in is refused and rolled back: no session.created for it.
        assertThat(fixture.admin("POST", env, "/users/" + userId + "/block", null).status()).isEqualTo(200);
        assertThat(sdk.signInResponse(wallet, "/wallets/signin").status()).isEqualTo(403);
        assertThat(fixture.admin("POST", env, "/users/" + userId + "/unblock", null).status()).isEqualTo(200);
        String again = sdk.signIn(wallet).get("minifiedJwt").asString();
        assertThat(sdk.delete("/users", again).status()).isEqualTo(204);

        assertThat(typesFor(userId, 10)).containsExactly("user.created", "session.created", "session.revoked",
                "session.created", "email.verified", "session.revoked", "user.updated", "user.updated",
                "session.created", "user.deleted");
    }

    @Test
    void revokingAllSessionsOfTheEnvironmentPublishesOneEventWithoutAUser() {
        sdk.signIn(TestWallet.random());
        assertThat(fixture.admin("POST", env, "/sessions/revoke", null).status()).isEqualTo(200);
        Receiver.Request event = receiver.await(r -> r.stream().anyMatch(x -> x.json().get("data").has("allSessionsOfEnvironment")))
                .stream().filter(x -> x.json().get("data").has("allSessionsOfEnvironment")).findFirst().orElseThrow();
        assertThat(event.type()).isEqualTo("session.revoked");
        assertThat(event.json().get("data").get("revoked").asInt()).isPositive();
    }
}
