package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves that the two SQL adapters never deadlock, among themselves or with each other, on one
 * schema: PostgreSQL detects no deadlock while two worker JVMs on {@code JdbcStorage} and two
 * on {@code JpaStorage}, 16 threads each, fight over one pool of 5 proxies of capacity 2.
 *
 * <p>The workers ({@link SoakWorker}) take every path that locks rows: acquire with each
 * strategy, with SQL filters and with Java predicates, renew, release, leases abandoned to
 * lapse after 50–350 ms (reclaimed by acquire), and {@code cleanupExpiredLeases}. They run for
 * {@code -Dpharox.deadlock.seconds} (default 60) once all are ready. Asserted:
 * <ul>
 *   <li>{@code pg_stat_database.deadlocks} of the run's database did not grow. The database is
 *       made for this run ({@link SoakDatabase#inOwnDatabase}), so no other user of the server
 *       counts; the count is read once every backend of the run has exited, since a backend
 *       reports its statistics at the latest when it exits. It includes deadlocks that the
 *       adapters retried, which callers never see;</li>
 *   <li>no call in any worker failed as a deadlock victim (SQL state {@code 40P01});</li>
 *   <li>the checker ({@link InvariantChecker}, on a connection of its own, through
 *       {@link SoakRun}) never saw a proxy with more live leases than its
 *       {@code max_concurrency}, nor a counter other than its {@code ACTIVE} lease rows, also
 *       after a final cleanup;</li>
 *   <li>leases were renewed, released, left to lapse and cleaned up: those paths were taken.</li>
 * </ul>
 */
class NoDeadlockTest {

    private static final Duration DURATION = Duration.ofSeconds(Long.getLong("pharox.deadlock.seconds", 60));
    private static final String POOL = "contended";
    private static final int PROXIES = 5;
    private static final int CAPACITY = 2;
    private static final int THREADS = 16;

    @Test
    void two_jdbc_and_two_jpa_processes_never_deadlock() throws Exception {
        try (SoakDatabase db = SoakDatabase.inOwnDatabase("pharox_deadlock")) {
            Map<String, List<String>> workers = new LinkedHashMap<>();
            for (int i = 1; i <= 2; i++) {
                for (String adapter : List.of("jdbc", "jpa")) {
                    workers.put(
                            adapter + "-" + i,
                            List.of(
                                    "adapter=" + adapter,
                                    "pool=" + POOL,
                                    "threads=" + THREADS,
                                    "seed=" + (workers.size() + 1)));
                }
            }
            long before = deadlocks(db);
            SoakRun.Report report;
            try {
                report = SoakRun.run(
                        db, storage -> SoakPool.seed(storage, POOL, PROXIES, i -> CAPACITY), workers, DURATION, null);
            } catch (AssertionError e) {
                e.addSuppressed(new AssertionError(
                        "meanwhile PostgreSQL detected " + (deadlocksOnceBackendsExited(db) - before) + " deadlocks"));
                throw e;
            }
            long detected = deadlocksOnceBackendsExited(db) - before;

            Map<String, Long> victims = new LinkedHashMap<>();
            for (String name : workers.keySet()) {
                victims.put(name, report.done().get(victims.size()).get("deadlocks"));
            }
            assertThat(detected)
                    .as(
                            "deadlocks PostgreSQL detected in %s (pg_stat_database); calls failed as"
                                    + " deadlock victims after the adapters' retries, per worker: %s",
                            DURATION, victims)
                    .isZero();
            assertThat(report.total("deadlocks"))
                    .as("calls failed as deadlock victims: %s", victims)
                    .isZero();
            assertThat(report.total("renewed")).as("renewals").isPositive();
            assertThat(report.total("released")).as("releases").isPositive();
            assertThat(report.total("abandoned")).as("leases left to lapse").isPositive();
            assertThat(report.total("cleanups")).as("cleanups").isPositive();
        }
    }

    /**
     * {@link #deadlocks} once no backend of the run (workers, the test's pools) is left: each
     * reports the deadlocks it detected at the latest when it exits.
     */
    private static long deadlocksOnceBackendsExited(SoakDatabase db) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int left = db.backends(); left > 0; left = db.backends()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(left + " backends of the run still there 30 s after its workers exited");
            }
            Thread.sleep(50); // polling the condition
        }
        return deadlocks(db);
    }

    /** The deadlocks PostgreSQL has counted in {@code db}'s database, from fresh statistics. */
    private static long deadlocks(SoakDatabase db) throws SQLException {
        try (Connection c = db.checkerConnection();
                Statement s = c.createStatement()) {
            boolean canFlush;
            try (ResultSet rs = s.executeQuery("SELECT to_regproc('pg_stat_force_next_flush') IS NOT NULL")) {
                canFlush = rs.next() && rs.getBoolean(1);
            }
            if (canFlush) { // PostgreSQL 15 and later: statistics are flushed asynchronously
                s.execute("SELECT pg_stat_force_next_flush()");
            }
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs =
                    s.executeQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
