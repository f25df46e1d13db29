package io.pharox.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * How outcome reports and health checks change a proxy's standing: when its circuit opens, for
 * how long, how long a per-target ban lasts, and how fast its scores follow new reports. The
 * {@link io.pharox.ProxyManager} holds one and passes it with every report; a report is applied
 * with the policy of the process that sends it.
 *
 * @param failureThreshold consecutive failures (counting against the proxy) that open a closed
 *                         circuit; 1..1000
 * @param cooldown         how long the circuit stays open after it first opens; each re-opening
 *                         (a failed half-open probe) doubles it
 * @param maxCooldown      the cap of the doubled cooldown; at least {@code cooldown}
 * @param banCooldown      how long a {@link io.pharox.model.FailureReason#TARGET_BLOCKED} report
 *                         bans the proxy for its target
 * @param smoothing        the weight of a new report in the exponentially weighted success rate
 *                         and latency, in (0, 1]: 1 keeps only the latest report
 */
public record OutcomePolicy(
        int failureThreshold, Duration cooldown, Duration maxCooldown, Duration banCooldown, double smoothing) {

    /** Shortest cooldown or ban accepted. */
    public static final Duration MIN_COOLDOWN = Duration.ofMillis(1);
    /** Longest cooldown or ban accepted. */
    public static final Duration MAX_COOLDOWN = Duration.ofDays(30);

    private static final OutcomePolicy DEFAULTS =
            new OutcomePolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(30), 0.2);

    /**
     * @throws NullPointerException if a duration is {@code null}
     * @throws IllegalArgumentException if a value is out of range (the message names it)
     */
    public OutcomePolicy {
        if (failureThreshold < 1 || failureThreshold > 1000) {
            throw new IllegalArgumentException("failureThreshold must be between 1 and 1000, was " + failureThreshold);
        }
        requireCooldown("cooldown", cooldown);
        requireCooldown("maxCooldown", maxCooldown);
        requireCooldown("banCooldown", banCooldown);
        if (maxCooldown.compareTo(cooldown) < 0) {
            throw new IllegalArgumentException(
                    "maxCooldown must not be shorter than cooldown " + cooldown + ", was " + maxCooldown);
        }
        if (!(smoothing > 0 && smoothing <= 1)) {
            throw new IllegalArgumentException("smoothing must be in (0, 1], was " + smoothing);
        }
    }

    /** 5 failures, 30 s cooldown doubling up to 10 min, 30 min bans, smoothing 0.2. */
    public static OutcomePolicy defaults() {
        return DEFAULTS;
    }

    /** A copy with another failure threshold. */
    public OutcomePolicy withFailureThreshold(int threshold) {
        return new OutcomePolicy(threshold, cooldown, maxCooldown, banCooldown, smoothing);
    }

    /** A copy with another first cooldown and cap. */
    public OutcomePolicy withCooldown(Duration first, Duration cap) {
        return new OutcomePolicy(failureThreshold, first, cap, banCooldown, smoothing);
    }

    /** A copy with another ban cooldown. */
    public OutcomePolicy withBanCooldown(Duration ban) {
        return new OutcomePolicy(failureThreshold, cooldown, maxCooldown, ban, smoothing);
    }

    /** A copy with another smoothing weight. */
    public OutcomePolicy withSmoothing(double weight) {
        return new OutcomePolicy(failureThreshold, cooldown, maxCooldown, banCooldown, weight);
    }

    /**
     * The cooldown of the circuit's {@code opening}-th opening since it last closed: {@code
     * cooldown × 2^(opening − 1)}, at most {@code maxCooldown}.
     *
     * @throws IllegalArgumentException if {@code opening} is less than 1
     */
    public Duration cooldownOf(int opening) {
        if (opening < 1) {
            throw new IllegalArgumentException("opening must be 1 or more, was " + opening);
        }
        Duration d = cooldown;
        for (int i = 1; i < opening && d.compareTo(maxCooldown) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxCooldown) > 0 ? maxCooldown : d;
    }

    private static void requireCooldown(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(MIN_COOLDOWN) < 0 || value.compareTo(MAX_COOLDOWN) > 0) {
            throw new IllegalArgumentException(
                    name + " must be between " + MIN_COOLDOWN + " and " + MAX_COOLDOWN + ", was " + value);
        }
    }
}
