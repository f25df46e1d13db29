package io.pharox.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of checking one proxy, to be applied to storage. Immutable.
 *
 * <p>The error detail is meant for operators and never contains a password: health
 * checkers build it from what they observed, not from the proxy's credentials.
 *
 * <p>The HTTP status, when there is one, is the status line the probe received: the target's
 * answer, or the proxy's own refusal (407 for a rejected login, 403 for a refused tunnel).
 * Storage adapters persist status, latency and check time; the HTTP status and error detail
 * are for the caller and for logs.
 */
public final class HealthCheckResult {

    private final UUID proxyId;
    private final HealthStatus status;
    private final @Nullable Duration latency;
    private final Instant checkedAt;
    private final @Nullable String error;
    private final @Nullable Integer httpStatus;

    /**
     * A result without an HTTP status.
     *
     * @param latency time the probe took, or {@code null} if it did not complete
     * @param error   what went wrong, or {@code null} if nothing did
     * @throws NullPointerException if the proxy id, status or check time is {@code null}
     * @throws IllegalArgumentException if the latency is out of {@link Storable#latency range} or the check time
     *         out of {@link Storable#instant range}
     */
    public HealthCheckResult(
            UUID proxyId, HealthStatus status, @Nullable Duration latency, Instant checkedAt, @Nullable String error) {
        this(proxyId, status, latency, checkedAt, error, null);
    }

    /**
     * @param latency    time the probe took, or {@code null} if it did not complete
     * @param error      what went wrong, or {@code null} if nothing did
     * @param httpStatus the HTTP status the probe received, or {@code null} if it received none
     * @throws NullPointerException if the proxy id, status or check time is {@code null}
     * @throws IllegalArgumentException if the latency or check time is out of {@link Storable range}, or the HTTP
     *         status is not 100..599
     */
    public HealthCheckResult(
            UUID proxyId,
            HealthStatus status,
            @Nullable Duration latency,
            Instant checkedAt,
            @Nullable String error,
            @Nullable Integer httpStatus) {
        if (httpStatus != null && (httpStatus < 100 || httpStatus > 599)) {
            throw new IllegalArgumentException("httpStatus must be 100..599, was " + httpStatus);
        }
        this.httpStatus = httpStatus;
        this.proxyId = Objects.requireNonNull(proxyId, "proxyId");
        this.status = Objects.requireNonNull(status, "status");
        this.latency = latency == null ? null : Storable.latency("latency", latency);
        this.checkedAt = Storable.instant("checkedAt", checkedAt);
        this.error = error;
    }

    /**
     * A check that went through in {@code latency} with the given outcome.
     *
     * @throws IllegalArgumentException if the status is not HEALTHY or SLOW
     */
    public static HealthCheckResult passed(UUID proxyId, HealthStatus status, Duration latency, Instant checkedAt) {
        Objects.requireNonNull(status, "status");
        if (!status.passed()) {
            throw new IllegalArgumentException("a passed check must be HEALTHY or SLOW, was " + status);
        }
        return new HealthCheckResult(proxyId, status, Objects.requireNonNull(latency, "latency"), checkedAt, null);
    }

    /** A healthy check that took {@code latency}. */
    public static HealthCheckResult healthy(UUID proxyId, Duration latency, Instant checkedAt) {
        return passed(proxyId, HealthStatus.HEALTHY, latency, checkedAt);
    }

    /**
     * A failed check, with what went wrong.
     *
     * @throws IllegalArgumentException if the status is HEALTHY or SLOW
     */
    public static HealthCheckResult failed(UUID proxyId, HealthStatus status, String error, Instant checkedAt) {
        Objects.requireNonNull(status, "status");
        if (status.passed()) {
            throw new IllegalArgumentException("a failed check cannot be " + status);
        }
        return new HealthCheckResult(proxyId, status, null, checkedAt, Objects.requireNonNull(error, "error"));
    }

    /**
     * A copy of this result with the HTTP status the probe received.
     *
     * @throws IllegalArgumentException if the status is not 100..599
     */
    public HealthCheckResult withHttpStatus(int httpStatus) {
        return new HealthCheckResult(proxyId, status, latency, checkedAt, error, httpStatus);
    }

    /** The checked proxy. */
    public UUID proxyId() {
        return proxyId;
    }

    /** The outcome. */
    public HealthStatus status() {
        return status;
    }

    /** Time the probe took, if it completed. */
    public Optional<Duration> latency() {
        return Optional.ofNullable(latency);
    }

    /** When the check finished. */
    public Instant checkedAt() {
        return checkedAt;
    }

    /** What went wrong, if anything. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** The HTTP status the probe received, if it received one. */
    public OptionalInt httpStatus() {
        return httpStatus == null ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HealthCheckResult)) {
            return false;
        }
        HealthCheckResult r = (HealthCheckResult) o;
        return proxyId.equals(r.proxyId)
                && status == r.status
                && Objects.equals(latency, r.latency)
                && checkedAt.equals(r.checkedAt)
                && Objects.equals(error, r.error)
                && Objects.equals(httpStatus, r.httpStatus);
    }

    @Override
    public int hashCode() {
        return Objects.hash(proxyId, status, latency, checkedAt, error, httpStatus);
    }

    @Override
    public String toString() {
        return "HealthCheckResult[proxy=" + proxyId + ", status=" + status
                + (latency == null ? "" : ", latency=" + latency.toMillis() + "ms")
                + (httpStatus == null ? "" : ", http=" + httpStatus)
                + ", checkedAt=" + checkedAt + (error == null ? "" : ", error=" + error) + ']';
    }
}
