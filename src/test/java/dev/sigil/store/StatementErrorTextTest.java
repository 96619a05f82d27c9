package dev.sigil.store;

import dev.sigil.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A failed statement's exception, which may be logged whole, never carries the values bound to it. */
class StatementErrorTextTest {
    @Test
    void aFailedStatementsExceptionDoesNotCarryItsBoundValues() throws Exception {
        String secret = "nonce-" + UUID.randomUUID();
        try (Database db = Database.open(TestDatabase.freshPostgresSchema(),
                Files.createTempDirectory("sigil-statement-errors").resolve("sigil.db"))) {
            // NOT NULL expires_at: the insert fails after the secret is bound.
            Throwable failure = catchThrowable(() -> db.jdbi().useTransaction(h -> h.createUpdate(
                            "INSERT INTO nonces (nonce, environment_id, expires_at) VALUES (:nonce, :env, NULL)")
                    .bind("nonce", secret).bind("env", "env-1").execute()));
            assertThat(failure).isNotNull();
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).contains("nonces").doesNotContain(secret);
        }
    }
}
