package io.pharox.event;

import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.storage.AcquireRequest;
import java.util.Optional;

/**
 * Wraps every acquire and release a {@link io.pharox.ProxyManager} makes, so that a tracing or
 * metrics library can time it and make it the parent of what the storage does meanwhile (a
 * Micrometer {@code Observation}, a span). The manager calls the observer on the caller's
 * thread; the observer must run {@code call} exactly once, on that thread, and return or throw
 * what it returned or threw. The defaults only run the call.
 *
 * <p>Unlike listeners' events, what an acquire returns is the caller's lease, with the proxy's
 * credentials: an observer must not record them. The manager's listeners hear their events
 * after the observer returned. See {@code docs/events.md}.
 */
public interface LeaseObserver {

    /** One acquire, as the manager makes it. */
    @FunctionalInterface
    interface AcquireCall {
        /** Runs the acquire: a lease, or empty if none was available within its wait. */
        Optional<LeasedProxy> run() throws InterruptedException;
    }

    /** One release, as the manager makes it. */
    @FunctionalInterface
    interface ReleaseCall {
        /** Runs the release: whether the lease was active and is now released. */
        boolean run();
    }

    /**
     * Runs one acquire of {@code request} (a waiting acquire is one call, its wait included).
     *
     * @throws InterruptedException if {@code call} throws it
     */
    default Optional<LeasedProxy> acquire(AcquireRequest request, AcquireCall call) throws InterruptedException {
        return call.run();
    }

    /**
     * Runs one release of {@code lease}, a lease of pool {@code poolName} (the pool the manager
     * acquired it in, or else looked up by the lease's pool id).
     */
    default boolean release(Lease lease, String poolName, ReleaseCall call) {
        return call.run();
    }
}
