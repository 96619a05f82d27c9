package dev.sigil.admin;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a scoped API token may do in its one environment. The operator token may do everything; a scoped token
 * only what its scopes name. {@code :write} does not imply {@code :read}: grant both when both are needed.
 */
public enum Scope {
    USERS_READ("users:read"),
    USERS_WRITE("users:write"),
    SESSIONS_READ("sessions:read"),
    SESSIONS_WRITE("sessions:write"),
    KEYS_READ("keys:read"),
    KEYS_WRITE("keys:write"),
    AUDIT_READ("audit:read"),
    WEBHOOKS_READ("webhooks:read"),
    WEBHOOKS_WRITE("webhooks:write");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Scope> of(String wireName) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(wireName)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
