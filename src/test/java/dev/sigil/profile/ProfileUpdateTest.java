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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code PUT /users}: every UserFields rule over real HTTP, and email/phone changes proved by real codes. */
class ProfileUpdateTest {
    static Mailbox mailbox;
    static TestServer server;
    static SdkClient sdk;

    @BeforeAll
    static void start() {
        mailbox = Mailbox.started();
        // SMTP for email codes; dev mode puts SMS codes in the dev outbox.
        server = TestServer.start(MutableClock.startingNow(),
                c -> c.smtp(Optional.of(mailbox.smtpConfig())).devMode(true));
        sdk = new SdkClient(server, server.createEnvironment());
        // Dozens of sign-ins and codes from one address while the clock stands still.
        server.raiseAddressLimits(sdk.environmentId());
    }

    @AfterAll
    static void stop() {
        server.close();
        mailbox.close();
    }

    static String signIn() {
        return sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
    }

    static Http.Response put(String bearer, Object body) {
        return sdk.put("/users", body instanceof String s ? s : Json.writeString(body), bearer);
    }

    static Map<String, Object> fields(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    static String newUsername() {
        return "u_" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String newAddress() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    @Test
    void savesEveryFieldAndAnswersWithFreshTokensOfTheSameSession() {
        JsonNode signedIn = sdk.signIn(TestWallet.random());
        String bearer = signedIn.get("minifiedJwt").asString();
        String username = newUsername();
        server.clock.advance(Duration.ofSeconds(5));
        Map<String, Object> body = fields(
                "alias", "Ace", "firstName", "Zoë", "lastName", "O'Brien-Smith", "jobTitle", "R&D lead, 50%",
                "tShirtSize", "XL", "team", "Blue/Green", "policiesConsent", true, "country", "DE", "username", username,
                "captchaToken", "P1_" + "x".repeat(3000), "mfaBackupCodeAcknowledgement", "complete",
                "metadata", Map.of("plan", "pro", "seats", 3),
                "btcWallet", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                "kdaWallet", "k:" + "ab".repeat(32),
                "ltcWallet", "LQ3B36Yv2rBTxdgAdYpU2UcEZsaNwXeATk",
                "ckbWallet", "ckb1qyqrdsefa43s6m882pcj53m4gdnj4k440axqdt9rtd",
                "kasWallet", "kaspa:" + "a".repeat(56),
                "dogeWallet", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L",
                "emailNotification", true, "discordNotification", false, "newsletterNotification", true);

        Http.Response response = put(bearer, body);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode answer = response.json();
        assertThat(answer.get("nextView").asString()).isEqualTo("done");
        assertThat(answer.has("emailVerification")).isFalse();
        assertThat(answer.get("minifiedJwt").asString()).isNotEqualTo(bearer);
        assertThat(answer.get("expiresAt").asLong()).isGreaterThan(signedIn.get("expiresAt").asLong());
        JsonNode user = answer.get("user");
        assertThat(user.get("sessionId").asString()).isEqualTo(signedIn.get("user").get("sessionId").asString());
        for (String field : List.of("alias", "firstName", "lastName", "jobTitle", "tShirtSize", "team", "country",
                "username", "btcWallet", "kdaWallet", "ltcWallet", "ckbWallet", "kasWallet", "dogeWallet")) {
            assertThat(user.get(field).asString()).as(field).isEqualTo(body.get(field));
        }
        assertThat(user.get("policiesConsent").asBoolean()).isTrue();
        assertThat(user.get("emailNotification").asBoolean()).isTrue();
        assertThat(user.get("discordNotification").asBoolean()).isFalse();
        assertThat(user.get("newsletterNotification").asBoolean()).isTrue();
        assertThat(user.get("metadata").get("seats").asInt()).isEqualTo(3);

        JsonNode jwt = SdkClient.claims(answer.get("jwt").asString());
        assertThat(jwt.get("sid").asString()).isEqualTo(user.get("sessionId").asString());
        assertThat(jwt.get("given_name").asString()).isEqualTo("Zoë");
        assertThat(jwt.get("family_name").asString()).isEqualTo("O'Brien-Smith");
        assertThat(jwt.get("username").asString()).isEqualTo(username);
        assertThat(jwt.get("country").asString()).isEqualTo("DE");
        assertThat(jwt.get("metadata").get("plan").asString()).isEqualTo("pro");
        assertThat(SdkClient.claims(answer.get("minifiedJwt").asString()).get("username").asString()).isEqualTo(username);

        // The new token works, the old one too (same session), and GET /users shows the stored profile.
        JsonNode stored = sdk.get("/users", answer.get("minifiedJwt").asString()).json();
        assertThat(stored.get("jobTitle").asString()).isEqualTo("R&D lead, 50%");
        assertThat(sdk.get("/users", bearer).status()).isEqualTo(200);
    }

    @Test
    void absentFieldsAreKeptNullAndEmptyStringClear() {
        String bearer = signIn();
        assertThat(put(bearer, fields("firstName", "Ann", "lastName", "Lee", "team", "A", "metadata", Map.of("a", 1),
                "newsletterNotification", true)).status()).isEqualTo(200);

        Map<String, Object> clearing = fields("lastName", null, "team", "", "metadata", null, "newsletterNotification", null);
        JsonNode user = put(bearer, clearing).json().get("user");

        assertThat(user.get("firstName").asString()).isEqualTo("Ann");
        assertThat(user.get("lastName").isNull()).isTrue();
        assertThat(user.get("team").isNull()).isTrue();
        assertThat(user.get("metadata").isEmpty()).isTrue();
        assertThat(user.get("newsletterNotification").isNull()).isTrue();
        assertThat(put(bearer, "{}").json().get("user").get("firstName").asString()).isEqualTo("Ann");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"firstName\":\" Ann\"}", "{\"firstName\":\"Ann \"}", "{\"lastName\":\"<script>\"}", "{\"alias\":123}",
            "{\"team\":\"TOO_LONG\"}", "{\"country\":\"us\"}", "{\"country\":\"USA\"}", "{\"country\":\"XX\"}",
            "{\"username\":\"ab\"}", "{\"username\":\"has space\"}", "{\"username\":\"abcdefghijklmnopqrstu\"}",
            "{\"username\":\"dot.name\"}", "{\"btcWallet\":\"bc1\"}", "{\"kdaWallet\":\"k:zz\"}",
            "{\"ltcWallet\":\"X123\"}", "{\"ckbWallet\":\"ckb1qABC\"}", "{\"kasWallet\":\"kaspa:0OIl\"}",
            "{\"dogeWallet\":\"D1\"}", "{\"policiesConsent\":\"yes\"}", "{\"emailNotification\":1}",
            "{\"metadata\":[1,2]}", "{\"metadata\":\"text\"}", "{\"mfaBackupCodeAcknowledgement\":\"done\"}",
            "{\"captchaToken\":42}", "[]", "not json", ""})
    void refusesFieldsOutsideTheSpecRulesWith400(String body) {
        String bearer = signIn();
        Http.Response response = put(bearer, body.replace("TOO_LONG", "x".repeat(256)));
        assertThat(response.status()).as(body + " -> " + response).isEqualTo(400);
        assertThat(response.json().get("error").asString()).isNotBlank();
        assertThat(sdk.get("/users", bearer).json().get("firstName").isNull()).isTrue();
    }

    @Test
    void metadataOver4KibIsRefusedWith422AndExactly4KibIsAccepted() {
        String bearer = signIn();
        String filler = "x".repeat(4096 - "{\"k\":\"\"}".length());
        assertThat(put(bearer, Map.of("metadata", Map.of("k", filler))).status()).isEqualTo(200);

        Http.Response response = put(bearer, Map.of("metadata", Map.of("k", filler + "x")));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("code").asString()).isEqualTo("metadata_size_exceeded");
    }

