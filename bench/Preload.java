import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fills an environment with N users, each with one wallet credential and one live session, straight into the
 * database, so a benchmark can show that refresh does not slow down as the tables grow. Plain SQL shared by
 * SQLite and PostgreSQL (a recursive CTE counts the rows). Then, on PostgreSQL only, ANALYZE, as autovacuum would do
 * after such a load (this machine kind runs PostgreSQL with autovacuum off). Not on SQLite: Sigil never analyses
 * its SQLite database, and an ANALYZE there writes sqlite_stat4, with which SQLite re-plans every statement on each
 * new parameter value (see Database.dropSqliteStat4). An earlier version analysed SQLite too, and the 1M figure
 * came out 14 % slower for that reason alone.
 *
 *   java -cp 'target/sigil.jar:target/lib/*' bench/Preload.java JDBC_URL ENVIRONMENT_ID COUNT
 *
 * The rows are shaped like real ones (ids, keys and timestamps), but no token exists for them: the benchmark
 * refreshes sessions it signed in itself, among the preloaded ones.
 */
public class Preload {
    private static final String NUMBERS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) ";

    public static void main(String[] args) throws SQLException {
        if (args.length != 3) {
            System.err.println("usage: java -cp 'target/sigil.jar:target/lib/*' bench/Preload.java JDBC_URL ENVIRONMENT_ID COUNT");
            System.exit(2);
        }
        String url = args[0];
        String environmentId = args[1];
        long count = Long.parseLong(args[2]);
        long now = System.currentTimeMillis();
        long sessionEnd = now + 30L * 24 * 3600 * 1000;
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url)) {
            boolean sqlite = url.startsWith("jdbc:sqlite:");
            if (sqlite) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 60000");
                }
            }
            c.setAutoCommit(false);
            insert(c, NUMBERS + """
                    INSERT INTO users (id, environment_id, last_verified_credential_id, first_visit, last_visit,
                                       created_at, updated_at)
                    SELECT 'preload-user-' || i, ?, 'preload-cred-' || i, ?, ?, ?, ? FROM n""",
                    count, environmentId, now, now, now, now);
            insert(c, NUMBERS + """
                    INSERT INTO verified_credentials (id, user_id, environment_id, format, chain, identifier,
                        identifier_key, wallet_name, wallet_provider, sign_in_enabled, verified_at, last_selected_at)
                    SELECT 'preload-cred-' || i, 'preload-user-' || i, ?, 'blockchain', 'eip155', 'preload-' || i,
                           'eip155:preload-' || i, 'metamask', 'browserExtension', (1 = 1), ?, ? FROM n""",
                    count, environmentId, now, now);
            insert(c, NUMBERS + """
                    INSERT INTO sessions (id, environment_id, user_id, signin_credential_id, created_at, expires_at)
                    SELECT 'preload-session-' || i, ?, 'preload-user-' || i, 'preload-cred-' || i, ?, ? FROM n""",
                    count, environmentId, now, sessionEnd);
            c.commit();
            c.setAutoCommit(true);
            if (!sqlite) {
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE");
                }
            }
        }
        System.out.printf("preloaded %,d users, credentials and sessions in %.1f s%n", count,
                (System.nanoTime() - started) / 1e9);
    }

    private static void insert(Connection c, String sql, long count, Object... values) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setLong(1, count);
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 2, values[i]);
            }
            statement.executeUpdate();
        }
    }
}
