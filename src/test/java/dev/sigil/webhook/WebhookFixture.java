package dev.sigil.webhook;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.TestServer;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.sigil.config.Config;

import static org.assertj.core.api.Assertions.assertThat;

/** A server whose webhook worker polls every 20 ms, and admin calls for webhooks over real HTTP. */
final class WebhookFixture implements AutoCloseable {
    static final String OPERATOR = TestServer.ADMIN_TOKEN;
    final TestServer server;

    WebhookFixture(UnaryOperator<Config.Builder> customize) {
        this(customize, Duration.ofMillis(20));
    }

    /** A server whose webhook worker polls every {@code poll}. */
    WebhookFixture(UnaryOperator<Config.Builder> customize, Duration poll) {
        this.server = TestServer.start(MutableClock.startingNow(), c -> customize.apply(c).webhookPoll(poll));
    }

    WebhookFixture() {
        this(UnaryOperator.identity());
    }

    Http.Response call(String token, String method, String envId, String path, String body) {
        return server.http().send(method, "/api/v0/admin/environments/" + envId + path, body,
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    Http.Response admin(String method, String envId, String path, String body) {
        return call(OPERATOR, method, envId, path, body);
    }

    /** Registers {@code url} for {@code events}; returns the 201 answer (with the secret). */
    JsonNode register(String envId, String url, String... events) {
        Http.Response created = admin("POST", envId, "/webhooks", Json.writeString(Map.of("url", url, "events", List.of(events))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    JsonNode registerAll(String envId, String url) {
        return register(envId, url, "user.created", "user.updated", "user.deleted", "session.created", "session.revoked",
                "wallet.linked", "wallet.unlinked", "email.verified");
    }

    String token(String envId, String... scopes) {
        Http.Response created = admin("POST", envId, "/tokens", Json.writeString(Map.of("name", "backend", "scopes", List.of(scopes))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("token").asString();
    }

    List<JsonNode> deliveries(String envId, String webhookId) {
        Http.Response page = admin("GET", envId, "/webhooks/" + webhookId + "/deliveries?limit=100", null);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        page.json().get("deliveries").forEach(out::add);
        return out;
    }

    /**
     * Moves the clock to the next retry of a pending delivery, but only while no attempt is in flight (every request
     * the receiver saw for it is recorded), so a claim never lapses under a running attempt.
     */
    void advanceToNextRetry(String envId, String webhookId, Receiver receiver) {
        Instant now = server.clock.instant();
        List<Receiver.Request> seen = receiver.requests();
        deliveries(envId, webhookId).stream()
                .filter(d -> d.get("status").asString().equals("pending"))
                .filter(d -> d.get("attempts").asInt() == seen.stream()
                        .filter(r -> r.deliveryId().equals(d.get("id").asString())).count())
                .map(d -> Instant.parse(d.get("nextAttemptAt").asString()))
                .filter(next -> next.isAfter(now))
                .min(Instant::compareTo)
                .ifPresent(next -> server.clock.advance(Duration.between(now, next).plusMillis(1)));
    }

    /** Polls the delivery log until {@code done}; 15 s deadline. */
    List<JsonNode> awaitDeliveries(String envId, String webhookId, java.util.function.Predicate<List<JsonNode>> done) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (true) {
            List<JsonNode> now = deliveries(envId, webhookId);
            if (done.test(now)) {
                return now;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("deliveries never got there: " + now);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
