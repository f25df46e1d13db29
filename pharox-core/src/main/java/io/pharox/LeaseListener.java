package io.pharox;

import io.pharox.event.AcquiredEvent;
import io.pharox.event.CircuitChangedEvent;
import io.pharox.event.ExpiredEvent;
import io.pharox.event.HealthCheckedEvent;
import io.pharox.event.MissedEvent;
import io.pharox.event.ReleasedEvent;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;

/**
 * Observes the leases a {@link ProxyManager} hands out. Methods run on the thread that
 * caused the event, after the storage has recorded it; they should be quick and must not
 * call back into the manager with blocking waits. An exception a listener throws is logged
 * and does not affect the operation or the other listeners.
 */
public interface LeaseListener {

    /**
     * A lease was acquired through the manager. The proxy in {@code leased} is the one the
     * caller got, without its credentials: events never carry a password.
     */
    default void onAcquired(LeasedProxy leased) {}

    /** A lease acquired through the manager was released through it. */
    default void onReleased(Lease lease) {}

    /**
     * A lease acquired through the manager was found expired: by the manager's
     * {@link ProxyManager#cleanupExpiredLeases()}, or by a release or renewal that came too
     * late. Fired once per lease.
     */
    default void onExpired(Lease lease) {}

    // TODO(issue 19): the events below replace the three above, which go once every caller moved

    /** An acquire through the manager got a lease. */
    default void onAcquired(AcquiredEvent event) {}

    /** An acquire through the manager found no proxy, within its wait if it had one. */
    default void onMissed(MissedEvent event) {}

    /** A lease acquired through the manager was released through it. */
    default void onReleased(ReleasedEvent event) {}

    /** A lease acquired through the manager was found expired; once per lease. */
    default void onExpired(ExpiredEvent event) {}

    /** A health check result was applied through the manager. */
    default void onHealthChecked(HealthCheckedEvent event) {}

    /** A report or health check made through the manager changed a proxy's circuit. */
    default void onCircuitChanged(CircuitChangedEvent event) {}
}
