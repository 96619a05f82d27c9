package dev.sigil.crash;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.SigilProcess;
import dev.sigil.testing.TestDatabase;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL under load. Clients sign in with new wallets and refresh as fast as they can against a real
 * {@code sigil serve} process; the process is killed mid-flight (no shutdown hook, no drain), restarted on the
 * same data, and then every answer a client saw as a success must still hold: its user, credential and session
 * exist, and its latest token refreshes. Whatever the kill interrupted must be all there or not there at all.
 * Runs on SQLite and, in CI, on PostgreSQL.
 */
class CrashSafetyTest {
    private static final int CLIENTS = 6;
    private static final int SUCCESSES_BEFORE_KILL = 30;

    /** What one client saw succeed: a sign-in, then possibly refreshes (the latest token is kept). */
    record Seen(String address, String userId, String sessionId, String token) {
        @Override
        public String toString() {
            return "wallet " + address + " (user " + userId + ", session " + sessionId + ")";
        }
    }

    @Test
    void everySuccessASigkilledServerAnsweredSurvivesTheRestart() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-crash");
        Optional<String> databaseUrl = TestDatabase.freshPostgresSchema();
        // The restarted process listens on another port: a fixed public URL keeps the tokens' issuer.
        Map<String, String> env = Map.of("SIGIL_ADMIN_TOKEN", TestServer.ADMIN_TOKEN, "SIGIL_PUBLIC_URL", "http://sigil.test");

        Map<String, Seen> seen = new ConcurrentHashMap<>();
        AtomicInteger interrupted = new AtomicInteger();
        String environmentId;
        try (SigilProcess first = SigilProcess.serve(dataDir, databaseUrl, env)) {
            environmentId = createEnvironment(first.http());
            SdkClient sdk = new SdkClient(first.http(), environmentId);
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(Thread.ofVirtual().start(() -> signInAndRefreshUntilItDies(sdk, seen, interrupted)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < SUCCESSES_BEFORE_KILL && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            first.kill();
            for (Thread client : clients) {
                client.join(Duration.ofSeconds(60));
            }
        }
        System.out.printf("crash safety: %d sign-ins seen before SIGKILL, %d requests cut off by it%n", seen.size(), interrupted.get());
        assertThat(seen).as("clients saw successes before the kill").hasSizeGreaterThanOrEqualTo(SUCCESSES_BEFORE_KILL);

        try (SigilProcess second = SigilProcess.serve(dataDir, databaseUrl, env)) {
            SdkClient sdk = new SdkClient(second.http(), environmentId);
            for (Seen success : seen.values()) {
                Http.Response refreshed = sdk.post("/refresh", null, success.token());
                assertThat(refreshed.status()).as("%s after restart: %s", success, refreshed).isEqualTo(200);
                JsonNode user = refreshed.json().get("user");
                assertThat(user.get("id").asString()).isEqualTo(success.userId());
                assertThat(user.get("sessionId").asString()).isEqualTo(success.sessionId());
                assertThat(user.get("verifiedCredentials").findValuesAsString("address"))
                        .containsExactly(success.address());
            }
        }
        assertNothingHalfWritten(dataDir, databaseUrl);
    }

    private static String createEnvironment(Http http) {
        Http.Response created = http.post("/api/v0/admin/environments",
                Json.writeString(Map.of("name", "crash", "allowedOrigins", List.of(TestServer.ORIGIN))),
                "Authorization", "Bearer " + TestServer.ADMIN_TOKEN, "Content-Type", "application/json");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    /** One client: sign in a new wallet, refresh it twice, again, until the server stops answering. */
    private static void signInAndRefreshUntilItDies(SdkClient sdk, Map<String, Seen> seen, AtomicInteger interrupted) {
        try {
            while (true) {
                TestWallet wallet = TestWallet.random();
                Http.Response signedIn = sdk.signInResponse(wallet, "/wallets/signin");
                assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
                JsonNode user = signedIn.json().get("user");
                Seen success = new Seen(wallet.address(), user.get("id").asString(), user.get("sessionId").asString(),
                        signedIn.json().get("minifiedJwt").asString());
                seen.put(wallet.address(), success);
                for (int i = 0; i < 2; i++) {
                    Http.Response refreshed = sdk.post("/refresh", null, success.token());
                    assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
                    success = new Seen(success.address(), success.userId(), success.sessionId(),
                            refreshed.json().get("jwt").asString());
                    seen.put(wallet.address(), success);
                }
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            // The server died under this request (or refused the connection): the client saw no success.
            interrupted.incrementAndGet();
        }
    }

    /** Straight to the database: no user without a credential, no session without its user and credential. */
    private static void assertNothingHalfWritten(Path dataDir, Optional<String> databaseUrl) {
        Jdbi jdbi = Jdbi.create(databaseUrl.orElse("jdbc:sqlite:" + dataDir.resolve("sigil.db")));
        jdbi.useHandle(h -> {
            assertThat(h.createQuery("""
                    SELECT COUNT(*) FROM users u
                    WHERE NOT EXISTS (SELECT 1 FROM verified_credentials c WHERE c.user_id = u.id)""")
                    .mapTo(Integer.class).one()).as("users without a credential").isZero();
            assertThat(h.createQuery("""
                    SELECT COUNT(*) FROM sessions s
                    WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id)
                       OR NOT EXISTS (SELECT 1 FROM verified_credentials c WHERE c.id = s.signin_credential_id)""")
                    .mapTo(Integer.class).one()).as("sessions without their user or credential").isZero();
            assertThat(h.createQuery("""
                    SELECT COUNT(*) FROM verified_credentials c
                    WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id)""")
                    .mapTo(Integer.class).one()).as("credentials without a user").isZero();
            assertThat(h.createQuery("SELECT COUNT(*) FROM users").mapTo(Integer.class).one())
                    .as("every sign-in a client saw is stored").isGreaterThanOrEqualTo(CLIENTS);
        });
    }
}
