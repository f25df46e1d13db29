package io.pharox.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.schema.PharoxSchema;
import io.pharox.testkit.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL of the benchmarks: the server the tests find ({@link TestPostgres}: the
 * {@code PHAROX_TEST_POSTGRES_*} variables, else localhost), in a database of its own,
 * {@value #DATABASE} (created when absent), or the JDBC URL of the system property
 * {@value #URL_PROPERTY}. Each (pool size, capacity) has a schema of its own, seeded once
 * set-based and reused by later runs while its proxy count matches.
 */
public final class BenchmarkDatabase {

    /** The database the benchmarks create and use on the test server. */
    public static final String DATABASE = "pharox_bench";

    /** System property: a JDBC URL to use instead of {@value #DATABASE} on the test server. */
    public static final String URL_PROPERTY = "pharox.bench.url";

    /** System property: the prefix of the seeded schemas' names (default {@code bench}). */
    public static final String SCHEMA_PREFIX_PROPERTY = "pharox.bench.schema-prefix";

    /** The application name of every benchmark connection, to tell them apart in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "pharox-bench";

    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(.*)");

    private final String url;
    private final String user;
    private final String password;

    private BenchmarkDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** The benchmark database, created on the test server if it does not exist yet. */
    public static BenchmarkDatabase locate() {
        TestPostgres server = TestPostgres.get();
        String explicit = System.getProperty(URL_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return new BenchmarkDatabase(explicit, server.user(), server.password());
        }
        Matcher m = URL.matcher(server.url());
        if (!m.matches()) {
            throw new IllegalStateException("cannot derive the benchmark database from the test URL " + server.url()
                    + "; set -D" + URL_PROPERTY);
        }
        try (Connection c = server.open();
                PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet r = exists.executeQuery()) {
                if (!r.next()) {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE DATABASE " + DATABASE);
                    } catch (SQLException e) {
                        if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another run
                            throw e;
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create database " + DATABASE + " on " + server.url() + ": " + e.getMessage(), e);
        }
        return new BenchmarkDatabase(m.group(1) + DATABASE + m.group(3), server.user(), server.password());
    }

    /** The JDBC URL of this database. */
    public String url() {
        return url;
    }

    /** The user to connect as. */
    public String user() {
        return user;
    }

    /** The password to connect with (may be empty under trust authentication). */
    public String password() {
        return password;
    }

    /** A connection pool of {@code size} connections on this database. */
    public HikariDataSource dataSource(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setConnectionTimeout(10_000);
        config.setPoolName(APPLICATION_NAME);
        config.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
        return new HikariDataSource(config);
    }

    /** The schema holding a pool of {@code size} proxies of {@code capacity} leases each. */
    public static String schema(int size, int capacity) {
        String prefix = System.getProperty(SCHEMA_PREFIX_PROPERTY, "bench").toLowerCase(Locale.ROOT);
        return PharoxSchema.requireName(prefix + "_" + size + "_" + capacity);
    }

    /**
     * Makes sure {@code schema} is migrated and holds exactly the benchmark pool of {@code size}
     * proxies with {@code capacity} each: reused as it is when it does, else emptied and seeded
     * with one {@code INSERT ... SELECT ... FROM generate_series}. Serialised across processes
     * by an advisory lock, so two runs never seed the same schema at once.
     */
    public void seed(String schema, int size, int capacity) {
        // a pool of its own: the lock holds one connection while Flyway takes others
        try (HikariDataSource dataSource = dataSource(3);
                Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(hashtext('" + schema + "'))");
            try {
                PharoxSchema.migrate(dataSource, schema);
                if (count(c, schema) == size) {
                    return;
                }
                s.execute("TRUNCATE " + schema + ".lease, " + schema + ".pool_selector_state, " + schema
                        + ".proxy_ban, " + schema + ".pool_waiter, " + schema + ".proxy_session, " + schema + ".proxy, "
                        + schema + ".pool CASCADE");
                UUID pool = UUID.randomUUID();
                try (PreparedStatement insertPool = c.prepareStatement("INSERT INTO " + schema
                        + ".pool (id, name, description, created_at) VALUES (?, ?, 'benchmark pool', now())")) {
                    insertPool.setObject(1, pool);
                    insertPool.setString(2, BenchmarkPool.POOL);
                    insertPool.executeUpdate();
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + schema + ".proxy ("
                        + BenchmarkPool.seedColumns() + ") " + BenchmarkPool.seedSelect())) {
                    insert.setObject(1, pool);
                    insert.setInt(2, capacity);
                    insert.setLong(3, size);
                    insert.executeUpdate();
                }
                s.execute("VACUUM ANALYZE " + schema + ".proxy");
            } finally {
                s.execute("SELECT pg_advisory_unlock(hashtext('" + schema + "'))");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("seeding " + schema + " failed: " + e.getMessage(), e);
        }
    }

    private static long count(Connection c, String schema) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM " + schema + ".proxy p JOIN " + schema
                + ".pool o ON o.id = p.pool_id WHERE o.name = ?")) {
            q.setString(1, BenchmarkPool.POOL);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /**
     * Starts a trial from a clean lease state, set-based: no leases, every counter at zero,
     * no round-robin cursor, no pacing (no default interval, no last grant), and no dead row
     * versions in the proxy table. Every acquire and
     * release updates a proxy row; without the {@code VACUUM} a trial would inherit the dead
     * versions of every trial before it whenever autovacuum is off or behind (it is off on the
     * recording machine: 702,119 dead versions behind 1,000 proxies were measured), and each
     * index scan for a free proxy would read through them.
     */
    public static void reset(HikariDataSource dataSource, String schema) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + schema + ".lease, " + schema + ".pool_selector_state");
            s.execute("UPDATE " + schema + ".proxy SET current_leases = 0, last_granted_at = NULL"
                    + " WHERE current_leases <> 0 OR last_granted_at IS NOT NULL");
            s.execute("UPDATE " + schema + ".pool SET min_grant_interval_ms = NULL");
            s.execute("VACUUM (ANALYZE) " + schema + ".proxy");
        } catch (SQLException e) {
            throw new IllegalStateException("resetting " + schema + " failed: " + e.getMessage(), e);
        }
    }

    /** The server's {@code SELECT version()}. */
    public String serverVersion() {
        try (HikariDataSource ds = dataSource(1);
                Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT version()")) {
            r.next();
            return r.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SELECT version() failed: " + e.getMessage(), e);
        }
    }
}
