package dev.sigil.token;

/** The facts a verified Sigil token asserts: whose session it is. The session itself is checked separately. */
public record VerifiedToken(String userId, String sessionId) {
}
