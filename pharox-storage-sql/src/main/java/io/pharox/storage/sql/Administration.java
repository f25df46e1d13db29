package io.pharox.storage.sql;

import static io.pharox.storage.sql.Claims.ACTIVE;
import static io.pharox.storage.sql.Claims.CLOCK;
import static io.pharox.storage.sql.Rows.P;
import static io.pharox.storage.sql.schema.Tables.CONSUMER;
import static io.pharox.storage.sql.schema.Tables.LEASE;
import static io.pharox.storage.sql.schema.Tables.POOL;
import static io.pharox.storage.sql.schema.Tables.POOL_SELECTOR_STATE;
import static io.pharox.storage.sql.schema.Tables.PROXY;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.val;

import io.pharox.exception.PoolInUseException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.LeaseStatus;
import io.pharox.model.Proxy;
import io.pharox.storage.AcquireRequest;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jspecify.annotations.Nullable;

/**
 * The statements of pool administration that the {@link LeaseEngine} runs: a batch of proxies
 * added in multi-row inserts, a pool deleted with everything that refers to it, and the
 * non-leasing look at what an acquire could be granted.
 */
final class Administration {

    /**
     * Rows per {@code INSERT} of {@link #insert}. Its parameters are one array per column, so the
     * bound is not PostgreSQL's 65,535 parameters per statement but the time of one statement,
     * which must stay well within the statement timeout.
     */
    static final int INSERT_ROWS = 5000;

    private Administration() {}

    /** An address as the unique index {@code proxy_address_key} compares it: pool, {@code lower(host)}, port. */
    record AddressKey(UUID pool, String host, int port) {
        static AddressKey of(Proxy proxy) {
            return new AddressKey(proxy.poolId(), proxy.host().toLowerCase(Locale.ROOT), proxy.port());
        }
    }

    /**
     * The refusal of the first entry of {@code proxies} that cannot be added, in one query for
     * the pools and one for the stored proxies they would collide with; empty if every entry can
     * be added. With {@code lockPools}, the pools found are locked {@code FOR KEY SHARE} until the
     * transaction ends, so that they cannot be deleted before the batch is written.
     */
    static Optional<ProxyBatchException> refusal(DSLContext ctx, List<Proxy> proxies, boolean lockPools) {
        Set<UUID> pools = new HashSet<>();
        List<UUID> ids = new ArrayList<>(proxies.size());
        List<UUID> addressPools = new ArrayList<>(proxies.size());
        List<String> hosts = new ArrayList<>(proxies.size());
        List<Integer> ports = new ArrayList<>(proxies.size());
        for (Proxy proxy : proxies) {
            if (proxy != null) {
                pools.add(proxy.poolId());
                ids.add(proxy.id());
                AddressKey key = AddressKey.of(proxy);
                addressPools.add(key.pool());
                hosts.add(key.host());
                ports.add(key.port());
            }
        }
        Set<UUID> storedPools = new HashSet<>();
        Set<UUID> storedIds = new HashSet<>();
        Set<AddressKey> storedAddresses = new HashSet<>();
        if (!pools.isEmpty()) {
            var poolQuery = ctx.select(POOL.ID).from(POOL).where(POOL.ID.eq(DSL.any(val(pools.toArray(new UUID[0])))));
            storedPools.addAll(lockPools ? poolQuery.forKeyShare().fetch(POOL.ID) : poolQuery.fetch(POOL.ID));
            Table<?> batch = DSL.table(
                            "unnest({0}, {1}, {2})",
                            val(addressPools.toArray(new UUID[0])),
                            val(hosts.toArray(new String[0])),
                            val(ports.toArray(new Integer[0])))
                    .as("b", "pool_id", "host", "port");
            Field<UUID> batchPool = DSL.field(name("b", "pool_id"), UUID.class);
            Field<String> batchHost = DSL.field(name("b", "host"), String.class);
            Field<Integer> batchPort = DSL.field(name("b", "port"), Integer.class);
            Field<String> lowerHost = DSL.lower(P.HOST).as("lower_host");
            // the second half reads proxy_address_key, whose expression is lower(host)
            for (Record r : ctx.select(P.ID, P.POOL_ID, lowerHost, P.PORT)
                    .from(P)
                    .where(P.ID.eq(DSL.any(val(ids.toArray(new UUID[0])))))
                    .unionAll(select(P.ID, P.POOL_ID, DSL.lower(P.HOST), P.PORT)
                            .from(P)
                            .join(batch)
                            .on(P.POOL_ID.eq(batchPool), DSL.lower(P.HOST).eq(batchHost), P.PORT.eq(batchPort)))
                    .fetch()) {
                storedIds.add(r.get(0, UUID.class));
                storedAddresses.add(
                        new AddressKey(r.get(1, UUID.class), r.get(2, String.class), r.get(3, Integer.class)));
            }
        }
        Set<UUID> batchIds = new HashSet<>();
        Set<AddressKey> batchAddresses = new HashSet<>();
        for (int i = 0; i < proxies.size(); i++) {
            Proxy proxy = proxies.get(i);
            RuntimeException refused = null;
            if (proxy == null) {
                refused = new NullPointerException("proxies[" + i + "] is null");
            } else if (!storedPools.contains(proxy.poolId())) {
                refused = new PoolNotFoundException(proxy.poolId().toString());
            } else if (storedIds.contains(proxy.id()) || !batchIds.add(proxy.id())) {
                refused = new ProxyAlreadyExistsException(proxy.id().toString());
            } else {
                AddressKey key = AddressKey.of(proxy);
                if (storedAddresses.contains(key) || !batchAddresses.add(key)) {
                    refused = new ProxyAlreadyExistsException(proxy.address() + " in pool " + proxy.poolId());
                }
            }
            if (refused != null) {
                return Optional.of(new ProxyBatchException(i, refused));
            }
        }
        return Optional.empty();
    }

