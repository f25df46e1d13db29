package io.pharox.storage.sql;

import static io.pharox.storage.sql.Rows.P;
import static io.pharox.storage.sql.schema.Tables.POOL;
import static org.jooq.impl.DSL.currentOffsetDateTime;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.select;

import io.pharox.exception.PoolNotFoundException;
import io.pharox.model.Pacing;
import io.pharox.model.ProxyPool;
import java.time.Duration;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * Per-proxy pacing in SQL (see {@code docs/pacing.md}): the claim's condition that a proxy's
 * minimum interval between grants has passed since its last grant, and the pool's default.
 *
 * <p>The interval of a proxy is its own {@code min_grant_interval_ms}, else its pool's. The
 * claim names one pool, so the pool's default is an uncorrelated scalar subquery on the pool's
 * primary key, which PostgreSQL evaluates once per statement (an InitPlan), and only if a row
 * needs it. The proxy's columns ({@code last_granted_at}, its own interval) are the row's, so,
 * like the circuit's, the condition is checked again on the row's latest version once the claim
 * has locked it: two claims never both grant a paced proxy within its interval.
 */
final class GrantPacing {

    private GrantPacing() {}

    /**
     * A proxy of {@code pool} whose interval between grants, if it has one, has passed since its
     * last grant: {@code last_granted_at + interval <= now()}. {@code now()} is the start of the
     * claim's transaction, never later than the grant's own time, so two grants of one proxy are
     * at least its interval apart.
     */
    static Condition admits(UUID pool) {
        Field<Long> poolDefault =
                field(select(POOL.MIN_GRANT_INTERVAL_MS).from(POOL).where(POOL.ID.eq(pool)));
        Field<Long> interval = DSL.coalesce(P.MIN_GRANT_INTERVAL_MS, poolDefault);
        return P.LAST_GRANTED_AT
                .isNull()
                .or(interval.isNull())
                .or(DSL.condition(
                        "{0} <= {1} - {2} * interval '1 millisecond'",
                        P.LAST_GRANTED_AT, currentOffsetDateTime(), interval));
    }

    /** An interval as its stored milliseconds, or {@code null}. */
    static @Nullable Long millis(@Nullable Duration interval) {
        return interval == null ? null : interval.toMillis();
    }

    /** The stored milliseconds as an interval, or {@code null}. */
    static @Nullable Duration interval(@Nullable Long millis) {
        return millis == null ? null : Duration.ofMillis(millis);
    }

    /**
     * Checks the arguments of {@link #setDefault}.
     *
     * @throws NullPointerException if the name is {@code null}
     * @throws IllegalArgumentException if the name or the interval is invalid
     */
    static void check(String poolName, @Nullable Duration interval) {
        ProxyPool.requireName(poolName);
        if (interval != null) {
            Pacing.requireMinGrantInterval("interval", interval);
        }
    }

    /**
     * Sets or clears the default interval of the pool named {@code poolName}, in one statement;
     * the arguments passed {@link #check}.
     *
     * @throws PoolNotFoundException if there is no such pool
     */
    static ProxyPool setDefault(DSLContext ctx, String poolName, @Nullable Duration interval) {
        return ctx.update(POOL)
                .set(POOL.MIN_GRANT_INTERVAL_MS, millis(interval))
                .where(POOL.NAME.eq(poolName))
                .returning()
                .fetchOptional(Rows::pool)
                .orElseThrow(() -> new PoolNotFoundException(poolName));
    }
}
