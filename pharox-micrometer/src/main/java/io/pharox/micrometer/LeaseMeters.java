package io.pharox.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pharox.LeaseListener;
import io.pharox.event.AcquiredEvent;
import io.pharox.event.CircuitChangedEvent;
import io.pharox.event.ExpiredEvent;
import io.pharox.event.HealthCheckedEvent;
import io.pharox.event.MissedEvent;
import io.pharox.event.ReleasedEvent;
import io.pharox.model.HealthCheckResult;
import io.pharox.select.SelectorStrategy;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * The listener half of {@link PharoxMetrics}: turns the manager's events into timers and counters.
 * Meters are looked up once per distinct tag set and kept, so an event costs a map lookup and a
 * record, not a registration.
 */
final class LeaseMeters implements LeaseListener {

    private final MeterRegistry registry;
    private final boolean tagProxies;
    private final boolean percentileHistogram;
    private final Map<List<Object>, Timer> timers = new ConcurrentHashMap<>();
    private final Map<List<Object>, Counter> counters = new ConcurrentHashMap<>();

    /** Without proxy tags: each pool's acquire, release and held timers, found by one lookup on the pool's name. */
    private final Map<String, PoolMeters> pools = new ConcurrentHashMap<>();

    private static final SelectorStrategy[] STRATEGIES = SelectorStrategy.values();

    /**
     * One pool's timers of the hot path, so that an event without proxy tags costs one lookup
     * by the pool's name and an array read, and allocates nothing.
     */
    private final class PoolMeters {
        /** By {@code (strategy × 2 + miss) × 2 + waited}; created when first used. */
        final AtomicReferenceArray<Timer> acquire = new AtomicReferenceArray<>(STRATEGIES.length * 4);

        final Timer release;
        final Timer held;

        PoolMeters(String pool) {
            release = timer(
                    List.of(MeterNames.RELEASE, pool, MeterNames.NO_PROXY),
                    key -> releaseTimer(pool, MeterNames.NO_PROXY));
            held = timer(
                    List.of(MeterNames.LEASE_HELD, pool, MeterNames.NO_PROXY),
                    key -> heldTimer(pool, MeterNames.NO_PROXY));
        }

        Timer acquire(String pool, SelectorStrategy strategy, boolean hit, boolean waited) {
            int index = ((strategy.ordinal() * 2 + (hit ? 0 : 1)) * 2) + (waited ? 1 : 0);
            Timer timer = acquire.get(index);
            if (timer == null) {
                timer = acquireTimer(pool, strategy, hit ? "hit" : "miss", waited, MeterNames.NO_PROXY);
                acquire.set(index, timer);
            }
            return timer;
        }
    }

    private PoolMeters pool(String pool) {
        PoolMeters meters = pools.get(pool);
        return meters != null ? meters : pools.computeIfAbsent(pool, PoolMeters::new);
    }

    LeaseMeters(MeterRegistry registry, boolean tagProxies, boolean percentileHistogram) {
        this.registry = registry;
        this.tagProxies = tagProxies;
        this.percentileHistogram = percentileHistogram;
    }

    @Override
    public void onAcquired(AcquiredEvent event) {
        if (!tagProxies) {
            String pool = event.poolName();
            pool(pool).acquire(pool, event.strategy(), true, event.waited()).record(event.duration());
            return;
        }
        String proxy = proxyTag(event.leased().proxy().id());
        acquireTimer(event.poolName(), event.strategy(), "hit", event.waited(), proxy)
                .record(event.duration());
    }

    @Override
    public void onMissed(MissedEvent event) {
        if (!tagProxies) {
            String pool = event.poolName();
            pool(pool).acquire(pool, event.strategy(), false, event.waited()).record(event.duration());
            return;
        }
        acquireTimer(event.poolName(), event.strategy(), "miss", event.waited(), MeterNames.NO_PROXY)
                .record(event.duration());
    }

    @Override
    public void onReleased(ReleasedEvent event) {
        String pool = event.poolName();
        if (!tagProxies) {
            PoolMeters meters = pool(pool);
            meters.release.record(event.duration());
            meters.held.record(event.held());
            return;
        }
        String proxy = proxyTag(event.lease().proxyId());
        timer(List.of(MeterNames.RELEASE, pool, proxy), key -> releaseTimer(pool, proxy))
                .record(event.duration());
        timer(List.of(MeterNames.LEASE_HELD, pool, proxy), key -> heldTimer(pool, proxy))
                .record(event.held());
    }

    private Timer releaseTimer(String pool, String proxy) {
        return Timer.builder(MeterNames.RELEASE)
                .description("Releases through the manager, timed by the release call")
                .tags(withProxy(Tags.of(MeterNames.TAG_POOL, pool), proxy))
                .register(registry);
    }

    private Timer heldTimer(String pool, String proxy) {
        return Timer.builder(MeterNames.LEASE_HELD)
                .description("How long released leases were held, from grant to release")
                .tags(withProxy(Tags.of(MeterNames.TAG_POOL, pool), proxy))
                .register(registry);
    }

