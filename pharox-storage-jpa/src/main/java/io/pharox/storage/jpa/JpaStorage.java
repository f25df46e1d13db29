package io.pharox.storage.jpa;

import io.pharox.LeaseNotFoundException;
import io.pharox.PharoxException;
import io.pharox.PoolNotFoundException;
import io.pharox.ProxyNotFoundException;
import io.pharox.StorageException;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Consumer;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Ids;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.schema.PharoxSchema;
import io.pharox.schema.SqlFailures;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Order;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import jakarta.persistence.criteria.Subquery;
import org.hibernate.Timeouts;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link ProxyStorage} on PostgreSQL through Jakarta Persistence (Hibernate ORM), on the
 * schema that the JDBC adapter uses too ({@link #migrate}), so that both adapters can lease
 * from one database at the same time.
 *
 * <p>Acquire runs in one transaction: a Criteria query on the pool's available proxies,
 * ordered by the strategy, locks candidates {@code PESSIMISTIC_WRITE} with the skip-locked
 * timeout ({@code FOR UPDATE SKIP LOCKED}); the capacity is decided on the locked entity,
 * whose values are the row's latest version; the chosen proxy's lapsed leases are expired
 * (skipping lease rows others hold), the lease is inserted and the counter moved before the
 * commit. Every operation that changes a proxy's counter locks the proxy row before its
 * lease rows, and acquire never waits for a lease row, so operations cannot deadlock with
 * each other or with the JDBC adapter. Every time is the database's {@code now()}.
 *
 * <p>The {@link EntityManagerFactory} must be resource-local and map the entities of this
 * package ({@link #MANAGED_CLASSES}) in the Pharox schema; {@link #entityManagerFactory}
 * builds such a factory. Pools and consumers are never deleted, so their ids are cached by
 * name.
 */
public final class JpaStorage implements ProxyStorage {

    /** The schema used when none is given. */
    public static final String DEFAULT_SCHEMA = PharoxSchema.DEFAULT_SCHEMA;

    /** Where the migrations (of {@code pharox-schema}) live on the class path. */
    public static final String MIGRATION_LOCATION = PharoxSchema.MIGRATION_LOCATION;

    /** The entity classes a persistence unit must manage for this storage. */
    public static final List<Class<?>> MANAGED_CLASSES = List.of(PoolEntity.class, ProxyEntity.class,
            ConsumerEntity.class, LeaseEntity.class, SelectorStateEntity.class);

    /** Candidates locked at once when a filter holds Java predicates. */
    static final int PREDICATE_BATCH = 32;

    private static final String LOCK_TIMEOUT_HINT = "jakarta.persistence.lock.timeout";
    private static final String ACTIVE = LeaseStatus.ACTIVE.name();

    private final EntityManagerFactory emf;
    private final ConcurrentHashMap<String, UUID> poolIds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, UUID> consumerIds = new ConcurrentHashMap<>();

    /**
     * A storage on {@code emf}, a resource-local factory that manages {@link #MANAGED_CLASSES}
     * in a schema that {@link #migrate} has set up (its default schema).
     */
    public JpaStorage(EntityManagerFactory emf) {
        this.emf = Objects.requireNonNull(emf, "emf");
    }

    /**
     * A Hibernate {@link EntityManagerFactory} on {@code dataSource} managing this storage's
     * entities in {@code schema}, which it validates against the mapping at start
     * ({@code hibernate.hbm2ddl.auto=validate}). The caller closes it.
     *
     * @throws IllegalArgumentException if the schema name is not a plain SQL identifier
     * @throws StorageException if Hibernate cannot start, e.g. when the schema is not migrated
     */
    public static EntityManagerFactory entityManagerFactory(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        PharoxSchema.requireName(schema);
        try {
            HibernatePersistenceConfiguration config = new HibernatePersistenceConfiguration("pharox")
                    .managedClasses(MANAGED_CLASSES.toArray(new Class<?>[0]))
                    .property("hibernate.connection.datasource", dataSource)
                    .property("hibernate.default_schema", schema)
                    .property("hibernate.hbm2ddl.auto", "validate")
                    .property("hibernate.jdbc.batch_size", 16);
            return config.createEntityManagerFactory();
        } catch (RuntimeException e) {
            throw new StorageException("starting Hibernate on schema " + schema + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Creates or upgrades the Pharox tables in {@code schema} (created if missing) with the
     * migrations of {@code pharox-schema}, the same the JDBC adapter runs.
     *
     * @throws IllegalArgumentException if the schema name is not a plain SQL identifier
     * @throws StorageException if the migration fails
     */
    public static void migrate(DataSource dataSource, String schema) {
        PharoxSchema.migrate(dataSource, schema);
    }

    // ---------------------------------------------------------------- pools

    @Override
    public ProxyPool createPool(String name, String description) {
        ProxyPool.requireName(name);
        ProxyPool.requireDescription(description);
        return inTransaction(em -> {
            PoolEntity pool = new PoolEntity(Ids.next(), name, description, now(em));
            em.persist(pool);
            em.flush();
            return pool.toPool();
        }, name, null);
    }

    @Override
    public Optional<ProxyPool> findPool(String name) {
        ProxyPool.requireName(name);
        return inTransaction(em -> poolByName(em, name).map(PoolEntity::toPool));
    }

    private static Optional<PoolEntity> poolByName(EntityManager em, String name) {
        return em.createQuery("select p from PharoxPool p where p.name = :name", PoolEntity.class)
                .setParameter("name", name).getResultStream().findFirst();
    }

    @Override
    public List<ProxyPool> listPools() {
        return inTransaction(em -> em.createQuery("select p from PharoxPool p order by p.name", PoolEntity.class)
                .getResultList().stream().map(PoolEntity::toPool).toList());
    }

    private UUID poolId(String name) {
        ProxyPool.requireName(name);
        UUID id = poolIds.get(name);
        if (id != null) {
            return id;
        }
        UUID found = inTransaction(em -> poolByName(em, name)).map(p -> p.id)
                .orElseThrow(() -> new PoolNotFoundException(name));
        poolIds.putIfAbsent(name, found);
        return found;
    }

    // ---------------------------------------------------------------- proxies

    @Override
    public Proxy addProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        return inTransaction(em -> {
            ProxyEntity entity = ProxyEntity.of(proxy);
            em.persist(entity);
            em.flush();
            return entity.toProxy();
        }, null, proxy);
    }

    @Override
    public Proxy updateProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        return inTransaction(em -> {
            ProxyEntity entity = find(em, ProxyEntity.class, proxy.id(), LockModeType.PESSIMISTIC_WRITE);
            if (entity == null) {
                throw new ProxyNotFoundException(proxy.id());
            }
            if (!entity.poolId.equals(proxy.poolId())) {
                throw new IllegalArgumentException("proxy " + proxy.id() + " belongs to pool " + entity.poolId
                        + "; it cannot move to pool " + proxy.poolId());
            }
            entity.describe(proxy);
            em.flush();
            return entity.toProxy();
        }, null, proxy);
    }

    @Override
    public boolean removeProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return SqlFailures.retrying(() -> inTransaction(em -> {
            // lock the proxy first (waiting for acquirers that hold it), then end its leases
            // in a new statement that sees every lease committed before the lock was granted
            ProxyEntity entity = find(em, ProxyEntity.class, proxyId, LockModeType.PESSIMISTIC_WRITE);
            if (entity == null) {
                return false;
            }
            // the time after the lock, not now() (the transaction's start): a lease committed
            // while we waited may have been acquired after our transaction began
            em.createQuery("update PharoxLease l set l.status = 'RELEASED', l.releasedAt = :now"
                            + " where l.proxyId = :proxy and l.status = 'ACTIVE'")
                    .setParameter("now", statementTime(em)).setParameter("proxy", proxyId).executeUpdate();
            em.remove(entity);
            return true;
        }));
    }

    @Override
    public Optional<Proxy> findProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return inTransaction(em -> Optional.ofNullable(find(em, ProxyEntity.class, proxyId, LockModeType.NONE))
                .map(ProxyEntity::toProxy));
    }

    @Override
    public List<Proxy> listProxies(String poolName) {
        UUID pool = poolId(poolName);
        return inTransaction(em -> em.createQuery("select p from PharoxProxy p where p.poolId = :pool order by p.id",
                ProxyEntity.class).setParameter("pool", pool).getResultList().stream().map(ProxyEntity::toProxy).toList());
    }

    // ---------------------------------------------------------------- consumers

    @Override
    public Consumer ensureConsumer(String name) {
        Consumer.requireName(name);
        Consumer consumer = inTransaction(em -> {
            // an upsert, so that concurrent first uses of a name agree on one row
            UUID id = (UUID) em.createNativeQuery("INSERT INTO {h-schema}consumer AS c (id, name, created_at)"
                            + " VALUES (:id, :name, now()) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name"
                            + " RETURNING c.id", UUID.class)
                    .setParameter("id", Ids.next()).setParameter("name", name).getSingleResult();
            return find(em, ConsumerEntity.class, id, LockModeType.NONE).toConsumer();
        });
        consumerIds.putIfAbsent(name, consumer.id());
        return consumer;
    }

    private UUID consumerId(String name) {
        UUID id = consumerIds.get(name);
        return id != null ? id : ensureConsumer(name).id();
    }

    // ---------------------------------------------------------------- acquire

    @Override
    public Optional<LeasedProxy> acquire(AcquireRequest request) {
        Objects.requireNonNull(request, "request");
        UUID pool = poolId(request.poolName());
        UUID consumer = consumerId(request.consumerName());
        return SqlFailures.retrying(() -> inTransaction(em -> acquireIn(em, request, pool, consumer)));
    }

    /**
     * Acquire in one transaction: lock candidates that pass the SQL part of the filter in the
     * strategy's order, skipping rows other acquirers hold; test the Java predicates on the
     * locked rows; claim the first that passes and still has room. If the skipping pass finds
     * nothing while unexamined candidates remain (all held by others), a second pass waits for
     * them, locking in id order so that waiting transactions cannot deadlock.
     */
    private Optional<LeasedProxy> acquireIn(EntityManager em, AcquireRequest request, UUID pool, UUID consumer) {
        Instant now = now(em);
        ProxyFilter filter = request.filter();
        boolean predicates = filter.hasPredicates();
        ProxyFilter sqlFilter = predicates ? ProxyFilters.withoutPredicates(filter) : filter;
        UUID cursor = request.strategy() == SelectorStrategy.ROUND_ROBIN ? cursor(em, pool) : null;
        int batch = predicates ? PREDICATE_BATCH : 1;
        List<UUID> seen = new ArrayList<>();
        Optional<LeasedProxy> leased = scan(em, request, pool, consumer, now, sqlFilter, cursor, seen, batch, true);
        if (leased.isPresent() || !anyCandidate(em, pool, now, sqlFilter, seen)) {
            return leased;
        }
        return scan(em, request, pool, consumer, now, sqlFilter, cursor, seen, batch, false);
    }

    private Optional<LeasedProxy> scan(EntityManager em, AcquireRequest request, UUID pool, UUID consumer, Instant now,
                                       ProxyFilter sqlFilter, UUID cursor, List<UUID> seen, int batch,
                                       boolean skipLocked) {
        while (true) {
            List<ProxyEntity> locked = candidates(em, request.strategy(), pool, now, sqlFilter, cursor, seen, batch,
                    skipLocked);
            for (ProxyEntity candidate : locked) {
                if (request.filter().matches(candidate.toProxy())) {
                    Optional<LeasedProxy> leased = claim(em, request, consumer, candidate, now);
                    if (leased.isPresent()) {
                        return leased;
                    }
                }
                seen.add(candidate.id);
            }
            // a waiting lock with LIMIT may return fewer rows than exist when a row it waited
            // for no longer qualifies: go on until a pass returns nothing
            if (locked.isEmpty() || (skipLocked && locked.size() < batch)) {
                return Optional.empty();
            }
        }
    }

    /**
     * Locks up to {@code limit} available proxies not in {@code seen}: in the strategy's
     * order skipping locked rows, or in id order waiting for them.
     */
    private static List<ProxyEntity> candidates(EntityManager em, SelectorStrategy strategy, UUID pool, Instant now,
                                                ProxyFilter sqlFilter, UUID cursor, Collection<UUID> seen, int limit,
                                                boolean skipLocked) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<ProxyEntity> q = cb.createQuery(ProxyEntity.class);
        Root<ProxyEntity> p = q.from(ProxyEntity.class);
        q.select(p).where(available(cb, q, p, pool, now, sqlFilter, seen));
        q.orderBy(skipLocked ? order(cb, p, strategy, cursor) : List.of(cb.asc(p.get("id"))));
        TypedQuery<ProxyEntity> query = em.createQuery(q).setMaxResults(limit)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE);
        if (skipLocked) {
            query.setHint(LOCK_TIMEOUT_HINT, Timeouts.SKIP_LOCKED_MILLI);
        }
        return query.getResultList();
    }

    /** Whether any available proxy not in {@code seen} exists, locked by others or not. */
    private static boolean anyCandidate(EntityManager em, UUID pool, Instant now, ProxyFilter sqlFilter,
                                        Collection<UUID> seen) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<UUID> q = cb.createQuery(UUID.class);
        Root<ProxyEntity> p = q.from(ProxyEntity.class);
        q.select(p.get("id")).where(available(cb, q, p, pool, now, sqlFilter, seen));
        return !em.createQuery(q).setMaxResults(1).getResultList().isEmpty();
    }

    /** A proxy of {@code pool} that may take a lease: active, matching, with room or a lapsed lease. */
    private static Predicate available(CriteriaBuilder cb, CriteriaQuery<?> q, Root<ProxyEntity> p, UUID pool,
                                       Instant now, ProxyFilter sqlFilter, Collection<UUID> seen) {
        Subquery<UUID> lapsed = q.subquery(UUID.class);
        Root<LeaseEntity> l = lapsed.from(LeaseEntity.class);
        lapsed.select(l.get("id")).where(cb.equal(l.get("proxyId"), p.get("id")), cb.equal(l.get("status"), ACTIVE),
                cb.lessThanOrEqualTo(l.get("expiresAt"), now));
        List<Predicate> where = new ArrayList<>(List.of(
                cb.equal(p.get("poolId"), pool),
                cb.equal(p.get("status"), ProxyStatus.ACTIVE.name()),
                CriteriaFilter.translate(sqlFilter, cb, p),
                cb.or(cb.lessThan(p.get("currentLeases"), p.get("maxConcurrency")), cb.exists(lapsed))));
        if (!seen.isEmpty()) {
            where.add(cb.not(p.get("id").in(seen)));
        }
        return cb.and(where.toArray(new Predicate[0]));
    }

    private static List<Order> order(CriteriaBuilder cb, Root<ProxyEntity> p, SelectorStrategy strategy, UUID cursor) {
        switch (strategy) {
            case FIRST_AVAILABLE:
                return List.of(cb.asc(p.get("id")));
            case LEAST_USED:
                return List.of(cb.asc(p.get("currentLeases")), cb.asc(p.get("id")));
            case RANDOM:
                return List.of(cb.asc(cb.function("random", Double.class)));
            case ROUND_ROBIN:
                if (cursor == null) {
                    return List.of(cb.asc(p.get("id")));
                }
                // the proxies after the cursor first, then from the start again
                return List.of(cb.asc(cb.<Integer>selectCase()
                        .when(cb.lessThanOrEqualTo(p.<UUID>get("id"), cursor), 1).otherwise(0)), cb.asc(p.get("id")));
            default:
                throw new IllegalStateException("unknown strategy " + strategy);
        }
    }

    private static UUID cursor(EntityManager em, UUID pool) {
        return em.createQuery("select s.cursorProxyId from PharoxSelectorState s"
                        + " where s.poolId = :pool and s.strategy = 'ROUND_ROBIN'", UUID.class)
                .setParameter("pool", pool).getResultStream().findFirst().orElse(null);
    }

    /**
     * Claims a slot of {@code proxy}, which this transaction has locked, so that its values
     * are the row's latest: expires its lapsed leases (skipping lease rows another
     * transaction holds), decides on the locked counter, counts and inserts the lease.
     */
    private static Optional<LeasedProxy> claim(EntityManager em, AcquireRequest request, UUID consumer,
                                               ProxyEntity proxy, Instant now) {
        int freed = em.createNativeQuery("UPDATE {h-schema}lease SET status = 'EXPIRED' WHERE id IN ("
                        + " SELECT l.id FROM {h-schema}lease l WHERE l.proxy_id = :proxy AND l.status = 'ACTIVE'"
                        + " AND l.expires_at <= :now FOR UPDATE SKIP LOCKED)")
                .setParameter("proxy", proxy.id).setParameter("now", now).executeUpdate();
        boolean granted = proxy.currentLeases - freed < proxy.maxConcurrency;
        proxy.currentLeases = proxy.currentLeases - freed + (granted ? 1 : 0);
        if (!granted) {
            return Optional.empty();
        }
        LeaseEntity lease = new LeaseEntity(Ids.next(), proxy.poolId, proxy.id, consumer, now,
                now.plus(Duration.ofNanos(micros(request.ttl()) * 1000)));
        em.persist(lease);
        if (request.strategy() == SelectorStrategy.ROUND_ROBIN) {
            em.createNativeQuery("INSERT INTO {h-schema}pool_selector_state (pool_id, strategy, cursor_proxy_id)"
                            + " VALUES (:pool, 'ROUND_ROBIN', :proxy) ON CONFLICT (pool_id, strategy)"
                            + " DO UPDATE SET cursor_proxy_id = EXCLUDED.cursor_proxy_id")
                    .setParameter("pool", proxy.poolId).setParameter("proxy", proxy.id).executeUpdate();
        }
        em.flush();
        return Optional.of(new LeasedProxy(lease.toLease(), proxy.toProxy()));
    }

    // ---------------------------------------------------------------- release, renew, expiry

    @Override
    public boolean release(UUID leaseId) {
        Objects.requireNonNull(leaseId, "leaseId");
        return SqlFailures.retrying(() -> inTransaction(em -> {
            LeaseEntity lease = find(em, LeaseEntity.class, leaseId, LockModeType.NONE);
            if (lease == null) {
                throw new LeaseNotFoundException(leaseId);
            }
            // the proxy row before the lease row, as every writer of the counter does
            ProxyEntity proxy = find(em, ProxyEntity.class, lease.proxyId, LockModeType.PESSIMISTIC_WRITE);
            if (proxy == null) {
                return false; // removed: its leases ended with it
            }
            em.refresh(lease, LockModeType.PESSIMISTIC_WRITE);
            if (!ACTIVE.equals(lease.status)) {
                return false;
            }
            Instant now = now(em);
            boolean lapsed = !lease.expiresAt.isAfter(now);
            lease.status = lapsed ? LeaseStatus.EXPIRED.name() : LeaseStatus.RELEASED.name();
            lease.releasedAt = lapsed ? null : now;
            proxy.currentLeases--;
            return !lapsed;
        }));
    }

    @Override
    public Optional<Lease> renew(UUID leaseId, Duration ttl) {
        Objects.requireNonNull(leaseId, "leaseId");
        AcquireRequest.requireTtl(ttl);
        return inTransaction(em -> {
            Instant now = now(em);
            int renewed = em.createQuery("update PharoxLease l set l.expiresAt = :expires"
                            + " where l.id = :id and l.status = 'ACTIVE' and l.expiresAt > :now")
                    .setParameter("expires", now.plus(Duration.ofNanos(micros(ttl) * 1000)))
                    .setParameter("id", leaseId).setParameter("now", now).executeUpdate();
            LeaseEntity lease = find(em, LeaseEntity.class, leaseId, LockModeType.NONE);
            if (lease == null) {
                throw new LeaseNotFoundException(leaseId);
            }
            return renewed == 1 ? Optional.of(lease.toLease()) : Optional.<Lease>empty();
        });
    }

    @Override
    public int cleanupExpiredLeases() {
        // set-based: lock the proxies with lapsed leases in id order, then expire their lapsed
        // leases and move their counters in one statement that sees the latest rows
        return SqlFailures.retrying(() -> inTransaction(em -> {
            @SuppressWarnings("unchecked")
            List<UUID> locked = em.createNativeQuery("SELECT pr.id FROM {h-schema}proxy pr WHERE pr.id IN ("
                            + " SELECT l.proxy_id FROM {h-schema}lease l WHERE l.status = 'ACTIVE'"
                            + " AND l.expires_at <= now()) ORDER BY pr.id FOR UPDATE", UUID.class)
                    .getResultList();
            if (locked.isEmpty()) {
                return 0;
            }
            Number n = (Number) em.createNativeQuery("WITH expired AS (UPDATE {h-schema}lease AS l SET status = 'EXPIRED'"
                            + "   WHERE l.proxy_id IN (:locked) AND l.status = 'ACTIVE' AND l.expires_at <= now()"
                            + "   RETURNING l.proxy_id),"
                            + " freed AS (UPDATE {h-schema}proxy AS p SET current_leases = p.current_leases - e.n"
                            + "   FROM (SELECT proxy_id, count(*) AS n FROM expired GROUP BY proxy_id) e"
                            + "   WHERE p.id = e.proxy_id)"
                            + " SELECT count(*) FROM expired", Long.class)
                    .setParameter("locked", locked).getSingleResult();
            return n.intValue();
        }));
    }

    // ---------------------------------------------------------------- health

    @Override
    public Proxy applyHealthCheckResult(HealthCheckResult result) {
        Objects.requireNonNull(result, "result");
        return inTransaction(em -> {
            ProxyEntity entity = find(em, ProxyEntity.class, result.proxyId(), LockModeType.PESSIMISTIC_WRITE);
            if (entity == null) {
                throw new ProxyNotFoundException(result.proxyId());
            }
            if (!ProxyStatus.BANNED.name().equals(entity.status)) {
                entity.status = result.status().proxyStatus().name();
            }
            entity.lastCheckedAt = result.checkedAt();
            entity.lastLatencyMicros = result.latency().map(JpaStorage::micros).orElse(null);
            em.flush();
            return entity.toProxy();
        });
    }

    // ---------------------------------------------------------------- leases

    @Override
    public Optional<Lease> findLease(UUID leaseId) {
        Objects.requireNonNull(leaseId, "leaseId");
        return inTransaction(em -> {
            LeaseEntity lease = find(em, LeaseEntity.class, leaseId, LockModeType.NONE);
            return lease == null ? Optional.<Lease>empty() : Optional.of(lease.toLease(now(em)));
        });
    }

    @Override
    public List<Lease> activeLeases(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return inTransaction(em -> em.createQuery("select l from PharoxLease l where l.proxyId = :proxy"
                        + " and l.status = 'ACTIVE' and l.expiresAt > :now order by l.acquiredAt, l.id", LeaseEntity.class)
                .setParameter("proxy", proxyId).setParameter("now", now(em))
                .getResultList().stream().map(LeaseEntity::toLease).toList());
    }

    @Override
    public List<Lease> activeLeasesInPool(String poolName) {
        UUID pool = poolId(poolName);
        return inTransaction(em -> em.createQuery("select l from PharoxLease l where l.poolId = :pool"
                        + " and l.status = 'ACTIVE' and l.expiresAt > :now order by l.acquiredAt, l.id", LeaseEntity.class)
                .setParameter("pool", pool).setParameter("now", now(em))
                .getResultList().stream().map(LeaseEntity::toLease).toList());
    }

    // ---------------------------------------------------------------- plumbing

    static long micros(Duration d) {
        return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
    }

    /**
     * The entity of {@code type} with id {@code id}, locked as {@code lock}, or {@code null} if
     * there is none. A query, not {@code EntityManager.find}: Hibernate's {@code find} returns
     * {@code null} instead of throwing when a JDBC error (a connection lost mid-transaction)
     * has marked the transaction rollback-only (HHH-12472), which turned a lost connection
     * into "lease does not exist" for leases that existed. A query throws, so the caller gets
     * a {@link StorageException} saying what happened.
     */
    private static <E> E find(EntityManager em, Class<E> type, UUID id, LockModeType lock) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<E> q = cb.createQuery(type);
        Root<E> root = q.from(type);
        q.select(root).where(cb.equal(root.get("id"), id));
        return em.createQuery(q).setLockMode(lock).getResultStream().findFirst().orElse(null);
    }

    /** The database's {@code now()}: the start of the running transaction. */
    private static Instant now(EntityManager em) {
        return time(em, "now()");
    }

    /** The database's time at this statement, later than every commit this transaction has waited for. */
    private static Instant statementTime(EntityManager em) {
        return time(em, "statement_timestamp()");
    }

    private static Instant time(EntityManager em, String function) {
        Object t = em.createNativeQuery("SELECT " + function).getSingleResult();
        if (t instanceof Instant i) {
            return i;
        }
        if (t instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (t instanceof Timestamp ts) {
            return ts.toInstant();
        }
        throw new IllegalStateException(function + " returned a " + t.getClass().getName());
    }

    private <T> T inTransaction(Function<EntityManager, T> work) {
        return inTransaction(work, null, null);
    }

    /**
     * Runs {@code work} in a transaction of its own, turning driver failures into the port's
     * exceptions: a taken pool name ({@code poolName}) or proxy id or address ({@code proxy})
     * into their domain exceptions, an unknown pool into {@link PoolNotFoundException},
     * anything else into {@link StorageException}. Domain and argument exceptions pass.
     */
    private <T> T inTransaction(Function<EntityManager, T> work, String poolName, Proxy proxy) {
        EntityManager em;
        try {
            em = emf.createEntityManager();
        } catch (RuntimeException e) {
            throw new StorageException("opening an entity manager failed: " + e.getMessage(), e);
        }
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } catch (PharoxException | IllegalArgumentException e) {
            rollback(tx);
            if (e instanceof IllegalArgumentException && sqlException(e) != null) {
                throw translate(e, poolName, proxy);
            }
            throw e;
        } catch (RuntimeException e) {
            rollback(tx);
            throw translate(e, poolName, proxy);
        } finally {
            em.close();
        }
    }

    private static void rollback(EntityTransaction tx) {
        try {
            if (tx.isActive()) {
                tx.rollback();
            }
        } catch (RuntimeException ignored) {
            // the failure that made us roll back is the one to report
        }
    }

    private static SQLException sqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    private static RuntimeException translate(RuntimeException e, String poolName, Proxy proxy) {
        SQLException cause = sqlException(e);
        if (cause == null) {
            return new StorageException("database operation failed: " + e.getMessage(), e);
        }
        return SqlFailures.translate(cause.getSQLState(), cause.getMessage(), e, poolName, proxy);
    }
}
