package io.pharox.examples.postgres;

import io.pharox.ProxyManager;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The service's work: worker threads lease proxies with filters and strategies, hold them
 * briefly and release them (a few they "forget", to expire); a scheduled task runs the expiry
 * cleanup; another prints a summary every second and checks that no proxy carries more active
 * leases than its max concurrency.
 */
final class LeaseLoad {

    /** How long a worker waits for a free proxy before counting a miss. */
    static final Duration MAX_WAIT = Duration.ofMillis(200);
    /** The lease duration of the leases a worker forgets to release. */
    static final Duration FORGOTTEN_TTL = Duration.ofSeconds(1);
    /** One lease in this many is forgotten, so that the cleanup has something to reclaim. */
    static final int FORGET_ONE_IN = 50;

    private static final SelectorStrategy[] STRATEGIES = SelectorStrategy.values();

    /** What a run did, as printed in the final summary. */
    record Outcome(
            long acquired,
            long released,
            long forgotten,
            long misses,
            long expiredByCleanup,
            long localViolations,
            long snapshotViolations,
            int snapshots,
            long errors,
            int activeAtEnd) {

        /** Whether every check held and no operation failed. */
        boolean ok() {
            return localViolations == 0 && snapshotViolations == 0 && errors == 0;
        }
    }

    private final ProxyManager manager;
    private final ProxyStorage storage;

    private final LongAdder acquired = new LongAdder();
    private final LongAdder released = new LongAdder();
    private final LongAdder forgotten = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder expiredByCleanup = new LongAdder();
    private final LongAdder localViolations = new LongAdder();
    private final LongAdder snapshotViolations = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicInteger snapshots = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final Map<UUID, AtomicInteger> heldHere = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> acquiredPerPool = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    @Inject
    LeaseLoad(ProxyManager manager) {
        this.manager = manager;
        this.storage = manager.storage();
    }

