package dev.sigil.wallet;

import dev.sigil.environment.AllowedOrigins;
import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.user.UserService;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a VerifyRequest, the same way for sign-in and for linking: the EIP-4361 message must be bound to this
 * environment, fresh, and signed by the wallet it names. Everything but the nonce, which the caller burns in its
 * own transaction so that a refused request leaves it usable.
 */
public final class WalletProofs {
    /** How old a message's Issued At may be: long enough for a user to read a wallet prompt. */
    public static final Duration MAX_MESSAGE_AGE = Duration.ofMinutes(15);
    /** Tolerated clock difference between the client and this server. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final Clock clock;

    public WalletProofs(Clock clock) {
        this.clock = clock;
    }

    /** A wallet whose signature checked out, and the nonce its message names (still to be burnt). */
    public record Proof(String nonce, UserService.Wallet wallet) {
    }

    /** Every check of the request except the nonce; 422 {@code unsupported_chain} for chains Sigil cannot verify. */
    public Proof check(Environment env, VerifyRequest request) {
        WalletChain chain = WalletChain.of(request.chain()).orElseThrow(() -> ApiException.unprocessable(
                "unsupported_chain", "chain " + request.chain() + " is not supported"));
        SignInMessage message = parse(request.messageToSign());
        if (!chain.accountKind().equals(message.accountKind())) {
            throw ApiException.unprocessable("other_verify_failure",
                    "message must ask to sign in with a " + chain.accountKind() + " account");
        }
        if (!chain.isAddress(request.publicWalletAddress())) {
            throw ApiException.unprocessable("invalid_wallet_address",
                    "publicWalletAddress is not a valid " + chain.accountKind() + " address");
        }
        if (!chain.sameAddress(message.address(), request.publicWalletAddress())) {
            throw ApiException.unprocessable("invalid_chain_address_match", "message address does not match publicWalletAddress");
        }
        checkBinding(env, message);
        checkTimes(message);
        if (!chain.isSignedBy(request.messageToSign(), request.signedMessage(), request.publicWalletAddress())) {
            throw ApiException.unprocessable("other_verify_failure", "signature does not match the wallet address");
        }
        UserService.Wallet wallet = new UserService.Wallet(chain.credentialChain(),
                chain.canonical(request.publicWalletAddress()), request.walletName(), request.walletProvider());
        return new Proof(message.nonce(), wallet);
    }

    private static SignInMessage parse(String text) {
        try {
            return SignInMessage.parse(text);
        } catch (InvalidSignInMessageException e) {
            throw ApiException.badRequest("messageToSign is not a valid sign-in message: " + e.getMessage());
        }
    }

    /** EIP-4361 §Verifying: the message must be bound to this environment and to one of its origins. */
    private static void checkBinding(Environment env, SignInMessage message) {
        String domain = message.domain().toLowerCase(Locale.ROOT);
        String origin = env.allowedOrigins().stream()
                .filter(o -> AllowedOrigins.authority(o).equals(domain))
                .findFirst()
                .orElseThrow(() -> ApiException.unprocessable("other_verify_failure",
                        "message domain is not an allowed origin of this environment"));
        if (!origin.equals(originOf(message.uri()).orElse(null))) {
            throw ApiException.unprocessable("other_verify_failure", "message URI does not belong to the message domain");
        }
        message.requestId().filter(id -> !id.equals(env.id())).ifPresent(id -> {
            throw ApiException.unprocessable("other_verify_failure", "message Request ID is not this environment");
        });
    }

    private void checkTimes(SignInMessage message) {
        Instant now = clock.instant();
        if (message.issuedAt().isAfter(now.plus(CLOCK_SKEW))) {
            throw ApiException.unprocessable("other_verify_failure", "message Issued At is in the future");
        }
        if (message.issuedAt().isBefore(now.minus(MAX_MESSAGE_AGE))) {
            throw ApiException.unprocessable("other_verify_failure", "message is too old; sign a new one");
        }
        message.expirationTime().filter(t -> !t.isAfter(now)).ifPresent(t -> {
            throw ApiException.unprocessable("other_verify_failure", "message has expired");
        });
        message.notBefore().filter(t -> t.isAfter(now.plus(CLOCK_SKEW))).ifPresent(t -> {
            throw ApiException.unprocessable("other_verify_failure", "message is not valid yet");
        });
    }

    private static Optional<String> originOf(String uri) {
        try {
            URI parsed = new URI(uri);
            if (parsed.getScheme() == null || parsed.getRawAuthority() == null) {
                return Optional.empty();
            }
            return Optional.of(AllowedOrigins.normalise(parsed.getScheme() + "://" + parsed.getRawAuthority()));
        } catch (URISyntaxException | ApiException e) {
            return Optional.empty();
        }
    }
}
