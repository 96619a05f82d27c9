package dev.sigil.testing;

import dev.sigil.App;
import dev.sigil.config.Config;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
    private App app;
    private int port;
    private Http http;

    private TestServer(Path dataDir, Optional<String> databaseUrl, MutableClock clock) {
        this.dataDir = dataDir;
        this.databaseUrl = databaseUrl;
        this.clock = clock;
        boot();
    }

    public static TestServer start(MutableClock clock) {
        try {
            return new TestServer(Files.createTempDirectory("sigil-test"), TestDatabase.freshPostgresSchema(), clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestServer start() {
        return start(MutableClock.startingNow());
    }

    private void boot() {
        // A restart binds the same port again: the port is part of every token's issuer.
        Config config = new Config("127.0.0.1", port, dataDir, databaseUrl, Optional.empty(), Optional.of(ADMIN_TOKEN), Optional.empty());
        app = App.start(config, clock);
        port = app.port();
        http = new Http("http://127.0.0.1:" + app.port());
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
