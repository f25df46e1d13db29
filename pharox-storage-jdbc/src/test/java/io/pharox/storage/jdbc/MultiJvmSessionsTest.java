package io.pharox.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.StickySession;
import io.pharox.testkit.postgres.TestPostgres;
import io.pharox.testkit.postgres.TestSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sticky sessions across JVM processes, and what the {@code proxy_session} table holds: several
 * processes creating the same sessions at once bind each to one proxy; cleanup deletes lapsed
 * rows; an acquire that creates nothing leaves no row; removing a proxy leaves its sessions'
 * rows, which the next acquire rebinds.
 */
class MultiJvmSessionsTest {

    private static final int WORKERS = 3;
    private static final int SESSIONS = 20;

    private static TestSchema db;

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_sessions", 2);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    private static JdbcStorage storage() {
        return new JdbcStorage(db.dataSource(), db.name());
    }

    private static ProxyPool poolWith(JdbcStorage storage, int proxies, int capacity) {
        ProxyPool pool = storage.createPool("sessions-" + UUID.randomUUID(), "sticky sessions");
        for (int i = 0; i < proxies; i++) {
            storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.7." + (pool.id().hashCode() & 127) + "." + (i + 1), 3128)
                    .maxConcurrency(capacity)
                    .build());
        }
        return pool;
    }

    @Test
    void processes_creating_the_same_sessions_at_once_bind_each_to_one_proxy() throws Exception {
        JdbcStorage storage = storage();
        ProxyPool pool = poolWith(storage, 6, 10);
        Instant start = Instant.now().plusSeconds(3);
        List<Process> workers = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        TestPostgres pg = db.postgres();
        for (int w = 0; w < WORKERS; w++) {
            Path out = Files.createTempFile("pharox-session-worker-" + w, ".log");
            outputs.add(out);
            workers.add(new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            SessionWorker.class.getName(),
                            pg.url(),
                            pg.user() == null ? "-" : pg.user(),
                            pg.password() == null ? "-" : pg.password(),
                            db.name(),
                            pool.name(),
                            Integer.toString(SESSIONS),
                            start.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start());
        }

        Map<String, Set<String>> proxiesByKey = new HashMap<>();
        Map<String, List<String>> statesByKey = new HashMap<>();
        for (int w = 0; w < WORKERS; w++) {
            Process p = workers.get(w);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(outputs.get(w));
            assertThat(p.exitValue()).as("worker %d exit, output:%n%s", w, log).isZero();
            assertThat(log).as("worker %d output", w).contains("done");
            for (String line : log.lines().filter(l -> l.startsWith("session ")).toList()) {
                String[] parts = line.split(" ");
                proxiesByKey.computeIfAbsent(parts[1], k -> new HashSet<>()).add(parts[2]);
                statesByKey.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[3]);
            }
            Files.deleteIfExists(outputs.get(w));
        }

        assertThat(proxiesByKey).hasSize(SESSIONS);
        proxiesByKey.forEach((key, proxies) -> {
            assertThat(proxies).as("proxies of session %s", key).hasSize(1);
            assertThat(storage.findSession(pool.name(), key)
                            .orElseThrow()
                            .proxyId()
                            .toString())
                    .isEqualTo(proxies.iterator().next());
        });
        statesByKey.forEach((key, states) -> {
            assertThat(states).as("states of session %s", key).hasSize(WORKERS);
            assertThat(states).filteredOn("NEW"::equals).hasSize(1);
            assertThat(storage.findSession(pool.name(), key).orElseThrow().uses())
                    .isEqualTo(WORKERS);
        });
        assertThat(storage.activeLeasesInPool(pool.name())).isEmpty();
    }

    @Test
    void cleanup_deletes_the_rows_of_lapsed_sessions_only() throws Exception {
        JdbcStorage storage = storage();
        ProxyPool pool = poolWith(storage, 1, 5);
        LeasedProxy lapsing = storage.acquire(AcquireRequest.forPool(pool.name())
                        .ttl(Duration.ofMillis(50))
                        .session(StickySession.of("lapsing").withIdleTimeout(Duration.ofMillis(50)))
                        .build())
                .orElseThrow();
        storage.acquire(AcquireRequest.forPool(pool.name()).session("lasting").build())
                .orElseThrow();
        assertThat(rows(pool)).isEqualTo(2);
        Instant lapsed = lapsing.lease().expiresAt().plusMillis(50);
        while (!Instant.now().isAfter(lapsed.plusMillis(20))) {
            Thread.sleep(10);
        }

        storage.cleanupExpiredLeases();

        assertThat(rows(pool)).isEqualTo(1);
        assertThat(storage.findSession(pool.name(), "lasting")).isPresent();
    }

    @Test
    void an_acquire_that_creates_no_session_leaves_no_row() throws Exception {
        JdbcStorage storage = storage();
        ProxyPool pool = poolWith(storage, 1, 1);
        LeasedProxy holder =
                storage.acquire(AcquireRequest.forPool(pool.name()).build()).orElseThrow();

        assertThat(storage.acquire(
                        AcquireRequest.forPool(pool.name()).session("none").build()))
                .isEmpty();

        assertThat(rows(pool)).isZero();
        storage.release(holder.lease().id());
    }

    @Test
    void removing_a_proxy_keeps_its_sessions_row_and_the_next_acquire_rebinds_it() throws Exception {
        JdbcStorage storage = storage();
        ProxyPool pool = poolWith(storage, 2, 1);
        LeasedProxy first = storage.acquire(
                        AcquireRequest.forPool(pool.name()).session("moving").build())
                .orElseThrow();

        assertThat(storage.removeProxy(first.proxy().id())).isTrue();
        assertThat(rows(pool)).isEqualTo(1);
        assertThat(storage.findSession(pool.name(), "moving").orElseThrow().proxyId())
                .isEqualTo(first.proxy().id());

        LeasedProxy next = storage.acquire(AcquireRequest.forPool(pool.name())
                        .session(StickySession.of("moving").waitForProxy())
                        .build())
                .orElseThrow();
        assertThat(next.proxy().id()).isNotEqualTo(first.proxy().id());
        assertThat(next.session().orElseThrow().rebound()).isTrue();
    }

    private static int rows(ProxyPool pool) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM " + db.name() + ".proxy_session WHERE pool_id = '" + pool.id() + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
