package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.select.SelectorStrategy;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many threads at once, for a fixed number of operations. Capacity is checked at every
 * acquire against the leases the test itself holds (counted up after an acquire returns and
 * down before a release is sent, so that count never exceeds the storage's true active
 * count); counters are checked against lease records at the end.
 */
@SuppressWarnings("NullAway") // map lookups of ids the test itself put in, and the race's Callable returning null
abstract class ConcurrencyContract extends ContractGroup {

    private static final SelectorStrategy[] STRATEGIES = SelectorStrategy.values();

    ConcurrencyContract(ProxyStorageContract kit) {
        super(kit);
    }

    private int threads() {
        return Math.max(16, kit.concurrentThreads());
    }

    /** Runs {@code task(i)} on {@code count} threads released together; returns the results in thread order. */
    static <T> List<T> race(int count, ThreadTask<T> task) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(count);
        CountDownLatch ready = new CountDownLatch(count);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(executor.submit((Callable<T>) () -> {
                    ready.countDown();
                    go.await();
                    return task.run(index);
                }));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(5, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    @FunctionalInterface
    interface ThreadTask<T> {
        T run(int thread) throws Exception;
    }

    @Test
    void many_threads_acquiring_and_releasing_never_exceed_any_capacity() throws Exception {
        ProxyPool pool = seedPool();
        List<Proxy> proxies = List.of(
                seedProxy(pool, b -> b.exclusive().country("DE")),
                seedProxy(pool, b -> b.shared(2).country("DE")),
                seedProxy(pool, b -> b.shared(3).country("FR")),
                seedProxy(pool, b -> b.shared(50).status(ProxyStatus.INACTIVE)));
        Map<UUID, Proxy> byId = new HashMap<>();
        proxies.forEach(p -> byId.put(p.id(), p));
        Map<UUID, AtomicInteger> held = new ConcurrentHashMap<>();
        proxies.forEach(p -> held.put(p.id(), new AtomicInteger()));
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        Queue<UUID> granted = new ConcurrentLinkedQueue<>();
        List<ProxyFilter> filters = List.of(
                ProxyFilters.matchAll(),
                ProxyFilters.noneOf(ProxyFilters.country("XX")),
                ProxyFilters.anyOf(ProxyFilters.country("DE"), ProxyFilters.country("FR")),
                ProxyFilters.matching("any proxy", p -> true),
                ProxyFilters.allOf(ProxyFilters.country("DE"), ProxyFilters.matching("port set", p -> p.port() > 0)));
        int operations = kit.operationsPerThread();

        List<Deque<LeasedProxy>> leftovers = race(threads(), thread -> {
            Random random = new Random(7919L * (thread + 1));
            Deque<LeasedProxy> mine = new ArrayDeque<>();
            for (int op = 0; op < operations; op++) {
                if (mine.size() < 2 && random.nextInt(3) != 0) {
                    Optional<LeasedProxy> leased = storage()
                            .acquire(request(pool)
                                    .consumer("worker-" + thread)
                                    .strategy(STRATEGIES[random.nextInt(STRATEGIES.length)])
                                    .filter(filters.get(random.nextInt(filters.size())))
                                    .build());
                    if (leased.isPresent()) {
                        Proxy proxy = byId.get(leased.get().proxy().id());
                        int inUse = held.get(proxy.id()).incrementAndGet();
                        if (inUse > proxy.maxConcurrency()
                                || leased.get().proxy().currentLeases() > proxy.maxConcurrency()
                                || proxy.status() != ProxyStatus.ACTIVE) {
                            violations.add("op " + op + " of thread " + thread + ": " + inUse + " held, counter "
                                    + leased.get().proxy().currentLeases() + " on " + proxy);
                        }
                        mine.add(leased.get());
                        granted.add(leased.get().lease().id());
                    }
                } else if (!mine.isEmpty()) {
                    LeasedProxy oldest = mine.poll();
                    held.get(oldest.proxy().id()).decrementAndGet();
                    if (!storage().release(oldest.lease().id())) {
                        violations.add("release of an active lease reported false: " + oldest.lease());
                    }
                }
            }
            return mine;
        });

        assertThat(violations).isEmpty();
        Map<UUID, Integer> stillHeld = new HashMap<>();
        leftovers.forEach(deque -> deque.forEach(l -> stillHeld.merge(l.proxy().id(), 1, Integer::sum)));
        for (Proxy proxy : proxies) {
            int expected = stillHeld.getOrDefault(proxy.id(), 0);
            assertThat(counter(proxy)).as("counter of %s", proxy).isEqualTo(expected);
            assertThat(storage().activeLeases(proxy.id()))
                    .as("active leases of %s", proxy)
                    .hasSize(expected);
        }
        assertInvariant(pool);

        leftovers.forEach(deque ->
                deque.forEach(l -> assertThat(storage().release(l.lease().id())).isTrue()));
        proxies.forEach(p -> assertThat(counter(p))
                .as("counter of %s after the last release", p)
                .isZero());
        assertThat(storage().activeLeasesInPool(pool.name())).isEmpty();
        assertHistoryWithinCapacity(byId, granted);
    }

    /**
     * The lease history tells the truth: for every proxy, at no instant do more of its leases
     * overlap (from acquired to released, or to expiry) than its capacity. A lease stamped as
     * acquired before the release that made its room would break this, though no slot was
     * ever held twice.
     */
    private void assertHistoryWithinCapacity(Map<UUID, Proxy> proxies, Collection<UUID> leaseIds) {
        Map<UUID, List<Lease>> byProxy = new HashMap<>();
        for (UUID id : leaseIds) {
            Lease lease = storage().findLease(id).orElseThrow(() -> new AssertionError("lease " + id + " is gone"));
            byProxy.computeIfAbsent(lease.proxyId(), k -> new ArrayList<>()).add(lease);
        }
        assertThat(byProxy).as("proxies that were leased").isNotEmpty();
        byProxy.forEach((proxyId, leases) -> {
            List<Lease> sorted = new ArrayList<>(leases);
            sorted.sort(Comparator.comparing(Lease::acquiredAt));
            // open intervals by end time: a lease that ends when another begins does not overlap it
            PriorityQueue<Instant> ends = new PriorityQueue<>();
            int most = 0;
            for (Lease lease : sorted) {
                while (!ends.isEmpty() && !ends.peek().isAfter(lease.acquiredAt())) {
                    ends.poll();
                }
                ends.add(lease.releasedAt().orElse(lease.expiresAt()));
                most = Math.max(most, ends.size());
            }
            assertThat(most)
                    .as("most overlapping leases in the history of %s", proxies.get(proxyId))
                    .isLessThanOrEqualTo(proxies.get(proxyId).maxConcurrency());
        });
    }

    @Test
    void threads_racing_for_the_last_slot_get_it_once() throws Exception {
        for (int round = 0; round < 10; round++) {
            ProxyPool pool = seedPool();
            Proxy proxy = seedProxy(pool);
            SelectorStrategy strategy = STRATEGIES[round % STRATEGIES.length];

            List<Boolean> won =
                    race(threads(), thread -> acquire(pool, strategy).isPresent());

            assertThat(won).as("round %d with %s", round, strategy).containsOnlyOnce(true);
            assertThat(counter(proxy)).isEqualTo(1);
        }
    }

    /**
     * More callers than slots, each retrying until it is served: every lease goes to exactly one
     * caller, and every caller is served once the proxies free up. Adapters that claim concurrent
     * acquires together (one statement for many callers) must still hand each lease to one caller.
     */
    @Test
    void thirty_two_threads_on_three_exclusive_proxies_each_get_one_lease_at_a_time_and_all_are_served()
            throws Exception {
        ProxyPool pool = seedPool();
        List<Proxy> proxies = List.of(seedProxy(pool), seedProxy(pool), seedProxy(pool));
        Map<UUID, AtomicInteger> held = new ConcurrentHashMap<>();
        proxies.forEach(p -> held.put(p.id(), new AtomicInteger()));
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        Set<UUID> leaseIds = ConcurrentHashMap.newKeySet();
        int rounds = 3;

        List<Integer> served = race(32, thread -> {
            int leases = 0;
            for (int round = 0; round < rounds; round++) {
                SelectorStrategy strategy =
                        thread % 2 == 0 ? SelectorStrategy.FIRST_AVAILABLE : SelectorStrategy.LEAST_USED;
                Optional<LeasedProxy> leased = acquire(pool, strategy);
                while (leased.isEmpty()) {
                    Thread.yield();
                    leased = acquire(pool, strategy);
                }
                UUID proxyId = leased.get().proxy().id();
                if (held.get(proxyId).incrementAndGet() != 1) {
                    violations.add("thread " + thread + " round " + round + ": proxy " + proxyId + " held twice");
                }
                if (!leaseIds.add(leased.get().lease().id())) {
                    violations.add("lease " + leased.get().lease().id() + " granted twice");
                }
                held.get(proxyId).decrementAndGet();
                assertThat(storage().release(leased.get().lease().id())).isTrue();
                leases++;
            }
            return leases;
        });

        assertThat(violations).isEmpty();
        assertThat(served).hasSize(32).containsOnly(rounds);
        assertThat(leaseIds).hasSize(32 * rounds);
        proxies.forEach(p -> assertThat(counter(p)).as("counter of %s", p.id()).isZero());
        assertInvariant(pool);
    }

    @Test
    void threads_filling_a_shared_proxy_get_exactly_its_capacity() throws Exception {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(5));

        List<Integer> acquired = race(threads(), thread -> {
            int count = 0;
            for (int i = 0; i < 3; i++) {
                if (acquire(pool, STRATEGIES[(thread + i) % STRATEGIES.length]).isPresent()) {
                    count++;
                }
            }
            return count;
        });

        assertThat(acquired.stream().mapToInt(Integer::intValue).sum()).isEqualTo(5);
        assertThat(counter(proxy)).isEqualTo(5);
        assertInvariant(pool);
    }

