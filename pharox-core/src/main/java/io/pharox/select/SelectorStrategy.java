package io.pharox.select;

/**
 * How an acquire chooses among the proxies that are available (leasable status, matching
 * the filter, below capacity). Proxies are visited in {@code Proxy.STABLE_ORDER}; every
 * tie breaks by that order.
 */
public enum SelectorStrategy {
    /** The first available proxy in stable order. */
    FIRST_AVAILABLE,
    /**
     * The first available proxy after the one this pool's round-robin cursor last chose,
     * wrapping around to the start. The cursor belongs to the pool (SQL adapters persist it
     * so that every process shares it) and moves only when an acquire succeeds.
     */
    ROUND_ROBIN,
    /** The available proxy with the fewest active leases. */
    LEAST_USED,
    /** A uniformly random available proxy. */
    RANDOM,
    /**
     * The available proxy with the lowest exponentially weighted latency, from outcome reports
     * and passed health checks ({@link io.pharox.model.ProxyStanding#latency()}); proxies with no
     * latency yet come after every proxy with one.
     */
    LOWEST_LATENCY,
    /**
     * The available proxy with the highest exponentially weighted success rate
     * ({@link io.pharox.model.ProxyStanding#successRate()}, 1 before any report), ties broken by
     * the lowest latency as {@link #LOWEST_LATENCY} orders it.
     */
    HEALTHIEST
}
