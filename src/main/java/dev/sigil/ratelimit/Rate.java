package dev.sigil.ratelimit;

import java.time.Duration;

/** {@code limit} events per {@code period}: a burst of {@code limit} at once, then one every {@code period / limit}. */
public record Rate(int limit, Duration period) {
    public Rate {
        if (limit < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate needs a positive limit and period");
        }
    }

    /** GCRA's emission interval T: the steady spacing between events, in microseconds. */
    long emissionMicros() {
        return Math.max(1, period.toNanos() / 1000 / limit);
    }

    long periodMicros() {
        return period.toNanos() / 1000;
    }
}
