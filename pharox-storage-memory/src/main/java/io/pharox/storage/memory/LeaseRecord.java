package io.pharox.storage.memory;

import io.pharox.model.Lease;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stored lease. Every state change (release, expiry, renewal) is one compare-and-set on
 * {@link #lease}, so exactly one of two racing changes wins and a slot is freed once.
 */
final class LeaseRecord {

    final AtomicReference<Lease> lease;
    final ProxySlot slot;
    private final UUID id;

    LeaseRecord(Lease lease, ProxySlot slot) {
        this.lease = new AtomicReference<>(lease);
        this.slot = slot;
        this.id = lease.id();
    }

    /** The lease's id, which no state change alters. */
    UUID id() {
        return id;
    }

    /** The lease as it stands now; never null. */
    Lease lease() {
        return Objects.requireNonNull(lease.get());
    }
}
