package dev.sigil.ratelimit;

/**
 * The generic cell rate algorithm: the whole state of a key is one number, its theoretical arrival time (TAT),
 * the time at which the key would be back to an empty bucket. An event at {@code now} is allowed when
 * {@code TAT + T - period <= now} (at most {@code limit} events "ahead" of the steady rate), and then moves the
 * TAT on by T = period / limit. A refused event changes nothing, so hammering a key past its limit does not
 * push its recovery further away. The Redis store runs the same step as a Lua script.
 */
final class Gcra {
    private Gcra() {
    }

    /** The outcome of one event: the key's TAT afterwards, and how long to wait (0 when allowed). */
    record Step(long tatMicros, long waitMicros) {
        boolean allowed() {
            return waitMicros == 0;
        }
    }

    /** One event at {@code nowMicros} against a key whose TAT is {@code tatMicros} (or any past time for a new key). */
    static Step step(long tatMicros, long nowMicros, Rate rate) {
        long tat = Math.max(tatMicros, nowMicros);
        long allowAt = tat + rate.emissionMicros() - rate.periodMicros();
        if (nowMicros < allowAt) {
            return new Step(tat, allowAt - nowMicros);
        }
        return new Step(tat + rate.emissionMicros(), 0);
    }
}
