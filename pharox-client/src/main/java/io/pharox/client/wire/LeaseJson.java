package io.pharox.client.wire;

import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A lease.
 *
 * @param id           the lease's id
 * @param poolId       its pool
 * @param proxyId      its proxy
 * @param consumerId   its consumer
 * @param status       ACTIVE, RELEASED or EXPIRED
 * @param acquiredAt   when it was granted
 * @param expiresAt    when it lapses unless renewed
 * @param releasedAt   when it was released, if it was
 * @param fencingToken the grant's fencing token, 0 for none
 */
public record LeaseJson(
        UUID id,
        UUID poolId,
        UUID proxyId,
        UUID consumerId,
        String status,
        Instant acquiredAt,
        Instant expiresAt,
        @Nullable Instant releasedAt,
        long fencingToken) {

    /** The JSON form of {@code lease}. */
    public static LeaseJson of(Lease lease) {
        return new LeaseJson(
                lease.id(),
                lease.poolId(),
                lease.proxyId(),
                lease.consumerId(),
                lease.status().name(),
                lease.acquiredAt(),
                lease.expiresAt(),
                lease.releasedAt().orElse(null),
                lease.fencingToken());
    }

    /**
     * The lease this JSON describes.
     *
     * @throws IllegalArgumentException if a value is invalid
     */
    public Lease toLease() {
        return new Lease(
                id,
                poolId,
                proxyId,
                consumerId,
                LeaseStatus.valueOf(status),
                acquiredAt,
                expiresAt,
                releasedAt,
                fencingToken);
    }
}
