package dev.sigil.wallet;

import dev.sigil.environment.AllowedOrigins;
import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.session.Session;
import dev.sigil.session.SessionService;
import dev.sigil.session.VerifyResponse;
import dev.sigil.store.UniqueViolation;
import dev.sigil.user.UserService;
import org.jdbi.v3.core.Jdbi;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Wallet sign-in ({@code POST /verify}, {@code POST /wallets/signin}): checks the signed EIP-4361 message
 * against this environment and the signature against the address, then burns the nonce, finds or creates
 * the user and opens a session, all in one transaction.
 */
public final class WalletSignIn {
    /** How old a message's Issued At may be: long enough for a user to read a wallet prompt. */
    public static final Duration MAX_MESSAGE_AGE = Duration.ofMinutes(15);
    /** Tolerated clock difference between the client and this server. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    private static final Set<String> EVM_CHAINS = Set.of("EVM", "ETH");
    private static final int MAX_ATTEMPTS = 3;

    private final Jdbi jdbi;
    private final Nonces nonces;
    private final UserService users;
    private final SessionService sessions;
    private final Clock clock;

    public WalletSignIn(Jdbi jdbi, Nonces nonces, UserService users, SessionService sessions, Clock clock) {
        this.jdbi = jdbi;
        this.nonces = nonces;
        this.users = users;
        this.sessions = sessions;
        this.clock = clock;
    }

    public VerifyResponse signIn(Environment env, VerifyRequest request, String audience) {
        if (!EVM_CHAINS.contains(request.chain())) {
            throw ApiException.unprocessable("unsupported_chain", "chain " + request.chain() + " is not supported for sign-in");
        }
        SignInMessage message = parse(request.messageToSign());
        String address = checkEvmMessage(env, message, request);
        UserService.Wallet wallet = new UserService.Wallet("eip155", address, request.walletName(), request.walletProvider());
        Opened opened = openSession(env, message.nonce(), wallet, request.sessionPublicKey());
        return jdbi.withHandle(h -> sessions.respond(h, env, opened.session(), opened.newUser(), audience));
    }

    private record Opened(Session session, boolean newUser) {
    }

    /**
     * Burns the nonce, finds or creates the user, opens the session. A lost race on the credential's unique
     * index rolls everything back (the nonce too) and the retry finds the user the winner created.
     */
    private Opened openSession(Environment env, String nonce, UserService.Wallet wallet, Optional<String> sessionPublicKey) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(h -> {
                    if (!nonces.consume(h, env.id(), nonce)) {
                        throw ApiException.unprocessable("invalid_verification", "nonce is unknown, expired or already used");
                    }
                    UserService.SignedInUser user = users.signInWithWallet(h, env.id(), wallet);
                    Session session = sessions.open(h, env, user.userId(), user.credentialId(), sessionPublicKey);
                    return new Opened(session, user.newUser());
                });
            } catch (RuntimeException e) {
                if (attempt >= MAX_ATTEMPTS || !UniqueViolation.isCause(e)) {
                    throw e;
                }
            }
        }
    }

    private static SignInMessage parse(String text) {
        try {
            return SignInMessage.parse(text);
        } catch (InvalidSignInMessageException e) {
            throw ApiException.badRequest("messageToSign is not a valid sign-in message: " + e.getMessage());
        }
    }

    /** Every check of the message except the nonce; returns the EIP-55 address that signed it. */
    private String checkEvmMessage(Environment env, SignInMessage message, VerifyRequest request) {
        if (!"Ethereum".equals(message.accountKind())) {
            throw ApiException.unprocessable("other_verify_failure", "message must ask to sign in with an Ethereum account");
        }
        if (!Eip55.isAddress(request.publicWalletAddress())) {
            throw ApiException.unprocessable("invalid_wallet_address", "publicWalletAddress is not a valid EVM address");
        }
        if (!message.address().equalsIgnoreCase(request.publicWalletAddress()) || !Eip55.isAddress(message.address())) {
            throw ApiException.unprocessable("invalid_chain_address_match", "message address does not match publicWalletAddress");
        }
        checkBinding(env, message);
        checkTimes(message);
        if (!EvmSignature.isSignedBy(request.messageToSign(), request.signedMessage(), request.publicWalletAddress())) {
            throw ApiException.unprocessable("other_verify_failure", "signature does not match the wallet address");
        }
        return Eip55.checksum(request.publicWalletAddress());
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
