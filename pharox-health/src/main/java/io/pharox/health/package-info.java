/**
 * Health checks: {@link io.pharox.health.HealthChecker} probes proxies over HTTP, HTTPS
 * (CONNECT), SOCKS4 and SOCKS5, or with a {@link io.pharox.health.ProxyProbe} of your own per
 * protocol, and {@link io.pharox.health.HealthMonitor} checks pools and feeds the results to
 * storage.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.health;

import org.jspecify.annotations.NullMarked;
