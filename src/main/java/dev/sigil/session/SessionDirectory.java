package dev.sigil.session;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sessions as operators see them (the admin API): listed per user and revoked one by one, per user or for the
 * whole environment. SQL only, on the caller's handle. A revoked session fails its next refresh or bearer
 * request on every node: {@link SessionService#liveSession} reads the row on each request.
 */
public final class SessionDirectory {

    public List<Session> ofUser(Handle h, String environmentId, String userId) {
        return h.createQuery("SELECT * FROM sessions WHERE environment_id = :env AND user_id = :user ORDER BY created_at, id")
                .bind("env", environmentId).bind("user", userId)
                .map((rs, ctx) -> SessionStore.read(rs))
                .list();
    }

    public Optional<Session> find(Handle h, String environmentId, String sessionId) {
        return h.createQuery("SELECT * FROM sessions WHERE environment_id = :env AND id = :id")
                .bind("env", environmentId).bind("id", sessionId)
                .map((rs, ctx) -> SessionStore.read(rs))
                .findOne();
    }

    /** Revokes the session if it is not revoked yet; how many sessions this revoked (0 or 1). */
    public int revoke(Handle h, String environmentId, String sessionId, Instant now) {
        return h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE environment_id = :env AND id = :id AND revoked_at IS NULL")
                .bind("env", environmentId).bind("id", sessionId).bind("now", now.toEpochMilli())
                .execute();
    }

    /** Revokes every unrevoked session of the user; how many. */
    public int revokeAllOfUser(Handle h, String environmentId, String userId, Instant now) {
        return h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE environment_id = :env AND user_id = :user AND revoked_at IS NULL")
                .bind("env", environmentId).bind("user", userId).bind("now", now.toEpochMilli())
                .execute();
    }

    /** Revokes every unrevoked session of the environment; how many. */
    public int revokeAll(Handle h, String environmentId, Instant now) {
        return h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE environment_id = :env AND revoked_at IS NULL")
                .bind("env", environmentId).bind("now", now.toEpochMilli())
                .execute();
    }
}
