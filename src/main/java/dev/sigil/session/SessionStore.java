package dev.sigil.session;

import dev.sigil.user.Account;
import dev.sigil.user.User;
import dev.sigil.user.UserStore;
import dev.sigil.user.VerifiedCredential;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the sessions table. */
final class SessionStore {
    /**
     * A session with its user and the user's credentials, in one statement: refresh and GET /users run it on every
     * call, and one statement costs a third of three (one parse, one read snapshot, one round trip). One row per
     * credential (the session and user columns repeat); a user without credentials gives one row of NULL c_*.
     * A deleted user takes its sessions along, so the inner join finds nothing exactly when the session is gone.
     */
    private static final String FIND_WITH_ACCOUNT = "SELECT s.*, " + UserStore.userColumns("u") + ", "
            + UserStore.credentialColumns("c") + """

            FROM sessions s
            JOIN users u ON u.id = s.user_id AND u.environment_id = s.environment_id
            LEFT JOIN verified_credentials c ON c.user_id = u.id
            WHERE s.id = :id AND s.environment_id = :env AND s.user_id = :user
            ORDER BY c.verified_at, c.id""";

    /** A session read together with its user's account, as of one moment. */
    record WithAccount(Session session, Account account) {
    }

    /** A session read together with whether its user is blocked. */
    record WithBlock(Session session, boolean userBlocked) {
    }

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

    Optional<WithAccount> findWithAccount(Handle h, String environmentId, String sessionId, String userId) {
        return h.createQuery(FIND_WITH_ACCOUNT)
                .bind("id", sessionId).bind("env", environmentId).bind("user", userId)
                .scanResultSet((rows, ctx) -> {
                    ResultSet rs = rows.get();
                    if (!rs.next()) {
                        return Optional.<WithAccount>empty();
                    }
                    Session session = read(rs);
                    User user = UserStore.readUser(rs, "u_");
                    List<VerifiedCredential> credentials = new ArrayList<>();
                    do {
                        if (rs.getString("c_id") != null) {
                            credentials.add(UserStore.readCredential(rs, "c_"));
                        }
                    } while (rs.next());
                    return Optional.of(new WithAccount(session, new Account(user, credentials)));
                });
    }

    /** The session and its user's block, for a bearer request that needs no more of the user. */
    Optional<WithBlock> findWithBlock(Handle h, String environmentId, String sessionId, String userId) {
        return h.createQuery("""
                        SELECT s.*, u.blocked_at AS user_blocked_at
                        FROM sessions s JOIN users u ON u.id = s.user_id AND u.environment_id = s.environment_id
                        WHERE s.id = :id AND s.environment_id = :env AND s.user_id = :user""")
                .bind("id", sessionId).bind("env", environmentId).bind("user", userId)
                .map((rs, ctx) -> new WithBlock(read(rs), rs.getObject("user_blocked_at") != null))
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
