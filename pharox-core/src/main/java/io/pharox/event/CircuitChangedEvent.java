package io.pharox.event;

import io.pharox.model.CircuitState;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A proxy's circuit breaker changed state because of an outcome report or a health check made
 * through the manager. A cooldown that ends by time (open to half-open) is announced by the
 * next report or check that finds it ended, not when it ends.
 *
 * @param proxyId  the proxy
 * @param poolName the proxy's pool
 * @param from     the state before the report or check
 * @param to       the state after it
 * @param at       when the report or check was applied, by the manager's clock
 */
public record CircuitChangedEvent(UUID proxyId, String poolName, CircuitState from, CircuitState to, Instant at) {

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code from} and {@code to} are the same state
     */
    public CircuitChangedEvent {
        Objects.requireNonNull(proxyId, "proxyId");
        Objects.requireNonNull(poolName, "poolName");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        if (from == to) {
            throw new IllegalArgumentException("a circuit change needs two different states, got " + from + " twice");
        }
    }
}
