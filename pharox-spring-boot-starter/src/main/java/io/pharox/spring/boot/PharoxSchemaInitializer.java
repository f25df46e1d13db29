package io.pharox.spring.boot;

import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.beans.factory.InitializingBean;

/**
 * Runs Pharox's Flyway migrations ({@link JdbcStorage#migrate(DataSource, String, SqlStorageOptions)},
 * the entry point both SQL adapters share) when the context creates it. Spring Boot counts it as
 * a database initializer ({@link PharoxSchemaInitializerDetector}), so every bean that depends on
 * database initialization (the Pharox storage, JPA's {@code EntityManagerFactory}, beans marked
 * {@code @DependsOnDatabaseInitialization}) is created after the migration.
 *
 * <p>It uses a Flyway of its own, with its history table in the Pharox schema: it does not read
 * {@code spring.flyway.*} and leaves the application's own Flyway alone.
 */
public final class PharoxSchemaInitializer implements InitializingBean {

    private final DataSource dataSource;
    private final String schema;
    private final SqlStorageOptions options;

    /**
     * An initializer of {@code schema} on {@code dataSource}; with a credential keyring in
     * {@code options} the migration also encrypts credentials still stored in plain text.
     */
    public PharoxSchemaInitializer(DataSource dataSource, String schema, SqlStorageOptions options) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The schema it migrates. */
    public String schema() {
        return schema;
    }

    /**
     * Migrates the schema.
     *
     * @throws io.pharox.exception.StorageException if the migration fails (the database is unreachable)
     */
    @Override
    public void afterPropertiesSet() {
        JdbcStorage.migrate(dataSource, schema, options);
    }
}
