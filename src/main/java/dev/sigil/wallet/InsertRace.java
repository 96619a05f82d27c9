package dev.sigil.wallet;

import dev.sigil.store.UniqueViolation;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.function.Function;

/**
 * Runs a transaction that may lose a race on the credentials' unique index (two first uses of one wallet at once).
 * The loser rolls back entirely, nonce burn included, and runs again: it then sees the winner's row.
 */
final class InsertRace {
    private static final int MAX_ATTEMPTS = 3;

    private InsertRace() {
    }

    static <T> T inTransaction(Jdbi jdbi, Function<Handle, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(work::apply);
            } catch (RuntimeException e) {
                if (attempt >= MAX_ATTEMPTS || !UniqueViolation.isCause(e)) {
                    throw e;
                }
            }
        }
    }
}
