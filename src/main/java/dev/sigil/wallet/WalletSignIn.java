package dev.sigil.wallet;

import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.ratelimit.RateLimit;
import dev.sigil.ratelimit.RateLimiter;
import dev.sigil.session.Session;
import dev.sigil.session.SessionService;
import dev.sigil.session.VerifyResponse;
import dev.sigil.user.UserService;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.Optional;

/**
 * Wallet sign-in ({@code POST /verify}, {@code POST /wallets/signin}) with an EVM or Solana wallet: checks the signed
 * EIP-4361 message ({@link WalletProofs}), then burns the nonce, finds or creates the user and opens a session, all
 * in one transaction.
 */
public final class WalletSignIn {
    /** How old a message's Issued At may be: long enough for a user to read a wallet prompt. */
    public static final Duration MAX_MESSAGE_AGE = WalletProofs.MAX_MESSAGE_AGE;
    /** Tolerated clock difference between the client and this server. */
    public static final Duration CLOCK_SKEW = WalletProofs.CLOCK_SKEW;

    private final Jdbi jdbi;
    private final Nonces nonces;
    private final UserService users;
    private final SessionService sessions;
    private final WalletProofs proofs;
    private final RateLimiter limiter;

    public WalletSignIn(Jdbi jdbi, Nonces nonces, UserService users, SessionService sessions, WalletProofs proofs,
                        RateLimiter limiter) {
        this.jdbi = jdbi;
        this.nonces = nonces;
        this.users = users;
        this.sessions = sessions;
        this.proofs = proofs;
        this.limiter = limiter;
    }

    public VerifyResponse signIn(Environment env, VerifyRequest request, String audience) {
        WalletProofs.Proof proof = proofs.check(env, request);
        // After the proof: a refused signature never counts, and a limited sign-in leaves its nonce unused.
        limiter.check(env, RateLimit.SIGN_INS_PER_WALLET, proof.wallet().identifierKey());
        Opened opened = openSession(env, proof, request.sessionPublicKey());
        return sessions.respond(env, opened.session(), opened.newUser(), audience);
    }

    private record Opened(Session session, boolean newUser) {
    }

    /**
     * Burns the nonce, finds or creates the user, opens the session. A lost race on the credential's unique
     * index rolls everything back (the nonce too) and the retry finds the user the winner created.
     */
    private Opened openSession(Environment env, WalletProofs.Proof proof, Optional<String> sessionPublicKey) {
        return InsertRace.inTransaction(jdbi, h -> {
            if (!nonces.consume(h, env.id(), proof.nonce())) {
                throw ApiException.unprocessable("invalid_verification", "nonce is unknown, expired or already used");
            }
            UserService.SignedInUser user = users.signInWithWallet(h, env.id(), proof.wallet());
            Session session = sessions.open(h, env, user.userId(), user.credentialId(), sessionPublicKey);
            return new Opened(session, user.newUser());
        });
    }
}
