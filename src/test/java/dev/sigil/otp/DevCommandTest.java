package dev.sigil.otp;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sigil dev} as a developer runs it: a separate JVM that prints codes to its console. */
class DevCommandTest {
    private static final Pattern LISTENING = Pattern.compile("Sigil listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final String ADMIN_TOKEN = "dev-test-admin-token";

    @Test
    void sigilDevPrintsEachEmailCodeToTheConsole() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-dev");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.sigil.Sigil", "dev", "--port", "0",
                "--data-dir", dataDir.toString()));
        TestDatabase.freshPostgresSchema().ifPresent(url -> command.addAll(List.of("--database-url", url)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SIGIL_ADMIN_TOKEN", ADMIN_TOKEN);
        builder.environment().keySet().removeIf(k -> k.startsWith("SIGIL_SMTP_") || k.equals("SIGIL_PORT"));
        Process dev = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8))) {
            int port = -1;
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            Http http = new Http("http://127.0.0.1:" + port);
            String envId = http.post("/api/v0/admin/environments", Json.writeString(Map.of("name", "dev")),
                    "Authorization", "Bearer " + ADMIN_TOKEN).json().get("id").asString();
            Http.Response created = http.post("/api/v0/sdk/" + envId + "/emailVerifications/create",
                    Json.writeString(Map.of("email", "dev@example.com")), "Content-Type", "application/json");
            assertThat(created.status()).isEqualTo(201);

            Pattern printed = Pattern.compile("\\[sigil dev] email code for dev@example\\.com .*: (\\d{6})$");
            String code = null;
            for (String line; code == null && (line = out.readLine()) != null; ) {
                Matcher m = printed.matcher(line);
                if (m.find()) {
                    code = m.group(1);
                }
            }
            assertThat(code).isNotNull();
            Http.Response signedIn = http.post("/api/v0/sdk/" + envId + "/emailVerifications/signin",
                    Json.writeString(Map.of("verificationUUID", created.json().get("verificationUUID").asString(),
                            "verificationToken", code)), "Content-Type", "application/json");
            assertThat(signedIn.status()).isEqualTo(200);
        } finally {
            dev.destroy();
            dev.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
