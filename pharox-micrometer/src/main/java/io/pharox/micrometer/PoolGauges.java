package io.pharox.micrometer;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.pharox.model.PoolStats;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.ProxyStorage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pool's gauges, all read from one cached {@link PoolStats} snapshot that is taken again when a
 * gauge is read and the snapshot is older than the refresh interval (by the registry's clock). So a
 * scrape reads {@code poolStats} at most once per pool per interval, on the scraping thread, however
 * many gauges and scrapes there are; a read that finds another thread refreshing takes the old
 * snapshot. A failed read is cached as well: the gauges read NaN until the next read, one interval
 * later, succeeds.
 */
final class PoolGauges {

    private static final Logger LOG = LoggerFactory.getLogger(PoolGauges.class);

    /** A snapshot, or a failed read ({@code stats} null), and when it was taken (monotonic nanos). */
    private record Snapshot(@Nullable PoolStats stats, long takenAt) {}

    private final ProxyStorage storage;
    private final String pool;
    private final long refreshNanos;
    private final Clock clock;
    private final Counter failures;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile @Nullable Snapshot snapshot;

    private PoolGauges(ProxyStorage storage, String pool, long refreshNanos, MeterRegistry registry) {
        this.storage = storage;
        this.pool = pool;
        this.refreshNanos = refreshNanos;
        this.clock = registry.config().clock();
        this.failures = Counter.builder(MeterNames.POOL_STATS_FAILURES)
                .description("Pool statistics reads that failed; the pool's gauges read NaN until one succeeds")
                .tag(MeterNames.TAG_POOL, pool)
                .register(registry);
    }

    /** Registers the gauges of {@code pool} on {@code registry}, reading {@code storage}. */
    static PoolGauges bind(ProxyStorage storage, String pool, long refreshNanos, MeterRegistry registry) {
        PoolGauges gauges = new PoolGauges(storage, pool, refreshNanos, registry);
        Tags tags = Tags.of(MeterNames.TAG_POOL, pool);
        for (ProxyStatus status : ProxyStatus.values()) {
            gauges.gauge(
                    registry,
                    MeterNames.POOL_PROXIES,
                    "Proxies of the pool in each status",
                    tags.and(MeterNames.TAG_STATUS, LeaseMeters.lower(status)),
                    stats -> stats.proxies(status));
        }
        gauges.gauge(
                registry,
                MeterNames.POOL_LEASABLE_PROXIES,
                "Proxies an acquire without filters could lease now",
                tags,
                PoolStats::leasableProxies);
        gauges.gauge(
                registry,
                MeterNames.POOL_UNLIMITED_PROXIES,
                "ACTIVE proxies without a limit on concurrent leases",
                tags,
                PoolStats::unlimitedProxies);
        gauges.gauge(
                registry,
                MeterNames.POOL_CAPACITY,
                "Sum of the limits of the ACTIVE proxies that have one",
                tags,
                PoolStats::capacity);
        gauges.gauge(
                registry, MeterNames.POOL_ACTIVE_LEASES, "Leases active in the pool", tags, PoolStats::activeLeases);
        gauges.gauge(
                registry,
                MeterNames.POOL_FREE_SLOTS,
                "Slots left on the ACTIVE proxies that have a limit",
                tags,
                PoolStats::freeSlots);
        return gauges;
    }

    private void gauge(
            MeterRegistry registry, String name, String description, Tags tags, ToDoubleFunction<PoolStats> value) {
        Gauge.builder(name, this, gauges -> gauges.read(value))
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    private double read(ToDoubleFunction<PoolStats> value) {
        PoolStats stats = current();
        return stats == null ? Double.NaN : value.applyAsDouble(stats);
    }

    /** The cached snapshot, taken again first if it is older than the interval; null if the last read failed. */
    @Nullable
    PoolStats current() {
        Snapshot cached = snapshot;
        long now = clock.monotonicTime();
        if ((cached == null || now - cached.takenAt() >= refreshNanos) && refreshing.compareAndSet(false, true)) {
            try {
                cached = take(now);
                snapshot = cached;
            } finally {
                refreshing.set(false);
            }
        }
        return cached == null ? null : cached.stats();
    }

    private Snapshot take(long now) {
        try {
            return new Snapshot(storage.poolStats(pool), now);
        } catch (RuntimeException e) {
            failures.increment();
            // once per pool per interval at most; the stack trace only on debug, as it repeats
            LOG.warn(
                    "could not read the statistics of pool '{}'; its gauges read NaN until a read succeeds: {}",
                    pool,
                    e.toString());
            LOG.debug("the statistics read of pool '{}' failed", pool, e);
            return new Snapshot(null, now);
        }
    }
}
