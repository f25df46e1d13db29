package io.pharox.testkit.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Finds the PostgreSQL that SQL adapter tests run against, and gives each test class its own
 * schema. Looks, in order, at:
 * <ol>
 *   <li>the JDBC URL in {@value #URL_ENV} (user and password from {@value #USER_ENV} and
 *       {@value #PASSWORD_ENV}, optional);</li>
 *   <li>a local server at {@value #LOCAL_URL}, user {@code postgres}, if it answers;</li>
 *   <li>a PostgreSQL container ({@value #CONTAINER_IMAGE}) started by Testcontainers, when
 *       {@code org.testcontainers:postgresql} is on the test class path and Docker is
 *       available;</li>
 * </ol>
 * and otherwise fails with an error naming those three ways. Uses {@link DriverManager}, so
 * the testkit needs no driver: the adapter's tests put the PostgreSQL JDBC driver (and, for
 * the container fallback, Testcontainers) on the class path.
 */
public final class TestPostgres {

    /** Environment variable holding an explicit JDBC URL. */
    public static final String URL_ENV = "PHAROX_TEST_POSTGRES_URL";
    /** Environment variable holding the user for {@link #URL_ENV}. */
    public static final String USER_ENV = "PHAROX_TEST_POSTGRES_USER";
    /** Environment variable holding the password for {@link #URL_ENV}. */
    public static final String PASSWORD_ENV = "PHAROX_TEST_POSTGRES_PASSWORD";
    /** The local server tried when no URL is given. */
    public static final String LOCAL_URL = "jdbc:postgresql://localhost:5432/test";
    /** The image of the container fallback. */
    public static final String CONTAINER_IMAGE = "postgres:16-alpine";

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z_0-9]{0,62}");
    private static volatile @Nullable TestPostgres found;

    private final String url;
    private final @Nullable String user;
    private final @Nullable String password;

    private TestPostgres(String url, @Nullable String user, @Nullable String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * The test database, found as the class comment describes (once per JVM).
     *
     * @throws IllegalStateException if none is reachable, naming the ways to provide one
     */
    public static TestPostgres get() {
        TestPostgres db = found;
        if (db == null) {
            synchronized (TestPostgres.class) {
                db = found;
                if (db == null) {
                    db = locate();
                    found = db;
                }
            }
        }
        return db;
    }

    private static TestPostgres locate() {
        return locate(System::getenv, LOCAL_URL, TestPostgres::startContainer);
    }

    /** The search of {@link #get()}, with its inputs passed in so that tests can vary them. */
    static TestPostgres locate(UnaryOperator<String> env, String localUrl, Supplier<Optional<TestPostgres>> container) {
        String envUrl = env.apply(URL_ENV);
        if (envUrl != null && !envUrl.isBlank()) {
            TestPostgres db = new TestPostgres(envUrl, env.apply(USER_ENV), env.apply(PASSWORD_ENV));
            try {
                db.open().close();
                return db;
            } catch (SQLException e) {
                throw new IllegalStateException(
                        URL_ENV + " is set to " + envUrl + " but no connection could be made: " + e.getMessage(), e);
            }
        }
        TestPostgres local = new TestPostgres(localUrl, "postgres", null);
        try {
            local.open().close();
            return local;
        } catch (SQLException e) {
            return container
                    .get()
                    .orElseThrow(() -> new IllegalStateException(
                            "no test PostgreSQL found. Provide one"
                                    + " in one of three ways: (1) set " + URL_ENV + " to a JDBC URL (with " + USER_ENV
                                    + " and "
                                    + PASSWORD_ENV + " if needed); (2) run a local server at " + localUrl
                                    + " that user 'postgres' can"
                                    + " reach; (3) run Docker, with Testcontainers' PostgreSQL module"
                                    + " (org.testcontainers:postgresql) on the test class path. The local"
                                    + " attempt failed: " + e.getMessage(),
                            e));
        }
    }

    /** A container from Testcontainers, if it is on the class path and Docker runs. */
    private static Optional<TestPostgres> startContainer() {
        try {
            Class.forName(
                    "org.testcontainers.containers.PostgreSQLContainer", false, TestPostgres.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
        return Container.start();
    }

    /** Touches Testcontainers only when {@link #startContainer()} found it on the class path. */
    private static final class Container {
        static Optional<TestPostgres> start() {
            if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.empty();
            }
            @SuppressWarnings("resource") // lives as long as the JVM; Testcontainers' reaper removes it
            org.testcontainers.containers.PostgreSQLContainer<?> postgres =
                    new org.testcontainers.containers.PostgreSQLContainer<>(CONTAINER_IMAGE);
            postgres.start();
            return Optional.of(new TestPostgres(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword()));
        }
    }

    /** The JDBC URL. */
    public String url() {
        return url;
    }

    /** The user, or {@code null} if the URL carries it. */
    public @Nullable String user() {
        return user;
    }

    /** The password, or {@code null} for none. */
    public @Nullable String password() {
        return password;
    }

    /** A new connection; the caller closes it. */
    public Connection open() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(url, props);
    }

    /**
     * Creates a new, empty schema with a unique name starting with {@code prefix}.
     *
     * @return its name
     * @throws IllegalArgumentException if the prefix is not a lower-case SQL identifier
     */
    public String createSchema(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        String name = prefix.toLowerCase(Locale.ROOT) + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + requireSchema(name));
        return name;
    }

    /** Drops {@code schema} and everything in it, if it exists. */
    public void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS " + requireSchema(schema) + " CASCADE");
    }

    /**
     * A fingerprint of every table in {@code schema}: per table, its row count and the md5 of
     * its rows as text in sorted order. Equal fingerprints mean equal contents, so a test can
     * prove that a rejected call changed nothing (the contract's
     * {@code ProxyStorageContract.storeFingerprint()}). One statement on a connection of
     * {@code dataSource}.
     *
     * @throws IllegalArgumentException if the schema is not a lower-case SQL identifier
     * @throws IllegalStateException if the schema has no tables or the query fails
     */
    public static String fingerprint(DataSource dataSource, String schema) {
        requireSchema(schema);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + schema + "' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            if (tables.isEmpty()) {
                throw new IllegalStateException("schema " + schema + " has no tables to fingerprint");
            }
            StringJoiner query = new StringJoiner(" UNION ALL ");
            for (String table : tables) {
                String quoted = '"' + table.replace("\"", "\"\"") + '"';
                query.add("SELECT " + quote(table) + " || ': ' || count(*) || ' rows, md5 '"
                        + " || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '-')"
                        + " FROM " + schema + "." + quoted + " t");
            }
            StringJoiner fingerprint = new StringJoiner("\n");
            try (ResultSet r = s.executeQuery(query.toString())) {
                while (r.next()) {
                    fingerprint.add(r.getString(1));
                }
            }
            return fingerprint.toString();
        } catch (SQLException e) {
            throw new IllegalStateException("fingerprinting schema " + schema + " failed: " + e.getMessage(), e);
        }
    }

    private static String quote(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }

    private static String requireSchema(String schema) {
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must be a lower-case SQL identifier, was '" + schema + "'");
        }
        return schema;
    }

    private void execute(String ddl) {
        try (Connection c = open();
                Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + ddl + "' failed on " + url + ": " + e.getMessage(), e);
        }
    }
}
