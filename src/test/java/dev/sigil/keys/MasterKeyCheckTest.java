package dev.sigil.keys;

import dev.sigil.App;
import dev.sigil.config.Config;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestDatabase;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A database knows its master key: a process with another key, or none where one is needed, refuses to start instead
 * of reporting ready and answering 500 to every sign-in (on SQLite, and on PostgreSQL where nodes share a database).
 */
class MasterKeyCheckTest {
    private Path dataDir;
    private Optional<String> database;

    @BeforeEach
    void freshData() throws Exception {
        dataDir = Files.createTempDirectory("sigil-key-check");
        database = TestDatabase.freshPostgresSchema();
    }

    private App start(Optional<String> masterKey) {
        return start(dataDir, masterKey);
    }

    private App start(Path dir, Optional<String> masterKey) {
        return App.start(Config.builder(dir).host("127.0.0.1").port(0).databaseUrl(database)
                .adminToken(Optional.of(TestServer.ADMIN_TOKEN)).masterKey(masterKey).build());
    }

    private static String signInAndRefresh(App app) {
        Http http = new Http("http://127.0.0.1:" + app.port());
        Http.Response created = http.post("/api/v0/admin/environments",
                "{\"name\":\"k\",\"allowedOrigins\":[\"" + TestServer.ORIGIN + "\"]}",
                "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
        assertThat(created.status()).isEqualTo(201);
        SdkClient sdk = new SdkClient(http, created.json().get("id").asString());
        String jwt = sdk.signIn(TestWallet.random()).get("jwt").asString();
        assertThat(sdk.post("/refresh", null, jwt).status()).isEqualTo(200);
        return jwt;
    }

    private Jdbi jdbi() {
        return Jdbi.create(database.orElseGet(() -> "jdbc:sqlite:" + dataDir.resolve("sigil.db")));
    }

    @Test
    void aNodeWithAnotherMasterKeyRefusesToStartAndTheFirstKeepsServing() {
        try (App first = start(Optional.empty())) {
            signInAndRefresh(first);
            String other = MasterKey.generateBase64(new SecureRandom());
            assertThatThrownBy(() -> start(Optional.of(other)).close())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the master key does not match this database")
                    .hasMessageNotContaining(other)
                    .message().doesNotContain("\n");
            signInAndRefresh(first);
        }
    }

    @Test
    void theRightKeyGivenAsAnEnvironmentVariableStartsASecondNode() throws Exception {
        try (App first = start(Optional.empty())) {
            signInAndRefresh(first);
            String key = Files.readString(dataDir.resolve("master.key")).trim();
            Path otherDir = database.isPresent() ? Files.createTempDirectory("sigil-key-check-2") : dataDir;
            try (App second = start(otherDir, Optional.of(key))) {
                signInAndRefresh(second);
            }
        }
    }

    @Test
    void aLostKeyFileIsNotReplacedByANewKeyWhileTheDatabaseHoldsSealedKeys() throws Exception {
        Path keyFile = dataDir.resolve("master.key");
        try (App app = start(Optional.empty())) {
            signInAndRefresh(app);
        }
        String key = Files.readString(keyFile);
        Files.delete(keyFile);

        assertThatThrownBy(() -> start(Optional.empty()).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sealed with a master key that is not here")
                .hasMessageContaining("none was generated");
        assertThat(keyFile).doesNotExist();

        Files.writeString(keyFile, key);
        try (App restored = start(Optional.empty())) {
            signInAndRefresh(restored);
        }
    }

    @Test
    void aDatabaseFromBeforeTheCheckRecordsTheKeyOnlyIfTheKeyOpensItsSigningKeys() throws Exception {
        try (App app = start(Optional.empty())) {
            signInAndRefresh(app);
        }
        String recorded = jdbi().withHandle(h -> h.createQuery("SELECT check_value FROM master_key_check")
                .mapTo(String.class).one());
        // As a database written before V7 looks: sealed signing keys, no check value.
        jdbi().useHandle(h -> h.execute("DELETE FROM master_key_check"));

        assertThatThrownBy(() -> start(Optional.of(MasterKey.generateBase64(new SecureRandom()))).close())
                .hasMessageContaining("the master key does not match this database");
        int rows = jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM master_key_check").mapTo(Integer.class).one());
        assertThat(rows).isZero();

        try (App app = start(Optional.empty())) {
            signInAndRefresh(app);
        }
        List<String> values = jdbi().withHandle(h -> h.createQuery("SELECT check_value FROM master_key_check")
                .mapTo(String.class).list());
        assertThat(values).isEqualTo(List.of(recorded));
    }

    @Test
    void theCheckValueIsDerivedAndNeverTheKey() {
        MasterKey key = MasterKey.fromBase64(MasterKey.generateBase64(new SecureRandom()), new SecureRandom());
        String value = MasterKeyCheck.checkValue(key);
        assertThat(value).isEqualTo(MasterKeyCheck.checkValue(key)).hasSize(43);
        assertThat(value).isNotEqualTo(MasterKeyCheck.checkValue(
                MasterKey.fromBase64(MasterKey.generateBase64(new SecureRandom()), new SecureRandom())));
    }
}
