package io.pharox.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.event.LeaseObserver;
import io.pharox.model.ProxyPool;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.StorageListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer meters and observations for Pharox. Put its {@link #listener()} and {@link #observer()}
 * on the {@link ProxyManager} builder ({@link #instrument} does both), and bind the gauges of the pools to watch with
 * {@link #bindPoolStats(ProxyStorage, Collection)}:
 *
 * <pre>{@code
 * PharoxMetrics metrics = PharoxMetrics.builder(meterRegistry)
 *         .observationRegistry(observationRegistry) // spans, with a tracing bridge
 *         .build();
 * ProxyManager manager = ProxyManager.builder(storage)
 *         .listener(metrics.listener())
 *         .observer(metrics.observer())
 *         .build();
 * metrics.bindPoolStats(storage, List.of("residential", "datacenter"));
 * }</pre>
 *
 * <p>With a PostgreSQL adapter, give it {@link #storageListener()} as well (in its
 * {@code SqlStorageOptions}), to count the statements it runs again after a deadlock or a
 * serialization failure.
 *
 * <p>The meters are named in {@link MeterNames} and described in {@code docs/metrics.md}. Their tags
 * are bounded: pool names, strategies, outcomes, statuses, exception class names; no proxy id, host,
 * consumer or credential, unless {@link Builder#tagProxies(boolean)} adds a proxy-id tag.
 *
 * <p>Thread-safe. One instance per meter registry: meters are registered on first use, gauges when
 * bound.
 */
public final class PharoxMetrics {

    /** How often pool gauges read {@code poolStats} at most, when not set. */
    public static final Duration DEFAULT_POOL_STATS_REFRESH = Duration.ofSeconds(10);

    /** The shortest refresh interval accepted: gauges must not query the storage on every scrape. */
    public static final Duration MIN_POOL_STATS_REFRESH = Duration.ofSeconds(1);

    /** The longest refresh interval accepted. */
    public static final Duration MAX_POOL_STATS_REFRESH = Duration.ofHours(1);

    private final MeterRegistry registry;
    private final Duration poolStatsRefresh;
    private final LeaseMeters meters;
    private final LeaseObservations observations;
    private final StorageMeters storageMeters;
    /** Bound pools by name, with their gauges: the registry holds them too, strongly. */
    private final Map<String, PoolGauges> pools = new ConcurrentHashMap<>();

    private PharoxMetrics(Builder b) {
        this.registry = b.registry;
        this.poolStatsRefresh = b.poolStatsRefresh;
        this.meters = new LeaseMeters(b.registry, b.tagProxies, b.percentileHistogram);
        this.observations = new LeaseObservations(b.observationRegistry, meters, b.tagProxies);
        this.storageMeters = new StorageMeters(b.registry);
    }

    /**
     * A builder with defaults: {@link ObservationRegistry#NOOP} (no observations), pool statistics
     * refreshed at most every {@link #DEFAULT_POOL_STATS_REFRESH}, no proxy-id tag, a percentile
     * histogram on the acquire timer.
     *
     * @throws NullPointerException if {@code registry} is {@code null}
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /** The registry the meters go to. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The listener that records the manager's events as meters: acquires (hits and misses), releases,
     * lease hold times, expiries, health checks, circuit transitions. Always the same instance.
     */
    public LeaseListener listener() {
        return meters;
    }

    /**
     * The observer that makes each acquire and release an observation (with the registry given to
     * {@link Builder#observationRegistry}) and counts those that threw in {@value MeterNames#ERRORS}.
     * Always the same instance.
     */
    public LeaseObserver observer() {
        return observations;
    }

    /**
     * Puts {@link #listener()} and {@link #observer()} on a manager builder: the two calls every
     * manager with these metrics needs. The observer replaces one set on the builder before (a
     * manager has one).
     *
     * @return {@code builder}
     */
    public ProxyManager.Builder instrument(ProxyManager.Builder builder) {
        return Objects.requireNonNull(builder, "builder").listener(meters).observer(observations);
    }

    /**
     * The storage listener that counts, in {@value MeterNames#STORAGE_RETRIES}, the statements a SQL
     * adapter ran again after PostgreSQL rolled them back, by operation and SQL state. Set it on the
     * adapter: {@code SqlStorageOptions.builder().storageListener(metrics.storageListener())}.
     * Always the same instance.
     */
    public StorageListener storageListener() {
        return storageMeters;
    }

    /**
     * Registers the gauges of each pool in {@code poolNames}, read from {@code storage}'s
     * {@link ProxyStorage#poolStats}: proxies by status, leasable and unlimited proxies, capacity,
     * active leases, free slots. A pool's gauges share one snapshot, taken again when a gauge is read
     * and the snapshot is older than the refresh interval: at most one {@code poolStats} call per pool
     * per interval, on the thread that reads the gauge (the scrape). A pool that does not exist (yet),
     * or a storage that fails, reads NaN and counts in {@value MeterNames#POOL_STATS_FAILURES}.
     *
     * @throws NullPointerException if an argument or a name is {@code null}
     * @throws IllegalArgumentException if a pool is already bound on this instance (its meters are
     *         registered once; one pool name per registry), naming it
     */
    public void bindPoolStats(ProxyStorage storage, Collection<String> poolNames) {
        Objects.requireNonNull(storage, "storage");
        List<String> names = new ArrayList<>(Objects.requireNonNull(poolNames, "poolNames"));
        for (String name : names) {
            ProxyPool.requireName(name);
            if (pools.containsKey(name)) {
                throw new IllegalArgumentException("pool '" + name + "' is already bound to these metrics");
            }
        }
        long refreshNanos = poolStatsRefresh.toNanos();
        for (String name : names) {
            pools.computeIfAbsent(name, pool -> PoolGauges.bind(storage, pool, refreshNanos, registry));
        }
    }

    /**
     * Registers the gauges of every pool {@code storage} has now (see
     * {@link #bindPoolStats(ProxyStorage, Collection)}) that is not bound yet; pools created later
     * need a call of their own.
     *
     * @return the names of the pools bound by this call
     */
    public List<String> bindPoolStats(ProxyStorage storage) {
        Objects.requireNonNull(storage, "storage");
        List<String> fresh = new ArrayList<>();
        for (ProxyPool pool : storage.listPools()) {
            if (!pools.containsKey(pool.name())) {
                fresh.add(pool.name());
            }
        }
        bindPoolStats(storage, fresh);
        return List.copyOf(fresh);
    }

    /** The names of the pools whose gauges are bound, in no order; unmodifiable. */
    public Set<String> boundPools() {
        return Set.copyOf(pools.keySet());
    }

    /** Builder for {@link PharoxMetrics}. Not thread-safe. */
    public static final class Builder {
        private final MeterRegistry registry;
        private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
        private Duration poolStatsRefresh = DEFAULT_POOL_STATS_REFRESH;
        private boolean tagProxies;
        private boolean percentileHistogram = true;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * The registry acquires and releases are observed with ({@value MeterNames#ACQUIRE_OBSERVATION},
         * {@value MeterNames#RELEASE_OBSERVATION}); with a tracing bridge each becomes a span.
         * Default {@link ObservationRegistry#NOOP}: no observations.
         */
        public Builder observationRegistry(ObservationRegistry observationRegistry) {
            this.observationRegistry = Objects.requireNonNull(observationRegistry, "observationRegistry");
            return this;
        }

        /**
         * How old a pool's statistics may get before a gauge read takes them again:
         * {@link #MIN_POOL_STATS_REFRESH}..{@link #MAX_POOL_STATS_REFRESH}, default
         * {@link #DEFAULT_POOL_STATS_REFRESH}. Measured with the meter registry's clock.
         *
         * @throws IllegalArgumentException if out of range, naming the value
         */
        public Builder poolStatsRefresh(Duration refresh) {
            Objects.requireNonNull(refresh, "refresh");
            if (refresh.compareTo(MIN_POOL_STATS_REFRESH) < 0 || refresh.compareTo(MAX_POOL_STATS_REFRESH) > 0) {
                throw new IllegalArgumentException("poolStatsRefresh must be between " + MIN_POOL_STATS_REFRESH
                        + " and " + MAX_POOL_STATS_REFRESH + ", was " + refresh);
            }
            this.poolStatsRefresh = refresh;
            return this;
        }

        /**
         * Whether meters of events about one proxy (acquire hits, releases, lease hold times, expiries,
         * health checks, circuit transitions) carry a {@value MeterNames#TAG_PROXY} tag with its id,
         * and observations a high-cardinality key value. Off by default: a tag per proxy multiplies the
         * series by the number of proxies. Hosts and credentials are never tags.
         */
        public Builder tagProxies(boolean tagProxies) {
            this.tagProxies = tagProxies;
            return this;
        }

        /**
         * Whether the {@value MeterNames#ACQUIRE} timer publishes a percentile histogram (Prometheus
         * buckets), for percentiles aggregated across instances. On by default.
         */
        public Builder percentileHistogram(boolean percentileHistogram) {
            this.percentileHistogram = percentileHistogram;
            return this;
        }

        /** Builds the metrics; nothing is registered until events arrive or pools are bound. */
        public PharoxMetrics build() {
            return new PharoxMetrics(this);
        }
    }
}
