package dev.sigil.profile;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.Mailbox;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code DELETE /users} and {@code GET /users/check} over real HTTP. */
class DeleteAndCheckTest {
    static Mailbox mailbox;
    static TestServer server;
    static SdkClient sdk;

    @BeforeAll
    static void start() {
        mailbox = Mailbox.started();
        server = TestServer.start(MutableClock.startingNow(), c -> c.smtp(Optional.of(mailbox.smtpConfig())));
        sdk = new SdkClient(server, server.createEnvironment());
    }

    @AfterAll
    static void stop() {
        server.close();
        mailbox.close();
    }

    static String addEmail(String bearer) {
        String email = "d-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String id = sdk.put("/users", Json.writeString(Map.of("email", email)), bearer).json()
                .get("emailVerification").get("verificationUUID").asString();
        Http.Response verified = sdk.post("/emailVerifications/verify",
                Json.writeString(Map.of("verificationUUID", id, "verificationToken", mailbox.awaitCode(email, 1))), bearer);
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        return email;
    }

    static Http.Response check(String bearer, String query) {
        return sdk.get("/users/check?" + query, bearer);
    }

    static String filter(String field, String value) {
        return "filter%5Bfield%5D=" + field + "&filter%5Bvalue%5D=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void deletingTheUserKillsEveryTokenAndFreesItsCredentials() {
        TestWallet wallet = TestWallet.random();
        JsonNode first = sdk.signIn(wallet);
        String bearer = first.get("minifiedJwt").asString();
        String legacy = first.get("jwt").asString();
        String otherSession = sdk.signIn(wallet).get("minifiedJwt").asString();
        String email = addEmail(bearer);
        String userId = first.get("user").get("id").asString();

        Http.Response deleted = sdk.delete("/users", bearer);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        for (String token : new String[]{bearer, legacy, otherSession}) {
            for (Http.Response response : new Http.Response[]{sdk.post("/refresh", "", token), sdk.get("/session", token),
                    sdk.get("/users", token), sdk.put("/users", "{}", token), sdk.delete("/users", token)}) {
                assertThat(response.status()).as(response.toString()).isEqualTo(401);
                assertThat(response.json().get("error").isString()).isTrue();
            }
        }
        // The wallet signs up again as a new user; the email is free for anyone.
        JsonNode again = sdk.signIn(wallet);
        assertThat(again.get("user").get("newUser").asBoolean()).isTrue();
        assertThat(again.get("user").get("id").asString()).isNotEqualTo(userId);
        assertThat(again.get("user").get("verifiedCredentials")).hasSize(1);
        assertThat(again.get("user").get("email").isNull()).isTrue();
        String someoneElse = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        assertThat(check(someoneElse, filter("email", email)).json().get("available").asBoolean()).isTrue();
    }

    @Test
    void deleteWithoutATokenIs401() {
        Http.Response response = server.http().send("DELETE", sdk.path("/users"), null, "Origin", TestServer.ORIGIN);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("error").isString()).isTrue();
    }

    @Test
    void checkAnswersForUsernamesInBothQueryForms() {
        String owner = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String asker = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String name = "Name_" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(sdk.put("/users", Json.writeString(Map.of("username", name)), owner).status()).isEqualTo(200);

        Http.Response bracketed = check(asker, filter("username", name.toLowerCase()));
        assertThat(bracketed.status()).isEqualTo(200);
        assertThat(bracketed.json().get("field").asString()).isEqualTo("username");
        assertThat(bracketed.json().get("value").asString()).isEqualTo(name.toLowerCase());
        assertThat(bracketed.json().get("available").asBoolean()).isFalse();

        Http.Response plain = check(asker, "field=username&value=" + name);
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.json().get("available").asBoolean()).isFalse();

        assertThat(check(owner, filter("username", name)).json().get("available").asBoolean()).as("one's own").isTrue();
        assertThat(check(asker, filter("username", "free_" + name)).json().get("available").asBoolean()).isTrue();
        assertThat(check(asker, filter("username", "no")).json().get("available").asBoolean()).as("never settable").isFalse();
    }

    @Test
    void checkAnswersForEmails() {
        String owner = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String asker = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String email = addEmail(owner);

        assertThat(check(asker, filter("email", email.toUpperCase())).json().get("available").asBoolean()).isFalse();
        assertThat(check(asker, "field=email&value=" + URLEncoder.encode("new-" + email, StandardCharsets.UTF_8))
                .json().get("available").asBoolean()).isTrue();
        assertThat(check(asker, filter("email", "not-an-email")).json().get("available").asBoolean()).isFalse();
    }

    @Test
    void checkRefusesUnknownFieldsMissingValuesAndMissingTokens() {
        String bearer = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        for (String query : new String[]{filter("name-service-subdomain-handle", "alice"), filter("alias", "x"),
                "filter%5Bfield%5D=username", "field=username&value=", "value=x", ""}) {
            Http.Response response = check(bearer, query);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.json().get("error").asString()).isNotBlank();
        }
        Http.Response anonymous = server.http().get(sdk.path("/users/check?" + filter("username", "abc")), "Origin", TestServer.ORIGIN);
        assertThat(anonymous.status()).isEqualTo(401);
    }
}
