package dev.sigil.user;

import dev.sigil.http.Json;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** SQL for users and verified_credentials. Every method runs on the caller's handle (and transaction). */
public final class UserStore {

    public Optional<User> find(Handle h, String environmentId, String userId) {
        return h.createQuery("SELECT * FROM users WHERE id = :id AND environment_id = :env")
                .bind("id", userId).bind("env", environmentId)
                .map((rs, ctx) -> readUser(rs))
                .findOne();
    }

    public List<VerifiedCredential> credentialsOf(Handle h, String userId) {
        return h.createQuery("SELECT * FROM verified_credentials WHERE user_id = :user ORDER BY verified_at, id")
                .bind("user", userId)
                .map((rs, ctx) -> readCredential(rs))
                .list();
    }

    public Optional<VerifiedCredential> findCredential(Handle h, String environmentId, String format, String identifierKey) {
        return h.createQuery("""
                        SELECT * FROM verified_credentials
                        WHERE environment_id = :env AND format = :format AND identifier_key = :key""")
                .bind("env", environmentId).bind("format", format).bind("key", identifierKey)
                .map((rs, ctx) -> readCredential(rs))
                .findOne();
    }

    public void insertUser(Handle h, String userId, String environmentId, Instant now) {
        h.createUpdate("""
                        INSERT INTO users (id, environment_id, metadata, lists, first_visit, last_visit, created_at, updated_at)
                        VALUES (:id, :env, '{}', '[]', :now, :now, :now, :now)""")
                .bind("id", userId).bind("env", environmentId).bind("now", now.toEpochMilli())
                .execute();
    }

    public void insertCredential(Handle h, VerifiedCredential c, String identifierKey) {
        h.createUpdate("""
                        INSERT INTO verified_credentials (id, user_id, environment_id, format, chain, identifier, identifier_key,
                                                          wallet_name, wallet_provider, sign_in_enabled, verified_at, last_selected_at)
                        VALUES (:id, :user, :env, :format, :chain, :identifier, :key, :walletName, :walletProvider,
                                :signIn, :verified, :selected)""")
                .bind("id", c.id()).bind("user", c.userId()).bind("env", c.environmentId())
                .bind("format", c.format()).bind("chain", c.chain().orElse(null))
                .bind("identifier", c.identifier()).bind("key", identifierKey)
                .bind("walletName", c.walletName().orElse(null)).bind("walletProvider", c.walletProvider().orElse(null))
                .bind("signIn", c.signInEnabled())
                .bind("verified", c.verifiedAt().toEpochMilli()).bind("selected", c.lastSelectedAt().toEpochMilli())
                .execute();
    }

    /** A wallet signed in again: remember how the client named it this time and when. */
    public void touchWallet(Handle h, String credentialId, String walletName, String walletProvider, Instant now) {
        h.createUpdate("""
                        UPDATE verified_credentials SET wallet_name = :walletName, wallet_provider = :walletProvider,
                               last_selected_at = :now
                        WHERE id = :id""")
                .bind("id", credentialId).bind("walletName", walletName).bind("walletProvider", walletProvider)
                .bind("now", now.toEpochMilli())
                .execute();
    }

    /** Records a sign-in: the visit time and the credential last verified. */
    public void recordVisit(Handle h, String userId, String credentialId, Instant now) {
        h.createUpdate("""
                        UPDATE users SET last_visit = :now, last_verified_credential_id = :cred, updated_at = :now
                        WHERE id = :id""")
                .bind("id", userId).bind("cred", credentialId).bind("now", now.toEpochMilli())
                .execute();
    }

    private static User readUser(ResultSet rs) throws SQLException {
        User.Profile profile = new User.Profile(
                text(rs, "alias"), text(rs, "country"), text(rs, "email"), text(rs, "first_name"),
                text(rs, "last_name"), text(rs, "job_title"), text(rs, "phone_number"), bool(rs, "policies_consent"),
                text(rs, "t_shirt_size"), text(rs, "team"), text(rs, "username"), text(rs, "btc_wallet"),
                text(rs, "kda_wallet"), text(rs, "ltc_wallet"), text(rs, "ckb_wallet"), text(rs, "kas_wallet"),
                text(rs, "doge_wallet"), bool(rs, "email_notification"), bool(rs, "discord_notification"),
                bool(rs, "newsletter_notification"));
        return new User(rs.getString("id"), rs.getString("environment_id"),
                text(rs, "last_verified_credential_id"), profile, Json.read(rs.getString("metadata")),
                Arrays.asList(Json.MAPPER.readValue(rs.getString("lists"), String[].class)),
                Instant.ofEpochMilli(rs.getLong("first_visit")), Instant.ofEpochMilli(rs.getLong("last_visit")));
    }

    private static VerifiedCredential readCredential(ResultSet rs) throws SQLException {
        return new VerifiedCredential(rs.getString("id"), rs.getString("user_id"), rs.getString("environment_id"),
                rs.getString("format"), text(rs, "chain"), rs.getString("identifier"), text(rs, "wallet_name"),
                text(rs, "wallet_provider"), rs.getBoolean("sign_in_enabled"),
                Instant.ofEpochMilli(rs.getLong("verified_at")), Instant.ofEpochMilli(rs.getLong("last_selected_at")));
    }

    private static Optional<String> text(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    private static Optional<Boolean> bool(ResultSet rs, String column) throws SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }
}
