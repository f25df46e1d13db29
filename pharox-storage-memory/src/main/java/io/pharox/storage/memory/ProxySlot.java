package io.pharox.storage.memory;

import io.pharox.model.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 */
final class ProxySlot {

    // the slot's state is in its own fields, changed through field updaters, rather than in
    // atomic objects of their own: an acquire at a million proxies reads one object per slot
    // it visits instead of four or five scattered ones
    private static final AtomicReferenceFieldUpdater<ProxySlot, Proxy> PROXY =
            AtomicReferenceFieldUpdater.newUpdater(ProxySlot.class, Proxy.class, "proxy");
    private static final AtomicIntegerFieldUpdater<ProxySlot> LEASES =
            AtomicIntegerFieldUpdater.newUpdater(ProxySlot.class, "leases");
    private static final AtomicReferenceFieldUpdater<ProxySlot, LeaseRecord> SOLE =
            AtomicReferenceFieldUpdater.newUpdater(ProxySlot.class, LeaseRecord.class, "sole");
    private static final AtomicLongFieldUpdater<ProxySlot> EARLIEST_EXPIRY =
            AtomicLongFieldUpdater.newUpdater(ProxySlot.class, "earliestExpiry");

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
}
