package io.pharox.storage.memory;

import io.pharox.model.Lease;
import io.pharox.model.Proxy;
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
 */
final class ProxySlot {

    /** Descriptive values; its own {@code currentLeases} is always 0, {@link #leases} is the truth. */
    final AtomicReference<Proxy> proxy;

    final AtomicInteger leases = new AtomicInteger();
    final Map<UUID, LeaseRecord> active = new ConcurrentHashMap<>();
    volatile boolean removed;

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

    /** Gives back the slot of a lease that has just left the ACTIVE state. */
    void free(Lease ended) {
        active.remove(ended.id());
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

    /** The stored proxy with its current lease count. */
    Proxy snapshot() {
        return proxy().withCurrentLeases(leases.get());
    }
}
