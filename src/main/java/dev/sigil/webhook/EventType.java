package dev.sigil.webhook;

import java.util.Arrays;
import java.util.Optional;

/** What a webhook can subscribe to. The wire names are part of the public contract: never rename one. */
public enum EventType {
    USER_CREATED("user.created"),
    USER_UPDATED("user.updated"),
    USER_DELETED("user.deleted"),
    SESSION_CREATED("session.created"),
    SESSION_REVOKED("session.revoked"),
    WALLET_LINKED("wallet.linked"),
    WALLET_UNLINKED("wallet.unlinked"),
    EMAIL_VERIFIED("email.verified");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> of(String wireName) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
