package io.pharox.storage.sql;

import static io.pharox.storage.sql.Rows.L;
import static io.pharox.storage.sql.Rows.P;
import static io.pharox.storage.sql.schema.Tables.LEASE;
import static io.pharox.storage.sql.schema.Tables.POOL_SELECTOR_STATE;
import static io.pharox.storage.sql.schema.Tables.PROXY_BAN;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.currentOffsetDateTime;
import static org.jooq.impl.DSL.exists;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.notExists;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.val;
import static org.jooq.impl.DSL.when;

import io.pharox.model.Ids;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyStatus;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Record3;
import org.jooq.ResultQuery;
import org.jooq.Select;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.SelectForUpdateOfStep;
import org.jooq.SortField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jooq.types.DayToSecond;

/**
 * The claim: one statement that picks a leasable proxy in the strategy's order, locks it,
 * expires its lapsed leases if it has no room, decides on the locked (latest) row, counts and
 * inserts the lease, and moves the round-robin cursor.
 *
 * <p>Each strategy reads its candidates from an index in its own order, never by sorting the
 * pool: {@code FIRST_AVAILABLE} and {@code ROUND_ROBIN} by id ({@code proxy_active_idx}),
 * {@code LEAST_USED} by lease count then id ({@code proxy_least_used_idx}), {@code RANDOM} by
 * random key then id ({@code proxy_random_idx}). {@code ROUND_ROBIN} starts after the pool's
 * cursor and {@code RANDOM} after a random key; both wrap to the start of the order when
 * nothing after it can be leased.
 *
 * <p>The time of a grant is {@code clock_timestamp()} read after the proxy row is locked, so a
 * lease never appears to begin before the release or expiry that made its room.
 */
final class Claims {

    static final String ACTIVE = LeaseStatus.ACTIVE.name();

    /**
     * The database's clock now, not at the start of the statement. Plain SQL: jOOQ has no
     * {@code clock_timestamp()}.
     */
    static final Field<OffsetDateTime> CLOCK = field("clock_timestamp()", SQLDataType.TIMESTAMPWITHTIMEZONE);

    private static final Name ID = name("id");
    private static final Name CURRENT = name("current_leases");
    private static final Name MAX = name("max_concurrency");
    private static final Name AT = name("t");
    private static final Name FREED = name("freed");
    private static final Name GRANTED = name("granted");
    private static final Name ANY_CANDIDATE = name("any_candidate");
    private static final Name GRANTED_FENCE = name("granted_fence");

    /**
     * The row of a claim: the claimed proxy's columns, whether it was granted and when, the
     * lease inserted, and whether others held every candidate; as {@link HotSql} reads it.
     */
    static final Field<?>[] CLAIM_ROW = claimRow();

    private Claims() {}

    private static Field<?>[] claimRow() {
        List<Field<?>> row = new ArrayList<>();
        for (Field<?> column : Rows.PROXY_COLUMNS) {
            row.add(field(name(column.getName()), column.getDataType()));
        }
        row.add(field(GRANTED, SQLDataType.BOOLEAN));
        row.add(field(AT, SQLDataType.TIMESTAMPWITHTIMEZONE));
        row.add(field(name("lease_id"), SQLDataType.UUID));
        row.add(field(name("lease_acquired_at"), SQLDataType.TIMESTAMPWITHTIMEZONE));
        row.add(field(name("lease_expires_at"), SQLDataType.TIMESTAMPWITHTIMEZONE));
        row.add(field(ANY_CANDIDATE, SQLDataType.BOOLEAN));
        row.add(field(name("lease_fence"), SQLDataType.BIGINT));
        return row.toArray(new Field<?>[0]);
    }

    /**
     * The circuit lets a claim through: it is closed, or half-open (its cooldown is over) with no
     * probe lease in force. Every column is the proxy row's, so the condition is checked again on
     * the row's latest version once the claim has locked it: two claims of one half-open proxy
     * cannot both see it without a probe.
     */
    static final Condition CIRCUIT_ADMITS = P.OPEN_UNTIL
            .isNull()
            .or(P.OPEN_UNTIL
                    .le(currentOffsetDateTime())
                    .and(P.PROBE_UNTIL.isNull().or(P.PROBE_UNTIL.le(currentOffsetDateTime()))));

