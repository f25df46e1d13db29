package io.pharox.storage.sql;

import io.pharox.storage.sql.schema.Public;
import java.sql.Connection;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The PostgreSQL schema that holds the Pharox tables, and the jOOQ contexts that render the
 * generated table classes ({@code io.pharox.storage.sql.schema}) qualified with its name.
 */
public final class SqlSchema {

    /** The schema used when none is given. */
    public static final String DEFAULT = "pharox";

    /** Where the Flyway migrations of {@code pharox-schema} live on the class path, for users running their own Flyway. */
    public static final String MIGRATION_LOCATION = "classpath:db/pharox";

    /** Rows encrypted per transaction when {@link #migrate(DataSource, SqlStorageOptions)} encrypts plain-text credentials. */
    public static final int ROTATION_BATCH = 100;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9$]{0,62}");

    private final String name;
    private final Settings settings;

    private SqlSchema(String name) {
        this.name = name;
        // the generated classes belong to a schema named "public" (what the code generator
        // calls the migrations' unqualified schema): map it to ours
        this.settings = new Settings()
                .withRenderMapping(new RenderMapping()
                        .withSchemata(new MappedSchema()
                                .withInput(Public.PUBLIC.getName())
                                .withOutput(name)))
                .withExecuteLogging(false);
    }

    /**
     * The schema named {@code name}.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if it is not a plain SQL identifier (a letter or
     *         {@code _}, then letters, digits, {@code _} or {@code $}; at most 63 characters)
     */
    public static SqlSchema named(String name) {
        Objects.requireNonNull(name, "schema");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("schema must be a plain SQL identifier, was '" + name + "'");
        }
        return new SqlSchema(name);
    }

    /** The schema's name. */
    public String name() {
        return name;
    }

    /** A context that runs each statement on a connection of {@code dataSource}, in its own transaction. */
    public DSLContext using(DataSource dataSource) {
        return DSL.using(Objects.requireNonNull(dataSource, "dataSource"), SQLDialect.POSTGRES, settings);
    }

    /** A context on {@code connection}, in whatever transaction the connection is in. */
    public DSLContext using(Connection connection) {
        return DSL.using(Objects.requireNonNull(connection, "connection"), SQLDialect.POSTGRES, settings);
    }

    /**
     * Creates or upgrades the Pharox tables in this schema (created if missing) with the
     * migrations of {@code pharox-schema}. Only this call needs {@code pharox-schema} and
     * Flyway on the class path; the engine and the adapters run without them.
     *
     * @throws io.pharox.exception.StorageException if the migration fails
     * @throws IllegalStateException if {@code pharox-schema} or Flyway is not on the class path
     */
    public void migrate(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try {
            io.pharox.schema.PharoxSchema.migrate(dataSource, name);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(
                    "migrating needs pharox-schema and Flyway on the class path (missing "
                            + e.getMessage() + "); add them, or run the migrations at " + MIGRATION_LOCATION
                            + " with your own tool",
                    e);
        }
    }

    /**
     * {@link #migrate(DataSource)}, then, if {@code options} configure a credential keyring,
     * encrypts under its current key the credentials of every proxy that still stores them in
     * plain text ({@link LeaseEngine#encryptPlaintextCredentials(int)}, in batches of
     * {@value #ROTATION_BATCH} rows that let leasing go on).
     *
     * @return how many proxies' credentials were encrypted (0 without a keyring)
     * @throws io.pharox.exception.StorageException if the migration or the encryption fails
     * @throws IllegalStateException if {@code pharox-schema} or Flyway is not on the class path
     */
    public int migrate(DataSource dataSource, SqlStorageOptions options) {
        Objects.requireNonNull(options, "options");
        migrate(dataSource);
        if (options.credentialKeyring().isEmpty()) {
            return 0;
        }
        DSLContext ctx = using(dataSource);
        LeaseEngine engine = new LeaseEngine(
                new SqlAccess() {
                    @Override
                    public <T> T statement(Function<DSLContext, T> work) {
                        return translated(() -> work.apply(ctx));
                    }

                    @Override
                    public <T> T transaction(Function<DSLContext, T> work) {
                        return translated(() -> ctx.transactionResult(cfg -> work.apply(cfg.dsl())));
                    }
                },
                options);
        return engine.encryptPlaintextCredentials(ROTATION_BATCH);
    }

    private static <T> T translated(Supplier<T> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            throw SqlFailures.translate(e, null, null);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
