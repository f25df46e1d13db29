package io.pharox;

import io.pharox.event.AcquiredEvent;
import io.pharox.event.CircuitChangedEvent;
import io.pharox.event.ExpiredEvent;
import io.pharox.event.HealthCheckedEvent;
import io.pharox.event.MissedEvent;
import io.pharox.event.ReleasedEvent;

/**
 * Hears what a {@link ProxyManager} does: acquires that got a lease or missed, releases,
 * expiries, health check results and circuit transitions ({@code docs/events.md}). Every method
 * has an empty default, so a listener overrides only what it needs. Methods run on the thread
 * that caused the event, after the storage has recorded it; they should be quick and must not
 * call back into the manager with blocking waits. An exception a listener throws is logged and
 * affects neither the operation nor the other listeners. Events never carry a proxy's
 * credentials.
 */
public interface LeaseListener {

    /**
     * An acquire through the manager got a lease: once per call, whichever form (plain,
     * waiting, retrying, {@code withLease}, {@code lease}); an acquire repeated with its
     * idempotency key that returns a lease already announced is not announced again.
     */
    default void onAcquired(AcquiredEvent event) {}

    /**
     * An acquire through the manager found no proxy: once per call, after its wait or its last
     * attempt if it had them. An acquire that throws fires neither this nor {@link #onAcquired}.
     */
    default void onMissed(MissedEvent event) {}

    /** A lease acquired through the manager was released through it (or found released elsewhere). */
    default void onReleased(ReleasedEvent event) {}

    /**
     * A lease acquired through the manager was found expired: by the manager's
     * {@link ProxyManager#cleanupExpiredLeases()}, or by a release or renewal that came too
     * late. Once per lease.
     */
    default void onExpired(ExpiredEvent event) {}

    /** A health check result was applied through the manager. */
    default void onHealthChecked(HealthCheckedEvent event) {}

    /** A report or health check made through the manager changed a proxy's circuit. */
    default void onCircuitChanged(CircuitChangedEvent event) {}
}
