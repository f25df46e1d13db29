package io.pharox.model;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one request made through a leased proxy: a success with its latency, or a
 * failure with its {@link FailureReason}. Reported on the lease (see
 * {@link io.pharox.ProxyManager#report}), it feeds the proxy's circuit breaker, its per-target
 * bans and its scores, in the store, so every process sharing the store learns from it.
 *
 * <p>Immutable; create with the static factories.
 */
public final class Outcome {

    /** Longest target host name accepted: a DNS name's limit. */
    public static final int MAX_TARGET_LENGTH = 253;

    private final @Nullable FailureReason reason;
    private final @Nullable Duration latency;
    private final @Nullable String target;
    private final int httpStatus;

    private Outcome(
            @Nullable FailureReason reason, @Nullable Duration latency, @Nullable String target, int httpStatus) {
        this.reason = reason;
        this.latency = latency;
        this.target = target;
        this.httpStatus = httpStatus;
    }

    /**
     * The request went through in {@code latency}.
     *
     * @throws NullPointerException if {@code latency} is {@code null}
     * @throws IllegalArgumentException if it is negative
     */
    public static Outcome success(Duration latency) {
        return new Outcome(null, requireLatency(latency), null, 0);
    }

    /**
     * The request failed for {@code reason}. Use {@link #targetBlocked} and {@link #httpStatus}
     * for the two reasons that carry a value.
     *
     * @throws NullPointerException if {@code reason} is {@code null}
     * @throws IllegalArgumentException if it is {@link FailureReason#TARGET_BLOCKED} or
     *         {@link FailureReason#HTTP_STATUS}, which need their value
     */
    public static Outcome failure(FailureReason reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason == FailureReason.TARGET_BLOCKED || reason == FailureReason.HTTP_STATUS) {
            throw new IllegalArgumentException(
                    reason + " needs its value: use Outcome.targetBlocked(host) or Outcome.httpStatus(code)");
        }
        return new Outcome(reason, null, null, 0);
    }

    /**
     * The target {@code host} refuses this proxy: the proxy is banned for that host only, for the
     * policy's ban cooldown. The host is compared without case.
     *
     * @throws NullPointerException if {@code host} is {@code null}
     * @throws IllegalArgumentException if it is not a valid {@link #requireTarget target}
     */
    public static Outcome targetBlocked(String host) {
        return new Outcome(FailureReason.TARGET_BLOCKED, null, requireTarget(host), 0);
    }

    /**
     * The request got an answer with the unexpected HTTP status {@code code}.
     *
     * @throws IllegalArgumentException if {@code code} is not between 100 and 599
     */
    public static Outcome httpStatus(int code) {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("HTTP status must be between 100 and 599, was " + code);
        }
        return new Outcome(FailureReason.HTTP_STATUS, null, null, code);
    }

    /**
     * Checks and normalizes a target host as requests and outcomes name it: trimmed, lower case,
     * 1 to {@value #MAX_TARGET_LENGTH} characters, {@link Storable#text storable}, no whitespace.
     *
     * @return the normalized host
     * @throws NullPointerException if it is {@code null}
     * @throws IllegalArgumentException if it is blank, too long or holds whitespace or a control
     *         character (the message names it)
     */
    public static String requireTarget(String host) {
        Objects.requireNonNull(host, "target");
        String normalized = host.strip().toLowerCase(Locale.ROOT);
        if (normalized.isEmpty() || normalized.length() > MAX_TARGET_LENGTH) {
            throw new IllegalArgumentException(
                    "target must be a host name of 1 to " + MAX_TARGET_LENGTH + " characters, was '" + host + "'");
        }
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("target must not hold whitespace or control characters, was '"
                        + host.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
        return Storable.text("target", normalized);
    }

    private static Duration requireLatency(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, was " + latency);
        }
        return latency;
    }

    /** Whether the request went through. */
    public boolean isSuccess() {
        return reason == null;
    }

    /**
     * Whether this outcome counts against the proxy: every failure except
     * {@link FailureReason#TARGET_BLOCKED}.
     */
    public boolean countsAgainstProxy() {
        return reason != null && reason != FailureReason.TARGET_BLOCKED;
    }

    /** Why it failed; empty for a success. */
    public Optional<FailureReason> reason() {
        return Optional.ofNullable(reason);
    }

    /** The latency of a success; empty for a failure. */
    public Optional<Duration> latency() {
        return Optional.ofNullable(latency);
    }

    /** The blocking target of a {@link FailureReason#TARGET_BLOCKED} failure, normalized. */
    public Optional<String> target() {
        return Optional.ofNullable(target);
    }

    /** The status code of an {@link FailureReason#HTTP_STATUS} failure. */
    public OptionalInt httpStatus() {
        return reason == FailureReason.HTTP_STATUS ? OptionalInt.of(httpStatus) : OptionalInt.empty();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Outcome)) {
            return false;
        }
        Outcome other = (Outcome) o;
        return reason == other.reason
                && Objects.equals(latency, other.latency)
                && Objects.equals(target, other.target)
                && httpStatus == other.httpStatus;
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, latency, target, httpStatus);
    }

    @Override
    public String toString() {
        if (reason == null) {
            return "Outcome[success, latency=" + latency + ']';
        }
        return "Outcome[" + reason + (target == null ? "" : ", target=" + target)
                + (reason == FailureReason.HTTP_STATUS ? ", status=" + httpStatus : "") + ']';
    }
}
