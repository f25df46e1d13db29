package io.pharox.storage.sql;

import static io.pharox.storage.sql.Rows.P;
import static io.pharox.storage.sql.schema.Tables.LEASE;
import static io.pharox.storage.sql.schema.Tables.PROXY;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.val;

import io.pharox.filter.ProxyFilter;
import io.pharox.model.LeaseStatus;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.sql.Claims.Claimed;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;

/**
 * The coalesced claim: one statement that claims up to one proxy for each of several acquire
 * requests of the same pool, strategy and filter, each with its own lease id, consumer and ttl.
 * It locks up to as many leasable proxies as there are requests, in the strategy's order,
 * skipping rows others hold (it never waits), reclaims the lapsed leases of those without room,
 * counts one lease on each that has room, and inserts the leases: the first granted proxy (in id
 * order) to the first request, and so on. Requests left without a proxy (fewer candidates than
 * requests, or candidates that others held) get nothing from it and claim alone, so that
 * "nothing available" is still decided by the one-request claim.
 *
 * <p>Only strategies that start at the beginning of their order are claimed together:
 * {@code FIRST_AVAILABLE} and {@code LEAST_USED}. {@code ROUND_ROBIN} moves a cursor and
 * {@code RANDOM} starts at a random key per request; their claims run alone. Statements are
 * rendered once per (strategy, filter), as {@link ClaimShapes} does.
 */
final class ClaimBatches {

    private static final UUID POOL = new UUID(0x5E47_2000L, 2);
    private static final String LEASE_IDS = "{pharox-batch-lease-ids-" + UUID.randomUUID() + "}";
    private static final String CONSUMERS = "{pharox-batch-consumers-" + UUID.randomUUID() + "}";
    private static final String TTLS = "{pharox-batch-ttls-" + UUID.randomUUID() + "}";

    private final ConcurrentHashMap<Shape, Rendered> shapes = new ConcurrentHashMap<>();
    private final String settings;

    /** Batches whose statements run after {@code settings} ({@link StatementBounds#settingStatement()}). */
    ClaimBatches(String settings) {
        this.settings = HotSql.genericPlan(settings);
    }

    /** Whether acquires of {@code request}'s kind can be claimed together. */
    static boolean batchable(AcquireRequest request) {
        SelectorStrategy strategy = request.strategy();
        return (strategy == SelectorStrategy.FIRST_AVAILABLE || strategy == SelectorStrategy.LEAST_USED)
                && !request.filter().hasPredicates()
                && request.idempotencyKey().isEmpty()
                && request.target().isEmpty();
    }

    /** One request of a batch: its lease id, consumer and request (whose ttl it takes). */
    record Item(AcquireRequest request, UUID consumer, UUID leaseId) {}

