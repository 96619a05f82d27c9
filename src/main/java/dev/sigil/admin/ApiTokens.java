package dev.sigil.admin;

import dev.sigil.http.ApiException;
import dev.sigil.http.IsoTime;
import dev.sigil.http.Json;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Scoped API tokens for an app's backend: {@code sigil_at_} + 256 random bits (base64url), shown once at creation
 * and stored only as a SHA-256 digest. A high-entropy token needs no slow hash: nobody can brute-force 256 bits
 * from its digest. Revoked tokens stop working on the next request, on every node (each request reads the row).
 */
public final class ApiTokens {
    public static final String PREFIX = "sigil_at_";
    public static final int MAX_NAME_LENGTH = 255;
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;

    public ApiTokens(Jdbi jdbi, AuditLog audit, SecureRandom random, Clock clock) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
    }

    /** A token as listed: never its secret. */
    public record Token(String id, String environmentId, String name, Set<Scope> scopes, Instant createdAt,
                        Optional<Instant> revokedAt) {
    }

    /** A new token with the only copy of its secret. */
    public record Created(Token token, String secret) {
    }

    public Created create(AdminPrincipal actor, String environmentId, String name, Set<Scope> scopes) {
        if (name.isBlank() || CONTROL.matcher(name).find()) {
            throw ApiException.badRequest("name must be 1 to " + MAX_NAME_LENGTH + " characters without control characters");
        }
        if (scopes.isEmpty()) {
            throw ApiException.badRequest("scopes must name at least one scope");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Arrays.fill(bytes, (byte) 0);
        Token token = new Token(UUID.randomUUID().toString(), environmentId, name.strip(), EnumSet.copyOf(scopes),
                clock.instant(), Optional.empty());
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO api_tokens (id, environment_id, name, token_hash, scopes, created_at, revoked_at)
                            VALUES (:id, :env, :name, :hash, :scopes, :created, NULL)""")
                    .bind("id", token.id()).bind("env", environmentId).bind("name", token.name())
                    .bind("hash", digestHex(AdminAuth.sha256(secret)))
                    .bind("scopes", Json.writeString(wireNames(token.scopes())))
                    .bind("created", token.createdAt().toEpochMilli())
                    .execute();
            audit.record(h, actor, environmentId, "token.create", "token", token.id(),
                    Map.of("name", token.name(), "scopes", wireNames(token.scopes())));
        });
        return new Created(token, secret);
    }

    public List<Token> list(String environmentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM api_tokens WHERE environment_id = :env ORDER BY created_at, id""")
                .bind("env", environmentId)
                .map((rs, ctx) -> {
                    long revoked = rs.getLong("revoked_at");
                    Optional<Instant> revokedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(revoked));
                    return new Token(rs.getString("id"), rs.getString("environment_id"), rs.getString("name"),
                            scopesOf(rs.getString("scopes")), Instant.ofEpochMilli(rs.getLong("created_at")), revokedAt);
                })
                .list());
    }

    /** Revokes a live token of the environment; 404 for an unknown or already revoked one. */
    public void revoke(AdminPrincipal actor, String environmentId, String tokenId) {
        jdbi.useTransaction(h -> {
            int changed = h.createUpdate("""
                            UPDATE api_tokens SET revoked_at = :now
                            WHERE id = :id AND environment_id = :env AND revoked_at IS NULL""")
                    .bind("id", tokenId).bind("env", environmentId).bind("now", clock.instant().toEpochMilli())
                    .execute();
            if (changed != 1) {
                throw ApiException.notFound("token not found", "not_found");
            }
            audit.record(h, actor, environmentId, "token.revoke", "token", tokenId, Map.of());
        });
    }

    /** The live token whose secret has this SHA-256 digest. */
    Optional<AdminPrincipal.ApiToken> resolve(byte[] digest) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, environment_id, scopes FROM api_tokens WHERE token_hash = :hash AND revoked_at IS NULL""")
                .bind("hash", digestHex(digest))
                .map((rs, ctx) -> new AdminPrincipal.ApiToken(rs.getString("id"), rs.getString("environment_id"),
                        scopesOf(rs.getString("scopes"))))
                .findOne());
    }

    public static Map<String, Object> render(Token token) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", token.id());
        out.put("environmentId", token.environmentId());
        out.put("name", token.name());
        out.put("scopes", wireNames(token.scopes()));
        out.put("createdAt", IsoTime.format(token.createdAt()));
        out.put("revokedAt", token.revokedAt().map(IsoTime::format).orElse(null));
        return out;
    }

    private static List<String> wireNames(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wireName).toList();
    }

    private static Set<Scope> scopesOf(String json) {
        // Unknown names (from a newer version) grant nothing rather than failing the request.
        return Arrays.stream(Json.MAPPER.readValue(json, String[].class))
                .flatMap(name -> Scope.of(name).stream())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
    }

    private static String digestHex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
