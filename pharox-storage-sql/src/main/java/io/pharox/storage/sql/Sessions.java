package io.pharox.storage.sql;

import static io.pharox.storage.sql.Claims.CLOCK;
import static io.pharox.storage.sql.Rows.P;
import static io.pharox.storage.sql.schema.Tables.PROXY;
import static io.pharox.storage.sql.schema.Tables.PROXY_SESSION;
import static org.jooq.impl.DSL.currentOffsetDateTime;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.val;

import io.pharox.filter.ProxyFilters;
import io.pharox.model.Ids;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.SessionBinding;
import io.pharox.model.SessionInfo;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.SessionFallback;
import io.pharox.storage.StickySession;
import io.pharox.storage.StorageListener;
import io.pharox.storage.sql.Claims.Lock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Record3;
import org.jooq.ResultQuery;
import org.jooq.SortField;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * Sticky sessions ({@code docs/sessions.md}) on the {@code proxy_session} table: an acquire
 * through a session, the reads and the end of sessions, and the deletion of lapsed ones.
 *
 * <p>An acquire through a session is one transaction: it inserts the session's row if there is
 * none ({@code ON CONFLICT DO NOTHING}) and locks it ({@code FOR UPDATE}), which serializes the
 * acquires of one session across every process; then it claims the session's proxy, or any
 * proxy, with the claims of {@link Claims}; then it writes the row. A row whose proxy is
 * {@code NULL} or whose {@code idle_until} has passed is no session: the insert leaves such a
 * row lapsed until a grant binds it.
 *
 * <p>Locking: the session row is taken first and alone; a transaction holding it waits for
 * proxy rows only as a claim does (one proxy row, or rows in id order), and waits for no proxy
 * while it holds one taken out of id order. Nothing waits for a session row while it holds a
 * proxy row: cleanup's statement deletes lapsed rows skipping those that others hold, and
 * removing a proxy does not touch sessions ({@code proxy_id} has no foreign key). So sessions add
 * no deadlock to the engine's.
 */
final class Sessions {

    /** Inserts tried when cleanup deletes the row between the insert and the lock. */
    private static final int ROW_ATTEMPTS = 3;

    private final SqlAccess db;
    private final StorageListener storageListener;
    private final ClaimShapes shapes;
    private final CredentialCipher credentials;
    private final Scanner scanner;

    /** The engine's scan of candidates with Java predicates, in the caller's transaction. */
    @FunctionalInterface
    interface Scanner {
        Optional<LeasedProxy> scan(
                DSLContext ctx,
                AcquireRequest request,
                UUID pool,
                UUID consumer,
                UUID leaseId,
                Condition where,
                List<SortField<?>> order,
                List<UUID> seen,
                Lock lock);
    }

    Sessions(
            SqlAccess db,
            ClaimShapes shapes,
            CredentialCipher credentials,
            Scanner scanner,
            StorageListener storageListener) {
        this.storageListener = storageListener;
        this.db = db;
        this.shapes = shapes;
        this.credentials = credentials;
        this.scanner = scanner;
    }

    /** The session's row as locked: its proxy if live, and its uses. */
    private record Row(@Nullable UUID proxy, int uses) {}

    /**
     * Acquires for {@code request}, which has a session, as {@code docs/sessions.md} says.
     *
     * <p>After a lost connection the attempt may have committed: the lease it may have granted
     * (its id is chosen once) is released before the acquire runs again, so that it holds no slot
     * that the caller was not given. Its grant still counted as a use of the session.
     */
    Optional<LeasedProxy> acquire(AcquireRequest request, UUID pool, UUID consumer, LeaseEngine engine) {
        StickySession session = request.session().orElseThrow();
        UUID leaseId = Ids.next();
        return SqlFailures.recovering("acquire", storageListener, afterDoubt -> {
            if (afterDoubt
                    && engine.findLease(leaseId)
                            .filter(l -> l.status() == LeaseStatus.ACTIVE)
                            .isPresent()) {
                engine.release(leaseId);
            }
            // a new id per attempt: a released lease keeps its id
            UUID id = afterDoubt ? Ids.next() : leaseId;
            return db.transaction(ctx -> acquire(ctx, request, session, pool, consumer, id));
        });
    }

