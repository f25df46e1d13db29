package io.pharox;

import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.storage.AcquireRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The leasing calls a service makes: acquire (now or waiting), work with a lease, renew, release.
 * {@link ProxyManager} implements them on an embedded storage; {@code pharox-client}'s {@code
 * PharoxClient} over HTTP against a {@code pharox-server}. Code written against this interface
 * switches from embedded to remote leasing by changing the one line that builds it.
 */
public interface ProxyLeasing {

    /**
     * A request builder for {@code poolName} pre-filled with this leaser's defaults (consumer,
     * ttl, strategy).
     */
    AcquireRequest.Builder request(String poolName);

    /**
     * Acquires a lease in {@code poolName} with this leaser's defaults and no filter.
     *
     * @return the lease and its proxy, or empty if no proxy is available now
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     */
    default Optional<LeasedProxy> acquire(String poolName) {
        return acquire(request(poolName).build());
    }

    /**
     * Acquires a lease as the request says, without waiting.
     *
     * @return the lease and its proxy, or empty if no proxy is available now
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     */
    Optional<LeasedProxy> acquire(AcquireRequest request);

    /**
     * Acquires a lease as the request says, waiting up to {@code maxWait} for one to become
     * available.
     *
     * @return the lease and its proxy, or empty if none became available in time
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    Optional<LeasedProxy> acquire(AcquireRequest request, Duration maxWait) throws InterruptedException;

    /**
     * Acquires a lease, runs {@code work} with it and releases it, also when {@code work} throws
     * (a failing release is then added to the work's failure as suppressed).
     *
     * @return what {@code work} returned, or empty if no proxy was available (or {@code work}
     *         returned {@code null})
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     */
    default <T> Optional<T> withLease(AcquireRequest request, Function<? super LeasedProxy, ? extends T> work) {
        Objects.requireNonNull(work, "work");
        return LeaseWork.apply(this, acquire(request), work);
    }

    /**
     * Releases a lease.
     *
     * @return {@code true} if this call ended an active lease; {@code false} if it was already
     *         released or had expired
     * @throws io.pharox.exception.LeaseNotFoundException if there is no such lease
     */
    boolean release(Lease lease);

    /** Releases the lease of {@code leased}; see {@link #release(Lease)}. */
    default boolean release(LeasedProxy leased) {
        return release(Objects.requireNonNull(leased, "leased").lease());
    }

    /**
     * Extends an active lease so that it expires {@code ttl} from now.
     *
     * @return the renewed lease
     * @throws io.pharox.exception.LeaseNotActiveException if the lease was released or has expired
     * @throws io.pharox.exception.LeaseNotFoundException if there is no such lease
     * @throws IllegalArgumentException if the ttl is out of range
     */
    Lease renew(Lease lease, Duration ttl);
}
