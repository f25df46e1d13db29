package io.pharox.storage;

/**
 * What an acquire through a {@linkplain StickySession sticky session} does when the session's
 * proxy cannot be leased now (full with other leases, not ACTIVE, its circuit open or its probe
 * out, banned for the request's target, filtered out by the request's filter).
 */
public enum SessionFallback {
    /**
     * Lease another proxy that matches the request, chosen by its strategy as usual, and bind the
     * session to it: the lease reports {@link io.pharox.model.SessionBinding.State#REBOUND}. If no
     * proxy can be leased, the acquire returns empty and the session stays on its proxy.
     */
    REBIND,
    /**
     * Return empty and keep the session on its proxy: the caller waits for that proxy, for
     * example with {@link io.pharox.ProxyManager#acquire(AcquireRequest, java.time.Duration)},
     * which acquires again until the proxy can be leased or its wait ends. A proxy that has been
     * removed is never waited for: the session is rebound as with {@link #REBIND}.
     */
    WAIT
}
