package io.pharox.storage.memory;

import io.pharox.model.Lease;
import io.pharox.model.Proxy;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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

    ProxySlot(Proxy proxy) {
        this.proxy = new AtomicReference<>(proxy.withCurrentLeases(0));
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
                return true;
            }
        }
    }

    /** Gives back the slot of a lease that has just left the ACTIVE state. */
    void free(Lease ended) {
        active.remove(ended.id());
        leases.decrementAndGet();
    }

    /** The stored proxy with its current lease count. */
    Proxy snapshot() {
        return proxy().withCurrentLeases(leases.get());
    }
}
