package dev.sigil.http;

import dev.sigil.store.Ids;
import dev.sigil.environment.Environment;
import dev.sigil.environment.EnvironmentService;
import io.javalin.http.Context;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The common front of every {@code /api/v0/sdk/{environmentId}/...} request: resolves the environment
 * (400 for a malformed id, 404 for an unknown one), applies CORS for the environment's allowed origins, and
 * gives handlers the environment, the bearer token and the token audience.
 */
public final class SdkRequests {
    public static final String PREFIX = "/api/v0/sdk/";
    static final String ENVIRONMENT_ATTRIBUTE = "sigil.environment";
    /** Endpoints any origin may read (public keys, liveness): no Origin policy applies to them. */
    private static final Set<String> PUBLIC_ENDPOINTS = Set.of("/.well-known/jwks", "/.well-known/jwks.json", "/healthcheck");
    private static final int MAX_PREFLIGHT_HEADERS = 64;

    private final EnvironmentService environments;

    public SdkRequests(EnvironmentService environments) {
        this.environments = environments;
    }

    /** Before-handler for every SDK path. */
    public void resolve(Context ctx) {
        String rest = ctx.path().substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        String endpoint = slash < 0 ? "" : rest.substring(slash);
        if (!Ids.isId(id)) {
            throw ApiException.badRequest("environmentId must be a lowercase UUID of 36 characters");
        }
        Environment env = environments.require(id);
        ctx.attribute(ENVIRONMENT_ATTRIBUTE, env);
        Optional<String> origin = Optional.ofNullable(ctx.header("Origin"));
        boolean allowed = origin.map(env::allowsOrigin).orElse(false);
        if (allowed) {
            ctx.header("Access-Control-Allow-Origin", origin.get());
            if (env.settings().cookieMode()) {
                ctx.header("Access-Control-Allow-Credentials", "true");
            }
        }
        ctx.header("Vary", "Origin");
        if (ctx.method().name().equals("OPTIONS")) {
            return;
        }
        if (origin.isPresent() && !allowed && !PUBLIC_ENDPOINTS.contains(endpoint)) {
            throw ApiException.forbidden("origin not allowed");
        }
    }

    /** Answers a CORS preflight: the methods and the request headers Dynamic's clients send. */
    public static void preflight(Context ctx) {
        if (ctx.res().getHeader("Access-Control-Allow-Origin") != null) {
            ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
            allowedRequestHeaders(ctx.header("Access-Control-Request-Headers"))
                    .ifPresent(h -> ctx.header("Access-Control-Allow-Headers", h));
            ctx.header("Access-Control-Max-Age", "600");
        }
        ctx.status(204);
    }

    /** The requested headers echoed back when every one of them is one Sigil allows. */
    static Optional<String> allowedRequestHeaders(String requested) {
        if (requested == null || requested.isBlank()) {
            return Optional.empty();
        }
        String[] names = requested.split(",");
        if (names.length > MAX_PREFLIGHT_HEADERS) {
            return Optional.empty();
        }
        StringBuilder allowed = new StringBuilder();
        for (String raw : names) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!isAllowedRequestHeader(name)) {
                return Optional.empty();
            }
            allowed.append(allowed.isEmpty() ? "" : ", ").append(name);
        }
        return allowed.isEmpty() ? Optional.empty() : Optional.of(allowed.toString());
    }

    private static boolean isAllowedRequestHeader(String name) {
        return name.equals("authorization") || name.equals("content-type") || name.equals("x-mfa-auth-token")
                || (name.startsWith("x-dyn-") || name.startsWith("x-dynamic-")) && name.matches("[a-z0-9-]{1,64}");
    }

    public static Environment environment(Context ctx) {
        Environment env = ctx.attribute(ENVIRONMENT_ATTRIBUTE);
        if (env == null) {
            throw new IllegalStateException("SDK route without resolved environment");
        }
        return env;
    }

    /**
     * The bearer token from {@code Authorization}, or in cookie mode when that header is absent from the
     * {@link TokenCookie} cookie; 401 with a JSON error when there is none.
     */
    public static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        Environment env = ctx.attribute(ENVIRONMENT_ATTRIBUTE);
        if (header == null && env != null && env.settings().cookieMode()) {
            String cookie = ctx.cookie(TokenCookie.NAME);
            if (cookie != null && !cookie.isBlank()) {
                return cookie;
            }
        }
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).trim();
            if (!token.isEmpty()) {
                return token;
            }
        }
        throw ApiException.unauthorized("No jwt provided!");
    }

    /** {@code aud}: the request's Origin when the environment allows it, else its first allowed origin. */
    public static String audience(Context ctx, Environment env) {
        String origin = ctx.header("Origin");
        if (origin != null && env.allowsOrigin(origin)) {
            return origin;
        }
        return env.allowedOrigins().isEmpty() ? "" : env.allowedOrigins().getFirst();
    }
}
