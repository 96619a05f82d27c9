package dev.sigil.store;

import dev.sigil.http.ErrorResponses;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A disk with no room for the next write: writes answer 503 (not 500), {@code /readyz} says why, nothing is
 * half-written, and once there is room again Sigil serves without a restart. SQLite's {@code max_page_count} makes
 * SQLite refuse to grow the file exactly as a full disk does (SQLITE_FULL), without filling the machine's disk.
 */
class DatabaseFullTest {
    /** SQLite's own default (and largest) max_page_count. */
    private static final long SQLITE_MAX_PAGE_COUNT = 4_294_967_294L;

    @Test
    void aFullDatabaseAnswers503AndIsNotReadyUntilAWriteNeedingRoomSucceeds() {
        try (TestServer server = TestServer.start()) {
            Database db = server.app().services().database;
            assumeTrue(db.vendor() == Database.Vendor.SQLITE, "SQLite's max_page_count");
            String env = server.createEnvironment();
            server.liftRateLimits(env);
            SdkClient sdk = new SdkClient(server, env);
            Http http = server.http();
            long pages = db.jdbi().withHandle(h -> h.createQuery("PRAGMA page_count").mapTo(Long.class).one());
            setMaxPageCount(db, pages); // the file may not grow any more: the disk is full

            int signedIn = 0;
            Http.Response refused = null;
            for (int i = 0; i < 5_000 && refused == null; i++) {
                Http.Response nonce = sdk.get("/nonce"); // issuing a nonce writes it
                if (nonce.status() != 200) {
                    refused = nonce;
                    break;
                }
                TestWallet wallet = TestWallet.random();
                String message = sdk.messageFor(wallet, nonce.json().get("nonce").asString());
                Http.Response signIn = sdk.post("/wallets/signin",
                        SdkClient.verifyRequest(wallet, message, wallet.sign(message)));
                if (signIn.status() == 200) {
                    signedIn++;
                } else {
                    refused = signIn;
                }
            }

            assertThat(refused).as("a write failed once the file could not grow").isNotNull();
            assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.header("Retry-After"))
                    .contains(Integer.toString(ErrorResponses.DATABASE_RETRY_AFTER_SECONDS));
            assertThat(refused.json().get("error").asString()).isEqualTo("database unavailable");
            assertThat(refused.body()).doesNotContain("SQLITE").doesNotContain("full");
            Http.Response notReady = http.get("/readyz");
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.json().get("status").asString()).isEqualTo("database or disk full");
            assertThat(http.get("/readyz").status()).as("still full: no write succeeded since").isEqualTo(503);
            assertNothingHalfWritten(db.jdbi(), signedIn);

            setMaxPageCount(db, SQLITE_MAX_PAGE_COUNT); // the operator freed some space
            long freed = System.nanoTime();
            // Sign-ins succeed at once; readiness returns with the first one that needed a new page (a write that
            // fits in the pages the database has proves nothing), long before DatabaseHealth.FULL_HOLD ran out.
            int recovered = 0;
            Http.Response ready = http.get("/readyz");
            for (int i = 0; i < 50 && ready.status() != 200; i++) {
                assertThat(sdk.signIn(TestWallet.random()).get("user").get("id").asString()).isNotBlank();
                recovered++;
                ready = http.get("/readyz");
            }
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("status").asString()).isEqualTo("ready");
            assertThat(recovered).as("sign-ins after the space was freed").isPositive();
            assertThat(System.nanoTime() - freed).isLessThan(DatabaseHealth.FULL_HOLD.toNanos());
            assertNothingHalfWritten(db.jdbi(), signedIn + recovered);
        }
    }

    /** {@code max_page_count} is a per-connection setting: set it on every connection of the pool, all held at once. */
    private static void setMaxPageCount(Database db, long pages) {
        List<Handle> handles = new ArrayList<>();
        try {
            for (int i = 0; i < Database.SQLITE_POOL_SIZE; i++) {
                Handle h = db.jdbi().open();
                handles.add(h);
                try (var statement = h.getConnection().createStatement()) {
                    statement.execute("PRAGMA max_page_count = " + pages);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } finally {
            handles.forEach(Handle::close);
        }
    }

    /** Every user is one sign-in a client saw succeed, with its credential and session: no failed one left a trace. */
    private static void assertNothingHalfWritten(Jdbi jdbi, int signIns) {
        jdbi.useHandle(h -> {
            assertThat(h.createQuery("SELECT COUNT(*) FROM users").mapTo(Integer.class).one())
                    .as("users: one per sign-in that succeeded").isEqualTo(signIns);
            assertThat(h.createQuery("SELECT COUNT(*) FROM sessions").mapTo(Integer.class).one())
                    .as("sessions: one per sign-in that succeeded").isEqualTo(signIns);
            assertThat(h.createQuery("""
                    SELECT COUNT(*) FROM users u
                    WHERE NOT EXISTS (SELECT 1 FROM verified_credentials c WHERE c.user_id = u.id)""")
                    .mapTo(Integer.class).one()).as("users without a credential").isZero();
            assertThat(h.createQuery("""
                    SELECT COUNT(*) FROM verified_credentials c
                    WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id)""")
                    .mapTo(Integer.class).one()).as("credentials without a user").isZero();
        });
    }
}
