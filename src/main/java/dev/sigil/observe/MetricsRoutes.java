package dev.sigil.observe;

import dev.sigil.http.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code GET /metrics} in the Prometheus text format. It is served on the main port, so when
 * {@code SIGIL_METRICS_TOKEN} is set a scrape must send it as a bearer token (Prometheus: {@code authorization:
 * credentials}); without it the endpoint is open, as is usual behind a private network. The metrics hold counts
 * and timings only: no user, token or environment identifiers.
 */
public final class MetricsRoutes {
    public static final String PATH = "/metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Metrics metrics;
    private final Optional<byte[]> token;

    public MetricsRoutes(Metrics metrics, Optional<String> token) {
        this.metrics = metrics;
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    public void register(RoutesConfig routes) {
        routes.get(PATH, this::scrape);
    }

    private void scrape(Context ctx) {
        token.ifPresent(expected -> {
            if (!MessageDigest.isEqual(expected, presented(ctx).getBytes(StandardCharsets.UTF_8))) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw ApiException.unauthorized("metrics token required");
            }
        });
        ctx.status(200).contentType(CONTENT_TYPE).result(metrics.scrape());
    }

    private static String presented(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return "";
    }
}