    /** The proxy is not banned for {@code target} now. */
    static Condition notBanned(Field<String> target) {
        return notExists(selectOne()
                .from(PROXY_BAN)
                .where(
                        PROXY_BAN.PROXY_ID.eq(P.ID),
                        PROXY_BAN.TARGET.eq(target),
                        PROXY_BAN.BANNED_UNTIL.gt(currentOffsetDateTime())));
    }

    /** {@link #leasable} for {@code request}, banned proxies of its target excluded. */
    static Condition leasable(UUID pool, Condition filter, Optional<Field<String>> target) {
        Condition leasable = leasable(pool, filter);
        return target.isPresent() ? leasable.and(notBanned(target.get())) : leasable;
    }

    /** How a claim picks its proxy. */
    enum Lock {
        /** In the strategy's order, skipping rows that others hold: never waits. */
        SKIP,
        /** In id order, waiting for rows that others hold: lock order is the same for every waiting statement. */
        WAIT
    }

    /**
     * A proxy of {@code pool} that may take a lease now: active, matching {@code filter}, let in
     * by its circuit and its pacing ({@link GrantPacing}), with room or with a lapsed lease to reclaim.
     */
    static Condition leasable(UUID pool, Condition filter) {
        return P.POOL_ID
                .eq(pool)
                .and(P.STATUS.eq(inline(ProxyStatus.ACTIVE.name())))
                .and(filter)
                .and(CIRCUIT_ADMITS)
                .and(GrantPacing.admits(pool))
                .and(P.CURRENT_LEASES
                        .lt(P.MAX_CONCURRENCY)
                        .or(exists(selectOne()
                                .from(L)
                                .where(
                                        L.PROXY_ID.eq(P.ID),
                                        L.STATUS.eq(inline(ACTIVE)),
                                        L.EXPIRES_AT.le(currentOffsetDateTime())))));
    }

    /** The sort order of {@code strategy}'s index: the order in which it considers candidates. */
    static List<SortField<?>> order(SelectorStrategy strategy) {
        switch (strategy) {
            case FIRST_AVAILABLE:
            case ROUND_ROBIN:
                return List.of(P.ID.asc());
            case LEAST_USED:
                return List.of(P.CURRENT_LEASES.asc(), P.ID.asc());
            case RANDOM:
                return List.of(P.RANDOM_KEY.asc(), P.ID.asc());
            case LOWEST_LATENCY:
                // proxy_latency_idx: ascending, nulls last (the index's own order)
                return List.of(P.LATENCY_MICROS.asc().nullsLast(), P.ID.asc());
            case HEALTHIEST:
                // proxy_healthiest_idx
                return List.of(P.SUCCESS_RATE.desc(), P.LATENCY_MICROS.asc().nullsLast(), P.ID.asc());
            default:
                throw new IllegalStateException("unknown strategy " + strategy);
        }
    }

    /**
     * Where {@code strategy} starts in its order, for strategies that start somewhere other
     * than the beginning and wrap: after the pool's cursor, or after a random key. Empty for
     * strategies that always start at the beginning.
     */
    static Optional<Condition> start(SelectorStrategy strategy, UUID pool, double randomStart) {
        switch (strategy) {
            case ROUND_ROBIN:
                return Optional.of(P.ID.gt(select(POOL_SELECTOR_STATE.CURSOR_PROXY_ID)
                        .from(POOL_SELECTOR_STATE)
                        .where(
                                POOL_SELECTOR_STATE.POOL_ID.eq(pool),
                                POOL_SELECTOR_STATE.STRATEGY.eq(inline(strategy.name())))));
            case RANDOM:
                return Optional.of(P.RANDOM_KEY.gt(randomStart));
            default:
                return Optional.empty();
        }
    }

    /**
     * The claim of one proxy matching {@code where} (a condition on {@link Rows#P} that
     * includes {@link #leasable}) for {@code request}, run on {@code ctx}: what it locked,
     * granted (a lease with id {@code leaseId}), or could have locked.
     */
    static Claimed claim(
            DSLContext ctx,
            AcquireRequest request,
            UUID pool,
            UUID consumer,
            UUID leaseId,
            Condition where,
            Lock lock) {
        Binds binds = Binds.of(request, pool, consumer, leaseId);
        return new Claimed(
                statement(ctx, request.strategy(), binds, where, lock).fetchSingle(), consumer);
    }

