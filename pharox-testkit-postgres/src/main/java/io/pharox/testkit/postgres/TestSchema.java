package io.pharox.testkit.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.schema.PharoxSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A schema of its own on the test PostgreSQL ({@link TestPostgres#get()}), with a HikariCP pool
 * on it: what a test class of a PostgreSQL adapter works in. {@link #migrated} creates it with
 * Pharox's tables (the Flyway migrations of {@code pharox-schema}), {@link #empty} without, for
 * tests of code that migrates by itself. {@link #close()} closes the pool and drops the schema
 * with everything in it.
 *
 * <pre>{@code
 * static TestSchema db = TestSchema.migrated("pharox_contract", 20);
 * ProxyStorage storage = new JdbcStorage(db.dataSource(), db.name());
 * }</pre>
 */
public final class TestSchema implements AutoCloseable {

    private final TestPostgres postgres;
    private final String name;
    private final HikariDataSource dataSource;

    private TestSchema(TestPostgres postgres, String prefix, int connections, boolean migrate) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1, was " + connections);
        }
        this.postgres = postgres;
        this.name = postgres.createSchema(prefix);
        try {
            this.dataSource = dataSource(postgres, connections);
        } catch (RuntimeException e) {
            postgres.dropSchema(name);
            throw e;
        }
        if (migrate) {
            try {
                PharoxSchema.migrate(dataSource, name);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    /**
     * A new schema, named {@code prefix} and a random suffix, holding Pharox's migrated tables.
     *
     * @param prefix      the start of the schema's name: a lower-case SQL identifier
     * @param connections the size of the pool on it, at least 1
     * @throws IllegalArgumentException if the prefix is not a lower-case identifier or connections is below 1
     * @throws IllegalStateException    if no test PostgreSQL is found (see {@link TestPostgres#get()})
     */
    public static TestSchema migrated(String prefix, int connections) {
        return new TestSchema(TestPostgres.get(), Objects.requireNonNull(prefix, "prefix"), connections, true);
    }

    /** Like {@link #migrated}, but the schema stays empty: for code under test that migrates it. */
    public static TestSchema empty(String prefix, int connections) {
        return new TestSchema(TestPostgres.get(), Objects.requireNonNull(prefix, "prefix"), connections, false);
    }

    /**
     * A new HikariCP pool of at most {@code connections} connections on {@code postgres}; the
     * caller closes it.
     */
    public static HikariDataSource dataSource(TestPostgres postgres, int connections) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.url());
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    /** The schema's name. */
    public String name() {
        return name;
    }

    /** The pool on the test database; closed by {@link #close()}. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The server this schema lives on. */
    public TestPostgres postgres() {
        return postgres;
    }

    /** Empties every table of Pharox's schema, so that a test sees only its own rows. */
    public void truncate() {
        execute("TRUNCATE " + name + ".lease, " + name + ".pool_selector_state, " + name + ".proxy_ban, " + name
                + ".pool_waiter, " + name + ".proxy_session, " + name + ".proxy, " + name + ".consumer, " + name
                + ".pool");
    }

    /**
     * Runs one SQL statement on a connection of the pool.
     *
     * @throws IllegalStateException naming the statement, if it fails
     */
    public void execute(String sql) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed in schema " + name + ": " + e.getMessage(), e);
        }
    }

    /** The contents of every table, as {@link TestPostgres#fingerprint(DataSource, String)} gives them. */
    public String fingerprint() {
        return TestPostgres.fingerprint(dataSource, name);
    }

    /** Closes the pool and drops the schema with everything in it. */
    @Override
    public void close() {
        dataSource.close();
        postgres.dropSchema(name);
    }
}
