package io.pharox.exception;

import java.util.UUID;

/** No lease has the given id. */
public class LeaseNotFoundException extends PharoxException {

    private static final long serialVersionUID = 1L;

    /** @param leaseId the id that was looked up */
    public LeaseNotFoundException(UUID leaseId) {
        super("lease " + leaseId + " does not exist");
    }
}
