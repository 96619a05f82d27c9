package dev.sigil.config;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

    @Test
    void defaultsApplyWhenNothingIsSet() {
        Config config = Config.resolve(Config.Flags.none(), Map.of());
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("./sigil-data").toAbsolutePath().normalize());
        assertThat(config.databaseUrl()).isEmpty();
        assertThat(config.publicUrl()).isEmpty();
    }

    @Test
    void environmentVariablesOverrideDefaults() {
        Config config = Config.resolve(Config.Flags.none(), Map.of(
                "SIGIL_HOST", "0.0.0.0", "SIGIL_PORT", "9000", "SIGIL_DATA_DIR", "/tmp/sigil-x",
                "SIGIL_DATABASE_URL", "jdbc:postgresql://db/sigil", "SIGIL_PUBLIC_URL", "https://auth.example.com",
                "SIGIL_ADMIN_TOKEN", "t", "SIGIL_MASTER_KEY", "k"));
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/sigil-x"));
        assertThat(config.databaseUrl()).contains("jdbc:postgresql://db/sigil");
        assertThat(config.publicUrl()).contains("https://auth.example.com");
        assertThat(config.adminToken()).contains("t");
        assertThat(config.masterKey()).contains("k");
    }

    @Test
    void toBuilderCarriesEverySettingAndChangesOnlyTheOneSet() throws Exception {
        Map<String, String> env = Map.ofEntries(Map.entry("SIGIL_HOST", "0.0.0.0"), Map.entry("SIGIL_PORT", "9000"),
                Map.entry("SIGIL_DATA_DIR", "/tmp/sigil-x"),
                Map.entry("SIGIL_DATABASE_URL", "jdbc:postgresql://db/sigil"),
                Map.entry("SIGIL_PUBLIC_URL", "https://auth.example.com"), Map.entry("SIGIL_ADMIN_TOKEN", "t"),
                Map.entry("SIGIL_MASTER_KEY", "k"), Map.entry("SIGIL_SMTP_HOST", "mail.example.com"),
                Map.entry("SIGIL_SMTP_FROM", "auth@example.com"), Map.entry("SIGIL_SMS_PROVIDER", "twilio"),
                Map.entry("SIGIL_TWILIO_ACCOUNT_SID", "AC" + "0".repeat(32)),
                Map.entry("SIGIL_TWILIO_AUTH_TOKEN", "s3cret"), Map.entry("SIGIL_TWILIO_FROM", "+15005550006"),
                Map.entry("SIGIL_METRICS_TOKEN", "m"), Map.entry("SIGIL_REDIS_URL", "redis://cache:6379"),
                Map.entry("SIGIL_TRUSTED_PROXIES", "10.0.0.0/8"), Map.entry("SIGIL_OPERATOR_REQUESTS_PER_MINUTE", "7"),
                Map.entry("SIGIL_REQUEST_HEAD_TIMEOUT_SECONDS", "3"),
                Map.entry("SIGIL_MAX_CONNECTIONS_PER_ADDRESS", "9"));
        Config config = Config.resolve(Config.Flags.none(), env).toBuilder()
                .devMode(true).webhookPoll(Duration.ofMillis(20)).build();
        // Every setting differs from its default, so a setting toBuilder forgot to copy would show below.
        Config defaults = Config.builder(Path.of("/elsewhere")).build();
        for (RecordComponent component : Config.class.getRecordComponents()) {
            Method value = component.getAccessor();
            assertThat(value.invoke(config)).as(component.getName()).isNotEqualTo(value.invoke(defaults));
        }

        assertThat(config.toBuilder().build()).isEqualTo(config);
        Config moved = config.toBuilder().port(0).build();
        assertThat(moved.port()).isZero();
        assertThat(moved.toBuilder().port(9000).build()).isEqualTo(config);
        assertThatThrownBy(() -> config.toBuilder().port(65536).build()).hasMessageContaining("port");
    }

    @Test
    void flagsOverrideEnvironmentVariables() {
        Config config = Config.resolve(new Config.Flags(Optional.of("::1"), Optional.of(7000), Optional.of(Path.of("/tmp/f")),
                        Optional.of("jdbc:postgresql://flag/db")),
                Map.of("SIGIL_HOST", "0.0.0.0", "SIGIL_PORT", "9000", "SIGIL_DATA_DIR", "/tmp/e",
                        "SIGIL_DATABASE_URL", "jdbc:postgresql://env/db"));
        assertThat(config.host()).isEqualTo("::1");
        assertThat(config.port()).isEqualTo(7000);
        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/f"));
        assertThat(config.databaseUrl()).contains("jdbc:postgresql://flag/db");
    }

    @Test
    void invalidValuesAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_PORT", "http")))
                .hasMessageContaining("SIGIL_PORT");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_PORT", "70000")))
                .hasMessageContaining("port");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_DATABASE_URL", "jdbc:mysql://x")))
                .hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_PUBLIC_URL", "auth.example.com")))
                .hasMessageContaining("SIGIL_PUBLIC_URL");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_PUBLIC_URL", "ftp://auth.example.com")))
                .hasMessageContaining("SIGIL_PUBLIC_URL");
    }

    @Test
    void operatorRequestLimitIsReadAndChecked() {
        assertThat(Config.resolve(Config.Flags.none(), Map.of()).operatorRequestsPerMinute()).isEqualTo(600);
        assertThat(Config.resolve(Config.Flags.none(), Map.of("SIGIL_OPERATOR_REQUESTS_PER_MINUTE", " 6000 "))
                .operatorRequestsPerMinute()).isEqualTo(6000);
        for (String invalid : new String[] {"many", "0", "-1", "1000001", "1e6"}) {
            assertThatThrownBy(() -> Config.resolve(Config.Flags.none(),
                    Map.of("SIGIL_OPERATOR_REQUESTS_PER_MINUTE", invalid)))
                    .hasMessageContaining("SIGIL_OPERATOR_REQUESTS_PER_MINUTE");
        }
    }

    @Test
    void connectionLimitsAreReadAndChecked() {
        Config defaults = Config.resolve(Config.Flags.none(), Map.of());
        assertThat(defaults.requestHeadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.maxConnectionsPerAddress()).isEqualTo(256);
        Config config = Config.resolve(Config.Flags.none(), Map.of("SIGIL_REQUEST_HEAD_TIMEOUT_SECONDS", " 300 ",
                "SIGIL_MAX_CONNECTIONS_PER_ADDRESS", "10000"));
        assertThat(config.requestHeadTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.maxConnectionsPerAddress()).isEqualTo(10_000);
        assertThat(Config.resolve(Config.Flags.none(), Map.of("SIGIL_REQUEST_HEAD_TIMEOUT_SECONDS", "1",
                "SIGIL_MAX_CONNECTIONS_PER_ADDRESS", "1")).maxConnectionsPerAddress()).isEqualTo(1);
        for (String invalid : new String[] {"soon", "0", "-1", "301", "1.5"}) {
            assertThatThrownBy(() -> Config.resolve(Config.Flags.none(),
                    Map.of("SIGIL_REQUEST_HEAD_TIMEOUT_SECONDS", invalid)))
                    .hasMessageContaining("SIGIL_REQUEST_HEAD_TIMEOUT_SECONDS");
        }
        // The per-address cap is below the global one: more would be the global cap under another name.
        for (String invalid : new String[] {"many", "0", "-1", "10001"}) {
            assertThatThrownBy(() -> Config.resolve(Config.Flags.none(),
                    Map.of("SIGIL_MAX_CONNECTIONS_PER_ADDRESS", invalid)))
                    .hasMessageContaining("SIGIL_MAX_CONNECTIONS_PER_ADDRESS");
        }
        assertThatThrownBy(() -> Config.builder(Path.of("/d")).requestHeadTimeout(Duration.ZERO).build())
                .hasMessageContaining("SIGIL_REQUEST_HEAD_TIMEOUT_SECONDS");
    }

    @Test
    void redisAndTrustedProxiesAreReadAndChecked() {
        Config none = Config.resolve(Config.Flags.none(), Map.of());
        assertThat(none.redis()).isEmpty();
        assertThat(none.trustedProxies().ranges()).isEmpty();
        Config config = Config.resolve(Config.Flags.none(), Map.of("SIGIL_REDIS_URL", "redis://:secret@cache:6380/2",
                "SIGIL_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7"));
        assertThat(config.redis().orElseThrow().keyPrefix()).isEqualTo("sigil:rl:");
        assertThat(config.redis().orElseThrow().safeUrl()).isEqualTo("redis://***@cache:6380/2");
        assertThat(config.trustedProxies().ranges()).hasSize(2);
        assertThat(Config.resolve(Config.Flags.none(), Map.of("SIGIL_REDIS_URL", "rediss://cache",
                "SIGIL_REDIS_KEY_PREFIX", "staging:")).redis().orElseThrow().keyPrefix()).isEqualTo("staging:");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_REDIS_URL", "http://cache:6379")))
                .hasMessageContaining("SIGIL_REDIS_URL");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_REDIS_URL", "redis://cache",
                "SIGIL_REDIS_KEY_PREFIX", "has space")))
                .hasMessageContaining("SIGIL_REDIS_KEY_PREFIX");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_TRUSTED_PROXIES", "10.0.0.0/40")))
                .hasMessage("SIGIL_TRUSTED_PROXIES: '10.0.0.0/40' has a prefix length outside 0..32");
    }
}
