package dev.sigil.keys;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for the signing_keys table. */
final class SigningKeyStore {
    private final Jdbi jdbi;

    SigningKeyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(Handle h, StoredKey key) {
        h.createUpdate("""
                        INSERT INTO signing_keys (kid, environment_id, public_n, public_e, private_key_enc, created_at,
                                                  retired_at, verify_until)
                        VALUES (:kid, :env, :n, :e, :sealed, :created, NULL, NULL)""")
                .bind("kid", key.kid()).bind("env", key.environmentId()).bind("n", key.publicN())
                .bind("e", key.publicE()).bind("sealed", key.privateKeySealed())
                .bind("created", key.createdAt().toEpochMilli())
                .execute();
    }

    /** Retires the environment's current key(s); tokens they signed stay verifiable until {@code verifyUntil}. */
    void retireCurrent(Handle h, String environmentId, Instant now, Instant verifyUntil) {
        h.createUpdate("""
                        UPDATE signing_keys SET retired_at = :now, verify_until = :until
                        WHERE environment_id = :env AND retired_at IS NULL""")
                .bind("now", now.toEpochMilli()).bind("until", verifyUntil.toEpochMilli()).bind("env", environmentId)
                .execute();
    }

    /** Ends a retired key's verification now; false if it is not a retired key still verifying (current or unknown). */
    boolean endVerification(Handle h, String environmentId, String kid, Instant now) {
        return h.createUpdate("""
                        UPDATE signing_keys SET verify_until = :now
                        WHERE environment_id = :env AND kid = :kid AND retired_at IS NOT NULL AND verify_until > :now""")
                .bind("now", now.toEpochMilli()).bind("env", environmentId).bind("kid", kid)
                .execute() == 1;
    }

    /** Every key of the environment that may still verify a live token at {@code now}: the current one first, then newest first. */
    List<StoredKey> liveKeys(String environmentId, Instant now) {
        return jdbi.withHandle(h -> liveKeys(h, environmentId, now));
    }

    /** Whether {@code kid} is a live key of the environment: one primary-key lookup. */
    boolean isLive(String environmentId, String kid, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT 1 FROM signing_keys
                        WHERE kid = :kid AND environment_id = :env AND (verify_until IS NULL OR verify_until > :now)""")
                .bind("kid", kid).bind("env", environmentId).bind("now", now.toEpochMilli())
                .mapTo(Integer.class).findOne().isPresent());
    }

    /** Some stored key, of any environment and state. */
    Optional<StoredKey> anyKey() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM signing_keys LIMIT 1").map((rs, ctx) -> read(rs)).findOne());
    }

    List<StoredKey> liveKeys(Handle h, String environmentId, Instant now) {
        return h.createQuery("""
                        SELECT * FROM signing_keys
                        WHERE environment_id = :env AND (verify_until IS NULL OR verify_until > :now)
                        ORDER BY CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, created_at DESC, kid""")
                .bind("env", environmentId).bind("now", now.toEpochMilli())
                .map((rs, ctx) -> read(rs))
                .list();
    }

    private static StoredKey read(ResultSet rs) throws SQLException {
        return new StoredKey(rs.getString("kid"), rs.getString("environment_id"), rs.getString("public_n"),
                rs.getString("public_e"), rs.getString("private_key_enc"),
                Instant.ofEpochMilli(rs.getLong("created_at")), optionalInstant(rs, "retired_at"),
                optionalInstant(rs, "verify_until"));
    }

    private static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }
}
