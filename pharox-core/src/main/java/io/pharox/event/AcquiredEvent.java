package io.pharox.event;

import io.pharox.model.LeasedProxy;
import io.pharox.select.SelectorStrategy;
import java.time.Duration;
import java.util.Objects;

/**
 * An acquire through the manager got a lease.
 *
 * @param leased   the lease and its proxy, without the proxy's credentials
 * @param poolName the pool the acquire asked
 * @param strategy the strategy the acquire used
 * @param duration how long the acquire call took, by {@link System#nanoTime()}: waiting, every
 *                 attempt and pause of a retrying acquire, and the observer included
 * @param waited   whether the acquire waited for capacity: a waiting acquire that blocked before
 *                 its grant, a retrying acquire granted after its first attempt
 */
public record AcquiredEvent(
        LeasedProxy leased, String poolName, SelectorStrategy strategy, Duration duration, boolean waited) {

    /** @throws NullPointerException if an argument is {@code null} */
    public AcquiredEvent {
        Objects.requireNonNull(leased, "leased");
        Objects.requireNonNull(poolName, "poolName");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(duration, "duration");
    }
}
