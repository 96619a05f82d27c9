package dev.sigil.otp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EmailAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"a@b.co", "First.Last+tag@Example.COM", "o'brien@mail.example.ie", "x_y-z@sub-1.example.org"})
    void acceptsOrdinaryAddressesAndKeysThemInLowerCase(String text) {
        EmailAddress email = EmailAddress.parse(text).orElseThrow();
        assertThat(email.value()).isEqualTo(text);
        assertThat(email.key()).isEqualTo(text.toLowerCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "@example.com", "a@", "a@localhost", "a..b@example.com", ".a@example.com",
            "a@-example.com", "a@example..com", "a b@example.com", "\"quoted\"@example.com", "a@[127.0.0.1]",
            "a@b@example.com", "ünï@example.com", "a@example.com\r\nBcc: x@y.z"})
    void refusesWhatIsNotAPlainAddress(String text) {
        assertThat(EmailAddress.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {65, 300})
    void enforcesRfc5321Limits(int localLength) {
        assertThat(EmailAddress.parse("a".repeat(64) + "@example.com")).isPresent();
        assertThat(EmailAddress.parse("a".repeat(localLength) + "@example.com")).isEmpty();
        String label = "b".repeat(60) + ".";
        assertThat(EmailAddress.parse("a@" + label.repeat(4) + "com")).isPresent();   // 249 characters
        assertThat(EmailAddress.parse("a@" + label.repeat(5) + "com")).isEmpty();     // 310 characters
    }
}
