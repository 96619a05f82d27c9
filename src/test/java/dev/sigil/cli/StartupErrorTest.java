package dev.sigil.cli;

import dev.sigil.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What an operator sees when {@code sigil serve} cannot start: one line on stderr saying what failed and which
 * setting to look at, a non-zero exit code, no stack trace, and never the database URL's password.
 */
class StartupErrorTest {
    private static final String ADMIN_TOKEN = "startup-error-admin-token";

    /** What the process printed on stderr and how it exited. */
    private record Exit(int code, String stderr) {
        void isOneClearLine(String... phrases) {
            assertThat(code).as(stderr).isNotZero();
            assertThat(stderr.lines().toList()).as(stderr).hasSize(1);
            assertThat(stderr).startsWith("sigil: ").contains(phrases)
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    private static Exit serve(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.sigil.Sigil", "serve"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SIGIL_ADMIN_TOKEN", ADMIN_TOKEN);
        List.of("SIGIL_PORT", "SIGIL_HOST", "SIGIL_DATABASE_URL", "SIGIL_DATA_DIR")
                .forEach(builder.environment()::remove);
        Process process = builder.start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("sigil serve " + String.join(" ", args) + " is still running:\n" + stderr);
        }
        stdout.join();
        return new Exit(process.exitValue(), stderr);
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String dataDir() throws IOException {
        return Files.createTempDirectory("sigil-startup").toString();
    }

    /** A loopback port nothing listens on: connections to it are refused. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void anUnreachablePostgresIsOneLineWithoutThePassword() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/sigil?user=sigil&password=hunter2-secret";
        Exit exit = serve("--port", "0", "--data-dir", dataDir(), "--database-url", url);
        exit.isOneClearLine("cannot reach the database", "refused", "--database-url");
        assertThat(exit.stderr()).doesNotContain("hunter2-secret");
    }

    @Test
    void aMissingPostgresDatabaseIsOneLine() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "a running PostgreSQL (SIGIL_TEST_DATABASE_URL)");
        String url = TestDatabase.postgresUrl().orElseThrow().replaceFirst("(//[^/]+/)[^?]*", "$1sigil_no_such_db");
        serve("--port", "0", "--data-dir", dataDir(), "--database-url", url)
                .isOneClearLine("cannot open the database", "\"sigil_no_such_db\" does not exist", "--database-url");
    }

    @Test
    void anAddressNotOnThisMachineIsNotReportedAsAPortInUse() throws Exception {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): documentation only, assigned to no machine.
        Exit exit = serve("--port", "0", "--host", "192.0.2.1", "--data-dir", dataDir());
        exit.isOneClearLine("cannot listen on 192.0.2.1:0", "no network interface of this machine has that address",
                "--host");
        assertThat(exit.stderr()).doesNotContain("in use");
    }

    @Test
    void aPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serve("--port", Integer.toString(taken.getLocalPort()), "--data-dir", dataDir())
                    .isOneClearLine("cannot listen on 127.0.0.1:" + taken.getLocalPort(), "already in use", "--port");
        }
    }

    @Test
    void aDataDirectoryThatIsAFileIsOneLine() throws Exception {
        Path file = Files.createTempFile("sigil-startup", ".txt");
        serve("--port", "0", "--data-dir", file.toString())
                .isOneClearLine("cannot create data directory " + file, "not a directory");
    }
}
