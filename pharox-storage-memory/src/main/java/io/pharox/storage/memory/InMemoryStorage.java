package io.pharox.storage.memory;

import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.PoolAlreadyExistsException;
import io.pharox.exception.PoolInUseException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.exception.ProxyNotFoundException;
import io.pharox.exception.StaleLeaseException;
import io.pharox.filter.ProxyFilter;
import io.pharox.model.CheckedProxy;
import io.pharox.model.CircuitState;
import io.pharox.model.Consumer;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Ids;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Pacing;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.model.SessionInfo;
import io.pharox.model.TargetBan;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.StickySession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Thread-safe {@link ProxyStorage} in the JVM's memory: the embedded default for tests,
 * demos and single-process services. Nothing survives the process.
 *
 * <p>Acquire takes no lock: it walks the pool's proxies in the strategy's order and claims
 * a slot with a compare-and-set on the proxy's lease counter; releases, expiries and
 * renewals are single compare-and-sets on the lease, so racing operations free a slot
 * exactly once. Expiry is reclaimed where it matters: when an acquire's walk comes to a
 * full proxy, it first expires that proxy's leases whose time has passed (each proxy keeps a
 * lower bound of its leases' expiry times, so this is one read when none has), so an
 * expired lease never blocks capacity even before {@link #cleanupExpiredLeases()} runs. A
 * lapsed lease on a proxy that no acquire walks past stays recorded as active until a
 * cleanup, a release or the proxy's removal ends it; {@link #findLease(UUID)} and the
 * active-lease listings read it as expired from its expiry time on all the same, while the
 * proxy's {@code currentLeases} and the order of {@code LEAST_USED} still count it.
 * {@link #cleanupExpiredLeases()} visits every proxy, so its cost grows with their number.
 *
 * <p>What proxies learn ({@code docs/outcomes.md}) lives in each proxy's slot: a fencing-token
 * counter, the circuit breaker, the scores and the target bans, changed under a lock of the
 * slot's own (never a global one). An acquire on a proxy whose circuit is closed reads one
 * volatile field to know it (and once more after its claim, in case a report opened it
 * meanwhile), and draws the grant's fencing token together with its time by one
 * compare-and-set on the slot; a circuit that is open or half-open is decided under the slot's
 * lock, so that one probe at a time is granted. A request that names a target reads the proxy's bans
 * (a map, absent until the first ban) for it. Reports and health checks take only the lock of
 * their proxy's slot. {@code LOWEST_LATENCY} and {@code HEALTHIEST} walk an index of the pool's
 * proxies by their scores, one per strategy, built on the pool's first acquire by that strategy
 * (a sort of the pool's keys, O(n log n) for n proxies once: the only step whose time grows
 * with the pool's size); from then on a report or health check
 * that changes a proxy's scores moves its key in each index under the slot's lock (a logarithm
 * of the pool's size), and an acquire walks the index from the best key, so like the other
 * strategies its cost depends on how many proxies it passes over (full, not leasable, open,
 * banned for the target, not matching the filter), not on how many the pool holds. Ended
 * bans stop counting at their time and are deleted by {@link #cleanupExpiredLeases()}. The
 * learned state survives {@link #updateProxy} and goes with {@link #removeProxy}.
 *
 * <p>Released and expired leases stay readable through {@link #findLease(UUID)} for the
 * finished-lease retention (default one hour); every release and expiry forgets a few older
 * ones, and {@link #cleanupExpiredLeases()} forgets all of them, so memory stays bounded in
 * long-running services. The finished leases are queued in a few stripes chosen by thread,
 * so releasing threads do not all contend on one queue; a release forgets from its own
 * stripe, and one in eight from the next one too.
 */
public final class InMemoryStorage implements ProxyStorage {

    /** How long finished leases stay readable when no other retention is given. */
    public static final Duration DEFAULT_FINISHED_LEASE_RETENTION = Duration.ofHours(1);

    private static final Comparator<Lease> OLDEST_FIRST =
            Comparator.comparing(Lease::acquiredAt).thenComparing(Lease::id, Ids.ORDER);

    private final Clock clock;
    private final Duration finishedLeaseRetention;
    private final Map<String, PoolState> poolsByName = new ConcurrentHashMap<>();
    private final Map<UUID, PoolState> poolsById = new ConcurrentHashMap<>();
    private final Map<UUID, ProxySlot> proxies = new ConcurrentHashMap<>();
    private final Map<String, Consumer> consumers = new ConcurrentHashMap<>();
    private final SessionTable sessions;
    /**
     * Every lease by id. Sized for a few thousand from the start: a map grown only to the
     * handful of leases a fast acquire-and-release loop holds has so few bins that threads
     * collide on their locks.
     */
    private final Map<UUID, LeaseRecord> leases = new ConcurrentHashMap<>(4096);

    /** Stripes of finished lease records in the order they ended, see {@link #stripe()}. */
    private final List<Queue<LeaseRecord>> finished;

    private static final int STRIPES = 8;

    /**
     * Held by the calls that add or remove proxies and pools, so that a batch is checked and
     * stored as one step and a pool's deletion sees no proxy arrive. Acquires never take it.
     */
    private final Object admin = new Object();

    /** A storage on the system UTC clock. */
    public InMemoryStorage() {
        this(Clock.systemUTC());
    }

    /** A storage whose "now" (acquire, expiry, release times) is {@code clock}. */
    public InMemoryStorage(Clock clock) {
        this(clock, DEFAULT_FINISHED_LEASE_RETENTION);
    }

    /**
     * A storage on {@code clock} that keeps finished leases readable for {@code finishedLeaseRetention}.
     *
     * @throws IllegalArgumentException if the retention is negative
     */
    public InMemoryStorage(Clock clock, Duration finishedLeaseRetention) {
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(finishedLeaseRetention, "finishedLeaseRetention");
        if (finishedLeaseRetention.isNegative()) {
            throw new IllegalArgumentException(
                    "finishedLeaseRetention must not be negative, was " + finishedLeaseRetention);
        }
        this.finishedLeaseRetention = finishedLeaseRetention;
        this.sessions = new SessionTable(clock);
        List<Queue<LeaseRecord>> stripes = new ArrayList<>(STRIPES);
        for (int i = 0; i < STRIPES; i++) {
            stripes.add(new ConcurrentLinkedQueue<>());
        }
        this.finished = List.copyOf(stripes);
    }

    @Override
    public ProxyPool createPool(String name, String description) {
        ProxyPool.requireName(name);
        ProxyPool.requireDescription(description);
        PoolState state = new PoolState(new ProxyPool(Ids.next(), name, description, clock.instant()));
        if (poolsByName.putIfAbsent(name, state) != null) {
            throw new PoolAlreadyExistsException(name);
        }
        poolsById.put(state.pool.id(), state);
        return state.pool;
    }

    @Override
    public Optional<ProxyPool> findPool(String name) {
        ProxyPool.requireName(name);
        return Optional.ofNullable(poolsByName.get(name)).map(s -> s.pool);
    }

    @Override
    public List<ProxyPool> listPools() {
        return poolsByName.values().stream()
                .map(s -> s.pool)
                .sorted(Comparator.comparing(ProxyPool::name))
                .toList();
    }

    @Override
    public ProxyPool setDefaultMinGrantInterval(String poolName, @Nullable Duration interval) {
        if (interval != null) {
            Pacing.requireMinGrantInterval("interval", interval);
        }
        PoolState state = requirePool(poolName);
        synchronized (state) {
            state.pool = state.pool.withMinGrantInterval(interval);
            return state.pool;
        }
    }

    @Override
    public Proxy addProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        synchronized (admin) {
            return store(proxy);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checked as a whole before anything is stored, under the lock that every addition and
     * removal of proxies takes: no concurrent call can make an entry fail half-way. Concurrent
     * acquires may lease the batch's first proxies before its last ones are stored.
     */
    @Override
    public List<Proxy> addProxies(List<Proxy> proxies) {
        Objects.requireNonNull(proxies, "proxies");
        synchronized (admin) {
            Set<UUID> ids = new HashSet<>();
            Set<String> addresses = new HashSet<>();
            for (int i = 0; i < proxies.size(); i++) {
                Proxy proxy = proxies.get(i);
                try {
                    Objects.requireNonNull(proxy, "proxy");
                    PoolState pool = poolsById.get(proxy.poolId());
                    if (pool == null) {
                        throw new PoolNotFoundException(proxy.poolId().toString());
                    }
                    if (this.proxies.containsKey(proxy.id()) || !ids.add(proxy.id())) {
                        throw new ProxyAlreadyExistsException(proxy.id().toString());
                    }
                    String key = addressKey(proxy);
                    if (pool.addresses.containsKey(key) || !addresses.add(proxy.poolId() + " " + key)) {
                        throw new ProxyAlreadyExistsException(proxy.address() + " in pool '" + pool.pool.name() + "'");
                    }
                } catch (RuntimeException e) {
                    throw new ProxyBatchException(i, e);
                }
            }
            List<Proxy> stored = new ArrayList<>(proxies.size());
            for (Proxy proxy : proxies) {
                stored.add(store(proxy));
            }
            return Collections.unmodifiableList(stored);
        }
    }

    /** Stores one proxy; the caller holds {@link #admin}. */
    private Proxy store(Proxy proxy) {
        PoolState pool = poolsById.get(proxy.poolId());
        if (pool == null) {
            throw new PoolNotFoundException(proxy.poolId().toString());
        }
        ProxySlot slot = new ProxySlot(proxy, pool);
        if (proxies.putIfAbsent(proxy.id(), slot) != null) {
            throw new ProxyAlreadyExistsException(proxy.id().toString());
        }
        if (pool.addresses.putIfAbsent(addressKey(proxy), proxy.id()) != null) {
            proxies.remove(proxy.id(), slot);
            throw new ProxyAlreadyExistsException(proxy.address() + " in pool '" + pool.pool.name() + "'");
        }
        pool.proxies.put(proxy.id(), slot);
        pool.proxiesChanged();
        slot.countChanged();
        slot.scoresChanged();
        return slot.snapshot();
    }

    @Override
    public Proxy updateProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        ProxySlot slot = liveSlot(proxy.id());
        Proxy old = slot.proxy();
        if (!old.poolId().equals(proxy.poolId())) {
            throw new IllegalArgumentException("proxy " + proxy.id() + " belongs to pool " + old.poolId()
                    + "; it cannot move to pool " + proxy.poolId());
        }
        PoolState pool = Objects.requireNonNull(poolsById.get(old.poolId()), "the proxy's pool");
        String oldKey = addressKey(old);
        String newKey = addressKey(proxy);
        if (!oldKey.equals(newKey)) {
            if (pool.addresses.putIfAbsent(newKey, proxy.id()) != null) {
                throw new ProxyAlreadyExistsException(proxy.address() + " in pool '" + pool.pool.name() + "'");
            }
            pool.addresses.remove(oldKey, proxy.id());
        }
        slot.setProxy(proxy);
        return slot.snapshot();
    }

    @Override
    public boolean removeProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        synchronized (admin) {
            ProxySlot slot = proxies.remove(proxyId);
            if (slot == null) {
                return false;
            }
            slot.removed = true;
            unstore(slot, clock.instant());
            return true;
        }
    }

    /**
     * Takes a slot already marked removed out of its pool and ends its active leases as
     * released; the caller holds {@link #admin}.
     */
    private void unstore(ProxySlot slot, Instant now) {
        Proxy p = slot.proxy();
        UUID proxyId = p.id();
        PoolState pool = Objects.requireNonNull(poolsById.get(p.poolId()), "the proxy's pool");
        pool.proxies.remove(proxyId, slot);
        pool.proxiesChanged();
        slot.countChanged();
        slot.scoresChanged();
        pool.addresses.remove(addressKey(p), proxyId);
        for (LeaseRecord record : slot.activeRecords()) {
            end(record, now, Ending.REMOVE);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The pool's proxies are first marked removed, so that no acquire is granted one of them
     * from then on; then its active leases are counted. A refused deletion unmarks them: acquires
     * in the pool that ran meanwhile may have found nothing.
     */
    @Override
    public boolean deletePool(String poolName, boolean force) {
        ProxyPool.requireName(poolName);
        synchronized (admin) {
            PoolState pool = poolsByName.get(poolName);
            if (pool == null) {
                return false;
            }
            List<ProxySlot> slots = List.copyOf(pool.proxies.values());
            slots.forEach(slot -> slot.removed = true);
            Instant now = clock.instant();
            int active = 0;
            for (ProxySlot slot : slots) {
                active += slot.activeAt(now);
            }
            if (active > 0 && !force) {
                slots.forEach(slot -> slot.removed = false);
                throw new PoolInUseException(poolName, active);
            }
            for (ProxySlot slot : slots) {
                proxies.remove(slot.id(), slot);
                unstore(slot, now);
            }
            UUID id = pool.pool.id();
            sessions.deletePool(id);
            leases.values().removeIf(record -> record.lease().poolId().equals(id));
            for (Queue<LeaseRecord> stripe : finished) {
                stripe.removeIf(record -> record.lease().poolId().equals(id));
            }
            poolsByName.remove(poolName, pool);
            poolsById.remove(id, pool);
            return true;
        }
    }

    @Override
    public Optional<Proxy> findProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return Optional.ofNullable(proxies.get(proxyId)).map(ProxySlot::snapshot);
    }

    @Override
    public List<Proxy> listProxies(String poolName) {
        return requirePool(poolName).proxies.values().stream()
                .map(ProxySlot::snapshot)
                .toList();
    }

    @Override
    public Consumer ensureConsumer(String name) {
        // a stored name passed the checks when its consumer was created: only a new name is checked
        Consumer existing = name == null ? null : consumers.get(name);
        if (existing != null) {
            return existing;
        }
        Consumer.requireName(name);
        existing = consumers.get(name);
        return existing != null
                ? existing
                : consumers.computeIfAbsent(name, n -> new Consumer(Ids.next(), n, clock.instant()));
    }

    @Override
    public Optional<LeasedProxy> acquire(AcquireRequest request) {
        Objects.requireNonNull(request, "request");
        PoolState pool = requirePool(request.poolName());
        Optional<UUID> key = request.idempotencyKey();
        if (key.isPresent()) {
            LeaseRecord existing = leases.get(key.get());
            if (existing != null) {
                return Optional.of(repeated(existing, pool, request));
            }
        }
        if (request.session().isPresent()) {
            return sessions.acquire(
                    pool.pool.id(),
                    request.session().get(),
                    excluded -> leaseFrom(pool, request, excluding(order(pool, request), excluded)),
                    bound -> {
                        ProxySlot slot = pool.proxies.get(bound);
                        return slot == null
                                ? Optional.empty()
                                : leaseFrom(pool, request, List.of(slot).iterator());
                    },
                    proxies::containsKey);
        }
        return leaseFrom(pool, request, order(pool, request));
    }

    /** Leases the first proxy of {@code order} that can take the request's lease. */
    private Optional<LeasedProxy> leaseFrom(PoolState pool, AcquireRequest request, Iterator<ProxySlot> order) {
        Consumer consumer = ensureConsumer(request.consumerName());
        ProxyFilter filter = request.filter();
        boolean predicates = filter.hasPredicates();
        @Nullable String target = request.target().orElse(null);
        // read only when the walk meets a full proxy, to expire its lapsed leases: an acquire
        // that finds room at once reads the clock once, for the grant
        @Nullable Instant now = null;
        while (order.hasNext()) {
            ProxySlot slot = order.next();
            Proxy p = slot.proxy();
            if (!p.hasCapacityFor(slot.leases())) {
                // a full proxy first has its lapsed leases expired, so an expired lease never
                // keeps an acquire from a proxy
                if (now == null) {
                    now = clock.instant();
                }
                if (reclaimExpired(slot, now) == 0 || !p.hasCapacityFor(slot.leases())) {
                    continue;
                }
            }
            if (target != null) {
                if (now == null) {
                    now = clock.instant();
                }
                if (slot.bannedFor(target, now)) {
                    continue;
                }
            }
            if (!filter.matches(predicates ? slot.snapshot() : p)) {
                continue;
            }
            @Nullable Duration pace = pace(p, pool);
            LeaseRecord record;
            if (slot.guarded()) {
                // the circuit is open or half-open: decide, claim and name the probe under the
                // slot's lock, so that two acquires never both take the one probe
                record = claimGuarded(slot, pool, consumer, request, pace);
                if (record == null) {
                    continue;
                }
            } else {
                if (!slot.tryClaim()) {
                    continue;
                }
                if (slot.guarded()) {
                    // a report opened the circuit since we looked: our claim came after it
                    slot.unclaim();
                    continue;
                }
                record = grant(slot, pool, consumer, request, pace);
                if (record == null) {
                    // granted less than the pacing interval ago
                    slot.unclaim();
                    continue;
                }
            }
            Lease lease = record.lease();
            Instant grantedAt = lease.acquiredAt();
            LeaseRecord raced = leases.putIfAbsent(lease.id(), record);
            if (raced != null) {
                // a concurrent acquire with the same key recorded its lease first: give the slot back
                slot.forgetProbe(record);
                slot.ungranted(lease.fencingToken());
                slot.unclaim();
                return Optional.of(repeated(raced, pool, request));
            }
            slot.add(record);
            if (slot.removed) {
                // removeProxy ran between our claim and our bookkeeping: undo, try the next one
                end(record, grantedAt, Ending.REMOVE);
                // the undone lease was never granted: its id, the request's key, stays free
                leases.remove(lease.id(), record);
                for (Queue<LeaseRecord> stripe : finished) {
                    stripe.remove(record);
                }
                continue;
            }
            if (request.strategy() == SelectorStrategy.ROUND_ROBIN) {
                pool.roundRobinCursor.set(slot.id());
                if (order instanceof Rotation rotation) {
                    pool.roundRobinHint = rotation.index();
                }
            }
            return Optional.of(new LeasedProxy(lease, slot.snapshot()));
        }
        return Optional.empty();
    }

    /** {@code order} without the proxy {@code excluded}, if one is given. */
    private static Iterator<ProxySlot> excluding(Iterator<ProxySlot> order, @Nullable UUID excluded) {
        if (excluded == null) {
            return order;
        }
        List<ProxySlot> rest = new ArrayList<>();
        order.forEachRemaining(slot -> {
            if (!slot.id().equals(excluded)) {
                rest.add(slot);
            }
        });
        return rest.iterator();
    }

    /**
     * The lease record of a grant on {@code slot}, whose slot the caller has claimed, unless
     * {@code pace} (if not null) has not passed since the slot's last grant. Its fencing token,
     * time and pacing decision are taken together, without a lock ({@link ProxySlot#grant}), so
     * that a greater token never has an earlier grant time. The clock is read once the slot is
     * ours: a release that freed it read the clock before freeing it, so the lease history never
     * shows this lease beginning before that one ended.
     *
     * @return the record, or {@code null} if the pacing refuses
     */
    private @Nullable LeaseRecord grant(
            ProxySlot slot, PoolState pool, Consumer consumer, AcquireRequest request, @Nullable Duration pace) {
        ProxySlot.Grant grant = slot.grant(clock, pace);
        if (grant == null) {
            return null;
        }
        Instant grantedAt = Objects.requireNonNull(grant.at());
        return new LeaseRecord(lease(slot, pool, consumer, request, grantedAt, grant.token()), slot);
    }

    /** The interval between grants that applies to {@code proxy} of {@code pool}: its own, else the pool's; or null. */
    private static @Nullable Duration pace(Proxy proxy, PoolState pool) {
        Optional<Duration> own = proxy.minGrantInterval();
        return own.isPresent() ? own.get() : pool.pool.minGrantInterval().orElse(null);
    }

    /**
     * A grant on {@code slot} whose circuit is not closed, decided under the slot's lock: none
     * while the circuit is open or its probe is active, nor while {@code pace} (if not null) has
     * not passed since the slot's last grant; else the slot is claimed and, if half-open, the
     * grant becomes the probe.
     *
     * @return the record, or {@code null} if the circuit, the pacing or the capacity refuses
     */
    private @Nullable LeaseRecord claimGuarded(
            ProxySlot slot, PoolState pool, Consumer consumer, AcquireRequest request, @Nullable Duration pace) {
        synchronized (slot.learning) {
            Boolean probe = slot.admits(clock.instant());
            if (probe == null || !slot.tryClaim()) {
                return null;
            }
            LeaseRecord record = grant(slot, pool, consumer, request, pace);
            if (record == null) {
                slot.unclaim();
                return null;
            }
            if (probe) {
                slot.probe(record);
            }
            return record;
        }
    }

    private static Lease lease(
            ProxySlot slot, PoolState pool, Consumer consumer, AcquireRequest request, Instant grantedAt, long token) {
        return Lease.active(
                request.idempotencyKey().orElseGet(Ids::next),
                pool.pool.id(),
                slot.id(),
                consumer.id(),
                grantedAt,
                grantedAt.plus(request.ttl()),
                token);
    }

    /**
     * The answer to an acquire whose idempotency key names the stored lease {@code record}: that
     * lease, if it is of the request's pool and consumer and still active.
     *
     * @throws IllegalArgumentException if it is another pool's or consumer's lease
     * @throws LeaseNotActiveException if it has ended
     */
    private LeasedProxy repeated(LeaseRecord record, PoolState pool, AcquireRequest request) {
        Lease lease = record.lease();
        Consumer consumer = consumers.get(request.consumerName());
        if (!lease.poolId().equals(pool.pool.id())
                || consumer == null
                || !lease.consumerId().equals(consumer.id())) {
            throw new IllegalArgumentException("idempotency key " + lease.id()
                    + " names a lease of another pool or consumer than pool '" + request.poolName()
                    + "' and consumer '" + request.consumerName() + "'");
        }
        Instant now = clock.instant();
        if (!lease.isActiveAt(now)) {
            throw new LeaseNotActiveException(
                    lease.id(), lease.statusAt(now), "acquired again under its idempotency key");
        }
        return new LeasedProxy(lease, record.slot.snapshot());
    }

    /**
     * The pool's proxies in the order the strategy tries them; the caller tests each as it
     * comes ({@link #qualifies}), so an acquire that finds room in the first few proxies never
     * looks at the rest.
     */
    private static Iterator<ProxySlot> order(PoolState pool, AcquireRequest request) {
        switch (request.strategy()) {
            // the two ordered strategies walk the proxies by id
            case FIRST_AVAILABLE:
                return pool.proxies.values().iterator();
            case ROUND_ROBIN: {
                // the array in id order from the proxy after the cursor's, wrapping around; the
                // hint finds the cursor's place without a search while the array is unchanged
                ProxySlot[] slots = pool.inIdOrder();
                UUID cursor = pool.roundRobinCursor.get();
                if (slots.length == 0) {
                    return Collections.emptyIterator();
                }
                if (cursor == null) {
                    return new Rotation(slots, 0);
                }
                int hint = pool.roundRobinHint;
                if (hint >= 0 && hint < slots.length && slots[hint].id().equals(cursor)) {
                    return new Rotation(slots, (hint + 1) % slots.length);
                }
                return new Rotation(slots, after(slots, cursor) % slots.length);
            }
            // the other two walk an order kept for them, never the whole pool: LEAST_USED an
            // index by lease count, RANDOM an array of the proxies from a random index
            case LEAST_USED:
                return pool.byLoad().values().iterator();
            case RANDOM: {
                ProxySlot[] slots = pool.inIdOrder();
                int n = slots.length;
                if (n == 0) {
                    return Collections.emptyIterator();
                }
                return new Rotation(slots, ThreadLocalRandom.current().nextInt(n));
            }
            // the two score strategies walk an index of their own by the proxies' scores, kept
            // current by every report and health check
            case LOWEST_LATENCY:
            case HEALTHIEST:
                return new ByScore(pool.byScore(request.strategy() == SelectorStrategy.HEALTHIEST));
            default:
                throw new IllegalStateException("unknown strategy " + request.strategy());
        }
    }

    /** The index of the first of {@code slots} (in id order) whose id is after {@code id}; their length if none. */
    private static int after(ProxySlot[] slots, UUID id) {
        int low = 0;
        int high = slots.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Ids.ORDER.compare(slots[mid].id(), id) <= 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /**
     * The slots in the order of a score strategy, from its pool's index ({@link PoolState.ScoreIndex}):
     * {@code LOWEST_LATENCY} by latency (none last), {@code HEALTHIEST} by success rate (highest
     * first) then latency; ties by id. Each step costs a constant on average (a skip list's walk),
     * so an acquire that finds room in the first proxies costs a few steps whatever the pool's
     * size. A key may be a change behind its proxy's scores: the walk takes the position the key
     * gives. A proxy whose scores move it from ahead of the walk to behind it during the walk is
     * passed over; if the walk then finds nothing, it starts again from the best key (at most
     * {@link #RESTARTS} times) when it can tell that some proxy moved meanwhile, so that such a
     * move never makes an acquire come back empty while its proxy had room.
     */
    private static final class ByScore implements Iterator<ProxySlot> {
        private static final int RESTARTS = 2;

        private final PoolState.ScoreIndex index;
        private Iterator<PoolState.ScoreKey> keys;
        private long moves;
        private int restarts;

        ByScore(PoolState.ScoreIndex index) {
            this.index = index;
            // read before the walk: a move that this count misses put its new key in before the walk began
            this.moves = index.moves.sum();
            this.keys = index.keys.keySet().iterator();
        }

        @Override
        public boolean hasNext() {
            while (!keys.hasNext()) {
                if (restarts == RESTARTS) {
                    return false;
                }
                long now = index.moves.sum();
                if (now == moves) {
                    return false;
                }
                restarts++;
                moves = now;
                keys = index.keys.keySet().iterator();
            }
            return true;
        }

        @Override
        public ProxySlot next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return keys.next().slot();
        }
    }

    /** An array's slots from index {@code start}, wrapping to its beginning. */
    private static final class Rotation implements Iterator<ProxySlot> {
        private final ProxySlot[] order;
        private final int start;
        private int walked;

        Rotation(ProxySlot[] order, int start) {
            this.order = order;
            this.start = start;
        }

        @Override
        public boolean hasNext() {
            return walked < order.length;
        }

        @Override
        public ProxySlot next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return order[(start + walked++) % order.length];
        }

        /** The index in the array of the slot {@link #next()} returned last. */
        int index() {
            return (start + walked - 1) % order.length;
        }
    }

    @Override
    public boolean release(UUID leaseId) {
        Objects.requireNonNull(leaseId, "leaseId");
        LeaseRecord record = leases.get(leaseId);
        if (record == null) {
            throw new LeaseNotFoundException(leaseId);
        }
        return end(record, clock.instant(), Ending.RELEASE) == LeaseStatus.RELEASED;
    }

    /** How a lease is to end; see {@link #end}. */
    private enum Ending {
        /** The consumer releases it; if its time has passed it expires instead. */
        RELEASE,
        /** Expire it, only if its time has passed (it may have been renewed meanwhile). */
        EXPIRE,
        /** Its proxy is being removed: released whatever its time. */
        REMOVE
    }

    /**
     * Ends an active lease as {@code how} says and frees its slot, if this call made the change.
     *
     * @return the status this call gave the lease, or {@code null} if it changed nothing
     */
    private @Nullable LeaseStatus end(LeaseRecord record, Instant now, Ending how) {
        while (true) {
            Lease current = record.lease();
            if (current.status() != LeaseStatus.ACTIVE) {
                return null;
            }
            boolean past = !now.isBefore(current.expiresAt());
            if (how == Ending.EXPIRE && !past) {
                return null;
            }
            Lease ended = past && how != Ending.REMOVE ? current.expired() : current.released(now);
            if (record.compareAndSet(current, ended)) {
                record.ended(ended.status() == LeaseStatus.EXPIRED ? current.expiresAt() : now);
                record.slot.free(record);
                int stripe = stripe();
                finished.get(stripe).add(record);
                // two for each one added: the backlog shrinks whenever there is one; and, one
                // release in eight, one of the next stripe, so a stripe whose threads have gone
                // does not keep its backlog (rarely, so threads seldom touch another stripe)
                forgetFinished(finished.get(stripe), now, 2);
                if (ThreadLocalRandom.current().nextInt(STRIPES) == 0) {
                    forgetFinished(finished.get((stripe + 1) % STRIPES), now, 2);
                }
                return ended.status();
            }
        }
    }

    @Override
    public Optional<Lease> renew(UUID leaseId, Duration ttl) {
        Objects.requireNonNull(leaseId, "leaseId");
        AcquireRequest.requireTtl(ttl);
        LeaseRecord record = leases.get(leaseId);
        if (record == null) {
            throw new LeaseNotFoundException(leaseId);
        }
        Instant now = clock.instant();
        while (true) {
            Lease current = record.lease();
            if (!current.isActiveAt(now)) {
                return Optional.empty();
            }
            Lease renewed = current.withExpiresAt(now.plus(ttl));
            if (record.compareAndSet(current, renewed)) {
                record.slot.expiresAt(renewed.expiresAt());
                return Optional.of(renewed);
            }
        }
    }

    @Override
    public int cleanupExpiredLeases() {
        Instant now = clock.instant();
        int expired = 0;
        for (ProxySlot slot : proxies.values()) {
            expired += reclaimExpired(slot, now);
            slot.forgetEndedBans(now);
        }
        for (Queue<LeaseRecord> stripe : finished) {
            forgetFinished(stripe, now, Integer.MAX_VALUE);
        }
        sessions.deleteLapsed(now);
        return expired;
    }

    /** The stripe of {@link #finished} of the calling thread. */
    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19; getId() is the same number
    private static int stripe() {
        return (int) (Thread.currentThread().getId() % STRIPES);
    }

    /**
     * Forgets up to {@code max} of the oldest finished leases of {@code stripe} that have been
     * finished for longer than the retention. Every release and expiry forgets a few, so memory
     * stays bounded by the retention even when nobody calls {@link #cleanupExpiredLeases()}.
     */
    private void forgetFinished(Queue<LeaseRecord> stripe, Instant now, int max) {
        Instant horizon = now.minus(finishedLeaseRetention);
        int forgotten = 0;
        for (LeaseRecord oldest = stripe.peek();
                forgotten < max && oldest != null && oldest.endedBefore(horizon);
                oldest = stripe.peek()) {
            if (stripe.remove(oldest)) {
                // only this record: its id may name a newer lease (an idempotency key reused after an undone grant)
                leases.remove(oldest.id(), oldest);
                forgotten++;
            }
        }
    }

    /**
     * Expires the leases of {@code slot} whose time has passed; returns how many this call
     * expired. One read of the slot's bound when none can have.
     */
    private int reclaimExpired(ProxySlot slot, Instant now) {
        if (!slot.mayHaveLapsed(now)) {
            return 0;
        }
        int expired = 0;
        Instant earliest = Instant.MAX;
        for (LeaseRecord record : slot.lapsedCandidates()) {
            if (end(record, now, Ending.EXPIRE) == LeaseStatus.EXPIRED) {
                expired++;
            } else {
                Lease lease = record.lease();
                if (lease.status() == LeaseStatus.ACTIVE && lease.expiresAt().isBefore(earliest)) {
                    earliest = lease.expiresAt();
                }
            }
        }
        slot.expiresAt(earliest);
        return expired;
    }

    @Override
    public CheckedProxy applyHealthCheck(HealthCheckResult result, OutcomePolicy policy) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(policy, "policy");
        ProxySlot slot = liveSlot(result.proxyId());
        slot.updateProxy(p -> p.withHealthCheck(result));
        // under the slot's lock, so that the standing returned is the one this check left
        synchronized (slot.learning) {
            Instant now = clock.instant();
            CircuitState before =
                    slot.learn(result.status().passed(), result.latency().orElse(null), null, policy, now);
            return new CheckedProxy(slot.snapshot(), slot.standing(now).withCircuitBefore(before));
        }
    }

    @Override
    public ProxyStanding report(UUID leaseId, long fencingToken, Outcome outcome, OutcomePolicy policy) {
        Objects.requireNonNull(leaseId, "leaseId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(policy, "policy");
        LeaseRecord record = leases.get(leaseId);
        if (record == null) {
            throw new LeaseNotFoundException(leaseId);
        }
        ProxySlot slot = record.slot;
        // under the slot's lock: the lease is checked and the outcome applied at one instant, and
        // the circuit's change is ordered with the acquires that decide on a probe
        synchronized (slot.learning) {
            Instant now = clock.instant();
            Lease lease = record.lease();
            if (!lease.isActiveAt(now)) {
                throw new StaleLeaseException(leaseId, lease.statusAt(now));
            }
            if (lease.fencingToken() != fencingToken) {
                throw new StaleLeaseException(leaseId, fencingToken, lease.fencingToken());
            }
            CircuitState before = slot.learn(
                    outcome.isSuccess(),
                    outcome.latency().orElse(null),
                    outcome.target().orElse(null),
                    policy,
                    now);
            return slot.standing(now).withCircuitBefore(before);
        }
    }

    @Override
    public Optional<ProxyStanding> standing(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        ProxySlot slot = proxies.get(proxyId);
        return slot == null ? Optional.empty() : Optional.of(slot.standing(clock.instant()));
    }

    @Override
    public List<TargetBan> bans(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        ProxySlot slot = proxies.get(proxyId);
        return slot == null ? List.of() : slot.bans(clock.instant());
    }

    @Override
    public Optional<SessionInfo> findSession(String poolName, String key) {
        PoolState pool = requirePool(poolName);
        return sessions.find(pool.pool.id(), StickySession.requireKey(key));
    }

    @Override
    public boolean endSession(String poolName, String key) {
        PoolState pool = requirePool(poolName);
        return sessions.end(pool.pool.id(), StickySession.requireKey(key));
    }

    @Override
    public Optional<Lease> findLease(UUID leaseId) {
        Objects.requireNonNull(leaseId, "leaseId");
        LeaseRecord record = leases.get(leaseId);
        if (record == null) {
            return Optional.empty();
        }
        Lease lease = record.lease();
        return Optional.of(
                lease.statusAt(clock.instant()) == LeaseStatus.EXPIRED && lease.status() == LeaseStatus.ACTIVE
                        ? lease.expired()
                        : lease);
    }

    @Override
    public List<Lease> activeLeases(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        ProxySlot slot = proxies.get(proxyId);
        if (slot == null) {
            return List.of();
        }
        return activeOf(List.of(slot), clock.instant());
    }

    @Override
    public List<Lease> activeLeasesInPool(String poolName) {
        return activeOf(requirePool(poolName).proxies.values(), clock.instant());
    }

    /** {@inheritDoc} Walks every lease this storage keeps (active and recently finished). */
    @Override
    public List<Lease> leasesOfConsumer(String consumerName) {
        Consumer.requireName(consumerName);
        Consumer consumer = consumers.get(consumerName);
        if (consumer == null) {
            return List.of();
        }
        Instant now = clock.instant();
        List<Lease> active = new ArrayList<>();
        for (LeaseRecord record : leases.values()) {
            Lease lease = record.lease();
            if (lease.consumerId().equals(consumer.id()) && lease.isActiveAt(now) && !record.slot.removed) {
                active.add(lease);
            }
        }
        active.sort(OLDEST_FIRST);
        return List.copyOf(active);
    }

    @Override
    public List<Proxy> findAvailable(AcquireRequest request, int limit) {
        Objects.requireNonNull(request, "request");
        ProxyStorage.requireLimit(limit);
        PoolState pool = requirePool(request.poolName());
        ProxyFilter filter = request.filter();
        @Nullable String target = request.target().orElse(null);
        Instant now = clock.instant();
        List<Proxy> available = new ArrayList<>();
        for (ProxySlot slot : pool.proxies.values()) {
            Proxy p = slot.proxy();
            if (slot.removed
                    || !p.hasCapacityFor(slot.activeAt(now))
                    || (target != null && slot.bannedFor(target, now))
                    || slot.pacedAt(now, pace(p, pool))) {
                continue;
            }
            if (slot.guarded()) {
                synchronized (slot.learning) {
                    if (slot.admits(now) == null) {
                        continue;
                    }
                }
            }
            Proxy snapshot = slot.snapshot();
            if (filter.matches(snapshot)) {
                available.add(snapshot);
                if (available.size() == limit) {
                    break;
                }
            }
        }
        return List.copyOf(available);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Read proxy by proxy without a lock, at one instant of the clock: exact while nothing
     * changes; under concurrent acquires and releases each proxy's numbers are its own at some
     * moment of the walk (a slot being claimed or freed may count as taken), so no proxy shows
     * more active leases than its capacity allowed at that moment.
     */
    @Override
    public PoolStats poolStats(String poolName) {
        PoolState pool = requirePool(poolName);
        Instant now = clock.instant();
        PoolStats.Tally tally = new PoolStats.Tally(pool.pool.name(), now);
        for (ProxySlot slot : pool.proxies.values()) {
            if (!slot.removed) {
                tally.add(slot.proxy(), slot.activeAt(now), slot.openAt(now));
            }
        }
        return tally.build();
    }

    private static List<Lease> activeOf(Iterable<ProxySlot> slots, Instant now) {
        List<Lease> active = new ArrayList<>();
        for (ProxySlot slot : slots) {
            for (LeaseRecord record : slot.activeRecords()) {
                Lease lease = record.lease();
                if (lease.isActiveAt(now)) {
                    active.add(lease);
                }
            }
        }
        active.sort(OLDEST_FIRST);
        return List.copyOf(active);
    }

    private PoolState requirePool(String name) {
        // a stored name passed the checks when its pool was created: only a name not found is checked
        PoolState found = name == null ? null : poolsByName.get(name);
        if (found != null) {
            return found;
        }
        ProxyPool.requireName(name);
        PoolState pool = poolsByName.get(name);
        if (pool == null) {
            throw new PoolNotFoundException(name);
        }
        return pool;
    }

    private ProxySlot liveSlot(UUID proxyId) {
        ProxySlot slot = proxies.get(proxyId);
        if (slot == null) {
            throw new ProxyNotFoundException(proxyId);
        }
        return slot;
    }

    private static String addressKey(Proxy proxy) {
        return proxy.host().toLowerCase(Locale.ROOT) + ":" + proxy.port();
    }
}
