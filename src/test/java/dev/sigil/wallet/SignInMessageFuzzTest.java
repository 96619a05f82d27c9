package dev.sigil.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Fuzzes the EIP-4361 parser with arbitrary text. Plain {@code ./mvnw test} replays the seed corpus in
 * {@code src/test/resources/dev/sigil/wallet/SignInMessageFuzzTestInputs/}; {@code .ci/fuzz} mutates it for a bounded
 * time (see README, Fuzzing).
 */
class SignInMessageFuzzTest {

    /** The first and last years a four-digit RFC 3339 date-time can name in UTC. */
    private static final Instant EARLIEST_WRITABLE = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST_WRITABLE = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * Any text either parses or is refused with {@link InvalidSignInMessageException}: no other exception, no hang.
     * Whatever parses is well formed by the parser's own rules: written out again in the canonical EIP-4361 layout it
     * parses to the same message.
     */
    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({" wants you to sign in with your ", " account:", "Ethereum", "Solana",
            "URI: ", "Version: 1", "Chain ID: ", "Nonce: ", "Issued At: ", "Expiration Time: ", "Not Before: ",
            "Request ID: ", "Resources:", "- ", "https://", "2025-01-01T00:00:00Z", ".000Z", "+01:00",
            "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", ":3388", "[::1]", "@"})
    void parsesOrRejectsCleanly(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        SignInMessage message;
        try {
            message = SignInMessage.parse(text);
        } catch (InvalidSignInMessageException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            return;
        }
        if (writable(message)) {
            String canonical = canonicalText(message);
            try {
                assertThat(SignInMessage.parse(canonical)).isEqualTo(message);
            } catch (InvalidSignInMessageException e) {
                throw new AssertionError("parsed message refused when written canonically: " + e.getMessage()
                        + "\n" + canonical, e);
            }
        }
    }

    /** Offsets can move a four-digit year past 9999 or before 0000 in UTC, which RFC 3339 cannot write. */
    private static boolean writable(SignInMessage m) {
        return writable(m.issuedAt()) && m.expirationTime().map(SignInMessageFuzzTest::writable).orElse(true)
                && m.notBefore().map(SignInMessageFuzzTest::writable).orElse(true);
    }

    private static boolean writable(Instant t) {
        return !t.isBefore(EARLIEST_WRITABLE) && !t.isAfter(LATEST_WRITABLE);
    }

    /** EIP-4361 §ABNF Message Format, with the two empty lines it puts around the statement. */
    static String canonicalText(SignInMessage m) {
        StringBuilder text = new StringBuilder()
                .append(m.domain()).append(" wants you to sign in with your ").append(m.accountKind()).append(" account:\n")
                .append(m.address()).append("\n\n");
        m.statement().ifPresent(s -> text.append(s).append('\n'));
        text.append("\nURI: ").append(m.uri())
                .append("\nVersion: ").append(m.version());
        m.chainId().ifPresent(c -> text.append("\nChain ID: ").append(c));
        text.append("\nNonce: ").append(m.nonce())
                .append("\nIssued At: ").append(RFC3339.format(m.issuedAt()));
        m.expirationTime().ifPresent(t -> text.append("\nExpiration Time: ").append(RFC3339.format(t)));
        m.notBefore().ifPresent(t -> text.append("\nNot Before: ").append(RFC3339.format(t)));
        m.requestId().ifPresent(r -> text.append("\nRequest ID: ").append(r));
        if (!m.resources().isEmpty()) {
            text.append("\nResources:");
            m.resources().forEach(r -> text.append("\n- ").append(r));
        }
        return text.toString();
    }
}
