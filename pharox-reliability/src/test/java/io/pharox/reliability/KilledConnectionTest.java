package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a caller sees when its connection is killed in the middle of an acquire
 * ({@code pg_terminate_backend} on the backend that waits for a row lock), with each adapter:
 * the engine takes the kill ({@code 57P01}) as a lost connection whose claim may or may not have
 * committed, looks the request's lease id up on a new connection, finds none (the killed claim
 * was rolled back) and claims again with the same id. The caller gets one lease, the store
 * holds exactly that one, and the invariant holds.
 */
class KilledConnectionTest {

    private static SoakDatabase db;
    private static ProxyPool pool;

    @BeforeAll
    static void createSchema() {
        db = SoakDatabase.onTestPostgres("pharox_killed");
        JdbcStorage storage = new JdbcStorage(db.dataSource(2), db.schema());
        pool = storage.createPool("killed", "one exclusive proxy");
        storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.78.0.1", 3128)
                .exclusive()
                .build());
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Test
    void jdbc_acquire_on_a_killed_connection_recovers_on_a_new_connection_with_one_lease() throws Exception {
        killedAcquireRecovers(new JdbcStorage(db.dataSource(2), db.schema()));
    }

    @Test
    void jpa_acquire_on_a_killed_connection_recovers_on_a_new_connection_with_one_lease() throws Exception {
        // a factory of its own: the other test's kill must not have hit its pooled connections
        EntityManagerFactory emf = JpaStorage.entityManagerFactory(db.dataSource(2), db.schema());
        try {
            killedAcquireRecovers(new JpaStorage(emf));
        } finally {
            emf.close();
        }
    }

    private static void killedAcquireRecovers(ProxyStorage storage) throws Exception {
        AcquireRequest request = AcquireRequest.forPool(pool.name())
                .consumer("killed")
                .ttl(Duration.ofMinutes(1))
                .build();
        Optional<LeasedProxy> leased;
        try (Connection blocker = db.checkerConnection()) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                // holds the proxy row: the acquire skips it, then waits for it (its second pass)
                s.execute("SELECT id FROM " + db.schema() + ".proxy FOR UPDATE");
            }
            CompletableFuture<Optional<LeasedProxy>> acquire =
                    CompletableFuture.supplyAsync(() -> storage.acquire(request));
            awaitBackendWaitingForALock(acquire);
            assertThat(db.terminateWorkers()).as("backends terminated").isPositive();
            // the recovering acquire waits for the row again, on a new connection, until we let go
            blocker.rollback();
            leased = acquire.get(60, TimeUnit.SECONDS);
        }

        assertThat(leased).as("the acquire whose connection was killed").isPresent();
        Lease lease = leased.get().lease();
        assertThat(storage.findLease(lease.id())).contains(lease);
        assertThat(storage.activeLeasesInPool(pool.name()))
                .as("leases in the store")
                .containsExactly(lease);
        assertThat(storage.release(lease.id())).isTrue();
        try (InvariantChecker checker = new InvariantChecker(db)) {
            checker.sample();
            assertThat(checker.violations()).isEmpty();
        }
    }

    /** Polls pg_stat_activity until a backend of this run waits for a lock (up to 30 s). */
    private static void awaitBackendWaitingForALock(CompletableFuture<?> acquire) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = db.checkerConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND wait_event_type = 'Lock'")) {
            s.setString(1, db.applicationName());
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                if (acquire.isDone()) {
                    break;
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no backend of " + db.applicationName() + " waited for the proxy's row lock in 30 s;"
                + " the acquire "
                + (acquire.isDone()
                        ? "ended: "
                                + acquire.handle((r, e) -> r != null ? r : e).join()
                        : "runs"));
    }
}
