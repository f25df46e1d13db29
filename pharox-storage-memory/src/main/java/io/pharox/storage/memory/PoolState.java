package io.pharox.storage.memory;

import io.pharox.model.Ids;
import io.pharox.model.ProxyPool;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A stored pool: its proxies in stable order, their addresses, its round-robin cursor, and the
 * orders the strategies other than {@code FIRST_AVAILABLE} walk: {@code RANDOM} and
 * {@code ROUND_ROBIN} an array of the proxies in id order, from a random index or from the
 * one after the cursor's, {@code LEAST_USED} an index by lease count, {@code LOWEST_LATENCY}
 * and {@code HEALTHIEST} an index each by their scores ({@link ScoreIndex}). All are built on
 * first use, so a pool that never uses a strategy never pays for its order. The array is copied
 * again on the first such acquire after a proxy was added or removed, which costs time in
 * proportion to the pool's size once per change; the indexes are kept current by the slots
 * (a logarithm of the pool's size per change), so building one is the only time its
 * strategy's cost depends on the pool's size.
 */
final class PoolState {

    /**
     * Orders the score indexes: the higher success rate first, then the lower latency, then the
     * id. The latency index gives every key the same rate, so it orders by latency then id.
     */
    static final Comparator<ScoreKey> BY_SCORE = (a, b) -> {
        int byRate = Double.compare(b.rate(), a.rate());
        if (byRate != 0) {
            return byRate;
        }
        int byLatency = Long.compare(a.latency(), b.latency());
        return byLatency != 0
                ? byLatency
                : Ids.ORDER.compare(a.slot().id(), b.slot().id());
    };

    /** Orders the least-used index: lease count, then id. */
    static final Comparator<LoadKey> BY_LOAD =
            Comparator.comparingInt(LoadKey::leases).thenComparing(LoadKey::id, Ids.ORDER);

    /** The pool; replaced whole when its default interval between grants changes. */
    volatile ProxyPool pool;

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

    /** The index of {@code LOWEST_LATENCY}; {@code null} until its first acquire on this pool. */
    private volatile @Nullable ScoreIndex byLatency;

    /** The index of {@code HEALTHIEST}; {@code null} until its first acquire on this pool. */
    private volatile @Nullable ScoreIndex byHealth;

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

    /**
     * The index of {@code HEALTHIEST} if {@code healthiest}, else of {@code LOWEST_LATENCY}; built
     * on first use, in time O(n log n) for n proxies (a sort of their keys), acquires of the
     * strategy waiting meanwhile.
     */
    ScoreIndex byScore(boolean healthiest) {
        ScoreIndex index = healthiest ? byHealth : byLatency;
        if (index != null) {
            return index;
        }
        synchronized (this) {
            index = healthiest ? byHealth : byLatency;
            if (index == null) {
                // the keys of the slots that exist now, sorted and made into the index at once
                // (a skip list built from a sorted map in linear time, where inserting them one
                // by one would cost a search each)
                List<ProxySlot> slots = new ArrayList<>(proxies.values());
                List<ScoreKey> keys = new ArrayList<>(slots.size());
                for (ProxySlot slot : slots) {
                    ScoreKey key = slot.enter(healthiest);
                    if (key != null) {
                        keys.add(key);
                    }
                }
                ScoreKey[] sorted = keys.toArray(new ScoreKey[0]);
                Arrays.sort(sorted, BY_SCORE);
                index = new ScoreIndex(healthiest, new ConcurrentSkipListMap<>(new SortedKeys(sorted)));
                if (healthiest) {
                    byHealth = index;
                } else {
                    byLatency = index;
                }
                // as for the least-used index, from here on every change of scores, every added
                // and every removed slot re-indexes itself. A change that came between a slot's
                // key above and this publication did not: bring every slot in line once more,
                // those read above (some may have been removed since) and those there are now
                // (some may have been added since)
                for (ProxySlot slot : slots) {
                    slot.rescore(index);
                }
                for (ProxySlot slot : proxies.values()) {
                    slot.rescore(index);
                }
            }
            return index;
        }
    }

    /** The latency index if it exists, for slots to keep it current. */
    @Nullable
    ScoreIndex latencyIndex() {
        return byLatency;
    }

    /** The health index if it exists, for slots to keep it current. */
    @Nullable
    ScoreIndex healthIndex() {
        return byHealth;
    }

    /**
     * A slot's place in a score index: its scores as they were when it was put there, and the
     * slot. Immutable, so a walk that holds one sees one consistent position; the slot replaces
     * it when its scores change ({@link ProxySlot#rescore}).
     */
    record ScoreKey(double rate, long latency, ProxySlot slot) {}

    /**
     * The proxies of a pool ordered by {@link #BY_SCORE}, one key per proxy, for
     * {@code HEALTHIEST} (rate, latency, id) or {@code LOWEST_LATENCY} (latency, id: every key's
     * rate is 0). A slot moves its key under its own lock by adding the new key before removing
     * the old one, so the proxy is never missing from the index; two keys of it exist only
     * during the move. {@link #moves} counts the moves, so that a walk that found nothing can
     * tell whether a proxy may have moved from ahead of it to behind it meanwhile.
     */
    static final class ScoreIndex {
        final boolean healthiest;
        /** The keys (the values mean nothing), ordered by {@link #BY_SCORE}. */
        final ConcurrentSkipListMap<ScoreKey, Boolean> keys;
        /** Moves of a key already in the index, counted after the new key is added and before the old one is removed. */
        final LongAdder moves = new LongAdder();

        ScoreIndex(boolean healthiest, ConcurrentSkipListMap<ScoreKey, Boolean> keys) {
            this.healthiest = healthiest;
            this.keys = keys;
        }

        /** The key of {@code slot} with these scores in the index of {@code HEALTHIEST} or of {@code LOWEST_LATENCY}. */
        static ScoreKey keyOf(boolean healthiest, ProxySlot slot, double rate, long latency) {
            return new ScoreKey(healthiest ? rate : 0, latency, slot);
        }
    }

    /**
     * Sorted keys seen as a sorted map, only to build an index from them: the skip list's
     * constructor reads its comparator and its entries in order. The rest is not supported.
     */
    private static final class SortedKeys extends AbstractMap<ScoreKey, Boolean>
            implements SortedMap<ScoreKey, Boolean> {
        private final ScoreKey[] sorted;

        SortedKeys(ScoreKey[] sorted) {
            this.sorted = sorted;
        }

        @Override
        public Comparator<? super ScoreKey> comparator() {
            return BY_SCORE;
        }

        @Override
        public Set<Map.Entry<ScoreKey, Boolean>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<ScoreKey, Boolean>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < sorted.length;
                        }

                        @Override
                        public Map.Entry<ScoreKey, Boolean> next() {
                            if (!hasNext()) {
                                throw new NoSuchElementException();
                            }
                            return new AbstractMap.SimpleImmutableEntry<>(sorted[next++], Boolean.TRUE);
                        }
                    };
                }

                @Override
                public int size() {
                    return sorted.length;
                }
            };
        }

        @Override
        public ScoreKey firstKey() {
            if (sorted.length == 0) {
                throw new NoSuchElementException();
            }
            return sorted[0];
        }

        @Override
        public ScoreKey lastKey() {
            if (sorted.length == 0) {
                throw new NoSuchElementException();
            }
            return sorted[sorted.length - 1];
        }

        @Override
        public SortedMap<ScoreKey, Boolean> subMap(ScoreKey fromKey, ScoreKey toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<ScoreKey, Boolean> headMap(ScoreKey toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<ScoreKey, Boolean> tailMap(ScoreKey fromKey) {
            throw new UnsupportedOperationException();
        }
    }
}
