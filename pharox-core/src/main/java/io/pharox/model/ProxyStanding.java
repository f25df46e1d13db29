package io.pharox.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What the store has learned about a proxy from outcome reports and health checks, as of now:
 * its circuit, its consecutive failures and its scores. Every process sharing the store sees
 * the same standing.
 *
 * @param proxyId             the proxy
 * @param circuit             the circuit's state now
 * @param consecutiveFailures failures counting against the proxy since its last success
 * @param openings            how many times the circuit has opened since it last closed: the
 *                            cooldown of the last opening was the policy's cooldown × 2^(openings − 1),
 *                            capped
 * @param openUntil           when the current (or last) cooldown ends; empty while the circuit is closed
 * @param successRate         exponentially weighted success rate, 0..1; 1 before any report
 * @param latency             exponentially weighted latency of successes and passed health checks;
 *                            empty before the first
 * @param lastFencingToken    the fencing token of the latest grant on the proxy; 0 before the first
 * @param circuitBefore       the circuit's state just before the report or health check that
 *                            returned this standing, at the instant it was applied (so a change
 *                            from {@code circuitBefore} to {@code circuit} is a transition that
 *                            report or check caused); equal to {@code circuit} for a standing
 *                            that was only read
 */
public record ProxyStanding(
        UUID proxyId,
        CircuitState circuit,
        int consecutiveFailures,
        int openings,
        Optional<Instant> openUntil,
        double successRate,
        Optional<Duration> latency,
        long lastFencingToken,
        CircuitState circuitBefore) {

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if a count is negative, the success rate is outside 0..1,
     *         or the circuit is not CLOSED without {@code openUntil}
     */
    public ProxyStanding {
        Objects.requireNonNull(proxyId, "proxyId");
        Objects.requireNonNull(circuit, "circuit");
        Objects.requireNonNull(openUntil, "openUntil");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(circuitBefore, "circuitBefore");
        if (consecutiveFailures < 0 || openings < 0 || lastFencingToken < 0) {
            throw new IllegalArgumentException("counts must not be negative: consecutiveFailures " + consecutiveFailures
                    + ", openings " + openings + ", lastFencingToken " + lastFencingToken);
        }
        if (!(successRate >= 0 && successRate <= 1)) {
            throw new IllegalArgumentException("successRate must be between 0 and 1, was " + successRate);
        }
        if (circuit != CircuitState.CLOSED && openUntil.isEmpty()) {
            throw new IllegalArgumentException("an " + circuit + " circuit needs openUntil");
        }
    }

    /**
     * A standing as read, not changed by a report or check: its {@link #circuitBefore()} is
     * {@code circuit}.
     *
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ProxyStanding(
            UUID proxyId,
            CircuitState circuit,
            int consecutiveFailures,
            int openings,
            Optional<Instant> openUntil,
            double successRate,
            Optional<Duration> latency,
            long lastFencingToken) {
        this(
                proxyId,
                circuit,
                consecutiveFailures,
                openings,
                openUntil,
                successRate,
                latency,
                lastFencingToken,
                Objects.requireNonNull(circuit, "circuit"));
    }

    /** This standing as left by a report or check that found the circuit {@code before}. */
    public ProxyStanding withCircuitBefore(CircuitState before) {
        return new ProxyStanding(
                proxyId,
                circuit,
                consecutiveFailures,
                openings,
                openUntil,
                successRate,
                latency,
                lastFencingToken,
                before);
    }

    /** Whether the report or check that returned this standing changed the circuit's state. */
    public boolean circuitChanged() {
        return circuitBefore != circuit;
    }

    /**
     * The circuit state at {@code now} of a circuit whose cooldown ends at {@code openUntil}
     * ({@code null}: closed).
     */
    public static CircuitState circuitAt(Instant now, Optional<Instant> openUntil) {
        if (openUntil.isEmpty()) {
            return CircuitState.CLOSED;
        }
        return now.isBefore(openUntil.get()) ? CircuitState.OPEN : CircuitState.HALF_OPEN;
    }
}
