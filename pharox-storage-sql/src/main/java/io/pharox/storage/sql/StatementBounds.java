package io.pharox.storage.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.ExecuteType;
import org.jooq.tools.jdbc.DefaultPreparedStatement;

/**
 * The statement and lock timeouts of {@link SqlStorageOptions}, applied to the adapters' own
 * statements only. Each bound statement runs in the same transaction as
 * {@code SELECT set_config('statement_timeout', …, true), set_config('lock_timeout', …, true),
 * set_config('jit', 'off', true)}: local settings, which PostgreSQL drops when that transaction
 * ends, so a pooled connection goes back with the server's settings and the application's
 * other statements run as before.
 *
 * <p>JIT compilation is off for the adapters' statements: they are short, and PostgreSQL
 * judges them by estimated cost, so a claim that reads a million proxies was compiled with
 * LLVM on every call, which took longer than the scan itself (measured in
 * {@code docs/bad-input.md}); a compilation cannot be canceled until it ends.
 *
 * <p>For jOOQ ({@link #on(DSLContext)}) the settings travel in the statement's own round
 * trip: the statement text becomes {@code SELECT set_config(…); <statement>}, which the
 * PostgreSQL driver sends as two statements before one sync, so that even in auto-commit mode
 * both run in one implicit transaction and the timeouts hold for the second. The first result
 * (the settings) is skipped before jOOQ reads the statement's own. ({@code SET LOCAL} would do
 * the same, but outside an explicit transaction block PostgreSQL answers it with a warning
 * that it also writes to the server log, once per statement.) For other access, such as
 * Hibernate's statements, {@link #applyTo(Connection)} sets them in the connection's running
 * transaction, at the cost of a round trip.
 */
public final class StatementBounds {

    private final String settings;

    private StatementBounds(SqlStorageOptions options) {
        // milliseconds from validated options: numbers, nothing a caller can inject
        this.settings = "select set_config('statement_timeout', '"
                + options.statementTimeout().toMillis() + "', true), set_config('lock_timeout', '"
                + options.lockTimeout().toMillis() + "', true), set_config('jit', 'off', true)";
    }

    /** The bounds of {@code options}. */
    public static StatementBounds of(SqlStorageOptions options) {
        return new StatementBounds(Objects.requireNonNull(options, "options"));
    }

    /** The statement that sets the timeouts for the rest of the running transaction. */
    public String settingStatement() {
        return settings;
    }

    /**
     * A context like {@code ctx} whose every statement (batches excepted; the engine runs none)
     * runs bounded, in its own round trip as described above.
     */
    public DSLContext on(DSLContext ctx) {
        return ctx.configuration().deriveAppending(new Listener(settings)).dsl();
    }

    /**
     * Bounds the rest of the transaction that {@code connection} is in, which must be an
     * explicit one (auto-commit off): in auto-commit mode the settings would end with this
     * statement.
     *
     * @throws SQLException if the database refuses
     */
    public void applyTo(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(settings);
        }
    }

    /** Prefixes each statement with the settings and hides their result. */
    private static final class Listener implements ExecuteListener {
        private static final long serialVersionUID = 1L;

        private final String settings;

        Listener(String settings) {
            this.settings = settings;
        }

        @Override
        public void renderEnd(ExecuteContext ctx) {
            String sql = ctx.sql();
            if (ctx.type() != ExecuteType.BATCH && sql != null) {
                ctx.sql(settings + ";\n" + sql);
            }
        }

        @Override
        public void prepareEnd(ExecuteContext ctx) {
            String sql = ctx.sql();
            PreparedStatement statement = ctx.statement();
            if (statement != null && sql != null && sql.startsWith(settings)) {
                ctx.statement(new SkippingSettings(statement));
            }
        }
    }

    /** A statement whose first result, the settings' row, is skipped on execution. */
    private static final class SkippingSettings extends DefaultPreparedStatement {
        private final PreparedStatement delegate;

        SkippingSettings(PreparedStatement delegate) {
            super(delegate);
            this.delegate = delegate;
        }

        @Override
        public boolean execute() throws SQLException {
            delegate.execute();
            return delegate.getMoreResults();
        }

        @Override
        public ResultSet executeQuery() throws SQLException {
            if (!execute()) {
                throw new SQLException("the statement returned no result set after its settings");
            }
            ResultSet results = delegate.getResultSet();
            if (results == null) {
                throw new SQLException("the statement returned no result set after its settings");
            }
            return results;
        }

        @Override
        public int executeUpdate() throws SQLException {
            execute();
            return delegate.getUpdateCount();
        }

        @Override
        public long executeLargeUpdate() throws SQLException {
            execute();
            return delegate.getLargeUpdateCount();
        }
    }
}
