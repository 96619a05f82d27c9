package dev.sigil.store;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Deletes rows that can no longer matter, in the background and in bounded batches: each statement removes at
 * most {@link #BATCH} rows, so no sweep holds SQLite's single writer lock (or a PostgreSQL row-lock range) long
 * enough to stall sign-ins, however much has piled up. Every rule is in {@link #RULES}, the whole retention
 * policy in one place. Deletes are idempotent, so several nodes sweeping the same database is harmless.
 *
 * <p>What is kept how long (all times after the row stopped mattering):
 * <ul>
 *   <li>nonces, one-time code verifications and their queued messages: deleted once expired; an expired one
 *       is refused anyway, so keeping it buys nothing;</li>
 *   <li>one-time code send records: once outside the per-address send-limit window;</li>
 *   <li>sessions: {@link #SESSION_RETENTION} after they expired or were revoked, so the admin API still shows
 *       recent history; a token of a deleted session fails exactly like a revoked one;</li>
 *   <li>webhook deliveries that were delivered or given up, their attempts and their events:
 *       {@link #WEBHOOK_LOG_RETENTION}. Pending deliveries are never swept.</li>
 * </ul>
 */
public final class Sweeper implements AutoCloseable {
    /** Most rows one DELETE statement removes. */
    public static final int BATCH = 500;
    public static final Duration SESSION_RETENTION = Duration.ofDays(7);
    public static final Duration WEBHOOK_LOG_RETENTION = Duration.ofDays(30);
    /** How long {@code otp_sends} rows count towards the per-address send limit (see OtpCodes). */
    public static final Duration OTP_SEND_WINDOW = Duration.ofHours(1);
    /** Between two sweeps of every table. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);
    /** Between two batches of the same table: lets waiting writers in. */
    private static final Duration PAUSE = Duration.ofMillis(20);

    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

    /**
     * One table's rule: rows matching {@code condition} (bound to {@code :cutoff}, a time in epoch ms) are
     * deleted. {@code key} names a column that identifies one row; {@code null} means the vendor's physical row
     * id (SQLite {@code rowid}, PostgreSQL {@code ctid}) for tables that have no primary key.
     */
    record Rule(String table, String key, String condition, Duration age) {
    }

    static final List<Rule> RULES = List.of(
            new Rule("nonces", "nonce", "expires_at <= :cutoff", Duration.ZERO),
            new Rule("otp_verifications", "id", "expires_at <= :cutoff", Duration.ZERO),
            new Rule("otp_outbox", "id", "expires_at <= :cutoff", Duration.ZERO),
            new Rule("otp_sends", null, "sent_at <= :cutoff", OTP_SEND_WINDOW),
            new Rule("sessions", "id", "expires_at <= :cutoff OR revoked_at <= :cutoff", SESSION_RETENTION),
            // NOT EXISTS, not NOT IN: a probe per candidate row through an index, where PostgreSQL read the
            // whole of webhook_deliveries into a hashed NOT IN list for every batch.
            new Rule("webhook_attempts", "id", """
                    attempted_at <= :cutoff AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                        WHERE d.id = webhook_attempts.delivery_id AND d.status = 'pending')""", WEBHOOK_LOG_RETENTION),
            new Rule("webhook_deliveries", "id", "status <> 'pending' AND created_at <= :cutoff", WEBHOOK_LOG_RETENTION),
            new Rule("webhook_events", "id", """
                    fanned_out_at IS NOT NULL AND created_at <= :cutoff AND NOT EXISTS
                        (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)""", WEBHOOK_LOG_RETENTION));

    private final Jdbi jdbi;
    private final Database.Vendor vendor;
    private final Clock clock;
    private final BiConsumer<String, Integer> onSwept;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sigil-sweeper").daemon().factory());

    /** {@code onSwept} hears (table, rows deleted) after each table's sweep that deleted anything. */
    public Sweeper(Database database, Clock clock, BiConsumer<String, Integer> onSwept) {
        this.jdbi = database.jdbi();
        this.vendor = database.vendor();
        this.clock = clock;
        this.onSwept = onSwept;
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::sweepLogged, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweepLogged() {
        try {
            sweepOnce();
        } catch (RuntimeException e) {
            // The next sweep tries again; a database blip must not kill the scheduler thread.
            log.warn("sweep failed: {}", e.toString());
        }
    }

    /** Sweeps every table to the end, batch by batch; answers rows deleted per table. */
    public Map<String, Integer> sweepOnce() {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        long now = clock.millis();
        for (Rule rule : RULES) {
            int total = sweep(rule, now - rule.age().toMillis());
            if (total > 0) {
                deleted.put(rule.table(), total);
                onSwept.accept(rule.table(), total);
            }
        }
        return deleted;
    }

    /**
     * The statement that deletes one batch of a rule's rows. Every rule's condition is answered from an index
     * (V6__sweep_indexes), so a sweep reads what it deletes, not the whole table: SweeperTest checks the plans.
     */
    static String batchSql(Rule rule, Database.Vendor vendor) {
        String key = rule.key() != null ? rule.key() : vendor == Database.Vendor.SQLITE ? "rowid" : "ctid";
        return "DELETE FROM %1$s WHERE %2$s IN (SELECT %2$s FROM %1$s WHERE %3$s LIMIT %4$d)"
                .formatted(rule.table(), key, rule.condition(), BATCH);
    }

    private int sweep(Rule rule, long cutoff) {
        String sql = batchSql(rule, vendor);
        int total = 0;
        int batch;
        do {
            batch = jdbi.inTransaction(h -> h.createUpdate(sql).bind("cutoff", cutoff).execute());
            total += batch;
            if (batch == BATCH) {
                pause();
            }
        } while (batch == BATCH);
        return total;
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
