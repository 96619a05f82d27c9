package dev.sigil.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sigil.http.ApiException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes the normalisation of the identifiers one-time codes go to. Phone numbers are refused only with the documented
 * {@link ApiException}s (400 for a malformed country, 422 {@code invalid_phone} for the number) and normalise to an E.164
 * form that normalises to itself; email addresses are accepted or not (never an exception) and their key is stable.
 */
class ContactNormalisationFuzzTest {

    /**
     * Byte 0 picks the entry point: even is the single international {@code phoneNumber} of a profile update, odd is the
     * three fields of an SMS verification ({@code phoneCountryCode}, {@code phoneNumber}, {@code isoCountryCode}, split
     * from the rest of the text at its first two line feeds).
     */
    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"+1", "+44", "+49", "+800", "+882", "+7", "US", "GB", "DE", "001", "(415) 555-2671", "7400 123456",
            "030 123456", "0", "00", "++", "-", ".", " "})
    void phoneNumbersNormaliseOnceOrAreRefusedAsDocumented(byte[] input) {
        if (input.length < 1) {
            return;
        }
        String text = new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_8);
        boolean international = (input[0] & 1) == 0;
        Destination phone;
        try {
            phone = international ? PhoneNumbers.parseInternational(text) : parseFields(text);
        } catch (ApiException e) {
            // The single phoneNumber field can only be wrong as a phone number; the three fields can also name a
            // malformed country (400).
            if (international || e.status() != 400) {
                assertThat(e.status()).as(e.getMessage()).isEqualTo(422);
                assertThat(e.code()).as(e.getMessage()).contains("invalid_phone");
            }
            return;
        }
        assertThat(phone.channel()).isEqualTo(OtpChannel.SMS);
        // E.164 caps numbers at 15 digits, but libphonenumber rightly accepts longer German numbers (+49 and up to 15
        // national digits, found by the fuzzer): the shape is E.164's, the length libphonenumber's.
        assertThat(phone.key()).isEqualTo(phone.value()).matches("\\+[1-9][0-9]{1,16}");
        assertThat(PhoneNumbers.parseInternational(phone.value())).as("E.164 form, normalised again").isEqualTo(phone);
        assertThat(PhoneNumbers.parse(phone.details().get("phoneCountryCode"), phone.details().get("phoneNumber"),
                phone.details().get("isoCountryCode"))).as("the fields sent back, normalised again").isEqualTo(phone);
    }

    private static Destination parseFields(String text) {
        String[] fields = Arrays.copyOf(text.split("\n", 3), 3);
        return PhoneNumbers.parse(Optional.ofNullable(fields[0]).orElse(""), Optional.ofNullable(fields[1]).orElse(""),
                Optional.ofNullable(fields[2]).orElse(""));
    }

    /** Found by the fuzzer: the number is valid but has no country, and was refused as a 400 about isoCountryCode. */
    @Test
    void nonGeographicNumberIsRefusedAsAnInvalidPhone() {
        for (String number : List.of("+80012345678", "+800 1234 5678")) {
            assertThatThrownBy(() -> PhoneNumbers.parseInternational(number))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.code()).contains("invalid_phone");
                        assertThat(e.getMessage()).isEqualTo("phoneNumber must be the number of a country");
                    });
        }
    }

    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"@", ".", "..", "@@", "example.com", "Someone", "xn--", "-", "+tag", "\"", "[127.0.0.1]"})
    void emailAddressesParseWithoutExceptionAndKeepTheirKey(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Optional<EmailAddress> email = EmailAddress.parse(text);
        if (email.isEmpty()) {
            return;
        }
        EmailAddress address = email.get();
        assertThat(address.value()).isEqualTo(text);
        assertThat(text.length()).isLessThanOrEqualTo(EmailAddress.MAX_LENGTH);
        Optional<EmailAddress> again = EmailAddress.parse(address.key());
        assertThat(again).as("the key of %s is itself an address", text).isPresent();
        assertThat(again.get().key()).isEqualTo(address.key());
    }
}
