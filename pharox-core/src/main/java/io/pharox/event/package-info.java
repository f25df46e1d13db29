/**
 * The events a {@link io.pharox.ProxyManager} announces to its {@link io.pharox.LeaseListener}s:
 * acquires that got a lease or missed, releases, expiries, health check results and circuit
 * transitions. Events carry pool names, strategies, durations and leases; they never carry a
 * proxy's credentials.
 */
@NullMarked
package io.pharox.event;

import org.jspecify.annotations.NullMarked;
