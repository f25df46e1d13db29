package io.pharox.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-proxy pacing: the minimum interval between two grants of one proxy (see
 * {@code docs/pacing.md}). A proxy may carry its own {@linkplain Proxy#minGrantInterval()
 * interval} and a pool a {@linkplain ProxyPool#minGrantInterval() default}; the interval that
 * applies to a proxy is its own, else its pool's, else none.
 *
 * <p>An interval is positive, at most {@link #MAX_MIN_GRANT_INTERVAL}, and whole milliseconds,
 * the precision every adapter stores: a finer value is rejected rather than truncated, so that
 * an interval reads back exactly as it was given.
 */
public final class Pacing {

    /** The longest interval between grants accepted: one day. */
    public static final Duration MAX_MIN_GRANT_INTERVAL = Duration.ofDays(1);

    private Pacing() {}

    /**
     * Checks a minimum interval between grants.
     *
     * @param field the name of the value, for the message
     * @return {@code interval}
     * @throws NullPointerException if it is {@code null}, naming {@code field}
     * @throws IllegalArgumentException if it is zero, negative, longer than
     *         {@link #MAX_MIN_GRANT_INTERVAL} or not whole milliseconds; the message names the value
     */
    public static Duration requireMinGrantInterval(String field, Duration interval) {
        Objects.requireNonNull(interval, field);
        if (interval.isNegative()
                || interval.isZero()
                || interval.compareTo(MAX_MIN_GRANT_INTERVAL) > 0
                || interval.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException(field + " must be positive, at most " + MAX_MIN_GRANT_INTERVAL
                    + " and whole milliseconds, was " + interval);
        }
        return interval;
    }

    /**
     * The interval that applies to {@code proxy} in {@code pool}: the proxy's own, else the pool's
     * default, else none.
     */
    public static Optional<Duration> effective(Proxy proxy, @Nullable ProxyPool pool) {
        Optional<Duration> own = proxy.minGrantInterval();
        return own.isPresent() || pool == null ? own : pool.minGrantInterval();
    }
}
