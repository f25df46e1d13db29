package io.pharox.cli;

import io.pharox.exception.ProxyNotFoundException;
import io.pharox.health.HealthCheckOptions;
import io.pharox.health.HealthChecker;
import io.pharox.health.HealthMonitor;
import io.pharox.model.Lease;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link Admin} on a PostgreSQL database through {@link JdbcStorage}, with its {@link
 * SqlStorageOptions} (the credential keyring, or plain-text credentials allowed). A command opens a
 * connection per statement; nothing is pooled. Before the first statement the database is
 * reached once, so that a wrong address or password fails as {@link Admin.Unreachable}.
 */
final class DatabaseAdmin implements Admin {

    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    private final PGSimpleDataSource dataSource;
    private final String schema;
    private final String where;
    private final SqlStorageOptions options;
    private @Nullable JdbcStorage storage;

    /**
     * @param url a {@code jdbc:postgresql:} URL, without a password in it
     * @param password from the environment or a prompt, or {@code null}
     * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL
     */
    DatabaseAdmin(
            String url, @Nullable String user, char @Nullable [] password, String schema, SqlStorageOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.where = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        this.schema = Objects.requireNonNull(schema, "schema");
        dataSource = new PGSimpleDataSource();
        try {
            dataSource.setURL(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: '" + where + "'", e);
        }
        if (user != null) {
            dataSource.setUser(user);
        }
        if (password != null) {
            dataSource.setPassword(new String(password));
        }
        dataSource.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        dataSource.setApplicationName("pharox-cli");
    }

    /** The storage, after checking once that the database answers. */
    private JdbcStorage storage() {
        JdbcStorage s = storage;
        if (s == null) {
            reach();
            s = new JdbcStorage(dataSource, schema, options);
            storage = s;
        }
        return s;
    }

    private void reach() {
        try (Connection ignored = dataSource.getConnection()) {
            // reached
        } catch (SQLException e) {
            throw new Unreachable("cannot reach the database at " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<ProxyPool> pools() {
        return storage().listPools();
    }

    @Override
    public Optional<ProxyPool> findPool(String name) {
        return storage().findPool(name);
    }

    @Override
    public ProxyPool createPool(String name) {
        return storage().createPool(name, "");
    }

    @Override
    public boolean deletePool(String name) {
        return storage().deletePool(name, false);
    }

    @Override
    public List<Proxy> proxies(String pool) {
        return storage().listProxies(pool);
    }

    @Override
    public List<Proxy> addProxies(ProxyPool pool, List<Proxy> proxies) {
        return storage().addProxies(proxies);
    }

    @Override
    public List<Lease> leasesInPool(String pool) {
        return storage().activeLeasesInPool(pool);
    }

    @Override
    public List<Lease> leasesOfConsumer(String consumer) {
        return storage().leasesOfConsumer(consumer);
    }

    @Override
    public PoolStats stats(String pool) {
        return storage().poolStats(pool);
    }

    @Override
    public boolean release(UUID leaseId) {
        return storage().release(leaseId);
    }

    @Override
    public Proxy setStatus(UUID proxyId, ProxyStatus status) {
        Proxy proxy = storage().findProxy(proxyId).orElseThrow(() -> new ProxyNotFoundException(proxyId));
        return proxy.status() == status ? proxy : storage().updateProxy(proxy.withStatus(status));
    }

    @Override
    public HealthPass check(String pool, @Nullable HealthCheckOptions options) {
        Objects.requireNonNull(options, "options");
        try (HealthMonitor monitor = new HealthMonitor(storage(), new HealthChecker(options))) {
            return HealthPass.of(monitor.checkPool(pool));
        }
    }

    @Override
    public boolean checksWithOwnSettings() {
        return false;
    }

    @Override
    public String migrate() {
        reach();
        int encrypted = JdbcStorage.migrate(dataSource, schema, options);
        return "schema " + schema + " at " + where + " is migrated"
                + (encrypted > 0 ? "; credentials of " + encrypted + " proxies encrypted at rest" : "");
    }

    @Override
    public void close() {
        JdbcStorage s = storage;
        if (s != null) {
            s.close();
        }
    }
}
