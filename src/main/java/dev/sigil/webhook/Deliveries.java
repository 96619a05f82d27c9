package dev.sigil.webhook;

import dev.sigil.admin.AdminPrincipal;
import dev.sigil.admin.AuditLog;
import dev.sigil.admin.Cursor;
import dev.sigil.http.ApiException;
import dev.sigil.http.IsoTime;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The durable side of webhook delivery, shaped like {@code otp.Outbox}: events are fanned out to one delivery row
 * per subscribed endpoint, deliveries are claimed with one conditional UPDATE each (so of several nodes exactly one
 * holds a delivery until its claim lapses), and every attempt is logged.
 *
 * <p>Order per user per endpoint: a delivery is only due when no delivery of the same user to the same endpoint
 * with an earlier event ({@code event_seq}) is still {@code pending}. A failing delivery therefore holds back that
 * user's later events to that endpoint until it is delivered or given up; other users and endpoints are not held.
 */
public final class Deliveries {
    /** How long a node may take over one delivery (10 s timeout and margin) before another node may try it. */
    static final Duration CLAIM = Duration.ofMinutes(2);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    /** Retries stop this long after the event (or after a redeliver); the delivery is then {@code failed}. */
    static final Duration RETRY_WINDOW = Duration.ofHours(24);

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final Clock clock;

    public Deliveries(Jdbi jdbi, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.clock = clock;
    }

    /** A delivery this node holds: send {@code payload} to the endpoint, then {@link #record} the outcome. */
    record Claimed(String id, String webhookId, String eventId, int attempts, String payload) {
    }

    /** What one attempt came to: a status code, or the class of the error that prevented one. */
    record Outcome(Optional<Integer> statusCode, Optional<String> error, Duration duration) {
        boolean delivered() {
            return statusCode.filter(s -> s >= 200 && s < 300).isPresent();
        }
    }

    /** An event not fanned out yet, as the fan-out reads it. */
    private record NewEvent(String id, long seq, String environmentId, EventType type, Optional<String> userId,
                            long createdAt) {
    }

    /** An endpoint as the fan-out matches it against events. */
    private record Endpoint(String id, Set<EventType> events, long createdAt) {
    }

    /**
     * Creates deliveries for up to {@code limit} new events, oldest first, in one transaction (a few statements for
     * the whole batch, not per event: sign-ins publish events faster than one transaction each could fan them out).
     * Events no endpoint wants are dropped. Returns how many new events it found (on PostgreSQL some of them may
     * have gone to another node meanwhile): {@code limit} means more may be waiting.
     */
    int fanOut(int limit) {
        long now = clock.instant().toEpochMilli();
        return jdbi.inTransaction(h -> {
            List<NewEvent> candidates = h.createQuery("""
                            SELECT id, seq, environment_id, type, user_id, created_at FROM webhook_events
                            WHERE fanned_out_at IS NULL ORDER BY seq LIMIT :limit""")
                    .bind("limit", limit)
                    .map((rs, ctx) -> new NewEvent(rs.getString("id"), rs.getLong("seq"), rs.getString("environment_id"),
                            EventType.of(rs.getString("type")).orElseThrow(), Optional.ofNullable(rs.getString("user_id")),
                            rs.getLong("created_at")))
                    .list();
            if (candidates.isEmpty()) {
                return 0;
            }
            // The conditional UPDATE is the claim: on PostgreSQL a second node doing the same batch waits on the row
            // locks (taken in seq order by both, so no deadlock), then updates nothing and skips the event.
            PreparedBatch claim = h.prepareBatch(
                    "UPDATE webhook_events SET fanned_out_at = :now WHERE id = :id AND fanned_out_at IS NULL");
            candidates.forEach(e -> claim.bind("now", now).bind("id", e.id()).add());
            int[] claimed = claim.execute();
            Map<String, List<Endpoint>> endpointsByEnvironment = new HashMap<>();
            PreparedBatch deliveries = h.prepareBatch("""
                    INSERT INTO webhook_deliveries (id, webhook_id, environment_id, event_id, event_seq, event_type,
                        user_id, status, attempts, next_attempt_at, claimed_until, give_up_at, created_at)
                    VALUES (:id, :webhook, :env, :event, :seq, :type, :user, 'pending', 0, :now, NULL, :giveUp, :now)""");
            PreparedBatch unwanted = h.prepareBatch("DELETE FROM webhook_events WHERE id = :id");
            for (int i = 0; i < candidates.size(); i++) {
                if (claimed[i] != 1) {
                    continue;
                }
                NewEvent event = candidates.get(i);
                List<Endpoint> targets = endpointsByEnvironment
                        .computeIfAbsent(event.environmentId(), env -> endpointsOf(h, env)).stream()
                        // Endpoints registered after the event do not receive it.
                        .filter(w -> w.createdAt() <= event.createdAt() && w.events().contains(event.type()))
                        .toList();
                if (targets.isEmpty()) {
                    unwanted.bind("id", event.id()).add();
                }
                for (Endpoint target : targets) {
                    deliveries.bind("id", UUID.randomUUID().toString()).bind("webhook", target.id())
                            .bind("env", event.environmentId()).bind("event", event.id()).bind("seq", event.seq())
                            .bind("type", event.type().wireName()).bind("user", event.userId().orElse(null))
                            .bind("now", now).bind("giveUp", event.createdAt() + RETRY_WINDOW.toMillis())
                            .add();
                }
            }
            if (deliveries.size() > 0) {
                deliveries.execute();
            }
            if (unwanted.size() > 0) {
                unwanted.execute();
            }
            return candidates.size();
        });
    }

