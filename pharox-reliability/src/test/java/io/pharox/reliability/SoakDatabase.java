package io.pharox.reliability;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.testkit.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * A migrated schema of its own on a PostgreSQL server (the shared test server, in its test
 * database or in a database of its own, or a private cluster), and a unique application name
 * for the connections of this run: workers and the test's own pools carry it, the checker does
 * not, so terminating the backends of that name hits this run's workers and nothing else on
 * the server.
 */
final class SoakDatabase implements AutoCloseable {

    private final String url;
    private final String user;
    private final String password;
    private final String schema;
    private final String applicationName;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private Runnable dropDatabase = () -> {};

    private SoakDatabase(String url, String user, String password, String prefix) {
        this.url = url;
        this.user = user;
        this.password = password;
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        this.schema = prefix + "_" + id;
        this.applicationName = prefix.replace('_', '-') + "-" + id;
        try (Connection c = checkerConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "creating schema " + schema + " on " + url + " failed: " + e.getMessage(), e);
        }
        try (HikariDataSource ds = dataSource(2)) {
            JdbcStorage.migrate(ds, schema);
        }
    }

    /** A fresh schema on the shared test PostgreSQL ({@link TestPostgres}). */
    static SoakDatabase onTestPostgres(String prefix) {
        TestPostgres pg = TestPostgres.get();
        return new SoakDatabase(pg.url(), pg.user() == null ? "postgres" : pg.user(), pg.password(), prefix);
    }

    /**
     * A fresh schema in a database of its own, created on the shared test PostgreSQL
     * ({@link TestPostgres}) and dropped on {@link #close()}: the statistics PostgreSQL keeps
     * per database ({@code pg_stat_database}) then count this run alone, not the other users
     * of the server's test database.
     */
    static SoakDatabase inOwnDatabase(String prefix) {
        TestPostgres pg = TestPostgres.get();
        String name =
                prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(pg, "CREATE DATABASE " + name);
        Runnable drop = () -> execute(pg, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        try {
            String url = pg.url().replaceFirst("^(jdbc:postgresql://[^/?]*/)[^?]*", "$1" + name);
            SoakDatabase db = new SoakDatabase(url, pg.user() == null ? "postgres" : pg.user(), pg.password(), prefix);
            db.dropDatabase = drop;
            return db;
        } catch (RuntimeException e) {
            drop.run();
            throw e;
        }
    }

    private static void execute(TestPostgres pg, String sql) {
        try (Connection c = pg.open();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed on " + pg.url() + ": " + e.getMessage(), e);
        }
    }

    /** A fresh schema on a private cluster. */
    static SoakDatabase on(PrivatePostgres cluster, String prefix) {
        return new SoakDatabase(cluster.url(), PrivatePostgres.USER, null, prefix);
    }

    String url() {
        return url;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    String schema() {
        return schema;
    }

    /** The application name of this run's workers' (and test pools') connections. */
    String applicationName() {
        return applicationName;
    }

    /** A pool tagged with this run's application name, closed with this database. */
    HikariDataSource dataSource(int connections) {
        HikariDataSource ds =
                WorkerArgs.parse(WorkerArgs.of(this).toArray(new String[0])).dataSource(connections);
        pools.add(ds);
        return ds;
    }

    /** A plain connection without this run's application name: never terminated by {@link #terminateWorkers}. */
    Connection checkerConnection() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "pharox-checker");
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url, props);
    }

    /**
     * Terminates every backend of this run's application name ({@code pg_terminate_backend}),
     * the connections of its workers and test pools; no other backend of the server.
     *
     * @return how many backends were terminated
     */
    int terminateWorkers() throws SQLException {
        try (Connection c = checkerConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                                + " WHERE application_name = ? AND pid <> pg_backend_pid()")) {
            s.setString(1, applicationName);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** How many backends of this run's application name (workers and test pools) the server has now. */
    int backends() throws SQLException {
        try (Connection c = checkerConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, applicationName);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Override
    public void close() {
        pools.forEach(HikariDataSource::close);
        try (Connection c = checkerConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("dropping schema " + schema + " failed: " + e.getMessage(), e);
        }
        dropDatabase.run();
    }
}
