package io.pharox.model;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Checks that a value can be stored by every storage adapter, so that all adapters accept and
 * reject the same input: the model's constructors and builders call them, and adapters may
 * call them for values they take directly (a pool's description).
 *
 * <ul>
 *   <li>Text must be well-formed Unicode without NUL: PostgreSQL's {@code text} rejects
 *       U+0000, and UTF-8 cannot encode an unpaired surrogate (a driver would store
 *       {@code ?} instead). Any other character, quotes and SQL wildcards included, is
 *       valid and stored verbatim.</li>
 *   <li>Instants must lie in the years 1 to 9999, which every SQL timestamp type holds.</li>
 *   <li>Latencies must lie in 0..{@link #MAX_LATENCY}, which a microsecond count in a
 *       64-bit column holds with room to spare.</li>
 *   <li>Instants and latencies are kept to the microsecond, PostgreSQL's precision: the
 *       checks truncate them, so that a value reads back the same from every adapter.</li>
 * </ul>
 * Messages name the field and never quote the text itself, which may be a password.
 */
public final class Storable {

    /** Earliest instant accepted: 0001-01-01T00:00:00Z. */
    public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    /** Latest instant accepted: 9999-12-31T23:59:59.999999999Z. */
    public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** Longest latency accepted. */
    public static final Duration MAX_LATENCY = Duration.ofDays(365);

    private Storable() {}

    /**
     * Checks text.
     *
     * @return {@code value}
     * @throws NullPointerException if it is {@code null}, naming {@code field}
     * @throws IllegalArgumentException if it holds NUL or an unpaired surrogate, naming
     *         {@code field} and the index
     */
    public static String text(String field, String value) {
        Objects.requireNonNull(value, field);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException(
                        field + " must not contain NUL characters (U+0000), found one at index " + i);
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(
                        field + " must be well-formed Unicode, found an unpaired surrogate at index " + i);
            }
        }
        return value;
    }

    /**
     * Checks an instant.
     *
     * @return {@code value} truncated to microseconds
     * @throws NullPointerException if it is {@code null}, naming {@code field}
     * @throws IllegalArgumentException if it is outside {@link #MIN_INSTANT}..{@link #MAX_INSTANT}
     */
    public static Instant instant(String field, Instant value) {
        Objects.requireNonNull(value, field);
        if (value.isBefore(MIN_INSTANT) || value.isAfter(MAX_INSTANT)) {
            throw new IllegalArgumentException(
                    field + " must be between " + MIN_INSTANT + " and " + MAX_INSTANT + ", was " + value);
        }
        return value.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Checks a measured latency.
     *
     * @return {@code value} truncated to microseconds
     * @throws NullPointerException if it is {@code null}, naming {@code field}
     * @throws IllegalArgumentException if it is negative or longer than {@link #MAX_LATENCY}
     */
    public static Duration latency(String field, Duration value) {
        Objects.requireNonNull(value, field);
        if (value.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative, was " + value);
        }
        if (value.compareTo(MAX_LATENCY) > 0) {
            throw new IllegalArgumentException(field + " must be at most " + MAX_LATENCY + ", was " + value);
        }
        return value.truncatedTo(ChronoUnit.MICROS);
    }
}
