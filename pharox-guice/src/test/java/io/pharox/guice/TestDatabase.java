package io.pharox.guice;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.testkit.postgres.TestPostgres;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Empty schemas of their own on the test PostgreSQL, with a HikariCP pool; closed by dropping them. */
final class TestDatabase implements AutoCloseable {

    final TestPostgres postgres = TestPostgres.get();
    final HikariDataSource dataSource = dataSource(postgres);
    private final String prefix;
    private final List<String> schemas = new CopyOnWriteArrayList<>();

    TestDatabase(String prefix) {
        this.prefix = prefix;
    }

    static HikariDataSource dataSource(TestPostgres postgres) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.url());
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    /** A new, empty schema, dropped when this database closes. */
    String newSchema() {
        String schema = postgres.createSchema(prefix);
        schemas.add(schema);
        return schema;
    }

    @Override
    public void close() {
        dataSource.close();
        schemas.forEach(postgres::dropSchema);
    }
}
