package dev.sigil.otp;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Hashes one-time codes for storage: HMAC-SHA256 keyed with a key derived from the master key, over the
 * verification id and the code. A plain hash of a 6-digit code falls to a million guesses offline; with a
 * key that is not in the database, a stolen copy of the table reveals nothing. Binding the id means equal
 * codes of two verifications hash differently.
 */
final class CodeHasher {
    private final SecretKeySpec key;

    CodeHasher(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    String hash(String verificationId, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal((verificationId + ":" + code).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** Constant-time: how much of a guess matched must not show in the response time. */
    boolean matches(String verificationId, String code, String storedHash) {
        return MessageDigest.isEqual(hash(verificationId, code).getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
