package io.pharox.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A consumer's claim on one slot of a proxy, from {@link #acquiredAt()} until it is
 * released or until {@link #expiresAt()} passes, whichever comes first.
 *
 * <p>A lease is active at an instant {@code t} when its status is {@link LeaseStatus#ACTIVE}
 * and {@code t} is before {@link #expiresAt()}. A lease whose status is still ACTIVE but
 * whose expiry time has passed is expired: it no longer counts against the proxy's
 * capacity, even before {@code cleanupExpiredLeases} records it as EXPIRED.
 *
 * <p>Immutable; storage adapters create leases, users read them.
 */
public final class Lease {

    private final UUID id;
    private final UUID poolId;
    private final UUID proxyId;
    private final UUID consumerId;
    private final LeaseStatus status;
    private final Instant acquiredAt;
    private final Instant expiresAt;
    private final @Nullable Instant releasedAt;
    private final long fencingToken;

    /**
     * A lease without a fencing token ({@link #fencingToken()} 0), for adapters that do not issue
     * tokens; see {@link #Lease(UUID, UUID, UUID, UUID, LeaseStatus, Instant, Instant, Instant, long)}.
     *
     * @param releasedAt release time: required when the status is RELEASED, {@code null} otherwise
     * @throws NullPointerException if a required argument is {@code null}
     * @throws IllegalArgumentException if {@code expiresAt} is not after {@code acquiredAt},
     *         or {@code releasedAt} does not fit the status or is before {@code acquiredAt}
     */
    public Lease(
            UUID id,
            UUID poolId,
            UUID proxyId,
            UUID consumerId,
            LeaseStatus status,
            Instant acquiredAt,
            Instant expiresAt,
            @Nullable Instant releasedAt) {
        this(id, poolId, proxyId, consumerId, status, acquiredAt, expiresAt, releasedAt, 0);
    }

    /**
     * @param releasedAt release time: required when the status is RELEASED, {@code null} otherwise
     * @param fencingToken the grant's fencing token (see {@link #fencingToken()}): 1 or more, or 0
     *        for none
     * @throws NullPointerException if a required argument is {@code null}
     * @throws IllegalArgumentException if {@code expiresAt} is not after {@code acquiredAt},
     *         or {@code releasedAt} does not fit the status or is before {@code acquiredAt}
     */
    public Lease(
            UUID id,
            UUID poolId,
            UUID proxyId,
            UUID consumerId,
            LeaseStatus status,
            Instant acquiredAt,
            Instant expiresAt,
            @Nullable Instant releasedAt,
            long fencingToken) {
        if (fencingToken < 0) {
            throw new IllegalArgumentException("fencingToken must be 0 or more, was " + fencingToken);
        }
        this.fencingToken = fencingToken;
        this.id = Objects.requireNonNull(id, "id");
        this.poolId = Objects.requireNonNull(poolId, "poolId");
        this.proxyId = Objects.requireNonNull(proxyId, "proxyId");
        this.consumerId = Objects.requireNonNull(consumerId, "consumerId");
        this.status = Objects.requireNonNull(status, "status");
        this.acquiredAt = Objects.requireNonNull(acquiredAt, "acquiredAt");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        if (!expiresAt.isAfter(acquiredAt)) {
            throw new IllegalArgumentException(
                    "expiresAt must be after acquiredAt " + acquiredAt + ", was " + expiresAt);
        }
        if ((status == LeaseStatus.RELEASED) != (releasedAt != null)) {
            throw new IllegalArgumentException("releasedAt must be set exactly when the status is RELEASED; status "
                    + status + ", releasedAt " + releasedAt);
        }
        if (releasedAt != null && releasedAt.isBefore(acquiredAt)) {
            throw new IllegalArgumentException(
                    "releasedAt must not be before acquiredAt " + acquiredAt + ", was " + releasedAt);
        }
        this.releasedAt = releasedAt;
    }

    /** A new active lease without a fencing token. */
    public static Lease active(
            UUID id, UUID poolId, UUID proxyId, UUID consumerId, Instant acquiredAt, Instant expiresAt) {
        return active(id, poolId, proxyId, consumerId, acquiredAt, expiresAt, 0);
    }

    /** A new active lease with its fencing token. */
    public static Lease active(
            UUID id,
            UUID poolId,
            UUID proxyId,
            UUID consumerId,
            Instant acquiredAt,
            Instant expiresAt,
            long fencingToken) {
        return new Lease(
                id, poolId, proxyId, consumerId, LeaseStatus.ACTIVE, acquiredAt, expiresAt, null, fencingToken);
    }

    /** Unique id. */
    public UUID id() {
        return id;
    }

    /** Pool the leased proxy belongs to. */
    public UUID poolId() {
        return poolId;
    }

    /** The leased proxy. */
    public UUID proxyId() {
        return proxyId;
    }

    /** The consumer holding the lease. */
    public UUID consumerId() {
        return consumerId;
    }

    /** Recorded status; see {@link #statusAt(Instant)} for the status at an instant. */
    public LeaseStatus status() {
        return status;
    }

    /** When the lease was taken. */
    public Instant acquiredAt() {
        return acquiredAt;
    }

    /** When the lease stops being active unless released or renewed before. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** When the lease was released, if it was. */
    public Optional<Instant> releasedAt() {
        return Optional.ofNullable(releasedAt);
    }

    /**
     * The fencing token of this grant: every grant on a proxy gets a token greater than every
     * token granted on that proxy before, by any process sharing the store, across restarts. Pass
     * it along with the work done through the proxy (a write, a job submission) so that the
     * receiver can refuse a writer whose token is lower than one it has already seen: that writer
     * is a late holder whose lease ended. 0 when the adapter issues no tokens.
     */
    public long fencingToken() {
        return fencingToken;
    }

    /** Whether the lease is active at {@code now}: status ACTIVE and {@code now} before the expiry. */
    public boolean isActiveAt(Instant now) {
        return status == LeaseStatus.ACTIVE && now.isBefore(expiresAt);
    }

    /** The status at {@code now}: a recorded ACTIVE lease whose expiry has passed is EXPIRED. */
    public LeaseStatus statusAt(Instant now) {
        return status == LeaseStatus.ACTIVE && !now.isBefore(expiresAt) ? LeaseStatus.EXPIRED : status;
    }

    /** A released copy. */
    public Lease released(Instant at) {
        return new Lease(
                id, poolId, proxyId, consumerId, LeaseStatus.RELEASED, acquiredAt, expiresAt, at, fencingToken);
    }

    /** An expired copy. */
    public Lease expired() {
        return new Lease(
                id, poolId, proxyId, consumerId, LeaseStatus.EXPIRED, acquiredAt, expiresAt, null, fencingToken);
    }

    /** A copy with another expiry time (renewal). */
    public Lease withExpiresAt(Instant newExpiresAt) {
        return new Lease(id, poolId, proxyId, consumerId, status, acquiredAt, newExpiresAt, releasedAt, fencingToken);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Lease)) {
            return false;
        }
        Lease l = (Lease) o;
        return id.equals(l.id)
                && poolId.equals(l.poolId)
                && proxyId.equals(l.proxyId)
                && consumerId.equals(l.consumerId)
                && status == l.status
                && acquiredAt.equals(l.acquiredAt)
                && expiresAt.equals(l.expiresAt)
                && Objects.equals(releasedAt, l.releasedAt)
                && fencingToken == l.fencingToken;
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "Lease[id=" + id + ", proxy=" + proxyId + ", consumer=" + consumerId + ", status=" + status
                + ", acquiredAt=" + acquiredAt + ", expiresAt=" + expiresAt
                + (releasedAt == null ? "" : ", releasedAt=" + releasedAt)
                + (fencingToken == 0 ? "" : ", fencingToken=" + fencingToken) + ']';
    }
}