    @Override
    public void onExpired(ExpiredEvent event) {
        String pool = event.poolName();
        String proxy = proxyTag(event.lease().proxyId());
        counter(
                        List.of(MeterNames.LEASE_EXPIRED, pool, proxy),
                        key -> Counter.builder(MeterNames.LEASE_EXPIRED)
                                .description("Leases the manager found expired")
                                .tags(withProxy(Tags.of(MeterNames.TAG_POOL, pool), proxy))
                                .register(registry))
                .increment();
    }

    @Override
    public void onHealthChecked(HealthCheckedEvent event) {
        HealthCheckResult result = event.result();
        String pool = event.poolName();
        String outcome = lower(result.status());
        String proxy = proxyTag(result.proxyId());
        Tags tags = withProxy(Tags.of(MeterNames.TAG_POOL, pool, MeterNames.TAG_OUTCOME, outcome), proxy);
        counter(
                        List.of(MeterNames.HEALTH_CHECKS, pool, outcome, proxy),
                        key -> Counter.builder(MeterNames.HEALTH_CHECKS)
                                .description("Health check results applied through the manager")
                                .tags(tags)
                                .register(registry))
                .increment();
        result.latency()
                .ifPresent(latency -> timer(
                                List.of(MeterNames.HEALTH_CHECK_LATENCY, pool, outcome, proxy),
                                key -> Timer.builder(MeterNames.HEALTH_CHECK_LATENCY)
                                        .description("Latency of the health checks that completed")
                                        .tags(tags)
                                        .register(registry))
                        .record(latency));
    }

    @Override
    public void onCircuitChanged(CircuitChangedEvent event) {
        String pool = event.poolName();
        String from = lower(event.from());
        String to = lower(event.to());
        String proxy = proxyTag(event.proxyId());
        counter(
                        List.of(MeterNames.CIRCUIT_TRANSITIONS, pool, from, to, proxy),
                        key -> Counter.builder(MeterNames.CIRCUIT_TRANSITIONS)
                                .description("Circuit breaker transitions seen through the manager")
                                .tags(withProxy(
                                        Tags.of(
                                                MeterNames.TAG_POOL,
                                                pool,
                                                MeterNames.TAG_FROM,
                                                from,
                                                MeterNames.TAG_TO,
                                                to),
                                        proxy))
                                .register(registry))
                .increment();
    }

    /** Counts an acquire or release that threw; called by the observer, which sees the exception. */
    void error(String operation, String pool, Throwable error) {
        String exception = error.getClass().getSimpleName();
        counter(
                        List.of(MeterNames.ERRORS, operation, pool, exception),
                        key -> Counter.builder(MeterNames.ERRORS)
                                .description("Acquires and releases through the manager that threw")
                                .tags(
                                        MeterNames.TAG_OPERATION,
                                        operation,
                                        MeterNames.TAG_POOL,
                                        pool,
                                        MeterNames.TAG_EXCEPTION,
                                        exception)
                                .register(registry))
                .increment();
    }

    private Timer acquireTimer(String pool, SelectorStrategy strategy, String outcome, boolean waited, String proxy) {
        List<Object> key = List.of(MeterNames.ACQUIRE, pool, strategy, outcome, waited, proxy);
        // the hot path: a lookup, and no capturing lambda unless the timer is new
        Timer timer = timers.get(key);
        return timer != null
                ? timer
                : timers.computeIfAbsent(key, k -> newAcquireTimer(pool, strategy, outcome, waited, proxy));
    }

    private Timer newAcquireTimer(
            String pool, SelectorStrategy strategy, String outcome, boolean waited, String proxy) {
        return Timer.builder(MeterNames.ACQUIRE)
                .description("Acquires through the manager, waiting included; the count is the hits and misses")
                .tags(withProxy(
                        Tags.of(
                                MeterNames.TAG_POOL,
                                pool,
                                MeterNames.TAG_STRATEGY,
                                lower(strategy),
                                MeterNames.TAG_OUTCOME,
                                outcome,
                                MeterNames.TAG_WAITED,
                                Boolean.toString(waited)),
                        proxy))
                .publishPercentileHistogram(percentileHistogram)
                .register(registry);
    }

    private Timer timer(List<Object> key, Function<List<Object>, Timer> create) {
        Timer timer = timers.get(key);
        return timer != null ? timer : timers.computeIfAbsent(key, create);
    }

    private Counter counter(List<Object> key, Function<List<Object>, Counter> create) {
        Counter counter = counters.get(key);
        return counter != null ? counter : counters.computeIfAbsent(key, create);
    }

    private String proxyTag(UUID proxyId) {
        return tagProxies ? proxyId.toString() : MeterNames.NO_PROXY;
    }

    /** Adds the proxy tag when the user opted in; without it the tag is absent, not {@code none}. */
    private Tags withProxy(Tags tags, String proxy) {
        return tagProxies ? tags.and(MeterNames.TAG_PROXY, proxy) : tags;
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
