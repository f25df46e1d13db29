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
 * orders of the strategies that do not walk the proxies by id: {@code RANDOM} walks an array
 * of the proxies from a random index, {@code LEAST_USED} an index by lease count. Both are
 * built on first use, so a pool that never uses a strategy never pays for its order.
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

    /** The proxies as an array for {@code RANDOM}; {@code null} until used and after a proxy is added or removed. */
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

    /** A proxy was added or removed: the array of {@code RANDOM} is rebuilt on its next use. */
    void proxiesChanged() {
        randomOrder.set(null);
    }

    /** The proxies as an array, in id order, for {@code RANDOM} to walk from a random index. */
    ProxySlot[] randomOrder() {
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
