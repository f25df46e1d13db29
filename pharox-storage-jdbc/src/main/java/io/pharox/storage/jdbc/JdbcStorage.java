package io.pharox.storage.jdbc;

import io.pharox.LeaseNotFoundException;
import io.pharox.PoolNotFoundException;
import io.pharox.ProxyNotFoundException;
import io.pharox.StorageException;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Consumer;
import io.pharox.model.Credentials;
import io.pharox.model.GeoPoint;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Ids;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import io.pharox.schema.PharoxSchema;
import io.pharox.schema.SqlFailures;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Param;
import org.jooq.QueryPart;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@link ProxyStorage} on PostgreSQL through jOOQ, in a schema that {@link #migrate} creates.
 *
 * <p>Acquire is one statement when the filter has no Java predicate: data-modifying common
 * table expressions lock one candidate proxy with {@code FOR UPDATE SKIP LOCKED}, expire its
 * lapsed leases, re-decide its capacity on the locked (latest) row, count the new lease and
 * insert it. Every operation that changes a proxy's counter locks the proxy row before its
 * lease rows, and acquire never waits for a lease row, so operations cannot deadlock. Every
 * time is the database's clock: {@code now()}, or {@code statement_timestamp()} where a
 * statement runs after waiting for a lock (removing a proxy ends its leases at that time).
 *
 * <p>Pools and consumers are never deleted, so their ids are cached by name: once a pool and
 * a consumer are known, an acquire is a single round trip.
 */
public final class JdbcStorage implements ProxyStorage {

    /** The schema used when none is given. */
    public static final String DEFAULT_SCHEMA = PharoxSchema.DEFAULT_SCHEMA;

    /** Where the migrations live on the class path, for users running their own Flyway. */
    public static final String MIGRATION_LOCATION = PharoxSchema.MIGRATION_LOCATION;

    /** Candidates fetched at once when a filter holds Java predicates. */
    static final int PREDICATE_BATCH = 32;

    private static final UUID NO_CURSOR = new UUID(0, 0);
    private static final String PROXY_COLUMNS = "p.id, p.pool_id, p.host, p.port, p.protocol, p.username, p.password,"
            + " p.status, p.max_concurrency, p.current_leases, p.country, p.city, p.source, p.asn, p.latitude,"
            + " p.longitude, p.last_checked_at, p.last_latency_micros";

    private final DSLContext ctx;
    private final Statements sql;
    private final ConcurrentHashMap<String, UUID> poolIds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, UUID> consumerIds = new ConcurrentHashMap<>();

    /** A storage on {@code dataSource} in the {@value #DEFAULT_SCHEMA} schema. */
    public JdbcStorage(DataSource dataSource) {
        this(dataSource, DEFAULT_SCHEMA);
    }

    /**
     * A storage on {@code dataSource} in {@code schema}, which {@link #migrate} must have set up.
     *
     * @throws IllegalArgumentException if the schema name is not a plain SQL identifier
     */
    public JdbcStorage(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        PharoxSchema.requireName(schema);
        this.ctx = DSL.using(dataSource, SQLDialect.POSTGRES);
        this.sql = new Statements(schema);
    }

    /**
     * Creates or upgrades the Pharox tables in {@code schema} (created if missing) with the
     * migrations shipped in this jar.
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
        UUID id = Ids.next();
        Record r = call(() -> ctx.fetchOne(sql.sql(
                "INSERT INTO {pool} (id, name, description, created_at) VALUES ({id}, {name}, {description}, now())"
                        + " RETURNING id, name, description, created_at",
                "id", uuid(id), "name", text(name), "description", text(description))), name, null);
        return pool(r);
    }

    @Override
    public Optional<ProxyPool> findPool(String name) {
        ProxyPool.requireName(name);
        Record r = call(() -> ctx.fetchOne(sql.sql(
                "SELECT id, name, description, created_at FROM {pool} WHERE name = {name}", "name", text(name))));
        return Optional.ofNullable(r).map(JdbcStorage::pool);
    }

    @Override
    public List<ProxyPool> listPools() {
        return call(() -> ctx.fetch(sql.sql("SELECT id, name, description, created_at FROM {pool} ORDER BY name")))
                .stream().map(JdbcStorage::pool).toList();
    }

    private UUID poolId(String name) {
        ProxyPool.requireName(name);
        UUID id = poolIds.get(name);
        if (id != null) {
            return id;
        }
        UUID found = call(() -> ctx.fetchOptional(sql.sql("SELECT id FROM {pool} WHERE name = {name}", "name", text(name))))
                .map(r -> r.get(0, UUID.class))
                .orElseThrow(() -> new PoolNotFoundException(name));
        poolIds.putIfAbsent(name, found);
        return found;
    }

    private static ProxyPool pool(Record r) {
        return new ProxyPool(r.get("id", UUID.class), r.get("name", String.class), r.get("description", String.class),
                instant(r, "created_at"));
    }

    // ---------------------------------------------------------------- proxies

    @Override
    public Proxy addProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        Record r = call(() -> ctx.fetchOne(sql.sql(
                "INSERT INTO {proxy} AS p (id, pool_id, host, port, protocol, username, password, status, max_concurrency,"
                        + " current_leases, country, city, source, asn, latitude, longitude, last_checked_at, last_latency_micros)"
                        + " VALUES ({id}, {pool_id}, {host}, {port}, {protocol}, {username}, {password}, {status}, {max},"
                        + " 0, {country}, {city}, {source}, {asn}, {lat}, {lon}, {checked}, {latency})"
                        + " RETURNING " + PROXY_COLUMNS,
                proxyValues(proxy))), null, proxy);
        return proxy(r);
    }

    private static Object[] proxyValues(Proxy proxy) {
        Credentials credentials = proxy.credentials().orElse(null);
        GeoPoint location = proxy.location().orElse(null);
        return new Object[] {
            "id", uuid(proxy.id()), "pool_id", uuid(proxy.poolId()), "host", text(proxy.host()),
            "port", DSL.val(proxy.port(), SQLDataType.INTEGER), "protocol", text(proxy.protocol().name()),
            "username", text(credentials == null ? null : credentials.username()),
            "password", text(credentials == null ? null : credentials.password()),
            "status", text(proxy.status().name()), "max", DSL.val(proxy.maxConcurrency(), SQLDataType.INTEGER),
            "country", text(proxy.country().orElse(null)), "city", text(proxy.city().orElse(null)),
            "source", text(proxy.source().orElse(null)),
            "asn", DSL.val(proxy.asn().isPresent() ? proxy.asn().getAsLong() : null, SQLDataType.BIGINT),
            "lat", DSL.val(location == null ? null : location.latitude(), SQLDataType.DOUBLE),
            "lon", DSL.val(location == null ? null : location.longitude(), SQLDataType.DOUBLE),
            "checked", timestamp(proxy.lastCheckedAt().orElse(null)),
            "latency", DSL.val(proxy.lastLatency().map(JdbcStorage::micros).orElse(null), SQLDataType.BIGINT),
        };
    }

    @Override
    public Proxy updateProxy(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        Record r = call(() -> ctx.fetchOne(sql.sql(
                "UPDATE {proxy} AS p SET host = {host}, port = {port}, protocol = {protocol}, username = {username},"
                        + " password = {password}, status = {status}, max_concurrency = {max}, country = {country},"
                        + " city = {city}, source = {source}, asn = {asn}, latitude = {lat}, longitude = {lon},"
                        + " last_checked_at = {checked}, last_latency_micros = {latency}"
                        + " WHERE p.id = {id} AND p.pool_id = {pool_id} RETURNING " + PROXY_COLUMNS,
                proxyValues(proxy))), null, proxy);
        if (r != null) {
            return proxy(r);
        }
        UUID storedPool = call(() -> ctx.fetchOptional(sql.sql("SELECT pool_id FROM {proxy} WHERE id = {id}",
                "id", uuid(proxy.id())))).map(x -> x.get(0, UUID.class)).orElseThrow(() -> new ProxyNotFoundException(proxy.id()));
        throw new IllegalArgumentException("proxy " + proxy.id() + " belongs to pool " + storedPool
                + "; it cannot move to pool " + proxy.poolId());
    }

    @Override
    public boolean removeProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return SqlFailures.retrying(() -> call(() -> ctx.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            // lock the proxy first (waiting for acquirers that hold it), then end its leases
            // in a new snapshot that sees every lease committed before the lock was granted
            if (tx.fetchOne(sql.sql("SELECT id FROM {proxy} WHERE id = {id} FOR UPDATE", "id", uuid(proxyId))) == null) {
                return false;
            }
            // statement_timestamp(), not now() (the transaction's start): a lease committed while
            // we waited for the lock may have been acquired after our transaction began
            tx.execute(sql.sql("UPDATE {lease} SET status = 'RELEASED', released_at = statement_timestamp()"
                    + " WHERE proxy_id = {id} AND status = 'ACTIVE'", "id", uuid(proxyId)));
            tx.execute(sql.sql("DELETE FROM {proxy} WHERE id = {id}", "id", uuid(proxyId)));
            return true;
        })));
    }

    @Override
    public Optional<Proxy> findProxy(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return call(() -> ctx.fetchOptional(sql.sql("SELECT " + PROXY_COLUMNS + " FROM {proxy} p WHERE p.id = {id}",
                "id", uuid(proxyId)))).map(JdbcStorage::proxy);
    }

    @Override
    public List<Proxy> listProxies(String poolName) {
        UUID pool = poolId(poolName);
        return call(() -> ctx.fetch(sql.sql("SELECT " + PROXY_COLUMNS + " FROM {proxy} p WHERE p.pool_id = {pool} ORDER BY p.id",
                "pool", uuid(pool)))).stream().map(JdbcStorage::proxy).toList();
    }

    static Proxy proxy(Record r) {
        Proxy.Builder b = Proxy.builder()
                .id(r.get("id", UUID.class))
                .poolId(r.get("pool_id", UUID.class))
                .address(r.get("host", String.class), r.get("port", Integer.class))
                .protocol(ProxyProtocol.valueOf(r.get("protocol", String.class)))
                .status(ProxyStatus.valueOf(r.get("status", String.class)))
                .maxConcurrency(r.get("max_concurrency", Integer.class))
                .currentLeases(r.get("current_leases", Integer.class))
                .country(r.get("country", String.class))
                .city(r.get("city", String.class))
                .source(r.get("source", String.class))
                .asn(r.get("asn", Long.class));
        String username = r.get("username", String.class);
        if (username != null) {
            b.credentials(username, r.get("password", String.class));
        }
        Double lat = r.get("latitude", Double.class);
        Double lon = r.get("longitude", Double.class);
        if (lat != null && lon != null) {
            b.location(new GeoPoint(lat, lon));
        }
        b.lastCheckedAt(instantOrNull(r, "last_checked_at"));
        Long latency = r.get("last_latency_micros", Long.class);
        b.lastLatency(latency == null ? null : Duration.ofNanos(latency * 1000));
        return b.build();
    }

    // ---------------------------------------------------------------- consumers

    @Override
    public Consumer ensureConsumer(String name) {
        Consumer.requireName(name);
        Record r = call(() -> ctx.fetchOne(sql.sql(
                "INSERT INTO {consumer} AS c (id, name, created_at) VALUES ({id}, {name}, now())"
                        + " ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING c.id, c.name, c.created_at",
                "id", uuid(Ids.next()), "name", text(name))));
        Consumer consumer = new Consumer(r.get("id", UUID.class), r.get("name", String.class), instant(r, "created_at"));
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
        return SqlFailures.retrying(() -> acquireOnce(request));
    }

    private Optional<LeasedProxy> acquireOnce(AcquireRequest request) {
        UUID pool = poolId(request.poolName());
        UUID consumer = consumerId(request.consumerName());
        if (request.filter().hasPredicates()) {
            return acquireWithPredicates(request, pool, consumer);
        }
        Condition filter = FilterTranslator.translate(request.filter());
        Condition where = available(pool, filter);
        // a few attempts: a candidate whose room vanished between snapshot and lock is not granted
        for (int attempt = 0; attempt < 3; attempt++) {
            Record r = call(() -> ctx.fetchOne(claim(request, pool, consumer, where, true, true)));
            if (r.get("granted", Boolean.class) != null && r.get("granted", Boolean.class)) {
                return Optional.of(leased(r));
            }
            boolean found = r.get("found", Long.class) > 0;
            boolean candidates = Boolean.TRUE.equals(r.get("any_candidate", Boolean.class));
            if (!found && candidates) {
                // every candidate was locked by concurrent acquires: wait for one of them once
                Record waited = call(() -> ctx.fetchOne(claim(request, pool, consumer, where, false, true)));
                if (Boolean.TRUE.equals(waited.get("granted", Boolean.class))) {
                    return Optional.of(leased(waited));
                }
                if (waited.get("found", Long.class) == 0) {
                    return Optional.empty();
                }
            } else if (!found) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The condition of a proxy of {@code pool} that may take a lease (aliased {@code p}). */
    private Condition available(UUID pool, Condition filter) {
        return DSL.condition(sql.sql(
                "p.pool_id = {pool} AND p.status = 'ACTIVE' AND ({filter}) AND (p.current_leases < p.max_concurrency"
                        + " OR EXISTS (SELECT 1 FROM {lease} l WHERE l.proxy_id = p.id AND l.status = 'ACTIVE'"
                        + " AND l.expires_at <= now()))",
                "pool", uuid(pool), "filter", filter));
    }

    private QueryPart order(SelectorStrategy strategy, UUID pool) {
        switch (strategy) {
            case FIRST_AVAILABLE:
                return DSL.sql("p.id");
            case LEAST_USED:
                return DSL.sql("p.current_leases, p.id");
            case RANDOM:
                return DSL.sql("random()");
            case ROUND_ROBIN:
                return sql.sql("(p.id <= coalesce((SELECT s.cursor_proxy_id FROM {pool_selector_state} s"
                        + " WHERE s.pool_id = {pool} AND s.strategy = 'ROUND_ROBIN'), {none})), p.id",
                        "pool", uuid(pool), "none", uuid(NO_CURSOR));
            default:
                throw new IllegalStateException("unknown strategy " + strategy);
        }
    }

    /**
     * The one-statement claim: picks a proxy matching {@code where} in the strategy's order,
     * locks it, expires its lapsed leases, decides on the locked row, counts and inserts the
     * lease, moves the round-robin cursor. Returns one row: {@code found} (candidates locked),
     * {@code any_candidate} (whether any unlocked-or-not candidate exists), {@code granted}
     * and the proxy and lease columns when granted.
     */
    private org.jooq.SQL claim(AcquireRequest request, UUID pool, UUID consumer, Condition where, boolean skipLocked,
                               boolean ordered) {
        String lock = skipLocked ? "FOR UPDATE OF p SKIP LOCKED" : "FOR UPDATE OF p";
        boolean roundRobin = request.strategy() == SelectorStrategy.ROUND_ROBIN;
        return sql.sql(
                "WITH candidate AS ("
                        + " SELECT p.id, p.current_leases, p.max_concurrency FROM {proxy} p WHERE {where}"
                        + (ordered ? " ORDER BY {order}" : "") + " LIMIT 1 " + lock + "),"
                        + " lapsed AS (UPDATE {lease} SET status = 'EXPIRED' WHERE id IN ("
                        + "   SELECT l.id FROM {lease} l WHERE l.proxy_id = (SELECT id FROM candidate)"
                        + "   AND l.status = 'ACTIVE' AND l.expires_at <= now() FOR UPDATE SKIP LOCKED)"
                        + "   RETURNING proxy_id),"
                        + " decision AS (SELECT c.id, (c.current_leases - (SELECT count(*) FROM lapsed)) < c.max_concurrency"
                        + "   AS granted, (SELECT count(*) FROM lapsed) AS freed FROM candidate c),"
                        + " claimed AS (UPDATE {proxy} AS p SET current_leases = p.current_leases - d.freed"
                        + "   + CASE WHEN d.granted THEN 1 ELSE 0 END FROM decision d WHERE p.id = d.id"
                        + "   RETURNING " + PROXY_COLUMNS + ", d.granted),"
                        + " inserted AS (INSERT INTO {lease} (id, pool_id, proxy_id, consumer_id, status, acquired_at, expires_at)"
                        + "   SELECT {lease_id}, {pool}, c.id, {consumer}, 'ACTIVE', now(), now() + {ttl} * interval '1 microsecond'"
                        + "   FROM claimed c WHERE c.granted"
                        + "   RETURNING id, consumer_id, proxy_id, acquired_at, expires_at),"
                        + " cursor_moved AS (INSERT INTO {pool_selector_state} (pool_id, strategy, cursor_proxy_id)"
                        + "   SELECT {pool}, 'ROUND_ROBIN', i.proxy_id FROM inserted i WHERE {round_robin}"
                        + "   ON CONFLICT (pool_id, strategy) DO UPDATE SET cursor_proxy_id = EXCLUDED.cursor_proxy_id)"
                        + " SELECT f.found, f.any_candidate, x.* FROM (SELECT (SELECT count(*) FROM candidate) AS found,"
                        + "   " + (skipLocked ? "EXISTS (SELECT 1 FROM {proxy} p WHERE {where})" : "false") + " AS any_candidate) f"
                        + " LEFT JOIN (SELECT c.*, i.id AS lease_id, i.consumer_id AS lease_consumer_id,"
                        + "   i.acquired_at AS lease_acquired_at, i.expires_at AS lease_expires_at"
                        + "   FROM claimed c LEFT JOIN inserted i ON i.proxy_id = c.id) x ON true",
                // a waiting lock may keep rows that failed its re-check locked: waiting statements
                // lock in id order only, so that two of them can never wait for each other
                "where", where, "order", skipLocked ? order(request.strategy(), pool) : DSL.sql("p.id"),
                "lease_id", uuid(Ids.next()),
                "pool", uuid(pool), "consumer", uuid(consumer),
                "ttl", DSL.val(micros(request.ttl()), SQLDataType.BIGINT),
                "round_robin", DSL.val(roundRobin, SQLDataType.BOOLEAN));
    }

    private static LeasedProxy leased(Record r) {
        Proxy proxy = proxy(r);
        Lease lease = Lease.active(r.get("lease_id", UUID.class), proxy.poolId(), proxy.id(),
                r.get("lease_consumer_id", UUID.class), instant(r, "lease_acquired_at"), instant(r, "lease_expires_at"));
        return new LeasedProxy(lease, proxy);
    }

    /**
     * Acquire with Java predicates, in one transaction: lock batches of candidates that pass
     * the rest of the filter, test the predicates on the locked rows, claim the first that
     * passes (still locked by us); the others are unlocked at commit. A first pass skips rows
     * other acquirers hold; if it finds nothing while unexamined candidates remain, a second
     * pass waits for them, locking in id order so that waiting transactions cannot deadlock.
     */
    private Optional<LeasedProxy> acquireWithPredicates(AcquireRequest request, UUID pool, UUID consumer) {
        ProxyFilter filter = request.filter();
        Condition relaxed = available(pool, FilterTranslator.translate(ProxyFilters.withoutPredicates(filter)));
        return call(() -> ctx.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            List<UUID> seen = new ArrayList<>();
            Optional<LeasedProxy> leased = scan(tx, request, pool, consumer, relaxed, seen, true);
            if (leased.isPresent()) {
                return leased;
            }
            boolean unexamined = tx.fetchOne(sql.sql("SELECT EXISTS (SELECT 1 FROM {proxy} p WHERE {where}"
                    + " AND p.id <> ALL ({seen})) AS unexamined", "where", relaxed, "seen", uuids(seen)))
                    .get("unexamined", Boolean.class);
            return unexamined ? scan(tx, request, pool, consumer, relaxed, seen, false) : Optional.<LeasedProxy>empty();
        }));
    }

    private Optional<LeasedProxy> scan(DSLContext tx, AcquireRequest request, UUID pool, UUID consumer, Condition relaxed,
                                       List<UUID> seen, boolean skipLocked) {
        while (true) {
            Result<Record> batch = tx.fetch(sql.sql(
                    "SELECT " + PROXY_COLUMNS + " FROM {proxy} p WHERE {where} AND p.id <> ALL ({seen})"
                            + " ORDER BY {order} LIMIT {limit} "
                            + (skipLocked ? "FOR UPDATE OF p SKIP LOCKED" : "FOR UPDATE OF p"),
                    "where", relaxed, "seen", uuids(seen),
                    "order", skipLocked ? order(request.strategy(), pool) : DSL.sql("p.id"),
                    "limit", DSL.val(PREDICATE_BATCH, SQLDataType.INTEGER)));
            for (Record row : batch) {
                Proxy candidate = proxy(row);
                if (request.filter().matches(candidate)) {
                    Condition chosen = DSL.condition(sql.sql("p.id = {id}", "id", uuid(candidate.id())));
                    Record r = tx.fetchOne(claim(request, pool, consumer, chosen, false, false));
                    if (Boolean.TRUE.equals(r.get("granted", Boolean.class))) {
                        return Optional.of(leased(r));
                    }
                }
                seen.add(candidate.id());
            }
            if (batch.size() < PREDICATE_BATCH) {
                return Optional.empty();
            }
        }
    }

    private static Param<UUID[]> uuids(List<UUID> ids) {
        return DSL.val(ids.toArray(new UUID[0]), SQLDataType.UUID.getArrayDataType());
    }

    // ---------------------------------------------------------------- release, renew, expiry

    @Override
    public boolean release(UUID leaseId) {
        Objects.requireNonNull(leaseId, "leaseId");
        Record r = SqlFailures.retrying(() -> call(() -> ctx.fetchOne(sql.sql(
                "WITH locked AS (SELECT pr.id FROM {proxy} pr WHERE pr.id = (SELECT proxy_id FROM {lease} WHERE id = {id})"
                        + " FOR UPDATE),"
                        + " ended AS (UPDATE {lease} AS l SET"
                        + "   status = CASE WHEN l.expires_at <= now() THEN 'EXPIRED' ELSE 'RELEASED' END,"
                        + "   released_at = CASE WHEN l.expires_at <= now() THEN NULL ELSE now() END"
                        + "   FROM locked WHERE l.id = {id} AND l.proxy_id = locked.id AND l.status = 'ACTIVE'"
                        + "   RETURNING l.proxy_id, l.status),"
                        + " freed AS (UPDATE {proxy} SET current_leases = current_leases - 1"
                        + "   WHERE id IN (SELECT proxy_id FROM ended))"
                        + " SELECT (SELECT status FROM ended) AS status,"
                        + "   EXISTS (SELECT 1 FROM {lease} WHERE id = {id}) AS known",
                "id", uuid(leaseId)))));
        if (!r.get("known", Boolean.class)) {
            throw new LeaseNotFoundException(leaseId);
        }
        return "RELEASED".equals(r.get("status", String.class));
    }

    @Override
    public Optional<Lease> renew(UUID leaseId, Duration ttl) {
        Objects.requireNonNull(leaseId, "leaseId");
        AcquireRequest.requireTtl(ttl);
        Record r = call(() -> ctx.fetchOne(sql.sql(
                "UPDATE {lease} SET expires_at = now() + {ttl} * interval '1 microsecond'"
                        + " WHERE id = {id} AND status = 'ACTIVE' AND expires_at > now()"
                        + " RETURNING id, pool_id, proxy_id, consumer_id, status, acquired_at, expires_at, released_at",
                "id", uuid(leaseId), "ttl", DSL.val(micros(ttl), SQLDataType.BIGINT))));
        if (r != null) {
            return Optional.of(lease(r));
        }
        if (findLease(leaseId).isEmpty()) {
            throw new LeaseNotFoundException(leaseId);
        }
        return Optional.empty();
    }

    @Override
    public int cleanupExpiredLeases() {
        Record r = SqlFailures.retrying(() -> call(() -> ctx.fetchOne(sql.sql(
                "WITH locked AS (SELECT pr.id FROM {proxy} pr WHERE pr.id IN (SELECT l.proxy_id FROM {lease} l"
                        + "   WHERE l.status = 'ACTIVE' AND l.expires_at <= now()) ORDER BY pr.id FOR UPDATE),"
                        + " expired AS (UPDATE {lease} AS l SET status = 'EXPIRED' FROM locked"
                        + "   WHERE l.proxy_id = locked.id AND l.status = 'ACTIVE' AND l.expires_at <= now()"
                        + "   RETURNING l.proxy_id),"
                        + " freed AS (UPDATE {proxy} AS p SET current_leases = p.current_leases - e.n"
                        + "   FROM (SELECT proxy_id, count(*) AS n FROM expired GROUP BY proxy_id) e WHERE p.id = e.proxy_id)"
                        + " SELECT count(*) AS n FROM expired"))));
        return r.get("n", Integer.class);
    }

    // ---------------------------------------------------------------- health

    @Override
    public Proxy applyHealthCheckResult(HealthCheckResult result) {
        Objects.requireNonNull(result, "result");
        Record r = call(() -> ctx.fetchOne(sql.sql(
                "UPDATE {proxy} AS p SET status = CASE WHEN p.status = 'BANNED' THEN 'BANNED' ELSE {status} END,"
                        + " last_checked_at = {checked}, last_latency_micros = {latency}"
                        + " WHERE p.id = {id} RETURNING " + PROXY_COLUMNS,
                "status", text(result.status().proxyStatus().name()), "checked", timestamp(result.checkedAt()),
                "latency", DSL.val(result.latency().map(JdbcStorage::micros).orElse(null), SQLDataType.BIGINT),
                "id", uuid(result.proxyId()))));
        if (r == null) {
            throw new ProxyNotFoundException(result.proxyId());
        }
        return proxy(r);
    }

    // ---------------------------------------------------------------- leases

    @Override
    public Optional<Lease> findLease(UUID leaseId) {
        Objects.requireNonNull(leaseId, "leaseId");
        return call(() -> ctx.fetchOptional(sql.sql(
                "SELECT id, pool_id, proxy_id, consumer_id,"
                        + " CASE WHEN status = 'ACTIVE' AND expires_at <= now() THEN 'EXPIRED' ELSE status END AS status,"
                        + " acquired_at, expires_at, released_at FROM {lease} WHERE id = {id}",
                "id", uuid(leaseId)))).map(JdbcStorage::lease);
    }

    @Override
    public List<Lease> activeLeases(UUID proxyId) {
        Objects.requireNonNull(proxyId, "proxyId");
        return call(() -> ctx.fetch(sql.sql(
                "SELECT id, pool_id, proxy_id, consumer_id, status, acquired_at, expires_at, released_at FROM {lease}"
                        + " WHERE proxy_id = {id} AND status = 'ACTIVE' AND expires_at > now() ORDER BY acquired_at, id",
                "id", uuid(proxyId)))).stream().map(JdbcStorage::lease).toList();
    }

    @Override
    public List<Lease> activeLeasesInPool(String poolName) {
        UUID pool = poolId(poolName);
        return call(() -> ctx.fetch(sql.sql(
                "SELECT id, pool_id, proxy_id, consumer_id, status, acquired_at, expires_at, released_at FROM {lease}"
                        + " WHERE pool_id = {pool} AND status = 'ACTIVE' AND expires_at > now() ORDER BY acquired_at, id",
                "pool", uuid(pool)))).stream().map(JdbcStorage::lease).toList();
    }

    private static Lease lease(Record r) {
        return new Lease(r.get("id", UUID.class), r.get("pool_id", UUID.class), r.get("proxy_id", UUID.class),
                r.get("consumer_id", UUID.class), LeaseStatus.valueOf(r.get("status", String.class)),
                instant(r, "acquired_at"), instant(r, "expires_at"), instantOrNull(r, "released_at"));
    }

    // ---------------------------------------------------------------- plumbing

    private static Param<UUID> uuid(UUID id) {
        return DSL.val(id, SQLDataType.UUID);
    }

    private static Param<String> text(String s) {
        return DSL.val(s, SQLDataType.VARCHAR);
    }

    private static Param<OffsetDateTime> timestamp(Instant instant) {
        return DSL.val(instant == null ? null : instant.atOffset(ZoneOffset.UTC), SQLDataType.TIMESTAMPWITHTIMEZONE);
    }

    private static long micros(Duration d) {
        return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
    }

    private static Instant instant(Record r, String column) {
        return Objects.requireNonNull(instantOrNull(r, column), column);
    }

    private static Instant instantOrNull(Record r, String column) {
        OffsetDateTime t = r.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static <T> T call(Supplier<T> work) {
        return call(work, null, null);
    }

    /**
     * Runs database work, turning driver failures into the port's exceptions: a taken pool
     * name ({@code poolName}) or proxy id or address ({@code proxy}) into their domain
     * exceptions, an unknown pool into {@link PoolNotFoundException}, anything else into
     * {@link StorageException}.
     */
    private static <T> T call(Supplier<T> work, String poolName, Proxy proxy) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            throw SqlFailures.translate(e.sqlState(), e.getMessage(), e, poolName, proxy);
        }
    }
}