    /**
     * The rows of {@code proxies} with their credentials sealed by {@code credentials}.
     *
     * @throws ProxyBatchException naming the entry whose credentials may not be stored
     */
    static List<Map<Field<?>, Object>> rows(List<Proxy> proxies, CredentialCipher credentials) {
        List<Map<Field<?>, Object>> rows = new ArrayList<>(proxies.size());
        for (int i = 0; i < proxies.size(); i++) {
            try {
                rows.add(Rows.proxyValues(proxies.get(i), credentials));
            } catch (RuntimeException e) {
                throw new ProxyBatchException(i, e);
            }
        }
        return rows;
    }

    /**
     * Inserts {@code rows} with one statement per {@value #INSERT_ROWS} rows: {@code INSERT INTO
     * proxy (...) SELECT ... FROM unnest(?, ?, ...)}, one array parameter per column (each value in
     * its text form, cast back to the column's type in SQL; the ciphertext in hex), so that the
     * statement has 21 parameters however many rows it carries, and the driver sends each array
     * as one value instead of jOOQ rendering and binding 21 parameters per row.
     *
     * @return the proxies as stored, by id
     */
    @SuppressWarnings("NullAway") // the column arrays hold null for SQL NULL
    static Map<UUID, Proxy> insert(DSLContext ctx, List<Map<Field<?>, Object>> rows, CredentialCipher credentials) {
        Map<UUID, Proxy> stored = new HashMap<>(rows.size() * 2);
        if (rows.isEmpty()) {
            return stored;
        }
        List<Field<?>> columns = new ArrayList<>(rows.get(0).keySet());
        int width = columns.size();
        List<String> names = new ArrayList<>(width);
        List<Field<?>> selected = new ArrayList<>(width);
        for (int c = 0; c < width; c++) {
            Field<?> column = columns.get(c);
            names.add("c" + c);
            Field<String> text = DSL.field(name("u", "c" + c), SQLDataType.CLOB);
            selected.add(
                    column.getDataType().isBinary()
                            ? DSL.field("decode({0}, 'hex')", column.getDataType(), text)
                            : DSL.cast(text, column.getDataType()));
        }
        for (int from = 0; from < rows.size(); from += INSERT_ROWS) {
            List<Map<Field<?>, Object>> chunk = rows.subList(from, Math.min(rows.size(), from + INSERT_ROWS));
            String[][] arrays = new String[width][chunk.size()];
            for (int r = 0; r < chunk.size(); r++) {
                int c = 0;
                for (Object value : chunk.get(r).values()) {
                    arrays[c++][r] = text(value);
                }
            }
            List<Field<?>> params = new ArrayList<>(width);
            StringBuilder template = new StringBuilder("unnest(");
            for (int c = 0; c < width; c++) {
                params.add(DSL.val(arrays[c], SQLDataType.CLOB.getArrayDataType()));
                template.append(c == 0 ? "" : ", ").append('{').append(c).append('}');
            }
            Table<?> unnested = DSL.table(template.append(')').toString(), params.toArray(new Object[0]))
                    .as("u", names.toArray(new String[0]));
            for (Record r : ctx.insertInto(P, columns)
                    .select(DSL.select(selected).from(unnested))
                    .returning(Rows.PROXY_COLUMNS)
                    .fetch()) {
                Proxy proxy = Rows.proxy(r, credentials);
                stored.put(proxy.id(), proxy);
            }
        }
        return stored;
    }

