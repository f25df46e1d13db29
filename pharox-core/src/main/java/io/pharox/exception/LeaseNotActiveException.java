package io.pharox.exception;

import io.pharox.model.LeaseStatus;
import java.util.UUID;

/** The lease was released or has expired, so it cannot be renewed. */
public class LeaseNotActiveException extends PharoxException {

    private static final long serialVersionUID = 1L;

    private final LeaseStatus status;

    /**
     * @param leaseId the lease
     * @param status  its status now (RELEASED or EXPIRED)
     */
    public LeaseNotActiveException(UUID leaseId, LeaseStatus status) {
        super("lease " + leaseId + " is " + status + " and cannot be renewed");
        this.status = status;
    }

    /** The lease's status when the operation was refused. */
    public LeaseStatus status() {
        return status;
    }
}
