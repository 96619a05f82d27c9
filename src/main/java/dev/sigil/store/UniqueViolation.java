package dev.sigil.store;

import java.sql.SQLException;

/** Recognises a unique-constraint violation on either vendor, so services can retry a lost insert race. */
public final class UniqueViolation {
    private UniqueViolation() {
    }

    public static boolean isCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                // PostgreSQL: SQLState 23505. SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) / PRIMARYKEY (1555).
                if ("23505".equals(sql.getSQLState()) || sql.getErrorCode() == 2067 || sql.getErrorCode() == 1555
                        || (sql.getErrorCode() == 19 && String.valueOf(sql.getMessage()).contains("UNIQUE"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
