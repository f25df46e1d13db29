package io.pharox.storage.jpa;

import io.pharox.exception.PharoxException;
import io.pharox.exception.ProxyNotFoundException;
import io.pharox.exception.StorageException;
import io.pharox.model.CheckedProxy;
import io.pharox.model.Consumer;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Ids;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.model.SessionInfo;
import io.pharox.model.TargetBan;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.WaitQueue;
import io.pharox.storage.sql.LeaseEngine;
import io.pharox.storage.sql.ListenConnections;
import io.pharox.storage.sql.SqlAccess;
import io.pharox.storage.sql.SqlFailures;
import io.pharox.storage.sql.SqlSchema;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.storage.sql.StatementBounds;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.LockModeType;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Root;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/**
 * {@link ProxyStorage} on PostgreSQL through Jakarta Persistence (Hibernate ORM), on the
 * schema that the JDBC adapter uses too, so that both adapters can lease from one database at
 * the same time.
 *
 * <p>Pools and proxies are administered as entities. Leasing (acquire, release, renew,
 * expiry, the end of a removed proxy's leases), consumers and health results run the shared
 * {@link LeaseEngine} of {@code pharox-storage-sql}: the very statements the JDBC adapter
 * runs, issued through jOOQ on the connection of a Hibernate session inside its transaction.
 * The two adapters therefore agree by construction; see the engine for its locking and times.
 * Every statement runs within the statement and lock timeouts of its {@link SqlStorageOptions}
 * ({@link StatementBounds}), without changing the settings of the factory's connections.
 *
 * <p>The {@link EntityManagerFactory} must be resource-local and map the entities of this
 * package ({@link #MANAGED_CLASSES}) in the Pharox schema, and that schema must be named to the
 * constructor; {@link #entityManagerFactory} builds such a factory.
 */
public final class JpaStorage implements ProxyStorage, AutoCloseable {

    /** The schema used when none is given. */
    public static final String DEFAULT_SCHEMA = SqlSchema.DEFAULT;

    /** Where the migrations (of {@code pharox-schema}) live on the class path. */
    public static final String MIGRATION_LOCATION = SqlSchema.MIGRATION_LOCATION;

    /** The property of the factory that names the schema of the Pharox tables. */
    public static final String DEFAULT_SCHEMA_PROPERTY = "hibernate.default_schema";

    /** The entity classes a persistence unit must manage for this storage. */
    public static final List<Class<?>> MANAGED_CLASSES = List.of(PoolEntity.class, ProxyEntity.class);

    /** Rows re-encrypted per transaction by {@link #rotateCredentials()}. */
    public static final int ROTATION_BATCH = SqlSchema.ROTATION_BATCH;

    private final EntityManagerFactory emf;
    private final SqlSchema schema;
    private final LeaseEngine engine;
    private final StatementBounds bounds;

    /**
     * A storage on {@code emf}, a resource-local factory that manages {@link #MANAGED_CLASSES}
     * in a schema that the migrations have set up: its {@value #DEFAULT_SCHEMA_PROPERTY}, or
     * {@value #DEFAULT_SCHEMA} when it sets none. The lease engine's statements run in the
     * same schema.
     *
     * @throws IllegalArgumentException if that schema name is not a plain SQL identifier
     */
    public JpaStorage(EntityManagerFactory emf) {
        this(emf, SqlStorageOptions.defaults());
    }

    /**
     * A storage on {@code emf} as {@link #JpaStorage(EntityManagerFactory)}, with
     * {@code options} for credentials and statement bounds.
     *
     * @throws IllegalArgumentException if the factory's schema name is not a plain SQL identifier
     */
    public JpaStorage(EntityManagerFactory emf, SqlStorageOptions options) {
        this.emf = Objects.requireNonNull(emf, "emf");
        Objects.requireNonNull(options, "options");
        Object schema = emf.getProperties().get(DEFAULT_SCHEMA_PROPERTY);
        this.schema = SqlSchema.named(schema == null ? DEFAULT_SCHEMA : schema.toString());
        this.bounds = StatementBounds.of(options);
        // the wait queue's listener holds one connection of Hibernate's provider while acquires wait
        ConnectionProvider provider = emf.unwrap(SessionFactoryImplementor.class)
                .getServiceRegistry()
                .requireService(ConnectionProvider.class);
        this.engine = new LeaseEngine(new Access(), options, new ListenConnections() {
            @Override
            public Connection open() throws SQLException {
                return provider.getConnection();
            }

            @Override
            public void close(Connection connection) throws SQLException {
                provider.closeConnection(connection);
            }
        });
    }

