package io.pharox.model;

/**
 * The state of a proxy's circuit breaker, as of now; see {@code docs/outcomes.md} for the state
 * machine.
 */
public enum CircuitState {
    /** The proxy is leased normally. */
    CLOSED,
    /** Too many consecutive failures: the proxy is not leased until its cooldown ends. */
    OPEN,
    /**
     * The cooldown has ended: one lease at a time (across every process sharing the store) is
     * granted as a probe; its success closes the circuit, its failure opens it again with a
     * doubled cooldown.
     */
    HALF_OPEN
}
