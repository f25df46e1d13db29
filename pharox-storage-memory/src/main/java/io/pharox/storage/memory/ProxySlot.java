package io.pharox.storage.memory;

import io.pharox.model.CircuitState;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyStanding;
import io.pharox.model.TargetBan;
import io.pharox.storage.OutcomePolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One stored proxy: its descriptive values (replaced whole on update), its lease counter
 * and its active lease records. The counter is the only thing acquires contend on, and
 * they do so with compare-and-set, without a lock.
 *
 * <p>The first active lease is held in a field of its own ({@link #sole}); only a proxy with
 * more than one lease at a time puts the others in a map, so an exclusive proxy's acquire and
 * release allocate nothing here. The slot also keeps a lower bound of its active leases'
 * expiry times, so an acquire that walks past it when it is full can tell with one read
 * whether one of them may have lapsed ({@link #mayHaveLapsed}).
 *
 * <p>It also holds what the proxy has learned from outcome reports and health checks (see
 * {@code docs/outcomes.md}): its fencing-token counter, circuit breaker, scores and target bans.
 * These change under {@link #learning}, a lock of the slot's own that acquires take only while
 * the circuit is not closed, to decide on the probe; fencing tokens, grant times and pacing are
 * decided together by one compare-and-set ({@link #grant}). Acquires read {@link #openUntil},
 * {@link #bans}, the success rate and the latency without it: one volatile read of
 * {@code openUntil} tells a closed circuit. Every change of the scores moves the slot's keys in
 * its pool's score indexes (those that exist) under the same lock ({@link #rescore}), so the
 * indexes follow the scores a change behind at most, and the slot is in each of them, at its old
 * or its new place, throughout.
 */
final class ProxySlot {

    // the slot's state is in its own fields, changed through field updaters, rather than in
    // atomic objects of their own: an acquire at a million proxies reads one object per slot
    // it visits instead of four or five scattered ones
    private static final AtomicReferenceFieldUpdater<ProxySlot, Proxy> PROXY =
            AtomicReferenceFieldUpdater.newUpdater(ProxySlot.class, Proxy.class, "proxy");
    private static final AtomicIntegerFieldUpdater<ProxySlot> LEASES =
            AtomicIntegerFieldUpdater.newUpdater(ProxySlot.class, "leases");
    private static final AtomicReferenceFieldUpdater<ProxySlot, @Nullable LeaseRecord> SOLE =
            AtomicReferenceFieldUpdater.newUpdater(ProxySlot.class, LeaseRecord.class, "sole");
    private static final AtomicLongFieldUpdater<ProxySlot> EARLIEST_EXPIRY =
            AtomicLongFieldUpdater.newUpdater(ProxySlot.class, "earliestExpiry");
    private static final AtomicReferenceFieldUpdater<ProxySlot, Grant> LAST_GRANT =
            AtomicReferenceFieldUpdater.newUpdater(ProxySlot.class, Grant.class, "lastGrant");

    private static final long NEVER = Long.MAX_VALUE;
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;

    /** Descriptive values; its own {@code currentLeases} is always 0, {@link #leases} is the truth. */
    private volatile Proxy proxy;

    /** The number of active leases recorded on this proxy. */
    private volatile int leases;

    volatile boolean removed;

    /** One active lease record, or null; the rest are in {@link #more}. */
    private volatile @Nullable LeaseRecord sole;

    /** The active lease records that did not fit in {@link #sole}; null until needed. */
    private volatile @Nullable Map<UUID, LeaseRecord> more;

    /**
     * No active lease of this slot expires before this ({@link #nanos} of an instant, a number
     * so that reading it touches no other object); {@link #NEVER} when it has none. Lowered
     * after every record added or renewed, recomputed by {@link #lapsedCandidates()}.
     */
    private volatile long earliestExpiry = NEVER;

    /** Cached snapshots of {@link #proxy} by lease count (index 0 is the stored proxy itself). */
    private volatile Proxy @Nullable [] views;

    /** The stored proxy whose snapshot was taken once already without keeping it. */
    private volatile @Nullable Proxy seen;

    private final PoolState pool;

    /** The proxy's id, which an update cannot change. */
    private final UUID id;

    /** This slot's entry in its pool's least-used index, if it has one; guarded by {@code this}. */
    private PoolState.@Nullable LoadKey loadKey;

    // ---------------------------------------------------------------- learned state

    /** Guards the learned state below: token counter, breaker, scores and bans. */
    final Object learning = new Object();

    /**
     * The latest grant: its fencing token and time, for fencing and pacing
     * ({@code docs/pacing.md}). Moved by one compare-and-set per grant ({@link #grant}), so that
     * the token, the time and the pacing decision are taken together without a lock.
     */
    private volatile Grant lastGrant = Grant.NONE;

    /** Failures counting against the proxy since its last success; guarded by {@link #learning}. */
    private int consecutiveFailures;

    /** Openings since the circuit last closed; guarded by {@link #learning}. */
    private int openings;

    /** When the current or last cooldown ends; {@code null} while the circuit is closed. Written under {@link #learning}. */
    private volatile @Nullable Instant openUntil;

    /** The lease granted as the half-open circuit's probe, if any; guarded by {@link #learning}. */
    private @Nullable LeaseRecord probe;

    /** This slot's key in its pool's {@code LOWEST_LATENCY} index, if it has one; guarded by {@link #learning}. */
    private PoolState.@Nullable ScoreKey latencyEntry;

    /** This slot's key in its pool's {@code HEALTHIEST} index, if it has one; guarded by {@link #learning}. */
    private PoolState.@Nullable ScoreKey healthEntry;

    /** Exponentially weighted success rate, 0..1. Written under {@link #learning}. */
    private volatile double successRate = 1;

    /** Exponentially weighted latency in nanoseconds; negative before the first. Written under {@link #learning}. */
    private volatile long latencyNanos = -1;

    /** Ban end by normalized target; {@code null} until the first ban. Written under {@link #learning}. */
    private volatile @Nullable Map<String, Instant> bans;

    ProxySlot(Proxy proxy, PoolState pool) {
        this.proxy = proxy.withCurrentLeases(0);
        this.pool = Objects.requireNonNull(pool, "pool");
        this.id = proxy.id();
    }

    UUID id() {
        return id;
    }

    /** The stored proxy, without its lease count; never null. */
    Proxy proxy() {
        return proxy;
    }

    /** Replaces the stored proxy (its lease count is not taken from it). */
    void setProxy(Proxy replacement) {
        proxy = replacement.withCurrentLeases(0);
    }

    /** Replaces the stored proxy by {@code change} of it, atomically. */
    void updateProxy(UnaryOperator<Proxy> change) {
        PROXY.updateAndGet(this, change);
    }

    /** The number of active leases recorded on this proxy. */
    int leases() {
        return leases;
    }

    /** Gives back a slot that was claimed but never recorded a lease. */
    void unclaim() {
        LEASES.decrementAndGet(this);
        countChanged();
    }

    /** Takes one slot if the proxy is leasable and below its capacity. */
    boolean tryClaim() {
        while (true) {
            Proxy p = proxy();
            int current = leases;
            if (removed || !p.hasCapacityFor(current)) {
                return false;
            }
            if (LEASES.compareAndSet(this, current, current + 1)) {
                countChanged();
                return true;
            }
        }
    }

    /** Records an active lease of this slot (its claim already counted). */
    void add(LeaseRecord record) {
        if (!SOLE.compareAndSet(this, null, record)) {
            Map<UUID, LeaseRecord> others = more;
            if (others == null) {
                synchronized (this) {
                    others = more;
                    if (others == null) {
                        others = new ConcurrentHashMap<>();
                        more = others;
                    }
                }
            }
            others.put(record.id(), record);
        }
        expiresAt(record.lease().expiresAt());
    }

    /** An active lease of this slot expires (again) at {@code at}: lowers the bound if needed. */
    void expiresAt(Instant at) {
        long t = nanos(at);
        for (long bound = earliestExpiry;
                t < bound && !EARLIEST_EXPIRY.compareAndSet(this, bound, t);
                bound = earliestExpiry) {
            // retry: another lease lowered it meanwhile
        }
    }

    /** Whether an active lease of this slot may be past its expiry at {@code now}. */
    boolean mayHaveLapsed(Instant now) {
        return nanos(now) >= earliestExpiry;
    }

    /**
     * Nanoseconds since the epoch, clamped to the range of a long (years 1677 to 2262): never
     * decreasing, so a lower bound of these numbers bounds the instants too.
     */
    private static long nanos(Instant at) {
        long seconds = at.getEpochSecond();
        if (seconds > MAX_SECONDS) {
            return Long.MAX_VALUE;
        }
        if (seconds < -MAX_SECONDS) {
            return Long.MIN_VALUE;
        }
        return seconds * 1_000_000_000L + at.getNano();
    }

    /**
     * The active records to check for expiry, and the bound reset so that records added or
     * renewed from now on lower it again; the caller ends the lapsed ones and passes the
     * earliest expiry of the others to {@link #expiresAt}. A record added before the reset is
     * in the returned list; one added after it lowered the bound itself.
     */
    List<LeaseRecord> lapsedCandidates() {
        earliestExpiry = NEVER;
        return activeRecords();
    }

    /** The active lease records of this slot, at one moment or a little after. */
    List<LeaseRecord> activeRecords() {
        LeaseRecord first = sole;
        Map<UUID, LeaseRecord> others = more;
        if (others == null || others.isEmpty()) {
            return first == null ? List.of() : List.of(first);
        }
        List<LeaseRecord> all = new ArrayList<>(others.size() + 1);
        if (first != null) {
            all.add(first);
        }
        all.addAll(others.values());
        return all;
    }

    /**
     * The leases of this slot active at {@code now}: its counter less the records it holds that
     * are still ACTIVE but lapsed at {@code now}. The counter is read first, so a lease ended
     * meanwhile is at most counted once too many, never subtracted from a counter that no longer
     * held it: the result never exceeds what the counter was, hence the capacity, and is exact
     * while nothing changes. A lease granted after the caller read {@code now} cannot have lapsed
     * at {@code now}.
     */
    int activeAt(Instant now) {
        int counted = leases;
        if (counted == 0) {
            return 0;
        }
        int lapsed = 0;
        for (LeaseRecord record : activeRecords()) {
            Lease lease = record.lease();
            if (lease.status() == LeaseStatus.ACTIVE && !lease.isActiveAt(now)) {
                lapsed++;
            }
        }
        return Math.max(0, counted - lapsed);
    }

    /** Gives back the slot of a lease that has just left the ACTIVE state. */
    void free(LeaseRecord ended) {
        if (!SOLE.compareAndSet(this, ended, null)) {
            Map<UUID, LeaseRecord> others = more;
            if (others != null) {
                others.remove(ended.id(), ended);
            }
        }
        LEASES.decrementAndGet(this);
        countChanged();
    }

    /**
     * Brings this slot's entry in its pool's least-used index (if the pool has one) in line
     * with its counter, or takes it out once the slot is removed. Called after every change.
     */
    void countChanged() {
        ConcurrentSkipListMap<PoolState.LoadKey, ProxySlot> index = pool.loadIndex();
        if (index != null) {
            reindex(index);
        }
    }

    /** Moves this slot's entry in {@code index} to its current count; removes it once the slot is removed. */
    synchronized void reindex(ConcurrentSkipListMap<PoolState.LoadKey, ProxySlot> index) {
        PoolState.LoadKey key = loadKey;
        int current = leases;
        if (!removed && key != null && key.leases() == current) {
            return;
        }
        if (key != null) {
            index.remove(key, this);
            loadKey = null;
        }
        if (!removed) {
            PoolState.LoadKey now = new PoolState.LoadKey(current, id());
            index.put(now, this);
            loadKey = now;
        }
    }

    /**
     * The stored proxy with its current lease count. The copies for small counts are kept, so
     * a snapshot of an unchanged proxy at a count seen before allocates nothing.
     */
    Proxy snapshot() {
        Proxy p = proxy();
        int count = leases;
        if (count == 0) {
            return p;
        }
        Proxy[] cached = views;
        if (cached == null || cached[0] != p) {
            int size = p.isUnlimited() ? MAX_VIEWS : Math.min(p.maxConcurrency() + 1, MAX_VIEWS);
            if (count >= size || seen != p) {
                // the copies are kept from the second snapshot of a stored proxy on: in a large
                // pool most proxies are leased rarely, and keeping their first copy would cost
                // an array more than the copy
                seen = p;
                return p.withCurrentLeases(count);
            }
            cached = new Proxy[size];
            cached[0] = p;
            views = cached;
        } else if (count >= cached.length) {
            return p.withCurrentLeases(count);
        }
        Proxy view = cached[count];
        if (view == null) {
            // a benign race: two threads may each build the same immutable copy
            view = p.withCurrentLeases(count);
            cached[count] = view;
        }
        return view;
    }

    private static final int MAX_VIEWS = 8;

    // ---------------------------------------------------------------- learned state

    /** Whether the circuit is open at {@code now}: its cooldown has not ended (half-open is not open). */
    boolean openAt(Instant now) {
        Instant until = openUntil;
        return until != null && now.isBefore(until);
    }

    /** Whether the circuit is not closed: the acquire must decide under {@link #learning}. */
    boolean guarded() {
        return openUntil != null;
    }

    /**
     * One grant of the slot: the fencing token it took, its time ({@code null} for
     * {@link #NONE}), and the time of the grant before it, which an undone grant restores.
     */
    record Grant(long token, @Nullable Instant at, @Nullable Instant before) {
        /** Before the first grant. */
        static final Grant NONE = new Grant(0, null, null);
    }

    /**
     * Takes the next fencing token at the clock's time, unless {@code pace} (if not null) has not
     * passed since the slot's last grant. The last grant is read, then the clock, then both move
     * by one compare-and-set: a grant that succeeds read the clock after every earlier grant had
     * moved them, so a greater token never carries an earlier time, and two grants never both
     * pass one pacing interval.
     *
     * @return the grant, or {@code null} if the proxy is paced
     */
    @Nullable
    Grant grant(Clock clock, @Nullable Duration pace) {
        while (true) {
            Grant last = lastGrant;
            Instant now = clock.instant();
            Instant previous = last.at;
            if (pace != null && previous != null && nanos(now) - nanos(previous) < pace.toNanos()) {
                return null;
            }
            Grant next = new Grant(last.token + 1, now, previous);
            if (LAST_GRANT.compareAndSet(this, last, next)) {
                return next;
            }
        }
    }

    /** Whether {@code pace} (if not null) has not passed at {@code now} since the slot's last grant. */
    boolean pacedAt(Instant now, @Nullable Duration pace) {
        Instant previous = lastGrant.at;
        return pace != null && previous != null && nanos(now) - nanos(previous) < pace.toNanos();
    }

    /**
     * Forgets the grant of {@code token} as the last grant if it still is, restoring the time of
     * the one before it for pacing: its lease was undone. The token stays used.
     */
    void ungranted(long token) {
        Grant last = lastGrant;
        if (last.token == token) {
            LAST_GRANT.compareAndSet(this, last, new Grant(token, last.before, last.before));
        }
    }

    /**
     * Whether an acquire at {@code now} may lease this proxy as far as its circuit goes, and
     * whether the lease would be the half-open circuit's probe: {@code null} if it may not
     * (open, or half-open with a probe active), else {@code TRUE} for a probe and
     * {@code FALSE} for a closed circuit. The caller holds {@link #learning}.
     */
    @Nullable
    Boolean admits(Instant now) {
        Instant until = openUntil;
        if (until == null) {
            return Boolean.FALSE;
        }
        if (now.isBefore(until)) {
            return null;
        }
        LeaseRecord current = probe;
        return current != null && current.lease().isActiveAt(now) ? null : Boolean.TRUE;
    }

    /** Makes {@code record} the half-open circuit's probe; the caller holds {@link #learning}. */
    void probe(LeaseRecord record) {
        probe = record;
    }

    /** Forgets {@code record} as the probe if it is: its grant was undone. */
    void forgetProbe(LeaseRecord record) {
        synchronized (learning) {
            if (probe == record) {
                probe = null;
            }
        }
    }

    /**
     * Applies one report or health check at {@code now} by {@code policy}: a success (with its
     * latency, if any), a failure counting against the proxy, or a ban for {@code target}.
     *
     * @return the circuit's state at {@code now} before the report or check
     */
    CircuitState learn(
            boolean success, @Nullable Duration latency, @Nullable String target, OutcomePolicy policy, Instant now) {
        synchronized (learning) {
            CircuitState before = ProxyStanding.circuitAt(now, Optional.ofNullable(openUntil));
            if (target != null) {
                Instant until = now.plus(policy.banCooldown());
                Map<String, Instant> current = bans;
                if (current == null) {
                    current = new ConcurrentHashMap<>(4);
                    bans = current;
                }
                current.merge(target, until, (old, fresh) -> fresh.isAfter(old) ? fresh : old);
                return before;
            }
            score(success, latency, policy, now);
            rescore();
            return before;
        }
    }

    /** The scores and the breaker after one report or check; the caller holds {@link #learning}. */
    private void score(boolean success, @Nullable Duration latency, OutcomePolicy policy, Instant now) {
        double s = policy.smoothing();
        CircuitState state = ProxyStanding.circuitAt(now, Optional.ofNullable(openUntil));
        if (success) {
            consecutiveFailures = 0;
            successRate = successRate + s * (1 - successRate);
            if (latency != null) {
                long sample = latency.toNanos();
                long old = latencyNanos;
                latencyNanos = old < 0 ? sample : Math.round(old + s * (sample - old));
            }
            if (state == CircuitState.HALF_OPEN) {
                openings = 0;
                openUntil = null;
                probe = null;
            }
            return;
        }
        if (consecutiveFailures < Integer.MAX_VALUE) {
            consecutiveFailures++;
        }
        successRate = successRate * (1 - s);
        if (state == CircuitState.CLOSED) {
            if (consecutiveFailures >= policy.failureThreshold()) {
                openings = 1;
                openUntil = now.plus(policy.cooldownOf(1));
            }
        } else if (state == CircuitState.HALF_OPEN) {
            if (openings < Integer.MAX_VALUE) {
                openings++;
            }
            openUntil = now.plus(policy.cooldownOf(openings));
            probe = null;
        }
    }

    /**
     * Puts this slot in its pool's score indexes that exist, moves it there to its current
     * scores, or takes it out once the slot is removed: called when the slot is added or
     * removed, and by every change of its scores.
     */
    void scoresChanged() {
        synchronized (learning) {
            rescore();
        }
    }

    /** {@link #scoresChanged()} with {@link #learning} held. */
    private void rescore() {
        PoolState.ScoreIndex byLatency = pool.latencyIndex();
        if (byLatency != null) {
            latencyEntry = move(byLatency, latencyEntry);
        }
        PoolState.ScoreIndex byHealth = pool.healthIndex();
        if (byHealth != null) {
            healthEntry = move(byHealth, healthEntry);
        }
    }

    /**
     * This slot's key with its current scores for the index of {@code HEALTHIEST} (or of
     * {@code LOWEST_LATENCY}) being built, recorded as its key there; {@code null} once removed.
     */
    PoolState.@Nullable ScoreKey enter(boolean healthiest) {
        synchronized (learning) {
            if (removed) {
                return null;
            }
            PoolState.ScoreKey key = PoolState.ScoreIndex.keyOf(healthiest, this, rate(), latencyKey());
            if (healthiest) {
                healthEntry = key;
            } else {
                latencyEntry = key;
            }
            return key;
        }
    }

    /** Brings this slot's key in {@code index} in line with its scores; for an index being built. */
    void rescore(PoolState.ScoreIndex index) {
        synchronized (learning) {
            if (index.healthiest) {
                healthEntry = move(index, healthEntry);
            } else {
                latencyEntry = move(index, latencyEntry);
            }
        }
    }

    /**
     * Moves {@code key}, this slot's key in {@code index} (null if it has none), to the slot's
     * current scores, or out once the slot is removed; returns the key the slot now has there.
     * The new key goes in before the old one comes out, so a walk never finds the proxy missing;
     * the move is counted in between ({@link PoolState.ScoreIndex#moves}). The caller holds
     * {@link #learning}.
     */
    private PoolState.@Nullable ScoreKey move(PoolState.ScoreIndex index, PoolState.@Nullable ScoreKey key) {
        if (removed) {
            if (key != null) {
                index.keys.remove(key);
            }
            return null;
        }
        PoolState.ScoreKey now = PoolState.ScoreIndex.keyOf(index.healthiest, this, rate(), latencyKey());
        if (key != null && PoolState.BY_SCORE.compare(key, now) == 0) {
            return key;
        }
        index.keys.put(now, Boolean.TRUE);
        if (key != null) {
            index.moves.increment();
            index.keys.remove(key);
        }
        return now;
    }

    /** The standing at {@code now}. */
    ProxyStanding standing(Instant now) {
        synchronized (learning) {
            Optional<Instant> until = Optional.ofNullable(openUntil);
            long latency = latencyNanos;
            return new ProxyStanding(
                    id,
                    ProxyStanding.circuitAt(now, until),
                    consecutiveFailures,
                    openings,
                    until,
                    Math.max(0, Math.min(1, successRate)),
                    latency < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(latency)),
                    lastGrant.token);
        }
    }

    /** Whether an acquire for {@code target} at {@code now} must skip this proxy. */
    boolean bannedFor(String target, Instant now) {
        Map<String, Instant> current = bans;
        if (current == null) {
            return false;
        }
        Instant until = current.get(target);
        return until != null && now.isBefore(until);
    }

    /** The bans in force at {@code now}, by target. */
    List<TargetBan> bans(Instant now) {
        Map<String, Instant> current = bans;
        if (current == null || current.isEmpty()) {
            return List.of();
        }
        List<TargetBan> inForce = new ArrayList<>();
        current.forEach((target, until) -> {
            if (now.isBefore(until)) {
                inForce.add(new TargetBan(id, target, until));
            }
        });
        inForce.sort(Comparator.comparing(TargetBan::target));
        return List.copyOf(inForce);
    }

    /** Deletes the bans that have ended at {@code now}. */
    void forgetEndedBans(Instant now) {
        Map<String, Instant> current = bans;
        if (current != null && !current.isEmpty()) {
            synchronized (learning) {
                current.values().removeIf(until -> !now.isBefore(until));
            }
        }
    }

    /** The exponentially weighted success rate within 0..1, as the standing gives it. */
    private double rate() {
        return Math.max(0, Math.min(1, successRate));
    }

    /** The exponentially weighted latency in nanoseconds, {@link Long#MAX_VALUE} before the first; read without the lock. */
    long latencyKey() {
        long latency = latencyNanos;
        return latency < 0 ? Long.MAX_VALUE : latency;
    }
}