    /** The values a claim binds that change from call to call. */
    record Binds(UUID leaseId, UUID pool, UUID consumer, DayToSecond ttl, double randomStart) {

        /** New values for a claim for {@code request}: a new lease id, a new random start. */
        static Binds fresh(AcquireRequest request, UUID pool, UUID consumer) {
            return of(request, pool, consumer, Ids.next());
        }

        /**
         * Values for a claim for {@code request} of a lease with id {@code leaseId}, chosen once
         * per request so that every claim of one request (and its recovery after a lost
         * connection) inserts the same id; a new random start.
         */
        static Binds of(AcquireRequest request, UUID pool, UUID consumer, UUID leaseId) {
            return new Binds(
                    leaseId,
                    pool,
                    consumer,
                    Rows.interval(request.ttl()),
                    ThreadLocalRandom.current().nextDouble());
        }
    }

    /**
     * The statement of {@link #claim}, whose condition {@code where} is on {@link Rows#P} and
     * includes {@link #leasable}: one row, whether anything was locked or not.
     */
    @SuppressWarnings(
            "NullAway") // jOOQ marks Table.field(…) and fetchOne @Nullable; these CTEs declare every field, and the
    // statement returns one row
    static ResultQuery<Record> statement(
            DSLContext ctx, SelectorStrategy strategy, Binds binds, Condition where, Lock lock) {
        UUID pool = binds.pool();
        List<CommonTableExpression<?>> ctes = new ArrayList<>();
        CommonTableExpression<?> picked;
        if (lock == Lock.WAIT) {
            picked = name("picked").as(pick(where, List.of(P.ID.asc()), lock));
            ctes.add(picked);
        } else {
            Optional<Condition> start = start(strategy, pool, binds.randomStart());
            List<SortField<?>> order = order(strategy);
            if (start.isEmpty()) {
                picked = name("picked").as(pick(where, order, lock));
                ctes.add(picked);
            } else {
                // from the start point on; if nothing there, from the beginning (the wrap)
                CommonTableExpression<Record3<UUID, Integer, Integer>> after =
                        name("after").as(pick(where.and(start.get()), order, lock));
                CommonTableExpression<Record3<UUID, Integer, Integer>> wrapped =
                        name("wrapped").as(pick(where.and(notExists(selectOne().from(after))), order, lock));
                picked = name("picked")
                        .as(select(after.asterisk())
                                .from(after)
                                .unionAll(select(wrapped.asterisk()).from(wrapped)));
                ctes.add(after);
                ctes.add(wrapped);
                ctes.add(picked);
            }
        }
        // the time is read once the row is locked: a CTE over the locked rows
        CommonTableExpression<?> candidate = name("candidate")
                .fields(ID, CURRENT, MAX, AT)
                .as(select(picked.field(ID), picked.field(CURRENT), picked.field(MAX), CLOCK)
                        .from(picked));
        Field<UUID> candidateId = candidate.field(ID, UUID.class);
        Field<OffsetDateTime> candidateAt = candidate.field(AT, OffsetDateTime.class);
        CommonTableExpression<?> lapsed = name("lapsed")
                .as(DSL.update(LEASE)
                        .set(LEASE.STATUS, inline(LeaseStatus.EXPIRED.name()))
                        .where(LEASE.ID.in(select(L.ID)
                                .from(L)
                                .join(candidate)
                                .on(L.PROXY_ID.eq(candidateId))
                                .where(
                                        // a proxy with room is granted without reclaiming its lapsed leases
                                        candidate.field(CURRENT, Integer.class).ge(candidate.field(MAX, Integer.class)),
                                        L.STATUS.eq(inline(ACTIVE)),
                                        L.EXPIRES_AT.le(candidateAt))
                                .forUpdate()
                                .of(L)
                                .skipLocked()))
                        .returning(LEASE.PROXY_ID));
        Field<Integer> freed = field(select(count()).from(lapsed));
        CommonTableExpression<?> decision = name("decision")
                .fields(ID, AT, FREED, GRANTED)
                .as(select(
                                candidateId,
                                candidateAt,
                                freed,
                                field(candidate
                                        .field(CURRENT, Integer.class)
                                        .minus(freed)
                                        .lt(candidate.field(MAX, Integer.class))))
                        .from(candidate));
        Field<Boolean> granted = decision.field(GRANTED, Boolean.class);
        List<Field<?>> returned = new ArrayList<>(Rows.PROXY_COLUMNS);
        returned.add(granted.as(GRANTED));
        returned.add(decision.field(AT, OffsetDateTime.class).as(AT));
        returned.add(P.FENCE.as(GRANTED_FENCE));
        Map<Field<?>, Field<?>> moved = new LinkedHashMap<>();
        moved.put(
                P.CURRENT_LEASES,
                P.CURRENT_LEASES
                        .minus(decision.field(FREED, Integer.class))
                        .plus(when(granted, inline(1)).otherwise(inline(0))));
        moved.put(P.FENCE, P.FENCE.plus(when(granted, inline(1L)).otherwise(inline(0L))));
        moved.put(
                P.LAST_GRANTED_AT,
                when(granted, decision.field(AT, OffsetDateTime.class)).otherwise(P.LAST_GRANTED_AT));
        // a grant on a half-open circuit (the condition admits no open one) is its probe
        Condition probe = DSL.condition(granted).and(P.OPEN_UNTIL.isNotNull());
        moved.put(P.PROBE_LEASE_ID, when(probe, val(binds.leaseId())).otherwise(P.PROBE_LEASE_ID));
        moved.put(
                P.PROBE_UNTIL,
                when(probe, decision.field(AT, OffsetDateTime.class).plus(val(binds.ttl())))
                        .otherwise(P.PROBE_UNTIL));
        if (strategy == SelectorStrategy.RANDOM) {
            // a granted proxy moves to a new random place in the order
            moved.put(
                    P.RANDOM_KEY,
                    when(granted, DSL.rand().cast(SQLDataType.DOUBLE)).otherwise(P.RANDOM_KEY));
        }
        CommonTableExpression<?> claimed = name("claimed")
                .as(DSL.update(P)
                        .set(moved)
                        .from(decision)
                        .where(P.ID.eq(decision.field(ID, UUID.class)))
                        .returning(returned));
        Field<UUID> claimedId = claimed.field(P.ID.getName(), UUID.class);
        Field<OffsetDateTime> claimedAt = claimed.field(AT, OffsetDateTime.class);
        Field<Boolean> claimedGranted = claimed.field(GRANTED, Boolean.class);
        Field<Long> claimedFence = claimed.field(GRANTED_FENCE, Long.class);
        CommonTableExpression<?> inserted = name("inserted")
                .as(DSL.insertInto(
                                LEASE,
                                LEASE.ID,
                                LEASE.POOL_ID,
                                LEASE.PROXY_ID,
                                LEASE.CONSUMER_ID,
                                LEASE.STATUS,
                                LEASE.ACQUIRED_AT,
                                LEASE.EXPIRES_AT,
                                LEASE.FENCE)
                        .select(select(
                                        val(binds.leaseId()),
                                        val(pool),
                                        claimedId,
                                        val(binds.consumer()),
                                        inline(ACTIVE),
                                        claimedAt,
                                        claimedAt.plus(val(binds.ttl())),
                                        claimedFence)
                                .from(claimed)
                                .where(claimedGranted))
                        .returning(LEASE.ID, LEASE.ACQUIRED_AT, LEASE.EXPIRES_AT, LEASE.FENCE));
        ctes.add(candidate);
        ctes.add(lapsed);
        ctes.add(decision);
        ctes.add(claimed);
        ctes.add(inserted);
        if (strategy == SelectorStrategy.ROUND_ROBIN) {
            ctes.add(name("cursor_moved")
                    .as(DSL.insertInto(
                                    POOL_SELECTOR_STATE,
                                    POOL_SELECTOR_STATE.POOL_ID,
                                    POOL_SELECTOR_STATE.STRATEGY,
                                    POOL_SELECTOR_STATE.CURSOR_PROXY_ID)
                            .select(select(val(pool), inline(strategy.name()), claimedId)
                                    .from(claimed)
                                    .where(claimedGranted))
                            .onConflict(POOL_SELECTOR_STATE.POOL_ID, POOL_SELECTOR_STATE.STRATEGY)
                            .doUpdate()
                            .set(POOL_SELECTOR_STATE.CURSOR_PROXY_ID, DSL.excluded(POOL_SELECTOR_STATE.CURSOR_PROXY_ID))
                            .returning(POOL_SELECTOR_STATE.POOL_ID)));
        }
        // when nothing was locked: whether anything could have been, but others held it all
        Field<Boolean> anyCandidate = lock == Lock.WAIT
                ? inline(false)
                : when(exists(selectOne().from(picked)), inline(false))
                        .otherwise(field(select(P.ID)
                                        .from(P)
                                        .where(where)
                                        .orderBy(P.ID)
                                        .limit(inline(1)))
                                .isNotNull());
        // the claim row's order (CLAIM_ROW): the proxy's columns, granted, t, the lease, any_candidate, its fence
        List<SelectFieldOrAsterisk> row = new ArrayList<>();
        for (Field<?> column : Rows.PROXY_COLUMNS) {
            row.add(claimed.field(column.getName()));
        }
        row.add(claimedGranted);
        row.add(claimedAt);
        return ctx.with(ctes)
                .select(row)
                .select(
                        inserted.field(LEASE.ID).as("lease_id"),
                        inserted.field(LEASE.ACQUIRED_AT).as("lease_acquired_at"),
                        inserted.field(LEASE.EXPIRES_AT).as("lease_expires_at"),
                        anyCandidate.as(ANY_CANDIDATE),
                        inserted.field(LEASE.FENCE).as("lease_fence"))
                .from(selectOne().asTable("one"))
                .leftJoin(claimed)
                .on(DSL.trueCondition())
                .leftJoin(inserted)
                .on(DSL.trueCondition());
    }

