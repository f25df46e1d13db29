package io.pharox.health;

import io.pharox.model.HealthStatus;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link ProxyProbe} call found: passed, or failed with a {@link HealthStatus} and a
 * detail for operators; with the HTTP status received, if any. The {@link HealthChecker} turns it
 * into a {@link io.pharox.model.HealthCheckResult}, adding the latency, SLOW or HEALTHY for a
 * passed probe, and the check time. Immutable.
 */
public final class ProbeResult {

    private static final ProbeResult PASSED = new ProbeResult(HealthStatus.HEALTHY, null, null);

    private final HealthStatus status;
    private final @Nullable String detail;
    private final @Nullable Integer httpStatus;

    private ProbeResult(HealthStatus status, @Nullable String detail, @Nullable Integer httpStatus) {
        if (httpStatus != null && (httpStatus < 100 || httpStatus > 599)) {
            throw new IllegalArgumentException("httpStatus must be 100..599, was " + httpStatus);
        }
        this.status = status;
        this.detail = detail;
        this.httpStatus = httpStatus;
    }

    /** The proxy passed, without an HTTP status (the probe spoke another protocol). */
    public static ProbeResult passed() {
        return PASSED;
    }

    /**
     * The proxy passed; the target answered {@code httpStatus}.
     *
     * @throws IllegalArgumentException if the status is not 100..599
     */
    public static ProbeResult passed(int httpStatus) {
        return new ProbeResult(HealthStatus.HEALTHY, null, httpStatus);
    }

    /**
     * The proxy failed, for the reason {@code detail} gives an operator.
     *
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the status is HEALTHY or SLOW, or the detail is blank
     */
    public static ProbeResult failed(HealthStatus status, String detail) {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        if (status.passed()) {
            throw new IllegalArgumentException("a failed probe cannot be " + status);
        }
        if (detail.isBlank()) {
            throw new IllegalArgumentException("a failed probe needs a detail saying why, was '" + detail + "'");
        }
        return new ProbeResult(status, detail, null);
    }

    /**
     * The proxy failed, and the probe received {@code httpStatus} (a proxy's 407, a target's 503).
     *
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the status is HEALTHY or SLOW, the detail is blank or the
     *         HTTP status is not 100..599
     */
    public static ProbeResult failed(HealthStatus status, String detail, int httpStatus) {
        ProbeResult failed = failed(status, detail);
        return new ProbeResult(failed.status, failed.detail, httpStatus);
    }

    /** Whether the proxy passed. */
    public boolean isPassed() {
        return status.passed();
    }

    /** HEALTHY for a passed probe (the checker decides whether it was SLOW), else why it failed. */
    public HealthStatus status() {
        return status;
    }

    /** Why the probe failed; empty for a passed one. */
    public Optional<String> detail() {
        return Optional.ofNullable(detail);
    }

    /** The HTTP status the probe received, if it received one. */
    public OptionalInt httpStatus() {
        return httpStatus == null ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbeResult r
                && status == r.status
                && Objects.equals(detail, r.detail)
                && Objects.equals(httpStatus, r.httpStatus);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, detail, httpStatus);
    }

    @Override
    public String toString() {
        return "ProbeResult[" + (isPassed() ? "passed" : status.toString())
                + (httpStatus == null ? "" : ", http=" + httpStatus) + (detail == null ? "" : ", detail=" + detail)
                + ']';
    }
}
