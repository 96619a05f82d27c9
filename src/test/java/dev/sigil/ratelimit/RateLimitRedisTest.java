package dev.sigil.ratelimit;

import dev.sigil.App;
import dev.sigil.config.RedisConfig;
import dev.sigil.testing.Http;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TcpRelay;
import dev.sigil.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits kept in the real Redis at 127.0.0.1:6379 hold across nodes; with Redis unreachable each node counts them in
 * its own memory. Each test uses its own key prefix, so parallel runs and earlier runs never share state.
 */
class RateLimitRedisTest {
    static final String REDIS = "redis://127.0.0.1:6379";

    private static RedisConfig freshRedis() {
        return new RedisConfig(REDIS, "sigil-test:" + UUID.randomUUID() + ":");
    }

    private static Http.Response nonce(Http http, String environmentId) {
        return http.get("/api/v0/sdk/" + environmentId + "/nonce", "Origin", TestServer.ORIGIN);
    }

    @Test
    void limitsAreSharedByTwoNodes() {
        RedisConfig redis = freshRedis();
        try (TestServer nodeA = TestServer.start(MutableClock.startingNow(), c -> c.redis(Optional.of(redis)));
             App nodeB = nodeA.startSecondNode()) {
            String env = nodeA.createEnvironment();
            nodeA.patchEnvironment(env, "{\"settings\":{\"sigil\":{\"rateLimits\":{\"noncesPerIpPerMinute\":3}}}}");
            Http b = new Http("http://127.0.0.1:" + nodeB.port());
            assertThat(nonce(nodeA.http(), env).status()).isEqualTo(200);
            assertThat(nonce(b, env).status()).isEqualTo(200);
            assertThat(nonce(nodeA.http(), env).status()).isEqualTo(200);
            Http.Response limited = nonce(b, env);
            assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).contains("20");
            assertThat(nonce(nodeA.http(), env).status()).isEqualTo(429);
            nodeA.clock.advance(Duration.ofSeconds(20));
            assertThat(nonce(b, env).status()).isEqualTo(200);
            assertThat(nonce(nodeA.http(), env).status()).isEqualTo(429);
        }
    }

    @Test
    void refreshLimitsAreSharedByTwoNodes() {
        RedisConfig redis = freshRedis();
        try (TestServer nodeA = TestServer.start(MutableClock.startingNow(), c -> c.redis(Optional.of(redis)));
             App nodeB = nodeA.startSecondNode()) {
            String env = nodeA.createEnvironment();
            nodeA.patchEnvironment(env, "{\"settings\":{\"sigil\":{\"rateLimits\":{\"refreshesPerSessionPerMinute\":1}}}}");
            String jwt = new SdkClient(nodeA, env).signIn(dev.sigil.testing.TestWallet.random()).get("minifiedJwt").asString();
            SdkClient onB = new SdkClient(new Http("http://127.0.0.1:" + nodeB.port()), env);
            assertThat(new SdkClient(nodeA, env).post("/refresh", "", jwt).status()).isEqualTo(200);
            assertThat(onB.post("/refresh", "", jwt).status()).isEqualTo(429);
        }
    }

    @Test
    void redisDownAtStartLimitsInThisNodesMemory() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RedisConfig down = new RedisConfig("redis://127.0.0.1:" + closedPort, "sigil-test:" + UUID.randomUUID() + ":");
        try (TestServer server = TestServer.start(MutableClock.startingNow(), c -> c.redis(Optional.of(down)))) {
            String env = server.createEnvironment();
            server.patchEnvironment(env, "{\"settings\":{\"sigil\":{\"rateLimits\":{\"noncesPerIpPerMinute\":1}}}}");
            assertThat(nonce(server.http(), env).status()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                Http.Response limited = nonce(server.http(), env);
                assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
                assertThat(limited.header("Retry-After")).contains("60");
            }
            assertThat(server.http().get("/readyz").status()).isEqualTo(200);
        }
    }

    /**
     * Which store answered shows in {@code Retry-After}: Redis's count started 30 s before the node's own one, so it
     * says 30 where the node's memory says 60.
     */
    @Test
    void redisLostWhileRunningLimitsInThisNodesMemoryThenInRedisWhenBack() throws Exception {
        try (TcpRelay relay = TcpRelay.to(6379)) {
            RedisConfig redis = new RedisConfig("redis://127.0.0.1:" + relay.port(), "sigil-test:" + UUID.randomUUID() + ":");
            try (TestServer server = TestServer.start(MutableClock.startingNow(), c -> c.redis(Optional.of(redis)))) {
                String env = server.createEnvironment();
                server.patchEnvironment(env, "{\"settings\":{\"sigil\":{\"rateLimits\":{\"noncesPerIpPerMinute\":1}}}}");
                assertThat(nonce(server.http(), env).status()).isEqualTo(200);
                assertThat(nonce(server.http(), env).header("Retry-After")).contains("60");
                relay.cutConnections();
                relay.pause();
                server.clock.advance(Duration.ofSeconds(30));
                assertThat(nonce(server.http(), env).status()).isEqualTo(200);
                for (int i = 0; i < 3; i++) {
                    Http.Response limited = nonce(server.http(), env);
                    assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
                    assertThat(limited.header("Retry-After")).contains("60");
                }
                relay.resume();
                // Lettuce reconnects on its own; the state in Redis was kept all along.
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                Http.Response limited = nonce(server.http(), env);
                while (!limited.header("Retry-After").equals(Optional.of("30")) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    limited = nonce(server.http(), env);
                }
                assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
                assertThat(limited.header("Retry-After")).contains("30");
            }
        }
    }
}
