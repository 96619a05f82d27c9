package dev.sigil.user;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The users of an environment as operators see them (the admin API): searched, paged, changed, blocked, deleted.
 * SQL only, on the caller's handle; {@code dev.sigil.admin} validates, audits and owns the transactions.
 */
public final class UserDirectory {
    /** Profile fields an admin may set, by wire name, with their columns. */
    public static final Map<String, String> TEXT_FIELDS = Map.ofEntries(
            Map.entry("alias", "alias"), Map.entry("country", "country"), Map.entry("email", "email"),
            Map.entry("firstName", "first_name"), Map.entry("lastName", "last_name"), Map.entry("jobTitle", "job_title"),
            Map.entry("phoneNumber", "phone_number"), Map.entry("tShirtSize", "t_shirt_size"), Map.entry("team", "team"),
            Map.entry("username", "username"), Map.entry("btcWallet", "btc_wallet"), Map.entry("kdaWallet", "kda_wallet"),
            Map.entry("ltcWallet", "ltc_wallet"), Map.entry("ckbWallet", "ckb_wallet"), Map.entry("kasWallet", "kas_wallet"),
            Map.entry("dogeWallet", "doge_wallet"));
    public static final Map<String, String> BOOLEAN_FIELDS = Map.of(
            "policiesConsent", "policies_consent", "emailNotification", "email_notification",
            "discordNotification", "discord_notification", "newsletterNotification", "newsletter_notification");

    /** A user with what only operators see. */
    public record ManagedUser(User user, Instant createdAt, Optional<Instant> blockedAt) {
    }

    /**
     * A search: every present filter must match. Email and username match case-insensitively; a wallet address
     * matches an EVM credential in any letter case or a Solana one exactly. {@code createdAfter} is inclusive,
     * {@code createdBefore} exclusive. Rows come ordered by (created_at, id), after the keyset position if given.
     */
    public record Query(Optional<String> email, Optional<String> walletAddress, Optional<String> username,
                        Optional<Instant> createdAfter, Optional<Instant> createdBefore,
                        Optional<Instant> afterCreatedAt, Optional<String> afterId, int limit) {
    }

    public List<ManagedUser> search(Handle h, String environmentId, Query q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM users WHERE environment_id = :env");
        q.email().ifPresent(e -> sql.append(" AND lower(email) = :email"));
        q.username().ifPresent(u -> sql.append(" AND lower(username) = :username"));
        q.walletAddress().ifPresent(w -> sql.append(" ").append("""
                AND EXISTS (SELECT 1 FROM verified_credentials c WHERE c.user_id = users.id AND c.format = 'blockchain'
                             AND (c.identifier_key = :evmKey OR c.identifier_key = :solanaKey))"""));
        q.createdAfter().ifPresent(t -> sql.append(" AND created_at >= :createdAfter"));
        q.createdBefore().ifPresent(t -> sql.append(" AND created_at < :createdBefore"));
        q.afterCreatedAt().ifPresent(t -> sql.append(" AND (created_at > :afterAt OR (created_at = :afterAt AND id > :afterId))"));
        sql.append(" ORDER BY created_at, id LIMIT :limit");
        var query = h.createQuery(sql.toString()).bind("env", environmentId).bind("limit", q.limit());
        q.email().ifPresent(e -> query.bind("email", e.toLowerCase(Locale.ROOT)));
        q.username().ifPresent(u -> query.bind("username", u.toLowerCase(Locale.ROOT)));
        q.walletAddress().ifPresent(w -> query.bind("evmKey", "eip155:" + w.toLowerCase(Locale.ROOT))
                .bind("solanaKey", "solana:" + w));
        q.createdAfter().ifPresent(t -> query.bind("createdAfter", t.toEpochMilli()));
        q.createdBefore().ifPresent(t -> query.bind("createdBefore", t.toEpochMilli()));
        q.afterCreatedAt().ifPresent(t -> query.bind("afterAt", t.toEpochMilli()).bind("afterId", q.afterId().orElse("")));
        return query.map((rs, ctx) -> new ManagedUser(UserStore.readUser(rs), Instant.ofEpochMilli(rs.getLong("created_at")),
                optionalInstant(rs.getLong("blocked_at"), rs.wasNull()))).list();
    }

    public Optional<ManagedUser> find(Handle h, String environmentId, String userId) {
        return h.createQuery("SELECT * FROM users WHERE id = :id AND environment_id = :env")
                .bind("id", userId).bind("env", environmentId)
                .map((rs, ctx) -> new ManagedUser(UserStore.readUser(rs), Instant.ofEpochMilli(rs.getLong("created_at")),
                        optionalInstant(rs.getLong("blocked_at"), rs.wasNull())))
                .findOne();
    }

