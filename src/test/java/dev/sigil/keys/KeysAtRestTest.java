package dev.sigil.keys;

import dev.sigil.App;
import dev.sigil.config.Config;
import dev.sigil.store.Database;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestDatabase;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysAtRestTest {
    private static final byte[] RSA_ENCRYPTION_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void privateKeysAreStoredSealedNeverAsPkcs8() {
        try (TestServer server = TestServer.start()) {
            server.createEnvironment();
            List<Map<String, Object>> rows = server.app().services().database.jdbi().withHandle(h ->
                    h.createQuery("SELECT private_key_enc FROM signing_keys").mapToMap().list());
            assertThat(rows).isNotEmpty();
            for (Map<String, Object> row : rows) {
                byte[] stored = Base64.getDecoder().decode((String) row.get("private_key_enc"));
                // Any PKCS#8 RSA key carries the rsaEncryption OID 1.2.840.113549.1.1.1 in its DER.
                assertThat(indexOf(stored, RSA_ENCRYPTION_OID)).isEqualTo(-1);
            }
        }
    }

    @Test
    void generatedMasterKeyAndAdminTokenAreOwnerOnlyFiles() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-secrets");
        Config config = Config.builder(dataDir).port(0).databaseUrl(TestDatabase.freshPostgresSchema()).build();
        try (App app = App.start(config)) {
            assertThat(app.services().adminToken.generated()).isTrue();
            for (String name : List.of("master.key", "admin-token")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(name))))
                        .isEqualTo("rw-------");
            }
            assertThat(Files.readString(dataDir.resolve("admin-token")).trim()).isEqualTo(app.services().adminToken.value());
        }
        try (App again = App.start(config)) {
            assertThat(again.services().adminToken.generated()).isFalse();
        }
    }

    @Test
    void aWrongMasterKeyCannotUnsealTheSigningKeys() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-master");
        Optional<String> database = TestDatabase.freshPostgresSchema();
        String rightKey = MasterKey.generateBase64(new SecureRandom());
        Config config = Config.builder(dataDir).port(0).databaseUrl(database)
                .adminToken(Optional.of(TestServer.ADMIN_TOKEN)).masterKey(Optional.of(rightKey)).build();
        String environmentId;
        try (App app = App.start(config, MutableClock.startingNow())) {
            environmentId = app.services().environments.create("sealed", List.of(TestServer.ORIGIN)).id();
        }
        String wrongKey = MasterKey.generateBase64(new SecureRandom());
        // A server refuses to start with it (MasterKeyCheckTest); below that check, the sealed keys stay sealed.
        assertThatThrownBy(() -> App.start(config.toBuilder().masterKey(Optional.of(wrongKey)).build()).close())
                .hasMessageContaining("the master key does not match this database");
        try (Database db = Database.open(database, dataDir.resolve("sigil.db"))) {
            SigningKeys keys = new SigningKeys(db.jdbi(), MasterKey.fromBase64(wrongKey, new SecureRandom()),
                    MutableClock.startingNow());
            assertThatThrownBy(() -> keys.current(environmentId)).hasMessageContaining("cannot decrypt a signing key");
        }
    }

    @Test
    void masterKeyRoundTripsAndIsBoundToItsAssociatedData() {
        MasterKey key = MasterKey.fromBase64(MasterKey.generateBase64(new SecureRandom()), new SecureRandom());
        String sealed = key.encrypt("secret".getBytes(), "kid-1");
        assertThat(new String(key.decrypt(sealed, "kid-1"))).isEqualTo("secret");
        assertThatThrownBy(() -> key.decrypt(sealed, "kid-2")).isInstanceOf(IllegalStateException.class);
        assertThat(key.encrypt("secret".getBytes(), "kid-1")).isNotEqualTo(sealed);
    }

    @Test
    void masterKeyMustBeThirtyTwoBytesOfBase64() {
        assertThatThrownBy(() -> MasterKey.fromBase64("c2hvcnQ=", new SecureRandom())).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> MasterKey.fromBase64("not base64!", new SecureRandom())).hasMessageContaining("base64");
    }

    @Test
    void signInStillWorksWithAnOperatorSuppliedMasterKey() throws Exception {
        Path dataDir = Files.createTempDirectory("sigil-operator-key");
        Config config = Config.builder(dataDir).port(0).databaseUrl(TestDatabase.freshPostgresSchema())
                .adminToken(Optional.of(TestServer.ADMIN_TOKEN))
                .masterKey(Optional.of(MasterKey.generateBase64(new SecureRandom()))).build();
        try (App app = App.start(config)) {
            assertThat(Files.exists(dataDir.resolve("master.key"))).isFalse();
            String env = app.services().environments.create("k", List.of(TestServer.ORIGIN)).id();
            assertThat(app.services().keys.current(env).kid()).hasSize(36);
        }
    }

    @Test
    void walletSignInTokensVerifyAgainstTheCurrentKey() {
        try (TestServer server = TestServer.start()) {
            SdkClient sdk = new SdkClient(server, server.createEnvironment());
            String kid = server.app().services().keys.current(sdk.environmentId()).kid();
            String token = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
            String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
            assertThat(header).contains("\"kid\":\"" + kid + "\"");
        }
    }
}
