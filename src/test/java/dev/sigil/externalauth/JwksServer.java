package dev.sigil.externalauth;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real HTTP server on a loopback port that plays an app's own auth server: it publishes a JWKS document at
 * each path the test registers and counts the requests it gets for each.
 */
final class JwksServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Supplier<String>> documents = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private JwksServer(HttpServer server) {
        this.server = server;
    }

    static JwksServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            JwksServer jwks = new JwksServer(server);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                jwks.requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                Supplier<String> document = jwks.documents.get(path);
                byte[] body = (document == null ? "{\"error\":\"not found\"}" : document.get()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(document == null ? 404 : 200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return jwks;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves {@code document} at {@code path} (read at each request, so a test can rotate keys); returns the URL. */
    String publish(String path, Supplier<String> document) {
        documents.put(path, document);
        return url(path);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int requestsTo(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
