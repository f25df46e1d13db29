package io.pharox.storage.sql;

import static io.pharox.storage.sql.Claims.ACTIVE;
import static io.pharox.storage.sql.Rows.L;
import static io.pharox.storage.sql.Rows.P;
import static io.pharox.storage.sql.schema.Tables.POOL;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.currentOffsetDateTime;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.lateral;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.sum;

import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyStatus;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Table;
import org.jspecify.annotations.Nullable;

/**
 * A pool's statistics ({@link PoolStats}) in one statement: the pool found by name, and, in a
 * lateral subquery, its proxies (by {@code proxy_address_key}, whose first column is the pool)
 * left-joined to the count of their active leases, which reads only the pool's rows of
 * {@code lease_active_pool_idx}, the partial index of the leases in state ACTIVE: released and
 * expired leases are not read. Every number is aggregated from that one join, under one snapshot
 * and one {@code now()} (the time the snapshot says it was taken), so the numbers agree with each
 * other: {@code freeSlots} is the limited ACTIVE proxies' capacity less their active leases, each
 * proxy counted at most at its limit. An unknown pool gives no row.
 */
final class PoolStatistics {

    private static final Name HELD = name("held");
    private static final Name N = name("n");
    private static final Name AT = name("t");
    private static final Name LEASABLE = name("leasable");
    private static final Name CAPACITY = name("capacity");
    private static final Name UNLIMITED = name("unlimited");
    private static final Name ACTIVE_LEASES = name("active_leases");
    private static final Name FREE = name("free_slots");

    private PoolStatistics() {}

    /** The statistics of the pool named {@code poolName} as of the statement's {@code now()}; empty if there is no such pool. */
    static Optional<PoolStats> take(DSLContext ctx, String poolName) {
        Field<OffsetDateTime> now = currentOffsetDateTime();
        // the pool's active, unlapsed leases per proxy; correlated with the pool row of the outer query
        Table<?> held = select(L.PROXY_ID, count().as(N))
                .from(L)
                .where(L.POOL_ID.eq(POOL.ID), L.STATUS.eq(inline(ACTIVE)), L.EXPIRES_AT.gt(now))
                .groupBy(L.PROXY_ID)
                .asTable(HELD);
        Field<Integer> leases = coalesce(held.field(N, Integer.class), inline(0));
        Condition active = P.STATUS.eq(inline(ProxyStatus.ACTIVE.name()));
        Condition limited = P.MAX_CONCURRENCY.ne(inline(Proxy.UNLIMITED));
        Condition circuitNotOpen = P.OPEN_UNTIL.isNull().or(P.OPEN_UNTIL.le(now));

        List<Field<?>> columns = new ArrayList<>();
        for (ProxyStatus status : ProxyStatus.values()) {
            columns.add(count().filterWhere(P.STATUS.eq(inline(status.name()))).as(column(status)));
        }
        columns.add(
                count().filterWhere(active.and(circuitNotOpen).and(limited.not().or(leases.lt(P.MAX_CONCURRENCY))))
                        .as(LEASABLE));
        columns.add(sum(P.MAX_CONCURRENCY).filterWhere(active.and(limited)).as(CAPACITY));
        columns.add(count().filterWhere(active.and(limited.not())).as(UNLIMITED));
        columns.add(sum(leases).as(ACTIVE_LEASES));
        columns.add(sum(greatest(P.MAX_CONCURRENCY.minus(leases), inline(0)))
                .filterWhere(active.and(limited))
                .as(FREE));
        Table<?> stats = select(columns)
                .from(P)
                .leftJoin(held)
                .on(held.field(L.PROXY_ID).eq(P.ID))
                .where(P.POOL_ID.eq(POOL.ID))
                .asTable("s");

        return ctx.select(now.as(AT), stats.asterisk())
                .from(POOL)
                .crossJoin(lateral(stats))
                .where(POOL.NAME.eq(poolName))
                .fetchOptional()
                .map(r -> stats(poolName, r));
    }

    private static PoolStats stats(String poolName, Record r) {
        Map<ProxyStatus, Integer> byStatus = new EnumMap<>(ProxyStatus.class);
        for (ProxyStatus status : ProxyStatus.values()) {
            byStatus.put(status, r.get(column(status), Integer.class));
        }
        return new PoolStats(
                poolName,
                r.get(AT, OffsetDateTime.class).toInstant(),
                byStatus,
                r.get(LEASABLE, Integer.class),
                total(r, CAPACITY),
                r.get(UNLIMITED, Integer.class),
                Math.toIntExact(total(r, ACTIVE_LEASES)),
                total(r, FREE));
    }

    /** A sum, which SQL gives as null over no rows. */
    private static long total(Record r, Name column) {
        @Nullable BigDecimal value = r.get(column, BigDecimal.class);
        return value == null ? 0 : value.longValueExact();
    }

    private static Name column(ProxyStatus status) {
        return name("status_" + status.name().toLowerCase(Locale.ROOT));
    }
}
