package io.pharox.event;

import io.pharox.model.HealthCheckResult;
import io.pharox.model.ProxyStatus;
import java.util.Objects;

/**
 * A health check result was applied to storage through the manager.
 *
 * @param result   the result as the checker produced it (it carries no credentials)
 * @param poolName the checked proxy's pool
 * @param status   the proxy's status after the result was applied
 */
public record HealthCheckedEvent(HealthCheckResult result, String poolName, ProxyStatus status) {

    /** @throws NullPointerException if an argument is {@code null} */
    public HealthCheckedEvent {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(poolName, "poolName");
        Objects.requireNonNull(status, "status");
    }
}
