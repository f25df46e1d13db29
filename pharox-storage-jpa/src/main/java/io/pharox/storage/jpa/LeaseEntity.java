package io.pharox.storage.jpa;

import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code lease}. Ids, not associations: a lease outlives its proxy. */
@Entity(name = "PharoxLease")
@Table(name = "lease")
@DynamicUpdate
class LeaseEntity {

    @Id
    @Column(name = "id", nullable = false)
    UUID id;

    @Column(name = "pool_id", nullable = false)
    UUID poolId;

    @Column(name = "proxy_id", nullable = false)
    UUID proxyId;

    @Column(name = "consumer_id", nullable = false)
    UUID consumerId;

    @Column(name = "status", nullable = false, length = 8)
    String status;

    @Column(name = "acquired_at", nullable = false)
    Instant acquiredAt;

    @Column(name = "expires_at", nullable = false)
    Instant expiresAt;

    @Column(name = "released_at")
    Instant releasedAt;

    protected LeaseEntity() {
    }

    LeaseEntity(UUID id, UUID poolId, UUID proxyId, UUID consumerId, Instant acquiredAt, Instant expiresAt) {
        this.id = id;
        this.poolId = poolId;
        this.proxyId = proxyId;
        this.consumerId = consumerId;
        this.status = LeaseStatus.ACTIVE.name();
        this.acquiredAt = acquiredAt;
        this.expiresAt = expiresAt;
    }

    /** The lease as stored. */
    Lease toLease() {
        return toLease(LeaseStatus.valueOf(status));
    }

    /** The lease as of {@code now}: an active lease past its expiry is reported EXPIRED. */
    Lease toLease(Instant now) {
        LeaseStatus stored = LeaseStatus.valueOf(status);
        return toLease(stored == LeaseStatus.ACTIVE && !expiresAt.isAfter(now) ? LeaseStatus.EXPIRED : stored);
    }

    private Lease toLease(LeaseStatus reported) {
        return new Lease(id, poolId, proxyId, consumerId, reported, acquiredAt, expiresAt, releasedAt);
    }
}
