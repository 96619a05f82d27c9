package dev.sigil.cli;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as an operator runs it: a separate JVM, real signals. */
class CommandLineTest {
    private static final Pattern LISTENING = Pattern.compile("Sigil listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final String ADMIN_TOKEN = "cli-test-admin-token";

    private static ProcessBuilder sigil(Path dataDir, Optional<String> databaseUrl, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.sigil.Sigil"));
        command.addAll(List.of(args));
        command.addAll(List.of("--data-dir", dataDir.toString()));
        databaseUrl.ifPresent(url -> command.addAll(List.of("--database-url", url)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SIGIL_ADMIN_TOKEN", ADMIN_TOKEN);
        builder.environment().remove("SIGIL_PORT");
        return builder;
    }

    @Test
    void envCreatePrintsTheEnvironmentAndServeServesIt() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-cli");
        Optional<String> database = TestDatabase.freshPostgresSchema();
        Process create = sigil(dataDir, database, "env", "create", "--name", "cli", "--origin", "https://app.example.com").start();
        String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).as(output).isZero();
        JsonNode env = Json.read(output.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertThat(env.get("allowedOrigins").get(0).asString()).isEqualTo("https://app.example.com");

        Process serve = sigil(dataDir, database, "serve", "--port", "0").start();
        try {
            int port = awaitListening(serve);
            Http.Response response = new Http("http://127.0.0.1:" + port)
                    .get("/api/v0/admin/environments/" + env.get("id").asString(), "Authorization", "Bearer " + ADMIN_TOKEN);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().get("name").asString()).isEqualTo("cli");
        } finally {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void envCreateWithAnInvalidOriginFailsWithAMessage() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-cli-bad");
        Process create = sigil(dataDir, TestDatabase.freshPostgresSchema(), "env", "create", "--name", "x", "--origin", "ftp://nope").start();
        String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isNotZero();
        assertThat(output).contains("allowedOrigins");
    }

    @Test
    void sigtermDrainsTheRequestInFlightAndExitsZero() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-term");
        Process serve = sigil(dataDir, TestDatabase.freshPostgresSchema(), "serve", "--port", "0").start();
        int port = awaitListening(serve);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            // A request whose body is still arriving when SIGTERM comes. The first part is large enough that the
            // pause stays above the server's minimum body data rate (HttpServer.MIN_REQUEST_DATA_RATE).
            String head = "{\"name\":" + " ".repeat(8 * 1024);
            String tail = "\"drain\"}";
            out.write(("POST /api/v0/admin/environments HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ADMIN_TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (head.length() + tail.length())
                    + "\r\n\r\n" + head).getBytes(StandardCharsets.UTF_8));
            out.flush();
            // Time for the server to parse the head and dispatch the request: only a dispatched request is in
            // flight for the graceful stop (a connection still parsing its head is simply closed). 300 ms was
            // not always enough on a loaded 2-core machine.
            Thread.sleep(1_500);
            serve.destroy();
            Thread.sleep(300);
            out.write(tail.getBytes(StandardCharsets.UTF_8));
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(statusLine).isEqualTo("HTTP/1.1 201 Created");
        }
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(serve.exitValue()).isZero();
    }

    @Test
    void serveGeneratesAndPrintsAnAdminTokenOnceWhenNoneIsGiven() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-token");
        ProcessBuilder builder = sigil(dataDir, TestDatabase.freshPostgresSchema(), "serve", "--port", "0");
        builder.environment().remove("SIGIL_ADMIN_TOKEN");
        Process first = builder.start();
        String printed = readUntilListening(first.getInputStream());
        first.destroy();
        first.waitFor(30, TimeUnit.SECONDS);
        String stored = Files.readString(dataDir.resolve("admin-token")).trim();
        assertThat(printed).contains(stored);

        Process second = builder.start();
        String printedAgain = readUntilListening(second.getInputStream());
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
        assertThat(printedAgain).doesNotContain(stored);
    }

    private static int awaitListening(Process process) throws IOException {
        Matcher matcher = LISTENING.matcher(readUntilListening(process.getInputStream()));
        assertThat(matcher.find()).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static String readUntilListening(InputStream stream) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (LISTENING.matcher(line).find()) {
                return seen.toString();
            }
        }
        throw new AssertionError("server exited before listening:\n" + seen);
    }
}
