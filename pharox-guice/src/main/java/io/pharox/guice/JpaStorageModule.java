package io.pharox.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jpa.JpaStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import jakarta.persistence.EntityManagerFactory;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Binds {@link ProxyStorage} to a {@link JpaStorage}, in one of two ways:
 * <ul>
 *   <li>{@link #JpaStorageModule(DataSource, String) on a data source and schema}: the module
 *       runs the Pharox migrations there (unless {@link #withoutMigration()}), then builds a
 *       Hibernate {@link EntityManagerFactory} with {@link JpaStorage#entityManagerFactory},
 *       which validates the mapping against the schema. <b>The module owns that factory</b>:
 *       {@link #close()} closes it, so create the module in a try-with-resources block (or
 *       close it at shutdown) around the injector's life;</li>
 *   <li>{@link #JpaStorageModule(EntityManagerFactory) on your factory}, which must manage
 *       {@link JpaStorage#MANAGED_CLASSES} in a migrated schema: the module neither migrates
 *       nor closes it; {@link #close()} does nothing.</li>
 * </ul>
 * The storage is an eager singleton: migration and Hibernate's start-up run while the
 * injector is created, so a failure there fails {@code Guice.createInjector} rather than the
 * first acquire. Needs {@code pharox-storage-jpa} on the class path, and {@code pharox-schema}
 * when it migrates.
 *
 * <pre>{@code
 * try (JpaStorageModule jpa = new JpaStorageModule(dataSource, "pharox")) {
 *     Injector injector = Guice.createInjector(new PharoxModule(), jpa);
 *     ...
 * }
 * }</pre>
 */
public final class JpaStorageModule extends AbstractModule implements AutoCloseable {

    private final @Nullable DataSource dataSource;
    private final @Nullable String schema;
    private final boolean migrate;
    private final @Nullable EntityManagerFactory givenFactory;
    private final SqlStorageOptions options;
    private @Nullable EntityManagerFactory createdFactory;
    private boolean closed;

    /**
     * A module that migrates {@code schema} on {@code dataSource} and builds (and owns) the
     * entity manager factory when the injector is created. The data source stays yours.
     * A schema name that is not a plain SQL identifier fails the injector's creation with the
     * adapter's {@code IllegalArgumentException}.
     */
    public JpaStorageModule(DataSource dataSource, String schema) {
        this(
                Objects.requireNonNull(dataSource, "dataSource"),
                Objects.requireNonNull(schema, "schema"),
                true,
                null,
                SqlStorageOptions.defaults());
    }

    /** A module on your entity manager factory, which it neither migrates nor closes. */
    public JpaStorageModule(EntityManagerFactory emf) {
        this(null, null, false, Objects.requireNonNull(emf, "emf"), SqlStorageOptions.defaults());
    }

    private JpaStorageModule(
            @Nullable DataSource dataSource,
            @Nullable String schema,
            boolean migrate,
            @Nullable EntityManagerFactory givenFactory,
            SqlStorageOptions options) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.migrate = migrate;
        this.givenFactory = givenFactory;
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * The same module (a new one, owning whatever factory it builds), with a storage running
     * with {@code options} (by default {@link SqlStorageOptions#defaults()}, which refuses to
     * store proxy credentials): e.g. {@code
     * SqlStorageOptions.builder().credentialKeyring(EnvironmentKeyring.fromEnvironment()).build()}.
     * With a keyring, the migration also encrypts credentials still stored in plain text.
     */
    public JpaStorageModule withOptions(SqlStorageOptions options) {
        return new JpaStorageModule(dataSource, schema, migrate, givenFactory, options);
    }

    /**
     * The same module, except that it does not migrate: the schema must already hold the
     * Pharox tables at their current version (Hibernate's validation fails otherwise).
     * A new module, which owns the factory it will build. On a module made on your own
     * factory, which never migrates, it returns that module.
     */
    public JpaStorageModule withoutMigration() {
        return givenFactory != null ? this : new JpaStorageModule(dataSource, schema, false, null, options);
    }

    /** Whether the injector runs the migrations when it is created. */
    public boolean migrates() {
        return migrate;
    }

    @Override
    protected void configure() {
        bind(ProxyStorage.class).toProvider(new Start()).asEagerSingleton();
    }

    /** The factory to use: yours, or the one this module builds once (after migrating, if asked). */
    private synchronized EntityManagerFactory factory() {
        if (givenFactory != null) {
            return givenFactory;
        }
        if (closed) {
            throw new IllegalStateException("this JpaStorageModule is closed; make a new one for a new injector");
        }
        EntityManagerFactory emf = createdFactory;
        if (emf == null) {
            // without a factory of yours, the constructor required both
            DataSource ds = Objects.requireNonNull(dataSource, "dataSource");
            String name = Objects.requireNonNull(schema, "schema");
            if (migrate) {
                JpaStorage.migrate(ds, name, options);
            }
            emf = JpaStorage.entityManagerFactory(ds, name);
            createdFactory = emf;
        }
        return emf;
    }

    /**
     * Closes the entity manager factory this module built, if it built one; the storage
     * fails from then on. Idempotent. Never closes a factory or data source you passed in.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (createdFactory != null) {
            EntityManagerFactory emf = createdFactory;
            createdFactory = null;
            if (emf.isOpen()) {
                emf.close();
            }
        }
    }

    /** Builds the storage on {@link #factory()} when the injector is created. */
    private final class Start implements Provider<ProxyStorage> {
        @Override
        public ProxyStorage get() {
            return new JpaStorage(factory(), options);
        }
    }
}
