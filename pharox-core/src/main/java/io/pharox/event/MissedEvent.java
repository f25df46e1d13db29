package io.pharox.event;

import io.pharox.select.SelectorStrategy;
import java.time.Duration;
import java.util.Objects;

/**
 * An acquire through the manager found no proxy: none matched and had room, within its wait if
 * it had one.
 *
 * @param poolName the pool the acquire asked
 * @param strategy the strategy the acquire used
 * @param duration how long the acquire call took, by {@link System#nanoTime()}: waiting, every
 *                 attempt and pause of a retrying acquire, and the observer included
 * @param waited   whether the acquire waited for capacity before giving up: a waiting acquire
 *                 that blocked at least once, a retrying acquire that made more than one attempt
 */
public record MissedEvent(String poolName, SelectorStrategy strategy, Duration duration, boolean waited) {

    /** @throws NullPointerException if an argument is {@code null} */
    public MissedEvent {
        Objects.requireNonNull(poolName, "poolName");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(duration, "duration");
    }
}
