package dev.sigil.ratelimit;

import dev.sigil.config.RedisConfig;
import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Enforces the {@link RateLimit}s: one GCRA step per event, in memory on a single node or in Redis when
 * {@code SIGIL_REDIS_URL} is set. An event over its limit is a 429 with {@code Retry-After} in whole seconds.
 *
 * <p>Keys are {@code prefix + limit + environment + SHA-256(subject)}: the subject (an email, a phone number, an
 * address, a session id) never reaches Redis or the heap's key set in clear, and every key has the same short
 * length whatever the client sent.
 */
public final class RateLimiter implements AutoCloseable {
    private final GcraStore store;
    private final String prefix;
    private final Clock clock;
    private final Map<RateLimit, Counter> refused = new EnumMap<>(RateLimit.class);

    RateLimiter(GcraStore store, String prefix, Clock clock, MeterRegistry registry) {
        this.store = store;
        this.prefix = prefix;
        this.clock = clock;
        for (RateLimit limit : RateLimit.values()) {
            refused.put(limit, Counter.builder("sigil_rate_limited")
                    .description("Requests refused with 429 by a rate limit")
                    .tag("limit", limit.setting())
                    .register(registry));
        }
    }

    /** Redis-backed when {@code redis} is present, else in this process's memory. */
    public static RateLimiter open(Optional<RedisConfig> redis, Clock clock, MeterRegistry registry) {
        return redis.map(r -> new RateLimiter(new RedisGcraStore(r, clock), r.keyPrefix(), clock, registry))
                .orElseGet(() -> new RateLimiter(new LocalGcraStore(clock), "", clock, registry));
    }

    /** One event of {@code limit} for {@code subject} in {@code env}, at the environment's rate; 429 past it. */
    public void check(Environment env, RateLimit limit, String subject) {
        check(limit, env.settings().rateLimits().rate(limit), env.id(), subject);
    }

    /** One event of {@code limit} for {@code subject} within {@code scope} (an environment id or a global name). */
    public void check(RateLimit limit, Rate rate, String scope, String subject) {
        long now = micros(clock.instant());
        long waitMicros = store.admit(prefix + limit.key + ":" + scope + ":" + digest(subject), now, rate);
        if (waitMicros > 0) {
            refused.get(limit).increment();
            // Whole seconds, rounded up: a client that waits that long is allowed.
            long seconds = Math.max(1, (waitMicros + 999_999) / 1_000_000);
            throw ApiException.tooManyRequests("Too many requests. Please try again later.", seconds);
        }
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }

    private static String digest(String subject) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
            // 128 bits: collisions between two subjects are out of reach.
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
