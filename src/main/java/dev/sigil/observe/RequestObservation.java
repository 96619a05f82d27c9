package dev.sigil.observe;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.InternalRouter;
import io.javalin.router.ParsedEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.Map;

/**
 * What every request goes through first and last: a request id (echoed in {@code X-Request-Id}, in the MDC of the
 * request's log lines), an access log line and the HTTP metrics. Routes are named by their template
 * ({@code /api/v0/sdk/{environmentId}/refresh}), never by the raw path, so ids in paths cannot multiply series;
 * a path no route matches is {@code unmatched}. The access log holds method, route, status, duration and the
 * request id only: never headers, query strings or bodies, where tokens and codes travel.
 */
public final class RequestObservation {
    public static final String MDC_KEY = "requestId";
    public static final String UNMATCHED = "unmatched";
    private static final Logger access = LoggerFactory.getLogger("dev.sigil.access");
    private static final String START_ATTRIBUTE = "sigil.startNanos";
    private static final String SDK = "/api/v0/sdk/{environmentId}";
    /** Sign-in routes whose method the route itself names; wallet routes say their chain through {@link SignIns}. */
    private static final Map<String, String> SIGN_IN_ROUTES = Map.of(
            SDK + "/verify", "wallet_other",
            SDK + "/wallets/signin", "wallet_other",
            SDK + "/emailVerifications/signin", "email",
            SDK + "/smsVerifications/signin", "sms",
            SDK + "/externalAuth/signin", "external");
    private static final String REFRESH = SDK + "/refresh";
    private static final String REVOKE = SDK + "/revoke";
    private static final String ADMIN_ENV = "/api/v0/admin/environments/{envId}";
    /** The admin API's session revokes: one user's, one session, the whole environment's. */
    private static final java.util.Set<String> ADMIN_REVOKES = java.util.Set.of(ADMIN_ENV + "/users/{userId}/sessions/revoke",
            ADMIN_ENV + "/sessions/{sessionId}/revoke", ADMIN_ENV + "/sessions/revoke");
    /** Scraped and probed every few seconds: logged at DEBUG so they don't drown the access log. */
    private static final java.util.Set<String> QUIET_ROUTES = java.util.Set.of("/metrics", "/healthz", "/readyz");

    private final Metrics metrics;
    private volatile InternalRouter router;

    public RequestObservation(Metrics metrics) {
        this.metrics = metrics;
    }

    /** Registers the handlers; call before any other before-handler so a failing one still has a request id. */
    public void register(RoutesConfig routes) {
        routes.before(this::begin);
        routes.after(this::end);
    }

    /** The router, to name the route of a request a before-handler refused (no endpoint was matched yet). */
    public void routedBy(InternalRouter router) {
        this.router = router;
    }

    private void begin(Context ctx) {
        ctx.attribute(START_ATTRIBUTE, System.nanoTime());
        String id = RequestIds.accept(ctx.header(RequestIds.HEADER));
        ctx.header(RequestIds.HEADER, id);
        MDC.put(MDC_KEY, id);
    }

    private void end(Context ctx) {
        try {
            Long start = ctx.attribute(START_ATTRIBUTE);
            long nanos = start == null ? 0 : System.nanoTime() - start;
            String route = route(ctx);
            String method = ctx.method().name();
            int status = ctx.statusCode();
            metrics.request(route, method, status, nanos);
            countOutcome(ctx, route, method, status);
            if (QUIET_ROUTES.contains(route)) {
                access.debug("{} {} {} {}ms", method, route, status, millis(nanos));
            } else {
                access.info("{} {} {} {}ms", method, route, status, millis(nanos));
            }
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    /** Milliseconds to the microsecond ({@code 0.842}): most requests take well under one. */
    static String millis(long nanos) {
        long micros = nanos / 1_000;
        return micros / 1_000 + "." + Long.toString(1_000 + micros % 1_000).substring(1);
    }

    private void countOutcome(Context ctx, String route, String method, int status) {
        if (!method.equals("POST")) {
            return;
        }
        String signIn = SIGN_IN_ROUTES.get(route);
        if (signIn != null) {
            String marked = ctx.attribute(SignIns.METHOD_ATTRIBUTE);
            metrics.signIn(marked != null ? marked : signIn, Metrics.outcome(status));
        } else if (route.equals(REFRESH)) {
            metrics.refresh(Metrics.outcome(status));
        } else if (route.equals(REVOKE)) {
            metrics.revocation("sdk", Metrics.outcome(status));
        } else if (ADMIN_REVOKES.contains(route)) {
            metrics.revocation("admin", Metrics.outcome(status));
        }
    }

    private String route(Context ctx) {
        Endpoint matched = matchedEndpoint(ctx);
        if (matched != null) {
            return matched.path;
        }
        // A before-handler refused the request (unknown environment, origin) before Javalin matched its endpoint.
        InternalRouter r = router;
        if (r != null) {
            HandlerType type = ctx.method();
            ParsedEndpoint parsed = r.findFirstHttpHandlerEntry(type, ctx.path());
            if (parsed != null) {
                return parsed.endpoint.path;
            }
        }
        return UNMATCHED;
    }

    private static Endpoint matchedEndpoint(Context ctx) {
        try {
            Endpoint e = ctx.endpoints().matchedHttpEndpoint();
            return e != null && e.method.isHttpMethod() ? e : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
