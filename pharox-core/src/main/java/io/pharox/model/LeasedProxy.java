package io.pharox.model;

import java.util.Objects;

/**
 * What an acquire hands out: the lease and the proxy it is on, as the proxy was right after
 * the lease was taken (its {@link Proxy#currentLeases()} includes this lease).
 *
 * @param lease the new lease
 * @param proxy the leased proxy
 */
public record LeasedProxy(Lease lease, Proxy proxy) {

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the lease is not on the proxy
     */
    public LeasedProxy {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(proxy, "proxy");
        if (!lease.proxyId().equals(proxy.id())) {
            throw new IllegalArgumentException(
                    "lease " + lease.id() + " is on proxy " + lease.proxyId() + ", not on " + proxy.id());
        }
    }
}
