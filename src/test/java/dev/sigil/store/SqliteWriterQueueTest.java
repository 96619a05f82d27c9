package dev.sigil.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.LocalTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SQLite writers on virtual threads: found by the soak benchmark, where the server (one core, so one carrier
 * thread) stalled for the ten-second busy timeout and answered 500 to every writer queued behind a transaction.
 */
class SqliteWriterQueueTest {

    @Test
    void writersQueuedBehindAnUnmountedTransactionLetItCommit(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(Optional.empty(), dir.resolve("sigil.db"))) {
            Jdbi jdbi = db.jdbi();
            jdbi.useTransaction(h -> h.execute("CREATE TABLE probe (writer INTEGER NOT NULL)"));
            // More waiters than carrier threads (one per core), fewer than the pool's 8 connections: without the
            // queue each waiter sits in SQLite's busy handler holding a carrier, and the sleeping holder never
            // gets one back until the busy timeout fails the waiters.
            int waiters = 7;
            CountDownLatch holding = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                writers.add(threads.submit(() -> {
                    jdbi.useTransaction(h -> {
                        insert(h, 0);
                        holding.countDown();
                        Thread.sleep(500); // unmounted, as when waiting for any lock, holding SQLite's write lock
                    });
                    return null;
                }));
                holding.await();
                for (int i = 1; i <= waiters; i++) {
                    int writer = i;
                    writers.add(threads.submit(() -> jdbi.useTransaction(h -> insert(h, writer))));
                }
                for (Future<?> w : writers) {
                    w.get(); // a writer that timed out waiting for the lock throws here
                }
            }
            List<Integer> committed = jdbi.withHandle(h -> h.createQuery("SELECT writer FROM probe ORDER BY rowid")
                    .mapTo(Integer.class).list());
            assertThat(committed)
                    .as("the holder committed first, then every waiter")
                    .startsWith(0)
                    .hasSize(waiters + 1);
        }
    }

    @Test
    void aWriterThatGetsNoTurnWithinTheTimeoutFailsAsBusyNotHangs(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(Optional.empty(), dir.resolve("sigil.db"))) {
            Jdbi jdbi = db.jdbi();
            jdbi.setTransactionHandler(new SqliteWriterQueue(new LocalTransactionHandler(), Duration.ofMillis(200)));
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> holder = threads.submit(() -> {
                    jdbi.useTransaction(h -> {
                        holding.countDown();
                        release.await(); // stuck in its transaction
                    });
                    return null;
                });
                holding.await();
                assertThatThrownBy(() -> jdbi.useTransaction(h -> h.execute("SELECT 1")))
                        .isInstanceOf(TransactionException.class)
                        .satisfies(e -> assertThat(DatabaseFailures.unavailable(e)).as("a 503, not a 500").isPresent());
                release.countDown();
                holder.get();
            }
            jdbi.useTransaction(h -> h.execute("SELECT 1")); // and the queue works again
        }
    }

    private static void insert(Handle h, int writer) {
        h.createUpdate("INSERT INTO probe (writer) VALUES (:w)").bind("w", writer).execute();
    }
}
