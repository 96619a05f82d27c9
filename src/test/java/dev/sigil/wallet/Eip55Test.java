package dev.sigil.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.crypto.Keys;

class Eip55Test {

    /** The "Test Cases" section of EIP-55, verbatim: all caps, all lower, then normal mixed-case addresses. */
    static List<String> eip55Vectors() {
        return List.of(
                // All caps
                "0x52908400098527886E0F7030069857D2E4169EE7",
                "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
                // All Lower
                "0xde709f2102306220921060314715629080e2fb77",
                "0x27b1fdb04752bbc536007a920d24acb045561c26",
                // Normal
                "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
                "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb");
    }

    @ParameterizedTest
    @MethodSource("eip55Vectors")
    void acceptsEveryPublishedVectorAsWritten(String vector) {
        assertThat(Eip55.isAddress(vector)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("eip55Vectors")
    void checksumsLowerAndUpperCaseFormsToThePublishedVector(String vector) {
        String digits = vector.substring(2);
        assertThat(Eip55.checksum("0x" + digits.toLowerCase(Locale.ROOT))).isEqualTo(vector);
        assertThat(Eip55.checksum("0x" + digits.toUpperCase(Locale.ROOT))).isEqualTo(vector);
        assertThat(Eip55.checksum(vector)).isEqualTo(vector);
    }

    @ParameterizedTest
    @MethodSource("eip55Vectors")
    void agreesWithWeb3jOnThePublishedVectors(String vector) {
        assertThat(Eip55.checksum(vector.toLowerCase(Locale.ROOT)))
                .isEqualTo(Keys.toChecksumAddress(vector.toLowerCase(Locale.ROOT)));
    }

    @Test
    void acceptsAllLowerAndAllUpperCaseAsUnchecksummed() {
        assertThat(Eip55.isAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")).isTrue();
        assertThat(Eip55.isAddress("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")).isTrue();
    }

    @Test
    void rejectsMixedCaseWithOneLetterFlipped() {
        assertThat(Eip55.isAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")).isFalse();
        assertThat(Eip55.isAddress("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9adb")).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",            // no 0x
        "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",          // upper-case X
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",           // 39 digits
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0",         // 41 digits
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg",          // not hex
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea\uff10\uff10",  // fullwidth digits
        " 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",         // whitespace
    })
    void rejectsStringsThatAreNotAddresses(String s) {
        assertThat(Eip55.isAddress(s)).isFalse();
    }

    @Test
    void checksumRefusesNonAddressesAndWrongChecksums() {
        assertThatThrownBy(() -> Eip55.checksum("0x1234")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Eip55.checksum(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Eip55.checksum("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
