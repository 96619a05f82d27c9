package dev.sigil.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * What the database's recent failures say about the next request, so that an outage or a full disk costs requests
 * a fast 503 and shows in {@code /readyz}, and both clear by themselves.
 *
 * <p><b>Unreachable.</b> When the pool cannot connect (its last connection attempt failed), every request would
 * otherwise wait the pool's whole connection timeout for its 503, holding a client, a request thread and the
 * load balancer's patience. Instead connections are refused at once while a background probe tries the database
 * every {@link #REPROBE_INTERVAL}; its first success lets requests through again. On the happy path this costs one
 * volatile read per connection.
 *
 * <p><b>Full.</b> A write that failed for lack of space marks the database full until a write that needed new room
 * commits (see {@link WriteOutcomes}), or until {@link #FULL_HOLD} passed without another such failure: a node a
 * load balancer took out of rotation gets no writes that could clear the mark, so it is offered traffic again after
 * a while, and taken out again if the disk is still full.
 *
 * <p><b>Readiness</b> never waits more than {@link #READINESS_WAIT}: one probe query at a time, shared by concurrent
 * {@code /readyz} requests; a probe still running past the wait answers "not answering".
 */
public final class DatabaseHealth implements AutoCloseable {
    /** The longest {@code /readyz} waits for the database: a load balancer's probe should not time out on us. */
    public static final Duration READINESS_WAIT = Duration.ofSeconds(1);
    /** While the database is unreachable, how often the background probe tries to connect again. */
    public static final Duration REPROBE_INTERVAL = Duration.ofSeconds(1);
    /** How long a write that failed for lack of space keeps {@code /readyz} at 503 if no write succeeds. */
    public static final Duration FULL_HOLD = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);

    private final DataSource pool;
    private final BooleanSupplier answersQuery;
    private final Duration fullHold;
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private volatile boolean full;
    private volatile long fullSinceNanos;
    private volatile boolean closed;
    private final AtomicReference<CompletableFuture<Readiness>> probe =
            new AtomicReference<>(CompletableFuture.completedFuture(Readiness.READY));

    /** {@code answersQuery} runs a trivial query through the same path requests take. */
    DatabaseHealth(DataSource pool, BooleanSupplier answersQuery) {
        this(pool, answersQuery, FULL_HOLD);
    }

    /** With another hold than {@link #FULL_HOLD}: for tests. */
    DatabaseHealth(DataSource pool, BooleanSupplier answersQuery, Duration fullHold) {
        this.pool = pool;
        this.answersQuery = answersQuery;
        this.fullHold = fullHold;
    }

    /** A pooled connection, or a fast failure while the database is known to be unreachable. */
    Connection connect() throws SQLException {
        if (unreachable.get()) {
            // 08001: sqlclient_unable_to_establish_sqlconnection, so it maps to a 503 like the pool's own failure.
            throw new SQLTransientConnectionException("database unreachable: failing fast until a probe connects",
                    "08001");
        }
        try {
            return pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            // HikariCP gives the last failed connection attempt as the cause; without one the pool was only busy.
            if (e.getCause() != null) {
                markUnreachable(e.getCause());
            }
            throw e;
        }
    }

    /** Whether a write failed for lack of space within the hold, and no write needing room succeeded since. */
    boolean full() {
        if (full && System.nanoTime() - fullSinceNanos >= fullHold.toNanos()) {
            full = false; // so that WriteOutcomes stops measuring every transaction's growth
            log.info("no write refused for lack of space in the last {} ms: /readyz no longer reports it",
                    fullHold.toMillis());
        }
        return full;
    }

    /** A transaction that needed new room committed: the database has room again. */
    void committed() {
        if (full) {
            full = false;
            log.info("database writes succeed again: no longer full");
        }
    }

    /** A transaction failed with {@code failure}: remembers a lack of space. */
    void failed(Throwable failure) {
        DatabaseFailures.diskFull(failure).ifPresent(e -> {
            fullSinceNanos = System.nanoTime();
            if (!full) {
                full = true;
                log.error("database write refused for lack of space ({}): such writes answer 503, and /readyz "
                        + "reports 'database or disk full' until a write needing room succeeds", e.getMessage());
            }
        });
    }

    /** The database's readiness, within {@link #READINESS_WAIT}. */
    public Readiness readiness() {
        if (unreachable.get()) {
            return Readiness.UNREACHABLE;
        }
        if (full()) {
            return Readiness.FULL;
        }
        try {
            return currentProbe().get(READINESS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Readiness.NOT_ANSWERING;
        } catch (ExecutionException e) {
            return Readiness.UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Readiness.NOT_ANSWERING;
        }
    }

    /** The probe in flight, or a new one: at most one probe query at a time, however often /readyz is asked. */
    private CompletableFuture<Readiness> currentProbe() {
        while (true) {
            CompletableFuture<Readiness> current = probe.get();
            if (!current.isDone()) {
                return current;
            }
            CompletableFuture<Readiness> next = new CompletableFuture<>();
            if (probe.compareAndSet(current, next)) {
                Thread.ofVirtual().name("sigil-readiness-probe").start(() -> next.complete(
                        answersQuery.getAsBoolean() ? Readiness.READY
                                : unreachable.get() ? Readiness.UNREACHABLE : Readiness.UNAVAILABLE));
                return next;
            }
        }
    }

    private void markUnreachable(Throwable cause) {
        if (unreachable.compareAndSet(false, true)) {
            log.warn("database unreachable ({}): requests fail at once with 503 until it answers again",
                    cause.getMessage());
            Thread.ofVirtual().name("sigil-database-reprobe").start(this::reprobeUntilReachable);
        }
    }

    private void reprobeUntilReachable() {
        while (!closed) {
            try {
                Thread.sleep(REPROBE_INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
            try (Connection c = pool.getConnection()) {
                if (c.isValid((int) READINESS_WAIT.toSeconds())) {
                    unreachable.set(false);
                    log.info("database reachable again");
                    return;
                }
            } catch (SQLException | RuntimeException e) {
                // still unreachable (or the pool closed): try again after the interval
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
