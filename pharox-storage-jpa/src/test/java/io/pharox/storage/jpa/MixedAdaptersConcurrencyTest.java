package io.pharox.storage.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.testkit.postgres.TestSchema;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A JDBC adapter and a JPA adapter leasing from one schema at the same time: together they
 * never take more slots of a proxy than it has, and every counter matches its lease rows.
 */
class MixedAdaptersConcurrencyTest {

    private static final int THREADS = 16;
    private static final int OPERATIONS = 200;
    private static final Duration HELD = Duration.ofMinutes(1);
    private static final Duration ABANDONED = Duration.ofMillis(30);

    private static TestSchema db;
    private static EntityManagerFactory emf;

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_jpa_mixed", 24);
        emf = JpaStorage.entityManagerFactory(db.dataSource(), db.name());
    }

    @AfterAll
    static void dropSchema() {
        emf.close();
        db.close();
    }

    @Test
    void jdbc_and_jpa_adapters_on_one_schema_never_over_lease() throws Exception {
        ProxyStorage jpa = new JpaStorage(emf);
        ProxyStorage jdbc = new JdbcStorage(db.dataSource(), db.name());
        ProxyPool pool = jpa.createPool("mixed", "leased by both adapters");
        List<Proxy> proxies = List.of(
                jpa.addProxy(proxy(pool, 1).exclusive().country("DE").build()),
                jdbc.addProxy(proxy(pool, 2).exclusive().country("FR").build()),
                jpa.addProxy(proxy(pool, 3).shared(2).country("DE").build()),
                jdbc.addProxy(proxy(pool, 4).shared(3).build()));
        Map<UUID, Proxy> byId = new HashMap<>();
        proxies.forEach(p -> byId.put(p.id(), p));
        Map<UUID, AtomicInteger> held = new ConcurrentHashMap<>();
        proxies.forEach(p -> held.put(p.id(), new AtomicInteger()));
        List<ProxyFilter> filters = List.of(
                ProxyFilters.matchAll(),
                ProxyFilters.anyOf(ProxyFilters.country("DE"), ProxyFilters.country("FR")),
                ProxyFilters.noneOf(ProxyFilters.country("FR")),
                ProxyFilters.matching("any proxy", p -> true));
        SelectorStrategy[] strategies = SelectorStrategy.values();
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        List<Future<Deque<LeasedProxy>>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                ProxyStorage storage = thread % 2 == 0 ? jpa : jdbc;
                futures.add(executor.submit(() -> {
                    Random random = new Random(31L * (thread + 1));
                    Deque<LeasedProxy> mine = new ArrayDeque<>();
                    start.await(30, TimeUnit.SECONDS);
                    for (int op = 0; op < OPERATIONS; op++) {
                        int dice = random.nextInt(10);
                        if (dice == 0) {
                            storage.cleanupExpiredLeases();
                        } else if (dice == 1) {
                            // a lease its holder forgets: only expiry gives its slot back
                            storage.acquire(request(
                                    pool,
                                    thread,
                                    ABANDONED,
                                    strategies[random.nextInt(strategies.length)],
                                    filters.get(random.nextInt(filters.size()))));
                        } else if (mine.size() < 2 && dice < 7) {
                            Optional<LeasedProxy> leased = storage.acquire(request(
                                    pool,
                                    thread,
                                    HELD,
                                    strategies[random.nextInt(strategies.length)],
                                    filters.get(random.nextInt(filters.size()))));
                            if (leased.isPresent()) {
                                Proxy proxy = byId.get(leased.get().proxy().id());
                                int inUse = held.get(proxy.id()).incrementAndGet();
                                if (inUse > proxy.maxConcurrency()
                                        || leased.get().proxy().currentLeases() > proxy.maxConcurrency()) {
                                    violations.add((storage == jpa ? "jpa" : "jdbc") + " thread " + thread + " op " + op
                                            + ": " + inUse + " held, counter "
                                            + leased.get().proxy().currentLeases()
                                            + " on " + proxy);
                                }
                                mine.add(leased.get());
                            }
                        } else if (!mine.isEmpty()) {
                            LeasedProxy oldest = mine.poll();
                            held.get(oldest.proxy().id()).decrementAndGet();
                            // release through the other adapter half of the time
                            ProxyStorage releaser = random.nextBoolean() ? jpa : jdbc;
                            if (!releaser.release(oldest.lease().id())) {
                                violations.add("release of an active lease reported false: " + oldest.lease());
                            }
                        }
                    }
                    return mine;
                }));
            }
            List<Deque<LeasedProxy>> leftovers = new ArrayList<>();
            for (Future<Deque<LeasedProxy>> f : futures) {
                leftovers.add(f.get(5, TimeUnit.MINUTES));
            }

            assertThat(violations).isEmpty();
            Map<UUID, Integer> stillHeld = new HashMap<>();
            leftovers.forEach(d -> d.forEach(l -> stillHeld.merge(l.proxy().id(), 1, Integer::sum)));
            assertCountersMatchLeaseRows();
            for (Proxy proxy : proxies) {
                assertThat(jdbc.activeLeases(proxy.id()).size())
                        .as("unexpired leases of %s", proxy)
                        .isBetween(stillHeld.getOrDefault(proxy.id(), 0), proxy.maxConcurrency());
            }
            leftovers.forEach(
                    d -> d.forEach(l -> assertThat(jpa.release(l.lease().id())).isTrue()));
            assertCountersMatchLeaseRows();
        } finally {
            executor.shutdownNow();
        }
    }

    private static Proxy.Builder proxy(ProxyPool pool, int n) {
        return Proxy.builder().poolId(pool.id()).address("10.9.0." + n, 3128);
    }

    private static AcquireRequest request(
            ProxyPool pool, int thread, Duration ttl, SelectorStrategy strategy, ProxyFilter filter) {
        return AcquireRequest.forPool(pool.name())
                .consumer("worker-" + thread)
                .ttl(ttl)
                .strategy(strategy)
                .filter(filter)
                .build();
    }

    /** Checked with plain SQL: each proxy's counter equals its ACTIVE lease rows and never exceeds its capacity. */
    private static void assertCountersMatchLeaseRows() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT p.id, p.current_leases, p.max_concurrency,"
                        + " (SELECT count(*) FROM " + db.name()
                        + ".lease l WHERE l.proxy_id = p.id AND l.status = 'ACTIVE')"
                        + " AS active_rows FROM " + db.name() + ".proxy p")) {
            int rows = 0;
            while (r.next()) {
                rows++;
                assertThat(r.getInt("current_leases"))
                        .as("counter of %s", r.getString("id"))
                        .isEqualTo(r.getInt("active_rows"))
                        .isLessThanOrEqualTo(r.getInt("max_concurrency"));
            }
            assertThat(rows).isEqualTo(4);
        }
    }
}
