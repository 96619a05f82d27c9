package dev.sigil.user;

import java.util.List;
import java.util.Optional;

/** A user together with its verified credentials, as stored at one moment. */
public record Account(User user, List<VerifiedCredential> credentials) {
    public Account {
        credentials = List.copyOf(credentials);
    }

    public Optional<VerifiedCredential> credential(String id) {
        return credentials.stream().filter(c -> c.id().equals(id)).findFirst();
    }
}
