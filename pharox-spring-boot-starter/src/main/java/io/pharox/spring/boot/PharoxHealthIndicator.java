package io.pharox.spring.boot;

import io.pharox.exception.PoolNotFoundException;
import io.pharox.model.PoolStats;
import io.pharox.model.ProxyPool;
import io.pharox.storage.ProxyStorage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * Pharox's Actuator health: whether the storage answers, and whether each checked pool has a
 * proxy to lease ({@link PoolStats#leasableProxies()} above zero, from
 * {@link ProxyStorage#poolStats}).
 *
 * <ul>
 *   <li>The storage fails (the database is unreachable, a statement times out): {@code DOWN},
 *       with the exception's class name as {@code error} (not its message, which may name a
 *       host).
 *   <li>A checked pool has no leasable proxy, or does not exist: the configured
 *       {@code pharox.health.empty-pool-status} ({@code DOWN} by default).
 *   <li>Otherwise {@code UP}.
 * </ul>
 *
 * <p>The details give, per pool, its leasable proxies, free slots, active leases, capacity and
 * proxies without a limit, and list the empty pools by name; never a proxy's id, host or
 * credentials. One {@code poolStats} statement per pool per call; with no pools configured it
 * checks every pool ({@code listPools} first).
 */
public final class PharoxHealthIndicator implements HealthIndicator {

    private static final Logger LOG = LoggerFactory.getLogger(PharoxHealthIndicator.class);

    private final ProxyStorage storage;
    private final List<String> pools;
    private final Status emptyPoolStatus;

    /**
     * An indicator on {@code storage} checking {@code pools} (all pools when empty), reporting
     * {@code emptyPoolStatus} while one of them has nothing to lease.
     */
    public PharoxHealthIndicator(ProxyStorage storage, List<String> pools, Status emptyPoolStatus) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.pools = List.copyOf(pools);
        this.emptyPoolStatus = Objects.requireNonNull(emptyPoolStatus, "emptyPoolStatus");
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> empty = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try {
            List<String> names = pools.isEmpty()
                    ? storage.listPools().stream().map(ProxyPool::name).toList()
                    : pools;
            for (String name : names) {
                try {
                    PoolStats stats = storage.poolStats(name);
                    details.put(name, poolDetails(stats));
                    if (stats.leasableProxies() == 0) {
                        empty.add(name);
                    }
                } catch (PoolNotFoundException e) {
                    missing.add(name);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Pharox storage health check failed", e);
            return Health.down().withDetail("error", e.getClass().getName()).build();
        }
        Health.Builder health = empty.isEmpty() && missing.isEmpty() ? Health.up() : Health.status(emptyPoolStatus);
        health.withDetail("pools", details);
        if (!empty.isEmpty()) {
            health.withDetail("emptyPools", empty);
        }
        if (!missing.isEmpty()) {
            health.withDetail("missingPools", missing);
        }
        return health.build();
    }

    private static Map<String, Object> poolDetails(PoolStats stats) {
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("leasableProxies", stats.leasableProxies());
        pool.put("freeSlots", stats.freeSlots());
        pool.put("activeLeases", stats.activeLeases());
        pool.put("capacity", stats.capacity());
        pool.put("unlimitedProxies", stats.unlimitedProxies());
        return pool;
    }
}
