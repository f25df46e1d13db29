package io.pharox.storage;

import io.pharox.model.CheckedProxy;
import io.pharox.model.Consumer;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.model.SessionInfo;
import io.pharox.model.TargetBan;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The storage port: where pools, proxies, consumers and leases live. Each adapter
 * (in-memory, JDBC, JPA, your own) implements it, and {@code pharox-testkit}'s contract
 * suite proves that it does so correctly. Implementations are thread-safe.
 *
 * <h2>The contract</h2>
 * <ul>
 *   <li>{@link #acquire} is atomic: choosing a proxy and recording the lease happen as one
 *       step, so concurrent callers (threads, processes, machines sharing the store) never
 *       take more slots of a proxy than its {@link Proxy#maxConcurrency()}.</li>
 *   <li>A proxy is available when its status is leasable, it matches the request's filter and
 *       its active leases are below its capacity. A lease past its expiry time is not active,
 *       even before {@link #cleanupExpiredLeases()} records it as expired.</li>
 *   <li>{@link #release} is idempotent: a second release, or the release of an expired lease,
 *       changes nothing and never frees a slot another lease holds.</li>
 *   <li>At every instant, for every proxy: active leases ≤ capacity, and the stored
 *       {@link Proxy#currentLeases()} equals its number of lease records in state ACTIVE.</li>
 *   <li>An unknown pool is an error ({@link io.pharox.exception.PoolNotFoundException}); an empty pool,
 *       or one where nothing is available, is not: {@link #acquire} returns empty.</li>
 *   <li>Storage failures surface as {@link io.pharox.exception.StorageException}.</li>
 *   <li>A call rejected for its input (a null, an invalid value, an unknown or taken name or
 *       id) changes nothing in the store; {@code docs/bad-input.md} lists every input and
 *       its outcome.</li>
 * </ul>
 * <h2>What proxies learn</h2>
 * Outcome {@linkplain #report reports} and health checks change a proxy's {@linkplain
 * #standing standing}: a proxy whose circuit is OPEN is not leased; a HALF_OPEN one is leased to
 * one probe at a time; a request that names a {@linkplain AcquireRequest#target target} skips
 * proxies banned for it. Every grant carries a {@linkplain Lease#fencingToken fencing token}
 * greater than every earlier grant's on the same proxy. A proxy with a {@linkplain
 * Proxy#minGrantInterval() minimum interval between grants} (its own, or its pool's default) is
 * not granted again until that interval has passed since its last grant ({@code docs/pacing.md}).
 * An INACTIVE (or other non-leasable)
 * status wins over all of it.
 *
 * "Now" is the storage's clock: an injected {@link java.time.Clock} in memory, the database's
 * clock in SQL adapters, so that every process agrees on expiry.
 */
public interface ProxyStorage {

    /**
     * Creates a pool.
     *
     * @throws io.pharox.exception.PoolAlreadyExistsException if the name is taken
     * @throws IllegalArgumentException if the name is blank or too long, or the name or
     *         description is not {@link io.pharox.model.Storable#text storable} text
     */
    ProxyPool createPool(String name, String description);

    /** The pool with this name, if there is one. */
    Optional<ProxyPool> findPool(String name);

    /** Every pool, ordered by name; unmodifiable. */
    List<ProxyPool> listPools();

    /**
     * Sets or clears the pool's default minimum interval between two grants of one proxy, which
     * applies to its proxies without an interval of their own ({@code docs/pacing.md}). It applies
     * to every acquire that starts after this call returns, including the decision on proxies
     * granted before it.
     *
     * @param interval positive, at most {@link io.pharox.model.Pacing#MAX_MIN_GRANT_INTERVAL},
     *        whole milliseconds; {@code null} clears the default
     * @return the pool as stored
     * @throws io.pharox.exception.PoolNotFoundException if there is no such pool
     * @throws IllegalArgumentException if the name or the interval is invalid; the message names it
     */
    ProxyPool setDefaultMinGrantInterval(String poolName, @Nullable Duration interval);

    /**
     * Adds a proxy to the pool named by its {@link Proxy#poolId()}. The stored proxy starts
     * with no leases whatever {@link Proxy#currentLeases()} says.
     *
     * @return the proxy as stored
     * @throws io.pharox.exception.PoolNotFoundException if its pool does not exist
     * @throws io.pharox.exception.ProxyAlreadyExistsException if the id, or host and port, is taken in the pool
     */
    Proxy addProxy(Proxy proxy);

    /**
     * Adds every proxy of {@code proxies}, all or nothing, as {@link #addProxy} adds one: either
     * every entry is stored or, when one is refused, none is. The proxies may belong to different
     * pools. The SQL adapters write the batch in a few statements, not one per proxy.
     *
     * @return the proxies as stored, in the order given; empty for an empty list
     * @throws NullPointerException if {@code proxies} is {@code null}
     * @throws io.pharox.exception.ProxyBatchException naming the position of the first refused entry,
     *         with the reason as its cause: its pool does not exist, its id or host and port is taken
     *         in the store or by an earlier entry of the batch in the same pool, or it is {@code null}
     */
    List<Proxy> addProxies(List<Proxy> proxies);

    /**
     * Deletes a pool with its proxies, their leases' records, sessions and bans.
     *
     * <p>Without {@code force} the deletion is refused while a lease on one of its proxies is active
     * (leases past their expiry do not count). With {@code force}, its active leases end as RELEASED.
     * The pool's lease records go with it: afterwards {@link #findLease} finds none of them, and
     * releasing or renewing one throws {@link io.pharox.exception.LeaseNotFoundException}. A pool
     * with the same name may be created again.
     *
     * @return whether a pool was deleted ({@code false} if there is no pool with this name)
     * @throws io.pharox.exception.PoolInUseException if leases are active and {@code force} is not set;
     *         nothing is deleted
     * @throws IllegalArgumentException if the name is {@linkplain ProxyPool#requireName invalid}
     */
    boolean deletePool(String poolName, boolean force);

    /**
     * Replaces a proxy's descriptive values (address, protocol, credentials, status,
     * capacity, tags, health fields, its own {@linkplain Proxy#minGrantInterval() interval between
     * grants}). Its pool and its lease counter are kept: lowering the
     * capacity below the active leases ends none of them, it only blocks new acquires.
     *
     * @return the proxy as stored
     * @throws io.pharox.exception.ProxyNotFoundException if no proxy has its id
     * @throws IllegalArgumentException if it names another pool than the stored proxy
     * @throws io.pharox.exception.ProxyAlreadyExistsException if the new host and port are taken in the pool
     */
    Proxy updateProxy(Proxy proxy);

    /**
     * Removes a proxy. Its active leases end as RELEASED.
     *
     * @return whether a proxy was removed
     */
    boolean removeProxy(UUID proxyId);

    /** The proxy with this id, if there is one. */
    Optional<Proxy> findProxy(UUID proxyId);

    /**
     * The pool's proxies in {@link Proxy#STABLE_ORDER}; unmodifiable.
     *
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     */
    List<Proxy> listProxies(String poolName);

    /**
     * The consumer with this name, created if it does not exist yet. Concurrent calls with one
     * name return the same consumer.
     *
     * @throws IllegalArgumentException if the name is blank or too long
     */
    Consumer ensureConsumer(String name);

    /**
     * Atomically chooses an available proxy by the request's filter and strategy, records a
     * lease on it for the request's consumer (created on first use) lasting the request's ttl,
     * and counts it against the proxy's capacity.
     *
     * <p>With an {@link AcquireRequest#idempotencyKey() idempotency key}, the granted lease's id
     * is the key, and at most one lease ever has it: if a lease with that id exists already in
     * the request's pool for the request's consumer and is still active, the call returns that
     * lease (with its proxy as stored now) and takes no second slot, even when nothing else is
     * available. A caller that lost the reply to an acquire repeats it with the same key and
     * gets either the lease the first call granted or a fresh one, never two.
     *
     * <p>With a {@linkplain AcquireRequest#session() sticky session} (scoped to the pool and the
     * session's key; {@code docs/sessions.md} has the rules):
     * <ul>
     *   <li>no live session with the key: the acquire leases as usual and, if it grants, creates
     *       the session bound to the leased proxy ({@link io.pharox.model.SessionBinding.State#NEW});</li>
     *   <li>a live session: the acquire leases exactly its proxy, under every rule of an acquire
     *       (capacity, status, circuit, target bans, the request's filter)
     *       ({@link io.pharox.model.SessionBinding.State#KEPT}); if that proxy cannot be leased,
     *       {@link SessionFallback#REBIND} leases another proxy matching the request and binds the
     *       session to it ({@link io.pharox.model.SessionBinding.State#REBOUND}), while
     *       {@link SessionFallback#WAIT} returns empty; a removed proxy is rebound under both;</li>
     *   <li>each grant moves the session's idle deadline to the later of its current value and the
     *       lease's expiry plus the session's idle timeout, and counts one use; the grant that
     *       reaches the session's maximum of uses ends it;</li>
     *   <li>a session holds no slot; concurrent acquires with one new key (any processes) bind
     *       the session to one proxy.</li>
     * </ul>
     *
     * @return the lease and the proxy, or empty if no proxy is available
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     * @throws io.pharox.exception.LeaseNotActiveException if the idempotency key names a lease
     *         that has been released or has expired: the request was served once and is over
     * @throws IllegalArgumentException if the idempotency key names a lease of another pool or
     *         consumer (the message names the key)
     */
    Optional<LeasedProxy> acquire(AcquireRequest request);

    /**
     * Releases a lease and frees its slot, if it is still active.
     *
     * @return {@code true} if this call released an active lease; {@code false} if it was
     *         already released or has expired (an expired lease's slot is reclaimed, once)
     * @throws io.pharox.exception.LeaseNotFoundException if no lease has this id
     */
    boolean release(UUID leaseId);

    /**
     * Extends an active lease: its expiry becomes now + {@code ttl}.
     *
     * @return the renewed lease, or empty if it is released or expired
     * @throws io.pharox.exception.LeaseNotFoundException if no lease has this id
     * @throws IllegalArgumentException if the ttl is out of {@link AcquireRequest#requireTtl range}
     */
    Optional<Lease> renew(UUID leaseId, Duration ttl);

    /**
     * Marks every lease whose expiry time has passed as EXPIRED and frees its slot, each
     * exactly once even when cleanups, releases and acquires run concurrently. Also removes the
     * target bans that have ended and the sticky sessions past their idle deadline.
     *
     * @return how many leases this call expired
     */
    int cleanupExpiredLeases();

    /**
     * Records a health check: the proxy's status, last check time and latency change as
     * {@link Proxy#withHealthCheck(HealthCheckResult)} describes. A proxy that failed stops
     * being leased; its current leases are not ended.
     *
     * @return the proxy as stored afterwards
     * @throws io.pharox.exception.ProxyNotFoundException if the proxy does not exist
     */
    default Proxy applyHealthCheckResult(HealthCheckResult result) {
        return applyHealthCheckResult(result, OutcomePolicy.defaults());
    }

    /**
     * Records a health check as {@link #applyHealthCheckResult(HealthCheckResult)} does, and
     * feeds it to the proxy's standing like a {@link #report} under {@code policy}: a passed
     * check is a success with the check's latency, a failed one a failure that counts against
     * the proxy.
     *
     * @return the proxy as stored afterwards
     * @throws io.pharox.exception.ProxyNotFoundException if the proxy does not exist
     */
    default Proxy applyHealthCheckResult(HealthCheckResult result, OutcomePolicy policy) {
        return applyHealthCheck(result, policy).proxy();
    }

    /**
     * Records a health check as {@link #applyHealthCheckResult(HealthCheckResult, OutcomePolicy)}
     * does, atomically, and says what it left: the proxy as stored afterwards and its standing,
     * whose {@link ProxyStanding#circuitBefore()} is the circuit's state at the instant the check
     * was applied, before it (so that a caller sees the transition the check caused without a
     * second read).
     *
     * @throws io.pharox.exception.ProxyNotFoundException if the proxy does not exist
     */
    CheckedProxy applyHealthCheck(HealthCheckResult result, OutcomePolicy policy);

    /**
     * Records what happened to a request made through the proxy of an active lease, and changes
     * the proxy's standing by {@code policy}, atomically for every process sharing the store:
     * <ul>
     *   <li>a success resets the consecutive failures; on a half-open circuit it closes it;</li>
     *   <li>a failure that {@linkplain Outcome#countsAgainstProxy counts against the proxy} adds
     *       one; reaching the policy's threshold on a closed circuit opens it for the policy's
     *       cooldown; on a half-open circuit it opens it again for twice the last cooldown
     *       (capped);</li>
     *   <li>a {@link io.pharox.model.FailureReason#TARGET_BLOCKED} failure bans the proxy for
     *       its target for the policy's ban cooldown (a ban in force is extended);</li>
     *   <li>successes and failures that count against the proxy move its success rate (and
     *       successes its latency) by the policy's smoothing weight.</li>
     * </ul>
     * A lease may carry any number of reports while it is active.
     *
     * @param fencingToken the lease's {@link Lease#fencingToken()}
     * @return the proxy's standing afterwards; its {@link ProxyStanding#circuitBefore()} is the
     *         circuit's state at the instant the report was applied, before it
     * @throws io.pharox.exception.LeaseNotFoundException if no lease has this id
     * @throws io.pharox.exception.StaleLeaseException if the lease is released or expired, or its
     *         token is not {@code fencingToken}; nothing is recorded
     */
    ProxyStanding report(UUID leaseId, long fencingToken, Outcome outcome, OutcomePolicy policy);

    /** The proxy's standing as of now, if the proxy exists. */
    Optional<ProxyStanding> standing(UUID proxyId);

    /** The proxy's bans in force now, by target; unmodifiable. */
    List<TargetBan> bans(UUID proxyId);

    /**
     * The live sticky session named {@code key} in the pool: its proxy, uses and idle deadline.
     * A session past its idle deadline, or ended by its maximum of uses or {@link #endSession},
     * is not found.
     *
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     * @throws IllegalArgumentException if the key is {@linkplain StickySession#requireKey invalid}
     */
    Optional<SessionInfo> findSession(String poolName, String key);

    /**
     * Ends the sticky session named {@code key} in the pool: the next acquire with the key
     * creates a new one. Leases granted through it are not affected.
     *
     * @return whether a live session was ended
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     * @throws IllegalArgumentException if the key is {@linkplain StickySession#requireKey invalid}
     */
    boolean endSession(String poolName, String key);

    /**
     * The lease with this id, if there is one, with its status as of now: a lease past its
     * expiry that cleanup has not processed yet is reported EXPIRED.
     */
    Optional<Lease> findLease(UUID leaseId);

    /** The proxy's active (unexpired) leases, oldest first; unmodifiable. */
    List<Lease> activeLeases(UUID proxyId);

    /**
     * The pool's active (unexpired) leases, oldest first; unmodifiable.
     *
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     */
    List<Lease> activeLeasesInPool(String poolName);

    /**
     * The consumer's active (unexpired) leases in every pool, oldest first; unmodifiable. Empty
     * for a consumer that does not exist.
     *
     * @throws IllegalArgumentException if the name is {@linkplain Consumer#requireName invalid}
     */
    List<Lease> leasesOfConsumer(String consumerName);

    /**
     * The proxies an {@link #acquire} with this request could be granted now, without leasing
     * any: those of its pool that match its filter, have a leasable status and a free slot, are
     * not held by an OPEN circuit or a half-open probe in flight, are not banned for its target
     * and are not held back by pacing. The request's strategy, session and idempotency key are
     * ignored.
     *
     * <p>This is a snapshot: by the time it returns, other processes may have leased or freed any
     * of them, so an acquire that follows may get a proxy that is not listed, or nothing.
     *
     * @param limit the most proxies to return, at least 1
     * @return at most {@code limit} proxies, in {@link Proxy#STABLE_ORDER}; unmodifiable
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    List<Proxy> findAvailable(AcquireRequest request, int limit);

    /**
     * Checks a {@link #findAvailable} limit, for adapters.
     *
     * @return {@code limit}
     * @throws IllegalArgumentException if it is below 1; the message names it
     */
    static int requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return limit;
    }

    /**
     * A snapshot of the pool's proxies, capacity and active leases as of now, by the storage's
     * clock; see {@link PoolStats} for what each number counts. It reads no lease history: the
     * PostgreSQL adapters take it in one statement over the pool's proxies and active leases.
     *
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     */
    PoolStats poolStats(String poolName);

    /**
     * The queue that waiting acquires of this storage join to be woken, across processes, when
     * capacity frees up; empty if the storage has none (waiters then poll). The PostgreSQL
     * adapters have one (LISTEN/NOTIFY); see {@code docs/waiting.md}.
     */
    default Optional<WaitQueue> waitQueue() {
        return Optional.empty();
    }
}
