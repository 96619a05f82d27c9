package dev.sigil.http;

import dev.sigil.observe.RequestObservation;
import dev.sigil.store.Readiness;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Javalin on Jetty with virtual threads: the limits every request is held to, the error mapping, CORS for
 * the SDK API, health endpoints, and the routes each feature registers.
 */
public final class HttpServer {
    /** Largest request head (request line and headers): twice the longest bearer token accepted. */
    public static final int MAX_HEADER_BYTES = 32 * 1024;
    /** A connection idle this long is closed, so slow or stalled clients cannot pin server resources. */
    public static final int IDLE_TIMEOUT_MS = 30_000;
    /**
     * A request body must arrive at at least this rate, so a client trickling a body cannot hold a request open for
     * long: below it the request fails with 408. Jetty checks it before each read after the first, over the time
     * since the first, so {@link RequestBody} reads a Content-Length body in one read once it has arrived.
     */
    public static final int MIN_REQUEST_DATA_RATE = 1024;
    /**
     * Open connections beyond this wait in the kernel's accept queue: file descriptors stay bounded. One client address
     * may hold only {@link ConnectionLimits#maxPerAddress()} of them.
     */
    public static final int MAX_CONNECTIONS = 10_000;
    /**
     * While draining, a connection idle this long is closed. Jetty's default (1 s) also cut off an in-flight
     * request whose client paused mid-body for a second before SIGTERM came.
     */
    public static final int SHUTDOWN_IDLE_TIMEOUT_MS = 5_000;
    /** Javalin's per-response copy buffer (see {@code start}). */
    static final int RESPONSE_COPY_BYTES = 8 * 1024;
    /** How long SIGTERM waits for in-flight requests. */
    public static final int DRAIN_TIMEOUT_MS = 20_000;

    private final Javalin javalin;

    private HttpServer(Javalin javalin) {
        this.javalin = javalin;
    }

    public static HttpServer start(String host, int port, ConnectionLimits limits, SdkRequests sdk,
                                   Supplier<Readiness> databaseReadiness, RequestObservation observation,
                                   List<Consumer<RoutesConfig>> features) {
        Javalin javalin = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = RequestBody.MAX_BYTES;
            // Javalin copies each result into Jetty's output through a buffer of this size, allocated per response
            // (by default Jetty's 32 KiB output buffer: a fifth of what a refresh allocated). Answers are mostly a
            // few KiB; larger ones take a few more copy rounds into the same Jetty buffer.
            cfg.http.responseBufferSize = RESPONSE_COPY_BYTES;
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(MAX_HEADER_BYTES);
                http.setMinRequestDataRate(MIN_REQUEST_DATA_RATE);
                http.setSendServerVersion(false);
                // Jetty reuses header fields already seen on a connection, by default matching them ignoring case:
                // "Bearer TOKEN" after "Bearer token" would reach us as the earlier "Bearer token". Tokens are
                // case-sensitive secrets, and behind a proxy one connection carries many clients' requests.
                http.setHeaderCacheCaseSensitive(true);
            });
            // Our own connector (Javalin then adds none): its connections time request heads and count addresses.
            cfg.jetty.addConnector((server, httpConfiguration) -> {
                ServerConnector connector = new ServerConnector(server, new GuardedHttpConnectionFactory(
                        httpConfiguration, limits.requestHeadTimeout(),
                        new ConnectionsPerAddress(limits.maxPerAddress(), limits.exempt())));
                connector.setHost(host);
                connector.setPort(port);
                connector.setIdleTimeout(IDLE_TIMEOUT_MS);
                connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT_MS);
                return connector;
            });
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(DRAIN_TIMEOUT_MS);
                // Graceful stop: refuse new requests, finish the ones in flight.
                server.insertHandler(new GracefulHandler());
                server.setErrorHandler(new JsonErrorHandler());
                server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
            });
            observation.register(cfg.routes);
            ErrorResponses.register(cfg.routes);
            cfg.routes.get("/healthz", ctx -> Responses.json(ctx, 200, java.util.Map.of("status", "ok")));
            cfg.routes.get("/readyz", ctx -> {
                Readiness readiness = databaseReadiness.get(); // within DatabaseHealth.READINESS_WAIT
                Responses.json(ctx, readiness.ready() ? 200 : 503, java.util.Map.of("status", readiness.status()));
            });
            cfg.routes.before(SdkRequests.PREFIX + "*", sdk::resolve);
            cfg.routes.options(SdkRequests.PREFIX + "*", SdkRequests::preflight);
            cfg.routes.get(SdkRequests.PREFIX + "{environmentId}/healthcheck",
                    ctx -> Responses.json(ctx, 200, java.util.Map.of("status", "healthy")));
            features.forEach(f -> f.accept(cfg.routes));
        });
        observation.routedBy(javalin.unsafe.internalRouter);
        javalin.start();
        return new HttpServer(javalin);
    }

    public int port() {
        return javalin.port();
    }

    /** The HTTP routes (no before/after handlers) as {@code "METHOD /path/{param}"}, in registration order. */
    public List<String> routes() {
        return javalin.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .toList();
    }

    /** Stops accepting, drains in-flight requests (up to {@link #DRAIN_TIMEOUT_MS}) and closes. */
    public void stop() {
        javalin.stop();
    }
}
