package dev.sigil.otp;

import com.icegreen.greenmail.util.GreenMailUtil;
import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.Mailbox;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Email one-time codes end to end: real HTTP in, real SMTP (GreenMail) out. */
class EmailOtpTest {
    static Mailbox mailbox;
    static TestServer server;
    static SdkClient sdk;

    @BeforeAll
    static void start() {
        mailbox = Mailbox.started();
        server = TestServer.start(MutableClock.startingNow(), c -> c.smtp(Optional.of(mailbox.smtpConfig())));
        sdk = new SdkClient(server, server.createEnvironment());
        // Dozens of sign-ins and codes from one address while the clock stands still.
        server.raiseAddressLimits(sdk.environmentId());
    }

    @AfterAll
    static void stop() {
        server.close();
        mailbox.close();
    }

    static String newAddress() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    static Http.Response create(SdkClient client, String email) {
        return client.post("/emailVerifications/create", Json.writeString(Map.of("email", email)));
    }

    static String createId(SdkClient client, String email) {
        Http.Response response = create(client, email);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().get("verificationUUID").asString();
    }

    static Http.Response signIn(SdkClient client, String id, String code) {
        return client.post("/emailVerifications/signin", Json.writeString(Map.of("verificationUUID", id, "verificationToken", code)));
    }

