package dev.sigil.keys;

import org.jdbi.v3.core.Jdbi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/**
 * Which master key a database belongs to. Every sealed value in the database (signing keys, webhook secrets, queued
 * one-time-code messages) opens only with the master key that sealed it; a node started with another key, or a
 * restore that forgot {@code master.key}, used to report ready and then answer 500 to every sign-in. The database
 * keeps a check value, HMAC-SHA256 of a fixed purpose under the key ({@link MasterKey#derive}), so a process can tell
 * at start whether its key is the right one and refuse to serve otherwise. The value reveals nothing about the key.
 *
 * <p>Read {@link #read()} before choosing a key (a database that already needs a key must never get a freshly
 * generated one), then {@link #bind(MasterKey)} the chosen key.
 */
public final class MasterKeyCheck {
    private static final String PURPOSE = "master key check v1";
    /** Where operators read how to fix a refused start. */
    public static final String GUIDE = "docs/operating.md#backups-and-keys";

    private final Jdbi jdbi;
    private final Clock clock;

    public MasterKeyCheck(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** What the database says about its key: a recorded check value, and whether it holds sealed values at all. */
    public record State(Optional<String> checkValue, boolean holdsSealedValues) {
        /** True when only the key that set this database up will do: generating a new one would lock its data away. */
        public boolean needsItsOwnKey() {
            return checkValue.isPresent() || holdsSealedValues;
        }
    }

    public State read() {
        return jdbi.withHandle(h -> new State(
                h.createQuery("SELECT check_value FROM master_key_check WHERE id = 1").mapTo(String.class).findOne(),
                // Every environment has a signing key from its creation on, and webhooks and queued messages belong
                // to environments: a database without signing keys holds nothing sealed.
                h.createQuery("SELECT 1 FROM signing_keys LIMIT 1").mapTo(Integer.class).findOne().isPresent()));
    }

    /**
     * Records {@code key} as the database's key if it has none yet, else checks that it is the recorded one.
     * A database from before the check (sealed values, no check value) gets the key recorded only if the key opens
     * one of its signing keys.
     *
     * @throws IllegalArgumentException (one line, for the operator) when the key is not this database's
     */
    public void bind(MasterKey key) {
        String expected = checkValue(key);
        State state = read();
        if (state.checkValue().isEmpty()) {
            if (state.holdsSealedValues() && !SigningKeys.opensAStoredKey(jdbi, key)) {
                throw mismatch();
            }
            // Two nodes starting at once on a new PostgreSQL database race here: the first row wins and the loser
            // compares against it below, so at most one key is ever recorded.
            jdbi.useTransaction(h -> h.createUpdate("""
                            INSERT INTO master_key_check (id, check_value, created_at) VALUES (1, :value, :now)
                            ON CONFLICT (id) DO NOTHING""")
                    .bind("value", expected).bind("now", clock.millis()).execute());
            state = read();
        }
        String recorded = state.checkValue().orElseThrow(() -> new IllegalStateException("master key check not recorded"));
        if (!MessageDigest.isEqual(recorded.getBytes(StandardCharsets.US_ASCII), expected.getBytes(StandardCharsets.US_ASCII))) {
            throw mismatch();
        }
    }

    /**
     * Whether {@code key} is this database's, without writing anything (for {@code sigil backup}, which must not
     * change the database of a running server). A database from before the check is asked to open a signing key.
     */
    public boolean matches(MasterKey key) {
        Optional<String> recorded = hasCheckTable() ? read().checkValue() : Optional.empty();
        return recorded.map(value -> MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                        checkValue(key).getBytes(StandardCharsets.US_ASCII)))
                .orElseGet(() -> SigningKeys.opensAStoredKey(jdbi, key));
    }

    private boolean hasCheckTable() {
        return jdbi.withHandle(h -> {
            try (var tables = h.getConnection().getMetaData()
                    .getTables(null, h.getConnection().getSchema(), "master_key_check", null)) {
                return tables.next();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot list the database's tables", e);
            }
        });
    }

    /** Refuses to make up a key for a database whose sealed values need the one it was set up with. */
    public static IllegalArgumentException missingKey(String keyFile) {
        return new IllegalArgumentException("this database's keys are sealed with a master key that is not here (no "
                + keyFile + ", no SIGIL_MASTER_KEY); a new key could not open them, so none was generated: restore "
                + "master.key from this database's data directory or its backup, or set SIGIL_MASTER_KEY (see " + GUIDE + ")");
    }

    private static IllegalArgumentException mismatch() {
        return new IllegalArgumentException("the master key does not match this database (its key check differs): "
                + "start with the key it was set up with, the master.key of its data directory or backup, or the "
                + "SIGIL_MASTER_KEY the other nodes use (see " + GUIDE + ")");
    }

    static String checkValue(MasterKey key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.derive(PURPOSE));
    }
}
