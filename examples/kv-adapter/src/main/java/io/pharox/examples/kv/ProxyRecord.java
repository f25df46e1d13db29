package io.pharox.examples.kv;

import io.pharox.model.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What the store keeps under a proxy's key: the proxy's values and one slot for every lease of
 * it in state ACTIVE. The proxy's lease counter is the number of slots, so "the stored counter
 * equals the active lease records" holds whenever a commit changes a lease's state together
 * with its slot, which every commit of {@link KeyValueStorage} does.
 *
 * @param values the proxy (its {@link Proxy#currentLeases()} is ignored; see {@link #proxy()})
 * @param slots  the slots taken by active leases; unmodifiable
 */
record ProxyRecord(Proxy values, List<Slot> slots) {

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
    }

    /** A proxy with no leases. */
    static ProxyRecord unleased(Proxy proxy) {
        return new ProxyRecord(proxy, List.of());
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

    /** A copy with a lease's slot taken, or, for a lease that holds one, with its new expiry. */
    ProxyRecord with(Slot slot) {
        List<Slot> taken = new ArrayList<>(without(List.of(slot.leaseId())).slots);
        taken.add(slot);
        return new ProxyRecord(values, taken);
    }

    /** A copy without the slots of {@code leaseIds}. */
    ProxyRecord without(Collection<UUID> leaseIds) {
        Set<UUID> freed = Set.copyOf(leaseIds);
        return new ProxyRecord(
                values,
                slots.stream().filter(slot -> !freed.contains(slot.leaseId())).toList());
    }

    /** A copy with other values and the same slots. */
    ProxyRecord withValues(Proxy newValues) {
        return new ProxyRecord(newValues, slots);
    }
}
