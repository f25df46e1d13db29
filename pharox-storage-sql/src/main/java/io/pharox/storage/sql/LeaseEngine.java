package io.pharox.storage.sql;

import static io.pharox.storage.sql.Claims.ACTIVE;
import static io.pharox.storage.sql.Claims.CLOCK;
import static io.pharox.storage.sql.Rows.P;
import static io.pharox.storage.sql.schema.Tables.CONSUMER;
import static io.pharox.storage.sql.schema.Tables.LEASE;
import static io.pharox.storage.sql.schema.Tables.POOL;
import static io.pharox.storage.sql.schema.Tables.POOL_WAITER;
import static io.pharox.storage.sql.schema.Tables.PROXY;
import static io.pharox.storage.sql.schema.Tables.PROXY_BAN;
import static org.jooq.impl.DSL.currentOffsetDateTime;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.val;
import static org.jooq.impl.DSL.when;

import io.pharox.exception.CredentialDecryptionException;
import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.exception.ProxyNotFoundException;
import io.pharox.exception.StorageException;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.CheckedProxy;
import io.pharox.model.Consumer;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Ids;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.model.ProxyStatus;
import io.pharox.model.SessionInfo;
import io.pharox.model.TargetBan;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.StickySession;
import io.pharox.storage.WaitQueue;
import io.pharox.storage.sql.Claims.Lock;
import io.pharox.storage.sql.schema.tables.records.LeaseRecord;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SortField;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL lease engine that every SQL storage adapter runs: acquire, release, renew,
 * expiry, the end of a removed proxy's leases, health results, and the reads of leases,
 * written once in jOOQ's DSL on the tables generated from the {@code pharox-schema}
 * migrations. An adapter supplies only a {@link SqlAccess}: how to run a statement.
 *
 * <p>Locking, which is what makes the engine deadlock-free: a statement that may wait for a
 * proxy row waits for rows in id order only (a waiting claim, a cleanup) or for one proxy row
 * (release, renew, removal, health); a statement that locks in any other order skips rows that
 * others hold and never waits for a proxy. A lease row is locked only by a holder of its
 * proxy's row, or skipped when locked. The round-robin cursor is the last row a claim locks.
 * No transaction of the engine holds a lock taken out of id order while it waits.
 *
 * <p>Every time is the database's clock: a grant's time is read after its proxy row is
 * locked ({@code clock_timestamp()}); expiry is decided against the database's time.
 * Consumers are never deleted and pools only by {@link #deletePool}, so their ids are cached by
 * name (a deletion evicts its pool's entry in this engine).
 */
public final class LeaseEngine {

    /** Candidates locked at once when a filter holds Java predicates. */
    public static final int PREDICATE_BATCH = 32;

    /** The most acquires claimed, or releases ended, in one coalesced statement. */
    static final int MAX_BATCH = 32;

    /**
     * Coalesced statements of one kind (acquires of one pool, strategy and filter; releases)
     * running at once. With 1, two threads already queue behind each other's statement and the
     * adapter fell below its one-thread figure at 2 and 4 threads; with 4, batches stayed small
     * at 16 threads; 2 was the best of the three in the runs recorded in docs/benchmarks.md.
     */
    static final int PARALLEL_BATCHES = 2;

    /** Claims tried when a locked candidate turns out to have no room (a lapsed lease held by another). */
    private static final int CLAIM_ATTEMPTS = 3;

    private final SqlAccess db;
    private final SqlStorageOptions options;
    private final CredentialCipher credentials;
    private final ClaimShapes shapes;
    private final ClaimBatches claimBatches;
    private final Releases releases;
    private final Sessions sessions;
    private final @Nullable Coalescer<ClaimLane, ClaimBatches.Item, Optional<Claims.Claimed>> claimLanes;
    private final @Nullable Coalescer<Boolean, UUID, Releases.Outcome> releaseLane;
    private final ConcurrentHashMap<String, UUID> poolIds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, UUID> consumerIds = new ConcurrentHashMap<>();
    private final @Nullable WakeListener waitQueue;

    /** An engine that runs its statements through {@code db}, with the {@linkplain SqlStorageOptions#defaults() default options}. */
    public LeaseEngine(SqlAccess db) {
        this(db, SqlStorageOptions.defaults());
    }

    /** An engine that runs its statements through {@code db} with {@code options}, without a wait queue. */
    public LeaseEngine(SqlAccess db, SqlStorageOptions options) {
        this(db, options, null);
    }

    /**
     * An engine that runs its statements through {@code db} with {@code options}, whose wait
     * queue (unless {@link SqlStorageOptions#wakeUps()} is off) listens on a connection from
     * {@link SqlStorageOptions#listenConnections()} or else {@code listen}; with neither,
     * waiting acquires poll.
     */
    public LeaseEngine(SqlAccess db, SqlStorageOptions options, @Nullable ListenConnections listen) {
        this.db = Objects.requireNonNull(db, "db");
        this.options = Objects.requireNonNull(options, "options");
        this.credentials = CredentialCipher.of(options);
        String settings = StatementBounds.of(options).settingStatement();
        this.shapes = new ClaimShapes(settings);
        this.claimBatches = new ClaimBatches(settings);
        this.releases = new Releases(settings);
        this.sessions = new Sessions(db, shapes, credentials, this::scan, options.storageListener());
        boolean coalescing = options.coalescing() != SqlStorageOptions.Coalescing.OFF;
        this.claimLanes = coalescing ? new Coalescer<>(this::claimTogether, MAX_BATCH, PARALLEL_BATCHES) : null;
        this.releaseLane =
                coalescing ? new Coalescer<>((key, ids) -> releaseTogether(ids), MAX_BATCH, PARALLEL_BATCHES) : null;
        ListenConnections connections = options.listenConnections().orElse(listen);
        this.waitQueue =
                connections != null && options.wakeUps() ? new WakeListener(connections, this::poolId, db) : null;
    }

    // ---------------------------------------------------------------- waiting

    /** The wait queue waiting acquires join, if this engine has one; see {@link io.pharox.storage.ProxyStorage#waitQueue()}. */
    public Optional<WaitQueue> waitQueue() {
        return waitQueue == null || waitQueue.closed() ? Optional.empty() : Optional.of(waitQueue);
    }

    /** Whether the wait queue's listener is connected now (wake-ups delivered); {@code false} without a queue. */
    public boolean wakeUpsLive() {
        return waitQueue != null && waitQueue.live();
    }

    /**
     * Wakes up to {@code slots} of the oldest waiters of {@code pool}, in every process: after a
     * change that made capacity available other than a release (a proxy added or made active).
     */
    public void wake(UUID pool, int slots) {
        Objects.requireNonNull(pool, "pool");
        db.statement(ctx -> Wakes.wake(ctx, Map.of(pool, slots)));
    }

    /**
     * {@code proxy}, just stored (added, updated, checked): if it is active, wakes as many waiters
     * of its pool as it can take leases, in every process.
     *
     * @return {@code proxy}
     */
    public Proxy wakeFor(Proxy proxy) {
        if (proxy.status() == ProxyStatus.ACTIVE) {
            wake(proxy.poolId(), Math.min(proxy.maxConcurrency(), Wakes.MOST_PER_NOTIFY));
        }
        return proxy;
    }

    /**
     * Stops the wait queue's listener, giving its connection back; waiting acquires poll from
     * then on. Idempotent.
     */
    public void close() {
        if (waitQueue != null) {
            waitQueue.close();
        }
    }

    /** Acquires claimed together: same pool, strategy and filter. */
    private record ClaimLane(UUID pool, SelectorStrategy strategy, ProxyFilter filter) {}

    /** The options this engine runs with. */
    public SqlStorageOptions options() {
        return options;
    }

    /** How this engine seals and opens proxy credentials, for the adapter's own reads and writes of proxies. */
    public CredentialCipher credentials() {
        return credentials;
    }

    // ---------------------------------------------------------------- pools and consumers

    /**
     * The id of the pool named {@code name}.
     *
     * @throws PoolNotFoundException if there is no such pool
     */
    public UUID poolId(String name) {
        ProxyPool.requireName(name);
        UUID id = poolIds.get(name);
        if (id != null) {
            return id;
        }
        UUID found = db.statement(ctx ->
                        ctx.select(POOL.ID).from(POOL).where(POOL.NAME.eq(name)).fetchOptional(POOL.ID))
                .orElseThrow(() -> new PoolNotFoundException(name));
        poolIds.putIfAbsent(name, found);
        return found;
    }

    /**
     * Sets or clears the default minimum interval between grants of the pool named
     * {@code poolName}; see {@link io.pharox.storage.ProxyStorage#setDefaultMinGrantInterval}.
     *
     * @throws PoolNotFoundException if there is no such pool
     * @throws IllegalArgumentException if the name or the interval is invalid
     */
    public ProxyPool setDefaultMinGrantInterval(String poolName, @Nullable Duration interval) {
        // checked before the statement: an adapter may wrap what its statement throws
        GrantPacing.check(poolName, interval);
        return db.statement(ctx -> GrantPacing.setDefault(ctx, poolName, interval));
    }

    /** The consumer named {@code name}, created if it does not exist yet; concurrent first uses agree on one. */
    public Consumer ensureConsumer(String name) {
        Consumer.requireName(name);
        // DO NOTHING, not an update: an update would lock the row against the key-share locks
        // that every lease insert takes on its consumer
        Consumer consumer = db.statement(
                        ctx -> ctx.insertInto(CONSUMER, CONSUMER.ID, CONSUMER.NAME, CONSUMER.CREATED_AT)
                                .values(val(Ids.next()), val(name), currentOffsetDateTime())
                                .onConflict(CONSUMER.NAME)
                                .doNothing()
                                .returning()
                                .fetchOptional())
                .or(() -> db.statement(ctx ->
                        ctx.selectFrom(CONSUMER).where(CONSUMER.NAME.eq(name)).fetchOptional()))
                .map(Rows::consumer)
                .orElseThrow(() -> new IllegalStateException("consumer " + name + " neither inserted nor found"));
        consumerIds.putIfAbsent(name, consumer.id());
        return consumer;
    }

    private UUID consumerId(String name) {
        UUID id = consumerIds.get(name);
        return id != null ? id : ensureConsumer(name).id();
    }

    // ---------------------------------------------------------------- acquire

    /**
     * Leases one proxy for {@code request}, or returns empty when none can take a lease now.
     * Without Java predicates in the filter this is one statement (two when every candidate
     * is locked by concurrent acquires and the engine waits for one).
     *
     * <p>The lease id is chosen once, before the first statement: the request's idempotency key,
     * or a new id. If the connection is lost while the claim runs (the commit may have happened
     * with only its reply lost), the engine looks the id up on a new connection and returns the
     * lease it finds, or claims again with the same id. If the lost claim is still in flight on
     * the server, the second claim's insert of the same id waits for it and then fails as a
     * duplicate, and the engine reads the lease the first one committed. So one request never
     * holds two leases, and no lease holds a slot that the caller was not given.
     *
     * @throws io.pharox.exception.LeaseNotActiveException if the idempotency key names a lease that has ended
     * @throws IllegalArgumentException if the idempotency key names a lease of another pool or consumer
     */
    public Optional<LeasedProxy> acquire(AcquireRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            return acquireOnce(request);
        } catch (StorageException e) {
            if (!poolGone(e)) {
                throw e;
            }
            // the pool whose id this engine cached was deleted by another storage: resolve the
            // name again (PoolNotFoundException if no pool has it now)
            poolIds.remove(request.poolName());
            return acquireOnce(request);
        }
    }

    /** Whether {@code failure} is a row that refers to a pool that no longer exists. */
    private static boolean poolGone(StorageException failure) {
        return SqlFailures.sqlCause(failure)
                .filter(sql -> "23503".equals(sql.getSQLState()))
                .map(sql -> String.valueOf(sql.getMessage()).contains("_pool_fkey"))
                .orElse(false);
    }

    private Optional<LeasedProxy> acquireOnce(AcquireRequest request) {
        UUID pool = poolId(request.poolName());
        UUID consumer = consumerId(request.consumerName());
        if (request.session().isPresent()) {
            return sessions.acquire(request, pool, consumer, this);
        }
        boolean keyed = request.idempotencyKey().isPresent();
        AtomicReference<UUID> leaseId =
                new AtomicReference<>(request.idempotencyKey().orElseGet(Ids::next));
        return SqlFailures.recovering("acquire", options.storageListener(), SqlFailures::leaseIdTaken, afterDoubt -> {
            UUID id = Objects.requireNonNull(leaseId.get(), "leaseId");
            if (afterDoubt) {
                Optional<Lease> earlier = findLease(id);
                if (earlier.isPresent()) {
                    if (keyed || earlier.get().status() == LeaseStatus.ACTIVE) {
                        return Optional.of(leasedUnderKey(earlier.get(), request, pool, consumer));
                    }
                    // the lost attempt's lease lapsed before we could read it: it holds no slot, and
                    // the caller never saw it; claim afresh under a new id
                    id = Ids.next();
                    leaseId.set(id);
                }
            }
            Optional<LeasedProxy> leased = request.filter().hasPredicates()
                    ? acquireWithPredicates(request, pool, consumer, id)
                    : acquireInSql(request, pool, consumer, id);
            if (leased.isEmpty() && keyed) {
                // nothing free: the key's lease, if it has one, is the answer
                return findLease(id).map(lease -> leasedUnderKey(lease, request, pool, consumer));
            }
            return leased;
        });
    }

    /**
     * The answer to an acquire whose lease id names the stored {@code lease}: that lease with
     * its proxy as stored now, if it is the request's and active.
     *
     * @throws io.pharox.exception.LeaseNotActiveException if the lease has ended
     * @throws IllegalArgumentException if it is a lease of another pool or consumer
     */
    private LeasedProxy leasedUnderKey(Lease lease, AcquireRequest request, UUID pool, UUID consumer) {
        if (!lease.poolId().equals(pool) || !lease.consumerId().equals(consumer)) {
            throw new IllegalArgumentException("idempotency key " + lease.id()
                    + " names a lease of another pool or consumer than pool '" + request.poolName()
                    + "' and consumer '" + request.consumerName() + "'");
        }
        if (lease.status() != LeaseStatus.ACTIVE) {
            throw new LeaseNotActiveException(lease.id(), lease.status(), "acquired again under its idempotency key");
        }
        Optional<Proxy> proxy = db.statement(ctx -> ctx.select(Rows.PROXY_COLUMNS)
                .from(P)
                .where(P.ID.eq(lease.proxyId()))
                .fetchOptional(r -> Rows.proxy(r, credentials)));
        // an active lease's proxy exists: removing a proxy ends its leases in the same transaction
        return new LeasedProxy(
                lease,
                proxy.orElseThrow(() -> new IllegalStateException(
                        "proxy " + lease.proxyId() + " of active lease " + lease.id() + " not found")));
    }

    private Optional<LeasedProxy> acquireInSql(AcquireRequest request, UUID pool, UUID consumer, UUID leaseId) {
        // coalesced: the claim of a batch, or empty when the batch left this request without a proxy
        Claims.Claimed first = claimLanes == null || !ClaimBatches.batchable(request)
                ? null
                : claimLanes
                        .submit(
                                new ClaimLane(pool, request.strategy(), request.filter()),
                                new ClaimBatches.Item(request, consumer, leaseId))
                        .orElse(null);
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            Claims.Claimed claimed = first != null
                    ? first
                    : db.statement(ctx -> shapes.claim(ctx, request, pool, consumer, leaseId, Lock.SKIP));
            first = null;
            if (claimed.othersHoldEveryCandidate()) {
                // every candidate is held by concurrent acquires: wait for one, in id order
                claimed = db.statement(ctx -> shapes.claim(ctx, request, pool, consumer, leaseId, Lock.WAIT));
            }
            if (!claimed.locked()) {
                return Optional.empty();
            }
            Optional<LeasedProxy> leased = leased(claimed);
            if (leased.isPresent()) {
                return leased;
            }
        }
        return Optional.empty();
    }

    /**
     * Runs a batch of acquires queued together. A lone one runs the one-request claim (unless
     * coalescing is {@code ALWAYS}), whose result its caller reads as if it had run it itself.
     */
    private List<Optional<Claims.Claimed>> claimTogether(ClaimLane lane, List<ClaimBatches.Item> items) {
        if (items.size() == 1 && options.coalescing() != SqlStorageOptions.Coalescing.ALWAYS) {
            ClaimBatches.Item item = items.get(0);
            return List.of(Optional.of(db.statement(ctx ->
                    shapes.claim(ctx, item.request(), lane.pool(), item.consumer(), item.leaseId(), Lock.SKIP))));
        }
        return db.statement(ctx -> claimBatches.claim(ctx, lane.pool(), items));
    }

    private List<Releases.Outcome> releaseTogether(List<UUID> leaseIds) {
        return db.statement(ctx -> releases.release(ctx, leaseIds));
    }

    /**
     * Acquire with Java predicates. A first transaction locks batches of candidates that pass
     * the rest of the filter in the strategy's order, skipping rows others hold, tests the
     * predicates on the locked rows and claims the first that passes. If it finds none, it
     * commits (releasing its locks) and a second transaction goes through the candidates not
     * yet examined in id order, waiting for rows others hold: a transaction that waits holds
     * only locks taken in id order.
     */
    private Optional<LeasedProxy> acquireWithPredicates(
            AcquireRequest request, UUID pool, UUID consumer, UUID leaseId) {
        Condition relaxed = Claims.leasable(
                pool,
                FilterTranslator.translate(ProxyFilters.withoutPredicates(request.filter())),
                request.target().<Field<String>>map(DSL::val));
        List<UUID> seen = new ArrayList<>();
        Optional<LeasedProxy> leased = db.transaction(ctx -> {
            List<Condition> regions = new ArrayList<>();
            Claims.start(request.strategy(), pool, ThreadLocalRandom.current().nextDouble())
                    .ifPresent(regions::add);
            regions.add(DSL.trueCondition());
            for (Condition region : regions) {
                Optional<LeasedProxy> found = scan(
                        ctx,
                        request,
                        pool,
                        consumer,
                        leaseId,
                        relaxed.and(region),
                        Claims.order(request.strategy()),
                        seen,
                        Lock.SKIP);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.<LeasedProxy>empty();
        });
        if (leased.isPresent()) {
            return leased;
        }
        return db.transaction(
                ctx -> scan(ctx, request, pool, consumer, leaseId, relaxed, List.of(P.ID.asc()), seen, Lock.WAIT));
    }

    /**
     * The lease {@code claimed} granted, with its proxy's credentials decrypted. The claim has
     * committed: if the credentials cannot be decrypted, the lease is released before the
     * error is thrown, so that it holds no slot that nobody knows of.
     */
    private Optional<LeasedProxy> leased(Claims.Claimed claimed) {
        try {
            return claimed.leased(credentials);
        } catch (CredentialDecryptionException e) {
            claimed.grantedLeaseId().ifPresent(leaseId -> {
                try {
                    release(leaseId);
                } catch (RuntimeException failed) {
                    e.addSuppressed(failed);
                }
            });
            throw e;
        }
    }

    // in a transaction: a proxy whose credentials do not decrypt rolls the claim back
    Optional<LeasedProxy> scan(
            DSLContext ctx,
            AcquireRequest request,
            UUID pool,
            UUID consumer,
            UUID leaseId,
            Condition where,
            List<SortField<?>> order,
            List<UUID> seen,
            Lock lock) {
        UUID after = null;
        while (true) {
            Condition batchWhere = where.and(P.ID.ne(DSL.all(val(seen.toArray(new UUID[0])))));
            if (lock == Lock.WAIT && after != null) {
                // keyset, so that every lock this transaction waits for has a higher id than the ones it holds
                batchWhere = batchWhere.and(P.ID.gt(after));
            }
            var select = ctx.select(Rows.PROXY_COLUMNS)
                    .from(P)
                    .where(batchWhere)
                    .orderBy(order)
                    .limit(inline(PREDICATE_BATCH))
                    .forUpdate()
                    .of(P);
            List<Proxy> batch =
                    (lock == Lock.SKIP ? select.skipLocked() : select).fetch(r -> Rows.proxy(r, credentials));
            for (Proxy candidate : batch) {
                after = candidate.id();
                if (request.filter().matches(candidate)) {
                    // already locked by this transaction: the claim does not wait
                    Optional<LeasedProxy> leased = Claims.claim(
                                    ctx, request, pool, consumer, leaseId, P.ID.eq(candidate.id()), Lock.WAIT)
                            .leased(credentials);
                    if (leased.isPresent()) {
                        return leased;
                    }
                }
                seen.add(candidate.id());
            }
            if (batch.size() < PREDICATE_BATCH) {
                return Optional.empty();
            }
        }
    }

    // ---------------------------------------------------------------- release, renew, expiry

    /**
     * Ends the lease {@code leaseId}: released if it was active and not lapsed, expired if it
     * had lapsed; its slot is freed once.
     *
     * <p>If the connection is lost while the release runs, the engine runs it again on a new
     * connection. When that finds the lease already released, the lost attempt may have been
     * the one that released it, and the call reports {@code true}: after a lost connection, a
     * release that another caller made at the same moment is reported as this call's.
     *
     * @return whether this call released it
     * @throws LeaseNotFoundException if there is no such lease
     */
    public boolean release(UUID leaseId) {
        Objects.requireNonNull(leaseId, "leaseId");
        return SqlFailures.recovering(
                "release", options.storageListener(), afterDoubt -> releaseOnce(leaseId, afterDoubt));
    }

    private boolean releaseOnce(UUID leaseId, boolean afterDoubt) {
        // after a lost connection, alone: the caller must learn what its own statement finds
        Releases.Outcome r = releaseLane == null || afterDoubt
                ? releaseTogether(List.of(leaseId)).get(0)
                : releaseLane.submit(Boolean.TRUE, leaseId);
        if (r.before() == null) {
            throw new LeaseNotFoundException(leaseId);
        }
        if (r.ended() != null) {
            return LeaseStatus.RELEASED.name().equals(r.ended());
        }
        // this statement ended nothing; a lease found released may be the lost attempt's doing
        return afterDoubt && LeaseStatus.RELEASED.name().equals(r.before());
    }

    /**
     * Moves the expiry of the active lease {@code leaseId} to {@code ttl} from now.
     *
     * <p>If the connection is lost while the renewal runs, the engine runs it again on a new
     * connection: renewing twice sets the same kind of expiry, counted from the later now.
     *
     * @return the renewed lease, or empty if it is no longer active (released, expired, lapsed)
     * @throws LeaseNotFoundException if there is no such lease
     */
    public Optional<Lease> renew(UUID leaseId, Duration ttl) {
        Objects.requireNonNull(leaseId, "leaseId");
        AcquireRequest.requireTtl(ttl);
        return SqlFailures.recovering("renew", options.storageListener(), afterDoubt -> renewOnce(leaseId, ttl));
    }

    @SuppressWarnings("NullAway") // jOOQ marks CTE fields @Nullable; this CTE declares every field
    private Optional<Lease> renewOnce(UUID leaseId, Duration ttl) {
        Optional<LeaseRecord> renewed = db.statement(ctx -> {
            var lease = name("renewed")
                    .as(DSL.update(LEASE)
                            .set(LEASE.EXPIRES_AT, currentOffsetDateTime().plus(val(Rows.interval(ttl))))
                            .where(
                                    LEASE.ID.eq(leaseId),
                                    LEASE.STATUS.eq(inline(ACTIVE)),
                                    LEASE.EXPIRES_AT.gt(currentOffsetDateTime()))
                            .returning());
            // a half-open circuit's probe holds it as long as the probe lease lasts
            var probe = name("probe_renewed")
                    .as(DSL.update(PROXY)
                            .set(PROXY.PROBE_UNTIL, lease.field(LEASE.EXPIRES_AT))
                            .from(lease)
                            .where(
                                    PROXY.ID.eq(lease.field(LEASE.PROXY_ID)),
                                    PROXY.PROBE_LEASE_ID.eq(lease.field(LEASE.ID)))
                            .returning(PROXY.ID));
            return ctx.with(lease, probe)
                    .select(lease.fields(LEASE.fields()))
                    .from(lease)
                    .fetchOptional()
                    .map(r -> r.into(LEASE));
        });
        if (renewed.isPresent()) {
            return renewed.map(Rows::lease);
        }
        if (findLease(leaseId).isEmpty()) {
            throw new LeaseNotFoundException(leaseId);
        }
        return Optional.empty();
    }

    /**
     * Marks every active lease whose time has passed as expired and frees its slot, locking
     * the proxies concerned in id order; in the same statement, deletes the ended target bans,
     * the lapsed sticky sessions (skipping session rows that acquires hold) and the tickets of
     * waiters that died, and wakes, per pool, as many waiters as slots it freed.
     *
     * @return how many leases this call expired
     */
    public int cleanupExpiredLeases() {
        return SqlFailures.retrying(
                "cleanupExpiredLeases",
                options.storageListener(),
                () -> db.statement(ctx -> {
                    Record row = ctx.fetchOne(
                            "with locked as (select p.id from {0} as p where p.id in (select l.proxy_id from {1} as l"
                                    + " where l.status = {4} and l.expires_at <= current_timestamp) order by p.id for update),"
                                    + " expired as (update {1} as l set status = {5} from locked where l.proxy_id = locked.id"
                                    + " and l.status = {4} and l.expires_at <= current_timestamp returning l.proxy_id, l.pool_id),"
                                    + " per_proxy as (select proxy_id, count(*) as n from expired group by proxy_id),"
                                    + " freed as (update {0} as p set current_leases = p.current_leases - per_proxy.n"
                                    + " from per_proxy where p.id = per_proxy.proxy_id returning p.id),"
                                    // data-modifying: these run whether read or not
                                    + " bans_ended as (delete from {2} as b where b.banned_until <= current_timestamp"
                                    + " returning b.proxy_id),"
                                    + " waiters_lapsed as (delete from {3} as w where w.expires_at <= current_timestamp"
                                    + " returning w.ticket),"
                                    + " sessions_ended as ({6}),"
                                    + Wakes.ctes("select pool_id, count(*) as n from expired group by pool_id", "{3}")
                                    + " select (select count(*) from expired), " + Wakes.NOTIFIED,
                            PROXY,
                            LEASE,
                            PROXY_BAN,
                            POOL_WAITER,
                            inline(ACTIVE),
                            inline(LeaseStatus.EXPIRED.name()),
                            Sessions.lapsedDeletion());
                    return row == null ? 0 : row.get(0, Integer.class);
                }));
    }

    // ---------------------------------------------------------------- sticky sessions

    /**
     * The live sticky session {@code key} of the pool named {@code poolName}.
     *
     * @throws PoolNotFoundException if there is no such pool
     * @throws IllegalArgumentException if the key is invalid
     */
    public Optional<SessionInfo> findSession(String poolName, String key) {
        StickySession.requireKey(key);
        return sessions.find(poolId(poolName), key);
    }

    /**
     * Ends the live sticky session {@code key} of the pool named {@code poolName}.
     *
     * @return whether there was one
     * @throws PoolNotFoundException if there is no such pool
     * @throws IllegalArgumentException if the key is invalid
     */
    public boolean endSession(String poolName, String key) {
        StickySession.requireKey(key);
        return sessions.end(poolId(poolName), key);
    }

    /**
     * Removes the proxy {@code proxyId}: waits for acquires that hold it, ends its active
     * leases as released at the time of the removal, deletes it.
     *
     * @return whether the proxy existed
     */
    public boolean removeProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return SqlFailures.retrying(
                "removeProxy",
                options.storageListener(),
                () -> db.transaction(ctx -> {
                    if (ctx.select(PROXY.ID)
                            .from(PROXY)
                            .where(PROXY.ID.eq(proxyId))
                            .forUpdate()
                            .fetchOptional()
                            .isEmpty()) {
                        return false;
                    }
                    // the clock after the lock, not now() (the transaction's start): a lease committed
                    // while we waited for the lock may have been acquired after our transaction began
                    ctx.update(LEASE)
                            .set(LEASE.STATUS, inline(LeaseStatus.RELEASED.name()))
                            .set(LEASE.RELEASED_AT, CLOCK)
                            .where(LEASE.PROXY_ID.eq(proxyId), LEASE.STATUS.eq(inline(ACTIVE)))
                            .execute();
                    ctx.deleteFrom(PROXY).where(PROXY.ID.eq(proxyId)).execute();
                    return true;
                }));
    }

    // ---------------------------------------------------------------- administration

    /**
     * Adds every proxy of {@code proxies}, all or nothing, in one transaction: one query checks
     * that their pools exist (locking them {@code FOR KEY SHARE} so that they are not deleted
     * meanwhile), one finds the stored proxies whose id or address they would take, and the rows
     * are written in multi-row inserts of {@value Administration#INSERT_ROWS}, their credentials
     * sealed as {@link Rows#proxyValues} seals them for a single add. If a concurrent writer takes
     * an id or address (or deletes a pool) between the check and the insert, the check runs again
     * to name the entry that collides. Then wakes waiters of the pools that got active proxies.
     *
     * @return the proxies as stored, in the order given; unmodifiable
     * @throws NullPointerException if {@code proxies} is {@code null}
     * @throws io.pharox.exception.ProxyBatchException naming the first entry refused, with the
     *         reason a single add would have thrown as its cause
     * @see io.pharox.storage.ProxyStorage#addProxies
     */
    public List<Proxy> addProxies(List<Proxy> proxies) {
        Objects.requireNonNull(proxies, "proxies");
        // a copy that may hold nulls (List.copyOf refuses them): a null entry is refused by position
        List<Proxy> batch = new ArrayList<>(proxies);
        if (batch.isEmpty()) {
            return List.of();
        }
        Map<UUID, Proxy> stored;
        for (int attempt = 1; ; attempt++) {
            try {
                stored = SqlFailures.retrying(
                        "addProxies",
                        options.storageListener(),
                        () -> db.transaction(ctx -> {
                            Administration.refusal(ctx, batch, true).ifPresent(refused -> {
                                throw refused;
                            });
                            return Administration.insert(ctx, Administration.rows(batch, credentials), credentials);
                        }));
                break;
            } catch (StorageException e) {
                String state =
                        SqlFailures.sqlCause(e).map(SQLException::getSQLState).orElse("");
                if (!state.equals("23505") && !state.equals("23503")) {
                    throw e;
                }
                // a concurrent writer took an id or address, or deleted a pool, after the check
                Optional<ProxyBatchException> refused =
                        db.transaction(ctx -> Administration.refusal(ctx, batch, false));
                if (refused.isPresent()) {
                    throw refused.get();
                }
                if (attempt >= SqlFailures.ATTEMPTS) {
                    throw e;
                }
            }
        }
        List<Proxy> added = new ArrayList<>(batch.size());
        Map<UUID, Integer> slots = new HashMap<>();
        for (Proxy proxy : batch) {
            Proxy row = Objects.requireNonNull(stored.get(proxy.id()), "stored proxy");
            added.add(row);
            if (row.status() == ProxyStatus.ACTIVE) {
                slots.merge(
                        row.poolId(),
                        Math.min(row.maxConcurrency(), Wakes.MOST_PER_NOTIFY),
                        (a, b) -> Math.min(a + b, Wakes.MOST_PER_NOTIFY));
            }
        }
        if (!slots.isEmpty()) {
            db.statement(ctx -> Wakes.wake(ctx, slots));
        }
        return Collections.unmodifiableList(added);
    }

    /**
     * Deletes the pool named {@code poolName} with its proxies, its lease records, sessions, bans,
     * waiters and round-robin cursors, in one transaction. To decide on its active leases, the
     * transaction first locks the pool's proxy rows in id order (waiting for claims that hold
     * one, as a waiting claim does), then the pool row, which stops new proxies and new leases
     * in the pool, then again the proxy rows added in between. No claim can grant a lease in the
     * pool from then on, so the leases counted are all there are. Without {@code force}, active
     * unexpired leases refuse the deletion; with it they end as {@code RELEASED} first.
     *
     * @return whether a pool was deleted ({@code false} if there is none with this name)
     * @throws io.pharox.exception.PoolInUseException if leases are active and {@code force} is not set
     * @throws IllegalArgumentException if the name is invalid
     * @see io.pharox.storage.ProxyStorage#deletePool
     */
    public boolean deletePool(String poolName, boolean force) {
        ProxyPool.requireName(poolName);
        boolean deleted = SqlFailures.retrying(
                "deletePool",
                options.storageListener(),
                () -> db.transaction(ctx -> {
                    Optional<UUID> pool = ctx.select(POOL.ID)
                            .from(POOL)
                            .where(POOL.NAME.eq(poolName))
                            .fetchOptional(POOL.ID);
                    return pool.isPresent() && Administration.deletePool(ctx, pool.get(), poolName, force);
                }));
        poolIds.remove(poolName);
        return deleted;
    }

    /**
     * The active, unexpired leases of the consumer named {@code consumerName} in every pool,
     * oldest first; empty for a consumer that does not exist.
     *
     * @throws IllegalArgumentException if the name is invalid
     */
    public List<Lease> leasesOfConsumer(String consumerName) {
        Consumer.requireName(consumerName);
        return List.copyOf(activeLeasesWhere(Administration.ofConsumer(consumerName)));
    }

    /**
     * Up to {@code limit} proxies that {@code request} could be granted now, in id order, without
     * leasing or locking any: the claim's own conditions ({@link Claims#leasable}: status,
     * filter, circuit, pacing, room, bans for the target), and the filter's Java predicates
     * tested on the rows read. A snapshot; see {@link io.pharox.storage.ProxyStorage#findAvailable}.
     *
     * @throws PoolNotFoundException if there is no such pool
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    public List<Proxy> findAvailable(AcquireRequest request, int limit) {
        Objects.requireNonNull(request, "request");
        ProxyStorage.requireLimit(limit);
        UUID pool = poolId(request.poolName());
        return List.copyOf(
                request.filter().hasPredicates()
                        ? db.transaction(ctx -> Administration.findAvailable(ctx, request, pool, limit, credentials))
                        : db.statement(ctx -> Administration.findAvailable(ctx, request, pool, limit, credentials)));
    }

    // ---------------------------------------------------------------- health

    /**
     * Records a health-check result on its proxy: status (a {@code BANNED} proxy stays
     * banned), check time and latency; and feeds it to the proxy's standing under
     * {@code policy}, as a success (with its latency) when it passed, as a failure that counts
     * against the proxy when it did not.
     *
     * @return the proxy as updated
     * @throws ProxyNotFoundException if there is no such proxy
     */
    public CheckedProxy applyHealthCheck(HealthCheckResult result, OutcomePolicy policy) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(policy, "policy");
        Learning.Kind kind = result.status().passed() ? Learning.Kind.SUCCESS : Learning.Kind.FAILURE;
        @Nullable Long latency = result.latency().map(Rows::micros).orElse(null);
        // the row locked (and the clock read once) before the update, so that the circuit it
        // returns as before the check is the state the check's update started from
        var lockedRow = PROXY.as("locked");
        var locked = select(lockedRow.ID, lockedRow.OPEN_UNTIL.as(Learning.OPEN_BEFORE.getName()), CLOCK.as("t"))
                .from(lockedRow)
                .where(lockedRow.ID.eq(result.proxyId()))
                .forNoKeyUpdate()
                .asTable("locked");
        // a column the derived table has by construction: jOOQ's lookup is nullable in general
        Field<OffsetDateTime> t = Objects.requireNonNull(locked.field("t", OffsetDateTime.class), "t");
        List<Field<?>> returned = new ArrayList<>(Rows.PROXY_COLUMNS);
        for (Field<?> column : Learning.STANDING) {
            if (!column.getName().equals(P.ID.getName())) {
                returned.add(column);
            }
        }
        returned.add(locked.field(Learning.OPEN_BEFORE.getName()));
        returned.add(t.as("t"));
        return db.statement(ctx -> ctx.update(P)
                        .set(
                                P.STATUS,
                                when(P.STATUS.eq(inline(ProxyStatus.BANNED.name())), P.STATUS)
                                        .otherwise(val(
                                                result.status().proxyStatus().name())))
                        .set(P.LAST_CHECKED_AT, Rows.timestamp(result.checkedAt()))
                        .set(P.LAST_LATENCY_MICROS, latency)
                        .set(Learning.assignments(kind, latency, policy, t))
                        .from(locked)
                        .where(P.ID.eq(locked.field(lockedRow.ID)))
                        .returningResult(returned)
                        .fetchOptional())
                .map(r -> {
                    OffsetDateTime at = r.get("t", OffsetDateTime.class);
                    ProxyStanding standing = Learning.standing(r, at).withCircuitBefore(Learning.circuitBefore(r, at));
                    return new CheckedProxy(wakeFor(Rows.proxy(r, credentials)), standing);
                })
                .orElseThrow(() -> new ProxyNotFoundException(result.proxyId()));
    }

    // ---------------------------------------------------------------- outcomes

    /**
     * Applies an outcome reported on lease {@code leaseId} to its proxy's standing, in one
     * statement; see {@link io.pharox.storage.ProxyStorage#report}.
     *
     * @throws LeaseNotFoundException if there is no such lease
     * @throws io.pharox.exception.StaleLeaseException if the lease is not current
     */
    public ProxyStanding report(UUID leaseId, long fencingToken, Outcome outcome, OutcomePolicy policy) {
        Objects.requireNonNull(leaseId, "leaseId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(policy, "policy");
        Learning.Reported reported = SqlFailures.retrying(
                "report",
                options.storageListener(),
                () -> db.statement(ctx -> Learning.report(ctx, leaseId, fencingToken, outcome, policy)));
        if (reported.closedCircuit()) {
            db.statement(ctx -> Wakes.wakeProxy(ctx, reported.standing().proxyId()));
        }
        return reported.standing();
    }

    /** The standing of proxy {@code proxyId} now, if it exists. */
    public Optional<ProxyStanding> standing(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return db.statement(ctx -> Learning.standing(ctx, proxyId));
    }

    /** The bans of proxy {@code proxyId} in force now, by target. */
    public List<TargetBan> bans(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return List.copyOf(db.statement(ctx -> Learning.bans(ctx, proxyId)));
    }

    // ---------------------------------------------------------------- leases

    /** The lease {@code leaseId}, reported {@code EXPIRED} once its time has passed even before cleanup. */
    public Optional<Lease> findLease(UUID leaseId) {
        Objects.requireNonNull(leaseId, "leaseId");
        Field<String> status = when(
                        LEASE.STATUS.eq(inline(ACTIVE)).and(LEASE.EXPIRES_AT.le(currentOffsetDateTime())),
                        inline(LeaseStatus.EXPIRED.name()))
                .otherwise(LEASE.STATUS)
                .as(LEASE.STATUS);
        return db.statement(ctx -> ctx.select(
                                LEASE.ID,
                                LEASE.POOL_ID,
                                LEASE.PROXY_ID,
                                LEASE.CONSUMER_ID,
                                status,
                                LEASE.ACQUIRED_AT,
                                LEASE.EXPIRES_AT,
                                LEASE.RELEASED_AT,
                                LEASE.FENCE)
                        .from(LEASE)
                        .where(LEASE.ID.eq(leaseId))
                        .fetchOptionalInto(LEASE))
                .map(Rows::lease);
    }

    /** The leases of proxy {@code proxyId} that are active and not lapsed, oldest first. */
    public List<Lease> activeLeases(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return activeLeasesWhere(LEASE.PROXY_ID.eq(proxyId));
    }

    /**
     * The leases of the pool named {@code poolName} that are active and not lapsed, oldest first.
     *
     * @throws PoolNotFoundException if there is no such pool
     */
    public List<Lease> activeLeasesInPool(String poolName) {
        return activeLeasesWhere(LEASE.POOL_ID.eq(poolId(poolName)));
    }

    /**
     * A snapshot of the pool named {@code poolName} as of the database's {@code now()}, in one
     * statement that reads the pool's proxy rows (with their lease counters) and, of its leases,
     * only the lapsed ones still ACTIVE ({@link PoolStatistics}); see
     * {@link io.pharox.storage.ProxyStorage#poolStats}.
     *
     * @throws PoolNotFoundException if there is no such pool
     * @throws IllegalArgumentException if the name is invalid
     */
    public PoolStats poolStats(String poolName) {
        ProxyPool.requireName(poolName);
        return db.statement(ctx -> PoolStatistics.take(ctx, poolName))
                .orElseThrow(() -> new PoolNotFoundException(poolName));
    }

    private List<Lease> activeLeasesWhere(Condition condition) {
        return db.statement(ctx -> ctx.selectFrom(LEASE)
                .where(condition, LEASE.STATUS.eq(inline(ACTIVE)), LEASE.EXPIRES_AT.gt(currentOffsetDateTime()))
                .orderBy(LEASE.ACQUIRED_AT, LEASE.ID)
                .fetch(Rows::lease));
    }

    // ---------------------------------------------------------------- credentials at rest

    /**
     * Re-encrypts, under the keyring's current key, the credentials of every proxy not yet
     * under it: rows sealed with an older key, and rows still in plain text. Works in batches
     * of {@code batchSize} rows, each its own short transaction that locks its rows in id
     * order; a first pass skips rows that acquires hold at that moment, later passes wait for
     * them, so that leasing goes on throughout and every row is covered. Rows whose credentials
     * do not decrypt stop the rotation with the error; the batches before stay committed.
     *
     * @return how many rows this call re-encrypted
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     * @throws IllegalStateException if the options configure no keyring
     * @throws CredentialDecryptionException if a row's credentials cannot be decrypted (its
     *         key is not in the keyring, or is not the key that sealed it)
     */
    public int rotateCredentials(int batchSize) {
        String current = requireKeyring("rotating credentials").currentKeyId();
        return reseal(PROXY.CREDENTIAL_KEY_ID.isDistinctFrom(current), batchSize);
    }

    /**
     * Encrypts, under the keyring's current key, the credentials of every proxy that still
     * stores them in plain text (rows written before a key was configured), as
     * {@link #rotateCredentials} does; rows sealed with any key are left as they are.
     *
     * @return how many rows this call encrypted
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     * @throws IllegalStateException if the options configure no keyring
     */
    public int encryptPlaintextCredentials(int batchSize) {
        requireKeyring("encrypting plain-text credentials");
        return reseal(PROXY.CREDENTIAL_KEY_ID.isNull(), batchSize);
    }

    private CredentialKeyring requireKeyring(String what) {
        return options.credentialKeyring()
                .orElseThrow(() -> new IllegalStateException(what
                        + " needs a credential keyring: configure SqlStorageOptions.builder().credentialKeyring(...)"));
    }

    private int reseal(Condition stale, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        Condition due = PROXY.USERNAME.isNotNull().and(stale);
        int total = 0;
        UUID after = null;
        Lock lock = Lock.SKIP;
        while (true) {
            UUID from = after;
            Lock how = lock;
            List<UUID> done = SqlFailures.retrying(
                    "resealCredentials",
                    options.storageListener(),
                    () -> db.transaction(ctx -> resealBatch(ctx, due, from, batchSize, how)));
            total += done.size();
            if (done.size() == batchSize) {
                after = done.get(done.size() - 1);
                continue;
            }
            // the end of a pass: rows skipped because acquires held them are still due
            if (!db.statement(ctx -> ctx.fetchExists(PROXY, due))) {
                return total;
            }
            after = null;
            lock = Lock.WAIT;
        }
    }

    /** Re-seals up to {@code limit} due rows after {@code after} in id order; returns their ids. */
    private List<UUID> resealBatch(DSLContext ctx, Condition due, @Nullable UUID after, int limit, Lock lock) {
        var select = ctx.select(
                        PROXY.ID, PROXY.USERNAME, PROXY.PASSWORD, PROXY.PASSWORD_CIPHERTEXT, PROXY.CREDENTIAL_KEY_ID)
                .from(PROXY)
                .where(after == null ? due : due.and(PROXY.ID.gt(after)))
                .orderBy(PROXY.ID)
                .limit(inline(limit))
                .forUpdate();
        List<Record> rows =
                new ArrayList<>(lock == Lock.SKIP ? select.skipLocked().fetch() : select.fetch());
        if (rows.isEmpty()) {
            return List.of();
        }
        // one statement, bound once per row: a JDBC batch
        BatchBindStep updates = ctx.batch(ctx.update(PROXY)
                .set(PROXY.PASSWORD, DSL.castNull(PROXY.PASSWORD))
                .set(PROXY.PASSWORD_CIPHERTEXT, DSL.param("ciphertext", PROXY.PASSWORD_CIPHERTEXT.getDataType()))
                .set(PROXY.CREDENTIAL_KEY_ID, DSL.param("key_id", PROXY.CREDENTIAL_KEY_ID.getDataType()))
                .where(PROXY.ID.eq(DSL.param("id", PROXY.ID.getDataType()))));
        List<UUID> ids = new ArrayList<>(rows.size());
        for (Record row : rows) {
            UUID id = row.get(PROXY.ID);
            StoredCredentials sealed = credentials.seal(
                    id, credentials.open(id, Rows.storedCredentials(row)).orElse(null));
            updates = updates.bind(sealed.ciphertext(), sealed.keyId(), id);
            ids.add(id);
        }
        updates.execute();
        return ids;
    }
}
