package dev.sigil.store;

import dev.sigil.http.ErrorResponses;
import dev.sigil.testing.Http;
import dev.sigil.testing.TestServer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A database that cannot serve now is a 503 with Retry-After, not a 500: the client may simply try again. */
class DatabaseUnavailableTest {

    @Test
    void aWriteLockHeldPastTheBusyTimeoutIsA503ThenTheServerRecovers() throws Exception {
        try (TestServer server = TestServer.start()) {
            Database db = server.app().services().database;
            assumeTrue(db.vendor() == Database.Vendor.SQLITE, "SQLite's write lock");
            String env = server.createEnvironment();
            Http http = server.http();
            String nonce = "/api/v0/sdk/" + env + "/nonce"; // issuing a nonce writes it

            // Another writer (think: an operator's sqlite3 shell left in a transaction) holds the lock.
            try (Handle holder = db.jdbi().open(); Statement raw = holder.getConnection().createStatement()) {
                raw.execute("BEGIN IMMEDIATE");
                Http.Response busy = http.get(nonce); // waits out the 10 s busy timeout
                raw.execute("ROLLBACK");

                assertThat(busy.status()).isEqualTo(503);
                assertThat(busy.header("Retry-After")).contains(Integer.toString(ErrorResponses.DATABASE_RETRY_AFTER_SECONDS));
                assertThat(busy.json().get("error").asString()).isEqualTo("database unavailable");
                assertThat(busy.body()).doesNotContain("SQLITE").doesNotContain("INSERT");
            }
            assertThat(http.get(nonce).status()).isEqualTo(200);
        }
    }

    @Test
    void unavailableMeansBusyUnreachableOrOutOfConnectionsNotABadStatement() {
        assertThat(DatabaseFailures.unavailable(new TransactionException("begin failed",
                new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY)))).isPresent();
        assertThat(DatabaseFailures.unavailable(new SQLiteException("snapshot", SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT))).isPresent();
        assertThat(DatabaseFailures.unavailable(new SQLTransientConnectionException("pool: request timed out"))).isPresent();
        assertThat(DatabaseFailures.unavailable(new RuntimeException(new SQLException("refused", "08001")))).isPresent();
        assertThat(DatabaseFailures.unavailable(new SQLException("the database system is shutting down", "57P01"))).isPresent();

        assertThat(DatabaseFailures.unavailable(new SQLiteException("constraint", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE))).isEmpty();
        assertThat(DatabaseFailures.unavailable(new SQLIntegrityConstraintViolationException("dup", "23505"))).isEmpty();
        assertThat(DatabaseFailures.unavailable(new SQLException("syntax", "42601"))).isEmpty();
        assertThat(DatabaseFailures.unavailable(new IllegalStateException("a bug"))).isEmpty();
    }

    @Test
    void aWriteRefusedForLackOfSpaceIsUnavailableAndFullOutOfMemoryOnlyUnavailable() {
        SQLiteException sqliteFull = new SQLiteException("database or disk is full", SQLiteErrorCode.SQLITE_FULL);
        SQLException postgresFull = new SQLException("could not extend file: No space left on device", "53100");
        SQLException postgresOutOfMemory = new SQLException("out of memory", "53200");
        for (SQLException full : new SQLException[] {sqliteFull, postgresFull}) {
            assertThat(DatabaseFailures.diskFull(new TransactionException("insert failed", full))).contains(full);
            assertThat(DatabaseFailures.unavailable(new TransactionException("insert failed", full))).contains(full);
        }
        assertThat(DatabaseFailures.unavailable(postgresOutOfMemory)).contains(postgresOutOfMemory);
        assertThat(DatabaseFailures.diskFull(postgresOutOfMemory)).isEmpty();
        assertThat(DatabaseFailures.diskFull(new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY))).isEmpty();
        assertThat(DatabaseFailures.diskFull(new SQLException("refused", "08001"))).isEmpty();

        // SQLite may roll a transaction back by itself after SQLITE_FULL; Jdbi's own rollback then fails, and the
        // statement's failure survives only as a suppressed exception of the rollback's.
        TransactionException rollbackFailed = new TransactionException("rollback failed",
                new SQLException("cannot rollback - no transaction is active"));
        rollbackFailed.addSuppressed(sqliteFull);
        assertThat(DatabaseFailures.diskFull(rollbackFailed)).contains(sqliteFull);
    }
}
