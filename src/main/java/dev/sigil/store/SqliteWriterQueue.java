package dev.sigil.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionException;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes SQLite transactions wait for the write lock in Java instead of inside SQLite.
 *
 * <p>SQLite has one writer at a time; a second {@code BEGIN IMMEDIATE} waits in SQLite's busy handler, a native
 * sleep-and-retry loop that pins the virtual thread to its carrier. Meanwhile the transaction holding the lock
 * may be unmounted (waiting on a log appender's lock, a pool, any {@code java.util.concurrent} lock), and it
 * needs a carrier to run on to commit. With as many waiters as carriers (one per core: a single one on a
 * one-core server) nothing can run until the busy timeout fails them all: under load the whole server stalled
 * for ten seconds and answered 500. Queueing transactions on a Java lock first unmounts the waiters, so the
 * holder always finds a carrier, and a waiter starts the moment the writer before it commits rather than at
 * the busy handler's next retry. The wait in the queue is bounded by the same timeout as SQLite's own: a
 * transaction that never finishes costs the writers behind it a 503, never a hang.
 *
 * <p>Writes outside a transaction would wait in SQLite again, so on SQLite every write runs in a transaction
 * (see {@link Database}). Reads need no lock: in WAL mode they never wait for the writer.
 */
final class SqliteWriterQueue extends DelegatingTransactionHandler {
    private final ReentrantLock writer;
    private final Duration timeout;

    /** A writer that waited {@code timeout} for its turn fails as SQLite would have: SQLITE_BUSY (a 503). */
    SqliteWriterQueue(TransactionHandler delegate, Duration timeout) {
        this(delegate, new ReentrantLock(), timeout);
    }

    private SqliteWriterQueue(TransactionHandler delegate, ReentrantLock writer, Duration timeout) {
        super(delegate);
        this.writer = writer;
        this.timeout = timeout;
    }

    /** Jdbi binds a handler to each handle; the bound one queues on the same lock. */
    @Override
    public TransactionHandler specialize(Handle handle) throws SQLException {
        return new SqliteWriterQueue(getDelegate().specialize(handle), writer, timeout);
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        awaitTurn();
        try {
            return super.inTransaction(handle, callback);
        } finally {
            writer.unlock();
        }
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level,
                                                    HandleCallback<R, X> callback) throws X {
        awaitTurn();
        try {
            return super.inTransaction(handle, level, callback);
        } finally {
            writer.unlock();
        }
    }

    /** Bounded, so that a writer stuck in its transaction costs the others a 503, never a hang. */
    private void awaitTurn() {
        try {
            if (writer.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new TransactionException("Failed to start transaction", new SQLiteException(
                "no turn at the write lock within " + timeout.toMillis() + " ms", SQLiteErrorCode.SQLITE_BUSY));
    }
}
