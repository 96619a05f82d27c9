package dev.sigil.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The one database of a Sigil process: a Hikari pool, Flyway migrations (a folder per vendor) and the Jdbi
 * everything else uses. SQLite in the data directory unless a PostgreSQL URL is given.
 *
 * <p>On SQLite, write only inside a transaction ({@code jdbi.useTransaction}), even a single statement:
 * transactions queue for SQLite's one write lock in Java ({@link SqliteWriterQueue}); a write outside one waits
 * inside SQLite, holding a virtual thread's carrier, and can stall the writer it waits for.
 */
public final class Database implements AutoCloseable {
    public enum Vendor { SQLITE, POSTGRESQL }

    /** How long an SQLite writer waits for the write lock, in the queue and then in SQLite, before a 503. */
    static final Duration SQLITE_BUSY_TIMEOUT = Duration.ofSeconds(10);

    /** SQLite's pool: one writer at a time anyway; readers in WAL mode never wait for it. */
    static final int SQLITE_POOL_SIZE = 8;
    /**
     * How long a PostgreSQL request waits for a pooled connection. Long enough for a busy pool at full load (a query
     * holds a connection for about a millisecond); short, because while PostgreSQL cannot be reached the requests
     * that find out wait this long for their 503 (the ones after them fail at once, see {@link DatabaseHealth}).
     */
    static final Duration POSTGRES_CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final Vendor vendor;
    private final HikariDataSource dataSource;
    private final DatabaseHealth health;
    private final Jdbi jdbi;

    private Database(Vendor vendor, HikariDataSource dataSource) {
        this.vendor = vendor;
        this.dataSource = dataSource;
        this.health = new DatabaseHealth(dataSource, this::answers);
        this.jdbi = Jdbi.create(health::connect);
        // Jdbi writes a failed statement's bound values into its exception message by default, and such messages
        // reach the log: nonces, emails, token hashes, webhook payloads. Only the driver's own message is kept.
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        if (vendor == Vendor.SQLITE) {
            jdbi.setTransactionHandler(new SqliteWriterQueue(jdbi.getTransactionHandler(), SQLITE_BUSY_TIMEOUT));
            jdbi.setStatementBuilderFactory(new SqliteStatementCache());
        }
        jdbi.setTransactionHandler(new WriteOutcomes(jdbi.getTransactionHandler(), health, vendor));
    }

    /** Opens (and migrates) PostgreSQL when {@code postgresUrl} is present, else the SQLite file {@code sqliteFile}. */
    public static Database open(Optional<String> postgresUrl, Path sqliteFile) {
        Database db = postgresUrl.map(Database::postgres).orElseGet(() -> sqlite(sqliteFile));
        try {
            db.migrate();
            if (db.vendor == Vendor.SQLITE) {
                db.dropSqliteStat4();
            }
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static Database sqlite(Path file) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL is durable in WAL mode across process crashes; only an OS crash can lose the last commits.
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout((int) SQLITE_BUSY_TIMEOUT.toMillis());
        // Every transaction takes the write lock up front: a deferred transaction that later upgrades to a
        // writer fails at once with SQLITE_BUSY_SNAPSHOT in WAL mode instead of waiting its turn.
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("sigil-sqlite");
        hikari.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
        hikari.setDataSourceProperties(sqlite.toProperties());
        hikari.setMaximumPoolSize(SQLITE_POOL_SIZE);
        hikari.setConnectionTimeout(15_000);
        return new Database(Vendor.SQLITE, new HikariDataSource(hikari));
    }

    private static Database postgres(String url) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("sigil-postgresql");
        hikari.setJdbcUrl(url);
        // Defaults a URL parameter of the same name overrides. The driver's connect timeout (10 s by default) is
        // kept within the pool's wait, so that an unreachable server (packets dropped, not refused) shows as a
        // failed connection attempt, which fails later requests fast, rather than as a pool merely busy.
        hikari.addDataSourceProperty("connectTimeout", Long.toString(POSTGRES_CONNECTION_TIMEOUT.toSeconds() - 1));
        // The server's error detail quotes the failing row ("Failing row contains (...)", "Key (email)=(...)"), and
        // exception messages reach the log: keep only its minimal, value-free message.
        hikari.addDataSourceProperty("logServerErrorDetail", "false");
        hikari.setMaximumPoolSize(16);
        hikari.setConnectionTimeout(POSTGRES_CONNECTION_TIMEOUT.toMillis());
        return new Database(Vendor.POSTGRESQL, new HikariDataSource(hikari));
    }

    private void migrate() {
        String folder = vendor == Vendor.SQLITE ? "sqlite" : "postgresql";
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/" + folder)
                .load()
                .migrate();
    }

    /**
     * Drops {@code sqlite_stat4} if an {@code ANALYZE} or {@code PRAGMA optimize} left one (Sigil runs neither; an
     * operator may). sqlite-jdbc's SQLite is built with STAT4, and while that table has rows SQLite re-plans a
     * prepared statement whenever a new value is bound to a parameter compared with an indexed column (the
     * documented behaviour of {@code sqlite3_prepare_v2}), as nearly every lookup Sigil makes does: on a database
     * analysed with 1,000,000 users, the refresh query took about 95 µs instead of 20 µs, and refreshes ran 14 %
     * slower. Dropping the table is a schema change, so every pooled connection reloads its statistics before its
     * next statement; {@code sqlite_stat1} (rows per index), which costs nothing per statement, stays.
     */
    private void dropSqliteStat4() {
        boolean dropped = jdbi.inTransaction(h -> {
            boolean present = h.createQuery("""
                            SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat4'""")
                    .mapTo(Integer.class).one() > 0;
            if (present) {
                h.execute("DROP TABLE sqlite_stat4");
            }
            return present;
        });
        if (dropped) {
            log.info("dropped sqlite_stat4: with it SQLite re-plans every statement whose parameters change; "
                    + "sqlite_stat1 is kept");
        }
    }

    /** Publishes the pool's gauges and timings ({@code hikaricp_*}, tagged with the pool name) to {@code registry}. */
    public void reportTo(io.micrometer.core.instrument.MeterRegistry registry) {
        dataSource.setMetricRegistry(registry);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Vendor vendor() {
        return vendor;
    }

    /** Ready, or why not, within {@link DatabaseHealth#READINESS_WAIT}: what {@code /readyz} reports. */
    public Readiness readiness() {
        return health.readiness();
    }

    /** True when the database answers a trivial query. */
    public boolean answers() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        health.close();
        dataSource.close();
    }
}
