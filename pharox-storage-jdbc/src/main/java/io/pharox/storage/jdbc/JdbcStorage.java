package io.pharox.storage.jdbc;

import static io.pharox.storage.sql.Rows.P;
import static io.pharox.storage.sql.schema.Tables.POOL;
import static io.pharox.storage.sql.schema.Tables.PROXY;
import static org.jooq.impl.DSL.currentOffsetDateTime;
import static org.jooq.impl.DSL.val;

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
import io.pharox.storage.sql.Rows;
import io.pharox.storage.sql.SqlAccess;
import io.pharox.storage.sql.SqlFailures;
import io.pharox.storage.sql.SqlSchema;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.storage.sql.StatementBounds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.exception.DataAccessException;
import org.jspecify.annotations.Nullable;

/**
 * {@link ProxyStorage} on PostgreSQL through jOOQ, on a {@link DataSource}, in a schema that
 * the {@code pharox-schema} migrations have set up ({@link #migrate}, or your own Flyway).
 *
 * <p>Leasing runs the shared {@link LeaseEngine} of {@code pharox-storage-sql}, the same
 * statements the JPA adapter runs: an acquire without Java predicates is one statement in
 * auto-commit mode (see the engine for its locking and times). Pools and proxies are
 * administered with jOOQ statements on the same generated tables. Every statement runs within
 * the statement and lock timeouts of its {@link SqlStorageOptions} ({@link StatementBounds}),
 * without changing the settings of the data source's connections.
 */
public final class JdbcStorage implements ProxyStorage, AutoCloseable {

    /** The schema used when none is given. */
    public static final String DEFAULT_SCHEMA = SqlSchema.DEFAULT;

    /** Where the migrations of {@code pharox-schema} live on the class path, for users running their own Flyway. */
    public static final String MIGRATION_LOCATION = SqlSchema.MIGRATION_LOCATION;

    /** Rows re-encrypted per transaction by {@link #rotateCredentials()}. */
    public static final int ROTATION_BATCH = SqlSchema.ROTATION_BATCH;

    private final DSLContext ctx;
    private final LeaseEngine engine;

    /** A storage on {@code dataSource} in the {@value #DEFAULT_SCHEMA} schema. */
    public JdbcStorage(DataSource dataSource) {
        this(dataSource, DEFAULT_SCHEMA);
    }

    /**
     * A storage on {@code dataSource} in {@code schema}, which the migrations must have set up.
     *
     * @throws IllegalArgumentException if the schema name is not a plain SQL identifier
     */
    public JdbcStorage(DataSource dataSource, String schema) {
        this(dataSource, schema, SqlStorageOptions.defaults());
    }

