package io.pharox.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Binds {@link ProxyStorage} to a {@link JdbcStorage} on your {@link DataSource} and schema,
 * after running the Pharox migrations there ({@link JdbcStorage#migrate}) unless
 * {@link #withoutMigration()} says your own Flyway does it. {@link #withOptions} sets the
 * storage's {@link SqlStorageOptions}: to store proxy credentials, a credential keyring (or
 * plain text allowed explicitly); with a keyring, the migration also encrypts credentials
 * still stored in plain text.
 *
 * <p>The storage is an eager singleton: the migrations run while the injector is created, so
 * an unreachable database or a failed migration fails {@code Guice.createInjector} (a
 * {@code CreationException} whose cause is the adapter's {@code StorageException}) instead
 * of the first acquire. Flyway takes a lock in the database, so JVMs starting together
 * migrate once. Needs {@code pharox-storage-jdbc} on the class path, and {@code pharox-schema} unless it
 * does not migrate.
 *
 * <p>Lifecycle: the data source is yours; this module never closes it. Close it after the
 * last use of the injector's storage.
 */
public final class JdbcStorageModule extends AbstractModule {

    private final DataSource dataSource;
    private final String schema;
    private final boolean migrate;
    private final SqlStorageOptions options;
    private final JdbcStorage storage;

    /** A module on {@code dataSource} in the schema {@value JdbcStorage#DEFAULT_SCHEMA}, migrating it. */
    public JdbcStorageModule(DataSource dataSource) {
        this(dataSource, JdbcStorage.DEFAULT_SCHEMA);
    }

    /**
     * A module on {@code dataSource} in {@code schema}, migrating it when the injector is created.
     *
     * @throws IllegalArgumentException if the schema name is not a plain SQL identifier
     */
    public JdbcStorageModule(DataSource dataSource, String schema) {
        this(dataSource, schema, true, SqlStorageOptions.defaults());
    }

    private JdbcStorageModule(DataSource dataSource, String schema, boolean migrate, SqlStorageOptions options) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.migrate = migrate;
        this.options = Objects.requireNonNull(options, "options");
        // makes no connection: it only checks the schema name, so that a bad one fails here
        this.storage = new JdbcStorage(dataSource, schema, options);
    }

    /**
     * The same module, with a storage running with {@code options} (by default
     * {@link SqlStorageOptions#defaults()}, which refuses to store proxy credentials): e.g.
     * {@code SqlStorageOptions.builder().credentialKeyring(EnvironmentKeyring.fromEnvironment()).build()}.
     */
    public JdbcStorageModule withOptions(SqlStorageOptions options) {
        return new JdbcStorageModule(dataSource, schema, migrate, options);
    }

    /**
     * The same module, except that it does not migrate: the schema must already hold the
     * Pharox tables at their current version (migrated by your own Flyway from
     * {@link JdbcStorage#MIGRATION_LOCATION}); otherwise the first operation fails.
     */
    public JdbcStorageModule withoutMigration() {
        return new JdbcStorageModule(dataSource, schema, false, options);
    }

    /** The schema the storage works in. */
    public String schema() {
        return schema;
    }

    /** Whether the injector runs the migrations when it is created. */
    public boolean migrates() {
        return migrate;
    }

    @Override
    protected void configure() {
        bind(ProxyStorage.class).toProvider(new Start()).asEagerSingleton();
    }

    /** Migrates (if asked) before the storage is handed out. */
    private final class Start implements Provider<ProxyStorage> {
        @Override
        public ProxyStorage get() {
            if (migrate) {
                JdbcStorage.migrate(dataSource, schema, options);
            }
            return storage;
        }
    }
}
