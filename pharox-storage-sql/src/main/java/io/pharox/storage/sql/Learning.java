package io.pharox.storage.sql;

import static io.pharox.storage.sql.Claims.ACTIVE;
import static io.pharox.storage.sql.Claims.CLOCK;
import static io.pharox.storage.sql.Rows.P;
import static io.pharox.storage.sql.schema.Tables.LEASE;
import static io.pharox.storage.sql.schema.Tables.PROXY;
import static io.pharox.storage.sql.schema.Tables.PROXY_BAN;
import static org.jooq.impl.DSL.currentOffsetDateTime;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.val;
import static org.jooq.impl.DSL.when;

import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.StaleLeaseException;
import io.pharox.model.LeaseStatus;
import io.pharox.model.Outcome;
import io.pharox.model.ProxyStanding;
import io.pharox.model.TargetBan;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jspecify.annotations.Nullable;

/**
 * What proxies learn, in SQL: the statements that apply an outcome report or a health check to
 * a proxy's circuit, bans and scores (the state machine of {@code docs/outcomes.md}), each in
 * one statement that locks the proxy row, and the reads of a proxy's standing and bans.
 */
final class Learning {

    private static final Field<OffsetDateTime> T = field(name("t"), SQLDataType.TIMESTAMPWITHTIMEZONE);

    /** A proxy's {@code open_until} as locked before an update changes it. */
    static final Field<OffsetDateTime> OPEN_BEFORE = field(name("open_before"), SQLDataType.TIMESTAMPWITHTIMEZONE);

    /** The proxy columns a standing is read from, under their plain names. */
    static final List<Field<?>> STANDING =
            List.of(P.ID, P.FAILURES, P.OPENINGS, P.OPEN_UNTIL, P.SUCCESS_RATE, P.LATENCY_MICROS, P.FENCE);

    private Learning() {}

    /** How an outcome moves the state. */
    enum Kind {
        SUCCESS,
        /** A failure that counts against the proxy. */
        FAILURE,
        /** A failure that bans the proxy for one target and changes nothing else. */
        BLOCKED;

        static Kind of(Outcome outcome) {
            return outcome.isSuccess() ? SUCCESS : outcome.countsAgainstProxy() ? FAILURE : BLOCKED;
        }
    }

    /**
     * The assignments that apply an outcome of {@code kind} (a success's latency in
     * {@code latencyMicros}) to the proxy row {@link Rows#P} at instant {@code t}: every
     * right-hand side reads the row as it was before, which is how PostgreSQL evaluates
     * {@code UPDATE … SET}.
     */
    static Map<Field<?>, Field<?>> assignments(
            Kind kind, @Nullable Long latencyMicros, OutcomePolicy policy, Field<OffsetDateTime> t) {
        Map<Field<?>, Field<?>> set = new LinkedHashMap<>();
        Condition halfOpen = P.OPEN_UNTIL.isNotNull().and(P.OPEN_UNTIL.le(t));
        Field<Double> alpha = val(policy.smoothing());
        switch (kind) {
            case SUCCESS:
                set.put(P.FAILURES, inline(0));
                set.put(P.OPENINGS, when(halfOpen, inline(0)).otherwise(P.OPENINGS));
                set.put(P.OPEN_UNTIL, when(halfOpen, DSL.castNull(P.OPEN_UNTIL)).otherwise(P.OPEN_UNTIL));
                endProbe(set, halfOpen);
                set.put(
                        P.SUCCESS_RATE,
                        P.SUCCESS_RATE.plus(alpha.times(inline(1.0).minus(P.SUCCESS_RATE))));
                if (latencyMicros != null) {
                    Field<Double> latency = val(latencyMicros.doubleValue());
                    set.put(
                            P.LATENCY_MICROS,
                            when(P.LATENCY_MICROS.isNull(), latency)
                                    .otherwise(P.LATENCY_MICROS.plus(alpha.times(latency.minus(P.LATENCY_MICROS)))));
                }
                return set;
            case FAILURE:
                Condition opens =
                        P.OPEN_UNTIL.isNull().and(P.FAILURES.plus(inline(1)).ge(val(policy.failureThreshold())));
                Field<OffsetDateTime> reopenUntil = field(
                        "{0} + least({1} * power(2, least({2}, 62)), {3}) * interval '1 microsecond'",
                        SQLDataType.TIMESTAMPWITHTIMEZONE,
                        t,
                        val((double) Rows.micros(policy.cooldown())),
                        P.OPENINGS,
                        val((double) Rows.micros(policy.maxCooldown())));
                Field<OffsetDateTime> openUntil = plus(t, policy.cooldown());
                set.put(P.FAILURES, P.FAILURES.plus(inline(1)));
                set.put(
                        P.OPENINGS,
                        when(halfOpen, P.OPENINGS.plus(inline(1)))
                                .when(opens, inline(1))
                                .otherwise(P.OPENINGS));
                set.put(
                        P.OPEN_UNTIL,
                        when(halfOpen, reopenUntil).when(opens, openUntil).otherwise(P.OPEN_UNTIL));
                endProbe(set, halfOpen);
                set.put(P.SUCCESS_RATE, P.SUCCESS_RATE.times(inline(1.0).minus(alpha)));
                return set;
            case BLOCKED:
                // the proxy row is locked (so that the standing returned is current) but unchanged
                set.put(P.FAILURES, P.FAILURES);
                return set;
            default:
                throw new IllegalStateException("unknown kind " + kind);
        }
    }