    private Optional<LeasedProxy> acquire(
            DSLContext ctx, AcquireRequest request, StickySession session, UUID pool, UUID consumer, UUID leaseId) {
        Row row = lockRow(ctx, pool, session.key());
        UUID bound = row.proxy();
        if (bound == null) {
            Optional<LeasedProxy> leased = claimAny(ctx, request, pool, consumer, leaseId, null);
            if (leased.isEmpty()) {
                // no session after all: a row that never had a proxy is only this transaction's insert
                ctx.deleteFrom(PROXY_SESSION)
                        .where(
                                PROXY_SESSION.POOL_ID.eq(pool),
                                PROXY_SESSION.SESSION_KEY.eq(session.key()),
                                PROXY_SESSION.PROXY_ID.isNull())
                        .execute();
                return leased;
            }
            return Optional.of(bind(ctx, pool, session, leased.get(), SessionBinding.State.NEW, 1));
        }
        Kept kept = claimBound(ctx, request, pool, consumer, leaseId, bound);
        if (kept.leased().isPresent()) {
            return Optional.of(
                    bind(ctx, pool, session, kept.leased().get(), SessionBinding.State.KEPT, row.uses() + 1));
        }
        boolean removed = !ctx.fetchExists(PROXY, PROXY.ID.eq(bound));
        if (!removed && session.onUnavailable() == SessionFallback.WAIT) {
            return Optional.empty();
        }
        // holding the bound proxy's row, this transaction must not wait for other proxies
        return claimAny(ctx, request, pool, consumer, leaseId, kept.holdsRow() ? bound : null)
                .map(other -> bind(ctx, pool, session, other, SessionBinding.State.REBOUND, row.uses() + 1));
    }

    /** The claim of the session's proxy: its grant, and whether this transaction now holds the proxy's row. */
    private record Kept(Optional<LeasedProxy> leased, boolean holdsRow) {}

    /** Inserts the session's row if it has none, and locks it. */
    private static Row lockRow(DSLContext ctx, UUID pool, String key) {
        for (int attempt = 0; attempt < ROW_ATTEMPTS; attempt++) {
            ctx.insertInto(
                            PROXY_SESSION,
                            PROXY_SESSION.POOL_ID,
                            PROXY_SESSION.SESSION_KEY,
                            PROXY_SESSION.USES,
                            PROXY_SESSION.IDLE_UNTIL,
                            PROXY_SESSION.CREATED_AT)
                    .values(val(pool), val(key), inline(0), CLOCK, CLOCK)
                    .onConflictDoNothing()
                    .execute();
            Optional<Record3<UUID, Integer, Boolean>> locked = ctx.select(
                            PROXY_SESSION.PROXY_ID, PROXY_SESSION.USES, DSL.field(PROXY_SESSION.IDLE_UNTIL.gt(CLOCK)))
                    .from(PROXY_SESSION)
                    .where(PROXY_SESSION.POOL_ID.eq(pool), PROXY_SESSION.SESSION_KEY.eq(key))
                    .forUpdate()
                    .fetchOptional();
            if (locked.isPresent()) {
                Record3<UUID, Integer, Boolean> r = locked.get();
                boolean live = Boolean.TRUE.equals(r.value3()) && r.value1() != null;
                return new Row(live ? r.value1() : null, live ? r.value2() : 0);
            }
            // cleanup deleted the lapsed row between our insert and our lock: insert again
        }
        throw new IllegalStateException("session '" + key + "' of pool " + pool + " could not be locked");
    }

    /** The claim of exactly the proxy {@code bound}, under every rule of an acquire. */
    private Kept claimBound(
            DSLContext ctx, AcquireRequest request, UUID pool, UUID consumer, UUID leaseId, UUID bound) {
        Condition where = Claims.leasable(
                        pool,
                        FilterTranslator.translate(ProxyFilters.withoutPredicates(request.filter())),
                        request.target().<Field<String>>map(DSL::val))
                .and(P.ID.eq(bound));
        if (request.filter().hasPredicates()) {
            // lock it first and test the predicates on the locked row; the claim then does not wait
            Optional<Proxy> candidate = ctx.select(Rows.PROXY_COLUMNS)
                    .from(P)
                    .where(where)
                    .forUpdate()
                    .of(P)
                    .fetchOptional(r -> Rows.proxy(r, credentials));
            if (candidate.isEmpty()) {
                return new Kept(Optional.empty(), false);
            }
            if (!request.filter().matches(candidate.get())) {
                return new Kept(Optional.empty(), true);
            }
        }
        Claims.Claimed claimed = Claims.claim(ctx, request, pool, consumer, leaseId, where, Lock.WAIT);
        return new Kept(
                claimed.leased(credentials),
                claimed.locked() || request.filter().hasPredicates());
    }

