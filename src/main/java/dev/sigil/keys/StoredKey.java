package dev.sigil.keys;

import java.time.Instant;
import java.util.Optional;

/** A signing key row as stored: the public half in the clear, the private half sealed by the master key. */
record StoredKey(String kid, String environmentId, String publicN, String publicE, String privateKeySealed,
                 Instant createdAt, Optional<Instant> retiredAt, Optional<Instant> verifyUntil) {

    boolean isCurrent() {
        return retiredAt.isEmpty();
    }

    /** Whether a token this key signed may still be alive at {@code now}. */
    boolean mayVerifyAt(Instant now) {
        return verifyUntil.map(now::isBefore).orElse(true);
    }
}
