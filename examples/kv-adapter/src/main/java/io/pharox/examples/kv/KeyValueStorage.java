package io.pharox.examples.kv;

import static io.pharox.model.SessionBinding.State.KEPT;
import static io.pharox.model.SessionBinding.State.NEW;
import static io.pharox.model.SessionBinding.State.REBOUND;

import io.pharox.examples.kv.StoreAccess.Conflict;
import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.PoolAlreadyExistsException;
import io.pharox.exception.PoolInUseException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.exception.ProxyNotFoundException;
import io.pharox.exception.StaleLeaseException;
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
import io.pharox.model.SessionBinding;
import io.pharox.model.SessionInfo;
import io.pharox.model.TargetBan;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.SessionFallback;
import io.pharox.storage.StickySession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ProxyStorage} on a {@link KeyValueStore}: every pool, proxy, consumer and lease is
 * one text record under its own key ({@link Keys} lists them), and every change is an
 * optimistic transaction: read the records, decide, and commit the new records conditioned on
 * the versions that were read. A commit refused because another writer changed one of those
 * records first is not an error: the operation reads again and decides again, up to
 * {@link #MAX_ATTEMPTS} times.
 *
 * <p><b>Acquire is atomic.</b> A proxy's record holds one slot for each of its active leases,
 * so its lease counter and its capacity check live in one value. An acquire reads the pool's
 * proxies, picks one with room by the request's filter and strategy, and commits in one
 * {@link KeyValueStore#commit commit}: the proxy's record with the new slot, conditioned on the
 * version it read; the new lease record; the lapsed leases of that proxy it reclaims, each
 * conditioned on its version; and, for round robin, the pool's cursor. Two acquires that read
 * the same version of a proxy cannot both commit, so a slot is never taken twice; the loser
 * reads again and sees the proxy as it is now. Release, renewal, expiry and removal change a
 * lease record and its proxy's slots in one commit too, so at every commit the counter equals
 * the proxy's lease records in state ACTIVE. The price of one value per proxy: its record grows
 * with its active leases (and its bans), and every acquire and report on it rewrites it, which
 * suits proxies with tens of leases at once rather than an unlimited proxy with thousands.
 *
 * <p><b>What proxies learn lives in their records too.</b> A proxy's record also holds its
 * {@link Learned} state ({@code docs/outcomes.md}): the last fencing token granted, the circuit
 * breaker with its probe, the scores and the target bans. An acquire reads that state with the
 * slots, so it checks the circuit, the probe and the bans, takes the next fencing token and
 * names the probe in the same conditional write that takes the slot. A {@link #report report} or
 * health check is one conditional write of that record too. Of two writers that read one version
 * only the first commits, so two acquires never get one token or both become a half-open
 * circuit's probe, and no acquire grants on a circuit that a report has just opened. A report
 * writes nothing but the proxy's record: every change of a lease's state is committed with its
 * proxy's record, so that record's version also guards the lease reported on.
 *
 * <p>"Now" is the injected {@link Clock}. Finished leases stay in the store (a real deployment
 * would give their keys the store's time-to-live); nothing runs in the background. Failures of
 * the store surface as {@link io.pharox.exception.StorageException}, whose messages name keys, never values.
 */
public final class KeyValueStorage implements ProxyStorage {

    /** How many times an operation reads and commits before it gives up on a record that keeps changing. */
    public static final int MAX_ATTEMPTS = 1_000;

    private static final Comparator<Lease> OLDEST_FIRST =
            Comparator.comparing(Lease::acquiredAt).thenComparing(Lease::id, Ids.ORDER);

    private final StoreAccess store;
    private final Clock clock;

    /** A storage on {@code store} whose "now" is the system UTC clock. */
    public KeyValueStorage(KeyValueStore store) {
        this(store, Clock.systemUTC());
    }

    /** A storage on {@code store} whose "now" (acquire, expiry and release times) is {@code clock}. */
    public KeyValueStorage(KeyValueStore store, Clock clock) {
        this.store = new StoreAccess(store, MAX_ATTEMPTS);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ------------------------------------------------------------------ pools

    @Override
    public ProxyPool createPool(String name, String description) {
        ProxyPool.requireName(name);
        ProxyPool.requireDescription(description);
        ProxyPool pool = new ProxyPool(Ids.next(), name, description, clock.instant());
        boolean created = store.tryCommit(List.of(
                new Write.PutIfAbsent(Keys.pool(name), Records.encode(pool)),
                new Write.PutIfAbsent(Keys.poolId(pool.id()), name)));
        if (!created) {
            throw new PoolAlreadyExistsException(name);
        }
        return pool;
    }

    @Override
    public Optional<ProxyPool> findPool(String name) {
        ProxyPool.requireName(name);
        return store.read(Keys.pool(name), Records::pool).map(Stored::value);
    }

    @Override
    public List<ProxyPool> listPools() {
        List<ProxyPool> pools = new ArrayList<>();
        for (String key : store.keys(Keys.POOLS)) {
            store.read(key, Records::pool).ifPresent(pool -> pools.add(pool.value()));
        }
        pools.sort(Comparator.comparing(ProxyPool::name));
        return List.copyOf(pools);
    }

    @Override
    public ProxyPool setDefaultMinGrantInterval(String poolName, @Nullable Duration interval) {
        ProxyPool.requireName(poolName);
        if (interval != null) {
            Pacing.requireMinGrantInterval("interval", interval);
        }
        return store.retrying("setting the pacing of pool '" + poolName + "'", () -> {
            Stored<ProxyPool> stored = store.read(Keys.pool(poolName), Records::pool)
                    .orElseThrow(() -> new PoolNotFoundException(poolName));
            ProxyPool updated = stored.value().withMinGrantInterval(interval);
            store.commit(List.of(stored.replaceWith(Records.encode(updated))));
            return updated;
        });
    }

    private Optional<String> poolName(UUID poolId) {
        return store.get(Keys.poolId(poolId)).map(Versioned::value);
    }

    private ProxyPool requirePool(String name) {
        return findPool(name).orElseThrow(() -> new PoolNotFoundException(name));
    }

    // ------------------------------------------------------------------ proxies

    @Override
    public Proxy addProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        return store.retrying("adding proxy " + proxy.id(), () -> {
            List<Write> writes = new ArrayList<>();
            Stored<String> pool = poolOf(proxy);
            checkFree(proxy, pool.value());
            writes.add(pool.replaceWith(pool.value()));
            writes.addAll(additionOf(proxy));
            store.commit(writes);
            return ProxyRecord.unleased(proxy).proxy();
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>One commit: every proxy's records, and each pool's id record rewritten on the version
     * read, so that a concurrent deletion of one of the pools refuses the commit (and the reads
     * run again).
     */
    @Override
    public List<Proxy> addProxies(List<Proxy> proxies) {
        Objects.requireNonNull(proxies, "proxies");
        if (proxies.isEmpty()) {
            return List.of();
        }
        return store.retrying("adding " + proxies.size() + " proxies", () -> {
            Map<UUID, Stored<String>> pools = new HashMap<>();
            Set<UUID> ids = new HashSet<>();
            Set<String> addresses = new HashSet<>();
            List<Write> writes = new ArrayList<>();
            List<Proxy> stored = new ArrayList<>(proxies.size());
            for (int i = 0; i < proxies.size(); i++) {
                Proxy proxy = proxies.get(i);
                try {
                    Objects.requireNonNull(proxy, "proxy");
                    Stored<String> pool = pools.get(proxy.poolId());
                    if (pool == null) {
                        pool = poolOf(proxy);
                        pools.put(proxy.poolId(), pool);
                    }
                    checkFree(proxy, pool.value());
                    if (!ids.add(proxy.id())) {
                        throw new ProxyAlreadyExistsException(proxy.id().toString());
                    }
                    if (!addresses.add(Keys.address(proxy))) {
                        throw new ProxyAlreadyExistsException(proxy.address() + " in pool '" + pool.value() + "'");
                    }
                } catch (Conflict e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new ProxyBatchException(i, e);
                }
                writes.addAll(additionOf(proxy));
                stored.add(ProxyRecord.unleased(proxy).proxy());
            }
            pools.values().forEach(pool -> writes.add(pool.replaceWith(pool.value())));
            store.commit(writes);
            return List.copyOf(stored);
        });
    }

    /** The id record of the proxy's pool (its value is the pool's name). */
    private Stored<String> poolOf(Proxy proxy) {
        return store.read(Keys.poolId(proxy.poolId()), name -> name)
                .orElseThrow(() -> new PoolNotFoundException(proxy.poolId().toString()));
    }

    /** @throws ProxyAlreadyExistsException if the proxy's id, or its address in its pool, is taken */
    private void checkFree(Proxy proxy, String poolName) {
        if (store.get(Keys.proxy(proxy.id())).isPresent()) {
            throw new ProxyAlreadyExistsException(proxy.id().toString());
        }
        if (store.get(Keys.address(proxy)).isPresent()) {
            throw new ProxyAlreadyExistsException(proxy.address() + " in pool '" + poolName + "'");
        }
    }

    /** The writes that store a new proxy: its record, its membership and its address. */
    private static List<Write> additionOf(Proxy proxy) {
        return List.of(
                new Write.PutIfAbsent(Keys.proxy(proxy.id()), Records.encode(ProxyRecord.unleased(proxy))),
                new Write.PutIfAbsent(Keys.member(proxy.poolId(), proxy.id()), ""),
                new Write.PutIfAbsent(Keys.address(proxy), proxy.id().toString()));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One commit conditioned on every record read: the pool's, its id record (which every
     * addition of a proxy rewrites), each proxy's (which every acquire rewrites) and each lease's.
     * The pool's finished leases are found by reading every lease record.
     */
    @Override
    public boolean deletePool(String poolName, boolean force) {
        ProxyPool.requireName(poolName);
        return store.retrying("deleting pool '" + poolName + "'", () -> {
            Optional<Stored<ProxyPool>> found = store.read(Keys.pool(poolName), Records::pool);
            if (found.isEmpty()) {
                return false;
            }
            ProxyPool pool = found.get().value();
            List<Stored<ProxyRecord>> proxies = proxiesOf(pool);
            Instant now = clock.instant();
            int active = 0;
            for (Stored<ProxyRecord> proxy : proxies) {
                active += proxy.value().liveAt(now);
            }
            if (active > 0 && !force) {
                throw new PoolInUseException(poolName, active);
            }
            List<Write> writes = new ArrayList<>();
            writes.add(found.get().removal());
            writes.add(store.removalOf(Keys.poolId(pool.id())));
            for (Stored<ProxyRecord> proxy : proxies) {
                writes.add(proxy.removal());
                writes.add(store.removalOf(
                        Keys.member(pool.id(), proxy.value().values().id())));
                writes.add(store.removalOf(Keys.address(proxy.value().values())));
            }
            store.get(Keys.cursor(pool.id())).ifPresent(c -> writes.add(store.removalOf(Keys.cursor(pool.id()))));
            for (String session : store.keys(Keys.SESSIONS + pool.id() + "/")) {
                writes.add(store.removalOf(session));
            }
            for (String key : store.keys(Keys.LEASES)) {
                store.read(key, Records::lease)
                        .filter(lease -> lease.value().poolId().equals(pool.id()))
                        .ifPresent(lease -> writes.add(lease.removal()));
            }
            store.commit(writes);
            return true;
        });
    }

    @Override
    public Proxy updateProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        return store.retrying("updating proxy " + proxy.id(), () -> {
            Stored<ProxyRecord> stored = requireProxy(proxy.id());
            Proxy old = stored.value().values();
            if (!old.poolId().equals(proxy.poolId())) {
                throw new IllegalArgumentException("proxy " + proxy.id() + " is in pool " + old.poolId()
                        + " and cannot be moved to pool " + proxy.poolId());
            }
            ProxyRecord updated = stored.value().withValues(proxy);
            List<Write> writes = new ArrayList<>(List.of(stored.replaceWith(Records.encode(updated))));
            if (!Keys.address(old).equals(Keys.address(proxy))) {
                if (store.get(Keys.address(proxy)).isPresent()) {
                    throw new ProxyAlreadyExistsException(proxy.address() + " in pool '"
                            + poolName(old.poolId()).orElseThrow() + "'");
                }
                writes.add(new Write.PutIfAbsent(Keys.address(proxy), proxy.id().toString()));
                writes.add(store.removalOf(Keys.address(old)));
            }
            store.commit(writes);
            return updated.proxy();
        });
    }

    @Override
    public boolean removeProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return store.retrying("removing proxy " + proxyId, () -> {
            Optional<Stored<ProxyRecord>> found = store.read(Keys.proxy(proxyId), Records::proxy);
            if (found.isEmpty()) {
                return false;
            }
            Stored<ProxyRecord> stored = found.get();
            Instant now = clock.instant();
            List<Write> writes = new ArrayList<>(List.of(
                    stored.removal(),
                    store.removalOf(Keys.member(stored.value().values().poolId(), proxyId)),
                    store.removalOf(Keys.address(stored.value().values()))));
            for (ProxyRecord.Slot slot : stored.value().slots()) {
                Stored<Lease> lease = activeLease(slot.leaseId());
                writes.add(lease.replaceWith(Records.encode(lease.value().released(now))));
            }
            store.commit(writes);
            return true;
        });
    }

    @Override
    public Optional<Proxy> findProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return store.read(Keys.proxy(proxyId), Records::proxy)
                .map(stored -> stored.value().proxy());
    }

    @Override
    public List<Proxy> listProxies(String poolName) {
        return proxiesOf(requirePool(poolName)).stream()
                .map(stored -> stored.value().proxy())
                .toList();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The proxy's new values and what the check teaches its circuit and scores are one write
     * of its record.
     */
    @Override
    public CheckedProxy applyHealthCheck(HealthCheckResult result, OutcomePolicy policy) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(policy, "policy");
        return store.retrying("applying a health check to proxy " + result.proxyId(), () -> {
            Stored<ProxyRecord> stored = requireProxy(result.proxyId());
            Instant now = clock.instant();
            Learned learned = stored.value().learned();
            ProxyRecord checked = stored.value()
                    .withValues(stored.value().values().withHealthCheck(result))
                    .withLearned(
                            result.status().passed()
                                    ? learned.succeeded(result.latency(), policy, now)
                                    : learned.failed(policy, now));
            store.commit(List.of(stored.replaceWith(Records.encode(checked))));
            return new CheckedProxy(
                    checked.proxy(),
                    checked.learned().standing(result.proxyId(), now).withCircuitBefore(learned.circuitAt(now)));
        });
    }

    /** The pool's proxies in {@link Proxy#STABLE_ORDER}, each as read. */
    private List<Stored<ProxyRecord>> proxiesOf(ProxyPool pool) {
        List<Stored<ProxyRecord>> proxies = new ArrayList<>();
        for (String member : store.keys(Keys.members(pool.id()))) {
            store.read(Keys.proxy(Keys.idAtEnd(member)), Records::proxy).ifPresent(proxies::add);
        }
        proxies.sort(Comparator.comparing(stored -> stored.value().values(), Proxy.STABLE_ORDER));
        return proxies;
    }

    private Stored<ProxyRecord> requireProxy(UUID proxyId) {
        return store.read(Keys.proxy(proxyId), Records::proxy).orElseThrow(() -> new ProxyNotFoundException(proxyId));
    }

    // ------------------------------------------------------------------ consumers

    @Override
    public Consumer ensureConsumer(String name) {
        Consumer.requireName(name);
        return store.retrying("creating consumer '" + name + "'", () -> {
            Optional<Stored<Consumer>> existing = store.read(Keys.consumer(name), Records::consumer);
            if (existing.isPresent()) {
                return existing.get().value();
            }
            Consumer consumer = new Consumer(Ids.next(), name, clock.instant());
            store.commit(List.of(new Write.PutIfAbsent(Keys.consumer(name), Records.encode(consumer))));
            return consumer;
        });
    }

    // ------------------------------------------------------------------ leasing

    @Override
    public Optional<LeasedProxy> acquire(AcquireRequest request) {
        Objects.requireNonNull(request, "request");
        ProxyPool pool = requirePool(request.poolName());
        Consumer consumer = ensureConsumer(request.consumerName());
        boolean roundRobin = request.strategy() == SelectorStrategy.ROUND_ROBIN;
        if (request.session().isPresent()) {
            return acquireInSession(request, request.session().get(), pool, consumer);
        }
        UUID leaseId = request.idempotencyKey().orElseGet(Ids::next);
        return store.retrying("acquiring in pool '" + pool.name() + "'", () -> {
            if (request.idempotencyKey().isPresent()) {
                // the request was served before, or a racing acquire with its key committed first
                Optional<Stored<Lease>> earlier = store.read(Keys.lease(leaseId), Records::lease);
                if (earlier.isPresent()) {
                    return Optional.of(repeated(earlier.get().value(), pool, consumer));
                }
            }
            Optional<Stored<UUID>> cursor =
                    roundRobin ? store.read(Keys.cursor(pool.id()), UUID::fromString) : Optional.empty();
            List<Stored<ProxyRecord>> proxies = proxiesOf(pool);
            // the clock is read after the records: a release that made room read it before its commit
            Instant now = clock.instant();
            // paced proxies granted less than their interval ago are skipped; the commit is
            // conditioned on the record's version, so its last grant cannot move meanwhile
            proxies = proxies.stream()
                    .filter(p ->
                            !p.value().pacedAt(now, Pacing.effective(p.value().values(), pool)))
                    .toList();
            return Selection.choose(request, proxies, cursor.map(Stored::value), now)
                    .map(chosen -> claim(leaseId, chosen, pool, consumer, request, cursor, now));
        });
    }

    /**
     * The answer to an acquire whose idempotency key names {@code lease}: that lease with its
     * proxy, if it is of the request's pool and consumer and still active.
     *
     * @throws IllegalArgumentException if it is another pool's or consumer's lease
     * @throws LeaseNotActiveException if it has ended
     * @throws Conflict if the reads saw a commit half applied
     */
    private LeasedProxy repeated(Lease lease, ProxyPool pool, Consumer consumer) {
        if (!lease.poolId().equals(pool.id()) || !lease.consumerId().equals(consumer.id())) {
            throw new IllegalArgumentException("idempotency key " + lease.id()
                    + " names a lease of another pool or consumer than pool '" + pool.name() + "' and consumer '"
                    + consumer.name() + "'");
        }
        Instant now = clock.instant();
        if (!lease.isActiveAt(now)) {
            throw new LeaseNotActiveException(
                    lease.id(), lease.statusAt(now), "acquired again under its idempotency key");
        }
        return new LeasedProxy(lease, holderOf(lease).value().proxy());
    }

    /**
     * Takes a slot of {@code chosen} for a new lease {@code leaseId} in one commit: the proxy's
     * record with the slot, its next fencing token and, on a half-open circuit, the lease as its
     * probe; the lease record (only if no lease has that id); the proxy's lapsed leases marked
     * EXPIRED; and, for round robin, the pool's cursor; each conditioned on what was read.
     *
     * @throws Conflict if another writer changed any of them since
     */
    private LeasedProxy claim(
            UUID leaseId,
            Stored<ProxyRecord> chosen,
            ProxyPool pool,
            Consumer consumer,
            AcquireRequest request,
            Optional<Stored<UUID>> cursor,
            Instant now) {
        return claim(leaseId, chosen, pool, consumer, request, cursor, now, List.of());
    }

    /** {@link #claim} with {@code also} in the same commit. */
    private LeasedProxy claim(
            UUID leaseId,
            Stored<ProxyRecord> chosen,
            ProxyPool pool,
            Consumer consumer,
            AcquireRequest request,
            Optional<Stored<UUID>> cursor,
            Instant now,
            List<Write> also) {
        ProxyRecord record = chosen.value();
        long token = record.learned().lastToken() + 1;
        Lease lease = Lease.active(
                leaseId, pool.id(), record.values().id(), consumer.id(), now, now.plus(request.ttl()), token);
        List<UUID> lapsed = record.lapsedAt(now);
        ProxyRecord claimed = record.without(lapsed).granting(new ProxyRecord.Slot(lease.id(), lease.expiresAt()), now);

        List<Write> writes = new ArrayList<>();
        writes.add(chosen.replaceWith(Records.encode(claimed)));
        writes.add(new Write.PutIfAbsent(Keys.lease(lease.id()), Records.encode(lease)));
        writes.addAll(expiring(lapsed));
        if (request.strategy() == SelectorStrategy.ROUND_ROBIN) {
            String proxyId = record.values().id().toString();
            writes.add(cursor.map(c -> c.replaceWith(proxyId))
                    .orElseGet(() -> new Write.PutIfAbsent(Keys.cursor(pool.id()), proxyId)));
        }
        writes.addAll(also);
        store.commit(writes);
        return new LeasedProxy(lease, claimed.proxy());
    }

    /**
     * An acquire through a sticky session ({@code docs/sessions.md}): the session's record is
     * read with the proxies and written in the claim's commit, conditioned on what was read, so
     * that of two acquires that read one state of a session only one commits; the other reads
     * again and follows the session as the first left it.
     */
    private Optional<LeasedProxy> acquireInSession(
            AcquireRequest request, StickySession session, ProxyPool pool, Consumer consumer) {
        String key = Keys.session(pool.id(), session.key());
        boolean roundRobin = request.strategy() == SelectorStrategy.ROUND_ROBIN;
        return store.retrying("acquiring through session '" + session.key() + "' in pool '" + pool.name() + "'", () -> {
            Optional<Stored<SessionRecord>> stored = store.read(key, SessionRecord::decode);
            Optional<Stored<UUID>> cursor =
                    roundRobin ? store.read(Keys.cursor(pool.id()), UUID::fromString) : Optional.empty();
            Optional<UUID> last = cursor.map(Stored::value);
            List<Stored<ProxyRecord>> proxies = proxiesOf(pool);
            Instant now = clock.instant();
            Optional<SessionRecord> live = stored.map(Stored::value).filter(s -> s.liveAt(now));
            if (live.isEmpty()) {
                return Selection.choose(request, proxies, last, now)
                        .map(chosen ->
                                claimInSession(chosen, pool, consumer, request, cursor, now, session, stored, NEW, 1));
            }
            UUID bound = live.get().proxyId();
            int uses = live.get().uses() + 1;
            List<Stored<ProxyRecord>> only = proxies.stream()
                    .filter(p -> p.value().values().id().equals(bound))
                    .toList();
            Optional<Stored<ProxyRecord>> kept = Selection.choose(request, only, last, now);
            if (kept.isPresent()) {
                return Optional.of(
                        claimInSession(kept.get(), pool, consumer, request, cursor, now, session, stored, KEPT, uses));
            }
            if (!only.isEmpty() && session.onUnavailable() == SessionFallback.WAIT) {
                return Optional.<LeasedProxy>empty();
            }
            List<Stored<ProxyRecord>> others = proxies.stream()
                    .filter(p -> !p.value().values().id().equals(bound))
                    .toList();
            return Selection.choose(request, others, last, now)
                    .map(chosen -> claimInSession(
                            chosen, pool, consumer, request, cursor, now, session, stored, REBOUND, uses));
        });
    }

    /** {@link #claim} with the session's record written in the same commit, after its {@code uses}-th grant. */
    private LeasedProxy claimInSession(
            Stored<ProxyRecord> chosen,
            ProxyPool pool,
            Consumer consumer,
            AcquireRequest request,
            Optional<Stored<UUID>> cursor,
            Instant now,
            StickySession session,
            Optional<Stored<SessionRecord>> stored,
            SessionBinding.State state,
            int uses) {
        UUID leaseId = Ids.next();
        Instant idleUntil = now.plus(request.ttl()).plus(session.idleTimeout());
        if (state != NEW
                && stored.isPresent()
                && stored.get().value().idleUntil().isAfter(idleUntil)) {
            idleUntil = stored.get().value().idleUntil();
        }
        String key = Keys.session(pool.id(), session.key());
        List<Write> sessionWrites = new ArrayList<>();
        if (session.endsAt(uses)) {
            // the grant that ends the session removes its record: the next acquire creates a new one
            stored.ifPresent(s -> sessionWrites.add(s.removal()));
        } else {
            String encoded = new SessionRecord(chosen.value().values().id(), uses, idleUntil).encode();
            sessionWrites.add(
                    stored.map(s -> s.replaceWith(encoded)).orElseGet(() -> new Write.PutIfAbsent(key, encoded)));
        }
        return claim(leaseId, chosen, pool, consumer, request, cursor, now, sessionWrites)
                .withSession(new SessionBinding(session.key(), state, uses));
    }

    @Override
    public boolean release(UUID leaseId) {
        Objects.requireNonNull(leaseId, "leaseId");
        return store.retrying("releasing lease " + leaseId, () -> {
            Stored<Lease> lease = requireLease(leaseId);
            if (lease.value().status() != LeaseStatus.ACTIVE) {
                return false;
            }
            Stored<ProxyRecord> proxy = holderOf(lease.value());
            Instant now = clock.instant();
            Lease ended = lease.value().isActiveAt(now)
                    ? lease.value().released(now)
                    : lease.value().expired();
            store.commit(List.of(
                    lease.replaceWith(Records.encode(ended)),
                    proxy.replaceWith(Records.encode(proxy.value().without(List.of(leaseId))))));
            return ended.status() == LeaseStatus.RELEASED;
        });
    }

    @Override
    public Optional<Lease> renew(UUID leaseId, Duration ttl) {
        Objects.requireNonNull(leaseId, "leaseId");
        AcquireRequest.requireTtl(ttl);
        return store.retrying("renewing lease " + leaseId, () -> {
            Stored<Lease> lease = requireLease(leaseId);
            if (lease.value().status() != LeaseStatus.ACTIVE) {
                return Optional.empty();
            }
            Stored<ProxyRecord> proxy = holderOf(lease.value());
            Instant now = clock.instant();
            if (!lease.value().isActiveAt(now)) {
                return Optional.empty();
            }
            Lease renewed = lease.value().withExpiresAt(now.plus(ttl));
            ProxyRecord.Slot slot = new ProxyRecord.Slot(leaseId, renewed.expiresAt());
            store.commit(List.of(
                    lease.replaceWith(Records.encode(renewed)),
                    proxy.replaceWith(Records.encode(proxy.value().with(slot)))));
            return Optional.of(renewed);
        });
    }

    @Override
    public int cleanupExpiredLeases() {
        int expired = 0;
        for (String key : store.keys(Keys.PROXIES)) {
            expired += store.retrying("expiring the leases of " + key, () -> expireLapsed(key));
        }
        Instant now = clock.instant();
        for (String key : store.keys(Keys.SESSIONS)) {
            // a record changed since it was read was just written by a grant: it is live
            store.read(key, SessionRecord::decode)
                    .filter(s -> !s.value().liveAt(now))
                    .ifPresent(s -> store.tryCommit(List.of(s.removal())));
        }
        return expired;
    }

    /**
     * Frees the slots of one proxy's lapsed leases and marks them EXPIRED, and deletes its ended
     * target bans, in one commit; returns how many leases it expired.
     */
    private int expireLapsed(String proxyKey) {
        Optional<Stored<ProxyRecord>> found = store.read(proxyKey, Records::proxy);
        if (found.isEmpty()) {
            return 0;
        }
        Stored<ProxyRecord> proxy = found.get();
        Instant now = clock.instant();
        List<UUID> lapsed = proxy.value().lapsedAt(now);
        Learned learned = proxy.value().learned();
        if (lapsed.isEmpty() && !learned.hasEndedBans(now)) {
            return 0;
        }
        List<Write> writes = new ArrayList<>(expiring(lapsed));
        ProxyRecord cleaned = proxy.value().without(lapsed);
        writes.add(proxy.replaceWith(
                Records.encode(cleaned.withLearned(cleaned.learned().withoutEndedBans(now)))));
        store.commit(writes);
        return lapsed.size();
    }

    /**
     * The writes that mark lapsed leases EXPIRED. They go in one commit with their proxy's record,
     * read before them: a lease renewed in between changed that record too, so the commit fails.
     */
    private List<Write> expiring(List<UUID> lapsed) {
        List<Write> writes = new ArrayList<>();
        for (UUID leaseId : lapsed) {
            Stored<Lease> lease = activeLease(leaseId);
            writes.add(lease.replaceWith(Records.encode(lease.value().expired())));
        }
        return writes;
    }

    // ------------------------------------------------------------------ outcomes

    /**
     * {@inheritDoc}
     *
     * <p>One write of the proxy's record, conditioned on the version read together with the
     * lease: a release, expiry or renewal of the lease commits that record too, so the report
     * cannot land on a lease that ended after it was checked.
     */
    @Override
    public ProxyStanding report(UUID leaseId, long fencingToken, Outcome outcome, OutcomePolicy policy) {
        Objects.requireNonNull(leaseId, "leaseId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(policy, "policy");
        return store.retrying("reporting on lease " + leaseId, () -> {
            Lease lease = requireLease(leaseId).value();
            if (lease.status() != LeaseStatus.ACTIVE) {
                throw new StaleLeaseException(leaseId, lease.status());
            }
            Stored<ProxyRecord> proxy = holderOf(lease);
            Instant now = clock.instant();
            if (!lease.isActiveAt(now)) {
                throw new StaleLeaseException(leaseId, lease.statusAt(now));
            }
            if (lease.fencingToken() != fencingToken) {
                throw new StaleLeaseException(leaseId, fencingToken, lease.fencingToken());
            }
            Learned before = proxy.value().learned();
            Learned learned = before.after(outcome, policy, now);
            store.commit(List.of(proxy.replaceWith(Records.encode(proxy.value().withLearned(learned)))));
            return learned.standing(lease.proxyId(), now).withCircuitBefore(before.circuitAt(now));
        });
    }

    @Override
    public Optional<ProxyStanding> standing(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return store.read(Keys.proxy(proxyId), Records::proxy)
                .map(stored -> stored.value().learned().standing(proxyId, clock.instant()));
    }

    @Override
    public List<TargetBan> bans(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return store.read(Keys.proxy(proxyId), Records::proxy)
                .map(stored -> stored.value().learned().bansAt(proxyId, clock.instant()))
                .orElse(List.of());
    }

    // ------------------------------------------------------------------ reads

    // ------------------------------------------------------------------ sessions

    @Override
    public Optional<SessionInfo> findSession(String poolName, String key) {
        ProxyPool pool = requirePool(poolName);
        StickySession.requireKey(key);
        Instant now = clock.instant();
        return store.read(Keys.session(pool.id(), key), SessionRecord::decode)
                .map(Stored::value)
                .filter(s -> s.liveAt(now))
                .map(s -> new SessionInfo(key, s.proxyId(), s.uses(), s.idleUntil()));
    }

    @Override
    public boolean endSession(String poolName, String key) {
        ProxyPool pool = requirePool(poolName);
        StickySession.requireKey(key);
        return store.retrying("ending session '" + key + "' in pool '" + pool.name() + "'", () -> {
            Optional<Stored<SessionRecord>> stored = store.read(Keys.session(pool.id(), key), SessionRecord::decode);
            if (stored.isEmpty() || !stored.get().value().liveAt(clock.instant())) {
                return false;
            }
            store.commit(List.of(stored.get().removal()));
            return true;
        });
    }

    @Override
    public Optional<Lease> findLease(UUID leaseId) {
        Objects.requireNonNull(leaseId, "leaseId");
        return store.read(Keys.lease(leaseId), Records::lease)
                .map(Stored::value)
                .map(lease -> {
                    Instant now = clock.instant();
                    return lease.statusAt(now) == lease.status() ? lease : lease.expired();
                });
    }

    @Override
    public List<Lease> activeLeases(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return activeLeasesOf(
                store.read(Keys.proxy(proxyId), Records::proxy).stream().toList());
    }

    @Override
    public List<Lease> activeLeasesInPool(String poolName) {
        return activeLeasesOf(proxiesOf(requirePool(poolName)));
    }

    /** {@inheritDoc} Reads every lease record: a real store would keep an index by consumer. */
    @Override
    public List<Lease> leasesOfConsumer(String consumerName) {
        Consumer.requireName(consumerName);
        Optional<Stored<Consumer>> consumer = store.read(Keys.consumer(consumerName), Records::consumer);
        if (consumer.isEmpty()) {
            return List.of();
        }
        UUID id = consumer.get().value().id();
        Instant now = clock.instant();
        List<Lease> active = new ArrayList<>();
        for (String key : store.keys(Keys.LEASES)) {
            store.read(key, Records::lease)
                    .map(Stored::value)
                    .filter(lease -> lease.consumerId().equals(id) && lease.isActiveAt(now))
                    .ifPresent(active::add);
        }
        active.sort(OLDEST_FIRST);
        return List.copyOf(active);
    }

    @Override
    public List<Proxy> findAvailable(AcquireRequest request, int limit) {
        Objects.requireNonNull(request, "request");
        ProxyStorage.requireLimit(limit);
        ProxyPool pool = requirePool(request.poolName());
        List<Stored<ProxyRecord>> proxies = proxiesOf(pool);
        Instant now = clock.instant();
        return Selection.available(request, proxies, now).stream()
                .filter(p -> !p.value().pacedAt(now, Pacing.effective(p.value().values(), pool)))
                .limit(limit)
                .map(p -> p.value().proxy())
                .toList();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each proxy's numbers come from one read of its record (its slots, status, capacity and
     * circuit), so they are consistent per proxy; proxies are read one after the other, so under
     * concurrent writers the totals mix moments, as any store without a multi-key snapshot read
     * would. A slot counts as active while its lease has not expired, as an acquire counts it.
     */
    @Override
    public PoolStats poolStats(String poolName) {
        ProxyPool pool = requirePool(poolName);
        List<Stored<ProxyRecord>> proxies = proxiesOf(pool);
        Instant now = clock.instant();
        PoolStats.Tally tally = new PoolStats.Tally(pool.name(), now);
        for (Stored<ProxyRecord> stored : proxies) {
            ProxyRecord record = stored.value();
            tally.add(record.values(), record.liveAt(now), record.learned().circuitAt(now) == CircuitState.OPEN);
        }
        return tally.build();
    }

    /** The unexpired leases of {@code proxies}, oldest first. */
    private List<Lease> activeLeasesOf(List<Stored<ProxyRecord>> proxies) {
        Instant now = clock.instant();
        List<Lease> active = new ArrayList<>();
        for (Stored<ProxyRecord> proxy : proxies) {
            for (ProxyRecord.Slot slot : proxy.value().slots()) {
                if (slot.isLiveAt(now)) {
                    store.read(Keys.lease(slot.leaseId()), Records::lease)
                            .map(Stored::value)
                            .filter(lease -> lease.isActiveAt(now))
                            .ifPresent(active::add);
                }
            }
        }
        active.sort(OLDEST_FIRST);
        return List.copyOf(active);
    }

    private Stored<Lease> requireLease(UUID leaseId) {
        return store.read(Keys.lease(leaseId), Records::lease).orElseThrow(() -> new LeaseNotFoundException(leaseId));
    }

    /**
     * A lease recorded ACTIVE. Its proxy's record says it is: a lease record in another state
     * means the reads saw a commit half applied.
     *
     * @throws Conflict if it is in another state, so that the operation reads again
     */
    private Stored<Lease> activeLease(UUID leaseId) {
        return store.read(Keys.lease(leaseId), Records::lease)
                .filter(lease -> lease.value().status() == LeaseStatus.ACTIVE)
                .orElseThrow(() -> Conflict.INSTANCE);
    }

    /**
     * The record of the proxy that holds a slot for an ACTIVE lease.
     *
     * @throws Conflict if it holds none: the reads saw a commit half applied
     */
    private Stored<ProxyRecord> holderOf(Lease lease) {
        return store.read(Keys.proxy(lease.proxyId()), Records::proxy)
                .filter(proxy -> proxy.value().holds(lease.id()))
                .orElseThrow(() -> Conflict.INSTANCE);
    }
}
