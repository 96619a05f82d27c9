package dev.sigil.admin;

import dev.sigil.http.ApiException;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Resolves the caller of {@code /api/v0/admin/*} to an {@link AdminPrincipal} and enforces what it may do.
 *
 * <p>The operator token is compared by hashing both sides before a constant-time comparison, so neither its
 * content nor its length leaks through timing. API tokens are looked up by the SHA-256 of the presented token:
 * the database compares digests, never the token, and a random 256-bit token cannot be guessed from them.
 *
 * <p>A scoped token used on another environment gets the same 404 as an environment that does not exist, so a
 * token cannot probe which environment ids exist.
 */
public final class AdminAuth {
    private static final String PRINCIPAL = "sigil.adminPrincipal";
    private final byte[] operatorDigest;
    private final ApiTokens tokens;

    public AdminAuth(String operatorToken, ApiTokens tokens) {
        this.operatorDigest = sha256(operatorToken);
        this.tokens = tokens;
    }

    /** Before-handler for every admin path: 401 unless the bearer is the operator token or a live API token. */
    public void resolve(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            throw ApiException.unauthorized("admin bearer token required");
        }
        String presented = header.substring("Bearer ".length()).trim();
        byte[] digest = sha256(presented);
        AdminPrincipal principal = MessageDigest.isEqual(operatorDigest, digest)
                ? new AdminPrincipal.Operator()
                : tokens.resolve(digest).orElseThrow(() -> ApiException.unauthorized("invalid admin token"));
        ctx.attribute(PRINCIPAL, principal);
    }

    /** The caller, resolved by {@link #resolve}. */
    public static AdminPrincipal principal(Context ctx) {
        return Optional.ofNullable(ctx.<AdminPrincipal>attribute(PRINCIPAL))
                .orElseThrow(() -> ApiException.unauthorized("admin bearer token required"));
    }

    /** 403 unless the caller is the operator: environments and API tokens are managed with the operator token only. */
    public static AdminPrincipal requireOperator(Context ctx) {
        AdminPrincipal principal = principal(ctx);
        if (!(principal instanceof AdminPrincipal.Operator)) {
            throw ApiException.forbidden("this endpoint requires the operator token");
        }
        return principal;
    }

    /**
     * The caller if it may use {@code scope} in {@code environmentId}: the operator always; a token only in its own
     * environment (else 404, as for an unknown environment) and with the scope (else 403).
     */
    public static AdminPrincipal require(Context ctx, String environmentId, Scope scope) {
        AdminPrincipal principal = principal(ctx);
        if (principal instanceof AdminPrincipal.ApiToken token) {
            if (!token.environmentId().equals(environmentId)) {
                throw ApiException.notFound("environment not found", "not_found");
            }
            if (!token.scopes().contains(scope)) {
                throw ApiException.forbidden("this action requires scope " + scope.wireName());
            }
        }
        return principal;
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
