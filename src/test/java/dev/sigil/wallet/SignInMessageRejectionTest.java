package dev.sigil.wallet;

import static dev.sigil.wallet.SignInMessageTest.DYNAMIC_MESSAGE;
import static dev.sigil.wallet.SignInMessageTest.dynamicLines;
import static dev.sigil.wallet.SignInMessageTest.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rule of the accepted layout, broken one at a time; each rejection must say which rule in a short sentence. */
class SignInMessageRejectionTest {

    // Line indexes in SignInMessageTest.DYNAMIC_MESSAGE.
    private static final int HEADER = 0;
    private static final int ADDRESS = 1;
    private static final int STATEMENT = 3;
    private static final int URI = 5;
    private static final int VERSION = 6;
    private static final int CHAIN_ID = 7;
    private static final int NONCE = 8;
    private static final int ISSUED_AT = 9;
    private static final int REQUEST_ID = 10;

    private static void assertRejected(String text, String reason) {
        assertThatThrownBy(() -> SignInMessage.parse(text))
                .isInstanceOf(InvalidSignInMessageException.class)
                .hasMessage(reason);
    }

    private static void assertRejected(List<String> lines, String reason) {
        assertRejected(join(lines), reason);
    }

    private static List<String> withLine(int index, String line) {
        List<String> lines = dynamicLines();
        lines.set(index, line);
        return lines;
    }

    private static List<String> withHeaderFor(String domain) {
        return withLine(HEADER, domain + " wants you to sign in with your Ethereum account:");
    }

    @ParameterizedTest
    @NullAndEmptySource
    void rejectsMissingMessage(String text) {
        assertRejected(text, "message is empty");
    }

    @Test
    void rejectsMessageLongerThan8192Characters() {
        int room = MessageLines.MAX_LENGTH - DYNAMIC_MESSAGE.length();
        assertRejected(withLine(STATEMENT, SignInMessageTest.DYNAMIC_STATEMENT + "x".repeat(room + 1)),
                "message is longer than 8192 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\t", "\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085", "\u009b", "\u000b", "\u000c"})
    void rejectsControlCharacters(String control) {
        assertRejected(withLine(STATEMENT, "Sign in" + control + "please"), "message contains a control character");
    }

    @Test
    void rejectsCarriageReturnOutsideLineEnding() {
        assertRejected(withLine(STATEMENT, "Sign in\rURI: https://evil.example/"),
                "message contains a carriage return outside a line ending");
        assertRejected(DYNAMIC_MESSAGE.replace("\n", "\r"),
                "message contains a carriage return outside a line ending");
    }

