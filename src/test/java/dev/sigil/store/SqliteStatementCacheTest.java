package dev.sigil.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SQLite statement cache on a real database file, through {@link Database} as the server opens it. */
class SqliteStatementCacheTest {
    private static final String BY_ID = "SELECT name FROM probe WHERE id = :id";

    @TempDir
    Path dir;
    Database db;
    Jdbi jdbi;

    @BeforeEach
    void open() {
        db = Database.open(Optional.empty(), dir.resolve("sigil.db"));
        jdbi = db.jdbi();
        jdbi.useTransaction(h -> {
            h.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
            for (int i = 1; i <= 3; i++) {
                h.execute("INSERT INTO probe (id, name) VALUES (?, ?)", i, "n" + i);
            }
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void oneStatementServesTheSameSqlAcrossHandles() {
        Set<Statement> used = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 50; i++) {
            int id = 1 + i % 3;
            String name = jdbi.withHandle(h -> h.createQuery(BY_ID).bind("id", id)
                    .map((rs, ctx) -> {
                        used.add(ctx.getStatement());
                        return rs.getString("name");
                    }).one());
            assertThat(name).isEqualTo("n" + id);
        }
        // At most one per pooled connection (the pool holds 8), against 50 without the cache.
        assertThat(used).hasSizeLessThanOrEqualTo(8);
    }

    @Test
    void aNestedUseOfTheSameSqlGetsAStatementOfItsOwn() {
        Map<String, String> pairs = jdbi.withHandle(h -> {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            h.createQuery("SELECT name FROM probe ORDER BY id").mapTo(String.class).useIterator(outer -> outer.forEachRemaining(name -> {
                int next = Integer.parseInt(name.substring(1)) % 3 + 1;
                // Same SQL as below while the outer query's results are still being read.
                out.put(name, h.createQuery("SELECT name FROM probe ORDER BY id").mapTo(String.class).list().get(next - 1));
            }));
            return out;
        });
        assertThat(pairs).containsExactly(Map.entry("n1", "n2"), Map.entry("n2", "n3"), Map.entry("n3", "n1"));
    }

    @Test
    void anIdleCachedStatementHoldsNoSnapshot() {
        assertThat(name(jdbi, 4)).isEmpty();
        jdbi.useTransaction(h -> h.execute("INSERT INTO probe (id, name) VALUES (4, 'n4')"));
        assertThat(name(jdbi, 4)).contains("n4");
        // A checkpoint completes only when no connection reads an older snapshot: busy = 0, every frame copied.
        List<Integer> checkpoint = jdbi.withHandle(h -> h.createQuery("PRAGMA wal_checkpoint(TRUNCATE)")
                .map((rs, ctx) -> List.of(rs.getInt(1), rs.getInt(2), rs.getInt(3))).one());
        assertThat(checkpoint.getFirst()).as("busy").isZero();
    }

    @Test
    void aStatementThatFailedServesTheNextCall() {
        String insert = "INSERT INTO probe (id, name) VALUES (:id, :name)";
        assertThatThrownBy(() -> jdbi.useTransaction(h -> h.createUpdate(insert).bind("id", 5).bind("name", "n1").execute()))
                .hasMessageContaining("UNIQUE");
        jdbi.useTransaction(h -> h.createUpdate(insert).bind("id", 5).bind("name", "n5").execute());
        assertThatThrownBy(() -> jdbi.useTransaction(h -> {
            var batch = h.prepareBatch(insert);
            batch.bind("id", 6).bind("name", "n6").add();
            batch.bind("id", 7).bind("name", "n2").add(); // taken
            batch.execute();
        })).hasMessageContaining("UNIQUE");
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch(insert);
            batch.bind("id", 8).bind("name", "n8").add();
            batch.execute();
        });
        List<String> names = jdbi.withHandle(h -> h.createQuery("SELECT name FROM probe ORDER BY id").mapTo(String.class).list());
        assertThat(names).containsExactly("n1", "n2", "n3", "n5", "n8");
    }

    @Test
    void theLeastRecentlyUsedStatementsAreClosedBeyondTheCap() throws Exception {
        try (Handle h = jdbi.open()) {
            Statement first = statementOf(h, "SELECT 0");
            List<Statement> others = new ArrayList<>();
            for (int i = 1; i <= SqliteStatementCache.MAX_PER_CONNECTION; i++) {
                others.add(statementOf(h, "SELECT " + i));
            }
            assertThat(first.isClosed()).isTrue();
            assertThat(others.getLast().isClosed()).isFalse();
            assertThat(h.createQuery("SELECT 0").mapTo(Integer.class).one()).isZero();
        }
    }

    private static Statement statementOf(Handle h, String sql) {
        return h.createQuery(sql).map((rs, ctx) -> ctx.getStatement()).one();
    }

    private static Optional<String> name(Jdbi jdbi, int id) {
        return jdbi.withHandle(h -> h.createQuery(BY_ID).bind("id", id).mapTo(String.class).findOne());
    }
}
