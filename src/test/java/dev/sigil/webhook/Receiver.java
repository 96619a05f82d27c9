package dev.sigil.webhook;

import com.sun.net.httpserver.HttpServer;
import dev.sigil.http.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real webhook receiver on 127.0.0.1: records every request and answers 500 for the first {@code failures}
 * requests (or while {@link #failing} is set), 204 afterwards.
 */
final class Receiver implements AutoCloseable {
    record Request(String body, String signature, String deliveryId, String contentType, int answered) {
        JsonNode json() {
            return Json.read(body);
        }

        String type() {
            return json().get("type").asString();
        }

        String eventId() {
            return json().get("id").asString();
        }

        boolean signedWith(String secret) {
            return WebhookSignature.verify(secret, signature, body);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger failuresLeft;
    volatile boolean failing;

    private Receiver(int failures) {
        this.failuresLeft = new AtomicInteger(failures);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = failing || failuresLeft.getAndDecrement() > 0 ? 500 : 204;
            synchronized (requests) {
                requests.add(new Request(body, exchange.getRequestHeaders().getFirst("Sigil-Signature"),
                        exchange.getRequestHeaders().getFirst("Sigil-Delivery-Id"),
                        exchange.getRequestHeaders().getFirst("Content-Type"), status));
            }
            if (status == 500) {
                byte[] answer = "receiver says no".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(500, answer.length);
                exchange.getResponseBody().write(answer);
            } else {
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        server.start();
    }

    static Receiver healthy() {
        return new Receiver(0);
    }

    static Receiver failingFirst(int failures) {
        return new Receiver(failures);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    List<Request> delivered() {
        return requests().stream().filter(r -> r.answered() == 204).toList();
    }

    /** Waits (up to 15 s) until the requests satisfy {@code done}; never asserts on timing otherwise. */
    List<Request> await(Predicate<List<Request>> done) {
        return await(done, () -> {
        });
    }

    /** As {@link #await(Predicate)}, running {@code between} (e.g. moving the clock) on each poll. */
    List<Request> await(Predicate<List<Request>> done, Runnable between) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (true) {
            List<Request> now = requests();
            if (done.test(now)) {
                return now;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("receiver did not get what was expected; got " + now.size() + " requests: "
                        + now.stream().map(r -> r.type() + "/" + r.answered()).toList());
            }
            between.run();
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
