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
 * unreachable, shutting down or out of connections.
 */
public final class DatabaseFailures {
    /** SQLSTATEs of an unavailable PostgreSQL: class 08 (connection) is matched by prefix. */
    private static final Set<String> UNAVAILABLE_STATES = Set.of(
            "53300", // too_many_connections
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03"); // cannot_connect_now (starting up)
    private static final int MAX_CAUSES = 16;

    private DatabaseFailures() {
    }

    /** The cause that makes {@code failure} an unavailable database, if it is one. */
    public static Optional<SQLException> unavailable(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof SQLException e && isUnavailable(e)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static boolean isUnavailable(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            int primary = sqlite.getResultCode().code & 0xff; // extended codes (e.g. BUSY_SNAPSHOT) keep it
            return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
        }
        if (e instanceof SQLTransientConnectionException) {
            return true; // HikariCP: no connection free within its connection timeout
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state));
    }
}
