package dev.sigil.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;

/**
 * Where rate-limit state is shared between nodes: {@code SIGIL_REDIS_URL} ({@code redis://[:password@]host[:port][/db]}
 * or {@code rediss://} for TLS) and {@code SIGIL_REDIS_KEY_PREFIX} (default {@code sigil:rl:}), so several Sigil
 * deployments, or test runs, can share one Redis without sharing limits.
 */
public record RedisConfig(String url, String keyPrefix) {
    public static final String DEFAULT_KEY_PREFIX = "sigil:rl:";

    public RedisConfig {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("SIGIL_REDIS_URL must be a URL like redis://127.0.0.1:6379");
        }
        if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("SIGIL_REDIS_URL must be a redis:// or rediss:// URL like redis://127.0.0.1:6379");
        }
        if (keyPrefix.isEmpty() || keyPrefix.length() > 100 || keyPrefix.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("SIGIL_REDIS_KEY_PREFIX must be 1 to 100 printable ASCII characters without spaces");
        }
    }

    public static RedisConfig of(String url) {
        return new RedisConfig(url, DEFAULT_KEY_PREFIX);
    }

    static Optional<RedisConfig> fromEnvironment(Map<String, String> env) {
        return nonBlank(env.get("SIGIL_REDIS_URL")).map(url ->
                new RedisConfig(url, nonBlank(env.get("SIGIL_REDIS_KEY_PREFIX")).orElse(DEFAULT_KEY_PREFIX)));
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** The URL with any password masked, for logs. */
    public String safeUrl() {
        return url.replaceAll("//[^@/]*@", "//***@");
    }
}