    /**
     * The claim of any proxy for {@code request} but {@code excluded}, as an acquire without a
     * session makes it; with {@code excluded} (a proxy row this transaction holds) it never waits.
     */
    private Optional<LeasedProxy> claimAny(
            DSLContext ctx, AcquireRequest request, UUID pool, UUID consumer, UUID leaseId, @Nullable UUID excluded) {
        boolean mayWait = excluded == null;
        if (request.filter().hasPredicates()) {
            Condition relaxed = Claims.leasable(
                    pool,
                    FilterTranslator.translate(ProxyFilters.withoutPredicates(request.filter())),
                    request.target().<Field<String>>map(DSL::val));
            if (excluded != null) {
                relaxed = relaxed.and(P.ID.ne(excluded));
            }
            List<UUID> seen = new ArrayList<>();
            if (!mayWait) {
                return scanner.scan(
                        ctx,
                        request,
                        pool,
                        consumer,
                        leaseId,
                        relaxed,
                        Claims.order(request.strategy()),
                        seen,
                        Lock.SKIP);
            }
            // the skip-locked pass keeps the rows it rejected locked, out of id order: roll back to
            // before it, which releases them, so that the waiting pass holds only locks in id order
            ctx.execute("SAVEPOINT pharox_session_scan");
            Optional<LeasedProxy> found = scanner.scan(
                    ctx, request, pool, consumer, leaseId, relaxed, Claims.order(request.strategy()), seen, Lock.SKIP);
            if (found.isPresent()) {
                ctx.execute("RELEASE SAVEPOINT pharox_session_scan");
                return found;
            }
            ctx.execute("ROLLBACK TO SAVEPOINT pharox_session_scan");
            return scanner.scan(ctx, request, pool, consumer, leaseId, relaxed, List.of(P.ID.asc()), seen, Lock.WAIT);
        }
        Claims.Claimed claimed;
        if (excluded == null) {
            claimed = shapes.claim(ctx, request, pool, consumer, leaseId, Lock.SKIP);
            if (claimed.othersHoldEveryCandidate()) {
                claimed = shapes.claim(ctx, request, pool, consumer, leaseId, Lock.WAIT);
            }
        } else {
            Condition where = Claims.leasable(
                            pool,
                            FilterTranslator.translate(request.filter()),
                            request.target().<Field<String>>map(DSL::val))
                    .and(P.ID.ne(excluded));
            claimed = Claims.claim(ctx, request, pool, consumer, leaseId, where, Lock.SKIP);
        }
        return claimed.leased(credentials);
    }

    /**
     * Binds the session to {@code leased}'s proxy after its grant, its {@code uses}-th: moves the
     * idle deadline to the later of the row's and the lease's expiry plus the idle timeout; or
     * deletes the row if this grant reaches the session's maximum of uses.
     */
    private static LeasedProxy bind(
            DSLContext ctx,
            UUID pool,
            StickySession session,
            LeasedProxy leased,
            SessionBinding.State state,
            int uses) {
        Condition row = PROXY_SESSION.POOL_ID.eq(pool).and(PROXY_SESSION.SESSION_KEY.eq(session.key()));
        if (session.endsAt(uses)) {
            ctx.deleteFrom(PROXY_SESSION).where(row).execute();
        } else {
            OffsetDateTime idleUntil = Rows.timestamp(leased.lease().expiresAt().plus(session.idleTimeout()));
            ctx.update(PROXY_SESSION)
                    .set(PROXY_SESSION.PROXY_ID, leased.proxy().id())
                    .set(PROXY_SESSION.USES, uses)
                    .set(
                            PROXY_SESSION.IDLE_UNTIL,
                            state == SessionBinding.State.NEW
                                    ? val(idleUntil)
                                    : greatest(PROXY_SESSION.IDLE_UNTIL, val(idleUntil)))
                    .where(row)
                    .execute();
        }
        return leased.withSession(new SessionBinding(session.key(), state, uses));
    }

    /** The live session {@code key} of pool {@code pool}. */
    Optional<SessionInfo> find(UUID pool, String key) {
        return db.statement(ctx -> ctx.select(PROXY_SESSION.PROXY_ID, PROXY_SESSION.USES, PROXY_SESSION.IDLE_UNTIL)
                .from(PROXY_SESSION)
                .where(live(pool, key))
                .fetchOptional(r -> new SessionInfo(
                        key,
                        Objects.requireNonNull(r.value1(), "proxy_id"),
                        r.value2(),
                        r.value3().toInstant())));
    }

    /** Ends the live session {@code key} of pool {@code pool}; whether there was one. */
    boolean end(UUID pool, String key) {
        return SqlFailures.retrying(
                "endSession",
                storageListener,
                () -> db.statement(ctx -> ctx.deleteFrom(PROXY_SESSION)
                                .where(live(pool, key))
                                .execute())
                        > 0);
    }

    private static Condition live(UUID pool, String key) {
        return PROXY_SESSION
                .POOL_ID
                .eq(pool)
                .and(PROXY_SESSION.SESSION_KEY.eq(key))
                .and(PROXY_SESSION.PROXY_ID.isNotNull())
                .and(PROXY_SESSION.IDLE_UNTIL.gt(currentOffsetDateTime()));
    }

    /**
     * The deletion of the lapsed sessions, a data-modifying part of cleanup's statement: it skips
     * rows that acquires hold (their acquire decides on them; a later cleanup deletes them if they
     * are still lapsed), so it never waits for a session row.
     */
    static ResultQuery<Record1<UUID>> lapsedDeletion() {
        return DSL.deleteFrom(PROXY_SESSION)
                .where(DSL.row(PROXY_SESSION.POOL_ID, PROXY_SESSION.SESSION_KEY)
                        .in(DSL.select(PROXY_SESSION.POOL_ID, PROXY_SESSION.SESSION_KEY)
                                .from(PROXY_SESSION)
                                .where(PROXY_SESSION.IDLE_UNTIL.le(currentOffsetDateTime()))
                                .forUpdate()
                                .skipLocked()))
                .returningResult(PROXY_SESSION.POOL_ID);
    }
}
