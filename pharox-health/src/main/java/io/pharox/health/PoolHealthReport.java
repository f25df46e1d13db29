package io.pharox.health;

import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What one health pass over a pool found and changed.
 *
 * @param poolName            the pool checked
 * @param results             one result per checked proxy, in the pool's stable order
 * @param removedFromRotation proxies that were leasable before the pass and are not after it
 * @param returnedToRotation  proxies that were not leasable before the pass and are after it
 * @param skipped             proxies left unchecked: the BANNED ones (a check never lifts a ban)
 */
public record PoolHealthReport(
        String poolName,
        List<HealthCheckResult> results,
        List<UUID> removedFromRotation,
        List<UUID> returnedToRotation,
        List<UUID> skipped) {

    /**
     * Copies the lists, which become unmodifiable.
     *
     * @throws NullPointerException if a value is {@code null}
     */
    public PoolHealthReport {
        Objects.requireNonNull(poolName, "poolName");
        results = List.copyOf(results);
        removedFromRotation = List.copyOf(removedFromRotation);
        returnedToRotation = List.copyOf(returnedToRotation);
        skipped = List.copyOf(skipped);
    }

    /** How many checked proxies had {@code status}. */
    public long count(HealthStatus status) {
        Objects.requireNonNull(status, "status");
        return results.stream().filter(r -> r.status() == status).count();
    }
}
