package io.pharox;

import io.pharox.event.AcquiredEvent;
import io.pharox.event.CircuitChangedEvent;
import io.pharox.event.ExpiredEvent;
import io.pharox.event.HealthCheckedEvent;
import io.pharox.event.LeaseObserver;
import io.pharox.event.MissedEvent;
import io.pharox.event.ReleasedEvent;
import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.NoProxyAvailableException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyNotFoundException;
import io.pharox.exception.StaleLeaseException;
import io.pharox.model.CheckedProxy;
import io.pharox.model.CircuitState;
import io.pharox.model.Consumer;
import io.pharox.model.FailureReason;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.WaitQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade services use to lease proxies: acquire (now, or waiting up to a bound), use,
 * release, renew; with defaults for the consumer, lease duration and strategy, listeners for
 * its events and an observer of its acquires and releases ({@code docs/events.md}). All state
 * lives in the {@link ProxyStorage}; the manager is thread-safe and many managers (in many
 * processes) may share one storage.
 *
 * <pre>{@code
 * ProxyManager manager = ProxyManager.builder(storage).defaultConsumer("crawler-1").build();
 * Optional<String> body = manager.withLease(manager.request("residential")
 *         .filter(ProxyFilters.country("DE")).build(), leased -> fetch(leased.proxy()));
 * }</pre>
 */
