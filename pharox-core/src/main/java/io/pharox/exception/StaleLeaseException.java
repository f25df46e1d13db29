package io.pharox.exception;

import io.pharox.model.LeaseStatus;
import java.util.UUID;

/**
 * A report (or another call that must come from the lease's current holder) named a lease that
 * is no longer current: it was released, it has expired, or its fencing token is not the one
 * the store granted. Nothing was recorded.
 */
public class StaleLeaseException extends LeaseNotActiveException {

    private static final long serialVersionUID = 1L;

    /**
     * @param leaseId the lease
     * @param status  its status now (RELEASED or EXPIRED)
     */
    public StaleLeaseException(UUID leaseId, LeaseStatus status) {
        super(leaseId, status, "reported on: it is stale");
    }

    /**
     * A lease whose fencing token does not match the stored grant's.
     *
     * @param leaseId the lease
     * @param given   the token the caller gave
     * @param stored  the token the store granted
     */
    public StaleLeaseException(UUID leaseId, long given, long stored) {
        super(
                "lease " + leaseId + " has fencing token " + stored + ", not " + given
                        + ": the caller's lease is stale",
                LeaseStatus.ACTIVE);
    }
}
