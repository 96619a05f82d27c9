package dev.sigil.session;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** SQL for the sessions table. */
final class SessionStore {

    void insert(Handle h, Session s) {
        h.createUpdate("""
                        INSERT INTO sessions (id, environment_id, user_id, signin_credential_id, session_public_key,
                                              created_at, expires_at, revoked_at)
                        VALUES (:id, :env, :user, :cred, :spk, :created, :expires, NULL)""")
                .bind("id", s.id()).bind("env", s.environmentId()).bind("user", s.userId())
                .bind("cred", s.signinCredentialId()).bind("spk", s.sessionPublicKey().orElse(null))
                .bind("created", s.createdAt().toEpochMilli()).bind("expires", s.expiresAt().toEpochMilli())
                .execute();
    }

    Optional<Session> find(Handle h, String environmentId, String sessionId, String userId) {
        return h.createQuery("SELECT * FROM sessions WHERE id = :id AND environment_id = :env AND user_id = :user")
                .bind("id", sessionId).bind("env", environmentId).bind("user", userId)
                .map((rs, ctx) -> read(rs))
                .findOne();
    }

    /** Marks the session revoked; true if it was live. */
    boolean revoke(Handle h, String sessionId, Instant now) {
        return h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                .bind("id", sessionId).bind("now", now.toEpochMilli())
                .execute() == 1;
    }

    void deleteAllOfUser(Handle h, String environmentId, String userId) {
        h.createUpdate("DELETE FROM sessions WHERE user_id = :user AND environment_id = :env")
                .bind("user", userId).bind("env", environmentId).execute();
    }

    static Session read(ResultSet rs) throws SQLException {
        long revoked = rs.getLong("revoked_at");
        Optional<Instant> revokedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(revoked));
        return new Session(rs.getString("id"), rs.getString("environment_id"), rs.getString("user_id"),
                rs.getString("signin_credential_id"), Optional.ofNullable(rs.getString("session_public_key")),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("expires_at")),
                revokedAt);
    }
}
