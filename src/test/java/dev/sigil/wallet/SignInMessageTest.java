package dev.sigil.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Messages that must parse: Dynamic's layouts, the EIP-4361 examples and the variations the ABNF allows. */
class SignInMessageTest {

    static final String DYNAMIC_STATEMENT = "Welcome to Example. Signing is the only way we can truly know that you are"
            + " the owner of the wallet you are connecting. Signing is a safe, gas-less transaction that does not in"
            + " any way give Example permission to perform any transactions with your wallet.";

    /**
     * The layout Dynamic's client signs for EVM wallets. The address is the EIP-55 form of 0xabc0...0001; written as
     * 0xAbC0...0001 its case would not match the checksum (see SignInMessageRejectionTest).
     */
    static final String DYNAMIC_MESSAGE = """
            app.example.com wants you to sign in with your Ethereum account:
            0xABC0000000000000000000000000000000000001

            %s

            URI: https://app.example.com/
            Version: 1
            Chain ID: 1
            Nonce: 8a3f0b6c1d2e4f5a6b7c8d9e0f1a2b3c
            Issued At: 2025-01-01T00:00:00.000Z
            Request ID: 2762a57b-faa4-41ce-9f16-abff9300e2c9""".formatted(DYNAMIC_STATEMENT);

    static final String SOLANA_MESSAGE = """
            app.example.com wants you to sign in with your Solana account:
            9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM

            %s

            URI: https://app.example.com/
            Version: 1
            Nonce: 8a3f0b6c1d2e4f5a6b7c8d9e0f1a2b3c
            Issued At: 2025-01-01T00:00:00.000Z
            Request ID: 2762a57b-faa4-41ce-9f16-abff9300e2c9""".formatted(DYNAMIC_STATEMENT);

    // EIP-4361 §Examples, verbatim.
    static final String EIP4361_IMPLICIT_SCHEME = """
            example.com wants you to sign in with your Ethereum account:
            0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

            I accept the ExampleOrg Terms of Service: https://example.com/tos

            URI: https://example.com/login
            Version: 1
            Chain ID: 1
            Nonce: 32891756
            Issued At: 2021-09-30T16:25:24Z
            Resources:
            - ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
            - https://example.com/my-web2-claim.json""";

    static final String EIP4361_EXPLICIT_PORT = """
            example.com:3388 wants you to sign in with your Ethereum account:
            0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

            I accept the ExampleOrg Terms of Service: https://example.com/tos

            URI: https://example.com/login
            Version: 1
            Chain ID: 1
            Nonce: 32891756
            Issued At: 2021-09-30T16:25:24Z
            Resources:
            - ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
            - https://example.com/my-web2-claim.json""";

    static final String EIP4361_EXPLICIT_SCHEME = """
            https://example.com wants you to sign in with your Ethereum account:
            0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

            I accept the ExampleOrg Terms of Service: https://example.com/tos

            URI: https://example.com/login
            Version: 1
            Chain ID: 1
            Nonce: 32891756
            Issued At: 2021-09-30T16:25:24Z
            Resources:
            - ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
            - https://example.com/my-web2-claim.json""";

    /** The lines of {@link #DYNAMIC_MESSAGE}, mutable, for tests that change one thing. */
    static List<String> dynamicLines() {
        return new ArrayList<>(List.of(DYNAMIC_MESSAGE.split("\n", -1)));
    }

    static String join(List<String> lines) {
        return String.join("\n", lines);
    }

    @Test
    void parsesMessageExactlyAsDynamicClientBuildsIt() throws Exception {
        SignInMessage message = SignInMessage.parse(DYNAMIC_MESSAGE);

        assertThat(message).isEqualTo(new SignInMessage(
                "app.example.com",
                "Ethereum",
                "0xABC0000000000000000000000000000000000001",
                Optional.of(DYNAMIC_STATEMENT),
                "https://app.example.com/",
                "1",
                Optional.of("1"),
                "8a3f0b6c1d2e4f5a6b7c8d9e0f1a2b3c",
                Instant.parse("2025-01-01T00:00:00Z"),
                Optional.empty(),
                Optional.empty(),
                Optional.of("2762a57b-faa4-41ce-9f16-abff9300e2c9"),
                List.of()));
    }

