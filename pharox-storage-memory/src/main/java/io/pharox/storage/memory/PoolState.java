package io.pharox.storage.memory;

import io.pharox.model.Ids;
import io.pharox.model.ProxyPool;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A stored pool: its proxies in stable order, their addresses, its round-robin cursor, and the
 * orders the strategies other than {@code FIRST_AVAILABLE} walk: {@code RANDOM} and
 * {@code ROUND_ROBIN} an array of the proxies in id order, from a random index or from the
 * one after the cursor's, {@code LEAST_USED} an index by lease count. Both are built on first
 * use, so a pool that never uses a strategy never pays for its order. The array is copied
 * again on the first such acquire after a proxy was added or removed, which costs time in
 * proportion to the pool's size once per change. {@code LOWEST_LATENCY} and {@code HEALTHIEST}
 * keep nothing here: they read the scores of every proxy of the pool at each acquire.
 */
final class PoolState {

    /** Orders the least-used index: lease count, then id. */
    static final Comparator<LoadKey> BY_LOAD =
            Comparator.comparingInt(LoadKey::leases).thenComparing(LoadKey::id, Ids.ORDER);

    final ProxyPool pool;
    final ConcurrentNavigableMap<UUID, ProxySlot> proxies = new ConcurrentSkipListMap<>(Ids.ORDER);
    /** {@code host:port} (host lower case) to proxy id, to refuse duplicate addresses. */
    final Map<String, UUID> addresses = new ConcurrentHashMap<>();
    /** Id of the proxy the last round-robin acquire chose; {@code null} before the first. */
    final AtomicReference<UUID> roundRobinCursor = new AtomicReference<>();

    /**
     * Where the cursor's proxy probably is in {@link #inIdOrder()}: a hint, checked before use
     * (it is written after the cursor and the array may have been copied again since).
     */
    volatile int roundRobinHint;

    /** The proxies as an array in id order; {@code null} until used and after a proxy is added or removed. */
    private final AtomicReference<ProxySlot @Nullable []> randomOrder = new AtomicReference<>();

    /**
     * The proxies by lease count then id, for {@code LEAST_USED}; {@code null} until the first
     * {@code LEAST_USED} acquire on this pool. Every slot keeps its own entry up to date
     * ({@link ProxySlot#reindex}) once it exists.
     */
    private volatile @Nullable ConcurrentSkipListMap<LoadKey, ProxySlot> byLoad;

    PoolState(ProxyPool pool) {
        this.pool = pool;
    }

    /** A proxy was added or removed: the array in id order is rebuilt on its next use. */
    void proxiesChanged() {
        randomOrder.set(null);
    }

    /** The proxies as an array, in id order, for {@code RANDOM} and {@code ROUND_ROBIN}. */
    ProxySlot[] inIdOrder() {
        ProxySlot[] order = randomOrder.get();
        if (order == null) {
            order = proxies.values().toArray(new ProxySlot[0]);
            // a change that raced with this copy set null before or after: either way the next
            // use after it sees a copy that includes it
            randomOrder.compareAndSet(null, order);
        }
        return order;
    }

    /** The index of {@code LEAST_USED}, built on first use. */
    ConcurrentSkipListMap<LoadKey, ProxySlot> byLoad() {
        ConcurrentSkipListMap<LoadKey, ProxySlot> index = byLoad;
        if (index != null) {
            return index;
        }
        synchronized (this) {
            index = byLoad;
            if (index == null) {
                index = new ConcurrentSkipListMap<>(BY_LOAD);
                byLoad = index;
                // from here on every change of a counter re-indexes its slot; index those that
                // exist now (a slot re-indexed concurrently ends up with one current entry either way)
                for (ProxySlot slot : proxies.values()) {
                    slot.reindex(index);
                }
            }
            return index;
        }
    }

    /** The least-used index if it exists, for slots to keep it current. */
    @Nullable
    ConcurrentSkipListMap<LoadKey, ProxySlot> loadIndex() {
        return byLoad;
    }

    /** A slot's place in the least-used index. */
    record LoadKey(int leases, UUID id) {}
}
