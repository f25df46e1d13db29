package io.pharox.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.testkit.postgres.TestPostgres;
import io.pharox.testkit.postgres.TestSchema;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;

/**
 * {@link CredentialTraceContract} for a SQL adapter: a migrated schema of its own, and a
 * connection pool that holds a database password (the server's, or, on a trust-auth test
 * server that ignores it, a secret one), which must not appear in any log line either.
 */
abstract class SqlCredentialTraceContract extends CredentialTraceContract {

    static TestSchema db;
    static HikariDataSource pool;

    /** Creates the schema and the pool; subclasses call it from their own {@code @BeforeAll}, which runs after the scan starts. */
    static void open(String prefix) {
        db = TestSchema.migrated(prefix, 2);
        TestPostgres postgres = db.postgres();
        String password =
                postgres.password() != null ? postgres.password() : SecretInjectingStorage.newSecret(scan) + "-db";
        scan.secret(password);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.url());
        config.setUsername(postgres.user() != null ? postgres.user() : "postgres");
        config.setPassword(password);
        config.setMaximumPoolSize(20);
        config.setMinimumIdle(1);
        pool = new HikariDataSource(config);
    }

    @AfterAll
    static void close() {
        if (pool != null) {
            pool.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static DataSource dataSource() {
        return pool;
    }

    @Override
    protected Object storeFingerprint() {
        return db.fingerprint();
    }
}
