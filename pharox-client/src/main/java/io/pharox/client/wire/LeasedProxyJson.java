package io.pharox.client.wire;

import io.pharox.model.LeasedProxy;

/**
 * The answer to an acquire: the lease and its proxy, credentials included.
 *
 * @param lease the new lease
 * @param proxy the leased proxy
 */
public record LeasedProxyJson(LeaseJson lease, ProxyJson proxy) {

    /** The JSON form of a grant, with the proxy's credentials. */
    public static LeasedProxyJson of(LeasedProxy leased) {
        return new LeasedProxyJson(LeaseJson.of(leased.lease()), ProxyJson.of(leased.proxy(), true));
    }

    /**
     * The grant this JSON describes.
     *
     * @throws IllegalArgumentException if a value is invalid
     */
    public LeasedProxy toLeasedProxy() {
        return new LeasedProxy(lease.toLease(), proxy.toProxy());
    }
}
