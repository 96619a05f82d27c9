package dev.sigil.otp;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class OtpCodeFormatTest {

    @Test
    void codesAreSixAsciiDigitsWhateverTheDefaultLocale() {
        Locale original = Locale.getDefault(Locale.Category.FORMAT);
        try {
            for (Locale locale : new Locale[]{Locale.forLanguageTag("ar-EG"), Locale.forLanguageTag("fa-IR"),
                    Locale.forLanguageTag("hi-IN-u-nu-deva"), Locale.US}) {
                Locale.setDefault(Locale.Category.FORMAT, locale);
                assertThat(OtpCodes.sixDigits(42)).as(locale.toLanguageTag()).isEqualTo("000042");
                assertThat(OtpCodes.sixDigits(999_999)).as(locale.toLanguageTag()).isEqualTo("999999");
            }
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, original);
        }
    }
}
