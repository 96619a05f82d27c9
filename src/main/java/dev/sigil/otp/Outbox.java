package dev.sigil.otp;

import dev.sigil.http.Json;
import dev.sigil.keys.MasterKey;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable queue of codes to send. A row is written in the transaction that issues the code, so a code
 * is sent if and only if it was issued, whatever happens to this process. The message is encrypted with the
 * master key (AES-GCM, the row id as associated data): the outbox needs the code itself to send it, and a
 * copy of the database must not hand out live codes. Rows are deleted once sent or once the code expired.
 */
public final class Outbox {
    /** How long a node may take to send one message before another node may try it. */
    static final Duration CLAIM = Duration.ofMinutes(2);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final Jdbi jdbi;
    private final MasterKey masterKey;
    private final Clock clock;

    public Outbox(Jdbi jdbi, MasterKey masterKey, Clock clock) {
        this.jdbi = jdbi;
        this.masterKey = masterKey;
        this.clock = clock;
    }

    /** A claimed message: this node sends it, then reports {@link #delivered} or {@link #failed}. */
    record Claimed(String id, int attempts, CodeMessage message) {
    }

    void enqueue(Handle h, CodeMessage message, Instant expiresAt) {
        String id = UUID.randomUUID().toString();
        long now = clock.instant().toEpochMilli();
        h.createUpdate("""
                        INSERT INTO otp_outbox (id, environment_id, channel, payload_enc, attempts, next_attempt_at,
                                                claimed_until, expires_at, created_at)
                        VALUES (:id, :env, :channel, :payload, 0, :now, NULL, :expires, :now)""")
                .bind("id", id).bind("env", message.environmentId()).bind("channel", message.channel().column)
                .bind("payload", masterKey.encrypt(serialise(message), associatedData(id)))
                .bind("now", now).bind("expires", expiresAt.toEpochMilli())
                .execute();
    }

    /**
     * Claims up to {@code limit} due messages. Claiming is one conditional UPDATE per row, so of several nodes
     * polling the same table exactly one gets each message until its claim lapses.
     */
    List<Claimed> claimDue(int limit) {
        long now = clock.instant().toEpochMilli();
        return jdbi.inTransaction(h -> {
            // Expired messages are never sent (their code is dead); the store's Sweeper deletes them.
            List<Map<String, Object>> due = h.createQuery("""
                            SELECT id, attempts, payload_enc FROM otp_outbox
                            WHERE next_attempt_at <= :now AND expires_at > :now AND (claimed_until IS NULL OR claimed_until < :now)
                            ORDER BY next_attempt_at LIMIT :limit""")
                    .bind("now", now).bind("limit", limit)
                    .mapToMap().list();
            return due.stream().flatMap(row -> claim(h, row, now).stream()).toList();
        });
    }

    private Optional<Claimed> claim(Handle h, Map<String, Object> row, long now) {
        String id = (String) row.get("id");
        int claimed = h.createUpdate("""
                        UPDATE otp_outbox SET claimed_until = :until
                        WHERE id = :id AND (claimed_until IS NULL OR claimed_until < :now)""")
                .bind("id", id).bind("until", now + CLAIM.toMillis()).bind("now", now)
                .execute();
        if (claimed != 1) {
            return Optional.empty();
        }
        CodeMessage message = deserialise(masterKey.decrypt((String) row.get("payload_enc"), associatedData(id)));
        return Optional.of(new Claimed(id, ((Number) row.get("attempts")).intValue(), message));
    }

    void delivered(String id) {
        jdbi.useTransaction(h -> h.createUpdate("DELETE FROM otp_outbox WHERE id = :id").bind("id", id).execute());
    }

    /** Exponential backoff: 1 s, 2 s, 4 s ... capped at {@link #MAX_BACKOFF}; the claim is released. */
    void failed(String id, int attemptsBefore) {
        long delay = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(attemptsBefore, 20));
        long next = clock.instant().toEpochMilli() + delay;
        jdbi.useTransaction(h -> h.createUpdate("""
                        UPDATE otp_outbox SET attempts = attempts + 1, next_attempt_at = :next, claimed_until = NULL
                        WHERE id = :id""")
                .bind("id", id).bind("next", next).execute());
    }

    /** How many messages are waiting (for tests and operators; never the messages themselves). */
    public int pending() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM otp_outbox").mapTo(Integer.class).one());
    }

    /** The most delivery attempts any waiting message has had. */
    public int mostAttempts() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(attempts), 0) FROM otp_outbox").mapTo(Integer.class).one());
    }

    private static String associatedData(String id) {
        return "otp-outbox:" + id;
    }

    private static byte[] serialise(CodeMessage m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("channel", m.channel().column);
        json.put("environmentId", m.environmentId());
        json.put("to", m.to());
        json.put("code", m.code());
        json.put("appName", m.appName());
        json.put("lifetimeMinutes", m.lifetimeMinutes());
        json.put("subject", m.subject().orElse(null));
        json.put("fromName", m.fromName().orElse(null));
        return Json.write(json);
    }

    private static CodeMessage deserialise(byte[] bytes) {
        JsonNode json = Json.read(new String(bytes, StandardCharsets.UTF_8));
        return new CodeMessage(OtpChannel.ofColumn(json.get("channel").asString()), json.get("environmentId").asString(),
                json.get("to").asString(), json.get("code").asString(), json.get("appName").asString(),
                json.get("lifetimeMinutes").asInt(), optional(json, "subject"), optional(json, "fromName"));
    }

    private static Optional<String> optional(JsonNode json, String key) {
        JsonNode value = json.get(key);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asString());
    }
}
