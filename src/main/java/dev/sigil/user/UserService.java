package dev.sigil.user;

import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** Users and their verified credentials. Methods take the caller's handle: they run inside its transaction. */
public final class UserService {
    private final UserStore store = new UserStore();
    private final Clock clock;

    public UserService(Clock clock) {
        this.clock = clock;
    }

    public Optional<Account> account(Handle h, String environmentId, String userId) {
        return store.find(h, environmentId, userId).map(user -> new Account(user, store.credentialsOf(h, userId)));
    }

    /** A wallet as presented at sign-in. {@code chain} is the VC chain name ({@code eip155}). */
    public record Wallet(String chain, String address, String walletName, String walletProvider) {
        /** Canonical identity: EVM addresses are case-insensitive (EIP-55 case is only a checksum). */
        String identifierKey() {
            return chain + ":" + ("eip155".equals(chain) ? address.toLowerCase(Locale.ROOT) : address);
        }
    }

    /** Who signed in with a wallet, and whether this sign-in created them. */
    public record SignedInUser(String userId, String credentialId, boolean newUser) {
    }

    /**
     * Finds the user that owns {@code wallet} or creates one with it. A concurrent first sign-in of the same
     * wallet makes one of the two inserts fail on the unique credential index; the caller retries and then
     * finds the user the other one created.
     */
    public SignedInUser signInWithWallet(Handle h, String environmentId, Wallet wallet) {
        Instant now = clock.instant();
        Optional<VerifiedCredential> existing = store.findCredential(h, environmentId, VerifiedCredential.BLOCKCHAIN,
                wallet.identifierKey());
        if (existing.isPresent()) {
            VerifiedCredential credential = existing.get();
            store.touchWallet(h, credential.id(), wallet.walletName(), wallet.walletProvider(), now);
            store.recordVisit(h, credential.userId(), credential.id(), now);
            return new SignedInUser(credential.userId(), credential.id(), false);
        }
        String userId = UUID.randomUUID().toString();
        VerifiedCredential credential = new VerifiedCredential(UUID.randomUUID().toString(), userId, environmentId,
                VerifiedCredential.BLOCKCHAIN, Optional.of(wallet.chain()), wallet.address(),
                Optional.of(wallet.walletName()), Optional.of(wallet.walletProvider()), true, now, now);
        store.insertUser(h, userId, environmentId, now);
        store.insertCredential(h, credential, wallet.identifierKey());
        store.recordVisit(h, userId, credential.id(), now);
        return new SignedInUser(userId, credential.id(), true);
    }
}
