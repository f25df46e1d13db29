package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.exception.StorageException;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.testkit.postgres.TestSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The statement and lock timeouts of {@link SqlStorageOptions}, for every SQL adapter: a wait
 * for a proxy row that another transaction holds, and a statement that runs long (a trigger
 * that sleeps), end in named errors; the single connection of the pool comes back with the
 * server's settings. An adapter's test extends this class and opens its storage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StatementBoundsContract {

    /** The message of a statement that waited for a lock past the lock timeout. */
    protected static final String LOCK_TIMEOUT_MESSAGE =
            "database statement canceled: it waited for a lock longer than the lock timeout (SQL state 55P03)";
    /** The message of a statement that ran past the statement timeout. */
    protected static final String STATEMENT_TIMEOUT_MESSAGE =
            "database statement canceled: it ran longer than the statement timeout (SQL state 57014)";

    private TestSchema db;
    private HikariDataSource oneConnection;
    private ProxyStorage storage;
    private ProxyPool pool;
    private Proxy proxy;

    /** The prefix of the test schema's name. */
    protected abstract String schemaPrefix();

    /** Opens whatever the adapter needs on {@code oneConnection} before each test (default: nothing). */
    protected void openAdapter(DataSource oneConnection, String schema) {}

    /** Closes what {@link #openAdapter} opened (default: nothing). */
    protected void closeAdapter() {}

    /** The adapter on {@code oneConnection} with {@code options}. */
    protected abstract ProxyStorage storage(DataSource oneConnection, String schema, SqlStorageOptions options);

    /** The schema of this test class. */
    protected final TestSchema db() {
        return db;
    }

    /** The storage of the current test: a statement timeout of 30 s and a lock timeout of 200 ms. */
    protected final ProxyStorage storage() {
        return storage;
    }

    @BeforeAll
    void createSchema() {
        db = TestSchema.migrated(schemaPrefix(), 2);
    }

    @AfterAll
    void dropSchema() {
        db.close();
    }

    @BeforeEach
    void storageOnOneConnection() {
        db.truncate();
        oneConnection = TestSchema.dataSource(db.postgres(), 1);
        openAdapter(oneConnection, db.name());
        storage = storage(Duration.ofSeconds(30), Duration.ofMillis(200));
        pool = storage.createPool("bounds-" + UUID.randomUUID(), "");
        proxy = storage.addProxy(
                Proxy.builder().poolId(pool.id()).address("10.3.0.1", 8080).build());
    }

    @AfterEach
    void closePool() {
        db.execute("DROP TRIGGER IF EXISTS slow_lease_update ON " + db.name() + ".lease");
        closeAdapter();
        oneConnection.close();
    }

    /** The adapter on the test's single connection with these timeouts. */
    protected final ProxyStorage storage(Duration statementTimeout, Duration lockTimeout) {
        return storage(
                oneConnection,
                db.name(),
                SqlStorageOptions.builder()
                        .statementTimeout(statementTimeout)
                        .lockTimeout(lockTimeout)
                        .build());
    }

    private LeasedProxy acquire() {
        return storage.acquire(AcquireRequest.forPool(pool.name()).build()).orElseThrow();
    }

    @Test
    void a_release_that_waits_for_a_proxy_row_past_the_lock_timeout_fails_naming_the_lock_timeout()
            throws SQLException {
        LeasedProxy leased = acquire();

        try (Connection holder = lockProxyRow()) {
            assertThatThrownBy(() -> storage.release(leased.lease().id()))
                    .isInstanceOf(StorageException.class)
                    .hasMessage(LOCK_TIMEOUT_MESSAGE)
                    .hasRootCauseInstanceOf(SQLException.class);
            holder.rollback();
        }

        assertThat(storage.findLease(leased.lease().id()).orElseThrow().status())
                .isEqualTo(LeaseStatus.ACTIVE);
        assertThat(storage.release(leased.lease().id())).isTrue();
    }

    @Test
    void an_update_of_a_proxy_that_another_transaction_holds_fails_naming_the_lock_timeout() throws SQLException {
        try (Connection holder = lockProxyRow()) {
            assertThatThrownBy(() ->
                            storage.updateProxy(proxy.toBuilder().country("DE").build()))
                    .isInstanceOf(StorageException.class)
                    .hasMessage(LOCK_TIMEOUT_MESSAGE);
            holder.rollback();
        }

        assertThat(storage.updateProxy(proxy.toBuilder().country("DE").build()).country())
                .contains("DE");
    }

    @Test
    void a_statement_that_runs_past_the_statement_timeout_is_canceled_and_named() {
        LeasedProxy leased = acquire();
        db.execute("CREATE OR REPLACE FUNCTION " + db.name() + ".sleep_a_minute() RETURNS trigger"
                + " LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$");
        db.execute("CREATE TRIGGER slow_lease_update BEFORE UPDATE ON " + db.name() + ".lease"
                + " FOR EACH ROW EXECUTE FUNCTION " + db.name() + ".sleep_a_minute()");
        ProxyStorage impatient = storage(Duration.ofMillis(200), Duration.ofMillis(200));

        assertThatThrownBy(() -> impatient.release(leased.lease().id()))
                .isInstanceOf(StorageException.class)
                .hasMessage(STATEMENT_TIMEOUT_MESSAGE);
        assertThat(storage.findLease(leased.lease().id()).orElseThrow().status())
                .isEqualTo(LeaseStatus.ACTIVE);
    }

    @Test
    void the_connection_goes_back_to_the_pool_with_the_server_settings() throws SQLException {
        List<String> serverDefaults;
        try (Connection fresh = db.postgres().open()) {
            serverDefaults = timeouts(fresh);
        }
        LeasedProxy leased = acquire();
        try (Connection holder = lockProxyRow()) {
            assertThatThrownBy(() -> storage.release(leased.lease().id())).isInstanceOf(StorageException.class);
            holder.rollback();
        }
        assertThat(storage.release(leased.lease().id())).isTrue();

        try (Connection same = oneConnection.getConnection()) {
            assertThat(timeouts(same)).isEqualTo(serverDefaults).doesNotContain("200ms", "30s");
        }
    }

    /** A connection in a transaction that holds the proxy's row; the caller rolls it back and closes it. */
    private Connection lockProxyRow() throws SQLException {
        Connection holder = db.postgres().open();
        holder.setAutoCommit(false);
        try (PreparedStatement lock =
                holder.prepareStatement("SELECT id FROM " + db.name() + ".proxy WHERE id = ? FOR UPDATE")) {
            lock.setObject(1, proxy.id());
            try (ResultSet rows = lock.executeQuery()) {
                assertThat(rows.next()).isTrue();
            }
        }
        return holder;
    }

    private static List<String> timeouts(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rows = s.executeQuery(
                        "SELECT current_setting('statement_timeout')," + " current_setting('lock_timeout')")) {
            assertThat(rows.next()).isTrue();
            return List.of(rows.getString(1), rows.getString(2));
        }
    }
}
