package dev.sigil.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpConfigTest {

    @Test
    void noSmtpHostMeansNoSmtp() {
        assertThat(Config.resolve(Config.Flags.none(), Map.of()).smtp()).isEmpty();
    }

    @Test
    void smtpVariablesAreReadWithDefaultPortsPerSecurity() {
        Config config = Config.resolve(Config.Flags.none(), Map.of("SIGIL_SMTP_HOST", "smtp.example.com",
                "SIGIL_SMTP_FROM", "codes@example.com", "SIGIL_SMTP_USERNAME", "u", "SIGIL_SMTP_PASSWORD", "hunter2"));
        SmtpConfig smtp = config.smtp().orElseThrow();
        assertThat(smtp.host()).isEqualTo("smtp.example.com");
        assertThat(smtp.port()).isEqualTo(587);
        assertThat(smtp.security()).isEqualTo(SmtpConfig.Security.STARTTLS);
        assertThat(smtp.password()).contains("hunter2");
        assertThat(smtp.toString()).doesNotContain("hunter2");
        assertThat(config.toString()).doesNotContain("hunter2");

        assertThat(Config.resolve(Config.Flags.none(), Map.of("SIGIL_SMTP_HOST", "h", "SIGIL_SMTP_FROM", "a@b.co",
                "SIGIL_SMTP_SECURITY", "tls")).smtp().orElseThrow().port()).isEqualTo(465);
        assertThat(Config.resolve(Config.Flags.none(), Map.of("SIGIL_SMTP_HOST", "h", "SIGIL_SMTP_FROM", "a@b.co",
                "SIGIL_SMTP_SECURITY", "none", "SIGIL_SMTP_PORT", "2525")).smtp().orElseThrow().port()).isEqualTo(2525);
    }

    @Test
    void smtpMistakesAreNamed() {
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_SMTP_HOST", "h")))
                .hasMessageContaining("SIGIL_SMTP_FROM");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_SMTP_HOST", "h", "SIGIL_SMTP_FROM", "a@b.co",
                "SIGIL_SMTP_SECURITY", "ssl"))).hasMessageContaining("SIGIL_SMTP_SECURITY");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_SMTP_HOST", "h", "SIGIL_SMTP_FROM", "a@b.co",
                "SIGIL_SMTP_PORT", "x"))).hasMessageContaining("SIGIL_SMTP_PORT");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_SMTP_HOST", "h", "SIGIL_SMTP_FROM", "nope")))
                .hasMessageContaining("SIGIL_SMTP_FROM");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_SMTP_HOST", "h", "SIGIL_SMTP_FROM", "a@b.co",
                "SIGIL_SMTP_USERNAME", "u"))).hasMessageContaining("SIGIL_SMTP_PASSWORD");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_SMTP_FROM", "a@b.co")))
                .hasMessageContaining("SIGIL_SMTP_HOST");
    }
}