    /**
     * The wait queue of this storage: waiting acquires are woken by {@code LISTEN}/{@code NOTIFY}
     * from any process, unless {@link SqlStorageOptions#wakeUps()} is off. While acquires wait,
     * one connection of Hibernate's connection provider listens. See {@code docs/waiting.md}.
     */
    @Override
    public Optional<WaitQueue> waitQueue() {
        return engine.waitQueue();
    }

    /** Whether the wait queue's listening connection is up now (wake-ups delivered). */
    public boolean wakeUpsLive() {
        return engine.wakeUpsLive();
    }

    /**
     * Stops the wait queue's listener and gives its connection back (it also stops by itself a
     * few seconds after the last waiting acquire). The storage stays usable; waiting acquires
     * poll from then on. Does not close the entity manager factory.
     */
    @Override
    public void close() {
        engine.close();
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
        SqlSchema.named(schema);
        try {
            HibernatePersistenceConfiguration config = new HibernatePersistenceConfiguration("pharox")
                    .managedClasses(MANAGED_CLASSES.toArray(new Class<?>[0]))
                    .property("hibernate.connection.datasource", dataSource)
                    .property(DEFAULT_SCHEMA_PROPERTY, schema)
                    .property("hibernate.hbm2ddl.auto", "validate");
            return config.createEntityManagerFactory();
        } catch (RuntimeException e) {
            throw new StorageException("starting Hibernate on schema " + schema + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Creates or upgrades the Pharox tables in {@code schema} (created if missing) with the
     * Flyway migrations of {@code pharox-schema}, the same the JDBC adapter runs; they must be
     * on the class path (the adapter itself does not need them: run the migrations at
     * {@value #MIGRATION_LOCATION} your own way).
     *
     * @throws IllegalArgumentException if the schema name is not a plain SQL identifier
     * @throws StorageException if the migration fails
     * @throws IllegalStateException if {@code pharox-schema} or Flyway is not on the class path
     */
    public static void migrate(DataSource dataSource, String schema) {
        SqlSchema.named(schema).migrate(dataSource);
    }

    /**
     * Like {@link #migrate(DataSource, String)}, then, if {@code options} configure a credential
     * keyring, encrypts the credentials of every proxy still stored in plain text (rows written
     * before the key was configured) under its current key, in batches that let leasing go on.
     *
     * @return how many proxies' credentials were encrypted
     * @throws IllegalArgumentException if the schema name is not a plain SQL identifier
     * @throws StorageException if the migration fails
     * @throws IllegalStateException if {@code pharox-schema} or Flyway is not on the class path
     */
    public static int migrate(DataSource dataSource, String schema, SqlStorageOptions options) {
        return SqlSchema.named(schema).migrate(dataSource, options);
    }

    /**
     * Re-encrypts, under the keyring's current key, the credentials of every proxy not yet
     * under it (sealed with an older key, or in plain text), in batches of
     * {@value #ROTATION_BATCH} rows, each a short transaction; acquires, releases and every
     * other call go on meanwhile. The keyring must still hold the older keys until this
     * returns. See {@link LeaseEngine#rotateCredentials(int)}.
     *
     * @return how many proxies' credentials were re-encrypted
     * @throws IllegalStateException if no credential keyring is configured
     * @throws io.pharox.exception.CredentialDecryptionException if a row's credentials cannot be
     *         decrypted with the keyring
     * @throws StorageException if the database fails
     */
    public int rotateCredentials() {
        return rotateCredentials(ROTATION_BATCH);
    }

    /**
     * {@link #rotateCredentials()} in batches of {@code batchSize} rows.
     *
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     */
    public int rotateCredentials(int batchSize) {
        return engine.rotateCredentials(batchSize);
    }

    /**
     * Runs the engine's statements with jOOQ on the connection of a session: work of several
     * statements in the session's transaction; one statement on the session's connection
     * outside a JPA transaction, committed by itself (in auto-commit mode, or by a commit right
     * after it when the factory's connections do not auto-commit), which saves the round trip
     * of a separate {@code COMMIT}. Each statement carries its timeouts in its own round trip
     * ({@link StatementBounds#on}).
     */
    private final class Access implements SqlAccess {
        @Override
        public <T> T statement(Function<DSLContext, T> work) {
            return withoutTransaction(em -> em.unwrap(Session.class).doReturningWork(connection -> {
                T result = work.apply(bounds.on(schema.using(connection)));
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
                return result;
            }));
        }

        @Override
        public <T> T transaction(Function<DSLContext, T> work) {
            return run(
                    em -> em.unwrap(Session.class)
                            .doReturningWork(connection -> work.apply(bounds.on(schema.using(connection)))),
                    null,
                    null);
        }
    }

    // ---------------------------------------------------------------- pools

    @Override
    public ProxyPool createPool(String name, String description) {
        ProxyPool.requireName(name);
        ProxyPool.requireDescription(description);
        return inTransaction(
                em -> {
                    PoolEntity pool = new PoolEntity(Ids.next(), name, description, now(em));
                    em.persist(pool);
                    em.flush();
                    return pool.toPool();
                },
                name,
                null);
    }

    @Override
    public Optional<ProxyPool> findPool(String name) {
        ProxyPool.requireName(name);
        return inTransaction(em -> em.createQuery("select p from PharoxPool p where p.name = :name", PoolEntity.class)
                .setParameter("name", name)
                .getResultStream()
                .findFirst()
                .map(PoolEntity::toPool));
    }

    @Override
    public List<ProxyPool> listPools() {
        return inTransaction(em ->
                em.createQuery("select p from PharoxPool p order by p.name", PoolEntity.class).getResultList().stream()
                        .map(PoolEntity::toPool)
                        .toList());
    }

    @Override
    public ProxyPool setDefaultMinGrantInterval(String poolName, @Nullable Duration interval) {
        return engine.setDefaultMinGrantInterval(poolName, interval);
    }

    // ---------------------------------------------------------------- proxies

    @Override
    public Proxy addProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        return engine.wakeFor(inTransaction(
                em -> {
                    ProxyEntity entity = ProxyEntity.of(proxy, engine.credentials());
                    em.persist(entity);
                    em.flush();
                    return entity.toProxy(engine.credentials());
                },
                null,
                proxy));
    }

    /**
     * Adds the batch in one transaction with multi-row inserts of the shared engine; see {@link
     * LeaseEngine#addProxies}.
     */
    @Override
    public List<Proxy> addProxies(List<Proxy> proxies) {
        return engine.addProxies(proxies);
    }

    /**
     * Deletes the pool in one transaction that first locks its proxies and then its row, so that
     * no lease can be granted in it while the deletion decides; see {@link LeaseEngine#deletePool}.
     */
    @Override
    public boolean deletePool(String poolName, boolean force) {
        return engine.deletePool(poolName, force);
    }

    @Override
    public Proxy updateProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        return engine.wakeFor(inTransaction(
                em -> {
                    ProxyEntity entity = find(em, ProxyEntity.class, proxy.id(), LockModeType.PESSIMISTIC_WRITE);
                    if (entity == null) {
                        throw new ProxyNotFoundException(proxy.id());
                    }
                    if (!entity.poolId.equals(proxy.poolId())) {
                        throw new IllegalArgumentException("proxy " + proxy.id() + " belongs to pool " + entity.poolId
                                + "; it cannot move to pool " + proxy.poolId());
                    }
                    entity.describe(proxy, engine.credentials());
                    em.flush();
                    return entity.toProxy(engine.credentials());
                },
                null,
                proxy));
    }

    @Override
    public boolean removeProxy(UUID proxyId) {
        return engine.removeProxy(proxyId);
    }

    @Override
    public Optional<Proxy> findProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return inTransaction(em -> Optional.ofNullable(find(em, ProxyEntity.class, proxyId, LockModeType.NONE))
                .map(e -> e.toProxy(engine.credentials())));
    }

    @Override
    public List<Proxy> listProxies(String poolName) {
        UUID pool = engine.poolId(poolName);
        return inTransaction(em -> em
                .createQuery("select p from PharoxProxy p where p.poolId = :pool order by p.id", ProxyEntity.class)
                .setParameter("pool", pool)
                .getResultList()
                .stream()
                .map(e -> e.toProxy(engine.credentials()))
                .toList());
    }

    // ---------------------------------------------------------------- leasing: the shared engine

    @Override
    public Consumer ensureConsumer(String name) {
        return engine.ensureConsumer(name);
    }

    @Override
    public Optional<LeasedProxy> acquire(AcquireRequest request) {
        return engine.acquire(request);
    }

    @Override
    public boolean release(UUID leaseId) {
        return engine.release(leaseId);
    }

    @Override
    public Optional<Lease> renew(UUID leaseId, Duration ttl) {
        return engine.renew(leaseId, ttl);
    }

    @Override
    public int cleanupExpiredLeases() {
        return engine.cleanupExpiredLeases();
    }

    @Override
    public CheckedProxy applyHealthCheck(HealthCheckResult result, OutcomePolicy policy) {
        return engine.applyHealthCheck(result, policy);
    }

    @Override
    public ProxyStanding report(UUID leaseId, long fencingToken, Outcome outcome, OutcomePolicy policy) {
        return engine.report(leaseId, fencingToken, outcome, policy);
    }

    @Override
    public Optional<ProxyStanding> standing(UUID proxyId) {
        return engine.standing(proxyId);
    }

    @Override
    public List<TargetBan> bans(UUID proxyId) {
        return engine.bans(proxyId);
    }

    @Override
    public Optional<SessionInfo> findSession(String poolName, String key) {
        return engine.findSession(poolName, key);
    }

    @Override
    public boolean endSession(String poolName, String key) {
        return engine.endSession(poolName, key);
    }

    @Override
    public Optional<Lease> findLease(UUID leaseId) {
        return engine.findLease(leaseId);
    }

    @Override
    public List<Lease> activeLeases(UUID proxyId) {
        return engine.activeLeases(proxyId);
    }

    @Override
    public List<Lease> activeLeasesInPool(String poolName) {
        return engine.activeLeasesInPool(poolName);
    }

    @Override
    public List<Lease> leasesOfConsumer(String consumerName) {
        return engine.leasesOfConsumer(consumerName);
    }

    /**
     * A snapshot in one statement with the claim's own conditions, no row locked; see {@link
     * LeaseEngine#findAvailable}.
     */
    @Override
    public List<Proxy> findAvailable(AcquireRequest request, int limit) {
        return engine.findAvailable(request, limit);
    }

    @Override
    public PoolStats poolStats(String poolName) {
        return engine.poolStats(poolName);
    }

    // ---------------------------------------------------------------- plumbing

    /**
     * The entity of {@code type} with id {@code id}, locked as {@code lock}, or {@code null} if
     * there is none. A query, not {@code EntityManager.find}: Hibernate's {@code find} returns
     * {@code null} instead of throwing when a JDBC error (a connection lost mid-transaction)
     * has marked the transaction rollback-only (HHH-12472), which turned a lost connection
     * into "lease does not exist" for leases that existed. A query throws, so the caller gets
     * a {@link StorageException} saying what happened.
     */
    private static <E> @Nullable E find(EntityManager em, Class<E> type, UUID id, LockModeType lock) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<E> q = cb.createQuery(type);
        Root<E> root = q.from(type);
        q.select(root).where(cb.equal(root.get("id"), id));
        return em.createQuery(q).setLockMode(lock).getResultStream().findFirst().orElse(null);
    }

    /** The database's {@code now()}: the start of the running transaction. */
    private static Instant now(EntityManager em) {
        Object t = em.createNativeQuery("SELECT now()").getSingleResult();
        if (t instanceof Instant i) {
            return i;
        }
        if (t instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (t instanceof Timestamp ts) {
            return ts.toInstant();
        }
        throw new IllegalStateException("now() returned a " + t.getClass().getName());
    }

    private <T> T inTransaction(Function<EntityManager, T> work) {
        return inTransaction(work, null, null);
    }

    /**
     * Runs {@code work} as {@link #run}, within the statement and lock timeouts: Hibernate's
     * statements are not jOOQ's, so the timeouts are set first, in the transaction's first round trip.
     */
    private <T> T inTransaction(Function<EntityManager, T> work, @Nullable String poolName, @Nullable Proxy proxy) {
        return run(
                em -> {
                    em.unwrap(Session.class).doWork(bounds::applyTo);
                    return work.apply(em);
                },
                poolName,
                proxy);
    }

    /**
     * Runs {@code work} in a transaction of its own, turning driver failures into the port's
     * exceptions: a taken pool name ({@code poolName}) or proxy id or address ({@code proxy})
     * into their domain exceptions, an unknown pool into {@code PoolNotFoundException},
     * anything else into {@link StorageException}. Domain and argument exceptions pass.
     */
    private <T> T run(Function<EntityManager, T> work, @Nullable String poolName, @Nullable Proxy proxy) {
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
            if (e instanceof IllegalArgumentException && SqlFailures.sqlCause(e).isPresent()) {
                throw SqlFailures.translate(e, poolName, proxy);
            }
            throw e;
        } catch (RuntimeException e) {
            rollback(tx);
            throw SqlFailures.translate(e, poolName, proxy);
        } finally {
            em.close();
        }
    }

    /**
     * Runs {@code work} on a new entity manager outside a JPA transaction (for one statement that
     * commits by itself), turning failures into the port's exceptions as {@link #run} does.
     */
    private <T> T withoutTransaction(Function<EntityManager, T> work) {
        EntityManager em;
        try {
            em = emf.createEntityManager();
        } catch (RuntimeException e) {
            throw new StorageException("opening an entity manager failed: " + e.getMessage(), e);
        }
        try {
            return work.apply(em);
        } catch (PharoxException e) {
            throw e;
        } catch (RuntimeException e) {
            throw SqlFailures.translate(e, null, null);
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
}
