package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import io.pharox.testkit.postgres.CuttingRelay;
import io.pharox.testkit.postgres.CuttingRelay.Cut;
import io.pharox.testkit.postgres.TestPostgres;
import io.pharox.testkit.postgres.TestSchema;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Idempotent acquire, release and renew, proven against a connection cut at the worst moment:
 * each adapter runs on a pool of connections through a {@link CuttingRelay}, which cuts one
 * connection per call, alternately right after the server committed the call's statement
 * (the reply is dropped) and right before the statement reaches the server. Acquires run with
 * and without an idempotency key. Afterwards: no proxy holds more leases than its capacity,
 * every stored counter equals its active lease rows, every lease row in the store is one that
 * a call returned (none that nobody knows), and every call that returned a lease returned the
 * one stored for its key.
 */
class CutConnectionTest {

    /** Cut acquires per adapter; as many cut renewals and cut releases. */
    private static final int ROUNDS = 200;

    /** Text of the claim statements only (alone or coalesced): the alias of the granted lease's time. */
    private static final String CLAIM = "lease_acquired_at";
    /** Text of the release statements only (alone or coalesced): their CTE that ends the leases. */
    private static final String RELEASE = "ended as (update";
    /** Text of the renewal statement only. */
    private static final String RENEW = "set \"expires_at\"";

    private TestSchema schema;
    private CuttingRelay relay;
    private HikariDataSource relayed;
    private ProxyPool pool;
    private List<Proxy> proxies;
    private final Map<String, Integer> cuts = new TreeMap<>();

    @BeforeEach
    void setUp() {
        schema = TestSchema.migrated("pharox_cut", 2);
        TestPostgres postgres = schema.postgres();
        relay = CuttingRelay.inFrontOf(postgres);
        HikariConfig config = new HikariConfig();
        // prepareThreshold=0: every execution sends its SQL text, which the relay looks for
        config.setJdbcUrl(relay.url(postgres) + "&prepareThreshold=0");
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        // idle connections in reserve: a call whose connection was cut goes on at once on another
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(3);
        config.setConnectionTimeout(10_000);
        relayed = new HikariDataSource(config);
        JdbcStorage setup = new JdbcStorage(schema.dataSource(), schema.name());
        pool = setup.createPool("cut", "leased through a relay that cuts connections");
        proxies = List.of(
                setup.addProxy(proxy("10.79.0.1").exclusive().build()),
                setup.addProxy(proxy("10.79.0.2").exclusive().build()),
                setup.addProxy(proxy("10.79.0.3").shared(3).build()));
    }

    private Proxy.Builder proxy(String host) {
        return Proxy.builder().poolId(pool.id()).address(host, 3128);
    }

    @AfterEach
    void tearDown() {
        relayed.close();
        relay.close();
        schema.close();
    }

    @Test
    void jdbc_acquire_release_and_renew_survive_cut_connections_with_no_double_grant_and_no_orphan() throws Exception {
        run(new JdbcStorage(relayed, schema.name()));
    }

    @Test
    void jpa_acquire_release_and_renew_survive_cut_connections_with_no_double_grant_and_no_orphan() throws Exception {
        EntityManagerFactory emf = JpaStorage.entityManagerFactory(relayed, schema.name());
        try {
            run(new JpaStorage(emf));
        } finally {
            emf.close();
        }
    }

