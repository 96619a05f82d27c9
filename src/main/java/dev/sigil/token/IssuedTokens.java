package dev.sigil.token;

/**
 * The two tokens of a VerifyResponse.
 *
 * @param jwt         the full token (Dynamic's "legacy"/ID token, with user data and credentials)
 * @param minifiedJwt the access token the client sends as its bearer
 * @param expiresAt   unix seconds at which both expire
 */
public record IssuedTokens(String jwt, String minifiedJwt, long expiresAt) {
    @Override
    public String toString() {
        return "IssuedTokens[expiresAt=" + expiresAt + ", tokens redacted]";
    }
}
