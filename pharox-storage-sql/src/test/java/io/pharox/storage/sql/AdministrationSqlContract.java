package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.PoolInUseException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.ProxyBatchException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Pool administration on PostgreSQL beyond the adapter-independent contract: large batches, a
 * concurrent writer colliding with a batch, and deletions racing acquires of eight threads. An
 * adapter's test class extends this and supplies its storage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AdministrationSqlContract {

    private static final int THREADS = 8;
    private static final Duration LONG = Duration.ofMinutes(10);

    private TestSchema db;
    private ProxyStorage storage;

    /** A storage of the adapter on {@code db}'s data source and schema. */
    protected abstract ProxyStorage storage(TestSchema db);

    /** Closes what {@link #storage} opened (e.g. entity manager factories). */
    protected void closeStorages() {}

    @BeforeAll
    void createSchema() {
        db = TestSchema.migrated("pharox_admin", THREADS + 6);
    }

    @AfterAll
    void dropSchema() {
        closeStorages();
        db.close();
    }

    @BeforeEach
    void fresh() {
        db.truncate();
        storage = storage(db);
    }

    private static List<Proxy> batch(ProxyPool pool, int n, int subnet) {
        List<Proxy> proxies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            proxies.add(Proxy.builder()
                    .poolId(pool.id())
                    .address("10." + subnet + "." + (i / 250) + "." + (i % 250 + 1), 8080)
                    .build());
        }
        return proxies;
    }

    @Test
    void a_batch_of_a_hundred_thousand_proxies_is_stored_past_the_bind_parameter_limit() {
        ProxyPool pool = storage.createPool("large", "");
        List<Proxy> proxies = new ArrayList<>(100_000);
        for (int i = 0; i < 100_000; i++) {
            proxies.add(Proxy.builder()
                    .poolId(pool.id())
                    .address("10." + (i / 62_500) + "." + (i / 250 % 250) + "." + (i % 250 + 1), 1000 + i % 1000)
                    .build());
        }

        List<Proxy> stored = storage.addProxies(proxies);

        assertThat(stored).hasSize(100_000);
        assertThat(stored.get(99_999).id()).isEqualTo(proxies.get(99_999).id());
        assertThat(text("SELECT count(*)::text FROM " + db.name() + ".proxy")).isEqualTo("100000");
        assertThat(storage.poolStats("large").proxies()).isEqualTo(100_000);
    }

    @Test
    void a_batch_stores_every_value_as_a_single_add_does() {
        ProxyPool single = storage.createPool("single", "");
        ProxyPool batched = storage.createPool("batched", "");
        Proxy.Builder full = Proxy.builder()
                .address("Host-Ünïcode.example", 3128)
                .protocol(io.pharox.model.ProxyProtocol.SOCKS5)
                .shared(3)
                .country("de")
                .city("Berlin, \"Mitte\"\t{x}")
                .source("vendor\\a")
                .isp("Acme Net")
                .asn(4_200_000_000L)
                .location(52.520008, -13.404954)
                .status(io.pharox.model.ProxyStatus.SLOW)
                .lastCheckedAt(java.time.Instant.parse("2026-01-02T03:04:05.123456789Z"))
                .lastLatency(Duration.ofNanos(1_234_567_891L))
                .minGrantInterval(Duration.ofMillis(1_500));
        Proxy.Builder bare = Proxy.builder().address("10.9.9.9", 1);

        Proxy one = storage.addProxy(full.poolId(single.id()).build());
        Proxy plainOne = storage.addProxy(bare.poolId(single.id()).build());
        List<Proxy> two = storage.addProxies(List.of(
                full.poolId(batched.id()).id(io.pharox.model.Ids.next()).build(),
                bare.poolId(batched.id()).id(io.pharox.model.Ids.next()).build()));

        assertThat(two.get(0).toBuilder().id(one.id()).poolId(single.id()).build())
                .isEqualTo(one);
        assertThat(two.get(1).toBuilder().id(plainOne.id()).poolId(single.id()).build())
                .isEqualTo(plainOne);
        assertThat(storage.findProxy(two.get(0).id())).contains(two.get(0));
        assertThat(two.get(0).lastCheckedAt()).isEqualTo(one.lastCheckedAt());
        assertThat(two.get(0).location()).isEqualTo(one.location());
    }

    @Test
    void an_address_taken_by_a_concurrent_writer_refuses_the_batch_naming_its_index() throws Exception {
        ProxyPool pool = storage.createPool("collision", "");
        List<Proxy> proxies = batch(pool, 5, 1);
        Proxy taken = proxies.get(3);
        ExecutorService adder = Executors.newSingleThreadExecutor();
        try (Connection writer = db.dataSource().getConnection()) {
            writer.setAutoCommit(false);
            // the other writer's row, not committed yet: the batch's check cannot see it
            try (PreparedStatement insert = writer.prepareStatement("INSERT INTO " + db.name()
                    + ".proxy (id, pool_id, host, port, protocol, status, max_concurrency)"
                    + " VALUES (?, ?, ?, ?, 'HTTP', 'ACTIVE', 1)")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setObject(2, pool.id());
                insert.setString(3, taken.host().toUpperCase(java.util.Locale.ROOT));
                insert.setInt(4, taken.port());
                insert.executeUpdate();
            }
            Future<List<Proxy>> adding = adder.submit(() -> storage.addProxies(proxies));
            // the batch's insert waits on the unique index entry of the uncommitted row
            await(
                    () -> !text("SELECT count(*)::text FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                    + " AND query ILIKE '%insert into%' AND query LIKE '%" + db.name() + "%'")
                            .equals("0"),
                    "the batch never waited for the other writer's row");
            assertThat(adding).isNotDone();
            writer.commit();

            assertThatThrownBy(() -> adding.get(60, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(
                            ProxyBatchException.class,
                            e -> assertThat(e.index()).isEqualTo(3))
                    .hasCauseInstanceOf(ProxyAlreadyExistsException.class);
        } finally {
            adder.shutdown();
        }
        // nothing of the batch: the other writer's row alone
        assertThat(storage.listProxies("collision")).hasSize(1);
        for (Proxy proxy : proxies) {
            assertThat(storage.findProxy(proxy.id())).isEmpty();
        }
    }

    @Test
    void a_deletion_without_force_never_removes_a_pool_while_one_of_eight_threads_holds_a_lease() throws Exception {
        ProxyPool pool = storage.createPool("contended", "");
        storage.addProxies(batch(pool, 4, 2).stream()
                .map(p -> p.toBuilder().shared(2).build())
                .toList());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger granted = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ExecutorService workers = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String consumer = "worker-" + t;
            running.add(workers.submit(() -> {
                while (!stop.get()) {
                    try {
                        Optional<LeasedProxy> leased = storage.acquire(AcquireRequest.forPool("contended")
                                .consumer(consumer)
                                .ttl(LONG)
                                .build());
                        if (leased.isPresent()) {
                            granted.incrementAndGet();
                            // a pool deleted while this lease was active would make this throw
                            if (!storage.release(leased.get().lease().id())) {
                                failures.add(new AssertionError(
                                        "lease already ended: " + leased.get().lease()));
                            }
                        }
                    } catch (PoolNotFoundException deleted) {
                        return null;
                    } catch (RuntimeException | AssertionError e) {
                        failures.add(e);
                    }
                }
                return null;
            }));
        }
        await(() -> granted.get() >= 100, "the workers never leased");
        int refusals = 0;
        boolean deleted = false;
        for (int attempt = 0; attempt < 10_000 && !deleted; attempt++) {
            if (attempt == 50) {
                // from here the workers wind down, so that a deletion finds the pool idle at last
                stop.set(true);
            }
            try {
                deleted = storage.deletePool("contended", false);
            } catch (PoolInUseException e) {
                refusals++;
                assertThat(e.activeLeases()).isBetween(1, THREADS);
            }
        }
        stop.set(true);
        for (Future<?> worker : running) {
            worker.get(60, TimeUnit.SECONDS);
        }
        workers.shutdown();

        assertThat(failures).isEmpty();
        assertThat(deleted).isTrue();
        assertThat(refusals).as("refusals while the workers leased").isPositive();
        assertThat(storage.findPool("contended")).isEmpty();
        assertThat(rowsOf(pool.id())).isEqualTo("0 0 0");
    }

    @Test
    void a_forced_deletion_under_eight_leasing_threads_leaves_no_lease_of_the_pool() throws Exception {
        ProxyPool pool = storage.createPool("forced", "");
        ProxyPool other = storage.createPool("other", "");
        storage.addProxies(batch(pool, 4, 3).stream()
                .map(p -> p.toBuilder().shared(2).build())
                .toList());
        storage.addProxies(batch(other, 1, 4));
        LeasedProxy elsewhere = storage.acquire(
                        AcquireRequest.forPool("other").ttl(LONG).build())
                .orElseThrow();
        LeasedProxy sticky = storage.acquire(AcquireRequest.forPool("forced")
                        .session("sticky")
                        .ttl(LONG)
                        .build())
                .orElseThrow();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger endedByDeletion = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ExecutorService workers = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String consumer = "worker-" + t;
            running.add(workers.submit(() -> {
                while (!stop.get()) {
                    try {
                        Optional<LeasedProxy> leased = storage.acquire(AcquireRequest.forPool("forced")
                                .consumer(consumer)
                                .ttl(LONG)
                                .build());
                        if (leased.isPresent()) {
                            granted.incrementAndGet();
                            try {
                                storage.release(leased.get().lease().id());
                            } catch (LeaseNotFoundException gone) {
                                endedByDeletion.incrementAndGet();
                            }
                        }
                    } catch (PoolNotFoundException deleted) {
                        return null;
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
                return null;
            }));
        }
        await(() -> granted.get() >= 100, "the workers never leased");

        boolean deleted = storage.deletePool("forced", true);

        // workers that resolved the pool before it went find nothing: stop them
        stop.set(true);
        for (Future<?> worker : running) {
            worker.get(60, TimeUnit.SECONDS);
        }
        workers.shutdown();
        assertThat(failures).isEmpty();
        assertThat(deleted).isTrue();
        assertThat(rowsOf(pool.id())).isEqualTo("0 0 0");
        assertThat(text("SELECT count(*)::text FROM " + db.name() + ".proxy_session WHERE pool_id = '" + pool.id()
                        + "'"))
                .isEqualTo("0");
        assertThatThrownBy(
                        () -> storage.acquire(AcquireRequest.forPool("forced").build()))
                .isInstanceOf(PoolNotFoundException.class);
        assertThat(storage.activeLeasesInPool("other")).containsExactly(elsewhere.lease());
        assertThat(text("SELECT sum(current_leases)::text FROM " + db.name() + ".proxy"))
                .isEqualTo("1");
        assertThat(endedByDeletion.get()).isBetween(0, THREADS);
        assertThat(storage.findLease(sticky.lease().id())).isEmpty();
    }

    @Test
    void a_storage_that_knew_a_deleted_pool_finds_nothing_in_it_and_a_session_acquire_is_refused() {
        ProxyPool pool = storage.createPool("known", "");
        storage.addProxies(batch(pool, 2, 5));
        ProxyStorage other = storage(db);
        // the other storage learns the pool's id
        other.release(other.acquire(AcquireRequest.forPool("known").build())
                .orElseThrow()
                .lease()
                .id());

        assertThat(storage.deletePool("known", false)).isTrue();

        assertThat(other.acquire(AcquireRequest.forPool("known").build())).isEmpty();
        assertThatThrownBy(() -> other.acquire(
                        AcquireRequest.forPool("known").session("s").build()))
                .isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining("known");
        assertThatThrownBy(() -> other.acquire(AcquireRequest.forPool("known").build()))
                .isInstanceOf(PoolNotFoundException.class);
    }

    // ---------------------------------------------------------------- helpers

    /** Rows left of pool {@code pool}: "pools proxies leases". */
    private String rowsOf(UUID pool) {
        return text("SELECT (SELECT count(*) FROM " + db.name() + ".pool WHERE id = '" + pool + "') || ' ' ||"
                + " (SELECT count(*) FROM " + db.name() + ".proxy WHERE pool_id = '" + pool + "') || ' ' ||"
                + " (SELECT count(*) FROM " + db.name() + ".lease WHERE pool_id = '" + pool + "')");
    }

    private String text(String sql) {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            assertThat(r.next()).isTrue();
            return String.valueOf(r.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static void await(BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            Thread.sleep(5);
        }
    }
}
