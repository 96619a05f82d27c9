package dev.sigil.wallet;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sign-in nonces: 32 random alphanumeric characters (EIP-4361 wants at least 8), bound to one environment,
 * valid for {@link #LIFETIME}, and burnt by the sign-in that uses them. Consumption is a single conditional
 * DELETE, so of two requests racing with one nonce exactly one wins, on any number of nodes.
 */
public final class Nonces {
    public static final int LENGTH = 32;
    /** Dynamic's client keeps a pool of nonces for up to 24 hours. */
    public static final Duration LIFETIME = Duration.ofHours(24);
    public static final int MAX_PER_REQUEST = 5;
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final Jdbi jdbi;
    private final SecureRandom random;
    private final Clock clock;

    public Nonces(Jdbi jdbi, SecureRandom random, Clock clock) {
        this.jdbi = jdbi;
        this.random = random;
        this.clock = clock;
    }

    public List<String> issue(String environmentId, int count) {
        if (count < 1 || count > MAX_PER_REQUEST) {
            throw new IllegalArgumentException("count must be between 1 and " + MAX_PER_REQUEST);
        }
        long expiresAt = clock.instant().plus(LIFETIME).toEpochMilli();
        List<String> nonces = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            nonces.add(randomNonce());
        }
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO nonces (nonce, environment_id, expires_at) VALUES (:nonce, :env, :expires)");
            for (String nonce : nonces) {
                batch.bind("nonce", nonce).bind("env", environmentId).bind("expires", expiresAt).add();
            }
            batch.execute();
        });
        return nonces;
    }

    /** Burns the nonce if this environment issued it and it is unexpired and unused; false otherwise. */
    public boolean consume(Handle h, String environmentId, String nonce) {
        return h.createUpdate("DELETE FROM nonces WHERE nonce = :nonce AND environment_id = :env AND expires_at > :now")
                .bind("nonce", nonce).bind("env", environmentId).bind("now", clock.instant().toEpochMilli())
                .execute() == 1;
    }

    private String randomNonce() {
        char[] chars = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
