package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.PoolNotFoundException;
import io.pharox.model.FailureReason;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.model.ProxyStatus;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Pool statistics ({@link io.pharox.storage.ProxyStorage#poolStats}): proxies by status, the
 * leasable ones, the capacity of the limited ACTIVE proxies and the unlimited ones apart, active
 * leases (lapsed ones left out, whatever the proxy's status) and free slots, as
 * {@link PoolStats} defines them, as of the storage's clock; and, while threads acquire and
 * release, snapshots whose numbers agree with each other and exact numbers once they stop.
 */
abstract class PoolStatsContract extends ContractGroup {

    /** A cooldown no test outlives. */
    private static final Duration NEVER_ENDS = Duration.ofHours(1);

    private static final Outcome FAILURE = Outcome.failure(FailureReason.CONNECT_FAILED);

    /** Threads acquiring and releasing in the concurrent test, besides the one taking snapshots. */
    private static final int WORKERS = 8;

    /** Acquires (each with its release, mostly) per worker in the concurrent test. */
    private static final int OPERATIONS = 40;

    private static final SelectorStrategy[] STRATEGIES = {
        SelectorStrategy.FIRST_AVAILABLE,
        SelectorStrategy.LEAST_USED,
        SelectorStrategy.ROUND_ROBIN,
        SelectorStrategy.RANDOM
    };

    PoolStatsContract(ProxyStorageContract kit) {
        super(kit);
    }

    private PoolStats stats(ProxyPool pool) {
        PoolStats stats = storage().poolStats(pool.name());
        assertThat(stats.poolName()).isEqualTo(pool.name());
        assertThat(stats.proxiesByStatus()).containsOnlyKeys(ProxyStatus.values());
        return stats;
    }

    /** The counts by status, every status present. */
    private static Map<ProxyStatus, Integer> byStatus(int active, int slow, int inactive, int banned) {
        Map<ProxyStatus, Integer> counts = new EnumMap<>(ProxyStatus.class);
        counts.put(ProxyStatus.ACTIVE, active);
        counts.put(ProxyStatus.SLOW, slow);
        counts.put(ProxyStatus.INACTIVE, inactive);
        counts.put(ProxyStatus.BANNED, banned);
        return counts;
    }

    /** Opens {@code proxy}'s circuit for {@code cooldown} by failures on a lease of it, released after. */
    private ProxyStanding openCircuit(ProxyPool pool, Proxy proxy, Duration cooldown) {
        OutcomePolicy policy = OutcomePolicy.defaults().withFailureThreshold(2).withCooldown(cooldown, cooldown);
        LeasedProxy leased = leaseOf(pool, proxy);
        report(leased, FAILURE, policy);
        ProxyStanding standing = report(leased, FAILURE, policy);
        storage().release(leased.lease().id());
        assertThat(standing.openUntil())
                .as("the circuit of %s after two failures", proxy.id())
                .isPresent();
        return standing;
    }

    @Test
    void an_empty_pool_has_every_status_at_zero_and_nothing_else() {
        ProxyPool pool = seedPool();

        PoolStats stats = stats(pool);

        assertThat(stats.proxiesByStatus()).isEqualTo(byStatus(0, 0, 0, 0));
        assertThat(stats.proxies()).isZero();
        assertThat(stats.leasableProxies()).isZero();
        assertThat(stats.capacity()).isZero();
        assertThat(stats.unlimitedProxies()).isZero();
        assertThat(stats.activeLeases()).isZero();
        assertThat(stats.freeSlots()).isZero();
    }

    @Test
    void proxies_count_by_status_and_capacity_sums_the_limited_active_ones_only() {
        ProxyPool pool = seedPool();
        seedProxy(pool, b -> b.exclusive());
        seedProxy(pool, b -> b.shared(3));
        seedProxy(pool, b -> b.unlimited());
        seedProxy(pool, b -> b.unlimited());
        seedProxy(pool, b -> b.shared(5).status(ProxyStatus.SLOW));
        seedProxy(pool, b -> b.shared(7).status(ProxyStatus.INACTIVE));
        seedProxy(pool, b -> b.unlimited().status(ProxyStatus.INACTIVE));
        seedProxy(pool, b -> b.exclusive().status(ProxyStatus.BANNED));
        // another pool's proxies count in that pool only
        seedProxy(seedPool(), b -> b.shared(11));

        PoolStats stats = stats(pool);

        assertThat(stats.proxiesByStatus()).isEqualTo(byStatus(4, 1, 2, 1));
        assertThat(stats.proxies()).isEqualTo(8);
        assertThat(stats.proxies(ProxyStatus.INACTIVE)).isEqualTo(2);
        assertThat(stats.capacity()).as("1 + 3, the limited ACTIVE proxies").isEqualTo(4);
        assertThat(stats.unlimitedProxies()).as("the unlimited ACTIVE proxies").isEqualTo(2);
        assertThat(stats.freeSlots()).isEqualTo(4);
        assertThat(stats.leasableProxies()).as("the ACTIVE proxies").isEqualTo(4);
        assertThat(stats.activeLeases()).isZero();
    }

    @Test
    void active_leases_and_free_slots_follow_acquires_and_releases() {
        ProxyPool pool = seedPool();
        Proxy shared = seedProxy(pool, b -> b.shared(3));
        Proxy exclusive = seedProxy(pool, b -> b.exclusive());
        Proxy unlimited = seedProxy(pool, b -> b.unlimited());
        Lease s1 = leaseOf(pool, shared).lease();
        leaseOf(pool, shared);
        Lease e1 = leaseOf(pool, exclusive).lease();
        leaseOf(pool, unlimited);
        leaseOf(pool, unlimited);

        PoolStats leased = stats(pool);
        assertThat(leased.activeLeases()).isEqualTo(5);
        assertThat(leased.capacity()).isEqualTo(4);
        assertThat(leased.freeSlots())
                .as("3 - 2 on the shared proxy, 1 - 1 on the exclusive one")
                .isEqualTo(1);
        assertThat(leased.leasableProxies())
                .as("the shared and the unlimited proxy; the exclusive one is full")
                .isEqualTo(2);

        assertThat(storage().release(s1.id())).isTrue();
        assertThat(storage().release(e1.id())).isTrue();
        PoolStats released = stats(pool);
        assertThat(released.activeLeases()).isEqualTo(3);
        assertThat(released.freeSlots()).isEqualTo(3);
        assertThat(released.leasableProxies()).isEqualTo(3);

        assertThat(storage().release(e1.id())).as("a second release").isFalse();
        PoolStats again = stats(pool);
        assertThat(again.activeLeases()).isEqualTo(3);
        assertThat(again.freeSlots()).isEqualTo(3);
    }

    @Test
    void a_full_proxy_is_not_leasable() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        leaseOf(pool, proxy);
        leaseOf(pool, proxy);

        PoolStats stats = stats(pool);

        assertThat(stats.leasableProxies()).isZero();
        assertThat(stats.freeSlots()).isZero();
        assertThat(stats.activeLeases()).isEqualTo(2);
        assertThat(acquire(pool)).as("an acquire agrees: nothing to lease").isEmpty();
    }

    @Test
    void a_lapsed_lease_is_not_active_and_its_slot_is_free_before_any_cleanup() {
        ProxyPool pool = seedPool();
        Proxy shared = seedProxy(pool, b -> b.shared(2));
        Proxy exclusive = seedProxy(pool, b -> b.exclusive());
        Lease lapsing = storage()
                .acquire(request(pool).ttl(shortTtl()).filter(only(shared)).build())
                .orElseThrow()
                .lease();
        Lease kept = leaseOf(pool, shared).lease();
        Lease lapsingToo = storage()
                .acquire(request(pool).ttl(shortTtl()).filter(only(exclusive)).build())
                .orElseThrow()
                .lease();

        PoolStats before = stats(pool);
        if (before.asOf().isBefore(lapsing.expiresAt()) && before.asOf().isBefore(lapsingToo.expiresAt())) {
            // on a storage whose clock runs, the snapshot may come after the short leases lapsed
            assertThat(before.activeLeases()).isEqualTo(3);
            assertThat(before.freeSlots()).isZero();
            assertThat(before.leasableProxies()).isZero();
        }

        advancePast(lapsing.expiresAt());
        advancePast(lapsingToo.expiresAt());
        PoolStats after = stats(pool);

        assertThat(after.asOf()).isAfter(lapsingToo.expiresAt());
        assertThat(after.activeLeases()).as("the lease that has not lapsed").isEqualTo(1);
        assertThat(after.freeSlots()).isEqualTo(2);
        assertThat(after.leasableProxies())
                .as("an acquire would reclaim both lapsed slots")
                .isEqualTo(2);
        assertThat(storage().findLease(kept.id()).orElseThrow().isActiveAt(after.asOf()))
                .isTrue();
    }

    @Test
    void an_open_circuit_is_not_leasable_and_a_half_open_one_is() {
        ProxyPool pool = seedPool();
        Proxy open = seedProxy(pool, b -> b.shared(2));
        Proxy halfOpen = seedProxy(pool, b -> b.shared(2));
        seedProxy(pool, b -> b.shared(2));
        ProxyStanding cooling = openCircuit(pool, halfOpen, shortTtl());
        openCircuit(pool, open, NEVER_ENDS);
        advancePast(cooling.openUntil().orElseThrow());

        PoolStats stats = stats(pool);

        assertThat(stats.leasableProxies())
                .as("the half-open and the closed proxy")
                .isEqualTo(2);
        assertThat(stats.proxies(ProxyStatus.ACTIVE)).isEqualTo(3);
        assertThat(stats.capacity()).isEqualTo(6);
        assertThat(stats.freeSlots())
                .as("an open circuit's slots are free slots all the same")
                .isEqualTo(6);
        assertThat(stats.activeLeases()).isZero();
        assertThat(storage().acquire(request(pool).filter(only(open)).build()))
                .as("an acquire agrees: the open proxy is not leased")
                .isEmpty();
        assertThat(storage().acquire(request(pool).filter(only(halfOpen)).build()))
                .as("an acquire agrees: the half-open proxy is leased")
                .isPresent();
    }

    @Test
    void leases_on_a_proxy_that_is_no_longer_active_still_count() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        leaseOf(pool, proxy);
        leaseOf(pool, proxy);
        storage().updateProxy(storage().findProxy(proxy.id()).orElseThrow().withStatus(ProxyStatus.INACTIVE));

        PoolStats stats = stats(pool);

        assertThat(stats.proxiesByStatus()).isEqualTo(byStatus(0, 0, 1, 0));
        assertThat(stats.activeLeases()).isEqualTo(2);
        assertThat(stats.capacity()).isZero();
        assertThat(stats.freeSlots()).isZero();
        assertThat(stats.leasableProxies()).isZero();
    }

    @Test
    void an_unknown_pool_is_rejected_naming_it() {
        String name = uniqueName("no-such-pool");

        assertThatThrownBy(() -> storage().poolStats(name))
                .isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining(name);
    }

    @Test
    void as_of_is_the_storages_clock() {
        ProxyPool pool = seedPool();
        seedProxy(pool, b -> b.shared(2));
        Lease lease = acquire(pool).orElseThrow().lease();

        PoolStats first = stats(pool);
        assertThat(first.asOf())
                .as("a snapshot taken after a grant and while its lease is active")
                .isAfterOrEqualTo(lease.acquiredAt())
                .isBefore(lease.expiresAt());
        assertThat(first.activeLeases()).isEqualTo(1);

        advancePast(first.asOf());
        assertThat(stats(pool).asOf()).isAfter(first.asOf());
    }

    /**
     * {@value #WORKERS} threads acquire and release on a pool of limited ACTIVE proxies while
     * another takes snapshots: each snapshot's numbers agree with each other and with the pool;
     * once the threads stop, they are exactly the leases the threads still hold.
     */
    @Test
    void snapshots_under_concurrent_acquires_and_releases_agree_and_end_exact() throws Exception {
        ProxyPool pool = seedPool();
        int proxies = 8;
        int limit = 2;
        for (int i = 0; i < proxies; i++) {
            seedProxy(pool, b -> b.shared(limit));
        }
        int capacity = proxies * limit;

        ExecutorService executor = Executors.newFixedThreadPool(WORKERS + 1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            Future<Integer> observer = executor.submit(() -> {
                go.await();
                int snapshots = 0;
                // at least one snapshot after the workers stopped
                boolean last = false;
                while (!last) {
                    last = stop.get();
                    PoolStats s = stats(pool);
                    assertThat(s.proxies()).isEqualTo(proxies);
                    assertThat(s.proxies(ProxyStatus.ACTIVE)).isEqualTo(proxies);
                    assertThat(s.capacity()).isEqualTo(capacity);
                    assertThat(s.unlimitedProxies()).isZero();
                    assertThat(s.activeLeases()).as("active leases in %s", s).isBetween(0, capacity);
                    assertThat(s.freeSlots()).as("free slots in %s", s).isEqualTo(capacity - s.activeLeases());
                    assertThat(s.leasableProxies())
                            .as("leasable proxies in %s", s)
                            .isLessThanOrEqualTo(s.proxies())
                            .isLessThanOrEqualTo((int) s.freeSlots());
                    assertThat((long) s.leasableProxies() * limit)
                            .as("free slots are on leasable proxies, at most %d each, in %s", limit, s)
                            .isGreaterThanOrEqualTo(s.freeSlots());
                    snapshots++;
                }
                return snapshots;
            });
            List<Future<List<LeasedProxy>>> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                workers.add(executor.submit((Callable<List<LeasedProxy>>) () -> {
                    go.await();
                    Deque<LeasedProxy> held = new ArrayDeque<>();
                    for (int i = 0; i < OPERATIONS; i++) {
                        if (held.size() == limit) {
                            storage().release(held.removeFirst().lease().id());
                        }
                        SelectorStrategy strategy = STRATEGIES[(worker + i) % STRATEGIES.length];
                        Optional<LeasedProxy> leased = acquire(pool, strategy);
                        leased.ifPresent(held::addLast);
                    }
                    // each worker keeps a known number of its leases: 0, 1 or 2
                    while (held.size() > worker % (limit + 1)) {
                        storage().release(held.removeFirst().lease().id());
                    }
                    return List.copyOf(held);
                }));
            }
            go.countDown();
            List<LeasedProxy> kept = new ArrayList<>();
            for (Future<List<LeasedProxy>> worker : workers) {
                kept.addAll(worker.get(2, TimeUnit.MINUTES));
            }
            stop.set(true);
            int snapshots = observer.get(2, TimeUnit.MINUTES);
            assertThat(snapshots).as("snapshots taken").isPositive();

            Map<UUID, Integer> perProxy = new HashMap<>();
            for (LeasedProxy leased : kept) {
                perProxy.merge(leased.proxy().id(), 1, Integer::sum);
            }
            long full = perProxy.values().stream().filter(n -> n == limit).count();
            PoolStats end = stats(pool);
            assertThat(end.activeLeases()).as("the leases the workers kept").isEqualTo(kept.size());
            assertThat(end.freeSlots()).isEqualTo(capacity - kept.size());
            assertThat(end.leasableProxies()).as("the proxies not full").isEqualTo(proxies - (int) full);
            assertThat(storage().activeLeasesInPool(pool.name())).hasSize(kept.size());
            assertInvariant(pool);
        } finally {
            stop.set(true);
            executor.shutdownNow();
            assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
    }

    @Test
    void capacity_and_free_slots_leave_out_a_proxy_whose_limit_was_lowered_below_its_leases() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        seedProxy(pool, b -> b.shared(2));
        leaseOf(pool, proxy);
        leaseOf(pool, proxy);
        leaseOf(pool, proxy);
        storage()
                .updateProxy(storage().findProxy(proxy.id()).orElseThrow().toBuilder()
                        .maxConcurrency(1)
                        .build());

        PoolStats stats = stats(pool);

        assertThat(stats.activeLeases()).as("lowering a limit ends no lease").isEqualTo(3);
        assertThat(stats.capacity()).isEqualTo(3);
        assertThat(stats.freeSlots())
                .as("none on the overfull proxy, never below zero")
                .isEqualTo(2);
        assertThat(stats.leasableProxies()).isEqualTo(1);
    }
}