    @Test
    void rejectsMixedLineEndings() {
        assertRejected(DYNAMIC_MESSAGE.replaceFirst("\n", "\r\n"), "message mixes LF and CRLF line endings");
        assertRejected(DYNAMIC_MESSAGE.replace("\n", "\r\n").replaceFirst("\r\nVersion", "\nVersion"),
                "message mixes LF and CRLF line endings");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u2028", "\u2029"})
    void rejectsUnicodeLineSeparators(String separator) {
        assertRejected(withLine(STATEMENT, "Sign in" + separator + "URI: https://evil.example/"),
                "message contains a Unicode line separator");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\ud83d", "\udd10", "\udd10\ud83d"})
    void rejectsLoneSurrogates(String surrogates) {
        assertRejected(withLine(STATEMENT, "Sign in " + surrogates), "message is not well-formed Unicode");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "app.example.com wants you to sign in with your Ethereum account",
        "app.example.com wants you to sign in with your Ethereum account: ",
        "app.example.com Wants you to sign in with your Ethereum account:",
        "app.example.com wants you to sign in with Ethereum:",
        "app.example.com wants you to sign in with your account:",
        "Sign in with your Ethereum account:",
        "",
    })
    void rejectsMalformedFirstLine(String header) {
        assertRejected(withLine(HEADER, header),
                "first line must read '<domain> wants you to sign in with your <chain> account:'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ethereum2", "Ether-eum", "Sol ana", "ÉTHEREUM", "AbcdefghijAbcdefghijAbcdefghijAbc"})
    void rejectsAccountKindThatIsNotOneTo32Letters(String kind) {
        assertRejected(withLine(HEADER, "app.example.com wants you to sign in with your " + kind + " account:"),
                "account kind must be 1 to 32 letters");
    }

    @Test
    void rejectsEmptyDomain() {
        assertRejected(withHeaderFor(""), "domain is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "app example.com", "app.example.com/", "app.example.com/login", "app.example.com?x=1", "app.example.com#x",
        "app.example.com:", "app.example.com:99999", "app.example.com:http", "[::1", "[zz::1]", "app.exämple.com",
        "-app.example.com", "app..example.com", "%61pp.example.com",
    })
    void rejectsDomainThatIsNotHostWithOptionalPort(String domain) {
        assertRejected(withHeaderFor(domain), "domain is not a host with an optional port");
    }

    @Test
    void rejectsDomainWithUserinfo() {
        assertRejected(withHeaderFor("app.example.com@evil.example"), "domain must not include userinfo");
        assertRejected(withHeaderFor("user:pass@app.example.com"), "domain must not include userinfo");
    }

    @Test
    void rejectsDomainWithSchemeIncludingEip4361ExplicitSchemeExample() {
        // EIP-4361 allows "scheme://" before the domain, but SignInMessage has nowhere to keep it and silently
        // dropping it would let an http:// origin pass for https://.
        assertRejected(SignInMessageTest.EIP4361_EXPLICIT_SCHEME, "domain must not include a scheme");
    }

    @Test
    void rejectsDomainLongerThan255Characters() throws Exception {
        String labels = ("a".repeat(60) + ".").repeat(4);
        String longest = labels + "c".repeat(11);
        assertThat(longest).hasSize(255);
        assertThat(SignInMessage.parse(join(withHeaderFor(longest))).domain()).isEqualTo(longest);

        assertRejected(withHeaderFor(longest + "c"), "domain is longer than 255 characters");
    }

    @Test
    void rejectsEthereumAddressWhoseMixedCaseBreaksEip55() {
        // Dynamic's layout as first written for this project used 0xAbC0...0001, whose case is not its checksum.
        assertRejected(withLine(ADDRESS, "0xAbC0000000000000000000000000000000000001"),
                "address does not match its EIP-55 checksum");
        assertRejected(withLine(ADDRESS, "0xc02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"),
                "address does not match its EIP-55 checksum");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "0xABC000000000000000000000000000000000001", "0xABC00000000000000000000000000000000000012",
        "ABC0000000000000000000000000000000000001", "0XABC0000000000000000000000000000000000001",
        "0xABC000000000000000000000000000000000000G", " 0xABC0000000000000000000000000000000000001",
        "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
    })
    void rejectsMalformedEthereumAddress(String address) {
        assertRejected(withLine(ADDRESS, address), "address is not 0x followed by 40 hex digits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYt AWWM", "9WzDX!", "9WzDXwBbmkg8ZTbNMqUxvQRA\u00e9"})
    void rejectsMalformedAddressForOtherChains(String address) {
        List<String> lines = SignInMessageTest.dynamicLines();
        lines.set(HEADER, "app.example.com wants you to sign in with your Solana account:");
        lines.set(ADDRESS, address);
        assertRejected(lines, "address must be 1 to 128 letters, digits, '.', '_' or '-'");
    }

    @Test
    void rejectsAddressForOtherChainsLongerThan128Characters() {
        List<String> lines = SignInMessageTest.dynamicLines();
        lines.set(HEADER, "app.example.com wants you to sign in with your Solana account:");
        lines.set(ADDRESS, "a".repeat(129));
        assertRejected(lines, "address must be 1 to 128 letters, digits, '.', '_' or '-'");
    }

    @Test
    void rejectsMessageThatEndsBeforeAddress() {
        assertRejected("app.example.com wants you to sign in with your Ethereum account:", "missing address line");
    }

    @Test
    void rejectsMissingEmptyLineAfterAddress() {
        List<String> lines = dynamicLines();
        lines.remove(2);
        assertRejected(lines, "address line must be followed by an empty line");
        assertRejected(withLine(2, " "), "address line must be followed by an empty line");
    }

    @Test
    void rejectsEmptyStatementBetweenEmptyLines() {
        // Three empty lines: an empty statement. The ABNF technically allows it, but no client writes it.
        List<String> lines = dynamicLines();
        lines.set(STATEMENT, "");
        assertRejected(lines, "line 5 is unexpectedly empty");
    }

    @Test
    void rejectsStatementNotFollowedByEmptyLine() {
        List<String> lines = dynamicLines();
        lines.remove(4);
        assertRejected(lines, "line 4 is not a recognised field");
    }

    @ParameterizedTest
    @CsvSource({"5, URI", "6, Version", "8, Nonce", "9, Issued At"})
    void rejectsMissingRequiredField(int index, String label) {
        List<String> lines = dynamicLines();
        lines.remove(index);
        assertRejected(lines, "missing " + label + " line");
    }

