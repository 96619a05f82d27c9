package dev.sigil.admin;

import dev.sigil.http.IsoTime;
import dev.sigil.http.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The audit log of the admin API: every change it makes writes one row in the same transaction as the change,
 * naming the actor ({@code admin} or {@code token:<id>}), the action, the target and a small JSON detail. Details
 * never hold secrets: no token values, no keys, only ids and the names of changed fields.
 */
public final class AuditLog {
    private final Jdbi jdbi;
    private final Clock clock;

    public AuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** One change, as recorded. */
    public record Entry(String id, String environmentId, String actor, String action, String targetType,
                        String targetId, Map<String, Object> detail, Instant createdAt) {
    }

    /** Records a change on the caller's handle, inside the transaction that makes the change. */
    public void record(Handle h, AdminPrincipal actor, String environmentId, String action, String targetType,
                       String targetId, Map<String, ?> detail) {
        h.createUpdate("""
                        INSERT INTO audit_log (id, environment_id, actor, action, target_type, target_id, detail, created_at)
                        VALUES (:id, :env, :actor, :action, :type, :target, :detail, :at)""")
                .bind("id", UUID.randomUUID().toString()).bind("env", environmentId).bind("actor", actor.actor())
                .bind("action", action).bind("type", targetType).bind("target", targetId)
                .bind("detail", Json.writeString(detail)).bind("at", clock.instant().toEpochMilli())
                .execute();
    }

    /** A page of the environment's log, newest first; {@code after} is the last entry of the previous page. */
    public List<Entry> page(String environmentId, Optional<Cursor> after, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM audit_log
                        WHERE environment_id = :env AND (created_at < :at OR (created_at = :at AND id < :id))
                        ORDER BY created_at DESC, id DESC LIMIT :limit""")
                .bind("env", environmentId)
                .bind("at", after.map(c -> c.createdAt().toEpochMilli()).orElse(Long.MAX_VALUE))
                .bind("id", after.map(Cursor::id).orElse(""))
                .bind("limit", limit)
                .map((rs, ctx) -> new Entry(rs.getString("id"), rs.getString("environment_id"), rs.getString("actor"),
                        rs.getString("action"), rs.getString("target_type"), rs.getString("target_id"),
                        Json.MAPPER.readValue(rs.getString("detail"), Map.class),
                        Instant.ofEpochMilli(rs.getLong("created_at"))))
                .list());
    }

    public static Map<String, Object> render(Entry e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("environmentId", e.environmentId());
        out.put("actor", e.actor());
        out.put("action", e.action());
        out.put("targetType", e.targetType());
        out.put("targetId", e.targetId());
        out.put("detail", e.detail());
        out.put("createdAt", IsoTime.format(e.createdAt()));
        return out;
    }
}
