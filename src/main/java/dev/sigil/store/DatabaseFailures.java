package dev.sigil.store;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.Set;

/**
 * Tells a database that cannot serve right now (503, try again) from a bug (500): SQLite's write lock still held
 * by another process when the busy timeout ran out, no pooled connection within the pool's timeout, PostgreSQL
 * unreachable, shutting down or out of connections, and a disk (or database) with no room for a write.
 */
public final class DatabaseFailures {
    /** SQLSTATEs of an unavailable PostgreSQL: class 08 (connection) is matched by prefix. */
    private static final Set<String> UNAVAILABLE_STATES = Set.of(
            "53200", // out_of_memory: the server's, for this query; the next may well fit, so a retry, not a bug
            "53300", // too_many_connections
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03"); // cannot_connect_now (starting up)
    /** PostgreSQL's disk_full: a write needed a page (table, index, WAL, temp file) the file system refused. */
    private static final String POSTGRES_DISK_FULL = "53100";
    private static final int MAX_CAUSES = 16;

    private DatabaseFailures() {
    }

    /** The cause that makes {@code failure} an unavailable database, if it is one (a full disk is one). */
    public static Optional<SQLException> unavailable(Throwable failure) {
        return find(failure, e -> isUnavailable(e) || isDiskFull(e));
    }

    /**
     * The cause that makes {@code failure} a write refused for lack of space, if it is one: SQLite's
     * {@code SQLITE_FULL} ("database or disk is full": the file system's ENOSPC, or the database at its
     * {@code max_page_count}) or PostgreSQL's {@code 53100 disk_full}. Out of memory (53200) is not: it says nothing
     * about the next write.
     */
    public static Optional<SQLException> diskFull(Throwable failure) {
        return find(failure, DatabaseFailures::isDiskFull);
    }

    private static Optional<SQLException> find(Throwable failure, java.util.function.Predicate<SQLException> kind) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof SQLException e && kind.test(e)) {
                return Optional.of(e);
            }
            for (Throwable suppressed : t.getSuppressed()) {
                // Jdbi keeps the statement's failure as a suppressed exception when the rollback after it fails too
                // (SQLite may already have rolled the transaction back itself after SQLITE_FULL).
                if (suppressed instanceof SQLException e && kind.test(e)) {
                    return Optional.of(e);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isUnavailable(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            int primary = primaryCode(sqlite);
            return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
        }
        if (e instanceof SQLTransientConnectionException) {
            return true; // HikariCP: no connection free within its connection timeout
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state));
    }

    private static boolean isDiskFull(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            return primaryCode(sqlite) == SQLiteErrorCode.SQLITE_FULL.code;
        }
        return POSTGRES_DISK_FULL.equals(e.getSQLState());
    }

    /** Extended result codes (e.g. BUSY_SNAPSHOT) keep the primary code in their low byte. */
    private static int primaryCode(SQLiteException e) {
        return e.getResultCode().code & 0xff;
    }
}
