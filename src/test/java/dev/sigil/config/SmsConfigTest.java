package dev.sigil.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmsConfigTest {
    private static final String SID = "AC" + "0123456789abcdef".repeat(2);

    private static Map<String, String> twilio() {
        Map<String, String> env = new HashMap<>(Map.of("SIGIL_SMS_PROVIDER", "twilio", "SIGIL_TWILIO_ACCOUNT_SID", SID,
                "SIGIL_TWILIO_AUTH_TOKEN", "s3cret-token", "SIGIL_TWILIO_FROM", "+15005550006"));
        return env;
    }

    @Test
    void twilioIsReadFromTheEnvironmentAndItsTokenNeverPrinted() {
        Config config = Config.resolve(Config.Flags.none(), twilio());
        SmsConfig sms = config.sms().orElseThrow();
        assertThat(sms.baseUrl().toString()).isEqualTo("https://api.twilio.com");
        assertThat(sms.authToken()).isEqualTo("s3cret-token");
        assertThat(config.toString()).doesNotContain("s3cret-token");
        assertThat(Config.resolve(Config.Flags.none(), Map.of()).sms()).isEmpty();
    }

    @Test
    void twilioMistakesAreNamed() {
        Map<String, String> noToken = twilio();
        noToken.remove("SIGIL_TWILIO_AUTH_TOKEN");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), noToken)).hasMessageContaining("SIGIL_TWILIO_AUTH_TOKEN");
        Map<String, String> badSid = twilio();
        badSid.put("SIGIL_TWILIO_ACCOUNT_SID", "nope");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), badSid)).hasMessageContaining("SIGIL_TWILIO_ACCOUNT_SID");
        Map<String, String> badFrom = twilio();
        badFrom.put("SIGIL_TWILIO_FROM", "12345");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), badFrom)).hasMessageContaining("SIGIL_TWILIO_FROM");
        assertThatThrownBy(() -> Config.resolve(Config.Flags.none(), Map.of("SIGIL_SMS_PROVIDER", "vonage")))
                .hasMessageContaining("SIGIL_SMS_PROVIDER");
    }
}
