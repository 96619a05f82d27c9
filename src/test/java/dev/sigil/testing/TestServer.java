package dev.sigil.testing;

import dev.sigil.App;
import dev.sigil.config.Config;
import dev.sigil.http.Json;
import dev.sigil.ratelimit.RateLimit;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A real Sigil server on a random loopback port with its own data directory and database, driven through
 * real HTTP. Restartable on the same data to prove durability.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    public static final String ORIGIN = "http://localhost:3000";

    private final Path dataDir;
    private final Optional<String> databaseUrl;
    public final MutableClock clock;
    private final UnaryOperator<Config.Builder> customize;
    private App app;
    private int port;
    private Http http;

    private TestServer(Path dataDir, Optional<String> databaseUrl, MutableClock clock,
                       UnaryOperator<Config.Builder> customize) {
        this.dataDir = dataDir;
        this.databaseUrl = databaseUrl;
        this.clock = clock;
        this.customize = customize;
        boot();
    }

    public static TestServer start(MutableClock clock) {
        return start(clock, UnaryOperator.identity());
    }

    /** With configuration beyond the defaults, e.g. {@code c -> c.smtp(...)} or {@code c -> c.devMode(true)}. */
    public static TestServer start(MutableClock clock, UnaryOperator<Config.Builder> customize) {
        try {
            return new TestServer(Files.createTempDirectory("sigil-test"), TestDatabase.freshPostgresSchema(), clock, customize);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestServer start() {
        return start(MutableClock.startingNow());
    }

    private void boot() {
        // A restart binds the same port again: the port is part of every token's issuer.
        Config config = customize.apply(settings().port(port)).build();
        app = App.start(config, clock);
        port = app.port();
        http = new Http("http://127.0.0.1:" + app.port());
    }

    /**
     * A second node: another App on the same data directory (master key) and database, with this server's URL as its
     * public URL so tokens of either node carry the same issuer. The caller closes it.
     */
    public App startSecondNode() {
        Config config = customize.apply(settings().port(0).publicUrl(Optional.of(baseUrl()))).build();
        return App.start(config, clock);
    }

    /** Loopback, this server's data directory, database and admin token; the caller sets the port. */
    private Config.Builder settings() {
        return Config.builder(dataDir).host("127.0.0.1").databaseUrl(databaseUrl).adminToken(Optional.of(ADMIN_TOKEN));
    }

    /** Stops and starts the server on the same data directory and database. */
    public void restart() {
        app.close();
        boot();
    }

    public App app() {
        return app;
    }

    public Http http() {
        return http;
    }

    public String baseUrl() {
        return http.baseUrl();
    }

    /** The PostgreSQL URL (with its test schema) this server uses; empty on SQLite. */
    public Optional<String> databaseUrl() {
        return databaseUrl;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates an environment through the admin API and returns its id. */
    public String createEnvironment(List<String> origins) {
        Http.Response response = http.post("/api/v0/admin/environments",
                dev.sigil.http.Json.writeString(java.util.Map.of("name", "test", "allowedOrigins", origins)),
                "Authorization", "Bearer " + ADMIN_TOKEN);
        if (response.status() != 201) {
            throw new IllegalStateException("environment creation failed: " + response);
        }
        return response.json().get("id").asString();
    }

    public String createEnvironment() {
        return createEnvironment(List.of(ORIGIN));
    }

    public JsonNode patchEnvironment(String environmentId, String patchJson) {
        Http.Response response = http.send("PATCH", "/api/v0/admin/environments/" + environmentId, patchJson,
                "Authorization", "Bearer " + ADMIN_TOKEN);
        if (response.status() != 200) {
            throw new IllegalStateException("environment patch failed: " + response);
        }
        return response.json();
    }

    /**
     * Raises an environment's per-address rate limits, for a test class that plays many users from 127.0.0.1 on a
     * clock that stands still, so no budget ever refills. Only such classes call this; the limits themselves are
     * tested in {@code RateLimitHttpTest}.
     */
    public void raiseAddressLimits(String environmentId) {
        patchEnvironment(environmentId, """
                {"settings":{"sigil":{"rateLimits":{"noncesPerIpPerMinute":1000,"signInsPerIpPerMinute":1000,
                "verificationsPerIpPerMinute":1000}}}}""");
    }

    /**
     * Lifts every rate limit of the environment: for classes that play many requests from one address on a clock
     * that stands still and test something other than the limits (the attack suites, the HTTP fuzz target). Every
     * setting of {@link RateLimit} at its largest value, so a limit added later is lifted too.
     */
    public void liftRateLimits(String environmentId) {
        Map<String, Integer> unlimited = Arrays.stream(RateLimit.values())
                .collect(Collectors.toMap(RateLimit::setting, limit -> RateLimit.MAX_SETTING));
        patchEnvironment(environmentId, Json.writeString(Map.of("settings", Map.of("sigil", Map.of("rateLimits", unlimited)))));
    }

    @Override
    public void close() {
        app.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
