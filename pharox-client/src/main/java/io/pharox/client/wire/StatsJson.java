package io.pharox.client.wire;

import io.pharox.model.PoolStats;
import io.pharox.model.ProxyStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pool's statistics, as {@link PoolStats} defines them.
 *
 * @param pool             the pool
 * @param asOf             when the snapshot was taken
 * @param proxiesByStatus  the number of proxies in each status
 * @param leasableProxies  proxies an acquire without filters could lease now
 * @param capacity         the sum of the limits of the ACTIVE proxies that have one
 * @param unlimitedProxies the ACTIVE proxies without a limit
 * @param activeLeases     leases active in the pool
 * @param freeSlots        slots left on the limited ACTIVE proxies
 */
public record StatsJson(
        String pool,
        Instant asOf,
        Map<String, Integer> proxiesByStatus,
        int leasableProxies,
        long capacity,
        int unlimitedProxies,
        int activeLeases,
        long freeSlots) {

    /** The JSON form of {@code stats}. */
    public static StatsJson of(PoolStats stats) {
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        for (ProxyStatus status : ProxyStatus.values()) {
            byStatus.put(status.name(), stats.proxies(status));
        }
        return new StatsJson(
                stats.poolName(),
                stats.asOf(),
                byStatus,
                stats.leasableProxies(),
                stats.capacity(),
                stats.unlimitedProxies(),
                stats.activeLeases(),
                stats.freeSlots());
    }
}
