package dev.sigil.http;

import dev.sigil.store.DatabaseFailures;
import org.eclipse.jetty.http.BadMessageException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that decides what an error looks like on the wire: {@code {"error": "..."}} plus {@code code}
 * for 404 and 422, as the spec's error list says. Unexpected failures become a bare 500 and are logged here;
 * nothing of them (stack, SQL) reaches the client. A database that cannot serve now is a 503 with {@code Retry-After}.
 */
public final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    /** A request the database could not serve (busy, unreachable) is a 503 the client may retry after this. */
    public static final int DATABASE_RETRY_AFTER_SECONDS = 1;

    private ErrorResponses() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> {
            e.retryAfterSeconds().ifPresent(seconds -> ctx.header("Retry-After", Long.toString(seconds)));
            write(ctx, e.status(), e.getMessage(), e.code().orElse(null));
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            String code = status == 404 ? "not_found" : null;
            write(ctx, status, status == 404 ? "Not Found" : e.getMessage(), code);
        });
        // Jetty's own protocol refusals raised while a handler reads the request, e.g. 408 for a body that
        // arrives below HttpServer.MIN_REQUEST_DATA_RATE.
        routes.exception(BadMessageException.class, (e, ctx) -> {
            ctx.header("Connection", "close");
            write(ctx, e.getCode(), e.getCode() == 408 ? "request body arrived too slowly" : "bad request", null);
        });
        routes.exception(Exception.class, (e, ctx) -> {
            var unavailable = DatabaseFailures.unavailable(e);
            if (unavailable.isPresent()) {
                // Not a bug: overload or an outage. Only the driver's message is logged (Jdbi's carries bound values).
                log.warn("database unavailable on {} {}: {}", ctx.method(), ctx.endpoint() == null ? ctx.path() : ctx.endpoint().path,
                        unavailable.get().getMessage());
                ctx.header("Retry-After", Long.toString(DATABASE_RETRY_AFTER_SECONDS));
                write(ctx, 503, "database unavailable", null);
                return;
            }
            log.error("unexpected failure on {} {}", ctx.method(), ctx.endpoint() == null ? ctx.path() : ctx.endpoint().path, e);
            write(ctx, 500, "internal error", null);
        });
    }

    public static void write(Context ctx, int status, String message, String code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (code != null) {
            body.put("code", code);
        }
        Responses.json(ctx, status, body);
    }
}
