package dev.sigil.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * GCRA state in this process, in a Caffeine cache whose memory is bounded twice: an entry expires the moment its
 * TAT passes (from then on it is the same as no entry), and the cache never holds more than {@link #MAX_KEYS}
 * keys, so an attacker rotating addresses cannot grow it without end. At the cap Caffeine's frequency-aware
 * eviction drops rarely seen keys first; a key being hammered is seen often and stays.
 */
final class LocalGcraStore implements GcraStore {
    /** About 100 bytes of state plus a 60-character key each: tens of megabytes at most. */
    static final int MAX_KEYS = 200_000;

    private final Cache<String, Long> tats;

    LocalGcraStore(Clock clock) {
        this(clock, MAX_KEYS);
    }

    LocalGcraStore(Clock clock, int maxKeys) {
        Instant start = clock.instant();
        this.tats = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                // Caffeine's time is the injected clock too, so tests that move the clock expire entries.
                .ticker(() -> Duration.between(start, clock.instant()).toNanos())
                .expireAfter(Expiry.<String, Long>writing((key, tat) -> untilTat(clock, tat)))
                // Upkeep (expiry, eviction) on the calling thread, a little per write, instead of handing it to the
                // common pool: that woke another thread on nearly every request, a context switch each time on
                // the one core the benchmark gives the server (a profile showed it as 2 % of a refresh's CPU).
                .executor(Runnable::run)
                .build();
    }

    private static Duration untilTat(Clock clock, long tatMicros) {
        return Duration.ofNanos(Math.max(0, tatMicros - RateLimiter.micros(clock.instant())) * 1000);
    }

    @Override
    public long admit(String key, long nowMicros, Rate rate) {
        long[] wait = new long[1];
        tats.asMap().compute(key, (k, tat) -> {
            Gcra.Step step = Gcra.step(tat == null ? nowMicros : tat, nowMicros, rate);
            wait[0] = step.waitMicros();
            return step.tatMicros();
        });
        return wait[0];
    }

    long size() {
        tats.cleanUp();
        return tats.estimatedSize();
    }

    /** Forgets every count. */
    void clear() {
        tats.invalidateAll();
    }

    @Override
    public void close() {
        clear();
    }
}