    @Test
    void parsesSolanaVariantWithoutChainId() throws Exception {
        SignInMessage message = SignInMessage.parse(SOLANA_MESSAGE);

        assertThat(message.accountKind()).isEqualTo("Solana");
        assertThat(message.address()).isEqualTo("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM");
        assertThat(message.chainId()).isEmpty();
        assertThat(message.nonce()).isEqualTo("8a3f0b6c1d2e4f5a6b7c8d9e0f1a2b3c");
        assertThat(message.statement()).contains(DYNAMIC_STATEMENT);
    }

    @Test
    void parsesEip4361ExampleWithImplicitScheme() throws Exception {
        SignInMessage message = SignInMessage.parse(EIP4361_IMPLICIT_SCHEME);

        assertThat(message).isEqualTo(new SignInMessage(
                "example.com",
                "Ethereum",
                "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
                Optional.of("I accept the ExampleOrg Terms of Service: https://example.com/tos"),
                "https://example.com/login",
                "1",
                Optional.of("1"),
                "32891756",
                Instant.parse("2021-09-30T16:25:24Z"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of("ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
                        "https://example.com/my-web2-claim.json")));
    }

    @Test
    void parsesEip4361ExampleWithExplicitPort() throws Exception {
        SignInMessage message = SignInMessage.parse(EIP4361_EXPLICIT_PORT);

        assertThat(message.domain()).isEqualTo("example.com:3388");
        assertThat(message.resources()).hasSize(2);
    }

    @Test
    void parsesEveryOptionalFieldInOrder() throws Exception {
        List<String> lines = dynamicLines();
        lines.add(10, "Expiration Time: 2025-01-01T00:10:00.000Z");
        lines.add(11, "Not Before: 2024-12-31T23:59:00Z");
        lines.add("Resources:");
        lines.add("- https://app.example.com/terms");
        lines.add("- urn:uuid:2762a57b-faa4-41ce-9f16-abff9300e2c9");

        SignInMessage message = SignInMessage.parse(join(lines));

        assertThat(message.expirationTime()).contains(Instant.parse("2025-01-01T00:10:00Z"));
        assertThat(message.notBefore()).contains(Instant.parse("2024-12-31T23:59:00Z"));
        assertThat(message.requestId()).contains("2762a57b-faa4-41ce-9f16-abff9300e2c9");
        assertThat(message.resources())
                .containsExactly("https://app.example.com/terms", "urn:uuid:2762a57b-faa4-41ce-9f16-abff9300e2c9");
    }

    @Test
    void parsesOnlyTheRequiredFields() throws Exception {
        List<String> lines = dynamicLines();
        lines.remove(10); // Request ID
        lines.remove(7);  // Chain ID

        SignInMessage message = SignInMessage.parse(join(lines));

        assertThat(message.chainId()).isEmpty();
        assertThat(message.requestId()).isEmpty();
        assertThat(message.expirationTime()).isEmpty();
        assertThat(message.notBefore()).isEmpty();
        assertThat(message.resources()).isEmpty();
    }

    @Test
    void parsesResourcesHeadingWithoutResources() throws Exception {
        // EIP-4361 ABNF: resources = *( LF resource ), so the list may be empty.
        List<String> lines = dynamicLines();
        lines.add("Resources:");

        assertThat(SignInMessage.parse(join(lines)).resources()).isEmpty();
    }

    @Test
    void parsesMessageWithoutStatementAsEip4361AbnfWritesIt() throws Exception {
        // address LF LF [ statement LF ] LF: without a statement, two empty lines (as siwe 2.x and viem write it).
        List<String> lines = dynamicLines();
        lines.remove(3);

        SignInMessage message = SignInMessage.parse(join(lines));

        assertThat(message.statement()).isEmpty();
        assertThat(message.uri()).isEqualTo("https://app.example.com/");
    }

    @Test
    void parsesMessageWithoutStatementWithSingleEmptyLineAsSignInWithSolanaWritesIt() throws Exception {
        List<String> lines = dynamicLines();
        lines.remove(4);
        lines.remove(3);

        SignInMessage message = SignInMessage.parse(join(lines));

        assertThat(message.statement()).isEmpty();
        assertThat(message.uri()).isEqualTo("https://app.example.com/");
    }

    @Test
    void readsStatementThatLooksLikeAFieldAsStatement() throws Exception {
        List<String> lines = dynamicLines();
        lines.set(3, "URI: https://evil.example/");

        SignInMessage message = SignInMessage.parse(join(lines));

        assertThat(message.statement()).contains("URI: https://evil.example/");
        assertThat(message.uri()).isEqualTo("https://app.example.com/");
    }

    @Test
    void keepsAnyStatementTextVerbatim() throws Exception {
        String statement = "Bienvenue ! Signez pour continuer — 署名してください 🔐 <b>&amp;</b> 100% \"safe\"  ";
        List<String> lines = dynamicLines();
        lines.set(3, statement);

        assertThat(SignInMessage.parse(join(lines)).statement()).contains(statement);
    }

    @Test
    void acceptsCrlfLineEndings() throws Exception {
        SignInMessage message = SignInMessage.parse(DYNAMIC_MESSAGE.replace("\n", "\r\n"));

        assertThat(message).isEqualTo(SignInMessage.parse(DYNAMIC_MESSAGE));
    }

    @Test
    void toleratesOneTrailingLineEnding() throws Exception {
        SignInMessage expected = SignInMessage.parse(DYNAMIC_MESSAGE);

        assertThat(SignInMessage.parse(DYNAMIC_MESSAGE + "\n")).isEqualTo(expected);
        assertThat(SignInMessage.parse((DYNAMIC_MESSAGE + "\n").replace("\n", "\r\n"))).isEqualTo(expected);
    }

    @Test
    void acceptsRfc3339OffsetsFractionsAndLowerCaseSeparators() throws Exception {
        List<String> lines = dynamicLines();
        lines.set(9, "Issued At: 2025-01-01T02:00:00+02:00");
        lines.add(10, "Expiration Time: 2024-12-31t19:00:00.123456789-05:00");
        lines.add(11, "Not Before: 2024-12-31t23:59:59z");

        SignInMessage message = SignInMessage.parse(join(lines));

        assertThat(message.issuedAt()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(message.expirationTime()).contains(Instant.parse("2025-01-01T00:00:00.123456789Z"));
        assertThat(message.notBefore()).contains(Instant.parse("2024-12-31T23:59:59Z"));
    }

    @Test
    void acceptsUnchecksummedEthereumAddresses() throws Exception {
        for (String address : List.of("0xabc0000000000000000000000000000000000001",
                "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2", "0xC02AAA39B223FE8D0A0E5C4F27EAD9083C756CC2")) {
            List<String> lines = dynamicLines();
            lines.set(1, address);
            assertThat(SignInMessage.parse(join(lines)).address()).isEqualTo(address);
        }
    }

    @Test
    void acceptsHostsWithPortsAndIpLiterals() throws Exception {
        for (String domain : List.of("localhost", "localhost:3000", "127.0.0.1:8080", "[::1]", "[2001:db8::7]:443",
                "sub.app-1.example.co.uk")) {
            List<String> lines = dynamicLines();
            lines.set(0, domain + " wants you to sign in with your Ethereum account:");
            assertThat(SignInMessage.parse(join(lines)).domain()).isEqualTo(domain);
        }
    }

    @Test
    void acceptsAnyLettersAsAccountKind() throws Exception {
        List<String> lines = dynamicLines();
        lines.set(0, "app.example.com wants you to sign in with your Bitcoin account:");
        lines.set(1, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq");

        SignInMessage message = SignInMessage.parse(join(lines));

        assertThat(message.accountKind()).isEqualTo("Bitcoin");
        assertThat(message.address()).isEqualTo("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq");
    }

    @Test
    void acceptsMessageOfExactlyMaximumLength() throws Exception {
        List<String> lines = dynamicLines();
        int room = MessageLines.MAX_LENGTH - DYNAMIC_MESSAGE.length();
        lines.set(3, DYNAMIC_STATEMENT + "x".repeat(room));
        String text = join(lines);

        assertThat(text).hasSize(MessageLines.MAX_LENGTH);
        assertThat(SignInMessage.parse(text).statement()).isPresent();
    }

    @Test
    void acceptsLongestRequestIdAndNonce() throws Exception {
        List<String> lines = dynamicLines();
        lines.set(8, "Nonce: " + "a1".repeat(64));
        lines.set(10, "Request ID: " + "r".repeat(255));

        SignInMessage message = SignInMessage.parse(join(lines));

        assertThat(message.nonce()).hasSize(128);
        assertThat(message.requestId()).hasValueSatisfying(id -> assertThat(id).hasSize(255));
    }
}
