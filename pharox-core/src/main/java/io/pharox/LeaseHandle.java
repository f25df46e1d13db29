package io.pharox;

import io.pharox.exception.LeaseNotActiveException;
import io.pharox.model.FailureReason;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyStanding;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease that reports: what {@link ProxyManager#lease(io.pharox.storage.AcquireRequest)} hands
 * out. Report how each request through the proxy went ({@link #succeeded}, {@link #failed},
 * {@link #targetBlocked}, {@link #report}); {@link #close()} releases the lease, and first reports
 * {@link FailureReason#ABANDONED} if nothing was reported, so a block that throws before its
 * report counts as a failure.
 *
 * <p>Thread-safe; reporting and closing may happen on different threads.
 */
public final class LeaseHandle implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseHandle.class);

    private final ProxyManager manager;
    private final LeasedProxy leased;
    private final AtomicBoolean reported = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    LeaseHandle(ProxyManager manager, LeasedProxy leased) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.leased = Objects.requireNonNull(leased, "leased");
    }

    /** The lease as granted. */
    public Lease lease() {
        return leased.lease();
    }

    /** The leased proxy, with its credentials. */
    public Proxy proxy() {
        return leased.proxy();
    }

    /** The lease and its proxy as granted. */
    public LeasedProxy leased() {
        return leased;
    }

    /** The grant's fencing token: pass it downstream; see {@link Lease#fencingToken()}. */
    public long fencingToken() {
        return leased.lease().fencingToken();
    }

    /**
     * Reports {@code outcome}; see {@link ProxyManager#report}.
     *
     * @return the proxy's standing afterwards
     * @throws io.pharox.exception.StaleLeaseException if the lease has ended (released or expired)
     */
    public ProxyStanding report(Outcome outcome) {
        ProxyStanding standing = manager.report(leased.lease(), outcome);
        reported.set(true);
        return standing;
    }

    /** Reports a success that took {@code latency}; see {@link #report}. */
    public ProxyStanding succeeded(Duration latency) {
        return report(Outcome.success(latency));
    }

    /** Reports a failure for {@code reason}; see {@link #report} and {@link Outcome#failure}. */
    public ProxyStanding failed(FailureReason reason) {
        return report(Outcome.failure(reason));
    }

    /** Reports that {@code host} refuses this proxy; see {@link #report} and {@link Outcome#targetBlocked}. */
    public ProxyStanding targetBlocked(String host) {
        return report(Outcome.targetBlocked(host));
    }

    /** Reports an unexpected HTTP status; see {@link #report} and {@link Outcome#httpStatus}. */
    public ProxyStanding httpStatus(int code) {
        return report(Outcome.httpStatus(code));
    }

    /** Whether an outcome has been reported through this handle. */
    public boolean hasReported() {
        return reported.get();
    }

    /**
     * Releases the lease, once; before that, reports {@link FailureReason#ABANDONED} if nothing
     * was reported. A lease that has already ended is not reported on and its release changes
     * nothing. Later calls do nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!reported.get()) {
                try {
                    manager.report(leased.lease(), Outcome.failure(FailureReason.ABANDONED));
                } catch (LeaseNotActiveException ended) {
                    LOG.debug(
                            "lease {} ended before its handle closed: nothing reported",
                            leased.lease().id());
                }
            }
        } finally {
            manager.release(leased.lease());
        }
    }

    @Override
    public String toString() {
        return "LeaseHandle[" + leased.lease() + ']';
    }
}
