package dev.sigil.environment;

import java.time.Instant;
import java.util.List;

/**
 * A project environment: the unit every user, key and session belongs to (Dynamic's "environment").
 *
 * @param allowedOrigins normalised origins ({@code scheme://host[:port]}) that may use the SDK API; the
 *                       first one is the token audience when a request carries no allowed Origin
 */
public record Environment(String id, String name, List<String> allowedOrigins, EnvironmentSettings settings,
                          long longestJwtSeconds, Instant createdAt, Instant updatedAt) {

    public Environment {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public boolean allowsOrigin(String origin) {
        return allowedOrigins.contains(origin);
    }
}
