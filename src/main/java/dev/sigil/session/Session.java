package dev.sigil.session;

import java.time.Instant;
import java.util.Optional;

/**
 * A signed-in session. It starts at a sign-in and ends when revoked, when its user is deleted, or at
 * {@code expiresAt} (the {@code refreshExp} claim), whichever comes first.
 */
public record Session(String id, String environmentId, String userId, String signinCredentialId,
                      Optional<String> sessionPublicKey, Instant createdAt, Instant expiresAt,
                      Optional<Instant> revokedAt) {

    public boolean isLiveAt(Instant now) {
        return revokedAt.isEmpty() && now.isBefore(expiresAt);
    }
}
