package dev.sigil.wallet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class Base58Test {

    /** bitcoin/bitcoin src/test/data/base58_encode_decode.json (all non-empty vectors). */
    @ParameterizedTest
    @CsvSource({
            "61, 2g",
            "626262, a3gV",
            "636363, aPEr",
            "73696d706c792061206c6f6e6720737472696e67, 2cFupjhnEsSn59qHXstmK2ffpLv2",
            "00eb15231dfceb60925886b67d065299925915aeb172c06647, 1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
            "516b6fcd0f, ABnLTmg",
            "bf4f89001e670274dd, 3SEo3LWLoPntC",
            "572e4794, 3EFU7m",
            "ecac89cad93923c02321, EJDM8drfXA6uyA",
            "10c8511e, Rt5zm",
            "00000000000000000000, 1111111111",
            "000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5, 123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
    })
    void encodesAndDecodesBitcoinTestVectors(String hex, String base58) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThat(Base58.encode(bytes)).isEqualTo(base58);
        assertThat(Base58.decode(base58)).hasValueSatisfying(decoded -> assertThat(decoded).isEqualTo(bytes));
    }

    @Test
    void decodesTheSystemProgramAddressToThirtyTwoZeroBytes() {
        assertThat(Base58.decode("11111111111111111111111111111111"))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(new byte[32]));
    }

    @Test
    void roundTripsRandomKeysAndSignatures() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 500; i++) {
            byte[] bytes = new byte[i % 2 == 0 ? 32 : 64];
            random.nextBytes(bytes);
            if (i % 10 == 0) {
                bytes[0] = 0;
            }
            assertThat(Base58.decode(Base58.encode(bytes))).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "O", "I", "l", "abc0", "3EFU7m ", "+/", "3EFU7m\n", "é", "\u0661"})
    void refusesCharactersOutsideTheBitcoinAlphabet(String text) {
        assertThat(Base58.decode(text)).isEmpty();
    }

    @Test
    void refusesEmptyNullAndOverlongText() {
        assertThat(Base58.decode("")).isEmpty();
        assertThat(Base58.decode(null)).isEmpty();
        assertThat(Base58.decode("2".repeat(Base58.MAX_LENGTH + 1))).isEmpty();
        assertThat(Base58.decode("2".repeat(Base58.MAX_LENGTH))).isPresent();
    }
}
