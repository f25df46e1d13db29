package io.pharox.examples.kv;

import io.pharox.model.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the store keeps under a proxy's key: the proxy's values, one slot for every lease of it
 * in state ACTIVE, what it has {@link Learned learned} (fencing-token counter, circuit
 * breaker, scores, target bans) and the time of its last grant (for pacing). The proxy's lease counter is the number of slots, so "the
 * stored counter equals the active lease records" holds whenever a commit changes a lease's
 * state together with its slot, which every commit of {@link KeyValueStorage} does.
 *
 * <p>Everything an acquire decides on (status, filter, capacity, circuit, probe, bans, scores)
 * and everything it changes (a slot, the token counter, the probe, the last grant) is in this one value, so one
 * commit conditioned on its version makes the decision atomic.
 *
 * @param values  the proxy (its {@link Proxy#currentLeases()} is ignored; see {@link #proxy()})
 * @param slots   the slots taken by active leases; unmodifiable
 * @param learned what the proxy has learned from its grants, reports and health checks
 * @param lastGrant the time of the proxy's latest grant; empty before the first
 */
record ProxyRecord(Proxy values, List<Slot> slots, Learned learned, Optional<Instant> lastGrant) {

    /**
     * One slot of a proxy, taken by a lease until it is released or {@code expiresAt} passes.
     *
     * @param leaseId   the lease holding the slot
     * @param expiresAt when the lease expires unless renewed
     */
    record Slot(UUID leaseId, Instant expiresAt) {

        Slot {
            Objects.requireNonNull(leaseId, "leaseId");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        /** Whether the lease still holds the slot at {@code now}, as {@link io.pharox.model.Lease#isActiveAt} says. */
        boolean isLiveAt(Instant now) {
            return now.isBefore(expiresAt);
        }
    }

    ProxyRecord {
        Objects.requireNonNull(values, "values");
        slots = List.copyOf(slots);
        Objects.requireNonNull(learned, "learned");
        Objects.requireNonNull(lastGrant, "lastGrant");
    }

    /** A new proxy: no leases, nothing learned, never granted. */
    static ProxyRecord unleased(Proxy proxy) {
        return new ProxyRecord(proxy, List.of(), Learned.NOTHING, Optional.empty());
    }

    /**
     * Whether {@code interval} (the proxy's minimum interval between grants, if it has one) has
     * not passed at {@code now} since the proxy's last grant: an acquire must skip it.
     */
    boolean pacedAt(Instant now, Optional<Duration> interval) {
        return interval.isPresent()
                && lastGrant.isPresent()
                && now.isBefore(lastGrant.get().plus(interval.get()));
    }

    /** The proxy with its lease counter: the number of slots. */
    Proxy proxy() {
        return values.withCurrentLeases(slots.size());
    }

    /** How many slots are held by leases that have not expired at {@code now}. */
    int liveAt(Instant now) {
        return (int) slots.stream().filter(slot -> slot.isLiveAt(now)).count();
    }

    /** The leases whose time has passed at {@code now} but that are still recorded ACTIVE. */
    List<UUID> lapsedAt(Instant now) {
        return slots.stream()
                .filter(slot -> !slot.isLiveAt(now))
                .map(Slot::leaseId)
                .toList();
    }

    /** Whether a lease holds a slot of this proxy. */
    boolean holds(UUID leaseId) {
        return slots.stream().anyMatch(slot -> slot.leaseId().equals(leaseId));
    }

    /**
     * Whether the circuit lets an acquire at {@code now} lease this proxy: it is closed, or it is
     * half-open and no probe holds a live slot (the last probe was released, expired or reported
     * on, or there was none). An open circuit lets nobody in.
     */
    boolean admitsAt(Instant now) {
        switch (learned.circuitAt(now)) {
            case CLOSED:
                return true;
            case HALF_OPEN:
                return learned.probe()
                        .flatMap(probe -> slots.stream()
                                .filter(slot -> slot.leaseId().equals(probe))
                                .findFirst())
                        .filter(slot -> slot.isLiveAt(now))
                        .isEmpty();
            default:
                return false;
        }
    }

    /**
     * A copy with a slot taken at {@code now} for a new lease: the token counter moves on (the
     * lease's token is the old {@link Learned#lastToken()} + 1), if the circuit is half-open,
     * the lease becomes its probe, and {@code now} is the last grant.
     */
    ProxyRecord granting(Slot slot, Instant now) {
        return new ProxyRecord(values, with(slot).slots, learned.granted(slot.leaseId(), now), Optional.of(now));
    }

    /** A copy with a lease's slot taken, or, for a lease that holds one, with its new expiry. */
    ProxyRecord with(Slot slot) {
        List<Slot> taken = new ArrayList<>(slots);
        taken.removeIf(held -> held.leaseId().equals(slot.leaseId()));
        taken.add(slot);
        return new ProxyRecord(values, taken, learned, lastGrant);
    }

    /** A copy without the slots of {@code leaseIds}; if one of them was the probe, without the probe. */
    ProxyRecord without(Collection<UUID> leaseIds) {
        Set<UUID> freed = Set.copyOf(leaseIds);
        return new ProxyRecord(
                values,
                slots.stream().filter(slot -> !freed.contains(slot.leaseId())).toList(),
                learned.withoutProbe(freed),
                lastGrant);
    }

    /** A copy with other values, the same slots and the same learned state. */
    ProxyRecord withValues(Proxy newValues) {
        return new ProxyRecord(newValues, slots, learned, lastGrant);
    }

    /** A copy with other learned state. */
    ProxyRecord withLearned(Learned newLearned) {
        return new ProxyRecord(values, slots, newLearned, lastGrant);
    }
}
