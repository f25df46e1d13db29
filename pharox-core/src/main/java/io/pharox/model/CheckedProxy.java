package io.pharox.model;

import java.util.Objects;

/**
 * What recording a health check left: the proxy as stored afterwards, and its standing with the
 * circuit's state before the check ({@link ProxyStanding#circuitBefore()}).
 *
 * @param proxy    the proxy as stored after the check
 * @param standing the proxy's standing after the check
 */
public record CheckedProxy(Proxy proxy, ProxyStanding standing) {

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the standing is of another proxy
     */
    public CheckedProxy {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(standing, "standing");
        if (!proxy.id().equals(standing.proxyId())) {
            throw new IllegalArgumentException(
                    "standing of proxy " + standing.proxyId() + " does not belong to proxy " + proxy.id());
        }
    }
}
