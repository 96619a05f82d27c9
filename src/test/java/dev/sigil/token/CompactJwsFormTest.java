package dev.sigil.token;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TokenVerifier#isCanonicalCompactJws} checks the form of every bearer token in one pass over its characters.
 * It must accept exactly what "three dot-separated parts, each decoding as base64url and re-encoding to itself"
 * accepts; that slower definition, built on the JDK's decoder, is the oracle here.
 */
class CompactJwsFormTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /** Base64url characters, plus what attackers and fuzzers put in tokens: padding, other alphabets, blanks, NUL. */
    private static final String NOISE = ALPHABET + "=+/. \t\0\u00e9";

    @ParameterizedTest
    @ValueSource(strings = {"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "QQ.QUI.QUJD", "AA.AAA.AAAA"})
    void acceptsCanonicalTokens(String token) {
        assertThat(TokenVerifier.isCanonicalCompactJws(token)).isTrue();
        assertThat(oracle(token)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "a.b", "QQ.QQ", "QQ.QQ.QQ.QQ", ".QQ.QQ", "QQ.QQ.", "QQ..QQ", "QR.QQ.QQ", "QQ.QUJ.QUK",
            "QQ.QQ.Q", "QQ.QQ.QQ==", "QQ.QQ.Q Q", "QQ.QQ.Q+", "QQ.QQ.Q/", "\0QQ.QQ.QQ", "QQ.QQ.QQ\n", "QQ.QQ.Q\u00e9"})
    void rejectsEverythingElse(String token) {
        assertThat(TokenVerifier.isCanonicalCompactJws(token)).as(token).isFalse();
        assertThat(oracle(token)).as(token).isFalse();
    }

    @Test
    void agreesWithDecodeAndReencodeOnRandomTokens() {
        SplittableRandom random = new SplittableRandom(20261125);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder token = new StringBuilder();
            int parts = random.nextBoolean() ? 3 : 1 + random.nextInt(4);
            for (int p = 0; p < parts; p++) {
                if (p > 0) {
                    token.append('.');
                }
                String chars = random.nextInt(4) == 0 ? NOISE : ALPHABET;
                int length = random.nextInt(9);
                for (int c = 0; c < length; c++) {
                    token.append(chars.charAt(random.nextInt(chars.length())));
                }
            }
            boolean expected = oracle(token.toString());
            assertThat(TokenVerifier.isCanonicalCompactJws(token.toString())).as(token.toString()).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        assertThat(accepted).as("both outcomes are exercised").isGreaterThan(1_000).isLessThan(199_000);
    }

    private static boolean oracle(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || !part.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
                return false;
            }
            try {
                byte[] bytes = Base64.getUrlDecoder().decode(part);
                if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(part)) {
                    return false;
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }
}
