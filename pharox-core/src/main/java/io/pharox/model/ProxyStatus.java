package io.pharox.model;

/**
 * Operational status of a proxy. Only {@link #ACTIVE} proxies are leased; every other
 * status keeps a proxy out of rotation until its status changes back.
 */
public enum ProxyStatus {
    /** Healthy and leasable. */
    ACTIVE,
    /** Its last health check answered, but slower than the configured threshold. Not leased. */
    SLOW,
    /** Failing its health checks, or disabled by an operator. Not leased. */
    INACTIVE,
    /**
     * Banned by an operator (for example blocked by a target site). Not leased, and health
     * checks never lift a ban: only an explicit update does.
     */
    BANNED;

    /** Whether a proxy in this status may receive new leases. */
    public boolean isLeasable() {
        return this == ACTIVE;
    }
}
