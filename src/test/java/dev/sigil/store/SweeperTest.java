package dev.sigil.store;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.Mailbox;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The background sweeper against a real server and database: what it deletes, what it must keep. */
class SweeperTest {
    Mailbox mailbox;
    TestServer server;
    SdkClient sdk;
    Jdbi jdbi;

    @BeforeEach
    void start() {
        mailbox = Mailbox.started();
        server = TestServer.start(MutableClock.startingNow(), c -> c.smtp(Optional.of(mailbox.smtpConfig())));
        sdk = new SdkClient(server, server.createEnvironment());
        jdbi = server.app().services().database.jdbi();
    }

    @AfterEach
    void stop() {
        server.close();
        mailbox.close();
    }

    private int count(String table) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Integer.class).one());
    }

    private java.util.List<String> column(String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    private Map<String, Integer> sweep() {
        return server.app().services().sweeper.sweepOnce();
    }

    @Test
    void expiredNoncesAndCodesGoAtOnceSessionsAfterTheirRetention() {
        sdk.nonce();
        sdk.nonce();
        String live = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String revoked = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        assertThat(sdk.post("/revoke", null, revoked).status()).isEqualTo(204);
        Http.Response code = sdk.post("/emailVerifications/create", Json.writeString(Map.of("email", "sweep@example.com")));
        assertThat(code.status()).isEqualTo(201);
        assertThat(count("otp_verifications")).isEqualTo(1);

        assertThat(sweep()).as("nothing has expired yet").isEmpty();
        assertThat(count("nonces")).isEqualTo(2);

        server.clock.advance(Duration.ofHours(25));
        Map<String, Integer> swept = sweep();
        assertThat(swept).containsEntry("nonces", 2).containsEntry("otp_verifications", 1).containsEntry("otp_sends", 1)
                .doesNotContainKey("sessions");
        assertThat(count("nonces")).isZero();
        assertThat(count("otp_verifications")).isZero();
        assertThat(count("sessions")).as("revoked sessions are kept for the admin API's history").isEqualTo(2);

        server.clock.advance(Sweeper.SESSION_RETENTION);
        assertThat(sweep()).containsEntry("sessions", 1);
        assertThat(count("sessions")).as("the live session (30 days) stays").isEqualTo(1);
        assertThat(sdk.get("/session", revoked).status()).isEqualTo(401);
    }

    @Test
    void aBacklogLargerThanOneBatchIsSweptInBoundedBatches() {
        int rows = Sweeper.BATCH * 2 + 37;
        long expired = server.clock.millis() - 1;
        jdbi.useHandle(h -> {
            var batch = h.prepareBatch("INSERT INTO nonces (nonce, environment_id, expires_at) VALUES (:nonce, :env, :expires)");
            for (int i = 0; i < rows; i++) {
                batch.bind("nonce", "n" + i).bind("env", sdk.environmentId()).bind("expires", expired).add();
            }
            batch.execute();
        });
        String fresh = sdk.nonce();

        assertThat(sweep()).containsEntry("nonces", rows);
        assertThat(column("SELECT nonce FROM nonces"))
                .containsExactly(fresh);
    }

    /**
     * A sweep runs every minute: a rule that scanned its table would cost time in proportion to the table (all
     * sessions, 30 days of webhook logs) on every sweep. Each batch must find its rows through an index. On
     * PostgreSQL, sequential scans are switched off for the check, so a plan that still has one has no other way.
     */
    @Test
    void everyRuleFindsItsRowsThroughAnIndexNotAScanOfTheTable() {
        Database.Vendor vendor = server.app().services().database.vendor();
        for (Sweeper.Rule rule : Sweeper.RULES) {
            String sql = Sweeper.batchSql(rule, vendor).replace(":cutoff", "0");
            List<String> plan = jdbi.inTransaction(h -> {
                if (vendor == Database.Vendor.SQLITE) {
                    return h.createQuery("EXPLAIN QUERY PLAN " + sql).map((rs, ctx) -> rs.getString("detail")).list();
                }
                h.execute("SET LOCAL enable_seqscan = off");
                return h.createQuery("EXPLAIN " + sql).map((rs, ctx) -> rs.getString(1)).list();
            });
            assertThat(plan).as("plan of the %s sweep: %s", rule.table(), plan)
                    .noneMatch(line -> vendor == Database.Vendor.SQLITE ? line.startsWith("SCAN ") : line.contains("Seq Scan"));
        }
    }

    @Test
    void webhookLogsOfFinishedDeliveriesGoAfterRetentionPendingOnesNever() {
        long old = server.clock.millis() - Sweeper.WEBHOOK_LOG_RETENTION.toMillis() - 1;
        insertDelivery("done", "delivered", old);
        insertDelivery("gave-up", "failed", old);
        insertDelivery("waiting", "pending", old);
        insertDelivery("recent", "delivered", server.clock.millis());

        assertThat(sweep()).containsEntry("webhook_deliveries", 2).containsEntry("webhook_attempts", 2)
                .containsEntry("webhook_events", 2);
        assertThat(column("SELECT id FROM webhook_deliveries ORDER BY id"))
                .containsExactly("d-recent", "d-waiting");
        assertThat(column("SELECT id FROM webhook_events ORDER BY id"))
                .containsExactly("e-recent", "e-waiting");
        assertThat(count("webhook_attempts")).isEqualTo(2);
    }

    private void insertDelivery(String name, String status, long at) {
        jdbi.useHandle(h -> {
            h.createUpdate("""
                            INSERT INTO webhook_events (id, environment_id, type, user_id, payload, created_at, fanned_out_at)
                            VALUES (:id, :env, 'user.created', NULL, '{}', :at, :at)""")
                    .bind("id", "e-" + name).bind("env", sdk.environmentId()).bind("at", at).execute();
            long seq = h.createQuery("SELECT seq FROM webhook_events WHERE id = :id").bind("id", "e-" + name)
                    .mapTo(Long.class).one();
            h.createUpdate("""
                            INSERT INTO webhook_deliveries (id, webhook_id, environment_id, event_id, event_seq, event_type,
                                user_id, status, attempts, next_attempt_at, claimed_until, give_up_at, created_at)
                            VALUES (:id, 'w', :env, :event, :seq, 'user.created', NULL, :status, 1, :at, NULL, :at, :at)""")
                    .bind("id", "d-" + name).bind("env", sdk.environmentId()).bind("event", "e-" + name)
                    .bind("seq", seq).bind("status", status).bind("at", at).execute();
            h.createUpdate("""
                            INSERT INTO webhook_attempts (id, delivery_id, attempted_at, status_code, error, duration_ms)
                            VALUES (:id, :delivery, :at, 500, NULL, 3)""")
                    .bind("id", UUID.randomUUID().toString()).bind("delivery", "d-" + name).bind("at", at).execute();
        });
    }
}