    /** {@code value} of a proxy column in the text form PostgreSQL reads back exactly, or {@code null}. */
    private static @Nullable String text(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        if (value instanceof OffsetDateTime t) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
        }
        // uuid, text, integers, and doubles (Double.toString is exact, which PostgreSQL reads as such)
        return value.toString();
    }

    /**
     * Deletes the pool {@code pool} named {@code poolName}, in the caller's transaction: locks its
     * proxies in id order (waiting for claims that hold one), then the pool row (which stops new
     * proxies and leases in it), then the proxies added meanwhile; only then counts its active
     * leases, so that none can be granted between the count and the deletion.
     *
     * @return whether the pool was still there to delete
     * @throws PoolInUseException if leases are active and {@code force} is not set
     */
    static boolean deletePool(DSLContext ctx, UUID pool, String poolName, boolean force) {
        lockProxies(ctx, pool);
        if (ctx.select(POOL.ID)
                .from(POOL)
                .where(POOL.ID.eq(pool))
                .forUpdate()
                .fetchOptional()
                .isEmpty()) {
            return false;
        }
        lockProxies(ctx, pool);
        int active = ctx.fetchCount(
                LEASE, LEASE.POOL_ID.eq(pool), LEASE.STATUS.eq(inline(ACTIVE)), LEASE.EXPIRES_AT.gt(CLOCK));
        if (active > 0 && !force) {
            throw new PoolInUseException(poolName, active);
        }
        // as removeProxy ends a proxy's leases; the records go with the pool just after
        ctx.update(LEASE)
                .set(LEASE.STATUS, inline(LeaseStatus.RELEASED.name()))
                .set(LEASE.RELEASED_AT, CLOCK)
                .where(LEASE.POOL_ID.eq(pool), LEASE.STATUS.eq(inline(ACTIVE)))
                .execute();
        ctx.deleteFrom(LEASE).where(LEASE.POOL_ID.eq(pool)).execute();
        ctx.deleteFrom(POOL_SELECTOR_STATE)
                .where(POOL_SELECTOR_STATE.POOL_ID.eq(pool))
                .execute();
        // bans go with their proxies, sessions and waiters with the pool (ON DELETE CASCADE)
        ctx.deleteFrom(PROXY).where(PROXY.POOL_ID.eq(pool)).execute();
        ctx.deleteFrom(POOL).where(POOL.ID.eq(pool)).execute();
        return true;
    }

    private static void lockProxies(DSLContext ctx, UUID pool) {
        ctx.select(PROXY.ID)
                .from(PROXY)
                .where(PROXY.POOL_ID.eq(pool))
                .orderBy(PROXY.ID)
                .forUpdate()
                .execute();
    }

    /** The condition of a proxy that a claim could grant to {@code request} now, Java predicates aside. */
    static Condition available(AcquireRequest request, UUID pool) {
        return Claims.leasable(
                pool,
                FilterTranslator.translate(ProxyFilters.withoutPredicates(request.filter())),
                request.target().<Field<String>>map(DSL::val));
    }

    /**
     * Up to {@code limit} proxies of {@code pool} that {@code request} could be granted now, in id
     * order, without locking any; proxies failing the filter's Java predicates are skipped.
     */
    static List<Proxy> findAvailable(
            DSLContext ctx, AcquireRequest request, UUID pool, int limit, CredentialCipher credentials) {
        Condition where = available(request, pool);
        if (!request.filter().hasPredicates()) {
            return ctx.select(Rows.PROXY_COLUMNS)
                    .from(P)
                    .where(where)
                    .orderBy(P.ID)
                    .limit(limit)
                    .fetch(r -> Rows.proxy(r, credentials));
        }
        int batch = Math.max(limit, LeaseEngine.PREDICATE_BATCH);
        List<Proxy> found = new ArrayList<>();
        @Nullable UUID after = null;
        while (true) {
            List<Proxy> page = ctx.select(Rows.PROXY_COLUMNS)
                    .from(P)
                    .where(after == null ? where : where.and(P.ID.gt(after)))
                    .orderBy(P.ID)
                    .limit(batch)
                    .fetch(r -> Rows.proxy(r, credentials));
            for (Proxy proxy : page) {
                if (request.filter().matches(proxy)) {
                    found.add(proxy);
                    if (found.size() == limit) {
                        return found;
                    }
                }
                after = proxy.id();
            }
            if (page.size() < batch) {
                return found;
            }
        }
    }

    /** The condition of the active, unexpired leases of the consumer named {@code consumerName}. */
    static Condition ofConsumer(String consumerName) {
        return LEASE.CONSUMER_ID.eq(select(CONSUMER.ID).from(CONSUMER).where(CONSUMER.NAME.eq(consumerName)));
    }
}