    /**
     * Runs {@code workers} workers on {@code pools} for {@code duration}, printing to {@code out}.
     *
     * @throws InterruptedException if the calling thread is interrupted while the workers run
     */
    Outcome run(List<String> pools, int workers, Duration duration, PrintStream out) throws InterruptedException {
        Map<String, List<Proxy>> proxiesByPool = new LinkedHashMap<>();
        pools.forEach(pool -> proxiesByPool.put(pool, storage.listProxies(pool)));
        Map<UUID, Proxy> proxies = proxiesByPool.values().stream()
                .flatMap(List::stream)
                .collect(Collectors.toMap(Proxy::id, Function.identity()));
        Map<String, List<String>> countries = new HashMap<>();
        proxiesByPool.forEach((pool, list) -> countries.put(
                pool,
                list.stream()
                        .flatMap(p -> p.country().stream())
                        .distinct()
                        .sorted()
                        .toList()));

        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i <= workers; i++) {
            String consumer = "worker-" + i;
            Thread t = new Thread(() -> work(consumer, pools, countries), "pharox-" + consumer);
            threads.add(t);
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "pharox-scheduler");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        long[] last = {start, 0};
        try {
            scheduler.scheduleWithFixedDelay(this::cleanup, 1, 1, TimeUnit.SECONDS);
            scheduler.scheduleAtFixedRate(
                    () -> report(out, start, last, proxiesByPool, proxies), 1, 1, TimeUnit.SECONDS);
            threads.forEach(Thread::start);
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } finally {
            stopping = true;
            for (Thread t : threads) {
                t.join();
            }
            scheduler.shutdown();
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        }
        cleanup();
        int activeAtEnd = checkSnapshot(proxiesByPool, proxies).values().stream()
                .mapToInt(Integer::intValue)
                .sum();
        return new Outcome(
                acquired.sum(),
                released.sum(),
                forgotten.sum(),
                misses.sum(),
                expiredByCleanup.sum(),
                localViolations.sum(),
                snapshotViolations.sum(),
                snapshots.get(),
                errors.sum(),
                activeAtEnd);
    }

    /** Leased so far in {@code pool}. */
    long acquiredIn(String pool) {
        LongAdder n = acquiredPerPool.get(pool);
        return n == null ? 0 : n.sum();
    }

    /** The message of the first failed operation, if any. */
    Optional<String> firstError() {
        return Optional.ofNullable(firstError.get());
    }

    private void work(String consumer, List<String> pools, Map<String, List<String>> countries) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stopping) {
            String pool = pools.get(random.nextInt(pools.size()));
            List<String> poolCountries = countries.get(pool);
            ProxyFilter filter = poolCountries.isEmpty() || random.nextBoolean()
                    ? ProxyFilters.matchAll()
                    : ProxyFilters.country(poolCountries.get(random.nextInt(poolCountries.size())));
            boolean forget = random.nextInt(FORGET_ONE_IN) == 0;
            AcquireRequest.Builder request = manager.request(pool)
                    .consumer(consumer)
                    .filter(filter)
                    .strategy(STRATEGIES[random.nextInt(STRATEGIES.length)]);
            if (forget) {
                request.ttl(FORGOTTEN_TTL);
            }
            try {
                Optional<LeasedProxy> leased = manager.acquire(request.build(), MAX_WAIT);
                if (leased.isEmpty()) {
                    misses.increment();
                    continue;
                }
                use(pool, leased.get(), forget);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                errors.increment();
                firstError.compareAndSet(null, e.toString());
            }
        }
    }

    private void use(String pool, LeasedProxy leased, boolean forget) throws InterruptedException {
        acquired.increment();
        acquiredPerPool.computeIfAbsent(pool, p -> new LongAdder()).increment();
        Proxy proxy = leased.proxy();
        // counted from after acquire until before release, so never more than the storage counts as active
        AtomicInteger held = heldHere.computeIfAbsent(proxy.id(), id -> new AtomicInteger());
        if (held.incrementAndGet() > proxy.maxConcurrency()) {
            localViolations.increment();
        }
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(2, 20)); // "using" the proxy
        } finally {
            held.decrementAndGet();
            if (forget) {
                forgotten.increment();
            } else {
                manager.release(leased);
                released.increment();
            }
        }
    }

    private void cleanup() {
        try {
            expiredByCleanup.add(manager.cleanupExpiredLeases());
        } catch (RuntimeException e) {
            errors.increment();
            firstError.compareAndSet(null, e.toString());
        }
    }

    /** Counts, in one read per pool, every proxy's active leases against its max concurrency. */
    private Map<String, Integer> checkSnapshot(Map<String, List<Proxy>> proxiesByPool, Map<UUID, Proxy> proxies) {
        Map<String, Integer> activeByPool = new LinkedHashMap<>();
        for (String pool : proxiesByPool.keySet()) {
            List<Lease> active = storage.activeLeasesInPool(pool);
            activeByPool.put(pool, active.size());
            Map<UUID, Long> perProxy =
                    active.stream().collect(Collectors.groupingBy(Lease::proxyId, Collectors.counting()));
            perProxy.forEach((proxyId, count) -> {
                Proxy proxy = proxies.get(proxyId);
                if (proxy != null && count > proxy.maxConcurrency()) {
                    snapshotViolations.increment();
                }
            });
        }
        snapshots.incrementAndGet();
        return activeByPool;
    }

    private void report(
            PrintStream out,
            long start,
            long[] last,
            Map<String, List<Proxy>> proxiesByPool,
            Map<UUID, Proxy> proxies) {
        try {
            long now = System.nanoTime();
            long total = acquired.sum();
            double rate = (total - last[1]) / Math.max(1e-9, (now - last[0]) / 1e9);
            last[0] = now;
            last[1] = total;
            Map<String, Integer> active = checkSnapshot(proxiesByPool, proxies);
            StringBuilder line = new StringBuilder(
                    String.format(Locale.ROOT, "[%3ds] %6.0f leases/s", Math.round((now - start) / 1e9), rate));
            active.forEach(
                    (pool, count) -> line.append(" | ").append(utilisation(pool, count, proxiesByPool.get(pool))));
            line.append(String.format(Locale.ROOT, " | misses %d | expired %d", misses.sum(), expiredByCleanup.sum()));
            out.println(line);
        } catch (RuntimeException e) {
            errors.increment();
            firstError.compareAndSet(null, e.toString());
        }
    }

    /** "pool active/capacity (percent)", the capacity summed over the pool's proxies. */
    static String utilisation(String pool, int active, List<Proxy> proxies) {
        if (proxies.stream().anyMatch(Proxy::isUnlimited)) {
            return pool + " " + active + "/unlimited";
        }
        long capacity = proxies.stream().mapToLong(Proxy::maxConcurrency).sum();
        return String.format(
                Locale.ROOT,
                "%s %d/%d (%d%%)",
                pool,
                active,
                capacity,
                capacity == 0 ? 0 : Math.round(100.0 * active / capacity));
    }
}
