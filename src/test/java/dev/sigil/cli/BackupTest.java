package dev.sigil.cli;

import dev.sigil.keys.MasterKey;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.SigilProcess;
import dev.sigil.testing.TestDatabase;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Backups and keys" of the operator guide, end to end with real processes: {@code sigil backup} under load, the
 * backup started as a data directory of its own, every session of before the backup refreshing there; and the
 * operator's mistakes with master keys refused at start in one line.
 */
class BackupTest {
    private static final String ADMIN_TOKEN = "backup-test-admin-token";
    private static final Map<String, String> ENV = Map.of("SIGIL_ADMIN_TOKEN", ADMIN_TOKEN);

    /** Runs a {@code sigil} command to its end; the output is stdout and stderr together. */
    private record Run(int exit, String output) {
    }

    private static Run sigil(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.sigil.Sigil"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("SIGIL_PORT");
        builder.environment().remove("SIGIL_MASTER_KEY");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    private static SdkClient environment(Http http) {
        return environment(http, ADMIN_TOKEN);
    }

    private static SdkClient environment(Http http, String adminToken) {
        Http.Response created = http.post("/api/v0/admin/environments",
                "{\"name\":\"backup\",\"allowedOrigins\":[\"http://localhost:3000\"],\"settings\":{\"sigil\":{\"rateLimits\":"
                        + "{\"noncesPerIpPerMinute\":100000,\"signInsPerIpPerMinute\":100000}}}}",
                "Authorization", "Bearer " + adminToken);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new SdkClient(http, created.json().get("id").asString());
    }

    @Test
    void aBackupTakenUnderLoadStartsOnAnotherDataDirWhereEverySessionOfBeforeItRefreshes() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-backup-source");
        Path backup = Files.createTempDirectory("sigil-backup").resolve("taken");
        List<String> before = new ArrayList<>();
        String issuer;
        String environmentId;
        // No SIGIL_ADMIN_TOKEN: the server generates admin-token in the data directory, and the backup carries it.
        try (SigilProcess server = SigilProcess.serve(dataDir, Optional.empty(), Map.of())) {
            issuer = server.http().baseUrl();
            SdkClient sdk = environment(server.http(), Files.readString(dataDir.resolve("admin-token")).trim());
            environmentId = sdk.environmentId();
            for (int i = 0; i < 20; i++) {
                before.add(sdk.signIn(TestWallet.random()).get("jwt").asString());
            }
            // Load while the backup runs: new sign-ins (new users, credentials, sessions) and refreshes of them.
            AtomicBoolean loading = new AtomicBoolean(true);
            List<Integer> failures = new CopyOnWriteArrayList<>();
            Thread load = Thread.ofPlatform().start(() -> {
                while (loading.get()) {
                    String jwt = sdk.signIn(TestWallet.random()).get("jwt").asString();
                    int status = sdk.post("/refresh", null, jwt).status();
                    if (status != 200) {
                        failures.add(status);
                    }
                }
            });
            Run run = sigil(Map.of(), "backup", "--data-dir", dataDir.toString(), backup.toString());
            loading.set(false);
            load.join();
            assertThat(run.exit()).as(run.output()).isZero();
            assertThat(run.output()).contains("sigil.db (1 environments", "integrity ok", "master.key", "admin-token");
            assertThat(failures).as("requests that failed while the backup ran").isEmpty();
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup.resolve("master.key"))))
                .isEqualTo("rw-------");
        assertThat(backup.resolve("master.key")).hasSameTextualContentAs(dataDir.resolve("master.key"));
        assertThat(backup.resolve("admin-token")).hasSameTextualContentAs(dataDir.resolve("admin-token"));
        // Restore: the backup is a data directory. The public URL stays the issuer every token names.
        try (SigilProcess restored = SigilProcess.serve(backup, Optional.empty(), Map.of("SIGIL_PUBLIC_URL", issuer))) {
            SdkClient sdk = new SdkClient(restored.http(), environmentId);
            for (String jwt : before) {
                Http.Response refreshed = sdk.post("/refresh", null, jwt);
                assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
            }
            assertThat(sdk.signIn(TestWallet.random()).get("jwt").asString()).isNotEmpty();
            assertThat(restored.output()).doesNotContain("WARN");
        }
    }

    @Test
    void aBackupRefusesAKeyThatIsNotTheDatabasesAndAnExistingDestination() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-backup-key");
        Optional<String> database = TestDatabase.freshPostgresSchema();
        List<String> storage = setUpAnEnvironment(dataDir, database);

        Path wrongKeyBackup = Files.createTempDirectory("sigil-backup-wrong").resolve("b");
        Run wrongKey = sigil(Map.of("SIGIL_MASTER_KEY", MasterKey.generateBase64(new SecureRandom())),
                concat(List.of("backup"), storage, List.of(wrongKeyBackup.toString())));
        assertThat(wrongKey.exit()).isEqualTo(2);
        assertThat(wrongKey.output().strip()).startsWith("sigil: the master key does not match this database")
                .doesNotContain("\n");
        assertThat(wrongKeyBackup).doesNotExist();

        Path occupied = Files.createTempDirectory("sigil-backup-occupied");
        Files.writeString(occupied.resolve("something"), "keep me");
        Run intoOccupied = sigil(Map.of(), concat(List.of("backup"), storage, List.of(occupied.toString())));
        assertThat(intoOccupied.exit()).isEqualTo(2);
        assertThat(intoOccupied.output()).contains("is not an empty directory");
        assertThat(occupied.resolve("something")).hasContent("keep me");

        Path good = Files.createTempDirectory("sigil-backup-good").resolve("b");
        Run ok = sigil(Map.of(), concat(List.of("backup"), storage, List.of(good.toString())));
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(good.resolve("master.key")).hasSameTextualContentAs(dataDir.resolve("master.key"));
        if (database.isPresent()) {
            assertThat(ok.output()).contains("pg_dump").doesNotContain(database.get());
            assertThat(good.resolve("sigil.db")).doesNotExist();
        } else {
            assertThat(good.resolve("sigil.db")).exists();
        }
    }

    @Test
    void serveWithAnotherMasterKeySaysSoInOneLineAndWithoutAKeyForSealedDataGeneratesNone() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-key-cli");
        Optional<String> database = TestDatabase.freshPostgresSchema();
        List<String> storage = setUpAnEnvironment(dataDir, database);

        Run wrongKey = sigil(Map.of("SIGIL_MASTER_KEY", MasterKey.generateBase64(new SecureRandom())),
                concat(List.of("serve", "--port", "0"), storage, List.of()));
        assertThat(wrongKey.exit()).isEqualTo(2);
        assertThat(wrongKey.output().strip()).startsWith("sigil: the master key does not match this database")
                .contains("docs/operating.md#backups-and-keys").doesNotContain("\n");

        Files.delete(dataDir.resolve("master.key"));
        Run noKey = sigil(Map.of(), concat(List.of("serve", "--port", "0"), storage, List.of()));
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.output().strip()).contains("none was generated").doesNotContain("\n");
        assertThat(dataDir.resolve("master.key")).doesNotExist();
    }

    @Test
    void anExistingKeyFileBesideAnEmptyDatabaseStartsButWarns() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-key-restore");
        // A restore that brought master.key but not the database.
        Files.writeString(dataDir.resolve("master.key"), MasterKey.generateBase64(new SecureRandom()) + "\n");
        Run run = sigil(ENV, "env", "create", "--name", "fresh", "--data-dir", dataDir.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("WARN", "was already there but the database was empty");

        Run again = sigil(ENV, "env", "create", "--name", "second", "--data-dir", dataDir.toString());
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).doesNotContain("database was empty");
    }

    /** A server run once on the data (so the database holds a sealed signing key); the storage flags naming it. */
    private static List<String> setUpAnEnvironment(Path dataDir, Optional<String> database) {
        try (SigilProcess server = SigilProcess.serve(dataDir, database, ENV)) {
            environment(server.http());
        }
        List<String> storage = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
        database.ifPresent(url -> storage.addAll(List.of("--database-url", url)));
        return storage;
    }

    private static String[] concat(List<String> a, List<String> b, List<String> c) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        all.addAll(c);
        return all.toArray(String[]::new);
    }
}
