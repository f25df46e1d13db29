package io.pharox.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.testkit.postgres.TestPostgres;
import io.pharox.testkit.postgres.TestSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several JVM processes lease from one pool through PostgreSQL at once; this JVM checks the
 * invariant in the database while they run and after they finish.
 */
class MultiJvmLeasingTest {

    private static final int WORKERS = 3;
    private static final int OPERATIONS = 600;

    private static TestSchema db;

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_multijvm", 2);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Test
    void processes_sharing_a_pool_never_exceed_a_capacity_and_keep_counters_exact() throws Exception {
        JdbcStorage storage = new JdbcStorage(db.dataSource(), db.name());
        ProxyPool pool = storage.createPool("multi-jvm", "shared by several processes");
        int[] capacities = {1, 1, 2, 3, 1, 2};
        for (int i = 0; i < capacities.length; i++) {
            storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.3.0." + (i + 1), 3128)
                    .maxConcurrency(capacities[i])
                    .build());
        }

        List<Process> workers = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        TestPostgres pg = db.postgres();
        for (int w = 0; w < WORKERS; w++) {
            Path out = Files.createTempFile("pharox-worker-" + w, ".log");
            outputs.add(out);
            workers.add(new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            LeaseWorker.class.getName(),
                            pg.url(),
                            pg.user() == null ? "-" : pg.user(),
                            pg.password() == null ? "-" : pg.password(),
                            db.name(),
                            pool.name(),
                            Integer.toString(OPERATIONS),
                            "worker-" + w)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start());
        }

        int acquired = 0;
        int checks = 0;
        int maxSeen = 0;
        while (workers.stream().anyMatch(Process::isAlive)) {
            maxSeen = Math.max(maxSeen, checkInvariant());
            checks++;
        }
        for (int w = 0; w < WORKERS; w++) {
            Process p = workers.get(w);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(outputs.get(w));
            assertThat(p.exitValue()).as("worker %d exit, output:%n%s", w, log).isZero();
            assertThat(log).as("worker %d output", w).contains("done acquired=");
            acquired += Integer.parseInt(
                    log.substring(log.indexOf("done acquired=") + 14).strip());
            Files.deleteIfExists(outputs.get(w));
        }

        storage.cleanupExpiredLeases();
        checkInvariant();
        assertThat(checks).as("invariant checks during the run").isGreaterThan(10);
        assertThat(maxSeen).as("most active leases seen at once").isPositive();
        assertThat(acquired).as("leases taken by all workers").isGreaterThan(WORKERS * OPERATIONS / 10);
        assertThat(storage.activeLeasesInPool(pool.name())).isEmpty();
        assertThat(storage.listProxies(pool.name()))
                .allSatisfy(p -> assertThat(p.currentLeases()).isZero());
    }

    /**
     * Checks, in one snapshot, every proxy's counter against its lease records in state ACTIVE
     * and against its capacity; returns the active leases seen.
     */
    private static int checkInvariant() throws SQLException {
        int total = 0;
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT p.id, p.max_concurrency, p.current_leases,"
                        + " (SELECT count(*) FROM " + db.name()
                        + ".lease l WHERE l.proxy_id = p.id AND l.status = 'ACTIVE') AS active"
                        + " FROM " + db.name() + ".proxy p")) {
            while (rs.next()) {
                int max = rs.getInt("max_concurrency");
                int counter = rs.getInt("current_leases");
                int active = rs.getInt("active");
                assertThat(counter).as("counter of %s", rs.getString("id")).isEqualTo(active);
                assertThat(active).as("active leases of %s", rs.getString("id")).isLessThanOrEqualTo(max);
                total += active;
            }
        }
        return total;
    }
}
