package io.pharox.exception;

import io.pharox.model.LeaseStatus;
import java.util.UUID;

/**
 * The lease was released or has expired, so it cannot be renewed, nor acquired again under its
 * id as an idempotency key.
 */
public class LeaseNotActiveException extends PharoxException {

    private static final long serialVersionUID = 1L;

    private final LeaseStatus status;

    /**
     * @param leaseId the lease
     * @param status  its status now (RELEASED or EXPIRED)
     */
    public LeaseNotActiveException(UUID leaseId, LeaseStatus status) {
        this(leaseId, status, "renewed");
    }

    /**
     * @param leaseId the lease
     * @param status  its status now (RELEASED or EXPIRED)
     * @param refused what cannot be done with it, as a past participle completing "cannot be …",
     *                e.g. {@code "renewed"}
     */
    public LeaseNotActiveException(UUID leaseId, LeaseStatus status, String refused) {
        super("lease " + leaseId + " is " + status + " and cannot be " + refused);
        this.status = status;
    }

    /**
     * For subclasses that word their own message.
     *
     * @param message the whole message
     * @param status  the lease's status now
     */
    protected LeaseNotActiveException(String message, LeaseStatus status) {
        super(message);
        this.status = status;
    }

    /** The lease's status when the operation was refused. */
    public LeaseStatus status() {
        return status;
    }
}
