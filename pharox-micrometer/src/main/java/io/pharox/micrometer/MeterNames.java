package io.pharox.micrometer;

/**
 * The names of the meters and observations {@link PharoxMetrics} registers, and of their tags.
 * Every name is in Micrometer's dotted style with a {@code pharox.} prefix; a registry renders it in
 * its own convention (Prometheus: {@code pharox_acquire_seconds}, counters with {@code _total}).
 * {@code docs/metrics.md} describes each meter.
 */
public final class MeterNames {

    /** Timer: acquires through the manager by outcome (hit or miss); its count is the hit and miss counter. */
    public static final String ACQUIRE = "pharox.acquire";

    /** Timer: releases through the manager, timed by the release call. */
    public static final String RELEASE = "pharox.release";

    /** Timer: how long released leases were held, from grant to release. */
    public static final String LEASE_HELD = "pharox.lease.held";

    /** Counter: leases the manager found expired (cleanup, or a release or renewal that came too late). */
    public static final String LEASE_EXPIRED = "pharox.lease.expired";

    /** Counter: acquires and releases that threw, by exception class (counted by the observer). */
    public static final String ERRORS = "pharox.errors";

    /** Counter: health check results applied through the manager, by outcome. */
    public static final String HEALTH_CHECKS = "pharox.health.checks";

    /** Timer: the latency of health checks that completed, by outcome. */
    public static final String HEALTH_CHECK_LATENCY = "pharox.health.check.latency";

    /** Counter: circuit breaker transitions, by the states before and after. */
    public static final String CIRCUIT_TRANSITIONS = "pharox.circuit.transitions";

    /**
     * Counter: statements a SQL adapter ran again after PostgreSQL rolled them back (deadlock victim,
     * serialization failure), by operation and SQL state; fed by {@link PharoxMetrics#storageListener()}.
     */
    public static final String STORAGE_RETRIES = "pharox.storage.retries";

    /** Gauge: proxies of a pool in each status. */
    public static final String POOL_PROXIES = "pharox.pool.proxies";

    /** Gauge: proxies of a pool that an acquire without filters could lease now. */
    public static final String POOL_LEASABLE_PROXIES = "pharox.pool.proxies.leasable";

    /** Gauge: ACTIVE proxies of a pool without a limit on concurrent leases. */
    public static final String POOL_UNLIMITED_PROXIES = "pharox.pool.proxies.unlimited";

    /** Gauge: the sum of the limits of a pool's ACTIVE proxies that have one. */
    public static final String POOL_CAPACITY = "pharox.pool.capacity";

    /** Gauge: leases active in a pool. */
    public static final String POOL_ACTIVE_LEASES = "pharox.pool.leases.active";

    /** Gauge: slots left on a pool's ACTIVE proxies that have a limit. */
    public static final String POOL_FREE_SLOTS = "pharox.pool.free.slots";

    /** Counter: pool statistics reads that failed (the pool's gauges read NaN until a read succeeds). */
    public static final String POOL_STATS_FAILURES = "pharox.pool.stats.failures";

    /** Observation: one acquire through the manager, its wait included. */
    public static final String ACQUIRE_OBSERVATION = "pharox.lease.acquire";

    /** Observation: one release through the manager. */
    public static final String RELEASE_OBSERVATION = "pharox.lease.release";

    /** Tag: the pool's name. */
    public static final String TAG_POOL = "pool";

    /** Tag: the selector strategy, lower case ({@code first_available}). */
    public static final String TAG_STRATEGY = "strategy";

    /** Tag: what an operation came to: {@code hit}, {@code miss}, {@code error}; a health status in lower case. */
    public static final String TAG_OUTCOME = "outcome";

    /** Tag: whether an acquire waited for capacity ({@code true}, {@code false}). */
    public static final String TAG_WAITED = "waited";

    /** Tag: a proxy status ({@code active}, {@code slow}, {@code inactive}, {@code banned}). */
    public static final String TAG_STATUS = "status";

    /** Tag: the five-character SQL state of a rolled-back statement ({@code 40P01}, {@code 40001}). */
    public static final String TAG_SQL_STATE = "sql.state";

    /** Tag: the operation that failed or was retried ({@code acquire}, {@code release}, ...). */
    public static final String TAG_OPERATION = "operation";

    /** Tag: the simple name of the exception class that an operation threw. */
    public static final String TAG_EXCEPTION = "exception";

    /** Tags: a circuit's state before and after a transition ({@code closed}, {@code open}, {@code half_open}). */
    public static final String TAG_FROM = "from";

    /** Tag: a circuit's state after a transition. */
    public static final String TAG_TO = "to";

    /**
     * Tag: the proxy's id, only when {@link PharoxMetrics.Builder#tagProxies(boolean)} is on; {@code none}
     * where no proxy is involved (a miss, an error).
     */
    public static final String TAG_PROXY = "proxy";

    /** The {@link #TAG_PROXY} value where no proxy is involved. */
    public static final String NO_PROXY = "none";

    private MeterNames() {}
}
