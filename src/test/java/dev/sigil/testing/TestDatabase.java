package dev.sigil.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a test server keeps its data: a fresh SQLite file by default, or, when SIGIL_TEST_DATABASE_URL names
 * a PostgreSQL database, a fresh schema in it, so the whole suite runs against both vendors.
 */
public final class TestDatabase {
    private TestDatabase() {
    }

    public static Optional<String> postgresUrl() {
        return Optional.ofNullable(System.getenv("SIGIL_TEST_DATABASE_URL")).filter(u -> !u.isBlank());
    }

    public static boolean isPostgres() {
        return postgresUrl().isPresent();
    }

    /** A PostgreSQL URL whose connections land in a new, empty schema; empty when testing SQLite. */
    public static Optional<String> freshPostgresSchema() {
        return postgresUrl().map(url -> {
            String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            } catch (SQLException e) {
                throw new IllegalStateException("SIGIL_TEST_DATABASE_URL is set but PostgreSQL is not reachable", e);
            }
            return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        });
    }
}
