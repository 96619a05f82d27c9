package dev.sigil.environment;

import dev.sigil.http.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.node.ObjectNode;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** SQL for the environments table. */
final class EnvironmentStore {
    private final Jdbi jdbi;

    EnvironmentStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(Handle h, Environment env) {
        h.createUpdate("""
                        INSERT INTO environments (id, name, allowed_origins, settings, longest_jwt_seconds, created_at, updated_at)
                        VALUES (:id, :name, :origins, :settings, :longest, :created, :updated)""")
                .bind("id", env.id()).bind("name", env.name())
                .bind("origins", Json.writeString(env.allowedOrigins()))
                .bind("settings", Json.writeString(env.settings().document()))
                .bind("longest", env.longestJwtSeconds())
                .bind("created", env.createdAt().toEpochMilli()).bind("updated", env.updatedAt().toEpochMilli())
                .execute();
    }

    void update(Handle h, Environment env) {
        h.createUpdate("""
                        UPDATE environments SET name = :name, allowed_origins = :origins, settings = :settings,
                               longest_jwt_seconds = :longest, updated_at = :updated
                        WHERE id = :id""")
                .bind("id", env.id()).bind("name", env.name())
                .bind("origins", Json.writeString(env.allowedOrigins()))
                .bind("settings", Json.writeString(env.settings().document()))
                .bind("longest", env.longestJwtSeconds())
                .bind("updated", env.updatedAt().toEpochMilli())
                .execute();
    }

    Optional<Environment> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM environments WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> read(rs))
                .findOne();
    }

    Optional<Environment> find(String id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    List<Environment> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM environments ORDER BY created_at, id")
                .map((rs, ctx) -> read(rs))
                .list());
    }

    private static Environment read(ResultSet rs) throws SQLException {
        List<String> origins = Arrays.asList(Json.MAPPER.readValue(rs.getString("allowed_origins"), String[].class));
        ObjectNode settings = (ObjectNode) Json.read(rs.getString("settings"));
        return new Environment(rs.getString("id"), rs.getString("name"), origins,
                EnvironmentSettings.validate(settings), rs.getLong("longest_jwt_seconds"),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
