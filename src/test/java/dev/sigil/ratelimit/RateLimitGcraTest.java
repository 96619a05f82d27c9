package dev.sigil.ratelimit;

import dev.sigil.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The GCRA step and the bounded in-memory store. */
class RateLimitGcraTest {
    private static final Rate FIVE_PER_MINUTE = new Rate(5, Duration.ofMinutes(1));
    private static final long SECOND = 1_000_000;

    @Test
    void allowsABurstOfTheLimitThenOneEveryEmissionInterval() {
        long now = 1_000 * SECOND;
        long tat = 0;
        for (int i = 0; i < 5; i++) {
            Gcra.Step step = Gcra.step(tat, now, FIVE_PER_MINUTE);
            assertThat(step.allowed()).as("event %d", i).isTrue();
            tat = step.tatMicros();
        }
        Gcra.Step refused = Gcra.step(tat, now, FIVE_PER_MINUTE);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.waitMicros()).isEqualTo(12 * SECOND);
        // A refused event changes nothing: hammering does not push recovery further away.
        assertThat(refused.tatMicros()).isEqualTo(tat);
        assertThat(Gcra.step(tat, now + 12 * SECOND - 1, FIVE_PER_MINUTE).allowed()).isFalse();
        Gcra.Step later = Gcra.step(tat, now + 12 * SECOND, FIVE_PER_MINUTE);
        assertThat(later.allowed()).isTrue();
        assertThat(Gcra.step(later.tatMicros(), now + 12 * SECOND, FIVE_PER_MINUTE).waitMicros()).isEqualTo(12 * SECOND);
    }

    @Test
    void aKeyIdleForAPeriodHasItsWholeBurstBack() {
        long now = 1_000 * SECOND;
        long tat = 0;
        for (int i = 0; i < 5; i++) {
            tat = Gcra.step(tat, now, FIVE_PER_MINUTE).tatMicros();
        }
        long later = now + 60 * SECOND;
        for (int i = 0; i < 5; i++) {
            Gcra.Step step = Gcra.step(tat, later, FIVE_PER_MINUTE);
            assertThat(step.allowed()).isTrue();
            tat = step.tatMicros();
        }
        assertThat(Gcra.step(tat, later, FIVE_PER_MINUTE).allowed()).isFalse();
    }

    @Test
    void localStoreForgetsKeysOnceTheirStateExpires() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        LocalGcraStore store = new LocalGcraStore(clock);
        long now = RateLimiter.micros(clock.instant());
        for (int i = 0; i < 100; i++) {
            assertThat(store.admit("key-" + i, now, FIVE_PER_MINUTE)).isZero();
        }
        assertThat(store.size()).isEqualTo(100);
        clock.advance(Duration.ofSeconds(13));
        assertThat(store.size()).isZero();
    }

    @Test
    void localStoreNeverHoldsMoreThanItsCap() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        LocalGcraStore store = new LocalGcraStore(clock, 1_000);
        long now = RateLimiter.micros(clock.instant());
        // An attacker rotating through 20,000 addresses within one period.
        for (int i = 0; i < 20_000; i++) {
            store.admit("ip-" + i, now, FIVE_PER_MINUTE);
        }
        assertThat(store.size()).isLessThanOrEqualTo(1_000);
    }
}
