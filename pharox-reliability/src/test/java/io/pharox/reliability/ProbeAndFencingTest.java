package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.CircuitState;
import io.pharox.model.FailureReason;
import io.pharox.model.Lease;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.jdbc.JdbcStorage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The circuit breaker's single probe and the fencing tokens, across processes: four worker JVMs
 * ({@link GrantWorker}), two on {@code JdbcStorage} and two on {@code JpaStorage}, four threads
 * each, on one schema, lease one proxy as fast as they can (non-waiting acquires, each grant held
 * 0–3 ms and released without a report) and print every grant. The workers are started once for
 * both tests; each test runs one phase of them on a pool of its own.
 *
 * <p>Everything asserted is a fact of the collected grants and the lease rows, never a timing:
 * <ul>
 *   <li>the grants the workers printed are exactly the lease rows of the proxy (ids, tokens and
 *       acquisition times), every one released by its worker, and every worker was granted;</li>
 *   <li>a half-open proxy of capacity 8 is leased to one probe at a time: its leases' intervals
 *       {@code [acquired_at, released_at]} never overlap, and its circuit is still half-open;</li>
 *   <li>the fencing tokens of one proxy are unique and strictly increase in the order of
 *       {@code acquired_at} (which has no ties: grants of one proxy are serialized by its row
 *       lock and timed with {@code clock_timestamp()} after it), whichever JVM and adapter
 *       granted them, and the standing's {@code lastFencingToken} is the highest; on a closed
 *       proxy of capacity 4, leases did overlap, never more than 4.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProbeAndFencingTest {

    private static final int THREADS = 4;
    private static final Duration HALF_OPEN_RUN = Duration.ofSeconds(3);
    private static final Duration CLOSED_RUN = Duration.ofSeconds(2);
    private static final OutcomePolicy POLICY = OutcomePolicy.defaults()
            .withFailureThreshold(1)
            .withCooldown(Duration.ofMillis(100), Duration.ofMillis(100));

    private @Nullable SoakDatabase db;
    private @Nullable JdbcStorage storage;
    private final List<WorkerProcess> workers = new ArrayList<>();

    /** A grant as a worker printed it. */
    private record Grant(String worker, UUID leaseId, long fence, Instant acquiredAt, UUID proxyId) {}

    /** A lease row of the proxy, as the database holds it. */
    private record LeaseRow(
            UUID id,
            long fence,
            Instant acquiredAt,
            @Nullable Instant releasedAt,
            String status,
            String consumer) {

        @Override
        public String toString() {
            return "lease " + id + " fence=" + fence + " acquired=" + acquiredAt + " released=" + releasedAt + " "
                    + status + " by " + consumer;
        }
    }

    @BeforeAll
    void startWorkers() throws Exception {
        SoakDatabase database = SoakDatabase.onTestPostgres("pharox_fencing");
        db = database;
        JdbcStorage s = new JdbcStorage(database.dataSource(2), database.schema());
        storage = s;
        ProxyPool warmUp = s.createPool("warm-up", "leased by the workers before the tests");
        s.addProxy(Proxy.builder()
                .poolId(warmUp.id())
                .address("10.80.0.100", 3128)
                .shared(4 * THREADS)
                .build());
        int seed = 0;
        for (int i = 1; i <= 2; i++) {
            for (String adapter : List.of("jdbc", "jpa")) {
                seed++;
                workers.add(WorkerProcess.start(
                        adapter + "-" + i,
                        GrantWorker.class,
                        List.of(),
                        WorkerArgs.of(
                                database,
                                "adapter=" + adapter,
                                "threads=" + THREADS,
                                "seed=" + seed,
                                "warmup=" + warmUp.name())));
            }
        }
        for (WorkerProcess w : workers) {
            w.awaitLine("ready", Duration.ofSeconds(90));
        }
    }

    @AfterAll
    void stopWorkers() throws Exception {
        try {
            for (WorkerProcess w : workers) {
                w.send("stop");
            }
            for (WorkerProcess w : workers) {
                w.awaitDone(Duration.ofSeconds(30));
            }
        } finally {
            for (WorkerProcess w : workers) {
                w.close();
            }
            if (db != null) {
                db.close();
            }
        }
    }

    @Test
    void a_half_open_proxy_is_leased_to_one_probe_at_a_time_across_four_jvms() throws Exception {
        JdbcStorage storage = storage();
        ProxyPool pool = storage.createPool("half-open", "one proxy whose circuit is half-open");
        Proxy proxy = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.80.0.1", 3128)
                .shared(8)
                .build());

        // open the circuit (threshold 1), let its 100 ms cooldown end: half-open
        Lease opener = storage.acquire(AcquireRequest.forPool(pool.name())
                        .consumer("opener")
                        .ttl(Duration.ofMinutes(1))
                        .build())
                .orElseThrow()
                .lease();
        ProxyStanding opened = storage.report(
                opener.id(), opener.fencingToken(), Outcome.failure(FailureReason.CONNECT_FAILED), POLICY);
        assertThat(opened.circuit())
                .as("circuit after one failure at threshold 1")
                .isEqualTo(CircuitState.OPEN);
        assertThat(storage.release(opener.id())).isTrue();
        awaitCircuit(proxy.id(), CircuitState.HALF_OPEN, Duration.ofSeconds(10));

        Map<String, Map<String, Long>> ends = runPhase(pool.name(), HALF_OPEN_RUN);
        List<Grant> grants = grants(pool.name());
        List<LeaseRow> rows = leaseRows(proxy.id());

        assertThat(grants)
                .as("grants printed by the workers")
                .allMatch(g -> g.proxyId().equals(proxy.id()));
        List<LeaseRow> probes =
                rows.stream().filter(r -> !r.id().equals(opener.id())).toList();
        assertThat(rows)
                .as("lease rows of the proxy: the opener's and the probes")
                .hasSize(probes.size() + 1);
        assertGrantsAreRows(grants, probes);
        assertAllGrantedAndReleased(ends, probes);
        assertThat(ends.values().stream().mapToLong(e -> e.get("misses")).sum())
                .as("acquires refused while another JVM's or thread's probe was out: %s", ends)
                .isPositive();

        // one probe at a time: sorted by acquisition, each starts after the previous one ended
        for (int i = 1; i < probes.size(); i++) {
            LeaseRow before = probes.get(i - 1);
            LeaseRow after = probes.get(i);
            Instant released = before.releasedAt();
            if (released == null || after.acquiredAt().isBefore(released)) {
                throw new AssertionError("two probes at once: " + after + " acquired before " + before
                        + " was released; the proxy's probes around them:\n" + around(probes, i));
            }
        }
        assertFencingTokensIncrease(rows);

        ProxyStanding standing = storage.standing(proxy.id()).orElseThrow();
        assertThat(standing.circuit())
                .as("circuit after probes released without reports")
                .isEqualTo(CircuitState.HALF_OPEN);
        assertThat(standing.lastFencingToken())
                .as("standing's last fencing token")
                .isEqualTo(rows.stream().mapToLong(LeaseRow::fence).max().orElseThrow());
        assertThat(probeLeaseOf(proxy.id()))
                .as("the proxy's probe lease once every probe was released")
                .isNull();
    }

    @Test
    void fencing_tokens_of_a_shared_proxy_strictly_increase_across_four_jvms() throws Exception {
        JdbcStorage storage = storage();
        ProxyPool pool = storage.createPool("closed", "one proxy of capacity 4 whose circuit is closed");
        Proxy proxy = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.80.0.2", 3128)
                .shared(4)
                .build());
        assertThat(storage.standing(proxy.id()).orElseThrow().circuit()).isEqualTo(CircuitState.CLOSED);

        Map<String, Map<String, Long>> ends = runPhase(pool.name(), CLOSED_RUN);
        List<Grant> grants = grants(pool.name());
        List<LeaseRow> rows = leaseRows(proxy.id());

        assertThat(grants)
                .as("grants printed by the workers")
                .allMatch(g -> g.proxyId().equals(proxy.id()));
        assertGrantsAreRows(grants, rows);
        assertAllGrantedAndReleased(ends, rows);
        assertFencingTokensIncrease(rows);
        assertThat(mostAtOnce(rows))
                .as("most leases of the proxy active at once (capacity 4)")
                .isBetween(2, 4);

        ProxyStanding standing = storage.standing(proxy.id()).orElseThrow();
        assertThat(standing.circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(standing.lastFencingToken())
                .as("standing's last fencing token")
                .isEqualTo(rows.stream().mapToLong(LeaseRow::fence).max().orElseThrow());
    }

    private JdbcStorage storage() {
        JdbcStorage s = storage;
        if (s == null) {
            throw new IllegalStateException("workers not started");
        }
        return s;
    }

    private SoakDatabase db() {
        SoakDatabase d = db;
        if (d == null) {
            throw new IllegalStateException("workers not started");
        }
        return d;
    }

    /** Runs every worker on {@code pool} for {@code duration}: per worker, its {@code end} line's counts. */
    private Map<String, Map<String, Long>> runPhase(String pool, Duration duration) throws Exception {
        for (WorkerProcess w : workers) {
            w.send("go " + pool + " " + duration.toMillis());
        }
        Map<String, Map<String, Long>> ends = new LinkedHashMap<>();
        for (WorkerProcess w : workers) {
            ends.put(w.name(), WorkerProcess.parse(w.awaitLine("end " + pool + " ", duration.plusSeconds(60))));
        }
        for (WorkerProcess w : workers) {
            assertThat(w.errors()).as("failed calls in %s", w.log()).isEmpty();
        }
        return ends;
    }

    /** The grants on {@code pool} that the workers printed. */
    private List<Grant> grants(String pool) {
        List<Grant> grants = new ArrayList<>();
        String prefix = "grant " + pool + " ";
        for (WorkerProcess w : workers) {
            for (String line : w.lines()) {
                if (line.startsWith(prefix)) {
                    String[] f = line.substring(prefix.length()).split(" ", -1);
                    grants.add(new Grant(
                            w.name(),
                            UUID.fromString(f[0]),
                            Long.parseLong(f[1]),
                            Instant.parse(f[2]),
                            UUID.fromString(f[3])));
                }
            }
        }
        return grants;
    }

    /** Every worker was granted, none saw a failed call or a late release, and every lease row was released. */
    private static void assertAllGrantedAndReleased(Map<String, Map<String, Long>> ends, List<LeaseRow> rows) {
        assertThat(ends)
                .as("grants per worker")
                .allSatisfy((name, end) ->
                        assertThat(end.get("grants")).as("grants of %s", name).isPositive());
        assertThat(ends).allSatisfy((name, end) -> {
            assertThat(end.get("errors")).as("failed calls in %s", name).isZero();
            assertThat(end.get("late"))
                    .as("releases of %s that found their lease ended", name)
                    .isZero();
        });
        assertThat(rows).as("leases not released").allSatisfy(r -> {
            assertThat(r.status()).isEqualTo("RELEASED");
            assertThat(r.releasedAt()).isNotNull();
        });
    }

    /** The grants the workers printed are exactly {@code rows}: ids, fencing tokens, acquisition times. */
    private static void assertGrantsAreRows(List<Grant> grants, List<LeaseRow> rows) {
        assertThat(grants.stream().map(Grant::leaseId).collect(Collectors.toSet()))
                .as("distinct lease ids granted")
                .hasSize(grants.size());
        assertThat(grants.stream()
                        .map(g -> g.leaseId() + " fence=" + g.fence() + " acquired=" + g.acquiredAt())
                        .sorted()
                        .toList())
                .as("grants printed by the workers against the lease rows")
                .isEqualTo(rows.stream()
                        .map(r -> r.id() + " fence=" + r.fence() + " acquired=" + r.acquiredAt())
                        .sorted()
                        .toList());
        assertThat(grants.stream().map(Grant::worker).distinct().count())
                .as("workers whose grants are among the rows")
                .isEqualTo(4);
    }

    /**
     * {@code rows} (sorted by acquisition) have no two of one {@code acquired_at}, and their
     * fencing tokens are 1 or more, unique and strictly increasing in that order.
     */
    private static void assertFencingTokensIncrease(List<LeaseRow> rows) {
        Set<Long> fences = new HashSet<>();
        for (LeaseRow r : rows) {
            if (r.fence() < 1 || !fences.add(r.fence())) {
                throw new AssertionError("fencing token " + r.fence() + " not positive or granted twice: "
                        + rows.stream().filter(o -> o.fence() == r.fence()).toList());
            }
        }
        for (int i = 1; i < rows.size(); i++) {
            LeaseRow before = rows.get(i - 1);
            LeaseRow after = rows.get(i);
            if (!after.acquiredAt().isAfter(before.acquiredAt())) {
                throw new AssertionError("two grants of one proxy at one acquired_at: " + before + " and " + after
                        + "; the proxy's lease rows around them:\n" + around(rows, i));
            }
            if (after.fence() <= before.fence()) {
                throw new AssertionError("fencing token out of order: " + after + " granted after " + before
                        + "; the proxy's lease rows around them:\n" + around(rows, i));
            }
        }
    }

    /** The most of {@code rows} active at one instant, from their [acquired_at, released_at] intervals. */
    private static int mostAtOnce(List<LeaseRow> rows) {
        record Event(Instant at, int change) {}
        List<Event> events = new ArrayList<>();
        for (LeaseRow r : rows) {
            events.add(new Event(r.acquiredAt(), 1));
            Instant released = r.releasedAt();
            events.add(new Event(released == null ? Instant.MAX : released, -1));
        }
        // at one instant, a release before an acquisition: intervals that only touch do not overlap
        events.sort(Comparator.comparing(Event::at).thenComparingInt(Event::change));
        int now = 0;
        int most = 0;
        for (Event e : events) {
            now += e.change();
            most = Math.max(most, now);
        }
        return most;
    }

    private void awaitCircuit(UUID proxyId, CircuitState state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ProxyStanding standing = storage().standing(proxyId).orElseThrow();
        while (standing.circuit() != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("circuit not " + state + " within " + timeout + ": " + standing);
            }
            Thread.sleep(20); // polling the standing
            standing = storage().standing(proxyId).orElseThrow();
        }
    }

    /** The lease rows of {@code proxyId}, by acquisition (then token, so that ties show). */
    private List<LeaseRow> leaseRows(UUID proxyId) throws SQLException {
        String s = db().schema();
        try (Connection c = db().checkerConnection();
                PreparedStatement q = c.prepareStatement("SELECT l.id, l.fence, l.acquired_at, l.released_at, l.status,"
                        + " c.name FROM " + s + ".lease l JOIN " + s + ".consumer c ON c.id = l.consumer_id"
                        + " WHERE l.proxy_id = ? ORDER BY l.acquired_at, l.fence")) {
            q.setObject(1, proxyId);
            List<LeaseRow> rows = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Timestamp released = rs.getTimestamp(4);
                    rows.add(new LeaseRow(
                            rs.getObject(1, UUID.class),
                            rs.getLong(2),
                            rs.getTimestamp(3).toInstant(),
                            released == null ? null : released.toInstant(),
                            rs.getString(5),
                            rs.getString(6)));
                }
            }
            return rows;
        }
    }

    /** The proxy row's {@code probe_lease_id}. */
    private @Nullable UUID probeLeaseOf(UUID proxyId) throws SQLException {
        try (Connection c = db().checkerConnection();
                Statement q = c.createStatement();
                ResultSet rs = q.executeQuery(
                        "SELECT probe_lease_id FROM " + db().schema() + ".proxy WHERE id = '" + proxyId + "'")) {
            assertThat(rs.next()).as("proxy %s exists", proxyId).isTrue();
            return rs.getObject(1, UUID.class);
        }
    }

    /** The rows from 5 before {@code i} to 5 after it, one a line, for failure messages. */
    private static String around(List<LeaseRow> rows, int i) {
        return rows.subList(Math.max(0, i - 5), Math.min(rows.size(), i + 6)).stream()
                .map(LeaseRow::toString)
                .collect(Collectors.joining("\n"));
    }
}