    private static Select<Record3<UUID, Integer, Integer>> pick(Condition where, List<SortField<?>> order, Lock lock) {
        SelectForUpdateOfStep<Record3<UUID, Integer, Integer>> locked = select(
                        P.ID, P.CURRENT_LEASES, P.MAX_CONCURRENCY)
                .from(P)
                .where(where)
                .orderBy(order)
                .limit(inline(1))
                .forUpdate();
        return lock == Lock.SKIP ? locked.of(P).skipLocked() : locked.of(P);
    }

    /** What a claim did: the row of its statement. */
    record Claimed(Record row, UUID consumer) {

        /** Whether the claim locked a proxy (granted or not). */
        boolean locked() {
            return row.get(P.ID.getName()) != null;
        }

        /** Whether nothing was locked although a leasable proxy exists: others held every candidate. */
        boolean othersHoldEveryCandidate() {
            return !locked() && Boolean.TRUE.equals(row.get(ANY_CANDIDATE.last(), Boolean.class));
        }

        /** The id of the lease the claim granted, or empty. */
        Optional<UUID> grantedLeaseId() {
            return Boolean.TRUE.equals(row.get(GRANTED.last(), Boolean.class))
                    ? Optional.ofNullable(row.get("lease_id", UUID.class))
                    : Optional.empty();
        }

        /** The lease the claim granted, its proxy's credentials opened by {@code credentials}, or empty. */
        Optional<LeasedProxy> leased(CredentialCipher credentials) {
            if (!Boolean.TRUE.equals(row.get(GRANTED.last(), Boolean.class))) {
                return Optional.empty();
            }
            Proxy proxy = Rows.proxy(row, credentials);
            Lease lease = Lease.active(
                    row.get("lease_id", UUID.class),
                    proxy.poolId(),
                    proxy.id(),
                    consumer,
                    row.get("lease_acquired_at", OffsetDateTime.class).toInstant(),
                    row.get("lease_expires_at", OffsetDateTime.class).toInstant(),
                    row.get("lease_fence", Long.class));
            return Optional.of(new LeasedProxy(lease, proxy));
        }
    }
}