public final class ProxyManager implements ProxyLeasing {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyManager.class);
    /** A wait longer than this (about 73 years) waits this long: "forever" for any caller. */
    private static final Duration LONGEST_WAIT = Duration.ofNanos(Long.MAX_VALUE / 4);

    private final ProxyStorage storage;
    private final String defaultConsumer;
    private final Duration defaultTtl;
    private final SelectorStrategy defaultStrategy;
    private final Duration waitPollInterval;
    private final Duration wakeUpPollInterval;
    private final Clock clock;
    private final List<LeaseListener> listeners;
    private final @Nullable LeaseObserver observer;
    /** Whether anyone hears of acquires and releases: without listeners and observer, nothing is timed or kept. */
    private final boolean observed;

    private final OutcomePolicy outcomePolicy;
    /** Leases handed out and not yet seen to end, with their pool's name; kept only when there are listeners. */
    private final Map<UUID, Tracked> outstanding = new ConcurrentHashMap<>();
    /** Pool names by pool id, for events and the observer: one entry per pool, filled only when observed. */
    private final Map<UUID, String> poolNames = new ConcurrentHashMap<>();

    private final ReentrantLock releaseLock = new ReentrantLock();
    private final Condition released = releaseLock.newCondition();
    private volatile long releaseCount;

    private ProxyManager(Builder b) {
        this.storage = b.storage;
        this.defaultConsumer = b.defaultConsumer;
        this.defaultTtl = b.defaultTtl;
        this.defaultStrategy = b.defaultStrategy;
        this.waitPollInterval = b.waitPollInterval;
        this.wakeUpPollInterval = b.wakeUpPollInterval;
        this.clock = b.clock;
        this.listeners = List.copyOf(b.listeners);
        this.observer = b.observer;
        this.observed = !listeners.isEmpty() || observer != null;
        this.outcomePolicy = b.outcomePolicy;
    }

    /** A lease this manager handed out, with its pool's name, for the events of its end. */
    private record Tracked(Lease lease, String poolName) {}

    /** What a waiting or retrying acquire did, for its event: whether it waited. Caller's thread only. */
    private static final class Waiting {
        boolean waited;
        int attempts;
    }

    /** A manager on {@code storage} with every default. */
    public static ProxyManager of(ProxyStorage storage) {
        return builder(storage).build();
    }

    /**
     * A builder with defaults: consumer {@value Consumer#DEFAULT_NAME}, ttl
     * {@link AcquireRequest#DEFAULT_TTL}, strategy FIRST_AVAILABLE, wait poll interval 50 ms,
     * the system UTC clock, no listeners, no observer.
     *
     * @throws NullPointerException if {@code storage} is {@code null}
     */
    public static Builder builder(ProxyStorage storage) {
        return new Builder(storage);
    }

    /** The storage this manager works on, for administration (pools, proxies) and reads. */
    public ProxyStorage storage() {
        return storage;
    }

    /**
     * Adds proxies all or nothing: {@link ProxyStorage#addProxies}.
     *
     * @return the proxies as stored, in the order given
     * @throws io.pharox.exception.ProxyBatchException naming the first refused entry; nothing is added
     */
    public List<Proxy> addProxies(List<Proxy> proxies) {
        return storage.addProxies(proxies);
    }

    /**
     * Deletes a pool: {@link ProxyStorage#deletePool}. With {@code force}, the leases this manager
     * handed out in the pool and that were still outstanding are announced as released.
     *
     * @return whether a pool was deleted
     * @throws io.pharox.exception.PoolInUseException if leases are active and {@code force} is not set
     */
    public boolean deletePool(String poolName, boolean force) {
        boolean deleted = storage.deletePool(poolName, force);
        if (deleted && !outstanding.isEmpty()) {
            Instant now = clock.instant();
            for (Tracked tracked : List.copyOf(outstanding.values())) {
                if (tracked.poolName().equals(poolName)
                        && outstanding.remove(tracked.lease().id()) != null) {
                    Lease ended = tracked.lease().released(now);
                    ReleasedEvent event = new ReleasedEvent(ended, poolName, Duration.ZERO, held(ended));
                    listeners.forEach(l -> notify(l, "onReleased", () -> l.onReleased(event)));
                }
            }
        }
        return deleted;
    }

    /**
     * The consumer's active leases in every pool: {@link ProxyStorage#leasesOfConsumer}.
     *
     * @throws IllegalArgumentException if the name is invalid
     */
    public List<Lease> leasesOfConsumer(String consumerName) {
        return storage.leasesOfConsumer(consumerName);
    }

    /**
     * The proxies an acquire with this request could be granted now, without leasing any: a
     * snapshot, see {@link ProxyStorage#findAvailable}.
     *
     * @param limit the most proxies to return, at least 1
     * @throws PoolNotFoundException if the pool does not exist
     */
    public List<Proxy> findAvailable(AcquireRequest request, int limit) {
        return storage.findAvailable(request, limit);
    }

    /**
     * A request builder for {@code poolName} pre-filled with this manager's defaults.
     *
     * @throws IllegalArgumentException if the name is blank (when the request is built)
     */
    @Override
    public AcquireRequest.Builder request(String poolName) {
        return AcquireRequest.forPool(poolName)
                .consumer(defaultConsumer)
                .ttl(defaultTtl)
                .strategy(defaultStrategy);
    }

    /**
     * Acquires a lease in {@code poolName} with this manager's defaults and no filter.
     *
     * @return the lease and its proxy, or empty if no proxy is available now
     * @throws PoolNotFoundException if the pool does not exist
     * @throws IllegalArgumentException if the name is blank
     */
    @Override
    public Optional<LeasedProxy> acquire(String poolName) {
        return acquire(request(poolName).build());
    }

    /**
     * Acquires a lease as the request says, without waiting. Listeners hear an
     * {@link AcquiredEvent} or a {@link MissedEvent}; the observer runs the call.
     *
     * @return the lease and its proxy, or empty if no proxy is available now
     * @throws PoolNotFoundException if the pool does not exist
     */
    @Override
    public Optional<LeasedProxy> acquire(AcquireRequest request) {
        Objects.requireNonNull(request, "request");
        if (!observed) {
            return claim(request);
        }
        try {
            return observe(request, () -> claim(request), null);
        } catch (InterruptedException e) {
            // a claim never throws it: only an observer that breaks its contract could
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the lease observer threw InterruptedException from a plain acquire", e);
        }
    }

    /** One attempt at the storage, without events. */
    private Optional<LeasedProxy> claim(AcquireRequest request) {
        Optional<LeasedProxy> leased = storage.acquire(request);
        if (leased.isPresent() && LOG.isDebugEnabled()) {
            LOG.debug(
                    "acquired lease {} on {}",
                    leased.get().lease().id(),
                    leased.get().proxy());
        }
        return leased;
    }

    /**
     * Runs one acquire call through the observer, times it and announces it: a hit or a miss,
     * once. A call that throws is announced to nobody (the observer sees the exception).
     */
    private Optional<LeasedProxy> observe(
            AcquireRequest request, LeaseObserver.AcquireCall call, @Nullable Waiting waiting)
            throws InterruptedException {
        boolean timed = !listeners.isEmpty();
        long start = timed ? System.nanoTime() : 0L;
        LeaseObserver o = observer;
        Optional<LeasedProxy> leased = o == null ? call.run() : o.acquire(request, call);
        if (leased.isPresent()) {
            poolNames.putIfAbsent(leased.get().lease().poolId(), request.poolName());
        }
        if (timed) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            boolean waited = waiting != null && waiting.waited;
            if (leased.isPresent()) {
                announceAcquired(request, leased.get(), took, waited);
            } else {
                MissedEvent missed = new MissedEvent(request.poolName(), request.strategy(), took, waited);
                listeners.forEach(l -> notify(l, "onMissed", () -> l.onMissed(missed)));
            }
        }
        return leased;
    }

    /**
     * Acquires a lease as the request says, waiting up to {@code maxWait} for a proxy to free
     * up.
     *
     * <p>When the storage has a {@linkplain ProxyStorage#waitQueue() wait queue} (the PostgreSQL
     * adapters), the wait joins it: a release, an expiry cleanup, a proxy added or made active
     * again, in any process, wakes the oldest waiters of the pool, as many as slots were freed,
     * so waiters are served roughly in arrival order across processes. While the queue's
     * wake-ups are delivered, a waiter also claims every {@code wakeUpPollInterval} (leases that
     * lapsed with nobody cleaning them up free no slot by notification), unless wake-ups were
     * seen in the pool in the last 2 s (a claim then would overtake older waiters); while they
     * are not delivered, it polls every {@code waitPollInterval}. An acquire finding waiters already queued in the
     * pool queues behind them before it claims. See {@code docs/waiting.md}.
     *
     * <p>Without a wait queue (the in-memory adapter), releases through this manager wake the
     * wait at once; releases elsewhere (other managers) and expiries are noticed by polling
     * every {@code waitPollInterval}.
     *
     * <p>The call, its wait included, is one {@link AcquiredEvent} or one {@link MissedEvent}
     * for listeners, {@code waited} if it blocked at least once, and one call of the observer.
     *
     * @return the lease and its proxy, or empty if none became available within {@code maxWait}
     * @throws PoolNotFoundException if the pool does not exist
     * @throws IllegalArgumentException if {@code maxWait} is negative
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    @Override
    public Optional<LeasedProxy> acquire(AcquireRequest request, Duration maxWait) throws InterruptedException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
        if (!observed) {
            return await(request, maxWait, new Waiting());
        }
        Waiting waiting = new Waiting();
        return observe(request, () -> await(request, maxWait, waiting), waiting);
    }

    /** The waiting acquire, without events; records in {@code waiting} whether it waited. */
    private Optional<LeasedProxy> await(AcquireRequest request, Duration maxWait, Waiting waiting)
            throws InterruptedException {
        // saturate before converting: toNanos() overflows past 292 years
        long deadline =
                System.nanoTime() + (maxWait.compareTo(LONGEST_WAIT) >= 0 ? LONGEST_WAIT.toNanos() : maxWait.toNanos());
        Optional<WaitQueue> queue = maxWait.isZero() ? Optional.empty() : storage.waitQueue();
        if (queue.isPresent()) {
            return acquireQueued(queue.get(), request, deadline, waiting);
        }
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException(
                        "interrupted while waiting for a proxy in pool '" + request.poolName() + "'");
            }
            long seen = releaseCount;
            Optional<LeasedProxy> leased = claim(request);
            long remaining = deadline - System.nanoTime();
            if (leased.isPresent() || remaining <= 0) {
                return leased;
            }
            waiting.waited = true;
            releaseLock.lockInterruptibly();
            try {
                if (releaseCount == seen) {
                    released.await(Math.min(remaining, waitPollInterval.toNanos()), TimeUnit.NANOSECONDS);
                }
            } finally {
                releaseLock.unlock();
            }
        }
    }

    /**
     * The wait of {@link #acquire(AcquireRequest, Duration)} in the storage's wait queue. An
     * interrupt that reaches a statement (the driver gives up on it and the storage reports a
     * failure) ends the wait as an interrupt does anywhere else.
     */
    private Optional<LeasedProxy> acquireQueued(WaitQueue queue, AcquireRequest request, long deadline, Waiting waiting)
            throws InterruptedException {
        try {
            return waitInQueue(queue, request, deadline, waiting);
        } catch (RuntimeException e) {
            if (Thread.interrupted() || causedByInterrupt(e)) {
                InterruptedException interrupted = new InterruptedException(
                        "interrupted while waiting for a proxy in pool '" + request.poolName() + "'");
                interrupted.initCause(e);
                throw interrupted;
            }
            throw e;
        }
    }

    private static boolean causedByInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private Optional<LeasedProxy> waitInQueue(WaitQueue queue, AcquireRequest request, long deadline, Waiting waiting)
            throws InterruptedException {
        throwIfInterrupted(request);
        if (!queue.contended(request.poolName())) {
            Optional<LeasedProxy> leased = claim(request);
            if (leased.isPresent() || deadline - System.nanoTime() <= 0) {
                return leased;
            }
        }
        long remaining = deadline - System.nanoTime();
        try (WaitQueue.Waiter waiter = queue.join(request.poolName(), Duration.ofNanos(Math.max(1, remaining)))) {
            boolean claim = !waiter.behindOthers();
            while (true) {
                throwIfInterrupted(request);
                if (claim) {
                    Optional<LeasedProxy> leased = claim(request);
                    if (leased.isPresent()) {
                        return leased;
                    }
                    if (waiter.stay()) {
                        continue; // woken by a wake-up it had not heard of: claim again
                    }
                }
                remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return Optional.empty();
                }
                long poll = (waiter.live() ? wakeUpPollInterval : waitPollInterval).toNanos();
                waiting.waited = true;
                boolean woken = waiter.await(Math.min(remaining, poll), TimeUnit.NANOSECONDS);
                if (!woken && waiter.live() && queue.contended(request.poolName())) {
                    // wake-ups are flowing in this pool: a claim now would take a slot meant for an
                    // older waiter; keep the place (and claim if a wake-up went unheard)
                    claim = waiter.stay();
                } else {
                    claim = true;
                }
            }
        }
    }

    private static void throwIfInterrupted(AcquireRequest request) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException(
                    "interrupted while waiting for a proxy in pool '" + request.poolName() + "'");
        }
    }

    /**
     * Acquires a lease, runs {@code work} with it and releases it, also when {@code work} throws.
     *
     * @return what {@code work} returned, or empty if no proxy was available (or {@code work} returned {@code null})
     * @throws PoolNotFoundException if the pool does not exist
     */
    @Override
    public <T> Optional<T> withLease(AcquireRequest request, Function<? super LeasedProxy, ? extends T> work) {
        Objects.requireNonNull(work, "work");
        return LeaseWork.apply(this, acquire(request), work);
    }

    /**
     * Releases a lease. Listeners hear a {@link ReleasedEvent} if this call ended a lease this
     * manager acquired (an {@link ExpiredEvent} if it had expired); the observer runs the call.
     *
     * @return {@code true} if this call ended an active lease; {@code false} if it was already
     *         released or had expired
     * @throws LeaseNotFoundException if the storage has no such lease
     */
    @Override
    public boolean release(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        if (!observed) {
            return releaseNow(lease);
        }
        @Nullable Tracked tracked = listeners.isEmpty() ? null : outstanding.get(lease.id());
        long start = tracked == null ? 0L : System.nanoTime();
        LeaseObserver o = observer;
        boolean releasedNow = o == null
                ? releaseNow(lease)
                : o.release(
                        lease,
                        tracked != null ? tracked.poolName() : poolName(lease.poolId()),
                        () -> releaseNow(lease));
        if (tracked != null) {
            if (releasedNow) {
                if (outstanding.remove(lease.id()) != null) {
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    // the release time by the manager's clock: reading the stored one would cost a round trip
                    Lease ended = tracked.lease().released(clock.instant());
                    ReleasedEvent event = new ReleasedEvent(ended, tracked.poolName(), took, held(ended));
                    for (LeaseListener listener : listeners) {
                        try {
                            listener.onReleased(event);
                        } catch (RuntimeException e) {
                            LOG.warn("lease listener {} failed in {}", listener, "onReleased", e);
                        }
                    }
                }
            } else {
                storage.findLease(lease.id()).ifPresent(this::endedElsewhere);
            }
        }
        return releasedNow;
    }

    /** The release at the storage, without events. */
    private boolean releaseNow(Lease lease) {
        boolean releasedNow = storage.release(lease.id());
        signalRelease();
        LOG.debug(
                "released lease {} on proxy {}: {}",
                lease.id(),
                lease.proxyId(),
                releasedNow ? "released" : "was not active");
        return releasedNow;
    }

    /** How long {@code ended} was held: from its grant to its release, never negative. */
    private static Duration held(Lease ended) {
        Duration held = Duration.between(ended.acquiredAt(), ended.releasedAt().orElse(ended.acquiredAt()));
        return held.isNegative() ? Duration.ZERO : held;
    }

    /** Releases the lease of {@code leased}; see {@link #release(Lease)}. */
    @Override
    public boolean release(LeasedProxy leased) {
        return release(Objects.requireNonNull(leased, "leased").lease());
    }

    /**
     * Extends an active lease so that it expires {@code ttl} from now.
     *
     * @return the renewed lease
     * @throws LeaseNotActiveException if the lease was released or has expired
     * @throws LeaseNotFoundException if the storage has no such lease
     * @throws IllegalArgumentException if the ttl is out of range
     */
    @Override
    public Lease renew(Lease lease, Duration ttl) {
        Objects.requireNonNull(lease, "lease");
        AcquireRequest.requireTtl(ttl);
        Optional<Lease> renewed = storage.renew(lease.id(), ttl);
        if (renewed.isPresent()) {
            if (!listeners.isEmpty()) {
                outstanding.computeIfPresent(lease.id(), (id, old) -> new Tracked(renewed.get(), old.poolName()));
            }
            return renewed.get();
        }
        Lease current = storage.findLease(lease.id()).orElseThrow(() -> new LeaseNotFoundException(lease.id()));
        endedElsewhere(current);
        LeaseStatus status = current.status() == LeaseStatus.ACTIVE ? LeaseStatus.EXPIRED : current.status();
        throw new LeaseNotActiveException(lease.id(), status);
    }

    /**
     * Reclaims expired leases in the storage and announces an {@link ExpiredEvent} for those
     * this manager handed out (past their expiry by the manager's clock, and found expired in
     * the storage).
     *
     * @return how many leases the storage expired (across all managers sharing it)
     */
    public int cleanupExpiredLeases() {
        int expired = storage.cleanupExpiredLeases();
        if (expired > 0) {
            signalRelease();
        }
        if (!listeners.isEmpty()) {
            Instant now = clock.instant();
            for (Tracked tracked : List.copyOf(outstanding.values())) {
                if (!now.isBefore(tracked.lease().expiresAt())) {
                    storage.findLease(tracked.lease().id()).ifPresent(this::endedElsewhere);
                }
            }
        }
        return expired;
    }

    /**
     * Records a health check in the storage and feeds it to the proxy's standing under this
     * manager's {@linkplain Builder#outcomePolicy outcome policy}; announces a
     * {@link HealthCheckedEvent}, and a {@link CircuitChangedEvent} for each circuit transition
     * the check caused.
     *
     * @return the proxy as stored afterwards
     * @throws ProxyNotFoundException if the proxy does not exist
     */
    public Proxy applyHealthCheckResult(HealthCheckResult result) {
        Objects.requireNonNull(result, "result");
        if (listeners.isEmpty()) {
            return storage.applyHealthCheckResult(result, outcomePolicy);
        }
        CheckedProxy checked = storage.applyHealthCheck(result, outcomePolicy);
        String pool = poolName(checked.proxy().poolId());
        HealthCheckedEvent event =
                new HealthCheckedEvent(result, pool, checked.proxy().status());
        listeners.forEach(l -> notify(l, "onHealthChecked", () -> l.onHealthChecked(event)));
        announceCircuit(checked.standing(), pool);
        return checked.proxy();
    }

    /**
     * Acquires a lease as a {@link LeaseHandle}: use it in try-with-resources, report how the
     * request went, and the lease is released when the block ends.
     *
     * <pre>{@code
     * try (LeaseHandle lease = manager.lease(manager.request("residential").forTarget("shop.example").build())) {
     *     Response r = fetch(lease.proxy());
     *     lease.succeeded(r.latency());
     * }
     * }</pre>
     *
     * A handle closed without a report reports {@link FailureReason#ABANDONED} first: the block
     * threw, or it forgot to say how the request went.
     *
     * @throws NoProxyAvailableException if no proxy is available now
     * @throws PoolNotFoundException if the pool does not exist
     */
    public LeaseHandle lease(AcquireRequest request) {
        return handle(request, acquire(request));
    }

    /**
     * Acquires a lease as a {@link LeaseHandle}, waiting up to {@code maxWait} as
     * {@link #acquire(AcquireRequest, Duration)} does.
     *
     * @throws NoProxyAvailableException if no proxy became available within {@code maxWait}
     * @throws PoolNotFoundException if the pool does not exist
     * @throws IllegalArgumentException if {@code maxWait} is negative
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public LeaseHandle lease(AcquireRequest request, Duration maxWait) throws InterruptedException {
        return handle(request, acquire(request, maxWait));
    }

    private LeaseHandle handle(AcquireRequest request, Optional<LeasedProxy> leased) {
        return new LeaseHandle(this, leased.orElseThrow(() -> new NoProxyAvailableException(request.poolName())));
    }

    // ------------------------------------------------------------------ waiting and retrying leases

    /**
     * Acquires a lease as the request says, retrying under {@code retry}: up to
     * {@link RetryPolicy#maxAttempts()} non-waiting attempts with the policy's pauses between
     * them, as the Python Pharox's {@code acquire_proxy_with_retry}. An attempt that found no
     * proxy is retried; one that threw is retried only if the policy retries that exception.
     * The call is announced once, as a whole: an {@link AcquiredEvent} or a {@link MissedEvent}
     * whose duration spans every attempt and pause, {@code waited} when it made more than one
     * attempt; the observer also runs once around the whole call.
     *
     * @return the lease and its proxy, or empty if the last attempt found no proxy
     * @throws PoolNotFoundException if the pool does not exist (at once, never retried)
     * @throws InterruptedException if the thread is interrupted before an attempt or during a
     *         pause; no lease is then held
     * @see RetryPolicy
     */
    public Optional<LeasedProxy> acquire(AcquireRequest request, RetryPolicy retry) throws InterruptedException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(retry, "retry");
        String what = "an acquire in pool '" + request.poolName() + "'";
        if (!observed) {
            return RetryLoop.run(retry, what, () -> claim(request));
        }
        Waiting waiting = new Waiting();
        return observe(
                request,
                () -> RetryLoop.run(retry, what, () -> {
                    if (waiting.attempts++ > 0) {
                        waiting.waited = true;
                    }
                    return claim(request);
                }),
                waiting);
    }

    /**
     * Acquires a lease waiting up to {@code maxWait} as {@link #acquire(AcquireRequest, Duration)}
     * does, runs {@code work} with it and releases it, also when {@code work} throws (its
     * exception propagates).
     *
     * @return what {@code work} returned, or empty if no proxy became available within
     *         {@code maxWait} (the work did not run) or {@code work} returned {@code null}
     * @throws PoolNotFoundException if the pool does not exist
     * @throws IllegalArgumentException if {@code maxWait} is negative
     * @throws InterruptedException if the thread is interrupted while waiting; the work did not run
     */
    public <T> Optional<T> withLease(
            AcquireRequest request, Duration maxWait, Function<? super LeasedProxy, ? extends T> work)
            throws InterruptedException {
        Objects.requireNonNull(work, "work");
        return LeaseWork.apply(this, acquire(request, maxWait), work);
    }

    /**
     * Acquires a lease retrying under {@code retry} as {@link #acquire(AcquireRequest, RetryPolicy)}
     * does, runs {@code work} with it and releases it, also when {@code work} throws, as the
     * Python Pharox's {@code with_retrying_lease}. Only the acquisition is retried: {@code work}
     * runs at most once and its exception propagates.
     *
     * @return what {@code work} returned, or empty if no attempt found a proxy (the work did not
     *         run) or {@code work} returned {@code null}
     * @throws PoolNotFoundException if the pool does not exist
     * @throws InterruptedException if the thread is interrupted before an attempt or during a
     *         pause; the work did not run
     */
    public <T> Optional<T> withLease(
            AcquireRequest request, RetryPolicy retry, Function<? super LeasedProxy, ? extends T> work)
            throws InterruptedException {
        Objects.requireNonNull(work, "work");
        return LeaseWork.apply(this, acquire(request, retry), work);
    }

    /**
     * Acquires a lease as a {@link LeaseHandle}, retrying under {@code retry} as
     * {@link #acquire(AcquireRequest, RetryPolicy)} does; see {@link #lease(AcquireRequest)}.
     *
     * @throws NoProxyAvailableException if no attempt found a proxy
     * @throws PoolNotFoundException if the pool does not exist
     * @throws InterruptedException if the thread is interrupted before an attempt or during a pause
     */
    public LeaseHandle lease(AcquireRequest request, RetryPolicy retry) throws InterruptedException {
        return handle(request, acquire(request, retry));
    }

    /**
     * Reports what happened to a request made through {@code lease}'s proxy, under this manager's
     * {@linkplain Builder#outcomePolicy outcome policy}; see {@link ProxyStorage#report}. A
     * circuit transition the report caused is announced as a {@link CircuitChangedEvent}.
     *
     * @return the proxy's standing afterwards
     * @throws StaleLeaseException if the lease was released or has expired, or is not the grant
     *         the store knows under its id (another fencing token); nothing is recorded
     * @throws LeaseNotFoundException if the storage has no such lease
     */
    public ProxyStanding report(Lease lease, Outcome outcome) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(outcome, "outcome");
        ProxyStanding standing = storage.report(lease.id(), lease.fencingToken(), outcome, outcomePolicy);
        if (!listeners.isEmpty() && standing.circuitChanged()) {
            @Nullable Tracked tracked = outstanding.get(lease.id());
            announceCircuit(standing, tracked != null ? tracked.poolName() : poolName(lease.poolId()));
        }
        LOG.debug(
                "reported {} on lease {} of proxy {}: circuit {}",
                outcome,
                lease.id(),
                lease.proxyId(),
                standing.circuit());
        return standing;
    }

    /** The outcome policy this manager reports with. */
    public OutcomePolicy outcomePolicy() {
        return outcomePolicy;
    }

    private void announceAcquired(AcquireRequest request, LeasedProxy leased, Duration took, boolean waited) {
        // an acquire repeated with its idempotency key returns a lease already announced
        if (outstanding.putIfAbsent(leased.lease().id(), new Tracked(leased.lease(), request.poolName())) != null) {
            return;
        }
        // events never carry credentials: listeners log and export what they hear
        LeasedProxy announced = leased.proxy().credentials().isEmpty()
                ? leased
                : leased.withProxy(leased.proxy().toBuilder().credentials(null).build());
        AcquiredEvent event = new AcquiredEvent(announced, request.poolName(), request.strategy(), took, waited);
        // a plain loop: the hot events allocate no lambda per listener
        for (LeaseListener listener : listeners) {
            try {
                listener.onAcquired(event);
            } catch (RuntimeException e) {
                LOG.warn("lease listener {} failed in {}", listener, "onAcquired", e);
            }
        }
    }

    /**
     * Announces the end of a tracked lease that ended without this manager releasing it:
     * expired, or released by another party (a release that took this manager no time).
     */
    private void endedElsewhere(Lease current) {
        if (current.status() == LeaseStatus.ACTIVE) {
            return;
        }
        @Nullable Tracked tracked = outstanding.remove(current.id());
        if (tracked == null) {
            return;
        }
        if (current.status() == LeaseStatus.EXPIRED) {
            ExpiredEvent event = new ExpiredEvent(current, tracked.poolName());
            listeners.forEach(l -> notify(l, "onExpired", () -> l.onExpired(event)));
        } else {
            ReleasedEvent event = new ReleasedEvent(current, tracked.poolName(), Duration.ZERO, held(current));
            listeners.forEach(l -> notify(l, "onReleased", () -> l.onReleased(event)));
        }
    }

    /**
     * Announces the circuit transitions a report or check left in {@code standing}. A check that
     * found the circuit HALF_OPEN is the first to see that its cooldown ended: OPEN → HALF_OPEN
     * is announced before the transition out of it.
     */
    private void announceCircuit(ProxyStanding standing, String pool) {
        if (!standing.circuitChanged()) {
            return;
        }
        Instant at = clock.instant();
        if (standing.circuitBefore() == CircuitState.HALF_OPEN) {
            fireCircuit(
                    new CircuitChangedEvent(standing.proxyId(), pool, CircuitState.OPEN, CircuitState.HALF_OPEN, at));
        }
        fireCircuit(
                new CircuitChangedEvent(standing.proxyId(), pool, standing.circuitBefore(), standing.circuit(), at));
    }

    private void fireCircuit(CircuitChangedEvent event) {
        listeners.forEach(l -> notify(l, "onCircuitChanged", () -> l.onCircuitChanged(event)));
    }

    /**
     * The name of pool {@code poolId}: remembered from this manager's acquires, else read once
     * with every pool's (pool names never change); the id itself for a pool that is gone.
     */
    private String poolName(UUID poolId) {
        String name = poolNames.get(poolId);
        if (name != null) {
            return name;
        }
        for (ProxyPool pool : storage.listPools()) {
            poolNames.putIfAbsent(pool.id(), pool.name());
        }
        return poolNames.getOrDefault(poolId, poolId.toString());
    }

    private void signalRelease() {
        releaseLock.lock();
        try {
            releaseCount++;
            released.signalAll();
        } finally {
            releaseLock.unlock();
        }
    }

    private static void notify(LeaseListener listener, String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("lease listener {} failed in {}", listener, event, e);
        }
    }

    /**
     * Checks a {@linkplain Builder#waitPollInterval wait poll interval}: 1 ms..1 min.
     *
     * @return {@code interval}
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if it is out of range, naming it
     */
    public static Duration requireWaitPollInterval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("waitPollInterval must be between 1ms and 1min, was " + interval);
        }
        return interval;
    }

    /**
     * Checks a {@linkplain Builder#wakeUpPollInterval wake-up poll interval}: 1 ms..1 min.
     *
     * @return {@code interval}
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if it is out of range, naming it
     */
    public static Duration requireWakeUpPollInterval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("wakeUpPollInterval must be between 1ms and 1min, was " + interval);
        }
        return interval;
    }

    /** Builder for {@link ProxyManager}. Not thread-safe. */
    public static final class Builder {
        private final ProxyStorage storage;
        private String defaultConsumer = Consumer.DEFAULT_NAME;
        private Duration defaultTtl = AcquireRequest.DEFAULT_TTL;
        private SelectorStrategy defaultStrategy = SelectorStrategy.FIRST_AVAILABLE;
        private Duration waitPollInterval = Duration.ofMillis(50);
        private Duration wakeUpPollInterval = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();
        private final List<LeaseListener> listeners = new ArrayList<>();
        private @Nullable LeaseObserver observer;
        private OutcomePolicy outcomePolicy = OutcomePolicy.defaults();

        private Builder(ProxyStorage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
        }

        /** Consumer name used by {@link #request(String)} and {@link #acquire(String)}. */
        public Builder defaultConsumer(String name) {
            this.defaultConsumer = Consumer.requireName(name);
            return this;
        }

        /** Lease duration used by {@link #request(String)} and {@link #acquire(String)}. */
        public Builder defaultTtl(Duration ttl) {
            this.defaultTtl = AcquireRequest.requireTtl(ttl);
            return this;
        }

        /** Strategy used by {@link #request(String)} and {@link #acquire(String)}. */
        public Builder defaultStrategy(SelectorStrategy strategy) {
            this.defaultStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * How often a waiting acquire retries when nothing wakes it: without a wait queue, or
         * while the queue's wake-ups are not delivered (its listening connection is down):
         * 1 ms..1 min, 50 ms by default.
         */
        public Builder waitPollInterval(Duration interval) {
            this.waitPollInterval = requireWaitPollInterval(interval);
            return this;
        }

        /**
         * How often a waiting acquire retries while the storage's wait queue delivers wake-ups:
         * a safety net for capacity that frees without a notification (a lease lapsing with
         * nobody cleaning it up): 1 ms..1 min, 1 s by default.
         */
        public Builder wakeUpPollInterval(Duration interval) {
            this.wakeUpPollInterval = requireWakeUpPollInterval(interval);
            return this;
        }

        /** Clock the manager reads to decide which of its leases to check for expiry. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Adds a listener for the manager's events ({@code docs/events.md}). */
        public Builder listener(LeaseListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets the observer that every acquire call and every release of the manager runs
         * through (a tracing or metrics library's), replacing the one set before; none by
         * default. See {@link LeaseObserver}.
         */
        public Builder observer(LeaseObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * How reports and health checks sent through this manager change a proxy's standing
         * (circuit threshold and cooldowns, ban cooldown, score smoothing). Default:
         * {@link OutcomePolicy#defaults()}. Processes sharing a store should use one policy.
         */
        public Builder outcomePolicy(OutcomePolicy policy) {
            this.outcomePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Builds the manager. */
        public ProxyManager build() {
            return new ProxyManager(this);
        }
    }
}
