package dev.sigil.store;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Query statistics on SQLite: an operator's ANALYZE leaves sqlite_stat4, which makes SQLite re-plan statements on
 * every new parameter value; {@link Database#open} drops it and keeps sqlite_stat1.
 */
class SqliteStatisticsTest {
    @TempDir
    Path dir;

    @Test
    void openingDropsTheStat4TableAnAnalyzeLeftAndKeepsStat1() {
        Path file = dir.resolve("sigil.db");
        try (Database db = Database.open(Optional.empty(), file)) {
            db.jdbi().useTransaction(h -> {
                h.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, key TEXT NOT NULL)");
                h.execute("CREATE INDEX probe_key ON probe(key)");
                h.execute("""
                        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                        INSERT INTO probe (id, key) SELECT i, 'k' || (i % 50) FROM n""");
            });
            db.jdbi().useTransaction(h -> h.execute("ANALYZE"));
            // The precondition: this SQLite is built with STAT4, or there is nothing to drop.
            int stat4Rows = db.jdbi().withHandle(h -> rows(h, "sqlite_stat4"));
            assertThat(stat4Rows).isPositive();
        }

        try (Database db = Database.open(Optional.empty(), file)) {
            db.jdbi().useHandle(h -> {
                assertThat(statTables(h)).containsExactly("sqlite_stat1");
                assertThat(rows(h, "sqlite_stat1")).isPositive();
                // Queries still run, with the statistics that are left.
                assertThat(h.createQuery("SELECT count(*) FROM probe WHERE key = :key").bind("key", "k7")
                        .mapTo(Integer.class).one()).isEqualTo(40);
            });
        }
    }

    @Test
    void aDatabaseWithoutStatisticsStaysWithout() {
        Path file = dir.resolve("sigil.db");
        Database.open(Optional.empty(), file).close();
        try (Database db = Database.open(Optional.empty(), file)) {
            assertThat(db.jdbi().withHandle(SqliteStatisticsTest::statTables)).isEmpty();
        }
    }

    private static List<String> statTables(Handle h) {
        return h.createQuery("""
                        SELECT name FROM sqlite_schema
                        WHERE type = 'table' AND name LIKE 'sqlite\\_stat%' ESCAPE '\\' ORDER BY name""")
                .mapTo(String.class).list();
    }

    private static int rows(Handle h, String table) {
        return h.createQuery("SELECT count(*) FROM " + table).mapTo(Integer.class).one();
    }
}
