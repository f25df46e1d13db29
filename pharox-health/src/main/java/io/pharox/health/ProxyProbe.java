package io.pharox.health;

import io.pharox.model.Proxy;

/**
 * Probes one proxy once: the part of a health check that speaks to the network. The
 * {@link HealthChecker} has a built-in probe for every {@link io.pharox.model.ProxyProtocol}
 * (a {@code GET} for the options' target through the proxy) and takes another one per protocol
 * with {@link HealthChecker#withProbe}, for proxies that need a different check: a login
 * page, a protocol of a provider's own, a check against a service of yours.
 *
 * <p>The checker does the rest around each call, for built-in and registered probes alike:
 * it measures the latency of the call and makes a passed probe SLOW above
 * {@link HealthCheckOptions#slowThreshold()}, retries an UNREACHABLE result as
 * {@link HealthCheckOptions#retries()} says, stamps the result with its clock, and masks the
 * proxy's password if it appears in a detail.
 *
 * <pre>{@code
 * HealthChecker checker = new HealthChecker(options)
 *         .withProbe(ProxyProtocol.SOCKS5, (proxy, opts) -> myProviderApi.isUp(proxy)
 *                 ? ProbeResult.passed()
 *                 : ProbeResult.failed(HealthStatus.UNREACHABLE, "provider reports " + proxy.address() + " down"));
 * }</pre>
 */
@FunctionalInterface
public interface ProxyProbe {

    /**
     * Probes {@code proxy} once with {@code options} (those of the checker calling).
     *
     * <p>Contract: every outcome on the network is a returned {@link ProbeResult}, never an
     * exception; a detail never contains the proxy's password; the call returns within the
     * options' timeouts; and the probe is thread-safe, since {@link HealthChecker#checkAll} calls
     * it for many proxies at once. A {@link RuntimeException} thrown (or a {@code null}
     * returned) is taken for a bug in the probe and propagates out of the checker.
     *
     * @return whether the proxy passed, and if not, why
     */
    ProbeResult probe(Proxy proxy, HealthCheckOptions options);
}
