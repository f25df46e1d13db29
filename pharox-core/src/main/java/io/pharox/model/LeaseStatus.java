package io.pharox.model;

/** Life-cycle state of a lease. */
public enum LeaseStatus {
    /** Held by its consumer until released or until its expiry time passes. */
    ACTIVE,
    /** Given back by its consumer. Final. */
    RELEASED,
    /** Not released before its expiry time; its slot has been (or is being) reclaimed. Final. */
    EXPIRED
}
