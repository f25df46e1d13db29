package io.pharox.event;

import io.pharox.model.Lease;
import java.util.Objects;

/**
 * A lease acquired through the manager was found expired: by the manager's cleanup, or by a
 * release or renewal that came too late. Announced once per lease.
 *
 * @param lease    the lease as expired
 * @param poolName the lease's pool
 */
public record ExpiredEvent(Lease lease, String poolName) {

    /** @throws NullPointerException if an argument is {@code null} */
    public ExpiredEvent {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(poolName, "poolName");
    }
}
