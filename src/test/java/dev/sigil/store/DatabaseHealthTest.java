package dev.sigil.store;

import org.jdbi.v3.core.transaction.TransactionException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The states /readyz reports that a real database cannot be driven into quickly (DatabaseFullTest does the rest). */
class DatabaseHealthTest {
    private static final Duration HOLD = Duration.ofMillis(300);

    @Test
    void aFullDatabaseIsReportedForTheHoldAfterTheLastRefusedWriteThenOfferedTrafficAgain() throws Exception {
        DatabaseHealth health = new DatabaseHealth(null, () -> true, HOLD); // the probe query always answers
        assertThat(health.readiness()).isEqualTo(Readiness.READY);

        health.failed(new TransactionException("insert failed",
                new SQLiteException("database or disk is full", SQLiteErrorCode.SQLITE_FULL)));
        assertThat(health.readiness()).isEqualTo(Readiness.FULL);
        Thread.sleep(HOLD.toMillis() / 2);
        health.failed(new SQLException("could not extend file", "53100")); // refused again: the hold restarts
        Thread.sleep(HOLD.toMillis() / 2 + 50);
        assertThat(health.readiness()).isEqualTo(Readiness.FULL);

        Thread.sleep(HOLD.toMillis());
        assertThat(health.readiness()).isEqualTo(Readiness.READY);
        assertThat(health.full()).as("no longer measured per transaction").isFalse();
    }

    @Test
    void otherFailuresDoNotMarkTheDatabaseFull() {
        DatabaseHealth health = new DatabaseHealth(null, () -> true, HOLD);
        health.failed(new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY));
        health.failed(new SQLException("out of memory", "53200"));
        health.failed(new IllegalStateException("a bug"));
        assertThat(health.readiness()).isEqualTo(Readiness.READY);
    }

    @Test
    void aProbeQueryThatDoesNotAnswerWithinTheWaitIsNotAnsweringNotAHang() {
        DatabaseHealth health = new DatabaseHealth(null, () -> {
            try {
                Thread.sleep(DatabaseHealth.READINESS_WAIT.multipliedBy(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }, HOLD);
        long start = System.nanoTime();
        assertThat(health.readiness()).isEqualTo(Readiness.NOT_ANSWERING);
        assertThat(health.readiness()).as("the same probe, still running").isEqualTo(Readiness.NOT_ANSWERING);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(DatabaseHealth.READINESS_WAIT.multipliedBy(2).plusMillis(500));
    }
}
