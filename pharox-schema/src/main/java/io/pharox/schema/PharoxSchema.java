package io.pharox.schema;

import io.pharox.exception.StorageException;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL schema that the SQL storage adapters share: its Flyway migrations (on the
 * class path under {@value #MIGRATION_LOCATION}) and the rule for schema names. Both
 * {@code JdbcStorage.migrate} and {@code JpaStorage.migrate} run {@link #migrate}, so a
 * database migrated by either serves both.
 */
public final class PharoxSchema {

    /** The schema used when none is given. */
    public static final String DEFAULT_SCHEMA = "pharox";

    /** Where the migrations live on the class path, for users running their own Flyway. */
    public static final String MIGRATION_LOCATION = "classpath:db/pharox";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9$]{0,62}");

    private PharoxSchema() {}

    /**
     * Checks that {@code schema} is a plain SQL identifier (a letter or {@code _}, then
     * letters, digits, {@code _} or {@code $}; at most 63 characters), which the adapters
     * can quote safely.
     *
     * @return {@code schema}
     * @throws NullPointerException if {@code schema} is null
     * @throws IllegalArgumentException if it is not a plain SQL identifier
     */
    public static String requireName(String schema) {
        Objects.requireNonNull(schema, "schema");
        if (!NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must be a plain SQL identifier, was '" + schema + "'");
        }
        return schema;
    }

    /**
     * Creates or upgrades the Pharox tables in {@code schema} (created if missing); Flyway's
     * history table lives in that schema too.
     *
     * @throws IllegalArgumentException if the schema name is not a plain SQL identifier
     * @throws StorageException if the migration fails
     */
    public static void migrate(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        requireName(schema);
        try {
            Flyway.configure(PharoxSchema.class.getClassLoader())
                    .dataSource(dataSource)
                    .schemas(schema)
                    .locations(MIGRATION_LOCATION)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new StorageException("migrating schema " + schema + " failed: " + e.getMessage(), e);
        }
    }
}