    @Test
    void usernamesAreUniquePerEnvironmentIgnoringCase() {
        String first = signIn();
        String second = signIn();
        String name = "Zoë_" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(put(first, Map.of("username", name)).status()).isEqualTo(200);
        assertThat(put(first, Map.of("username", name)).status()).as("keeping one's own").isEqualTo(200);

        Http.Response taken = put(second, Map.of("username", name.toUpperCase(), "firstName", "Bo"));

        assertThat(taken.status()).isEqualTo(422);
        assertThat(taken.json().get("code").asString()).isEqualTo("username_already_exists");
        assertThat(sdk.get("/users", second).json().get("firstName").isNull()).as("nothing saved").isTrue();

        // Another environment has its own usernames; and "" frees the name.
        SdkClient other = new SdkClient(server, server.createEnvironment());
        String elsewhere = other.signIn(TestWallet.random()).get("minifiedJwt").asString();
        assertThat(other.put("/users", Json.writeString(Map.of("username", name)), elsewhere).status()).isEqualTo(200);
        assertThat(put(first, Map.of("username", "")).json().get("user").get("username").isNull()).isTrue();
        assertThat(put(second, Map.of("username", name)).status()).isEqualTo(200);
    }

    @Test
    void twoUsersClaimingOneUsernameAtOnceEndWithOneWinner() throws Exception {
        List<String> bearers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            bearers.add(signIn());
        }
        String name = newUsername();
        List<Callable<Integer>> claims = bearers.stream()
                .<Callable<Integer>>map(b -> () -> put(b, Map.of("username", name)).status()).toList();
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(bearers.size())) {
            for (Future<Integer> f : pool.invokeAll(claims)) {
                statuses.add(f.get());
            }
        }
        assertThat(statuses).containsOnly(200, 422);
        assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
    }

    @Test
    void aNewEmailIsVerifiedByCodeBeforeItIsSetWhileOtherFieldsAreSaved() {
        String bearer = signIn();
        String email = newAddress();

        Http.Response response = put(bearer, fields("email", email, "firstName", "Eve"));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode answer = response.json();
        assertThat(answer.get("nextView").asString()).isEqualTo("verify-email");
        assertThat(answer.get("emailVerification").get("email").asString()).isEqualTo(email);
        String id = answer.get("emailVerification").get("verificationUUID").asString();
        assertThat(answer.get("minifiedJwt").asString()).isNotBlank();
        assertThat(answer.get("user").get("firstName").asString()).isEqualTo("Eve");
        assertThat(answer.get("user").get("email").isNull()).as("not set before the code").isTrue();

        Http.Response verified = sdk.post("/emailVerifications/verify",
                Json.writeString(Map.of("verificationUUID", id, "verificationToken", mailbox.awaitCode(email, 1))), bearer);

        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        JsonNode user = verified.json().get("user");
        assertThat(user.get("email").asString()).isEqualTo(email);
        assertThat(user.get("verifiedCredentials").findValuesAsString("format")).contains("email");
        assertThat(SdkClient.claims(verified.json().get("minifiedJwt").asString()).get("email").asString()).isEqualTo(email);

        // Setting it again (any case) is a no-op; clearing it removes the profile email, not the credential.
        assertThat(put(bearer, Map.of("email", email.toUpperCase())).json().get("nextView").asString()).isEqualTo("done");
        JsonNode cleared = put(bearer, Map.of("email", "")).json().get("user");
        assertThat(cleared.get("email").isNull()).isTrue();
        assertThat(cleared.get("verifiedCredentials").findValuesAsString("format")).contains("email");
        // An address the user has already proved is set at once.
        JsonNode again = put(bearer, Map.of("email", email)).json();
        assertThat(again.get("nextView").asString()).isEqualTo("done");
        assertThat(again.get("user").get("email").asString()).isEqualTo(email);
    }

    @Test
    void anEmailOfAnotherUserIsRefusedAndNothingIsSaved() {
        String owner = signIn();
        String email = newAddress();
        String id = put(owner, Map.of("email", email)).json().get("emailVerification").get("verificationUUID").asString();
        assertThat(sdk.post("/emailVerifications/verify",
                Json.writeString(Map.of("verificationUUID", id, "verificationToken", mailbox.awaitCode(email, 1))), owner)
                .status()).isEqualTo(200);
        String other = signIn();

        Http.Response response = put(other, fields("email", email.toUpperCase(), "firstName", "Mallory"));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("code").asString()).isEqualTo("email_already_exists");
        assertThat(sdk.get("/users", other).json().get("firstName").isNull()).isTrue();
        assertThat(mailbox.messagesTo(email)).hasSize(1);
    }

    @Test
    void anInvalidEmailOrPhoneIs422() {
        String bearer = signIn();
        Http.Response email = put(bearer, Map.of("email", "not-an-email"));
        assertThat(email.status()).isEqualTo(422);
        assertThat(email.json().get("code").asString()).isEqualTo("invalid_email");
        for (String phone : List.of("4155552671", "+1 000", "+999 12345")) {
            Http.Response response = put(bearer, Map.of("phoneNumber", phone));
            assertThat(response.status()).as(phone).isEqualTo(422);
            assertThat(response.json().get("code").asString()).isEqualTo("invalid_phone");
        }
    }

    @Test
    void aNewPhoneNumberIsVerifiedBySms() {
        String bearer = signIn();
        String national = "20155" + String.format("%05d", ThreadLocalRandom.current().nextInt(100_000));

        Http.Response response = put(bearer, fields("phoneNumber", "+1 " + national, "team", "Ops"));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode answer = response.json();
        assertThat(answer.get("nextView").asString()).isEqualTo("verify-sms");
        JsonNode sms = answer.get("smsVerification");
        assertThat(sms.get("phoneNumber").asString()).isEqualTo(national);
        assertThat(sms.get("phoneCountryCode").asString()).isEqualTo("1");
        assertThat(sms.get("isoCountryCode").asString()).isEqualTo("US");
        assertThat(answer.get("user").get("team").asString()).isEqualTo("Ops");
        assertThat(answer.get("user").get("phoneNumber").isNull()).isTrue();

        Http.Response verified = sdk.post("/smsVerifications/verify", Json.writeString(Map.of(
                "verificationUUID", sms.get("verificationUUID").asString(), "verificationToken", devCode("+1" + national))),
                bearer);

        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.json().get("user").get("phoneNumber").asString()).isEqualTo("+1" + national);
    }

    @Test
    void aNewEmailWithoutAnEmailSenderIsRefusedAndNothingIsSaved() {
        try (TestServer plain = TestServer.start(MutableClock.startingNow())) {
            SdkClient client = new SdkClient(plain, plain.createEnvironment());
            String bearer = client.signIn(TestWallet.random()).get("minifiedJwt").asString();

            Http.Response response = client.put("/users", Json.writeString(fields("email", newAddress(), "firstName", "Al")), bearer);

            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().get("code").asString()).isEqualTo("no_enabled_email_provider");
            assertThat(client.get("/users", bearer).json().get("firstName").isNull()).isTrue();
        }
    }

    @Test
    void withoutAValidTokenIs401WithAJsonError() {
        Http.Response none = server.http().send("PUT", sdk.path("/users"), "{}", "Origin", TestServer.ORIGIN);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").isString()).isTrue();
        Http.Response bad = put("not-a-token", "{}");
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.json().get("error").isString()).isTrue();
    }

    /** The newest code the dev console "sent" to {@code to}, waiting for the outbox worker. */
    static String devCode(String to) {
        String path = "/api/v0/admin/environments/" + sdk.environmentId() + "/dev/outbox";
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            for (JsonNode message : server.http().get(path, "Authorization", "Bearer " + TestServer.ADMIN_TOKEN).json().get("messages")) {
                if (message.get("to").asString().equals(to)) {
                    return message.get("code").asString();
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no dev code for " + to);
    }
}
