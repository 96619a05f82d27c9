package dev.sigil;

import dev.sigil.config.Config;
import dev.sigil.keys.MasterKey;
import dev.sigil.keys.MasterKeyCheck;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code sigil backup DEST}: a consistent copy of a data directory, taken while the server runs, that is itself a data
 * directory ({@code sigil serve --data-dir DEST} starts on it).
 *
 * <p>Copying {@code sigil.db} by hand is not a backup: while the server runs, recent commits live in {@code
 * sigil.db-wal}, and a copy of the main file alone can hold no tables at all. SQLite's {@code VACUUM INTO} writes a
 * transactionally consistent snapshot instead, reading as any other reader does, so the server keeps serving. The
 * database opens only with its master key, so the backup carries {@code master.key} (and {@code admin-token}) unless
 * told not to, after checking that the key is this database's. PostgreSQL databases are backed up with pg_dump;
 * for them this command saves the key the dump needs.
 *
 * <p>Nothing here migrates or writes the source database: it may belong to a running server of another version.
 */
final class Backup {
    private static final String DATABASE_FILE = "sigil.db";
    private static final String ADMIN_TOKEN_FILE = "admin-token";

    private final Config config;
    private final Path destination;
    private final boolean withSecrets;
    private final PrintStream out;

    Backup(Config config, Path destination, boolean withSecrets, PrintStream out) {
        this.config = config;
        this.destination = destination;
        this.withSecrets = withSecrets;
        this.out = out;
    }

    /** Writes the backup; IllegalArgumentException (one line for the operator) when it cannot be taken. */
    void run() {
        Optional<String> key = masterKey();
        if (withSecrets && key.isEmpty()) {
            throw new IllegalArgumentException("no master key to back up (neither " + keyFile() + " nor SIGIL_MASTER_KEY): "
                    + "without it the backup could not be opened; use --no-secrets to back up the database alone");
        }
        Jdbi source = config.databaseUrl().map(Jdbi::create).orElseGet(() -> Jdbi.create(sqlite(sqliteSource())));
        checkKey(source, key);
        prepareDestination();
        List<String> written = new ArrayList<>();
        if (config.databaseUrl().isEmpty()) {
            written.add(copySqlite(source));
        }
        if (withSecrets) {
            writeSecret(Services.MASTER_KEY_FILE, key.orElseThrow());
            written.add(Services.MASTER_KEY_FILE);
            Path adminToken = config.dataDir().resolve(ADMIN_TOKEN_FILE);
            if (Files.exists(adminToken)) {
                writeSecret(ADMIN_TOKEN_FILE, read(adminToken));
                written.add(ADMIN_TOKEN_FILE);
            }
        }
        out.println("Backed up to " + destination + ": " + String.join(", ", written));
        if (config.databaseUrl().isPresent()) {
            out.println("PostgreSQL: the database itself is not in " + destination + "; back it up with pg_dump, e.g. "
                    + "pg_dump --format=custom --file=sigil.dump DBNAME, and keep it with this master key");
        }
        if (withSecrets) {
            out.println(destination + " holds the master key: keep it as secret as the data directory itself");
        }
    }

    private Optional<String> masterKey() {
        return config.masterKey().or(() -> Files.exists(keyFile()) ? Optional.of(read(keyFile())) : Optional.empty());
    }

    private Path keyFile() {
        return config.dataDir().resolve(Services.MASTER_KEY_FILE);
    }

    /** A key that is not this database's would make a backup that never opens: refuse before writing anything. */
    private static void checkKey(Jdbi source, Optional<String> key) {
        key.ifPresent(encoded -> {
            if (!new MasterKeyCheck(source, Clock.systemUTC()).matches(MasterKey.fromBase64(encoded, new SecureRandom()))) {
                throw new IllegalArgumentException("the master key does not match this database, so a backup with it "
                        + "could not be opened: find the key the database was set up with (see " + MasterKeyCheck.GUIDE + ")");
            }
        });
    }

    private Path sqliteSource() {
        Path source = config.dataDir().resolve(DATABASE_FILE);
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException("no database at " + source + " (is --data-dir right? for PostgreSQL "
                    + "give --database-url)");
        }
        return source;
    }

    /** VACUUM INTO the destination, then check the copy opens and is intact; returns what it reports. */
    private String copySqlite(Jdbi source) {
        Path copy = destination.resolve(DATABASE_FILE);
        source.useHandle(h -> h.execute("VACUUM INTO ?", copy.toAbsolutePath().toString()));
        restrictToOwner(copy);
        return Jdbi.create(sqlite(copy)).withHandle(h -> {
            String integrity = h.createQuery("PRAGMA integrity_check").mapTo(String.class).one();
            if (!integrity.equals("ok")) {
                throw new IllegalStateException("the backup failed SQLite's integrity check: " + integrity);
            }
            return DATABASE_FILE + " (" + count(h, "environments") + " environments, " + count(h, "users") + " users, "
                    + count(h, "sessions") + " sessions; integrity ok)";
        });
    }

    private static long count(org.jdbi.v3.core.Handle h, String table) {
        return h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one();
    }

    private static SQLiteDataSource sqlite(Path file) {
        SQLiteConfig sqlite = new SQLiteConfig();
        // The server may be writing: wait for a checkpoint or a lock as long as the server's own readers would.
        sqlite.setBusyTimeout(10_000);
        SQLiteDataSource dataSource = new SQLiteDataSource(sqlite);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        return dataSource;
    }

    /** DEST must be new or empty: a backup never overwrites another one, or a live data directory. */
    private void prepareDestination() {
        try {
            if (Files.exists(destination)) {
                try (var entries = Files.list(destination)) {
                    if (!Files.isDirectory(destination) || entries.findAny().isPresent()) {
                        throw new IllegalArgumentException(destination + " exists and is not an empty directory: "
                                + "give a new path for the backup");
                    }
                }
            } else {
                Files.createDirectories(destination);
            }
            restrictToOwner(destination);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + destination, e);
        }
    }

    private void writeSecret(String name, String value) {
        Path file = destination.resolve(name);
        try {
            Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
            restrictToOwner(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void restrictToOwner(Path path) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwx------" : "rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows and friends: the directory's own ACLs apply.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict " + path + " to its owner", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
