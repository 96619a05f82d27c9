package dev.sigil.otp;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.Mailbox;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** How codes leave Sigil: the durable outbox, SMTP outages, and the dev console when no provider is configured. */
class OtpDeliveryTest {

    @Test
    void aCodeQueuedWhileSmtpIsDownIsDeliveredOnceItIsUp() {
        MutableClock clock = MutableClock.startingNow();
        try (Mailbox mailbox = Mailbox.stopped();
             TestServer server = TestServer.start(clock, c -> c.smtp(Optional.of(mailbox.smtpConfig())))) {
            SdkClient sdk = new SdkClient(server, server.createEnvironment());
            String email = EmailOtpTest.newAddress();
            String id = EmailOtpTest.createId(sdk, email);
            Outbox outbox = server.app().services().otp.outbox;
            awaitTrue(() -> outbox.mostAttempts() >= 1);
            assertThat(outbox.pending()).isEqualTo(1);

            mailbox.start();
            String code = awaitCodeMovingTime(mailbox, clock, email);

            assertThat(EmailOtpTest.signIn(sdk, id, code).status()).isEqualTo(200);
            awaitTrue(() -> outbox.pending() == 0);
        }
    }

    @Test
    void aCodeQueuedBeforeARestartIsSentAfterIt() {
        MutableClock clock = MutableClock.startingNow();
        try (Mailbox mailbox = Mailbox.stopped();
             TestServer server = TestServer.start(clock, c -> c.smtp(Optional.of(mailbox.smtpConfig())))) {
            SdkClient sdk = new SdkClient(server, server.createEnvironment());
            String email = EmailOtpTest.newAddress();
            String id = EmailOtpTest.createId(sdk, email);
            server.restart();
            mailbox.start();
            assertThat(EmailOtpTest.signIn(sdk, id, awaitCodeMovingTime(mailbox, clock, email)).status()).isEqualTo(200);
        }
    }

    @Test
    void neitherTheVerificationNorTheOutboxStoresTheCodeInPlainText() {
        MutableClock clock = MutableClock.startingNow();
        try (Mailbox mailbox = Mailbox.stopped();
             TestServer server = TestServer.start(clock, c -> c.smtp(Optional.of(mailbox.smtpConfig())))) {
            SdkClient sdk = new SdkClient(server, server.createEnvironment());
            String email = EmailOtpTest.newAddress();
            EmailOtpTest.createId(sdk, email);
            var jdbi = server.app().services().database.jdbi();
            List<Map<String, Object>> stored = jdbi.withHandle(h -> {
                List<Map<String, Object>> rows = new java.util.ArrayList<>(h.createQuery("SELECT * FROM otp_verifications").mapToMap().list());
                rows.addAll(h.createQuery("SELECT * FROM otp_outbox").mapToMap().list());
                return rows;
            });
            assertThat(stored).hasSize(2);

            mailbox.start();
            String code = awaitCodeMovingTime(mailbox, clock, email);
            assertThat(stored.toString()).doesNotContain(code).doesNotContain(email.substring(0, 13) + "\",\"code");
        }
    }

    @Test
    void serveWithoutSmtpRefusesEmailCodesAndHasNoDevOutbox() {
        try (TestServer server = TestServer.start(MutableClock.startingNow())) {
            SdkClient sdk = new SdkClient(server, server.createEnvironment());
            Http.Response response = EmailOtpTest.create(sdk, EmailOtpTest.newAddress());
            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().get("code").asString()).isEqualTo("no_enabled_email_provider");

            Http.Response outbox = server.http().get("/api/v0/admin/environments/" + sdk.environmentId() + "/dev/outbox",
                    "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
            assertThat(outbox.status()).isEqualTo(404);
        }
    }

    @Test
    void devModeShowsCodesInTheDevOutboxAndTheySignIn() {
        try (TestServer server = TestServer.start(MutableClock.startingNow(), c -> c.devMode(true))) {
            SdkClient sdk = new SdkClient(server, server.createEnvironment());
            String email = EmailOtpTest.newAddress();
            String id = EmailOtpTest.createId(sdk, email);
            String path = "/api/v0/admin/environments/" + sdk.environmentId() + "/dev/outbox";

            assertThat(server.http().get(path).status()).isEqualTo(401);
            // Regression: any scoped API token could read the codes; they sign anyone in, so operator only.
            Http.Response created = server.http().post("/api/v0/admin/environments/" + sdk.environmentId() + "/tokens",
                    Json.writeString(Map.of("name", "backend", "scopes", List.of("users:read", "users:write",
                            "sessions:read", "sessions:write", "keys:read", "keys:write", "audit:read"))),
                    "Authorization", "Bearer " + TestServer.ADMIN_TOKEN, "Content-Type", "application/json");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            Http.Response scoped = server.http().get(path, "Authorization", "Bearer " + created.json().get("token").asString());
            assertThat(scoped.status()).isEqualTo(403);
            assertThat(scoped.body()).doesNotContain("code\":");
            JsonNode message = awaitDevMessage(server, path);
            assertThat(message.get("channel").asString()).isEqualTo("email");
            assertThat(message.get("to").asString()).isEqualTo(email);
            String code = message.get("code").asString();
            assertThat(code).matches("\\d{6}");

            assertThat(EmailOtpTest.signIn(sdk, id, code).status()).isEqualTo(200);
        }
    }

    private static JsonNode awaitDevMessage(TestServer server, String path) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            Http.Response response = server.http().get(path, "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
            assertThat(response.status()).isEqualTo(200);
            JsonNode messages = response.json().get("messages");
            if (!messages.isEmpty()) {
                return messages.get(0);
            }
            sleep();
        }
        throw new AssertionError("no code in the dev outbox within 20 s");
    }

    /** Waits for the first code to {@code email}, moving the clock 1 s per poll so backed-off retries come due. */
    static String awaitCodeMovingTime(Mailbox mailbox, MutableClock clock, String email) {
        awaitTrue(() -> {
            clock.advance(Duration.ofSeconds(1));
            return !mailbox.messagesTo(email).isEmpty();
        });
        return mailbox.awaitCode(email, 1);
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            sleep();
        }
        throw new AssertionError("condition not met within 20 s");
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