    /** A half-open circuit's probe ends when its circuit closes or opens again. */
    private static void endProbe(Map<Field<?>, Field<?>> set, Condition halfOpen) {
        set.put(P.PROBE_LEASE_ID, when(halfOpen, DSL.castNull(P.PROBE_LEASE_ID)).otherwise(P.PROBE_LEASE_ID));
        set.put(P.PROBE_UNTIL, when(halfOpen, DSL.castNull(P.PROBE_UNTIL)).otherwise(P.PROBE_UNTIL));
    }

    /** {@code t + d}, in whole microseconds. */
    private static Field<OffsetDateTime> plus(Field<OffsetDateTime> t, Duration d) {
        return field(
                "{0} + {1} * interval '1 microsecond'",
                SQLDataType.TIMESTAMPWITHTIMEZONE, t, val((double) Rows.micros(d)));
    }

    /**
     * Applies {@code outcome} reported on lease {@code leaseId} with {@code fencingToken}, in one
     * statement: checks that the lease is current (active, not lapsed, this token), locks and
     * updates its proxy, bans it for a blocked target.
     *
     * @throws LeaseNotFoundException if there is no such lease
     * @throws StaleLeaseException if the lease is not current
     */
    @SuppressWarnings("NullAway") // jOOQ marks CTE fields @Nullable; these CTEs declare every field
    static Reported report(DSLContext ctx, UUID leaseId, long fencingToken, Outcome outcome, OutcomePolicy policy) {
        Kind kind = Kind.of(outcome);
        var probeOf = PROXY.as("probe_of");
        Field<Boolean> wasProbe = DSL.field(DSL.exists(select(inline(1))
                        .from(probeOf)
                        .where(probeOf.ID.eq(LEASE.PROXY_ID), probeOf.PROBE_LEASE_ID.eq(LEASE.ID))))
                .as("was_probe");
        var now = name("lease_now")
                .as(select(
                                LEASE.ID,
                                LEASE.PROXY_ID,
                                LEASE.STATUS,
                                LEASE.EXPIRES_AT,
                                LEASE.FENCE,
                                CLOCK.as("t"),
                                wasProbe)
                        .from(LEASE)
                        .where(LEASE.ID.eq(leaseId)));
        Field<UUID> leaseProxy = now.field(LEASE.PROXY_ID);
        // the proxy row locked before the update reads it, so that its circuit as locked is the
        // state the update starts from (returned as the circuit before the report)
        var lockedRow = PROXY.as("locked");
        var locked = name("locked")
                .as(select(lockedRow.ID, lockedRow.OPEN_UNTIL.as(OPEN_BEFORE.getName()))
                        .from(lockedRow)
                        .join(now)
                        .on(lockedRow.ID.eq(leaseProxy))
                        .forNoKeyUpdate()
                        .of(lockedRow));
        Field<String> status = now.field(LEASE.STATUS);
        Field<OffsetDateTime> expires = now.field(LEASE.EXPIRES_AT);
        Field<Long> fence = now.field(LEASE.FENCE);
        Field<OffsetDateTime> t = now.field(T);
        List<Field<?>> returned = new ArrayList<>(STANDING);
        returned.add(t.as("t"));
        returned.add(locked.field(OPEN_BEFORE));
        var updated = name("updated")
                .as(DSL.update(P)
                        .set(assignments(
                                kind, outcome.latency().map(Rows::micros).orElse(null), policy, t))
                        .from(now, locked)
                        .where(
                                P.ID.eq(leaseProxy),
                                P.ID.eq(locked.field(lockedRow.ID)),
                                status.eq(inline(ACTIVE)),
                                expires.gt(t),
                                fence.eq(val(fencingToken)))
                        .returning(returned));
        List<CommonTableExpression<?>> ctes = new ArrayList<>(List.of(now, locked, updated));
        if (kind == Kind.BLOCKED) {
            Field<OffsetDateTime> until = field(
                    "{0} + {1} * interval '1 microsecond'",
                    SQLDataType.TIMESTAMPWITHTIMEZONE, updated.field(T), val((double)
                            Rows.micros(policy.banCooldown())));
            ctes.add(name("banned")
                    .as(DSL.insertInto(PROXY_BAN, PROXY_BAN.PROXY_ID, PROXY_BAN.TARGET, PROXY_BAN.BANNED_UNTIL)
                            .select(select(
                                            updated.field(P.ID.getName(), UUID.class),
                                            val(outcome.target().orElseThrow()),
                                            until)
                                    .from(updated))
                            .onConflict(PROXY_BAN.PROXY_ID, PROXY_BAN.TARGET)
                            .doUpdate()
                            .set(
                                    PROXY_BAN.BANNED_UNTIL,
                                    DSL.greatest(PROXY_BAN.BANNED_UNTIL, DSL.excluded(PROXY_BAN.BANNED_UNTIL)))
                            .returning(PROXY_BAN.PROXY_ID)));
        }
        List<Field<?>> row = new ArrayList<>();
        row.add(status.as("lease_status"));
        row.add(expires.as("lease_expires_at"));
        row.add(fence.as("lease_fence"));
        row.add(t.as("lease_t"));
        row.add(now.field("was_probe"));
        for (Field<?> column : returned) {
            row.add(updated.field(column.getName()));
        }
        Optional<Record> found = ctx.with(ctes)
                .select(row)
                .from(now)
                .leftJoin(updated)
                .on(DSL.trueCondition())
                .fetchOptional();
        Record r = found.orElseThrow(() -> new LeaseNotFoundException(leaseId));
        if (r.get(P.ID.getName()) == null) {
            String stored = r.get("lease_status", String.class);
            OffsetDateTime at = r.get("lease_t", OffsetDateTime.class);
            boolean lapsed = ACTIVE.equals(stored)
                    && !r.get("lease_expires_at", OffsetDateTime.class).isAfter(at);
            if (ACTIVE.equals(stored) && !lapsed) {
                throw new StaleLeaseException(leaseId, fencingToken, r.get("lease_fence", Long.class));
            }
            throw new StaleLeaseException(leaseId, lapsed ? LeaseStatus.EXPIRED : LeaseStatus.valueOf(stored));
        }
        OffsetDateTime at = r.get("t", OffsetDateTime.class);
        ProxyStanding standing = standing(r, at).withCircuitBefore(circuitBefore(r, at));
        // a success on the probe lease closes the circuit (docs/outcomes.md): the proxy takes leases again
        return new Reported(standing, kind == Kind.SUCCESS && Boolean.TRUE.equals(r.get("was_probe", Boolean.class)));
    }