    @Test
    void rejectsMessageWithNoFieldsAtAll() {
        // Header, address, empty line, statement, empty line; the last LF is the one tolerated trailing newline.
        assertRejected(join(dynamicLines().subList(0, 5)) + "\n", "missing URI line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Version: 2", "Version: 1.0", "Version: 01", "Version:  1", "Version: 1 "})
    void rejectsVersionOtherThanOne(String line) {
        assertRejected(withLine(VERSION, line), "Version must be 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Chain ID: ", "Chain ID: 0x1", "Chain ID: one", "Chain ID: -1", "Chain ID: 1 ",
        "Chain ID: eip155:1", "Chain ID: mainnet", "Chain ID: \u0661"})
    void rejectsChainIdThatIsNotDecimalDigits(String line) {
        assertRejected(withLine(CHAIN_ID, line), "Chain ID must be 1 to 78 decimal digits");
    }

    @Test
    void rejectsChainIdLongerThanAUint256() {
        assertRejected(withLine(CHAIN_ID, "Chain ID: " + "9".repeat(79)), "Chain ID must be 1 to 78 decimal digits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567", "abcd-efgh", "abcd efgh", "abcdefgé", "abcdefg_", "", "\uff41bcdefghi"})
    void rejectsNonceThatIsNotEightTo128LettersOrDigits(String nonce) {
        assertRejected(withLine(NONCE, "Nonce: " + nonce), "Nonce must be 8 to 128 letters or digits");
    }

