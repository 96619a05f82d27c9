package dev.sigil.store;

import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilderFactory;
import org.jdbi.v3.core.statement.StatementContext;
import org.sqlite.SQLiteConnection;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Keeps SQLite's prepared statements for reuse, per pooled connection and SQL text. Preparing is most of what a
 * small SQLite query costs (parsing and planning: about 70 µs of the 86 µs of the refresh query on the benchmark
 * machine, 18 µs when reused), sqlite-jdbc prepares anew every time, and HikariCP leaves statement caching to the
 * driver by design. PostgreSQL needs none of this: its driver keeps server-side prepared statements per connection.
 *
 * <p>Plugged in through Jdbi's {@link StatementBuilderFactory}. A cached statement is prepared on the physical
 * SQLite connection under Hikari's proxy, so Hikari does not close it when the connection goes back to the pool;
 * it lives as long as that connection (sqlite-jdbc finalizes a connection's statements when it closes) or until
 * it falls out of the connection's {@link #MAX_PER_CONNECTION} most recently used. Jdbi closes each result set
 * before it hands a statement back, and sqlite-jdbc resets a statement when its result set closes or an update
 * completes, so an idle cached statement holds no read snapshot or lock. A statement is lent to one user at a
 * time: a second use of the same SQL while the first is open (a nested query) gets a fresh, uncached one.
 * Statements that return generated keys or are updatable are not cached.
 */
public final class SqliteStatementCache implements StatementBuilderFactory {
    /** Distinct SQL texts kept per connection; dynamic SQL (searches, profile updates) varies, the hot paths don't. */
    static final int MAX_PER_CONNECTION = 128;

    private final Map<SQLiteConnection, Statements> byConnection = Collections.synchronizedMap(new WeakHashMap<>());

    /** Called as each handle opens: the handle keeps its connection, so its statements are looked up once, here. */
    @Override
    public StatementBuilder createStatementBuilder(Connection conn) {
        SQLiteConnection physical;
        try {
            physical = conn.unwrap(SQLiteConnection.class);
        } catch (SQLException e) {
            throw new IllegalStateException("the SQLite statement cache was given a connection that is not SQLite's", e);
        }
        return new Builder(physical, byConnection.computeIfAbsent(physical, c -> new Statements()));
    }

    /**
     * The statements of one physical connection, most recently used last; used by one thread at a time (the one the
     * pool lent the connection to). Holds no reference to the connection, which is the weak key it is filed under.
     */
    private static final class Statements {
        private final Set<PreparedStatement> lent = Collections.newSetFromMap(new IdentityHashMap<>());
        /** The cached statements' SQL: Jdbi hands a statement back with its SQL before parameter translation. */
        private final Map<PreparedStatement, String> sqlOf = new IdentityHashMap<>();
        private final LinkedHashMap<String, PreparedStatement> bySql = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() <= MAX_PER_CONNECTION) {
                    return false;
                }
                sqlOf.remove(eldest.getValue());
                if (!lent.contains(eldest.getValue())) {
                    closeQuietly(eldest.getValue());
                } // else closed when it comes back, as it is no longer the cached one
                return true;
            }
        };

        PreparedStatement lend(SQLiteConnection connection, String sql) throws SQLException {
            PreparedStatement cached = bySql.get(sql);
            if (cached != null && !cached.isClosed()) {
                if (lent.add(cached)) {
                    return cached;
                }
                return prepare(connection, sql); // in use by an enclosing query: a one-off
            }
            if (cached != null) {
                sqlOf.remove(cached);
            }
            PreparedStatement fresh = prepare(connection, sql);
            bySql.put(sql, fresh);
            sqlOf.put(fresh, sql);
            lent.add(fresh);
            return fresh;
        }

        /** Takes a statement back: kept, ready for the next use, if it is a cached one; else closed. */
        void giveBack(Statement statement) throws SQLException {
            boolean wasLent = lent.remove(statement);
            String sql = sqlOf.get(statement);
            if (sql == null || !wasLent) { // a one-off, or evicted while lent
                statement.close();
                return;
            }
            try {
                PreparedStatement kept = (PreparedStatement) statement;
                kept.clearParameters();
                kept.clearBatch();
            } catch (SQLException e) {
                bySql.remove(sql);
                sqlOf.remove(statement);
                closeQuietly(statement);
            }
        }

        private static PreparedStatement prepare(SQLiteConnection connection, String sql) throws SQLException {
            return connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        }
    }

    private static void closeQuietly(Statement statement) {
        try {
            statement.close();
        } catch (SQLException ignored) {
            // Closing a statement of a closed connection: nothing left to release.
        }
    }

    /** One handle's view: cached statements where they are plain reads and writes, Jdbi's defaults otherwise. */
    private static final class Builder implements StatementBuilder {
        private final DefaultStatementBuilder defaults = new DefaultStatementBuilder();
        private final SQLiteConnection physical;
        private final Statements statements;

        Builder(SQLiteConnection physical, Statements statements) {
            this.physical = physical;
            this.statements = statements;
        }

        @Override
        public Statement create(Connection conn, StatementContext ctx) throws SQLException {
            return defaults.create(conn, ctx);
        }

        @Override
        public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
            if (ctx.isReturningGeneratedKeys() || ctx.isConcurrentUpdatable()) {
                return defaults.create(conn, sql, ctx);
            }
            return statements.lend(physical, sql);
        }

        @Override
        public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
            return defaults.createCall(conn, sql, ctx);
        }

        @Override
        public void close(Connection conn, String sql, Statement stmt) throws SQLException {
            if (stmt instanceof PreparedStatement && !(stmt instanceof CallableStatement)) {
                statements.giveBack(stmt);
            } else {
                defaults.close(conn, sql, stmt);
            }
        }
    }
}