    @Test
    void threads_leasing_an_unlimited_proxy_all_succeed_and_are_all_counted() throws Exception {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, Proxy.Builder::unlimited);
        int perThread = Math.max(5, kit.operationsPerThread() / 5);

        List<Integer> acquired = race(threads(), thread -> {
            int count = 0;
            for (int i = 0; i < perThread; i++) {
                if (acquire(pool).isPresent()) {
                    count++;
                }
            }
            return count;
        });

        assertThat(acquired).containsOnly(perThread);
        assertThat(counter(proxy)).isEqualTo(threads() * perThread);
        assertThat(storage().activeLeases(proxy.id())).hasSize(threads() * perThread);
    }

    @Test
    void threads_releasing_one_lease_free_it_once() throws Exception {
        for (int round = 0; round < 5; round++) {
            ProxyPool pool = seedPool();
            Proxy proxy = seedProxy(pool, b -> b.shared(2));
            Lease target = acquire(pool).orElseThrow().lease();
            Lease other = acquire(pool).orElseThrow().lease();

            List<Boolean> released = race(threads(), thread -> storage().release(target.id()));

            assertThat(released).as("round %d", round).containsOnlyOnce(true);
            assertThat(counter(proxy)).isEqualTo(1);
            assertThat(storage().findLease(other.id())).map(Lease::status).contains(LeaseStatus.ACTIVE);
        }
    }

    @Test
    void racing_cleanups_and_releases_end_each_lapsed_lease_once() throws Exception {
        ProxyPool pool = seedPool();
        int leases = 40;
        Proxy proxy = seedProxy(pool, b -> b.shared(leases));
        List<LeasedProxy> lapsing = new ArrayList<>();
        for (int i = 0; i < leases; i++) {
            lapsing.add(acquireShort(pool));
        }
        advancePast(lapsing.get(leases - 1).lease().expiresAt());

        List<Integer> outcomes = race(threads(), thread -> {
            if (thread % 2 == 0) {
                return storage().cleanupExpiredLeases();
            }
            int releasedNow = 0;
            for (int i = thread; i < leases; i += threads()) {
                releasedNow += storage().release(lapsing.get(i).lease().id()) ? 1 : 0;
            }
            return releasedNow;
        });

        int cleaned = 0;
        for (int thread = 0; thread < outcomes.size(); thread++) {
            if (thread % 2 == 0) {
                cleaned += outcomes.get(thread);
            } else {
                assertThat(outcomes.get(thread))
                        .as("leases thread %d released as if active", thread)
                        .isZero();
            }
        }
        assertThat(cleaned).isBetween(0, leases);
        assertThat(storage().cleanupExpiredLeases()).isZero();
        lapsing.forEach(l -> assertThat(storage().findLease(l.lease().id()))
                .map(Lease::status)
                .contains(LeaseStatus.EXPIRED));
        assertThat(counter(proxy)).isZero();
        for (int i = 0; i < leases; i++) {
            assertThat(acquire(pool)).as("acquire %d after the race", i + 1).isPresent();
        }
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void racing_cleanups_leave_active_leases_alone() throws Exception {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, Proxy.Builder::unlimited);
        for (int i = 0; i < 20; i++) {
            acquire(pool).orElseThrow();
        }

        List<Integer> expired = race(threads(), thread -> storage().cleanupExpiredLeases());

        assertThat(expired).containsOnly(0);
        assertThat(counter(proxy)).isEqualTo(20);
        assertInvariant(pool);
    }

    @Test
    void acquiring_while_proxies_are_removed_leaves_no_lease_on_a_removed_proxy() throws Exception {
        ProxyPool pool = seedPool();
        List<Proxy> proxies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            proxies.add(seedProxy(pool, b -> b.shared(3)));
        }
        Set<UUID> removed = ConcurrentHashMap.newKeySet();
        Queue<LeasedProxy> taken = new ConcurrentLinkedQueue<>();
        int operations = kit.operationsPerThread();

        race(threads(), thread -> {
            if (thread == 0) {
                for (int i = 0; i < proxies.size(); i += 2) {
                    storage().removeProxy(proxies.get(i).id());
                    removed.add(proxies.get(i).id());
                }
                return null;
            }
            Random random = new Random(thread);
            for (int op = 0; op < operations / 3; op++) {
                acquire(pool, STRATEGIES[random.nextInt(STRATEGIES.length)]).ifPresent(leased -> {
                    taken.add(leased);
                    if (random.nextBoolean()) {
                        storage().release(leased.lease().id());
                    }
                });
            }
            return null;
        });

        assertThat(removed).hasSize(proxies.size() / 2);
        for (UUID id : removed) {
            assertThat(storage().findProxy(id)).isEmpty();
            assertThat(storage().activeLeases(id)).isEmpty();
        }
        for (LeasedProxy leased : taken) {
            if (removed.contains(leased.proxy().id())) {
                assertThat(storage().findLease(leased.lease().id()))
                        .map(Lease::status)
                        .as("lease on removed proxy %s", leased.proxy().id())
                        .contains(LeaseStatus.RELEASED);
            }
        }
        assertThat(storage().listProxies(pool.name())).hasSize(proxies.size() / 2);
        assertInvariant(pool);
    }
}
