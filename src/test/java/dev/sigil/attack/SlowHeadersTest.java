package dev.sigil.attack;

import dev.sigil.ratelimit.TrustedProxies;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slowloris: connections that hold a slot without ever completing a request. A request head trickled a byte at a time
 * is answered 408 and closed after the head timeout (1 s here) while fresh connections are served; a keep-alive
 * connection idle between requests is left to the idle timeout; one address cannot hold more than its share of
 * connections. Clients bind to other loopback addresses (127.0.0.2, .3, ...) to act as other hosts.
 */
class SlowHeadersTest {
    static final Duration HEAD_TIMEOUT = Duration.ofSeconds(1);
    static final int PER_ADDRESS = 4;
    static final String HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    static TestServer server;
    static int port;

    @BeforeAll
    static void start() {
        server = TestServer.start(MutableClock.startingNow(),
                c -> c.requestHeadTimeout(HEAD_TIMEOUT).maxConnectionsPerAddress(PER_ADDRESS));
        port = URI.create(server.baseUrl()).getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void headsTrickledAByteAtATimeAre408AndClosedWhileHealthzKeepsAnswering() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket socket = connectFrom("127.0.0.4");
                socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            long started = System.nanoTime();
            List<String> answers = new ArrayList<>();
            // One byte per connection every 100 ms: each byte would restart Jetty's idle timeout.
            for (int round = 0; round < 60 && answers.size() < slow.size(); round++) {
                for (Socket socket : slow) {
                    try {
                        socket.getOutputStream().write('a');
                        socket.getOutputStream().flush();
                    } catch (IOException closed) {
                        // The server closed it; its answer is read below.
                    }
                }
                assertThat(server.http().get("/healthz").status()).isEqualTo(200);
                Thread.sleep(100);
                answers.clear();
                for (Socket socket : slow) {
                    if (socket.getInputStream().available() > 0) {
                        answers.add(readToEnd(socket));
                    }
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(answers).hasSize(slow.size());
            for (String answer : answers) {
                assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("Connection: close")
                        .endsWith("{\"error\":\"request head not received within 1000 ms\"}");
            }
            assertThat(took).isGreaterThanOrEqualTo(HEAD_TIMEOUT.minusMillis(200)).isLessThan(Duration.ofSeconds(4));
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void aConnectionThatSendsNothingIs408AfterTheHeadTimeout() throws Exception {
        try (Socket socket = connectFrom("127.0.0.5")) {
            long started = System.nanoTime();
            assertThat(readToEnd(socket)).startsWith("HTTP/1.1 408 ");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void keepAliveIdleBetweenRequestsIsLeftToTheIdleTimeoutAndTheNextHeadIsTimedAgain() throws Exception {
        try (Socket socket = connectFrom("127.0.0.6")) {
            assertThat(exchange(socket, HEALTHZ)).startsWith("HTTP/1.1 200 ");
            // Idle between requests for twice the head timeout: the head clock must not run while nothing is sent.
            Thread.sleep(HEAD_TIMEOUT.multipliedBy(2).toMillis());
            assertThat(exchange(socket, HEALTHZ)).startsWith("HTTP/1.1 200 ");
            // A head split across reads, completed within the timeout, is served.
            OutputStream out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(HEAD_TIMEOUT.toMillis() / 2);
            assertThat(exchange(socket, "st: localhost\r\n\r\n")).startsWith("HTTP/1.1 200 ");

            // The next head on the same connection, trickled, gets the full timeout and no more.
            out.write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            for (int i = 0; i < 40 && socket.getInputStream().available() == 0; i++) {
                try {
                    out.write('X');
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(readToEnd(socket)).startsWith("HTTP/1.1 408 ");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(HEAD_TIMEOUT.minusMillis(200)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void oneAddressCannotHoldMoreThanItsConnectionsWhileAnotherStillGetsIn() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                Socket socket = connectFrom("127.0.0.3");
                // Answered, so the server has counted it; then held open, idle, with keep-alive.
                assertThat(exchange(socket, HEALTHZ)).startsWith("HTTP/1.1 200 ");
                held.add(socket);
            }

            try (Socket oneTooMany = connectFrom("127.0.0.3")) {
                assertThat(exchangeOrClosed(oneTooMany, HEALTHZ)).isEmpty();
            }
            try (Socket elsewhere = connectFrom("127.0.0.2")) {
                assertThat(exchange(elsewhere, HEALTHZ)).startsWith("HTTP/1.1 200 ");
            }

            // A slot freed is a slot for the same address again (the server sees the close a moment later).
            held.removeFirst().close();
            String again = "";
            for (int attempt = 0; attempt < 50 && again.isEmpty(); attempt++) {
                try (Socket socket = connectFrom("127.0.0.3")) {
                    again = exchangeOrClosed(socket, HEALTHZ);
                }
                if (again.isEmpty()) {
                    Thread.sleep(100);
                }
            }
            assertThat(again).startsWith("HTTP/1.1 200 ");
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /** Behind a trusted proxy every client has the proxy's address: the proxy is not held to the per-address cap. */
    @Test
    void trustedProxiesAreExemptFromThePerAddressCap() throws Exception {
        try (TestServer behindProxy = TestServer.start(MutableClock.startingNow(), c -> c.maxConnectionsPerAddress(1)
                .trustedProxies(TrustedProxies.parse("127.0.0.7")))) {
            int proxied = URI.create(behindProxy.baseUrl()).getPort();
            try (Socket first = connectFrom("127.0.0.7", proxied); Socket second = connectFrom("127.0.0.7", proxied)) {
                assertThat(exchange(first, HEALTHZ)).startsWith("HTTP/1.1 200 ");
                assertThat(exchange(second, HEALTHZ)).startsWith("HTTP/1.1 200 ");
            }
            // The first is answered (so counted) before the second connects: Jetty opens connections on several
            // selector threads, so two connected at once may be admitted in either order.
            try (Socket first = connectFrom("127.0.0.8", proxied)) {
                assertThat(exchange(first, HEALTHZ)).startsWith("HTTP/1.1 200 ");
                try (Socket second = connectFrom("127.0.0.8", proxied)) {
                    assertThat(exchangeOrClosed(second, HEALTHZ)).isEmpty();
                }
            }
        }
    }

    private static Socket connectFrom(String clientAddress) throws IOException {
        return connectFrom(clientAddress, port);
    }

    private static Socket connectFrom(String clientAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(clientAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code request}, returns the status line, headers and Content-Length body of one response. */
    private static String exchange(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString(StandardCharsets.US_ASCII);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = text.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
        return text + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    /** As {@link #exchange}, but a connection the server closed or reset unanswered reads as "". */
    private static String exchangeOrClosed(Socket socket, String request) {
        try {
            return exchange(socket, request);
        } catch (IOException closed) {
            return "";
        }
    }

    /** Everything the server sends until it closes the connection. */
    private static String readToEnd(Socket socket) throws IOException {
        try {
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (java.net.SocketException reset) {
            return "";
        }
    }
}
