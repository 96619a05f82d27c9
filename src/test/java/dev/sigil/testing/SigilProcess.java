package dev.sigil.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sigil serve} in a JVM of its own, as a second node beside a {@link TestServer}: it shares nothing with the
 * test's JVM but the data directory (the generated master key) and the database. Its output is drained in the
 * background so a chatty access log can never block it.
 */
public final class SigilProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Sigil listening on http://127\\.0\\.0\\.1:(\\d+)");
    private final Process process;
    private final Http http;
    private final StringBuffer output = new StringBuffer();

    private SigilProcess(Process process, int port) {
        this.process = process;
        this.http = new Http("http://127.0.0.1:" + port);
    }

    /** Starts {@code sigil serve --port 0} on {@code dataDir} and {@code databaseUrl}, with extra environment variables. */
    public static SigilProcess serve(Path dataDir, Optional<String> databaseUrl, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.sigil.Sigil",
                "serve", "--port", "0", "--data-dir", dataDir.toString()));
        databaseUrl.ifPresent(url -> command.addAll(List.of("--database-url", url)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("SIGIL_PORT");
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line; (line = reader.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    SigilProcess started = new SigilProcess(process, Integer.parseInt(listening.group(1)));
                    started.output.append(seen);
                    Thread.ofVirtual().start(() -> started.drain(reader));
                    return started;
                }
            }
            process.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("sigil exited before listening:\n" + seen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void drain(BufferedReader reader) {
        try {
            for (String line; (line = reader.readLine()) != null; ) {
                output.append(line).append('\n');
            }
        } catch (IOException ignored) {
            // The process ended.
        }
    }

    public Http http() {
        return http;
    }

    /** Everything the process printed so far (for assertion messages). */
    public String output() {
        return output.toString();
    }

    /** SIGKILL: the process dies at once, mid-request, with no shutdown hook, drain or flush. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("sigil did not die on SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
