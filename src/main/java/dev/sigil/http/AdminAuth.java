package dev.sigil.http;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Guards the admin API with the operator's bearer token. Both sides are hashed before a constant-time
 * comparison, so neither the token's content nor its length leaks through timing.
 */
public final class AdminAuth {
    private final byte[] expectedDigest;

    public AdminAuth(String adminToken) {
        this.expectedDigest = sha256(adminToken);
    }

    public void require(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            throw ApiException.unauthorized("admin bearer token required");
        }
        String presented = header.substring("Bearer ".length()).trim();
        if (!MessageDigest.isEqual(expectedDigest, sha256(presented))) {
            throw ApiException.unauthorized("invalid admin token");
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
