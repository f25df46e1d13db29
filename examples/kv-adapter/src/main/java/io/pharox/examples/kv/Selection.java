package io.pharox.examples.kv;

import io.pharox.model.Ids;
import io.pharox.model.Proxy;
import io.pharox.storage.AcquireRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which proxy an acquire tries to claim: the request's strategy applied to the proxies available
 * now. The two score strategies read each proxy's {@link Learned} scores from the same records.
 */
final class Selection {

    /** The lowest latency first, proxies without one after all others; ties in stable order. */
    private static final Comparator<Stored<ProxyRecord>> BY_LATENCY = Comparator.<Stored<ProxyRecord>, Long>comparing(
                    p -> p.value().learned().latency().map(Duration::toNanos).orElse(Long.MAX_VALUE))
            .thenComparing(p -> p.value().values(), Proxy.STABLE_ORDER);

    private Selection() {}

    /**
     * The proxy the strategy picks among those available at {@code now}, or empty if none is.
     *
     * @param pool   the pool's proxies in {@link Proxy#STABLE_ORDER}
     * @param cursor the proxy the pool's last round-robin acquire chose, if any
     */
    static Optional<Stored<ProxyRecord>> choose(
            AcquireRequest request, List<Stored<ProxyRecord>> pool, Optional<UUID> cursor, Instant now) {
        List<Stored<ProxyRecord>> available = available(request, pool, now);
        if (available.isEmpty()) {
            return Optional.empty();
        }
        switch (request.strategy()) {
            case FIRST_AVAILABLE:
                return Optional.of(available.get(0));
            case ROUND_ROBIN:
                return available.stream()
                        .filter(p -> cursor.isPresent()
                                && Ids.ORDER.compare(p.value().values().id(), cursor.get()) > 0)
                        .findFirst()
                        .or(() -> Optional.of(available.get(0)));
            case LEAST_USED:
                return available.stream()
                        .min(Comparator.<Stored<ProxyRecord>>comparingInt(
                                        p -> p.value().liveAt(now))
                                .thenComparing(p -> p.value().values(), Proxy.STABLE_ORDER));
            case RANDOM:
                return Optional.of(available.get(ThreadLocalRandom.current().nextInt(available.size())));
            case LOWEST_LATENCY:
                return available.stream().min(BY_LATENCY);
            case HEALTHIEST:
                // the highest success rate first, then as LOWEST_LATENCY orders them
                return available.stream()
                        .min(Comparator.<Stored<ProxyRecord>>comparingDouble(
                                        p -> p.value().learned().successRate())
                                .reversed()
                                .thenComparing(BY_LATENCY));
            default:
                throw new IllegalStateException("unknown strategy " + request.strategy());
        }
    }

    /** The proxies of {@code pool} available at {@code now}, in its order. */
    static List<Stored<ProxyRecord>> available(AcquireRequest request, List<Stored<ProxyRecord>> pool, Instant now) {
        return pool.stream().filter(p -> isAvailable(p.value(), request, now)).toList();
    }

    /**
     * Leasable, below capacity counting only unexpired leases, matching the filter, not banned
     * for the request's target, and let in by its circuit (closed, or half-open with no probe out).
     */
    private static boolean isAvailable(ProxyRecord record, AcquireRequest request, Instant now) {
        return record.values().hasCapacityFor(record.liveAt(now))
                && request.filter().matches(record.proxy())
                && request.target()
                        .map(t -> !record.learned().bannedFor(t, now))
                        .orElse(true)
                && record.admitsAt(now);
    }
}