    /**
     * A storage on {@code dataSource} in {@code schema}, which the migrations must have set up,
     * with {@code options} for credentials and statement bounds.
     *
     * @throws IllegalArgumentException if the schema name is not a plain SQL identifier
     */
    public JdbcStorage(DataSource dataSource, String schema, SqlStorageOptions options) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(options, "options");
        this.ctx = StatementBounds.of(options).on(SqlSchema.named(schema).using(dataSource));
        // the wait queue's listener holds one connection of the data source while acquires wait
        this.engine = new LeaseEngine(new Access(), options, dataSource::getConnection);
    }

    /**
     * The wait queue of this storage: waiting acquires are woken by {@code LISTEN}/{@code NOTIFY}
     * from any process, unless {@link SqlStorageOptions#wakeUps()} is off. While acquires wait,
     * one connection of the data source listens. See {@code docs/waiting.md}.
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
     * poll from then on. Does not close the data source.
     */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * Creates or upgrades the Pharox tables in {@code schema} (created if missing) with the
     * Flyway migrations of {@code pharox-schema}, which must be on the class path (the adapter
     * itself does not need it: run the migrations at {@value #MIGRATION_LOCATION} your own way).
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
        return call(() -> engine.rotateCredentials(batchSize));
    }

    private Proxy proxy(org.jooq.Record r) {
        return Rows.proxy(r, engine.credentials());
    }

    /** Runs the engine's statements: one in auto-commit mode, several in a jOOQ transaction. */
    private final class Access implements SqlAccess {
        @Override
        public <T> T statement(Function<DSLContext, T> work) {
            return call(() -> work.apply(ctx));
        }

        @Override
        public <T> T transaction(Function<DSLContext, T> work) {
            return call(() -> ctx.transactionResult(cfg -> work.apply(cfg.dsl())));
        }
    }

    // ---------------------------------------------------------------- pools

    @Override
    public ProxyPool createPool(String name, String description) {
        ProxyPool.requireName(name);
        ProxyPool.requireDescription(description);
        return call(
                () -> ctx.insertInto(POOL, POOL.ID, POOL.NAME, POOL.DESCRIPTION, POOL.CREATED_AT)
                        .values(val(Ids.next()), val(name), val(description), currentOffsetDateTime())
                        .returning()
                        .fetchOne(Rows::pool),
                name,
                null);
    }

    @Override
    public Optional<ProxyPool> findPool(String name) {
        ProxyPool.requireName(name);
        return call(() -> ctx.selectFrom(POOL).where(POOL.NAME.eq(name)).fetchOptional(Rows::pool));
    }

    @Override
    public List<ProxyPool> listPools() {
        return call(() -> ctx.selectFrom(POOL).orderBy(POOL.NAME).fetch(Rows::pool));
    }

    @Override
    public ProxyPool setDefaultMinGrantInterval(String poolName, @Nullable Duration interval) {
        return engine.setDefaultMinGrantInterval(poolName, interval);
    }

    // ---------------------------------------------------------------- proxies

    @Override
    public Proxy addProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        return engine.wakeFor(call(
                () -> ctx.insertInto(P)
                        .set(Rows.proxyValues(proxy, engine.credentials()))
                        .returning(Rows.PROXY_COLUMNS)
                        .fetchOne(this::proxy),
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
        Map<Field<?>, Object> values = Rows.proxyValues(proxy, engine.credentials());
        values.remove(PROXY.ID);
        values.remove(PROXY.POOL_ID);
        Optional<Proxy> updated = call(
                () -> ctx.update(P)
                        .set(values)
                        .where(P.ID.eq(proxy.id()), P.POOL_ID.eq(proxy.poolId()))
                        .returning(Rows.PROXY_COLUMNS)
                        .fetchOptional(this::proxy),
                null,
                proxy);
        if (updated.isPresent()) {
            return engine.wakeFor(updated.get());
        }
        UUID storedPool = call(() -> ctx.select(PROXY.POOL_ID)
                        .from(PROXY)
                        .where(PROXY.ID.eq(proxy.id()))
                        .fetchOptional(PROXY.POOL_ID))
                .orElseThrow(() -> new ProxyNotFoundException(proxy.id()));
        throw new IllegalArgumentException("proxy " + proxy.id() + " belongs to pool " + storedPool
                + "; it cannot move to pool " + proxy.poolId());
    }

    @Override
    public boolean removeProxy(UUID proxyId) {
        return engine.removeProxy(proxyId);
    }

    @Override
    public Optional<Proxy> findProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return call(() ->
                ctx.select(Rows.PROXY_COLUMNS).from(P).where(P.ID.eq(proxyId)).fetchOptional(this::proxy));
    }

    @Override
    public List<Proxy> listProxies(String poolName) {
        UUID pool = engine.poolId(poolName);
        return call(() -> ctx.select(Rows.PROXY_COLUMNS)
                .from(P)
                .where(P.POOL_ID.eq(pool))
                .orderBy(P.ID)
                .fetch(this::proxy));
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

    private static <T> T call(Supplier<T> work) {
        return call(work, null, null);
    }

    /**
     * Runs database work, turning driver failures into the port's exceptions: a taken pool
     * name ({@code poolName}) or proxy id or address ({@code proxy}) into their domain
     * exceptions, an unknown pool into {@code PoolNotFoundException}, anything else into
     * {@link StorageException}.
     */
    private static <T> T call(Supplier<T> work, @Nullable String poolName, @Nullable Proxy proxy) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            throw SqlFailures.translate(e, poolName, proxy);
        }
    }
}
