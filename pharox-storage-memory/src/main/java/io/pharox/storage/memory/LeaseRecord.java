package io.pharox.storage.memory;

import io.pharox.model.Lease;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * A stored lease. Every state change (release, expiry, renewal) is one compare-and-set on
 * its lease, so exactly one of two racing changes wins and a slot is freed once.
 */
final class LeaseRecord {

    private static final AtomicReferenceFieldUpdater<LeaseRecord, Lease> LEASE =
            AtomicReferenceFieldUpdater.newUpdater(LeaseRecord.class, Lease.class, "lease");

    final ProxySlot slot;
    private final UUID id;
    private volatile Lease lease;

    /**
     * When the lease was released or expired; set by the change that ended it, before the
     * record is queued among the finished ones (the queue publishes it).
     */
    private @Nullable Instant endedAt;

    LeaseRecord(Lease lease, ProxySlot slot) {
        this.lease = lease;
        this.slot = slot;
        this.id = lease.id();
    }

    /** The lease's id, which no state change alters. */
    UUID id() {
        return id;
    }

    /** The lease as it stands now; never null. */
    Lease lease() {
        return lease;
    }

    /** Replaces the lease if it is still {@code expected}. */
    boolean compareAndSet(Lease expected, Lease changed) {
        return LEASE.compareAndSet(this, expected, changed);
    }

    /** Records the time the lease ended, by the change that ended it. */
    void ended(Instant at) {
        endedAt = at;
    }

    /** Whether the lease ended before {@code horizon}; false while it has not ended. */
    boolean endedBefore(Instant horizon) {
        Instant at = endedAt;
        return at != null && at.isBefore(horizon);
    }
}