    /**
     * Claims for {@code items}, all of pool {@code pool} and of the strategy and filter of the
     * first: per item, in order, what it was granted, or empty if nothing.
     */
    List<Optional<Claimed>> claim(DSLContext ctx, UUID pool, List<Item> items) {
        AcquireRequest first = items.get(0).request();
        Shape shape = new Shape(first.strategy(), first.filter());
        Rendered rendered = shapes.get(shape);
        if (rendered == null) {
            rendered = render(ctx, shape);
            if (shapes.size() < ClaimShapes.MAX_SHAPES) {
                shapes.putIfAbsent(shape, rendered);
            }
        }
        StringJoiner leaseIds = new StringJoiner(",", "{", "}");
        StringJoiner consumers = new StringJoiner(",", "{", "}");
        StringJoiner ttls = new StringJoiner(",", "{", "}");
        for (Item item : items) {
            leaseIds.add(item.leaseId().toString());
            consumers.add(item.consumer().toString());
            ttls.add(Rows.interval(item.request().ttl()).toDuration().toString());
        }
        Object[] values = rendered.template.clone();
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (POOL.equals(v)) {
                values[i] = pool;
            } else if (LEASE_IDS.equals(v)) {
                values[i] = leaseIds.toString();
            } else if (CONSUMERS.equals(v)) {
                values[i] = consumers.toString();
            } else if (TTLS.equals(v)) {
                values[i] = ttls.toString();
            }
        }
        List<Record> rows = HotSql.bindable(values)
                ? HotSql.query(ctx, settings, rendered.sql, values, Claims.CLAIM_ROW)
                : ctx.resultQuery(rendered.sql, values).fetch();
        List<Optional<Claimed>> claimed = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Record row = rows.get(i);
            claimed.add(
                    row.get("lease_id") == null
                            ? Optional.empty()
                            : Optional.of(new Claimed(row, items.get(i).consumer())));
        }
        return claimed;
    }

    private static Rendered render(DSLContext ctx, Shape shape) {
        ResultQuery<Record> statement = statement(ctx, shape);
        return new Rendered(ctx.render(statement), statement.getBindValues().toArray());
    }

    /** The batch claim of {@code shape}, with sentinel values for pool and requests. */
    private static ResultQuery<Record> statement(DSLContext ctx, Shape shape) {
        Query pick = select(P.ID, P.CURRENT_LEASES, P.MAX_CONCURRENCY)
                .from(P)
                // half-open circuits grant one probe at a time: their claims run alone
                .where(Claims.leasable(POOL, FilterTranslator.translate(shape.filter))
                        .and(P.OPEN_UNTIL.isNull()))
                .orderBy(Claims.order(shape.strategy))
                .limit(field("(select count(*) from reqs)", Integer.class))
                .forUpdate()
                .of(P)
                .skipLocked();
        List<Field<?>> proxyColumns = new ArrayList<>();
        for (Field<?> column : Rows.PROXY_COLUMNS) {
            proxyColumns.add(field(name("p", column.getName())));
        }
        List<Field<?>> claimedColumns = new ArrayList<>();
        for (Field<?> column : Rows.PROXY_COLUMNS) {
            claimedColumns.add(field(name("c", column.getName())));
        }
        String active = LeaseStatus.ACTIVE.name();
        // plain SQL around jOOQ parts: the tables (with the schema mapping) and the pick
        return ctx.resultQuery(
                "with reqs as (select * from unnest(cast({0} as uuid[]), cast({1} as uuid[]), cast({2} as interval[]))"
                        + " with ordinality as r(req_lease, req_consumer, req_ttl, req_ord)),"
                        + " picked as ({3}),"
                        + " candidate as (select id, current_leases, max_concurrency, clock_timestamp() as t from picked),"
                        + " lapsed as (update {4} set status = {5} where id in (select l.id from {4} as l"
                        + " join candidate c on l.proxy_id = c.id where c.current_leases >= c.max_concurrency"
                        + " and l.status = {6} and l.expires_at <= c.t for update of l skip locked)"
                        + " returning proxy_id),"
                        + " decision as (select c.id, c.t, coalesce(f.n, 0) as freed,"
                        + " c.current_leases - coalesce(f.n, 0) < c.max_concurrency as granted"
                        + " from candidate c left join (select proxy_id, count(*) as n from lapsed group by proxy_id) f"
                        + " on f.proxy_id = c.id),"
                        + " slotted as (select d.*, row_number() over (partition by d.granted order by d.id) as slot"
                        + " from decision d),"
                        + " claimed as (update {7} as p set current_leases = p.current_leases - s.freed"
                        + " + case when s.granted then 1 else 0 end,"
                        + " fence = p.fence + case when s.granted then 1 else 0 end,"
                        + " last_granted_at = case when s.granted then s.t else p.last_granted_at end"
                        + " from slotted s where p.id = s.id"
                        + " returning {8}, s.granted as granted, s.t as t, s.slot as slot, p.fence as granted_fence),"
                        + " inserted as (insert into {4} (id, pool_id, proxy_id, consumer_id, status, acquired_at,"
                        + " expires_at, fence) select r.req_lease, {9}, c.id, r.req_consumer, {6}, c.t, c.t + r.req_ttl,"
                        + " c.granted_fence from claimed c join reqs r on r.req_ord = c.slot where c.granted"
                        + " returning id, proxy_id, acquired_at, expires_at, fence)"
                        + " select {10}, c.granted, c.t, i.id as lease_id, i.acquired_at as lease_acquired_at,"
                        + " i.expires_at as lease_expires_at, false as any_candidate, i.fence as lease_fence"
                        + " from reqs r left join inserted i on i.id = r.req_lease"
                        + " left join claimed c on c.id = i.proxy_id order by r.req_ord",
                val(LEASE_IDS),
                val(CONSUMERS),
                val(TTLS),
                pick,
                LEASE,
                inline(LeaseStatus.EXPIRED.name()),
                inline(active),
                PROXY,
                DSL.list(proxyColumns),
                DSL.cast(val(POOL), P.ID.getDataType()),
                DSL.list(claimedColumns));
    }

    /** What makes two batch claims the same SQL. */
    private record Shape(SelectorStrategy strategy, ProxyFilter filter) {}

    /** A rendered batch claim and its bind values, sentinels standing for the values of each call. */
    private record Rendered(String sql, Object[] template) {}
}
