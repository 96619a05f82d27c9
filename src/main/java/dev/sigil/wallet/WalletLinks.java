package dev.sigil.wallet;

import dev.sigil.webhook.EventType;
import dev.sigil.webhook.Events;
import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.session.Session;
import dev.sigil.session.SessionService;
import dev.sigil.session.VerifyResponse;
import dev.sigil.user.UserService;
import org.jdbi.v3.core.Jdbi;

import java.util.Map;

/**
 * Adding a wallet to the signed-in user ({@code POST /verify/link}, {@code POST /wallets/verify}) and removing a
 * credential from them ({@code POST /verify/unlink}). Both answer with fresh tokens for the same session: its
 * {@code sid} and {@code signin_credential_id} never change, while the credentials and
 * {@code last_verified_credential_id} follow the account as stored now.
 */
public final class WalletLinks {
    private final Jdbi jdbi;
    private final Nonces nonces;
    private final UserService users;
    private final SessionService sessions;
    private final WalletProofs proofs;

    public WalletLinks(Jdbi jdbi, Nonces nonces, UserService users, SessionService sessions, WalletProofs proofs) {
        this.jdbi = jdbi;
        this.nonces = nonces;
        this.users = users;
        this.sessions = sessions;
        this.proofs = proofs;
    }

    /**
     * Links the wallet that signed {@code request} to the bearer's user, burning the nonce in the same transaction.
     * A wallet of another user is refused with {@code reassign_wallet_error}: Sigil does not implement
     * {@code /verify/transfer}, so answering {@code reassign_wallet_confirm} would have the client offer a transfer
     * that cannot succeed.
     */
    public VerifyResponse link(Environment env, String bearer, VerifyRequest request, String audience) {
        // The session first: a caller without one learns nothing about the wallet or the nonce.
        jdbi.useHandle(h -> sessions.liveSession(h, env, bearer));
        WalletProofs.Proof proof = proofs.check(env, request);
        Session session = InsertRace.inTransaction(jdbi, h -> {
            Session live = sessions.liveSession(h, env, bearer);
            if (!nonces.consume(h, env.id(), proof.nonce())) {
                throw ApiException.unprocessable("invalid_verification", "nonce is unknown, expired or already used");
            }
            UserService.LinkResult result = users.linkWallet(h, env.id(), live.userId(), proof.wallet());
            if (!(result instanceof UserService.LinkResult.Linked linked)) {
                throw ApiException.unprocessable("reassign_wallet_error", "this wallet belongs to another user");
            }
            Events.publish(h, env.id(), EventType.WALLET_LINKED, live.userId(),
                    Map.of("credentialId", linked.credentialId(), "chain", proof.wallet().chain(), "address", proof.wallet().address()));
            return live;
        });
        return sessions.respond(env, session, false, audience);
    }

    /** Removes the credential {@code credentialId} from the bearer's user. */
    public VerifyResponse unlink(Environment env, String bearer, String credentialId, String audience) {
        Session session = jdbi.inTransaction(h -> {
            Session live = sessions.liveSession(h, env, bearer);
            switch (users.unlink(h, env.id(), live.userId(), credentialId, live.signinCredentialId())) {
                case UserService.UnlinkResult.Unlinked unlinked -> Events.publish(h, env.id(), EventType.WALLET_UNLINKED,
                        live.userId(), Map.of("credentialId", credentialId));
                case UserService.UnlinkResult.NotFound notFound -> throw ApiException.unprocessable(
                        "invalid_unlink_request", "the signed-in user has no credential with this id");
                case UserService.UnlinkResult.LastSignInCredential last -> throw ApiException.unprocessable(
                        "cannot_delete_last_sign_in_verified_credential",
                        "this is the user's last credential to sign in with");
            }
            return live;
        });
        return sessions.respond(env, session, false, audience);
    }
}
