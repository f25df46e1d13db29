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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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

    /** Descriptive values; its own {@code currentLeases} is always 0, {@link #leases} is the truth. */
    final AtomicReference<Proxy> proxy;

    final AtomicInteger leases = new AtomicInteger();
    volatile boolean removed;

    /** One active lease record, or null; the rest are in {@link #more}. */
    private final AtomicReference<@Nullable LeaseRecord> sole = new AtomicReference<>();

    /** The active lease records that did not fit in {@link #sole}; null until needed. */
    private volatile @Nullable Map<UUID, LeaseRecord> more;

    /**
     * No active lease of this slot expires before this; {@link #NEVER} when it has none. Lowered
     * after every record added or renewed, recomputed by {@link #lapsedCandidates()}.
     */
    private final AtomicReference<Instant> earliestExpiry = new AtomicReference<>(NEVER);

    private static final Instant NEVER = Instant.MAX;

    /** Cached snapshots of {@link #proxy} by lease count (index 0 is the stored proxy itself). */
    private volatile Proxy @Nullable [] views;

    private final PoolState pool;

    /** This slot's entry in its pool's least-used index, if it has one; guarded by {@code this}. */
    private PoolState.@Nullable LoadKey loadKey;

    ProxySlot(Proxy proxy, PoolState pool) {
        this.proxy = new AtomicReference<>(proxy.withCurrentLeases(0));
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    UUID id() {
        return proxy().id();
    }

    /** The stored proxy, without its lease count; never null. */
    Proxy proxy() {
        return Objects.requireNonNull(proxy.get());
    }

    /** Takes one slot if the proxy is leasable and below its capacity. */
    boolean tryClaim() {
        while (true) {
            Proxy p = proxy();
            int current = leases.get();
            if (removed || !p.hasCapacityFor(current)) {
                return false;
            }
            if (leases.compareAndSet(current, current + 1)) {
                countChanged();
                return true;
            }
        }
    }

    /** Records an active lease of this slot (its claim already counted). */
    void add(LeaseRecord record) {
        if (!sole.compareAndSet(null, record)) {
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
        for (Instant bound = earliestExpiry.get();
                at.isBefore(bound) && !earliestExpiry.compareAndSet(bound, at);
                bound = earliestExpiry.get()) {
            // retry: another lease lowered it meanwhile
        }
    }

    /** Whether an active lease of this slot may be past its expiry at {@code now}. */
    boolean mayHaveLapsed(Instant now) {
        return !now.isBefore(earliestExpiry.get());
    }

    /**
     * The active records to check for expiry, and the bound reset so that records added or
     * renewed from now on lower it again; the caller ends the lapsed ones and passes the
     * earliest expiry of the others to {@link #expiresAt}. A record added before the reset is
     * in the returned list; one added after it lowered the bound itself.
     */
    List<LeaseRecord> lapsedCandidates() {
        earliestExpiry.set(NEVER);
        return activeRecords();
    }

    /** The active lease records of this slot, at one moment or a little after. */
    List<LeaseRecord> activeRecords() {
        LeaseRecord first = sole.get();
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
        if (!sole.compareAndSet(ended, null)) {
            Map<UUID, LeaseRecord> others = more;
            if (others != null) {
                others.remove(ended.id(), ended);
            }
        }
        leases.decrementAndGet();
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
        int current = leases.get();
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
        int count = leases.get();
        if (count == 0) {
            return p;
        }
        Proxy[] cached = views;
        if (cached == null || cached[0] != p) {
            if (count >= MAX_VIEWS) {
                return p.withCurrentLeases(count);
            }
            cached = new Proxy[MAX_VIEWS];
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
