package io.pharox.event;

import io.pharox.model.Lease;
import java.time.Duration;
import java.util.Objects;

/**
 * A lease acquired through the manager was released through it.
 *
 * @param lease    the lease as released
 * @param poolName the lease's pool
 * @param duration how long the release call took
 * @param held     how long the lease was held, from its grant to its release
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
