package dev.sigil.wallet;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed EIP-4361 ("Sign-In with Ethereum") message, in the layout Dynamic's clients build for every chain
 * ({@code accountKind} is {@code Ethereum}, {@code Solana}, ...).
 *
 * <p>Parsing only establishes that the text is well formed. The caller still has to check the signature and compare
 * {@code domain}, {@code uri}, {@code chainId}, {@code nonce} and the times against what it expects (EIP-4361,
 * "Verifying a signed Message").
 *
 * @param domain         RFC 3986 host with optional port that asked for the signature
 * @param accountKind    the chain family named in the first line, e.g. {@code Ethereum}
 * @param address        the account address as written in the message
 * @param statement      the human-readable line the user agreed to, if any
 * @param uri            absolute URI of the resource being signed in to
 * @param version        always {@code "1"}
 * @param chainId        decimal EIP-155 chain id, absent for chains that have none (Dynamic omits it for Solana)
 * @param nonce          8 to 128 ASCII letters or digits chosen by the server
 * @param issuedAt       when the message was created
 * @param expirationTime when the message stops being acceptable
 * @param notBefore      when the message starts being acceptable
 * @param requestId      client-side identifier of the sign-in request
 * @param resources      absolute URIs listed under {@code Resources:}, in order
 */
public record SignInMessage(
        String domain,
        String accountKind,
        String address,
        Optional<String> statement,
        String uri,
        String version,
        Optional<String> chainId,
        String nonce,
        Instant issuedAt,
        Optional<Instant> expirationTime,
        Optional<Instant> notBefore,
        Optional<String> requestId,
        List<String> resources) {

    public SignInMessage {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(accountKind, "accountKind");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expirationTime, "expirationTime");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(requestId, "requestId");
        resources = List.copyOf(resources);
    }

    /**
     * Parses {@code text} strictly: every line must be where EIP-4361 puts it, and anything else is rejected.
     *
     * @throws InvalidSignInMessageException naming the first rule the text breaks
     */
    public static SignInMessage parse(String text) throws InvalidSignInMessageException {
        return SignInMessageReader.read(text);
    }
}
