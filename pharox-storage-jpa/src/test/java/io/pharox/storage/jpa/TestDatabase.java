package io.pharox.storage.jpa;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.testkit.postgres.TestPostgres;
import jakarta.persistence.EntityManagerFactory;

import javax.sql.DataSource;

/**
 * A migrated schema of its own on the test PostgreSQL, with a HikariCP pool and a Hibernate
 * factory that validated its mapping against the schema; closed by dropping it.
 */
final class TestDatabase implements AutoCloseable {

    final TestPostgres postgres = TestPostgres.get();
    final String schema;
    final HikariDataSource dataSource;
    final EntityManagerFactory emf;

    TestDatabase(String prefix, int connections) {
        this(prefix, connections, null);
    }

    /** With Hibernate on {@code wrap.apply(dataSource)} when a wrapper is given, e.g. to count statements. */
    TestDatabase(String prefix, int connections, java.util.function.UnaryOperator<DataSource> wrap) {
        schema = postgres.createSchema(prefix);
        dataSource = dataSource(postgres, connections);
        JpaStorage.migrate(dataSource, schema);
        emf = JpaStorage.entityManagerFactory(wrap == null ? dataSource : wrap.apply(dataSource), schema);
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
        execute("TRUNCATE " + schema + ".lease, " + schema + ".pool_selector_state, " + schema + ".proxy, "
                + schema + ".consumer, " + schema + ".pool");
    }

    void execute(String sql) {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed", e);
        }
    }

    @Override
    public void close() {
        emf.close();
        dataSource.close();
        postgres.dropSchema(schema);
    }
}
