package dev.sigil.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.util.Base64URL;
import dev.sigil.http.ApiException;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link TokenVerifier#verify} with arbitrary bearer strings against a real environment key set (a test server
 * with a signed-in user). Every input must be accepted or refused with a 401 {@link ApiException}; nothing else may
 * escape. A token is only accepted when its signed part and signature are those of a token the server issued: the
 * fuzzer cannot forge RS256, so anything else accepted would be a verifier bug.
 *
 * <p>Input layout (so the committed seeds stay readable): byte 0 picks how the token is built, byte 1 picks the
 * environment and the genuine token to start from, the rest feeds the builder. See {@link #token}.
 */
class TokenVerifierFuzzTest {
    static TestServer server;
    static TokenVerifier verifier;
    static String environmentId;
    static String otherEnvironmentId;
    /** The full and the minified token of one live session. */
    static List<String> genuine;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        environmentId = server.createEnvironment();
        otherEnvironmentId = server.createEnvironment();
        JsonNode signedIn = new SdkClient(server, environmentId).signIn(TestWallet.random());
        genuine = List.of(signedIn.get("jwt").asString(), signedIn.get("minifiedJwt").asString());
        verifier = new TokenVerifier(server.app().services().keys, new Issuer(server::baseUrl), server.clock);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"eyJ", "eyJhbGciOiJSUzI1NiIs", "{\"alg\":\"RS256\",\"kid\":\"", "{\"alg\":\"none\"}",
            "{\"alg\":\"HS256\"", "\"crit\":[\"exp\"]", "\"jku\":\"http://127.0.0.1/\"", "\"jwk\":{", "\"typ\":\"JWT\"",
            "\"environment_id\":\"", "\"iss\":\"", "\"exp\":", "\"nbf\":", "\"sub\":\"", "\"sid\":\"", "..", "="})
    void acceptsOnlyTokensTheEnvironmentSigned(byte[] input) {
        if (input.length < 2) {
            return;
        }
        boolean otherEnvironment = (input[1] & 1) != 0;
        String start = genuine.get((input[1] >> 1) & 1);
        String token = token(input[0], start, Arrays.copyOfRange(input, 2, input.length));
        VerifiedToken verified;
        try {
            verified = verifier.verify(otherEnvironment ? otherEnvironmentId : environmentId, token);
        } catch (ApiException e) {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(401);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(otherEnvironment).as("accepted in another environment: %s", token).isFalse();
        assertThat(issuedByServer(token)).as("accepted a token the server did not sign: %s", token).isTrue();
        assertThat(verified.userId()).isNotBlank();
    }

    /** Found by the fuzzer: Nimbus trims the token text, so these verified as the genuine token. */
    @Test
    void refusesGenuineTokenWithWhitespaceOrControlCharactersAround() {
        for (String token : genuine) {
            assertThat(verifier.verify(environmentId, token).userId()).isNotBlank();
            for (String padded : List.of("\0" + token, token + "\n", " " + token, token + "\t", "\u001f" + token + " ")) {
                assertThatThrownBy(() -> verifier.verify(environmentId, padded))
                        .isInstanceOfSatisfying(ApiException.class, e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.getMessage()).isEqualTo("malformed token");
                        });
            }
        }
    }

    /**
     * Mode 0: the bytes as text. 1: a genuine token with bytes {@code [2,n)} spliced in at position {@code b0 b1},
     * replacing {@code b2} characters. 2: a genuine token with the bit {@code b2 & 7} of each character at position
     * {@code b0 b1} flipped (3 bytes per flip). 3: header and payload JSON (the text split at its first LF) encoded and
     * followed by the genuine signature, so the fuzzer reaches header and claim checks.
     */
    static String token(byte mode, String start, byte[] data) {
        return switch (mode & 3) {
            case 0 -> utf8(data);
            case 1 -> splice(start, data);
            case 2 -> flipBits(start, data);
            default -> withGenuineSignature(start, utf8(data));
        };
    }

    private static String splice(String start, byte[] data) {
        if (data.length < 3) {
            return start;
        }
        int at = position(data[0], data[1], start.length() + 1);
        int end = Math.min(start.length(), at + (data[2] & 0xff));
        return start.substring(0, at) + utf8(Arrays.copyOfRange(data, 3, data.length)) + start.substring(end);
    }

    private static String flipBits(String start, byte[] data) {
        char[] chars = start.toCharArray();
        for (int i = 0; i + 2 < data.length; i += 3) {
            int at = position(data[i], data[i + 1], chars.length);
            chars[at] ^= (char) (1 << (data[i + 2] & 7));
        }
        return new String(chars);
    }

    private static String withGenuineSignature(String start, String text) {
        int lf = text.indexOf('\n');
        String header = lf < 0 ? text : text.substring(0, lf);
        String payload = lf < 0 ? "" : text.substring(lf + 1);
        return Base64URL.encode(header) + "." + Base64URL.encode(payload) + start.substring(start.lastIndexOf('.'));
    }

    private static int position(byte high, byte low, int size) {
        return (((high & 0xff) << 8) | (low & 0xff)) % size;
    }

    private static String utf8(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The signing input is exactly that of a genuine token and the signature decodes to its signature. */
    private static boolean issuedByServer(String token) {
        int lastDot = token.lastIndexOf('.');
        if (lastDot < 0) {
            return false;
        }
        for (String real : genuine) {
            int realDot = real.lastIndexOf('.');
            if (token.substring(0, lastDot).equals(real.substring(0, realDot))
                    && Arrays.equals(new Base64URL(token.substring(lastDot + 1)).decode(),
                            new Base64URL(real.substring(realDot + 1)).decode())) {
                return true;
            }
        }
        return false;
    }
}
