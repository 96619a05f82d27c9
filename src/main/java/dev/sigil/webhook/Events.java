package dev.sigil.webhook;

import dev.sigil.http.IsoTime;
import dev.sigil.http.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.config.JdbiConfig;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Publishes what happened to users and sessions, for webhooks. {@link #publish} writes one row on the caller's
 * handle, inside the transaction of the change it reports: the event exists if and only if the change committed,
 * whatever happens to this process afterwards. The {@link DeliveryWorker} fans events out to endpoints later.
 *
 * <p>A static entry point keeps every emit a one-line call in the feature that makes the change; the clock comes
 * from the Jdbi the handle was opened on ({@link #install}), so tests that move time move events too.
 */
public final class Events {
    private Events() {
    }

    /** Gives handles of {@code jdbi} the clock events are stamped with. Called once, where the object graph is wired. */
    public static void install(Jdbi jdbi, Clock clock) {
        jdbi.getConfig(Settings.class).clock = clock;
    }

    /**
     * Records an event in the caller's transaction. {@code userId} orders deliveries: a user's events reach each
     * endpoint in the order they were published. {@code data} becomes the payload's {@code data} object: ids and
     * the facts a receiver needs, never secrets.
     */
    public static void publish(Handle h, String environmentId, EventType type, Optional<String> userId, Map<String, ?> data) {
        String id = UUID.randomUUID().toString();
        Instant now = h.getConfig(Settings.class).clock.instant();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", id);
        payload.put("type", type.wireName());
        payload.put("environmentId", environmentId);
        payload.put("createdAt", IsoTime.format(now));
        payload.put("data", data);
        h.createUpdate("""
                        INSERT INTO webhook_events (id, environment_id, type, user_id, payload, created_at, fanned_out_at)
                        VALUES (:id, :env, :type, :user, :payload, :now, NULL)""")
                .bind("id", id).bind("env", environmentId).bind("type", type.wireName())
                .bind("user", userId.orElse(null)).bind("payload", Json.writeString(payload))
                .bind("now", now.toEpochMilli())
                .execute();
    }

    /** With {@code userId} as {@code data.userId}, the common shape. */
    public static void publish(Handle h, String environmentId, EventType type, String userId, Map<String, ?> more) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", userId);
        data.putAll(more);
        publish(h, environmentId, type, Optional.of(userId), data);
    }

    /** Jdbi configuration carrying the clock; copied into every handle. */
    public static final class Settings implements JdbiConfig<Settings> {
        private Clock clock = Clock.systemUTC();

        public Settings() {
        }

        private Settings(Settings other) {
            this.clock = other.clock;
        }

        @Override
        public Settings createCopy() {
            return new Settings(this);
        }
    }
}
