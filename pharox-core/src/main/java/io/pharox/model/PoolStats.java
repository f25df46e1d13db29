package io.pharox.model;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one pool: its proxies by status, how many of them an acquire could lease, their
 * capacity, the leases active on them and the slots left. Taken by
 * {@link io.pharox.storage.ProxyStorage#poolStats(String)} as of {@link #asOf()}; the PostgreSQL
 * adapters take it in one statement, so its numbers agree with each other.
 *
 * <p>Definitions, all as of {@code asOf}:
 *
 * <ul>
 *   <li>a lease is <em>active</em> if it was neither released nor expired and its expiry is
 *       after {@code asOf}: a lapsed lease that no cleanup has reclaimed yet is not counted, as
 *       an acquire would reclaim it;
 *   <li>{@code capacity} is the sum of {@code max_concurrency} over the pool's ACTIVE proxies
 *       that have a limit; ACTIVE proxies without one are counted in {@code unlimitedProxies};
 *   <li>{@code freeSlots} is, over those same limited ACTIVE proxies, the sum of their limit less
 *       their active leases (never below zero per proxy);
 *   <li>a proxy is <em>leasable</em> if it is ACTIVE, its circuit is not open (a half-open
 *       circuit counts as leasable) and it has a free slot or no limit. Pacing and per-target
 *       bans are not considered: they depend on when and for what an acquire asks.
 * </ul>
 *
 * @param poolName         the pool
 * @param asOf             when the snapshot was taken, by the storage's clock
 * @param proxiesByStatus  the number of proxies in each status; every status is present, with 0
 *                         if none; unmodifiable
 * @param leasableProxies  proxies an acquire without filters could lease now
 * @param capacity         the sum of the limits of the ACTIVE proxies that have one
 * @param unlimitedProxies the ACTIVE proxies without a limit on concurrent leases
 * @param activeLeases     leases active on any proxy of the pool, whatever its status
 * @param freeSlots        the slots left on the ACTIVE proxies that have a limit
 */
public record PoolStats(
        String poolName,
        Instant asOf,
        Map<ProxyStatus, Integer> proxiesByStatus,
        int leasableProxies,
        long capacity,
        int unlimitedProxies,
        int activeLeases,
        long freeSlots) {

    /**
     * @throws NullPointerException if an argument is {@code null} or a status has a null count
     * @throws IllegalArgumentException if a count is negative, or a status is missing from
     *         {@code proxiesByStatus}
     */
    public PoolStats {
        Objects.requireNonNull(poolName, "poolName");
        Objects.requireNonNull(asOf, "asOf");
        Objects.requireNonNull(proxiesByStatus, "proxiesByStatus");
        EnumMap<ProxyStatus, Integer> copy = new EnumMap<>(ProxyStatus.class);
        for (ProxyStatus status : ProxyStatus.values()) {
            Integer count = proxiesByStatus.get(status);
            if (count == null) {
                throw new IllegalArgumentException(
                        "proxiesByStatus has no count for " + status + ": " + proxiesByStatus);
            }
            if (count < 0) {
                throw new IllegalArgumentException("the count of " + status + " proxies is negative: " + count);
            }
            copy.put(status, count);
        }
        proxiesByStatus = Collections.unmodifiableMap(copy);
        if (leasableProxies < 0 || capacity < 0 || unlimitedProxies < 0 || activeLeases < 0 || freeSlots < 0) {
            throw new IllegalArgumentException("counts must not be negative: leasableProxies " + leasableProxies
                    + ", capacity " + capacity + ", unlimitedProxies " + unlimitedProxies + ", activeLeases "
                    + activeLeases + ", freeSlots " + freeSlots);
        }
    }

    /** The number of proxies in the pool, in any status. */
    public int proxies() {
        int total = 0;
        for (int count : proxiesByStatus.values()) {
            total += count;
        }
        return total;
    }

    /** The number of proxies in {@code status}. */
    public int proxies(ProxyStatus status) {
        Integer count = proxiesByStatus.get(Objects.requireNonNull(status, "status"));
        return count == null ? 0 : count;
    }

    /**
     * Adds up a pool's proxies into a {@link PoolStats}, one proxy at a time, by the definitions
     * above: for adapters that read their proxies one by one (the in-memory adapter and the
     * key-value example use it). Not thread-safe; one tally per snapshot.
     */
    public static final class Tally {
        private final String poolName;
        private final Instant asOf;
        private final EnumMap<ProxyStatus, Integer> byStatus = new EnumMap<>(ProxyStatus.class);
        private int leasable;
        private long capacity;
        private int unlimited;
        private int active;
        private long free;

        /**
         * @param poolName the pool
         * @param asOf     the instant the adapter reads every proxy at
         * @throws NullPointerException if an argument is {@code null}
         */
        public Tally(String poolName, Instant asOf) {
            this.poolName = Objects.requireNonNull(poolName, "poolName");
            this.asOf = Objects.requireNonNull(asOf, "asOf");
            for (ProxyStatus status : ProxyStatus.values()) {
                byStatus.put(status, 0);
            }
        }

        /**
         * Counts one proxy of the pool.
         *
         * @param proxy        the proxy (its status and limit are read)
         * @param activeLeases its leases active at {@code asOf}
         * @param circuitOpen  whether its circuit is open at {@code asOf} (half-open is not open)
         * @return this tally
         * @throws NullPointerException if {@code proxy} is {@code null}
         * @throws IllegalArgumentException if {@code activeLeases} is negative
         */
        public Tally add(Proxy proxy, int activeLeases, boolean circuitOpen) {
            Objects.requireNonNull(proxy, "proxy");
            if (activeLeases < 0) {
                throw new IllegalArgumentException("activeLeases must not be negative, was " + activeLeases);
            }
            byStatus.merge(proxy.status(), 1, Integer::sum);
            active += activeLeases;
            if (proxy.status() != ProxyStatus.ACTIVE) {
                return this;
            }
            if (proxy.isUnlimited()) {
                unlimited++;
            } else {
                capacity += proxy.maxConcurrency();
                free += Math.max(0, proxy.maxConcurrency() - activeLeases);
            }
            if (!circuitOpen && proxy.hasCapacityFor(activeLeases)) {
                leasable++;
            }
            return this;
        }

        /** The snapshot of the proxies added so far. */
        public PoolStats build() {
            return new PoolStats(poolName, asOf, byStatus, leasable, capacity, unlimited, active, free);
        }
    }
}
