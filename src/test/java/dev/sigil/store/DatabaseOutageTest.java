package dev.sigil.store;

import dev.sigil.testing.Http;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TcpRelay;
import dev.sigil.testing.TestDatabase;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PostgreSQL goes away (a relay between Sigil and it drops every connection and refuses new ones) and comes back.
 * {@code /readyz} must say so within about a second, requests must fail fast with a 503 instead of each waiting the
 * pool's connection timeout, and both must recover by themselves once PostgreSQL is reachable again.
 */
class DatabaseOutageTest {
    /** What "at once" means here: well under the pool's connection timeout, with room for a loaded machine. */
    private static final Duration FAST = Duration.ofMillis(1_500);

    @Test
    void whilePostgresIsCutOffReadinessAndRequestsFailFastThenBothRecoverByThemselves() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "a PostgreSQL outage (SIGIL_TEST_DATABASE_URL)");
        try (TcpRelay relay = TcpRelay.to(5432)) {
            String relayed = TestDatabase.freshPostgresSchema().orElseThrow()
                    .replaceFirst("//[^/]+/", "//127.0.0.1:" + relay.port() + "/");
            try (TestServer server = TestServer.start(MutableClock.startingNow(),
                    c -> c.databaseUrl(Optional.of(relayed)))) {
                Http http = server.http();
                String env = server.createEnvironment();
                server.liftRateLimits(env);
                SdkClient sdk = new SdkClient(server, env);
                sdk.signIn(TestWallet.random());
                assertThat(http.get("/readyz").status()).isEqualTo(200);

                relay.pause();
                relay.cutConnections();

                // Throughout, /readyz answers at once. Within the pool's connection timeout some request finds the
                // database unreachable; from then on everything fails at once.
                long until = System.nanoTime() + Database.POSTGRES_CONNECTION_TIMEOUT.plusSeconds(2).toNanos();
                Http.Response readyz;
                do {
                    Timed<Http.Response> probe = timed(() -> http.get("/readyz"));
                    readyz = probe.value();
                    assertThat(readyz.status()).as(readyz.toString()).isEqualTo(503);
                    assertThat(probe.took()).isLessThan(FAST);
                    Thread.sleep(100);
                } while (System.nanoTime() < until);
                assertThat(readyz.json().get("status").asString()).isEqualTo("database unreachable");
                for (int i = 0; i < 3; i++) {
                    Timed<Http.Response> nonce = timed(() -> sdk.get("/nonce"));
                    assertThat(nonce.value().status()).as(nonce.value().toString()).isEqualTo(503);
                    assertThat(nonce.value().json().get("error").asString()).isEqualTo("database unavailable");
                    assertThat(nonce.value().header("Retry-After")).isPresent();
                    assertThat(nonce.took()).isLessThan(FAST);
                    Timed<Http.Response> again = timed(() -> http.get("/readyz"));
                    assertThat(again.value().status()).isEqualTo(503);
                    assertThat(again.took()).isLessThan(FAST);
                }

                relay.resume();
                Http.Response ready = awaitReadyz(http, "ready", DatabaseHealth.REPROBE_INTERVAL.plusSeconds(10));
                assertThat(ready.status()).isEqualTo(200);
                assertThat(sdk.signIn(TestWallet.random()).get("user").get("id").asString()).isNotBlank();
            }
        }
    }

    private static Http.Response awaitReadyz(Http http, String status, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Http.Response readyz = http.get("/readyz");
        while (!readyz.json().get("status").asString().equals(status) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            readyz = http.get("/readyz");
        }
        assertThat(readyz.json().get("status").asString()).as("/readyz within %s", within).isEqualTo(status);
        return readyz;
    }

    private record Timed<T>(T value, Duration took) {
    }

    private static <T> Timed<T> timed(Supplier<T> call) {
        long start = System.nanoTime();
        T value = call.get();
        return new Timed<>(value, Duration.ofNanos(System.nanoTime() - start));
    }
}
