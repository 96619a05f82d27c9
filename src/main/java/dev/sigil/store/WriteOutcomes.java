package dev.sigil.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.sql.SQLException;

/**
 * Tells {@link DatabaseHealth} how each transaction ended, so that a write refused for lack of space shows in
 * {@code /readyz}. Jdbi has already rolled the transaction back when its failure reaches here: nothing of it is
 * half-written.
 *
 * <p>While the database is marked full, a committed SQLite transaction that grew the file proves there is room again
 * and clears the mark at once. Any committed write would not: on a full disk, writes that fit in pages the database
 * already has (an update in place, the webhook worker's claims, a small insert) keep succeeding while the next
 * sign-in, which needs a new page, fails. PostgreSQL has no cheap measure of growth; there the mark lasts
 * {@link DatabaseHealth#FULL_HOLD} after the last refused write. Outside the full state this costs nothing.
 */
final class WriteOutcomes extends DelegatingTransactionHandler {
    private final DatabaseHealth health;
    private final Database.Vendor vendor;

    WriteOutcomes(TransactionHandler delegate, DatabaseHealth health, Database.Vendor vendor) {
        super(delegate);
        this.health = health;
        this.vendor = vendor;
    }

    /** Jdbi binds a handler to each handle; the bound one reports to the same health. */
    @Override
    public TransactionHandler specialize(Handle handle) throws SQLException {
        return new WriteOutcomes(getDelegate().specialize(handle), health, vendor);
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        return reported(callback, work -> super.inTransaction(handle, work));
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level,
                                                    HandleCallback<R, X> callback) throws X {
        return reported(callback, work -> super.inTransaction(handle, level, work));
    }

    /** One of the delegate's two inTransaction overloads, given the work to run. */
    private interface Delegated<R, X extends Exception> {
        R run(HandleCallback<R, X> work) throws X;
    }

    /** Runs {@code callback} through {@code delegate}, telling the health how it ended. */
    private <R, X extends Exception> R reported(HandleCallback<R, X> callback, Delegated<R, X> delegate) throws X {
        Watched<R, X> watched = watch(callback);
        try {
            R result = delegate.run(watched == null ? callback : watched);
            if (watched != null) {
                watched.committed();
            }
            return result;
        } catch (Exception | Error e) {
            health.failed(e);
            throw e;
        }
    }

    /** The work wrapped to measure its growth while an SQLite database is marked full; else null (nothing to pay). */
    private <R, X extends Exception> Watched<R, X> watch(HandleCallback<R, X> callback) {
        return vendor == Database.Vendor.SQLITE && health.full() ? new Watched<>(callback) : null;
    }

    /** A transaction's work that notes, before the commit, whether it grew the SQLite file. */
    private final class Watched<R, X extends Exception> implements HandleCallback<R, X> {
        private final HandleCallback<R, X> work;
        private boolean grew;

        Watched(HandleCallback<R, X> work) {
            this.work = work;
        }

        @Override
        public R withHandle(Handle handle) throws X {
            long before = pageCount(handle);
            R result = work.withHandle(handle);
            grew = pageCount(handle) > before;
            return result;
        }

        void committed() {
            if (grew) {
                health.committed();
            }
        }
    }

    private static long pageCount(Handle handle) {
        return handle.createQuery("PRAGMA page_count").mapTo(Long.class).one();
    }
}
