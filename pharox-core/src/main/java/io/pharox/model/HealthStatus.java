package io.pharox.model;

/** Outcome of one health check of a proxy. */
public enum HealthStatus {
    /** The probe went through within the latency threshold. */
    HEALTHY(ProxyStatus.ACTIVE),
    /** The probe went through, slower than the latency threshold. */
    SLOW(ProxyStatus.SLOW),
    /** The proxy could not be reached, refused, timed out or broke the exchange. */
    UNREACHABLE(ProxyStatus.INACTIVE),
    /** The proxy rejected the credentials. */
    AUTH_FAILED(ProxyStatus.INACTIVE),
    /** The proxy answered, but not with an expected status. */
    UNEXPECTED_RESPONSE(ProxyStatus.INACTIVE);

    private final ProxyStatus proxyStatus;

    HealthStatus(ProxyStatus proxyStatus) {
        this.proxyStatus = proxyStatus;
    }

    /** Whether the probe went through (HEALTHY or SLOW). */
    public boolean passed() {
        return this == HEALTHY || this == SLOW;
    }

    /** The proxy status this outcome leads to (a banned proxy stays banned regardless). */
    public ProxyStatus proxyStatus() {
        return proxyStatus;
    }
}