    private static List<Endpoint> endpointsOf(Handle h, String environmentId) {
        return h.createQuery("SELECT id, events, created_at FROM webhooks WHERE environment_id = :env")
                .bind("env", environmentId)
                .map((rs, ctx) -> new Endpoint(rs.getString("id"), Webhooks.eventsOf(rs.getString("events")),
                        rs.getLong("created_at")))
                .list();
    }

    /** Claims up to {@code limit} due deliveries, earliest events first, never two of one user to one endpoint. */
    List<Claimed> claimDue(int limit) {
        long now = clock.instant().toEpochMilli();
        return jdbi.inTransaction(h -> {
            List<Map<String, Object>> due = h.createQuery("""
                            SELECT d.id, d.webhook_id, d.event_id, d.attempts, e.payload
                            FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                            WHERE d.status = 'pending' AND d.next_attempt_at <= :now
                              AND (d.claimed_until IS NULL OR d.claimed_until < :now)
                              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                                              WHERE p.webhook_id = d.webhook_id AND p.user_id = d.user_id
                                                AND p.status = 'pending' AND p.event_seq < d.event_seq)
                            ORDER BY d.event_seq LIMIT :limit""")
                    .bind("now", now).bind("limit", limit)
                    .mapToMap().list();
            List<Claimed> claimed = new ArrayList<>();
            for (Map<String, Object> row : due) {
                int updated = h.createUpdate("""
                                UPDATE webhook_deliveries SET claimed_until = :until
                                WHERE id = :id AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < :now)""")
                        .bind("id", row.get("id")).bind("until", now + CLAIM.toMillis()).bind("now", now)
                        .execute();
                if (updated == 1) {
                    claimed.add(new Claimed((String) row.get("id"), (String) row.get("webhook_id"),
                            (String) row.get("event_id"), ((Number) row.get("attempts")).intValue(),
                            (String) row.get("payload")));
                }
            }
            return claimed;
        });
    }