    public List<VerifiedCredential> credentials(Handle h, String userId) {
        return new UserStore().credentialsOf(h, userId);
    }

    /** Whether the user exists and is blocked: checked at every sign-in and on every bearer request. */
    public static boolean isBlocked(Handle h, String environmentId, String userId) {
        return h.createQuery("SELECT blocked_at FROM users WHERE id = :id AND environment_id = :env AND blocked_at IS NOT NULL")
                .bind("id", userId).bind("env", environmentId)
                .mapTo(Long.class).findOne().isPresent();
    }

    /** Sets or clears {@code blocked_at}; false when there is no such user. */
    public boolean setBlocked(Handle h, String environmentId, String userId, Optional<Instant> blockedAt, Instant now) {
        return h.createUpdate("UPDATE users SET blocked_at = :blocked, updated_at = :now WHERE id = :id AND environment_id = :env")
                .bind("blocked", blockedAt.map(Instant::toEpochMilli).orElse(null))
                .bind("now", now.toEpochMilli()).bind("id", userId).bind("env", environmentId)
                .execute() == 1;
    }

    /** Deletes the user with its credentials and sessions; false when there is no such user. */
    public boolean delete(Handle h, String environmentId, String userId) {
        if (find(h, environmentId, userId).isEmpty()) {
            return false;
        }
        h.createUpdate("DELETE FROM sessions WHERE user_id = :id AND environment_id = :env")
                .bind("id", userId).bind("env", environmentId).execute();
        h.createUpdate("DELETE FROM verified_credentials WHERE user_id = :id AND environment_id = :env")
                .bind("id", userId).bind("env", environmentId).execute();
        return h.createUpdate("DELETE FROM users WHERE id = :id AND environment_id = :env")
                .bind("id", userId).bind("env", environmentId).execute() == 1;
    }

    /**
     * Sets profile fields (wire names of {@link #TEXT_FIELDS} and {@link #BOOLEAN_FIELDS}; a null value clears) and,
     * when present, replaces {@code metadata}. The caller validated the values.
     */
    public void update(Handle h, String userId, Map<String, Object> fields, Optional<String> metadataJson, Instant now) {
        StringBuilder sql = new StringBuilder("UPDATE users SET updated_at = :now");
        List<Map.Entry<String, Object>> entries = new ArrayList<>(fields.entrySet());
        for (int i = 0; i < entries.size(); i++) {
            sql.append(", ").append(column(entries.get(i).getKey())).append(" = :v").append(i);
        }
        metadataJson.ifPresent(m -> sql.append(", metadata = :metadata"));
        // The unique identity of a username lives in username_key (see UserStore.usernameKey): keep it in step.
        boolean username = fields.containsKey("username");
        if (username) {
            sql.append(", username_key = :usernameKey");
        }
        sql.append(" WHERE id = :id");
        var update = h.createUpdate(sql.toString()).bind("now", now.toEpochMilli()).bind("id", userId);
        for (int i = 0; i < entries.size(); i++) {
            Object value = entries.get(i).getValue();
            if (value instanceof Boolean b) {
                update.bind("v" + i, b);
            } else {
                update.bind("v" + i, (String) value);
            }
        }
        metadataJson.ifPresent(m -> update.bind("metadata", m));
        if (username) {
            Object value = fields.get("username");
            update.bind("usernameKey", value == null ? null : UserStore.usernameKey((String) value));
        }
        update.execute();
    }

    /** Whether another user of the environment has this profile field value (case-insensitive). */
    public boolean takenByAnother(Handle h, String environmentId, String userId, String field, String value) {
        if (field.equals("username")) {
            return h.createQuery("SELECT id FROM users WHERE environment_id = :env AND id <> :id AND username_key = :key")
                    .bind("env", environmentId).bind("id", userId).bind("key", UserStore.usernameKey(value))
                    .mapTo(String.class).findFirst().isPresent();
        }
        return h.createQuery("SELECT id FROM users WHERE environment_id = :env AND id <> :id AND lower(" + column(field) + ") = :value")
                .bind("env", environmentId).bind("id", userId).bind("value", value.toLowerCase(Locale.ROOT))
                .mapTo(String.class).findFirst().isPresent();
    }

    private static String column(String field) {
        String column = TEXT_FIELDS.getOrDefault(field, BOOLEAN_FIELDS.get(field));
        if (column == null) {
            throw new IllegalArgumentException("not a profile field: " + field);
        }
        return column;
    }

    private static Optional<Instant> optionalInstant(long millis, boolean wasNull) {
        return wasNull ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }
}
