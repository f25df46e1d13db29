package io.pharox.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.testkit.postgres.TestPostgres;

/** A migrated schema of its own on the test PostgreSQL, with a HikariCP pool; closed by dropping it. */
final class TestDatabase implements AutoCloseable {

    final TestPostgres postgres = TestPostgres.get();
    final String schema;
    final HikariDataSource dataSource;

    TestDatabase(String prefix, int connections) {
        schema = postgres.createSchema(prefix);
        dataSource = dataSource(postgres, connections);
        JdbcStorage.migrate(dataSource, schema);
    }

    static HikariDataSource dataSource(TestPostgres postgres, int connections) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.url());
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    /** Empties every table, so that a test sees only its own data. */
    void truncate() {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + schema + ".lease, " + schema + ".pool_selector_state, " + schema + ".proxy, "
                    + schema + ".consumer, " + schema + ".pool");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("truncating " + schema + " failed", e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
        postgres.dropSchema(schema);
    }
}
