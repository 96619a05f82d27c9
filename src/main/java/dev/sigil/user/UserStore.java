package dev.sigil.user;

import dev.sigil.http.Json;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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

    /** A credential was used to sign in again. */
    public void touchCredential(Handle h, String credentialId, Instant now) {
        h.createUpdate("UPDATE verified_credentials SET last_selected_at = :now WHERE id = :id")
                .bind("id", credentialId).bind("now", now.toEpochMilli())
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

    /**
     * Takes the user's row lock for the rest of the transaction (an UPDATE locks on every vendor, where
     * {@code SELECT ... FOR UPDATE} is not SQLite syntax); false if there is no such user.
     */
    public boolean lockUser(Handle h, String environmentId, String userId, Instant now) {
        return h.createUpdate("UPDATE users SET updated_at = :now WHERE id = :id AND environment_id = :env")
                .bind("id", userId).bind("env", environmentId).bind("now", now.toEpochMilli())
                .execute() == 1;
    }

    public void deleteCredential(Handle h, String credentialId) {
        h.createUpdate("DELETE FROM verified_credentials WHERE id = :id").bind("id", credentialId).execute();
    }

    public void setLastVerifiedCredential(Handle h, String userId, Optional<String> credentialId, Instant now) {
        h.createUpdate("UPDATE users SET last_verified_credential_id = :cred, updated_at = :now WHERE id = :id")
                .bind("id", userId).bind("cred", credentialId.orElse(null)).bind("now", now.toEpochMilli())
                .execute();
    }

    /** Sets the profile field a verified contact fills: {@code email} for an email, {@code phone_number} for a phone. */
    public void setContactField(Handle h, String userId, String format, String value, Instant now) {
        String column = switch (format) {
            case VerifiedCredential.EMAIL -> "email";
            case VerifiedCredential.PHONE_NUMBER -> "phone_number";
            default -> throw new IllegalArgumentException("not a contact format: " + format);
        };
        h.createUpdate("UPDATE users SET " + column + " = :value, updated_at = :now WHERE id = :id")
                .bind("id", userId).bind("value", value).bind("now", now.toEpochMilli())
                .execute();
    }

    /** Profile columns {@link #updateProfile} may write; anything else is a programming error. */
    static final java.util.Set<String> PROFILE_COLUMNS = java.util.Set.of("alias", "country", "email", "first_name",
            "last_name", "job_title", "phone_number", "policies_consent", "t_shirt_size", "team", "username", "metadata",
            "btc_wallet", "kda_wallet", "ltc_wallet", "ckb_wallet", "kas_wallet", "doge_wallet", "email_notification",
            "discord_notification", "newsletter_notification");

    /**
     * Writes profile columns (a null value clears one). Writing {@code username} also writes its unique
     * {@code username_key}; a taken one fails on the {@code users_username} index.
     */
    public void updateProfile(Handle h, String userId, Map<String, Object> columns, Instant now) {
        StringBuilder sql = new StringBuilder("UPDATE users SET updated_at = :now");
        for (String column : columns.keySet()) {
            if (!PROFILE_COLUMNS.contains(column)) {
                throw new IllegalArgumentException("not a profile column: " + column);
            }
            sql.append(", ").append(column).append(" = :").append(column);
        }
        if (columns.containsKey("username")) {
            sql.append(", username_key = :username_key");
        }
        var update = h.createUpdate(sql.append(" WHERE id = :id").toString()).bind("id", userId).bind("now", now.toEpochMilli());
        columns.forEach(update::bind);
        if (columns.containsKey("username")) {
            update.bind("username_key", columns.get("username") == null ? null : usernameKey((String) columns.get("username")));
        }
        update.execute();
    }

    /** The identity of a username: NFKC-normalised and lower-cased, so "Alice" and "ALICE" are one name. */
    public static String usernameKey(String username) {
        return java.text.Normalizer.normalize(username, java.text.Normalizer.Form.NFKC).toLowerCase(java.util.Locale.ROOT);
    }

    public Optional<String> userWithUsername(Handle h, String environmentId, String usernameKey) {
        return h.createQuery("SELECT id FROM users WHERE environment_id = :env AND username_key = :key")
                .bind("env", environmentId).bind("key", usernameKey)
                .mapTo(String.class).findOne();
    }

    /** Deletes a user and its credentials (SQLite runs without foreign-key enforcement: no cascade to rely on). */
    public void deleteUser(Handle h, String environmentId, String userId) {
        h.createUpdate("DELETE FROM verified_credentials WHERE user_id = :id AND environment_id = :env")
                .bind("id", userId).bind("env", environmentId).execute();
        h.createUpdate("DELETE FROM users WHERE id = :id AND environment_id = :env")
                .bind("id", userId).bind("env", environmentId).execute();
    }

    /** The users columns {@link #readUser} reads. */
    private static final List<String> USER_COLUMNS = List.of("id", "environment_id", "last_verified_credential_id",
            "alias", "country", "email", "first_name", "last_name", "job_title", "phone_number", "policies_consent",
            "t_shirt_size", "team", "username", "btc_wallet", "kda_wallet", "ltc_wallet", "ckb_wallet", "kas_wallet",
            "doge_wallet", "email_notification", "discord_notification", "newsletter_notification", "metadata", "lists",
            "first_visit", "last_visit", "blocked_at");
    /** The verified_credentials columns {@link #readCredential} reads. */
    private static final List<String> CREDENTIAL_COLUMNS = List.of("id", "user_id", "environment_id", "format", "chain",
            "identifier", "wallet_name", "wallet_provider", "sign_in_enabled", "verified_at", "last_selected_at");

    /**
     * The select list of a join that reads a user from the table named {@code table}: every column it needs, named
     * {@code <table>_<column>} so it cannot collide with the other tables' ({@code u.id AS u_id, ...}). Read the
     * rows back with {@code readUser(rs, table + "_")}.
     */
    public static String userColumns(String table) {
        return aliased(table, USER_COLUMNS);
    }

    /** As {@link #userColumns}, for a credential read back with {@code readCredential(rs, table + "_")}. */
    public static String credentialColumns(String table) {
        return aliased(table, CREDENTIAL_COLUMNS);
    }

    private static String aliased(String table, List<String> columns) {
        return String.join(", ", columns.stream().map(c -> table + "." + c + " AS " + table + "_" + c).toList());
    }

    static User readUser(ResultSet rs) throws SQLException {
        return readUser(rs, "");
    }

    /** The user of the current row, whose columns are named {@code prefix + column} (see {@link #userColumns}). */
    public static User readUser(ResultSet rs, String prefix) throws SQLException {
        User.Profile profile = new User.Profile(
                text(rs, prefix + "alias"), text(rs, prefix + "country"), text(rs, prefix + "email"),
                text(rs, prefix + "first_name"), text(rs, prefix + "last_name"), text(rs, prefix + "job_title"),
                text(rs, prefix + "phone_number"), bool(rs, prefix + "policies_consent"), text(rs, prefix + "t_shirt_size"),
                text(rs, prefix + "team"), text(rs, prefix + "username"), text(rs, prefix + "btc_wallet"),
                text(rs, prefix + "kda_wallet"), text(rs, prefix + "ltc_wallet"), text(rs, prefix + "ckb_wallet"),
                text(rs, prefix + "kas_wallet"), text(rs, prefix + "doge_wallet"), bool(rs, prefix + "email_notification"),
                bool(rs, prefix + "discord_notification"), bool(rs, prefix + "newsletter_notification"));
        return new User(rs.getString(prefix + "id"), rs.getString(prefix + "environment_id"),
                text(rs, prefix + "last_verified_credential_id"), profile, Json.read(rs.getString(prefix + "metadata")),
                Arrays.asList(Json.MAPPER.readValue(rs.getString(prefix + "lists"), String[].class)),
                Instant.ofEpochMilli(rs.getLong(prefix + "first_visit")), Instant.ofEpochMilli(rs.getLong(prefix + "last_visit")),
                rs.getObject(prefix + "blocked_at") != null);
    }

    static VerifiedCredential readCredential(ResultSet rs) throws SQLException {
        return readCredential(rs, "");
    }

    /** The credential of the current row, whose columns are named {@code prefix + column} (see {@link #credentialColumns}). */
    public static VerifiedCredential readCredential(ResultSet rs, String prefix) throws SQLException {
        return new VerifiedCredential(rs.getString(prefix + "id"), rs.getString(prefix + "user_id"),
                rs.getString(prefix + "environment_id"), rs.getString(prefix + "format"), text(rs, prefix + "chain"),
                rs.getString(prefix + "identifier"), text(rs, prefix + "wallet_name"), text(rs, prefix + "wallet_provider"),
                rs.getBoolean(prefix + "sign_in_enabled"), Instant.ofEpochMilli(rs.getLong(prefix + "verified_at")),
                Instant.ofEpochMilli(rs.getLong(prefix + "last_selected_at")));
    }

    private static Optional<String> text(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    private static Optional<Boolean> bool(ResultSet rs, String column) throws SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }
}
