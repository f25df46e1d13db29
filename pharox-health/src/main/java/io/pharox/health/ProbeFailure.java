package io.pharox.health;

import io.pharox.model.HealthStatus;
import org.jspecify.annotations.Nullable;

/**
 * Why one probe failed, as it will be reported: the outcome, an operator-facing detail built
 * from what was observed (never from the credentials) and the HTTP status if one was received.
 * Internal to the health checker; it never leaves {@link HealthChecker}.
 */
final class ProbeFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient HealthStatus status;
    private final @Nullable Integer httpStatus;

    ProbeFailure(HealthStatus status, String detail) {
        this(status, detail, null);
    }

    ProbeFailure(HealthStatus status, String detail, @Nullable Integer httpStatus) {
        super(detail, null, false, false);
        this.status = status;
        this.httpStatus = httpStatus;
    }

    HealthStatus status() {
        return status;
    }

    @Nullable
    Integer httpStatus() {
        return httpStatus;
    }

    /** What went wrong, as given when thrown; never null. */
    String detail() {
        return String.valueOf(getMessage());
    }
}
