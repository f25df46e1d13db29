package io.pharox.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code pharox.storage.retries} counts a real retry of the JDBC adapter: a cleanup that
 * PostgreSQL rolls back as a deadlock victim and the adapter runs again (the deadlock the SQL
 * adapters' own {@code RetriedStatementsContract} provokes: another transaction holds the expired
 * lease's row, then asks for the proxy's row that the waiting cleanup holds).
 */
class PostgresStorageRetriesTest {

    private static final TestSchema db = TestSchema.migrated("pharox_micrometer_retries", 2);

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Test
    void a_statement_run_again_after_a_deadlock_counts_by_operation_and_sql_state() throws Exception {
        PrometheusMeterRegistry registry = Scrapes.registry(new MockClock());
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();
        SqlStorageOptions options = SqlStorageOptions.builder()
                .storageListener(metrics.storageListener())
                .build();
        try (HikariDataSource oneConnection = TestSchema.dataSource(db.postgres(), 1);
                JdbcStorage storage = new JdbcStorage(oneConnection, db.name(), options)) {
            ProxyPool pool = storage.createPool("retried", "");
            Proxy proxy = storage.addProxy(
                    Proxy.builder().poolId(pool.id()).address("10.4.0.1", 8080).build());
            LeasedProxy leased = storage.acquire(AcquireRequest.forPool("retried")
                            .ttl(Duration.ofMillis(100))
                            .build())
                    .orElseThrow();
            awaitExpired(storage, leased);
            ExecutorService cleaner = Executors.newSingleThreadExecutor();
            try (Connection other = db.dataSource().getConnection()) {
                other.setAutoCommit(false);
                try (Statement s = other.createStatement()) {
                    // the cleanup's backend finds the deadlock first (after 1 s) and is the victim
                    s.execute("SET LOCAL deadlock_timeout = '60s'");
                }
                lock(other, "lease", leased.lease().id());
                Future<Integer> cleanup = cleaner.submit(storage::cleanupExpiredLeases);
                awaitCleanupWaitingForALock();
                lock(other, "proxy", proxy.id());
                other.rollback();

                assertThat(cleanup.get(60, TimeUnit.SECONDS)).isEqualTo(1);
            } finally {
                cleaner.shutdownNow();
            }
        }

        // once in most runs; the SQL adapters' own test has seen a loaded machine retry twice, so:
        // at least once, and every retry counted under the cleanup's deadlock
        String scrape = registry.scrape();
        assertThat(Scrapes.value(
                        scrape,
                        "pharox_storage_retries_total",
                        "operation=\"cleanupExpiredLeases\",sql_state=\"40P01\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(Scrapes.samples(scrape))
                .filteredOn(sample -> sample.startsWith("pharox_storage_retries_total"))
                .containsExactly(
                        "pharox_storage_retries_total{operation=\"cleanupExpiredLeases\",sql_state=\"40P01\"}");
    }

    private static void awaitExpired(JdbcStorage storage, LeasedProxy leased) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (storage.findLease(leased.lease().id()).orElseThrow().status() != LeaseStatus.EXPIRED) {
            assertThat(System.nanoTime()).as("lease expired within 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static void lock(Connection connection, String table, UUID id) throws SQLException {
        try (PreparedStatement s =
                connection.prepareStatement("SELECT id FROM " + db.name() + "." + table + " WHERE id = ? FOR UPDATE")) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("%s row %s", table, id).isTrue();
            }
        }
    }

    /** Waits until the adapter's cleanup statement, in this schema, waits for a row lock. */
    private static void awaitCleanupWaitingForALock() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection watcher = db.dataSource().getConnection();
                PreparedStatement s = watcher.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE wait_event_type = 'Lock' AND query LIKE '%expired as (update%'"
                        + " AND query LIKE ?")) {
            s.setString(1, "%" + db.name() + "%");
            while (true) {
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    if (r.getInt(1) > 0) {
                        return;
                    }
                }
                assertThat(System.nanoTime()).as("cleanup waiting within 30 s").isLessThan(deadline);
                Thread.sleep(5);
            }
        }
    }
}
