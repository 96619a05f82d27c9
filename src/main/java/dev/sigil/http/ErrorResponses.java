package dev.sigil.http;

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
 * nothing of them (stack, SQL) reaches the client.
 */
public final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

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
