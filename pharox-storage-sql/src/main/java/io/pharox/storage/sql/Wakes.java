package io.pharox.storage.sql;

import static io.pharox.storage.sql.schema.Tables.POOL_WAITER;
import static io.pharox.storage.sql.schema.Tables.PROXY;
import static org.jooq.impl.DSL.val;

import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * The statements of the wait queue ({@code pool_waiter}, V8): joining, keeping one's place,
 * leaving, and waking. A wake deletes, per pool, the oldest live tickets, as many as slots were
 * freed, skipping tickets another wake is deleting, and sends one {@code NOTIFY}
 * {@value #CHANNEL} per pool with {@code <pool id>:<ticket>,<ticket>...}, delivered at commit to
 * every listening process; the process holding a ticket wakes its waiter. Nobody waiting: no
 * notification (and no commit-time lock on PostgreSQL's notification queue).
 */
final class Wakes {

    /** The channel every process listens on; one per database, the payload's pool id tells schemas apart. */
    static final String CHANNEL = "pharox_wake";

    /** Most tickets one notification names (a payload must stay under 8000 bytes). */
    static final int MOST_PER_NOTIFY = 256;

    /**
     * A select of the final statement counting the notifications sent, which makes PostgreSQL run
     * them (a select in a {@code WITH} runs only when read).
     */
    static final String NOTIFIED = "(select count(pg_notify('" + CHANNEL + "', wake_msg.msg)) from (select"
            + " cast(g.pool_id as text) || ':' || string_agg(cast(g.ticket as text), ',' order by g.ticket) as msg"
            + " from wake_gone g group by g.pool_id) wake_msg)";

    private Wakes() {}

    /**
     * The common table expressions (without a leading {@code WITH}, without a trailing comma) that
     * delete the tickets to wake: {@code freedPerPool} is a select of {@code (pool_id, n)}, slots
     * freed per pool; {@code waiterTable} the rendered {@code pool_waiter} table.
     */
    static String ctes(String freedPerPool, String waiterTable) {
        return " wake_want as (" + freedPerPool + "),"
                + " wake_pick as (select t.ticket from wake_want e cross join lateral (select w.ticket from "
                + waiterTable + " as w where w.pool_id = e.pool_id and w.expires_at > current_timestamp"
                + " order by w.ticket limit least(e.n, " + MOST_PER_NOTIFY + ") for update skip locked) t),"
                + " wake_gone as (delete from " + waiterTable + " as w where w.ticket in (select ticket from wake_pick)"
                + " returning w.pool_id, w.ticket)";
    }

    /** Wakes up to {@code slots.get(pool)} waiters of each pool. @return notifications sent */
    static int wake(DSLContext ctx, Map<UUID, Integer> slots) {
        if (slots.isEmpty()) {
            return 0;
        }
        StringJoiner pools = new StringJoiner(",", "{", "}");
        StringJoiner counts = new StringJoiner(",", "{", "}");
        slots.forEach((pool, n) -> {
            pools.add(pool.toString());
            counts.add(Integer.toString(Math.max(0, n)));
        });
        return count(ctx.fetchOne(
                "with" + ctes("select * from unnest(cast({1} as uuid[]), cast({2} as int[])) as s(pool_id, n)", "{0}")
                        + " select " + NOTIFIED,
                POOL_WAITER,
                val(pools.toString()),
                val(counts.toString())));
    }

    /** Wakes up to {@code n} waiters of every pool that has live waiters (after an expiry cleanup). */
    static int wakeEveryPool(DSLContext ctx, int n) {
        return count(ctx.fetchOne(
                "with"
                        + ctes(
                                "select distinct pool_id, " + Math.max(0, n)
                                        + " as n from {0} where expires_at > current_timestamp",
                                "{0}")
                        + " select " + NOTIFIED,
                POOL_WAITER));
    }

    /** Wakes as many waiters of proxy {@code proxyId}'s pool as it has free slots (its circuit just closed). */
    static int wakeProxy(DSLContext ctx, UUID proxyId) {
        return count(ctx.fetchOne(
                "with"
                        + ctes(
                                "select pool_id, greatest(max_concurrency - current_leases, 0) as n from {1}"
                                        + " where id = {2}",
                                "{0}")
                        + " select " + NOTIFIED,
                POOL_WAITER,
                PROXY,
                val(proxyId)));
    }

    /** A ticket and whether live waiters of the pool were queued before it. */
    record Joined(long ticket, boolean behindOthers) {}

    /** Enters the queue of {@code pool} until {@code ttl} from now. */
    static Joined join(DSLContext ctx, UUID pool, Duration ttl) {
        Record r = ctx.fetchOne(
                "insert into {0} (pool_id, expires_at) values ({1}, current_timestamp + cast({2} as bigint)"
                        + " * interval '1 millisecond') returning ticket, exists (select 1 from {0} as o"
                        + " where o.pool_id = {1} and o.expires_at > current_timestamp)",
                POOL_WAITER, val(pool), val(ttl.toMillis()));
        if (r == null) {
            throw new IllegalStateException("joining the wait queue returned no ticket");
        }
        return new Joined(r.get(0, Long.class), Boolean.TRUE.equals(r.get(1, Boolean.class)));
    }

    /**
     * Puts {@code ticket} back if it is gone and moves its expiry to {@code ttl} from now; with
     * {@code passOn} (its waiter was woken and its claim found nothing: the freed slot went to
     * another acquire, or does not match its filter), also wakes the next live ticket after it.
     *
     * @return whether it was gone (a wake removed it)
     */
    static boolean stay(DSLContext ctx, long ticket, UUID pool, Duration ttl, boolean passOn) {
        Record r = ctx.fetchOne(
                "with mine as (insert into {0} (ticket, pool_id, expires_at) values ({1}, {2}, current_timestamp"
                        + " + cast({3} as bigint) * interval '1 millisecond') on conflict (ticket) do update"
                        + " set expires_at = excluded.expires_at returning (xmax = 0) as gone),"
                        + " wake_pick as (select w.ticket from {0} as w where {4} and w.pool_id = {2}"
                        + " and w.ticket > {1} and w.expires_at > current_timestamp order by w.ticket limit 1"
                        + " for update skip locked),"
                        + " wake_gone as (delete from {0} as w where w.ticket in (select ticket from wake_pick)"
                        + " returning w.pool_id, w.ticket)"
                        + " select (select gone from mine), " + NOTIFIED,
                POOL_WAITER,
                val(ticket),
                val(pool),
                val(ttl.toMillis()),
                DSL.inline(passOn));
        return r != null && Boolean.TRUE.equals(r.get(0, Boolean.class));
    }

    /** Leaves the queue. */
    static void leave(DSLContext ctx, long ticket) {
        ctx.execute("delete from {0} where ticket = {1}", POOL_WAITER, val(ticket));
    }

    /** Deletes the tickets of waiters that died (their expiry passed). @return how many */
    static int purge(DSLContext ctx) {
        return ctx.execute("delete from {0} where expires_at <= current_timestamp", POOL_WAITER);
    }

    private static int count(@Nullable Record r) {
        return r == null ? 0 : r.get(0, Integer.class);
    }
}
