package io.pharox.storage.sql;

import static io.pharox.storage.sql.schema.Tables.LEASE;
import static io.pharox.storage.sql.schema.Tables.POOL_WAITER;
import static io.pharox.storage.sql.schema.Tables.PROXY;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.val;

import io.pharox.model.LeaseStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jspecify.annotations.Nullable;

/**
 * The release of one or several leases in one statement: it locks their proxies in id order
 * (waiting for them, like every statement that waits for proxy rows), ends each lease that is
 * active (released, or expired if its time had passed), frees one slot per lease ended, and
 * answers per lease how it ended and how it stood before. Rendered once, run with
 * {@link HotSql}. One lease is released by a statement on its primary key, whose plan
 * PostgreSQL keeps per connection; several by one statement over an array of ids, planned per
 * call (a plan kept for any number of ids was made for the lease table as it was then, and
 * read every active-lease index entry left since the last vacuum once the table had grown).
 * The statement also wakes, per pool, as many of its oldest waiters as it freed slots
 * ({@link Wakes}); with nobody waiting that is one probe of an empty index.
 */
final class Releases {

    private static final String IDS = "{pharox-release-ids-" + UUID.randomUUID() + "}";
    private static final Field<?>[] ROW = {
        field(name("lease_id"), SQLDataType.UUID),
        field(name("ended_status"), SQLDataType.VARCHAR),
        field(name("before_status"), SQLDataType.VARCHAR),
        field(name("woken"), SQLDataType.BIGINT)
    };

    private static final UUID ONE = new UUID(0x5E47_3000L, 1);

    /** A half-open circuit whose probe lease ends may grant its next probe. */
    private static final String PROBE_ENDS =
            " probe_lease_id = case when p.probe_lease_id in (select id from ended) then null else p.probe_lease_id end,"
                    + " probe_until = case when p.probe_lease_id in (select id from ended) then null else p.probe_until end";

    private final String settings;
    private final String batchSettings;
    private volatile @Nullable Rendered one;
    private volatile @Nullable String many;

    /** Releases whose statements run after {@code settings} ({@link StatementBounds#settingStatement()}). */
    Releases(String settings) {
        this.settings = settings;
        this.batchSettings = HotSql.genericPlan(settings);
    }

    /** How a release of one lease went: the status it ended with (if this statement ended it), and its status before. */
    record Outcome(@Nullable String ended, @Nullable String before) {}

    /**
     * Ends the leases {@code leaseIds} on {@code ctx}: per id, in order, its outcome. An id given
     * twice is ended by its first occurrence; the later ones end nothing.
     */
    List<Outcome> release(DSLContext ctx, List<UUID> leaseIds) {
        List<Record> rows;
        if (leaseIds.size() == 1) {
            // by primary key, which PostgreSQL plans once per connection and keeps
            Rendered single = one;
            if (single == null) {
                ResultQuery<Record> statement = one(ctx);
                single = new Rendered(
                        ctx.render(statement), statement.getBindValues().toArray());
                one = single;
            }
            Object[] values = single.template.clone();
            for (int i = 0; i < values.length; i++) {
                if (ONE.equals(values[i])) {
                    values[i] = leaseIds.get(0);
                }
            }
            rows = HotSql.query(ctx, settings, single.sql, values, ROW);
        } else {
            String statement = many;
            if (statement == null) {
                statement = ctx.render(many(ctx));
                many = statement;
            }
            StringJoiner ids = new StringJoiner(",", "{", "}");
            for (UUID id : leaseIds) {
                ids.add(id.toString());
            }
            rows = HotSql.query(ctx, batchSettings, statement, new Object[] {ids.toString()}, ROW);
        }
        List<Outcome> outcomes = new ArrayList<>(leaseIds.size());
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < leaseIds.size(); i++) {
            Record row = rows.get(i);
            String ended = seen.add(leaseIds.get(i)) ? row.get(1, String.class) : null;
            outcomes.add(new Outcome(ended, row.get(2, String.class)));
        }
        return outcomes;
    }

    private static ResultQuery<Record> one(DSLContext ctx) {
        Field<UUID> id = DSL.cast(val(ONE), SQLDataType.UUID);
        return ctx.resultQuery(
                "with locked as (select p.id from {1} as p where p.id = (select l.proxy_id from {2} as l"
                        + " where l.id = {0}) for update),"
                        + " ended as (update {2} as l set status = case when l.expires_at <= current_timestamp"
                        + " then {3} else {4} end, released_at = case when l.expires_at <= current_timestamp"
                        + " then null else current_timestamp end from locked"
                        + " where l.id = {0} and l.proxy_id = locked.id and l.status = {5}"
                        + " returning l.id, l.proxy_id, l.status, l.pool_id),"
                        + " freed as (update {1} as p set current_leases = p.current_leases - 1," + PROBE_ENDS
                        + " where p.id in (select proxy_id from ended) returning p.id),"
                        + Wakes.ctes("select pool_id, count(*) as n from ended group by pool_id", "{6}")
                        + " select {0}, (select status from ended), (select l.status from {2} as l where l.id = {0}), "
                        + Wakes.NOTIFIED,
                id,
                PROXY,
                LEASE,
                inline(LeaseStatus.EXPIRED.name()),
                inline(LeaseStatus.RELEASED.name()),
                inline(LeaseStatus.ACTIVE.name()),
                POOL_WAITER);
    }

    private static ResultQuery<Record> many(DSLContext ctx) {
        return ctx.resultQuery(
                "with reqs as (select * from unnest(cast({0} as uuid[])) with ordinality as r(id, ord)),"
                        + " locked as (select p.id from {1} as p where p.id in (select l.proxy_id from {2} as l"
                        + " where l.id in (select id from reqs)) order by p.id for update),"
                        + " ended as (update {2} as l set status = case when l.expires_at <= current_timestamp"
                        + " then {3} else {4} end, released_at = case when l.expires_at <= current_timestamp"
                        + " then null else current_timestamp end from locked"
                        // coalesce(): not the partial index of active leases (full of entries of
                        // leases ended since the last vacuum), but the primary key, one row per id
                        + " where l.id in (select id from reqs) and l.proxy_id = locked.id and coalesce(l.status, '') = {5}"
                        + " returning l.id, l.proxy_id, l.status, l.pool_id),"
                        + " freed as (update {1} as p set current_leases = p.current_leases - f.n," + PROBE_ENDS
                        + " from (select proxy_id, count(*) as n from ended group by proxy_id) f"
                        + " where p.id = f.proxy_id returning p.id),"
                        + Wakes.ctes("select pool_id, count(*) as n from ended group by pool_id", "{6}")
                        + " select r.id, e.status, (select l.status from {2} as l where l.id = r.id), "
                        + Wakes.NOTIFIED
                        + " from reqs r left join ended e on e.id = r.id order by r.ord",
                val(IDS),
                PROXY,
                LEASE,
                inline(LeaseStatus.EXPIRED.name()),
                inline(LeaseStatus.RELEASED.name()),
                inline(LeaseStatus.ACTIVE.name()),
                POOL_WAITER);
    }

    /** A rendered statement and its bind values, a sentinel standing for the lease id. */
    private record Rendered(String sql, Object[] template) {}
}
