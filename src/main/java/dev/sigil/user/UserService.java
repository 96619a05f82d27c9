package dev.sigil.user;

import dev.sigil.webhook.EventType;
import dev.sigil.webhook.Events;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        public String identifierKey() {
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
        Events.publish(h, environmentId, EventType.USER_CREATED, userId, Map.of("signInMethod", "wallet"));
        store.insertCredential(h, credential, wallet.identifierKey());
        store.recordVisit(h, userId, credential.id(), now);
        return new SignedInUser(userId, credential.id(), true);
    }

    /** What linking a wallet to a signed-in user came to. */
    public sealed interface LinkResult {
        /** The wallet is the user's now (newly, or again: then only its name, provider and selection time changed). */
        record Linked(String credentialId) implements LinkResult {
        }

        /** Another user of the environment owns the wallet; nothing changed. */
        record OwnedByAnotherUser() implements LinkResult {
        }
    }

    /**
     * Adds {@code wallet} to {@code userId} and makes it the last verified credential. As with sign-in, a concurrent
     * link of the same new wallet loses on the unique index and the caller retries.
     */
    public LinkResult linkWallet(Handle h, String environmentId, String userId, Wallet wallet) {
        Instant now = clock.instant();
        Optional<VerifiedCredential> existing = store.findCredential(h, environmentId, VerifiedCredential.BLOCKCHAIN,
                wallet.identifierKey());
        if (existing.isPresent() && !existing.get().userId().equals(userId)) {
            return new LinkResult.OwnedByAnotherUser();
        }
        String credentialId;
        if (existing.isPresent()) {
            credentialId = existing.get().id();
            store.touchWallet(h, credentialId, wallet.walletName(), wallet.walletProvider(), now);
        } else {
            credentialId = UUID.randomUUID().toString();
            store.insertCredential(h, new VerifiedCredential(credentialId, userId, environmentId,
                    VerifiedCredential.BLOCKCHAIN, Optional.of(wallet.chain()), wallet.address(),
                    Optional.of(wallet.walletName()), Optional.of(wallet.walletProvider()), true, now, now),
                    wallet.identifierKey());
        }
        store.recordVisit(h, userId, credentialId, now);
        return new LinkResult.Linked(credentialId);
    }

    /** What removing a credential from a user came to. */
    public sealed interface UnlinkResult {
        record Unlinked() implements UnlinkResult {
        }

        /** No such credential, or it is another user's: both look the same to the caller. */
        record NotFound() implements UnlinkResult {
        }

        /** It is the user's only credential they can sign in with; removing it would lock them out. */
        record LastSignInCredential() implements UnlinkResult {
        }
    }

    /**
     * Removes {@code credentialId} from {@code userId}. Locks the user row first, so that two unlinks of the user's
     * last two sign-in credentials run one after the other and the second sees the first one's delete (SQLite's
     * IMMEDIATE transactions serialize anyway; PostgreSQL's READ COMMITTED reads afresh after the lock wait).
     * If the user's last verified credential was the removed one, it falls back to {@code sessionCredentialId}
     * when that still exists, else to the most recently selected credential left.
     */
    public UnlinkResult unlink(Handle h, String environmentId, String userId, String credentialId, String sessionCredentialId) {
        Instant now = clock.instant();
        if (!store.lockUser(h, environmentId, userId, now)) {
            return new UnlinkResult.NotFound();
        }
        List<VerifiedCredential> credentials = store.credentialsOf(h, userId);
        Optional<VerifiedCredential> target = credentials.stream().filter(c -> c.id().equals(credentialId)).findFirst();
        if (target.isEmpty()) {
            return new UnlinkResult.NotFound();
        }
        long signInCredentials = credentials.stream().filter(VerifiedCredential::signInEnabled).count();
        if (target.get().signInEnabled() && signInCredentials <= 1) {
            return new UnlinkResult.LastSignInCredential();
        }
        store.deleteCredential(h, credentialId);
        List<VerifiedCredential> left = credentials.stream().filter(c -> !c.id().equals(credentialId)).toList();
        Optional<String> lastVerified = store.find(h, environmentId, userId).flatMap(User::lastVerifiedCredentialId);
        if (lastVerified.isEmpty() || lastVerified.get().equals(credentialId)) {
            store.setLastVerifiedCredential(h, userId, fallback(left, sessionCredentialId), now);
        }
        return new UnlinkResult.Unlinked();
    }

    private static Optional<String> fallback(List<VerifiedCredential> left, String sessionCredentialId) {
        if (left.stream().anyMatch(c -> c.id().equals(sessionCredentialId))) {
            return Optional.of(sessionCredentialId);
        }
        return left.stream()
                .max(Comparator.comparing(VerifiedCredential::lastSelectedAt).thenComparing(VerifiedCredential::id))
                .map(VerifiedCredential::id);
    }

    /**
     * Finds the user whose {@code externalUser} credential has this subject, or creates one with it. As for
     * wallets, a lost race on the unique credential index is for the caller to retry.
     */
    public SignedInUser signInWithExternalUser(Handle h, String environmentId, String subject) {
        Instant now = clock.instant();
        String identifierKey = VerifiedCredential.EXTERNAL_USER + ":" + subject;
        Optional<VerifiedCredential> existing = store.findCredential(h, environmentId, VerifiedCredential.EXTERNAL_USER,
                identifierKey);
        if (existing.isPresent()) {
            VerifiedCredential credential = existing.get();
            store.touchCredential(h, credential.id(), now);
            store.recordVisit(h, credential.userId(), credential.id(), now);
            return new SignedInUser(credential.userId(), credential.id(), false);
        }
        String userId = UUID.randomUUID().toString();
        VerifiedCredential credential = new VerifiedCredential(UUID.randomUUID().toString(), userId, environmentId,
                VerifiedCredential.EXTERNAL_USER, Optional.empty(), subject, Optional.empty(), Optional.empty(),
                true, now, now);
        store.insertUser(h, userId, environmentId, now);
        Events.publish(h, environmentId, EventType.USER_CREATED, userId, Map.of("signInMethod", "externalUser"));
        store.insertCredential(h, credential, identifierKey);
        store.recordVisit(h, userId, credential.id(), now);
        return new SignedInUser(userId, credential.id(), true);
    }

    /**
     * An email or phone number proved by a one-time code.
     *
     * @param format        {@link VerifiedCredential#EMAIL} or {@link VerifiedCredential#PHONE_NUMBER}
     * @param identifier    as shown: the email as entered, the phone number in E.164
     * @param identifierKey its identity: the lowercased email, E.164
     */
    public record Contact(String format, String identifier, String identifierKey) {
    }

    /** Finds the user that owns {@code contact} or creates one with it (and with it as profile email or phone). */
    public SignedInUser signInWithContact(Handle h, String environmentId, Contact contact) {
        Instant now = clock.instant();
        Optional<VerifiedCredential> existing = store.findCredential(h, environmentId, contact.format(), contact.identifierKey());
        if (existing.isPresent()) {
            VerifiedCredential credential = existing.get();
            store.touchCredential(h, credential.id(), now);
            store.recordVisit(h, credential.userId(), credential.id(), now);
            return new SignedInUser(credential.userId(), credential.id(), false);
        }
        String userId = UUID.randomUUID().toString();
        store.insertUser(h, userId, environmentId, now);
        Events.publish(h, environmentId, EventType.USER_CREATED, userId, Map.of("signInMethod", contact.format()));
        String credentialId = insertContact(h, environmentId, userId, contact, now);
        store.recordVisit(h, userId, credentialId, now);
        return new SignedInUser(userId, credentialId, true);
    }

    /** Whether {@link #addContact} added the contact, found it already the user's, or found another user's. */
    public enum ContactAdded { ADDED, ALREADY_THEIRS, OWNED_BY_ANOTHER_USER }

    /** Adds a proved contact to a signed-in user and makes it their profile email or phone number. */
    public ContactAdded addContact(Handle h, String environmentId, String userId, Contact contact) {
        Instant now = clock.instant();
        Optional<VerifiedCredential> existing = store.findCredential(h, environmentId, contact.format(), contact.identifierKey());
        if (existing.isPresent() && !existing.get().userId().equals(userId)) {
            return ContactAdded.OWNED_BY_ANOTHER_USER;
        }
        String credentialId = existing.map(VerifiedCredential::id).orElseGet(() -> insertContact(h, environmentId, userId, contact, now));
        existing.ifPresent(c -> store.touchCredential(h, c.id(), now));
        store.setContactField(h, userId, contact.format(), contact.identifier(), now);
        store.recordVisit(h, userId, credentialId, now);
        return existing.isPresent() ? ContactAdded.ALREADY_THEIRS : ContactAdded.ADDED;
    }

    /** Writes validated profile columns (null clears); a username another user holds fails on a unique index. */
    public void updateProfile(Handle h, String userId, Map<String, Object> columns) {
        store.updateProfile(h, userId, columns, clock.instant());
    }

    /** Who holds {@code username} in the environment (compared case-insensitively), if anyone. */
    public Optional<String> usernameOwner(Handle h, String environmentId, String username) {
        return store.userWithUsername(h, environmentId, UserStore.usernameKey(username));
    }

    /** Whose verified email or phone {@code contact} is, if anyone's. */
    public Optional<String> contactOwner(Handle h, String environmentId, Contact contact) {
        return store.findCredential(h, environmentId, contact.format(), contact.identifierKey()).map(VerifiedCredential::userId);
    }

    /** Deletes the user and its credentials; the caller ends its sessions in the same transaction. */
    public void delete(Handle h, String environmentId, String userId) {
        store.deleteUser(h, environmentId, userId);
    }

    private String insertContact(Handle h, String environmentId, String userId, Contact contact, Instant now) {
        VerifiedCredential credential = new VerifiedCredential(UUID.randomUUID().toString(), userId, environmentId,
                contact.format(), Optional.empty(), contact.identifier(), Optional.empty(), Optional.empty(), true, now, now);
        store.insertCredential(h, credential, contact.identifierKey());
        store.setContactField(h, userId, contact.format(), contact.identifier(), now);
        return credential.id();
    }
}
