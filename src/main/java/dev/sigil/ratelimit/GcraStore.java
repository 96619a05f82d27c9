package dev.sigil.ratelimit;

/** Where the GCRA state of every key lives: this process's memory, or Redis shared by every node. */
interface GcraStore extends AutoCloseable {
    /**
     * Runs one GCRA step for {@code key} at {@code nowMicros}, atomically: 0 when the event is allowed (and
     * recorded), else the microseconds until it would be.
     */
    long admit(String key, long nowMicros, Rate rate);

    @Override
    void close();
}
