package dev.sigil.store;

/** What {@code GET /readyz} says about the database: ready, or the reason it cannot serve requests now. */
public enum Readiness {
    READY("ready"),
    /** The last connection attempt failed: requests fail at once until a background probe connects again. */
    UNREACHABLE("database unreachable"),
    /** The probe query got no answer within {@link DatabaseHealth#READINESS_WAIT}. */
    NOT_ANSWERING("database not answering"),
    /** The probe query failed for another reason. */
    UNAVAILABLE("database unavailable"),
    /** A write failed for lack of space, and no write has succeeded since. */
    FULL("database or disk full");

    private final String status;

    Readiness(String status) {
        this.status = status;
    }

    public boolean ready() {
        return this == READY;
    }

    /** The {@code status} of the {@code /readyz} answer. */
    public String status() {
        return status;
    }
}
