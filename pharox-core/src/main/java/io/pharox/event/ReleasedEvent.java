package io.pharox.event;

import io.pharox.model.Lease;
import java.time.Duration;
import java.util.Objects;

/**
 * A lease acquired through the manager was released: through the manager, or by another party
 * (another manager, an operator) as the manager found out at a later release, renewal or cleanup
 * of the lease.
 *
 * @param lease    the lease as released; when released through the manager, its release time is
 *                 the manager's clock's at the end of the call (the storage's own is not read
 *                 back, to spare a round trip)
 * @param poolName the lease's pool
 * @param duration how long the release call took, by {@link System#nanoTime()}; zero for a lease
 *                 found released by another party
 * @param held     how long the lease was held, from its grant to its release, by the lease's
 *                 timestamps; never negative
 */
public record ReleasedEvent(Lease lease, String poolName, Duration duration, Duration held) {

    /** @throws NullPointerException if an argument is {@code null} */
    public ReleasedEvent {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(poolName, "poolName");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(held, "held");
    }
}