    @Test
    void rejectsNonceLongerThan128Characters() {
        assertRejected(withLine(NONCE, "Nonce: " + "a".repeat(129)), "Nonce must be 8 to 128 letters or digits");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2025-01-01", "2025-01-01T00:00Z", "2025-01-01T00:00:00", "2025-01-01 00:00:00Z", "2025-02-30T00:00:00Z",
        "2025-13-01T00:00:00Z", "2025-01-01T24:00:00Z", "2025-01-01T00:00:60Z", "2025-01-01T00:00:00.Z",
        "2025-01-01T00:00:00.1234567891Z", "2025-01-01T00:00:00+0100", "2025-01-01T00:00:00+01",
        "2025-01-01T00:00:00+01:00:00", "2025-01-01T00:00:00+19:00", "1735689600", "+2025-01-01T00:00:00Z",
        "25-01-01T00:00:00Z", "2025-01-01T00:00:00Z ", "\u0662025-01-01T00:00:00Z", "",
    })
    void rejectsTimesThatAreNotRfc3339DateTimes(String time) {
        assertRejected(withLine(ISSUED_AT, "Issued At: " + time), "Issued At is not an RFC 3339 date-time");

        List<String> expiring = dynamicLines();
        expiring.add(REQUEST_ID, "Expiration Time: " + time);
        assertRejected(expiring, "Expiration Time is not an RFC 3339 date-time");

        List<String> notBefore = dynamicLines();
        notBefore.add(REQUEST_ID, "Not Before: " + time);
        assertRejected(notBefore, "Not Before is not an RFC 3339 date-time");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/login", "app.example.com/login", "https://app.example.com/a b", "https://app.example.com/é",
        "https://app.example.com/%zz", "https://[::1/", "https:", " https://app.example.com/"})
    void rejectsUriThatIsNotAbsolute(String uri) {
        assertRejected(withLine(URI, "URI: " + uri), "URI is not an absolute URI");
    }

    @Test
    void rejectsRequestIdLongerThan255Characters() {
        assertRejected(withLine(REQUEST_ID, "Request ID: " + "r".repeat(256)),
                "Request ID is longer than 255 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"- relative/path", "- ", "-  https://app.example.com/", "- https://app.example.com/ x"})
    void rejectsResourceThatIsNotAbsoluteUri(String line) {
        List<String> lines = dynamicLines();
        lines.add("Resources:");
        lines.add("- https://app.example.com/terms");
        lines.add(line);
        assertRejected(lines, "resource 2 is not an absolute URI");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-https://app.example.com/", "* https://app.example.com/", "https://app.example.com/",
        " - https://app.example.com/"})
    void rejectsResourceLineWithoutDashAndSpace(String line) {
        List<String> lines = dynamicLines();
        lines.add("Resources:");
        lines.add(line);
        assertRejected(lines, "line 13 after Resources does not start with '- '");
    }

    @Test
    void rejectsResourcesLineWithAValue() {
        List<String> lines = dynamicLines();
        lines.add("Resources: https://app.example.com/");
        assertRejected(lines, "Resources line must be exactly 'Resources:'");
    }

    @Test
    void rejectsResourceBeforeResourcesLine() {
        List<String> lines = dynamicLines();
        lines.add("- https://app.example.com/");
        assertRejected(lines, "line 12 is not a recognised field");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Foo: bar", "uri: https://app.example.com/", "URI https://app.example.com/",
        "Issued-At: 2025-01-01T00:00:00Z", " Nonce: 8a3f0b6c1d2e4f5a", "Statement: hello", "Chain Id: 1"})
    void rejectsUnknownLines(String line) {
        List<String> lines = dynamicLines();
        lines.add(7, line);
        assertRejected(lines, "line 8 is not a recognised field");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"5|URI:https://app.example.com/|URI", "6|Version:1|Version",
        "8|Nonce:\t|Nonce", "9|Issued At:2025-01-01T00:00:00Z|Issued At", "10|Request ID:x|Request ID"})
    void rejectsFieldWithoutSpaceAfterColon(int index, String line, String label) {
        // The tab case is caught earlier, as a control character.
        String expected = line.contains("\t") ? "message contains a control character"
                : label + " line must read '" + label + ": <value>'";
        assertRejected(withLine(index, line), expected);
    }

    @ParameterizedTest
    @CsvSource({"5, URI", "6, Version", "7, Chain ID", "8, Nonce", "9, Issued At", "10, Request ID"})
    void rejectsDuplicatedFields(int index, String label) {
        List<String> lines = dynamicLines();
        lines.add(index + 1, lines.get(index));
        assertRejected(lines, "duplicate " + label + " line");
    }

    @Test
    void rejectsDuplicatedFieldsFurtherApart() {
        List<String> lines = dynamicLines();
        lines.add("URI: https://evil.example/");
        assertRejected(lines, "duplicate URI line");

        List<String> resources = dynamicLines();
        resources.add("Resources:");
        resources.add("- https://app.example.com/");
        resources.add("Resources:");
        assertRejected(resources, "duplicate Resources line");
    }

    @Test
    void rejectsFieldsOutOfOrder() {
        List<String> versionAfterNonce = dynamicLines();
        versionAfterNonce.add(NONCE, versionAfterNonce.remove(VERSION));
        assertRejected(versionAfterNonce, "Version line is out of order");

        List<String> chainIdAfterNonce = dynamicLines();
        chainIdAfterNonce.add(NONCE, chainIdAfterNonce.remove(CHAIN_ID));
        assertRejected(chainIdAfterNonce, "Chain ID line is out of order");

        List<String> uriLast = dynamicLines();
        uriLast.add(uriLast.remove(URI));
        assertRejected(uriLast, "URI line is out of order");

        List<String> notBeforeFirst = dynamicLines();
        notBeforeFirst.add(REQUEST_ID, "Expiration Time: 2025-01-01T00:10:00Z");
        notBeforeFirst.add(REQUEST_ID, "Not Before: 2025-01-01T00:00:00Z");
        assertRejected(notBeforeFirst, "Expiration Time line is out of order");

        List<String> requestIdAfterResources = dynamicLines();
        requestIdAfterResources.add(REQUEST_ID, "Resources:");
        assertRejected(requestIdAfterResources, "Request ID line is out of order");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n\n", "\ngarbage", "\n ", "\n\nURI: https://evil.example/", "\r\n"})
    void rejectsTrailingGarbage(String trailer) {
        String reason = switch (trailer) {
            case "\ngarbage", "\n " -> "line 12 is not a recognised field";
            case "\r\n" -> "message mixes LF and CRLF line endings";
            default -> "line 12 is unexpectedly empty";
        };
        assertRejected(DYNAMIC_MESSAGE + trailer, reason);
    }

    @Test
    void rejectsTrailingGarbageAfterResources() {
        List<String> lines = dynamicLines();
        lines.add("Resources:");
        lines.add("- https://app.example.com/");
        lines.add("garbage");
        assertRejected(lines, "line 14 after Resources does not start with '- '");
    }

    @Test
    void rejectsEmptyLineBetweenFields() {
        List<String> lines = dynamicLines();
        lines.add(NONCE, "");
        assertRejected(lines, "line 9 is unexpectedly empty");
    }

    @Test
    void rejectionMessagesDoNotEchoInput() {
        String payload = "<script>alert(1)</script>" + "A".repeat(4000);
        List<List<String>> attempts = List.of(
                withLine(NONCE, "Nonce: " + payload),
                withLine(URI, "URI: " + payload),
                withLine(ISSUED_AT, "Issued At: " + payload),
                withLine(CHAIN_ID, "Chain ID: " + payload),
                withLine(REQUEST_ID, "Request ID: " + payload),
                withLine(ADDRESS, payload),
                withHeaderFor(payload.replace(" ", "")),
                withLine(7, payload));
        for (List<String> attempt : attempts) {
            InvalidSignInMessageException e =
                    catchThrowableOfType(InvalidSignInMessageException.class, () -> SignInMessage.parse(join(attempt)));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).hasSizeLessThan(100).doesNotContain("script").doesNotContain("AAAA");
        }
    }

    @Test
    void rejectionsCarryNoStackTrace() {
        InvalidSignInMessageException e =
                catchThrowableOfType(InvalidSignInMessageException.class, () -> SignInMessage.parse(""));
        assertThat(e.getStackTrace()).isEmpty();
    }
}