    static String wrong(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    @Test
    void aCodeFromTheMailSignsInANewUserWithAnEmailCredential() {
        String email = "New.User-" + UUID.randomUUID().toString().substring(0, 8) + "@Example.com";
        Http.Response created = create(sdk, email);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("email").asString()).isEqualTo(email);
        String id = created.json().get("verificationUUID").asString();
        assertThat(id).hasSize(36);

        Http.Response response = signIn(sdk, id, mailbox.awaitCode(email, 1));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("minifiedJwt").asString()).isNotBlank();
        JsonNode user = body.get("user");
        assertThat(user.get("newUser").asBoolean()).isTrue();
        assertThat(user.get("email").asString()).isEqualTo(email);
        JsonNode credential = user.get("verifiedCredentials").get(0);
        assertThat(credential.get("format").asString()).isEqualTo("email");
        assertThat(credential.get("email").asString()).isEqualTo(email);
        assertThat(credential.get("public_identifier").asString()).isEqualTo(email);
        assertThat(credential.get("signInEnabled").asBoolean()).isTrue();
        assertThat(user.get("lastVerifiedCredentialId").asString()).isEqualTo(credential.get("id").asString());
    }

    @Test
    void theMailHasTextAndHtmlWithTheCodeAndTheAppName() throws Exception {
        String email = newAddress();
        createId(sdk, email);
        MimeMessage message = mailbox.awaitMessage(email, 1);
        assertThat(message.getSubject()).isEqualTo("Your sign-in code for test");
        assertThat(((InternetAddress) message.getFrom()[0]).getAddress()).isEqualTo(Mailbox.FROM);
        assertThat(((InternetAddress) message.getFrom()[0]).getPersonal()).isEqualTo("test");
        String raw = GreenMailUtil.getBody(message);
        assertThat(raw).contains("text/plain").contains("text/html").contains("Your test sign-in code is");
        assertThat(Mailbox.codeIn(message)).matches("\\d{6}");
    }

    @Test
    void subjectAndSenderNameComeFromTheEnvironmentSettings() throws Exception {
        SdkClient other = new SdkClient(server, server.createEnvironment());
        server.patchEnvironment(other.environmentId(),
                "{\"settings\":{\"sigil\":{\"otp\":{\"emailSubject\":\"Welcome to Acme\",\"emailFromName\":\"Acme Login\"}}}}");
        String email = newAddress();
        createId(other, email);
        MimeMessage message = mailbox.awaitMessage(email, 1);
        assertThat(message.getSubject()).isEqualTo("Welcome to Acme");
        assertThat(((InternetAddress) message.getFrom()[0]).getPersonal()).isEqualTo("Acme Login");
    }

    @Test
    void theSameEmailInAnotherCaseSignsIntoTheSameUser() {
        String email = newAddress();
        JsonNode first = signIn(sdk, createId(sdk, email), mailbox.awaitCode(email, 1)).json().get("user");
        String upper = email.toUpperCase();
        Http.Response second = signIn(sdk, createId(sdk, upper), mailbox.awaitCode(email, 2));

        assertThat(second.status()).isEqualTo(200);
        JsonNode user = second.json().get("user");
        assertThat(user.get("id").asString()).isEqualTo(first.get("id").asString());
        assertThat(user.get("newUser").asBoolean()).isFalse();
        assertThat(user.get("verifiedCredentials")).hasSize(1);
        assertThat(user.get("verifiedCredentials").get(0).get("email").asString()).isEqualTo(email);
    }

    @Test
    void aCodeWorksOnlyOnce() {
        String email = newAddress();
        String id = createId(sdk, email);
        String code = mailbox.awaitCode(email, 1);
        assertThat(signIn(sdk, id, code).status()).isEqualTo(200);

        Http.Response again = signIn(sdk, id, code);
        assertThat(again.status()).isEqualTo(422);
        assertThat(again.json().get("code").asString()).isEqualTo("invalid_email_verification");
    }

    @Test
    void aWrongCodeIsRefusedAndAfterFiveTheVerificationIsDeadEvenForTheRightCode() {
        String email = newAddress();
        String id = createId(sdk, email);
        String code = mailbox.awaitCode(email, 1);
        for (int i = 0; i < 5; i++) {
            Http.Response response = signIn(sdk, id, wrong(code));
            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().get("code").asString()).isEqualTo("wrong_email_verification_token");
            assertThat(response.body()).doesNotContain(code);
        }
        Http.Response right = signIn(sdk, id, code);
        assertThat(right.status()).isEqualTo(422);
        assertThat(right.json().get("code").asString()).isEqualTo("too_many_email_verification_attempts");
    }

    @Test
    void wrongTriesAreCountedExactlyUnderConcurrency() throws Exception {
        String email = newAddress();
        String id = createId(sdk, email);
        String code = mailbox.awaitCode(email, 1);
        List<Integer> statuses = parallel(12, () -> signIn(sdk, id, wrong(code)).json().get("code").asString().length());
        assertThat(statuses).hasSize(12);
        Http.Response right = signIn(sdk, id, code);
        assertThat(right.json().get("code").asString()).isEqualTo("too_many_email_verification_attempts");
    }

    @Test
    void maxAttemptsIsAnEnvironmentSetting() {
        SdkClient strict = new SdkClient(server, server.createEnvironment());
        server.patchEnvironment(strict.environmentId(), "{\"settings\":{\"sigil\":{\"otp\":{\"maxAttempts\":1}}}}");
        String email = newAddress();
        String id = createId(strict, email);
        String code = mailbox.awaitCode(email, 1);
        assertThat(signIn(strict, id, wrong(code)).json().get("code").asString()).isEqualTo("wrong_email_verification_token");
        assertThat(signIn(strict, id, code).json().get("code").asString()).isEqualTo("too_many_email_verification_attempts");
    }

    @Test
    void anExpiredCodeIsAnInvalidVerification() {
        MutableClock clock = new MutableClock(java.time.Instant.now());
        try (TestServer own = TestServer.start(clock, c -> c.smtp(Optional.of(mailbox.smtpConfig())))) {
            SdkClient client = new SdkClient(own, own.createEnvironment());
            String email = newAddress();
            String id = createId(client, email);
            String code = mailbox.awaitCode(email, 1);
            clock.advance(Duration.ofMinutes(10).plusSeconds(1));

            Http.Response response = signIn(client, id, code);
            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().get("code").asString()).isEqualTo("invalid_email_verification");
        }
    }

    @Test
    void anUnknownVerificationIsInvalid() {
        Http.Response response = signIn(sdk, UUID.randomUUID().toString(), "123456");
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("code").asString()).isEqualTo("invalid_email_verification");
    }

    @Test
    void aVerificationOfAnotherEnvironmentIsInvalid() {
        String email = newAddress();
        String id = createId(sdk, email);
        String code = mailbox.awaitCode(email, 1);
        SdkClient other = new SdkClient(server, server.createEnvironment());
        assertThat(signIn(other, id, code).json().get("code").asString()).isEqualTo("invalid_email_verification");
    }

    @Test
    void retrySendsANewCodeAndKillsTheOldOne() {
        String email = newAddress();
        String id = createId(sdk, email);
        String oldCode = mailbox.awaitCode(email, 1);
        Http.Response retried = sdk.post("/emailVerifications/retry", Json.writeString(Map.of("verificationUUID", id, "email", email)));
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.json().get("verificationUUID").asString()).isEqualTo(id);
        assertThat(retried.json().get("email").asString()).isEqualTo(email);
        String newCode = mailbox.awaitCode(email, 2);

        if (!newCode.equals(oldCode)) {
            Http.Response old = signIn(sdk, id, oldCode);
            assertThat(old.json().get("code").asString()).isEqualTo("wrong_email_verification_token");
        }
        assertThat(signIn(sdk, id, newCode).status()).isEqualTo(200);
    }

    @Test
    void retryForAnotherAddressIsAnInvalidVerification() {
        String email = newAddress();
        String id = createId(sdk, email);
        Http.Response retried = sdk.post("/emailVerifications/retry", Json.writeString(Map.of("verificationUUID", id, "email", newAddress())));
        assertThat(retried.status()).isEqualTo(422);
        assertThat(retried.json().get("code").asString()).isEqualTo("invalid_email_verification");
    }

    @Test
    void retriesPerVerificationAreLimitedWith429AndRetryAfter() {
        String email = newAddress();
        String id = createId(sdk, email);
        String body = Json.writeString(Map.of("verificationUUID", id, "email", email));
        for (int i = 0; i < 3; i++) {
            assertThat(sdk.post("/emailVerifications/retry", body).status()).isEqualTo(201);
        }
        Http.Response limited = sdk.post("/emailVerifications/retry", body);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("error").asString()).isNotBlank();
        assertThat(Long.parseLong(limited.header("Retry-After").orElseThrow())).isPositive();
    }

    @Test
    void sendsPerAddressPerHourAreLimitedWith429AndRetryAfter() {
        SdkClient limitedEnv = new SdkClient(server, server.createEnvironment());
        server.patchEnvironment(limitedEnv.environmentId(), "{\"settings\":{\"sigil\":{\"otp\":{\"sendsPerAddressPerHour\":2}}}}");
        String email = newAddress();
        createId(limitedEnv, email);
        createId(limitedEnv, email.toUpperCase());
        Http.Response limited = create(limitedEnv, email);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(Long.parseLong(limited.header("Retry-After").orElseThrow())).isBetween(1L, 3601L);
        assertThat(create(limitedEnv, newAddress()).status()).isEqualTo(201);
    }

    @Test
    void createAgainForTheSameAddressKillsThePreviousCode() {
        String email = newAddress();
        String firstId = createId(sdk, email);
        String firstCode = mailbox.awaitCode(email, 1);
        String secondId = createId(sdk, email);
        String secondCode = mailbox.awaitCode(email, 2);

        assertThat(signIn(sdk, firstId, firstCode).json().get("code").asString()).isEqualTo("invalid_email_verification");
        assertThat(signIn(sdk, secondId, secondCode).status()).isEqualTo(200);
    }

    @Test
    void twoConcurrentSignInsWithTheSameCodeExactlyOneSucceeds() throws Exception {
        for (int round = 0; round < 3; round++) {
            String email = newAddress();
            String id = createId(sdk, email);
            String code = mailbox.awaitCode(email, 1);
            List<Integer> statuses = parallel(2, () -> signIn(sdk, id, code).status());
            assertThat(statuses).containsExactlyInAnyOrder(200, 422);
        }
    }

    @Test
    void invalidInputIsAClear4xx() {
        assertThat(create(sdk, "not-an-email").json().get("code").asString()).isEqualTo("invalid_email");
        assertThat(create(sdk, "a".repeat(65) + "@example.com").json().get("code").asString()).isEqualTo("invalid_email");
        assertThat(create(sdk, "a@" + "b".repeat(250) + ".com").json().get("code").asString()).isEqualTo("invalid_email");
        assertThat(sdk.post("/emailVerifications/create", "{}").status()).isEqualTo(400);
        assertThat(sdk.post("/emailVerifications/create", "{\"email\": 5}").status()).isEqualTo(400);
        assertThat(signIn(sdk, "not-a-uuid", "123456").status()).isEqualTo(400);
        assertThat(signIn(sdk, UUID.randomUUID().toString(), "12345a").status()).isEqualTo(400);
        assertThat(sdk.post("/emailVerifications/signin", "[]").status()).isEqualTo(400);
    }

    @Test
    void invalidOtpSettingsAre400NamingTheField() {
        String env = server.createEnvironment();
        Http.Response response = server.http().send("PATCH", "/api/v0/admin/environments/" + env,
                "{\"settings\":{\"sigil\":{\"otp\":{\"maxAttempts\":0}}}}", "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).contains("settings.sigil.otp.maxAttempts");
    }

    @Test
    void verifyAddsTheEmailToTheSignedInUserInTheSameSession() {
        JsonNode signedIn = sdk.signIn(TestWallet.random());
        String bearer = signedIn.get("minifiedJwt").asString();
        String email = newAddress();
        String id = createId(sdk, email);
        Http.Response response = sdk.post("/emailVerifications/verify",
                Json.writeString(Map.of("verificationUUID", id, "verificationToken", mailbox.awaitCode(email, 1))), bearer);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("nextView").asString()).isEqualTo("done");
        assertThat(body.get("minifiedJwt").asString()).isNotEqualTo(bearer);
        assertThat(body.get("expiresAt").asLong()).isPositive();
        JsonNode user = body.get("user");
        assertThat(user.get("id").asString()).isEqualTo(signedIn.get("user").get("id").asString());
        assertThat(user.get("sessionId").asString()).isEqualTo(signedIn.get("user").get("sessionId").asString());
        assertThat(user.get("email").asString()).isEqualTo(email);
        assertThat(user.get("verifiedCredentials")).hasSize(2);

        // and signing in with that email now reaches the same user
        Http.Response emailSignIn = signIn(sdk, createId(sdk, email), mailbox.awaitCode(email, 2));
        assertThat(emailSignIn.json().get("user").get("id").asString()).isEqualTo(user.get("id").asString());
    }

    @Test
    void verifyOfAnEmailThatBelongsToAnotherUserIsEmailAlreadyExists() {
        String email = newAddress();
        assertThat(signIn(sdk, createId(sdk, email), mailbox.awaitCode(email, 1)).status()).isEqualTo(200);
        String bearer = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String id = createId(sdk, email);
        Http.Response response = sdk.post("/emailVerifications/verify",
                Json.writeString(Map.of("verificationUUID", id, "verificationToken", mailbox.awaitCode(email, 2))), bearer);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("code").asString()).isEqualTo("email_already_exists");
    }

    @Test
    void verifyWithoutABearerIs401() {
        Http.Response response = sdk.post("/emailVerifications/verify",
                Json.writeString(Map.of("verificationUUID", UUID.randomUUID().toString(), "verificationToken", "123456")));
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("error").asString()).isNotBlank();
    }

    @Test
    void aCodeCreatedBeforeARestartSignsInAfterIt() {
        String email = newAddress();
        String id = createId(sdk, email);
        String code = mailbox.awaitCode(email, 1);
        server.restart();
        assertThat(signIn(sdk, id, code).status()).isEqualTo(200);
    }

    static <T> List<T> parallel(int n, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
