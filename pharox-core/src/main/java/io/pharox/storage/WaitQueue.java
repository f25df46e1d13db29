package io.pharox.storage;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The queue of acquires waiting for a proxy in a pool, shared by every process on the store,
 * with wake-ups delivered to the waiter whose turn it is. A storage that has one returns it from
 * {@link ProxyStorage#waitQueue()}; {@link io.pharox.ProxyManager#acquire(AcquireRequest,
 * Duration)} then waits in it instead of polling. See {@code docs/waiting.md}.
 *
 * <p>A statement that frees capacity in a pool (a release, an expiry cleanup, a proxy added or
 * made active again, a circuit closing), in any process, wakes the oldest waiters of that pool,
 * about as many as it freed slots. A woken waiter claims; one that fails stays in its place
 * with {@link Waiter#stay()}.
 */
public interface WaitQueue {

    /**
     * Enters the queue of {@code poolName} for at most {@code maxWait}.
     *
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     * @throws IllegalArgumentException if {@code maxWait} is negative or zero
     */
    Waiter join(String poolName, Duration maxWait);

    /**
     * Whether waiters were seen in {@code poolName} lately (in any process). An acquire that would
     * wait should then {@linkplain #join join} before it claims, rather than claim ahead of them.
     */
    boolean contended(String poolName);

    /** One waiting acquire's place in the queue. Used by one thread; {@link #close()} leaves the queue. */
    interface Waiter extends AutoCloseable {

        /** Whether older waiters of the pool were in the queue when this one joined: it should wait its turn. */
        boolean behindOthers();

        /**
         * Waits until this waiter is woken or {@code timeout} passes.
         *
         * @return {@code true} if it was woken: it should claim now
         * @throws InterruptedException if the thread is interrupted while waiting
         */
        boolean await(long timeout, TimeUnit unit) throws InterruptedException;

        /**
         * Whether wake-ups are delivered now. While they are not (the store's listening
         * connection is down), the waiter must poll at its fallback interval.
         */
        boolean live();

        /**
         * Keeps this waiter's place after a claim that found nothing: puts its ticket back if a
         * wake-up removed it, and moves its expiry. If this waiter had been woken, the wake-up
         * goes on to the next waiter (the slot was taken by another acquire, or does not suit
         * this one's request).
         *
         * @return {@code true} if the ticket had been removed by a wake-up this waiter had not
         *         heard of: it should claim again
         */
        boolean stay();

        /** Leaves the queue. Idempotent. */
        @Override
        void close();
    }
}
