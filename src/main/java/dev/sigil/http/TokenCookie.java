package dev.sigil.http;

import dev.sigil.environment.Environment;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Cookie mode ({@code settings.security.auth.storage} contains {@code "cookie"}): every response that carries
 * tokens (a VerifyResponse: sign-in, refresh, link, unlink, profile update, code verify) also sets
 * {@code DYNAMIC_JWT_TOKEN} to the minified token, and a successful (204) {@code /revoke} or {@code DELETE /users}
 * clears it; a refused one leaves it alone.
 * Done once here, as an after-handler, so no route has to know about cookies; the tokens stay in the body too,
 * as Dynamic's sandbox does. {@link SdkRequests#bearer} reads the cookie back when there is no Authorization.
 * <p>
 * The cookie is HttpOnly (scripts cannot read it), SameSite=Lax (not sent on cross-site sub-requests, which
 * with the Origin check stops CSRF), Path=/, expires with the token, and Secure unless the page is served
 * over plain http from localhost or 127.0.0.1 (browsers drop Secure cookies there).
 */
public final class TokenCookie {
    public static final String NAME = "DYNAMIC_JWT_TOKEN";
    private static final Pattern LOCAL_HTTP = Pattern.compile("^http://(localhost|127\\.0\\.0\\.1)(:\\d{1,5})?$");
    private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_.-]+$");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final Clock clock;

    public TokenCookie(Clock clock) {
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.after(SdkRequests.PREFIX + "*", this::after);
    }

    private void after(Context ctx) {
        Environment env = ctx.attribute(SdkRequests.ENVIRONMENT_ATTRIBUTE);
        if (env == null || !env.settings().cookieMode() || ctx.method().name().equals("OPTIONS")) {
            return;
        }
        if (endsTheSession(ctx)) {
            // A refused one (403 for a foreign Origin, 401 without a live token) leaves the cookie alone: otherwise
            // any site could log the user out with a top-level form POST to /revoke, as the browser applies the
            // Set-Cookie of that navigation's response even though Sigil refused the request (forced logout).
            if (ctx.status().getCode() == 204) {
                ctx.res().addHeader("Set-Cookie", cookie(ctx, "", Instant.EPOCH, 0));
            }
            return;
        }
        if (ctx.status().getCode() == 200) {
            tokens(ctx).ifPresent(t -> ctx.res().addHeader("Set-Cookie", cookie(ctx, t.minifiedJwt(), t.expiresAt(),
                    Math.max(0, t.expiresAt().getEpochSecond() - clock.instant().getEpochSecond()))));
        }
    }

    /** POST /revoke and DELETE /users: the responses that clear the cookie rather than set it. */
    private static boolean endsTheSession(Context ctx) {
        String method = ctx.method().name();
        return (method.equals("POST") && ctx.path().endsWith("/revoke"))
                || (method.equals("DELETE") && ctx.path().endsWith("/users"));
    }

    private record Tokens(String minifiedJwt, Instant expiresAt) {
    }

    /** The minified token and expiry of a VerifyResponse-shaped JSON body, if this response is one. */
    private static Optional<Tokens> tokens(Context ctx) {
        String contentType = ctx.res().getContentType();
        if (contentType == null || !contentType.startsWith("application/json")) {
            return Optional.empty();
        }
        String body = ctx.result();
        if (body == null || !body.contains("\"minifiedJwt\"")) {
            return Optional.empty();
        }
        JsonNode json = Json.read(body);
        JsonNode token = json.path("minifiedJwt");
        JsonNode expiresAt = json.path("expiresAt");
        if (!token.isString() || !TOKEN.matcher(token.asString()).matches() || !expiresAt.isIntegralNumber()) {
            return Optional.empty();
        }
        return Optional.of(new Tokens(token.asString(), Instant.ofEpochSecond(expiresAt.asLong())));
    }

    private static String cookie(Context ctx, String value, Instant expires, long maxAge) {
        StringBuilder cookie = new StringBuilder(NAME).append('=').append(value)
                .append("; Path=/; Expires=").append(HTTP_DATE.format(expires))
                .append("; Max-Age=").append(maxAge)
                .append("; HttpOnly; SameSite=Lax");
        if (!isLocalHttp(ctx.header("Origin"))) {
            cookie.append("; Secure");
        }
        return cookie.toString();
    }

    private static boolean isLocalHttp(String origin) {
        return origin != null && LOCAL_HTTP.matcher(origin).matches();
    }
}