    /**
     * Logs the attempt and moves the delivery on: delivered; or pending again after an exponential backoff (10 s,
     * 20 s, 40 s ... capped at 1 h); or failed for good once past its retry window. The claim is released.
     */
    void record(Claimed delivery, Instant attemptedAt, Outcome outcome) {
        long now = clock.instant().toEpochMilli();
        int attempts = delivery.attempts() + 1;
        long backoff = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempts - 1, 20));
        jdbi.useTransaction(h -> {
            String status = outcome.delivered() ? "'delivered'"
                    : "CASE WHEN give_up_at <= :now THEN 'failed' ELSE 'pending' END";
            var update = h.createUpdate("""
                            UPDATE webhook_deliveries
                            SET attempts = attempts + 1, claimed_until = NULL, next_attempt_at = :next, status = %s
                            WHERE id = :id""".formatted(status))
                    .bind("id", delivery.id()).bind("next", now + backoff);
            int updated = (outcome.delivered() ? update : update.bind("now", now)).execute();
            if (updated == 1) {
                h.createUpdate("""
                                INSERT INTO webhook_attempts (id, delivery_id, attempted_at, status_code, error, duration_ms)
                                VALUES (:id, :delivery, :at, :status, :error, :duration)""")
                        .bind("id", UUID.randomUUID().toString()).bind("delivery", delivery.id())
                        .bind("at", attemptedAt.toEpochMilli()).bind("status", outcome.statusCode().orElse(null))
                        .bind("error", outcome.error().orElse(null)).bind("duration", outcome.duration().toMillis())
                        .execute();
            }
        });
    }

    /** Queues a delivery again: pending, due now, with a fresh retry window. 404 unless it is the endpoint's. */
    public void redeliver(AdminPrincipal actor, String environmentId, String webhookId, String deliveryId) {
        long now = clock.instant().toEpochMilli();
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("""
                            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = :now, give_up_at = :giveUp
                            WHERE id = :id AND webhook_id = :webhook AND environment_id = :env""")
                    .bind("id", deliveryId).bind("webhook", webhookId).bind("env", environmentId)
                    .bind("now", now).bind("giveUp", now + RETRY_WINDOW.toMillis())
                    .execute();
            if (updated != 1) {
                throw ApiException.notFound("delivery not found", "not_found");
            }
            audit.record(h, actor, environmentId, "webhook.redeliver", "webhook_delivery", deliveryId,
                    Map.of("webhookId", webhookId));
        });
    }

    /** One delivery as listed, with its attempts (oldest first). */
    public record Delivery(String id, String eventId, String eventType, Optional<String> userId, String status,
                           int attempts, Instant createdAt, Instant nextAttemptAt, List<Attempt> log) {
    }

    public record Attempt(Instant at, Optional<Integer> statusCode, Optional<String> error, long durationMs) {
    }

    /** A page of the endpoint's deliveries, newest first; {@code after} is the last one of the previous page. */
    public List<Delivery> page(String webhookId, Optional<Cursor> after, int limit) {
        return jdbi.withHandle(h -> {
            List<Delivery> rows = h.createQuery("""
                            SELECT * FROM webhook_deliveries
                            WHERE webhook_id = :webhook AND (created_at < :at OR (created_at = :at AND id < :id))
                            ORDER BY created_at DESC, id DESC LIMIT :limit""")
                    .bind("webhook", webhookId)
                    .bind("at", after.map(c -> c.createdAt().toEpochMilli()).orElse(Long.MAX_VALUE))
                    .bind("id", after.map(Cursor::id).orElse(""))
                    .bind("limit", limit)
                    .map((rs, ctx) -> new Delivery(rs.getString("id"), rs.getString("event_id"), rs.getString("event_type"),
                            Optional.ofNullable(rs.getString("user_id")), rs.getString("status"), rs.getInt("attempts"),
                            Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
                            List.of()))
                    .list();
            List<Delivery> withLog = new ArrayList<>();
            for (Delivery d : rows) {
                withLog.add(new Delivery(d.id(), d.eventId(), d.eventType(), d.userId(), d.status(), d.attempts(),
                        d.createdAt(), d.nextAttemptAt(), attemptsOf(h, d.id())));
            }
            return withLog;
        });
    }

    private static List<Attempt> attemptsOf(Handle h, String deliveryId) {
        return h.createQuery("SELECT * FROM webhook_attempts WHERE delivery_id = :id ORDER BY attempted_at, id")
                .bind("id", deliveryId)
                .map((rs, ctx) -> {
                    int status = rs.getInt("status_code");
                    Optional<Integer> code = rs.wasNull() ? Optional.empty() : Optional.of(status);
                    return new Attempt(Instant.ofEpochMilli(rs.getLong("attempted_at")), code,
                            Optional.ofNullable(rs.getString("error")), rs.getLong("duration_ms"));
                })
                .list();
    }

    /** Deliveries not yet delivered or given up, across environments (the metrics gauge). */
    public int pending() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'")
                .mapTo(Integer.class).one());
    }

    public static Map<String, Object> render(Delivery d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.id());
        out.put("eventId", d.eventId());
        out.put("eventType", d.eventType());
        out.put("userId", d.userId().orElse(null));
        out.put("status", d.status());
        out.put("attempts", d.attempts());
        out.put("createdAt", IsoTime.format(d.createdAt()));
        out.put("nextAttemptAt", d.status().equals("pending") ? IsoTime.format(d.nextAttemptAt()) : null);
        out.put("lastAttempt", d.log().isEmpty() ? null : render(d.log().getLast()));
        out.put("attemptLog", d.log().stream().map(Deliveries::render).toList());
        return out;
    }

    private static Map<String, Object> render(Attempt a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", IsoTime.format(a.at()));
        out.put("statusCode", a.statusCode().orElse(null));
        out.put("error", a.error().orElse(null));
        out.put("durationMs", a.durationMs());
        return out;
    }
}