    /** What a report left: the proxy's standing, and whether the report closed its circuit. */
    record Reported(ProxyStanding standing, boolean closedCircuit) {}

    /** The circuit at {@code t} of the proxy row in {@code r} as it was before its update ({@link #OPEN_BEFORE}). */
    static io.pharox.model.CircuitState circuitBefore(Record r, OffsetDateTime t) {
        return ProxyStanding.circuitAt(
                t.toInstant(), Optional.ofNullable(Rows.instant(r.get(OPEN_BEFORE.getName(), OffsetDateTime.class))));
    }

    /** The standing of the proxy in {@code r} ({@link #STANDING} under plain names) at {@code now}. */
    static ProxyStanding standing(Record r, OffsetDateTime now) {
        Optional<Instant> openUntil =
                Optional.ofNullable(Rows.instant(r.get(P.OPEN_UNTIL.getName(), OffsetDateTime.class)));
        Double latency = r.get(P.LATENCY_MICROS.getName(), Double.class);
        return new ProxyStanding(
                r.get(P.ID.getName(), UUID.class),
                ProxyStanding.circuitAt(now.toInstant(), openUntil),
                r.get(P.FAILURES.getName(), Integer.class),
                r.get(P.OPENINGS.getName(), Integer.class),
                openUntil,
                r.get(P.SUCCESS_RATE.getName(), Double.class),
                Optional.ofNullable(latency).map(micros -> Duration.ofNanos(Math.round(micros * 1000))),
                r.get(P.FENCE.getName(), Long.class));
    }

    /** The standing of proxy {@code proxyId} now, if it exists. */
    static Optional<ProxyStanding> standing(DSLContext ctx, UUID proxyId) {
        List<Field<?>> columns = new ArrayList<>(STANDING);
        columns.add(CLOCK.as("t"));
        return ctx.select(columns)
                .from(P)
                .where(P.ID.eq(proxyId))
                .fetchOptional()
                .map(r -> standing(r, r.get("t", OffsetDateTime.class)));
    }

    /** The bans of proxy {@code proxyId} in force now, by target. */
    static List<TargetBan> bans(DSLContext ctx, UUID proxyId) {
        return ctx.select(PROXY_BAN.PROXY_ID, PROXY_BAN.TARGET, PROXY_BAN.BANNED_UNTIL)
                .from(PROXY_BAN)
                .where(PROXY_BAN.PROXY_ID.eq(proxyId), PROXY_BAN.BANNED_UNTIL.gt(currentOffsetDateTime()))
                .orderBy(PROXY_BAN.TARGET)
                .fetch(r -> new TargetBan(r.value1(), r.value2(), r.value3().toInstant()));
    }
}