    @Test
    void a_claim_again_under_the_id_of_a_claim_still_in_flight_waits_for_it_and_returns_its_lease() throws Exception {
        // the relayed pool (no cut armed): the schema's own two connections are the in-flight
        // transaction's and the poller's
        JdbcStorage storage = new JdbcStorage(relayed, schema.name());
        UUID consumer = storage.ensureConsumer("in-flight").id();
        UUID key = UUID.randomUUID();
        Proxy first = proxies.get(0);
        try (Connection inFlight = schema.dataSource().getConnection()) {
            // what a lost claim looks like on the server before it commits: its lease row and counter
            inFlight.setAutoCommit(false);
            try (Statement s = inFlight.createStatement()) {
                s.executeUpdate("UPDATE " + schema.name()
                        + ".proxy SET current_leases = current_leases + 1 WHERE id = '" + first.id() + "'");
                s.executeUpdate("INSERT INTO " + schema.name()
                        + ".lease (id, pool_id, proxy_id, consumer_id, status, acquired_at, expires_at) VALUES ('"
                        + key + "', '" + pool.id() + "', '" + first.id() + "', '" + consumer
                        + "', 'ACTIVE', now(), now() + interval '10 minutes')");
            }
            AcquireRequest request = AcquireRequest.forPool(pool.name())
                    .consumer("in-flight")
                    .idempotencyKey(key)
                    .build();
            CompletableFuture<Optional<LeasedProxy>> again =
                    CompletableFuture.supplyAsync(() -> storage.acquire(request));
            awaitClaimWaitingForALock(again);
            inFlight.commit();

            LeasedProxy leased = again.get(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(leased.lease().id()).isEqualTo(key);
            assertThat(leased.proxy().id()).as("the in-flight claim's proxy").isEqualTo(first.id());
        }
        assertThat(activeLeaseIds()).containsExactly(key);
        assertStoreConsistent();
    }

    /** Polls until a statement on this schema waits for a lock (up to 30 s). */
    private void awaitClaimWaitingForALock(CompletableFuture<?> claim) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !claim.isDone()) {
            if (!query(
                            // the only statement on this schema that can wait: pg_stat_activity
                            // shows the first 1 kB of a query, which names the schema
                            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'" + " AND query LIKE '%"
                                    + schema.name() + "%'",
                            rs -> rs.getInt(1))
                    .isEmpty()) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the claim did not wait for the in-flight lease: "
                + (claim.isDone() ? claim.handle((r, e) -> r != null ? r : e).join() : "still running"));
    }

    private void run(ProxyStorage storage) throws SQLException {
        Set<UUID> returned = new HashSet<>();
        int keyedCalls = 0;
        SelectorStrategy[] strategies = SelectorStrategy.values();
        for (int round = 0; round < ROUNDS; round++) {
            Cut cut = round % 2 == 0 ? Cut.AFTER_COMMIT : Cut.BEFORE_SENDING;
            // keys and cut kinds cross: every pairing occurs
            boolean keyed = round % 4 < 2;
            AcquireRequest.Builder builder = AcquireRequest.forPool(pool.name())
                    .consumer("cut-" + (round % 3))
                    .ttl(Duration.ofMinutes(10))
                    .strategy(strategies[round % strategies.length]);
            UUID key = UUID.randomUUID();
            if (keyed) {
                builder.idempotencyKey(key);
                keyedCalls++;
            }
            AcquireRequest request = builder.build();

            LeasedProxy leased = cutOnce(CLAIM, cut, () -> storage.acquire(request))
                    .orElseThrow(() -> new AssertionError("nothing leased in a pool with free proxies"));
            Lease lease = leased.lease();
            assertThat(returned.add(lease.id())).as("a lease returned twice").isTrue();
            if (keyed) {
                assertThat(lease.id()).as("the lease of a keyed request").isEqualTo(key);
            }
            assertThat(activeLeaseIds())
                    .as("active leases after acquire %d (%s)", round, cut)
                    .containsExactly(lease.id());
            assertStoreConsistent();

            Cut renewCut = round % 4 == 0 || round % 4 == 3 ? Cut.AFTER_COMMIT : Cut.BEFORE_SENDING;
            Optional<Lease> renewed = cutOnce(RENEW, renewCut, () -> storage.renew(lease.id(), Duration.ofMinutes(20)));
            assertThat(renewed).as("renewal %d (%s)", round, renewCut).isPresent();
            assertThat(renewed.get().expiresAt()).isAfter(lease.expiresAt());

            Cut releaseCut = round % 3 == 0 ? Cut.BEFORE_SENDING : Cut.AFTER_COMMIT;
            boolean released = cutOnce(RELEASE, releaseCut, () -> storage.release(lease.id()));
            assertThat(released).as("release %d (%s)", round, releaseCut).isTrue();
            assertThat(activeLeaseIds())
                    .as("active leases after release %d", round)
                    .isEmpty();
            assertStoreConsistent();
        }

        int after = relay.cuts(Cut.AFTER_COMMIT);
        int before = relay.cuts(Cut.BEFORE_SENDING);
        System.out.printf(
                "%s: %d cut connections (%d after commit, %d before sending) over %d acquires (%d keyed),"
                        + " %d renewals, %d releases; %d connections through the relay; by statement: %s%n",
                storage.getClass().getSimpleName(),
                after + before,
                after,
                before,
                ROUNDS,
                keyedCalls,
                ROUNDS,
                ROUNDS,
                relay.connections(),
                cuts);
        assertThat(after + before).as("cut connections").isEqualTo(3 * ROUNDS);
        assertThat(cuts.get(CLAIM + " " + Cut.AFTER_COMMIT) + cuts.get(CLAIM + " " + Cut.BEFORE_SENDING))
                .as("cut acquires")
                .isEqualTo(ROUNDS);
        assertThat(cuts)
                .as("every statement cut both ways")
                .containsKeys(
                        CLAIM + " " + Cut.AFTER_COMMIT,
                        CLAIM + " " + Cut.BEFORE_SENDING,
                        RENEW + " " + Cut.AFTER_COMMIT,
                        RENEW + " " + Cut.BEFORE_SENDING,
                        RELEASE + " " + Cut.AFTER_COMMIT,
                        RELEASE + " " + Cut.BEFORE_SENDING);
        // every lease in the store is one a call returned: no request left a second lease or an unknown one
        assertThat(allLeaseIds()).as("lease rows").isEqualTo(returned);
        assertThat(leaseStatuses()).as("statuses of the lease rows").containsOnly(LeaseStatus.RELEASED.name());
        assertStoreConsistent();
    }

    /** Arms one cut for {@code marker}, runs the call, checks that the cut fired and counts it. */
    private <T> T cutOnce(String marker, Cut cut, Supplier<T> call) {
        int before = relay.cuts(cut);
        relay.arm(marker, cut);
        T result = call.get();
        assertThat(relay.disarm())
                .as("the cut %s at %s was armed but the call sent no such statement", cut, marker)
                .isFalse();
        assertThat(relay.cuts(cut)).as("cuts %s", cut).isEqualTo(before + 1);
        cuts.merge(marker + " " + cut, 1, Integer::sum);
        return result;
    }

    /** Zero double grants and zero orphaned slots: per proxy, counter = active lease rows ≤ capacity. */
    private void assertStoreConsistent() throws SQLException {
        List<String> rows = query(
                "SELECT p.id, p.current_leases, p.max_concurrency,"
                        + " (SELECT count(*) FROM " + schema.name() + ".lease l"
                        + "   WHERE l.proxy_id = p.id AND l.status = 'ACTIVE') AS active"
                        + " FROM " + schema.name() + ".proxy p",
                rs -> rs.getString(1) + " counter=" + rs.getInt(2) + " max=" + rs.getInt(3) + " active=" + rs.getInt(4)
                        + (rs.getInt(2) == rs.getInt(4) && rs.getInt(4) <= rs.getInt(3) ? "" : " BAD"));
        assertThat(rows).hasSize(proxies.size()).noneMatch(r -> r.endsWith(" BAD"));
    }

    private Set<UUID> activeLeaseIds() throws SQLException {
        return new HashSet<>(query(
                "SELECT id FROM " + schema.name() + ".lease WHERE status = 'ACTIVE'",
                rs -> rs.getObject(1, UUID.class)));
    }

    private Set<UUID> allLeaseIds() throws SQLException {
        return new HashSet<>(query("SELECT id FROM " + schema.name() + ".lease", rs -> rs.getObject(1, UUID.class)));
    }

    private Set<String> leaseStatuses() throws SQLException {
        return new HashSet<>(query("SELECT DISTINCT status FROM " + schema.name() + ".lease", rs -> rs.getString(1)));
    }

    private <T> List<T> query(String sql, RowReader<T> reader) throws SQLException {
        DataSource direct = schema.dataSource();
        try (Connection c = direct.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(reader.read(rs));
            }
            return rows;
        }
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }
}
