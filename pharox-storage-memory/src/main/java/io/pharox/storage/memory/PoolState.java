package io.pharox.storage.memory;

import io.pharox.model.Ids;
import io.pharox.model.ProxyPool;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;

/** A stored pool: its proxies in stable order, their addresses, and its round-robin cursor. */
final class PoolState {

    final ProxyPool pool;
    final ConcurrentNavigableMap<UUID, ProxySlot> proxies = new ConcurrentSkipListMap<>(Ids.ORDER);
    /** {@code host:port} (host lower case) to proxy id, to refuse duplicate addresses. */
    final Map<String, UUID> addresses = new ConcurrentHashMap<>();
    /** Id of the proxy the last round-robin acquire chose; {@code null} before the first. */
    final AtomicReference<UUID> roundRobinCursor = new AtomicReference<>();

    PoolState(ProxyPool pool) {
        this.pool = pool;
    }
}
