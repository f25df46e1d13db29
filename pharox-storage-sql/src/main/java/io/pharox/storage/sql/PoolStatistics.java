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
import java.util.Objects;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Table;
import org.jspecify.annotations.Nullable;

/**
 * A pool's statistics ({@link PoolStats}) in one statement: the pool found by name and, in a
 * lateral subquery, its proxies (read by {@code proxy_address_key}, whose first column is the
 * pool) with their lease counters. A proxy's active leases are its counter less its lapsed
 * leases, those still in state ACTIVE past their expiry that no cleanup has reclaimed yet: they
 * are read by {@code lease_active_expiry_idx} ({@code expires_at <= now()} on the partial index
 * of ACTIVE leases), so neither the lease history nor the unexpired leases are read. The counter
 * equals the proxy's ACTIVE lease rows in every committed state, since every statement that
 * changes one changes the other. Every number is aggregated from that one join, under one
 * snapshot and one {@code now()} (the time the snapshot says it was taken), so the numbers agree
 * with each other: {@code freeSlots} is the limited ACTIVE proxies' limits less their active
 * leases, never below zero per proxy. An unknown pool gives no row.
 */
final class PoolStatistics {

    private static final Name LAPSED = name("lapsed");
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
        // the pool's leases still ACTIVE but lapsed, per proxy; correlated with the outer query's pool row
        Table<?> lapsed = select(L.PROXY_ID, count().as(N))
                .from(L)
                .where(L.POOL_ID.eq(POOL.ID), L.STATUS.eq(inline(ACTIVE)), L.EXPIRES_AT.le(now))
                .groupBy(L.PROXY_ID)
                .asTable(LAPSED);
        Field<Integer> leases = P.CURRENT_LEASES.minus(coalesce(lapsed.field(N, Integer.class), inline(0)));
        Condition active = P.STATUS.eq(inline(ProxyStatus.ACTIVE.name()));
        Condition unlimited = P.MAX_CONCURRENCY.eq(inline(Proxy.UNLIMITED));
        Condition limited = P.MAX_CONCURRENCY.ne(inline(Proxy.UNLIMITED));
        Condition circuitNotOpen = P.OPEN_UNTIL.isNull().or(P.OPEN_UNTIL.le(now));

        List<Field<?>> columns = new ArrayList<>();
        for (ProxyStatus status : ProxyStatus.values()) {
            columns.add(count().filterWhere(P.STATUS.eq(inline(status.name()))).as(column(status)));
        }
        columns.add(count().filterWhere(active.and(circuitNotOpen).and(unlimited.or(leases.lt(P.MAX_CONCURRENCY))))
                .as(LEASABLE));
        columns.add(sum(P.MAX_CONCURRENCY).filterWhere(active.and(limited)).as(CAPACITY));
        columns.add(count().filterWhere(active.and(unlimited)).as(UNLIMITED));
        columns.add(sum(leases).as(ACTIVE_LEASES));
        columns.add(sum(greatest(P.MAX_CONCURRENCY.minus(leases), inline(0)))
                .filterWhere(active.and(limited))
                .as(FREE));
        Table<?> stats = select(columns)
                .from(P)
                .leftJoin(lapsed)
                .on(Objects.requireNonNull(lapsed.field(L.PROXY_ID), "lapsed.proxy_id")
                        .eq(P.ID))
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
