package io.pharox.storage;

import io.pharox.model.Storable;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A sticky session for an {@link AcquireRequest}: every acquire with the same key in the same
 * pool gets the same proxy while the session lives, from any process sharing the store.
 * Immutable; the {@code with…} methods return changed copies:
 *
 * <pre>{@code
 * StickySession.of("checkout-42").withIdleTimeout(Duration.ofMinutes(2)).withMaxUses(50).waitForProxy()
 * }</pre>
 *
 * <p>A session lives until its idle deadline: each grant through it moves the deadline to the
 * later of its current value and the grant's expiry plus {@link #idleTimeout()}; renewals do not
 * move it. A grant that brings its uses to {@link #maxUses()} ends it. The limits of each acquire
 * apply to that acquire's grant. {@code docs/sessions.md} has the exact rules.
 *
 * @param key           the session's name in its pool: not blank, at most {@value #MAX_KEY_LENGTH}
 *                      characters, {@linkplain Storable#text storable}
 * @param idleTimeout   how long the session outlives the expiry of its latest grant:
 *                      {@link #MIN_IDLE_TIMEOUT}..{@link #MAX_IDLE_TIMEOUT}, kept to the microsecond
 * @param maxUses       the grants after which the session ends; empty for no limit
 * @param onUnavailable what an acquire does when the session's proxy cannot be leased
 */
public record StickySession(String key, Duration idleTimeout, OptionalInt maxUses, SessionFallback onUnavailable) {

    /** Longest key accepted, in characters. */
    public static final int MAX_KEY_LENGTH = 255;
    /** Shortest idle timeout accepted. */
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMillis(1);
    /** Longest idle timeout accepted. */
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofDays(7);
    /** Idle timeout when none is given. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the key, the idle timeout or the maximum of uses is
     *         invalid (the message names the value)
     */
    public StickySession {
        requireKey(key);
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(maxUses, "maxUses");
        Objects.requireNonNull(onUnavailable, "onUnavailable");
        idleTimeout = idleTimeout.truncatedTo(ChronoUnit.MICROS);
        if (idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0 || idleTimeout.compareTo(MAX_IDLE_TIMEOUT) > 0) {
            throw new IllegalArgumentException("session idleTimeout must be between " + MIN_IDLE_TIMEOUT + " and "
                    + MAX_IDLE_TIMEOUT + ", was " + idleTimeout);
        }
        if (maxUses.isPresent() && maxUses.getAsInt() < 1) {
            throw new IllegalArgumentException("session maxUses must be at least 1, was " + maxUses.getAsInt());
        }
    }

    /**
     * A session named {@code key} with {@link #DEFAULT_IDLE_TIMEOUT}, no maximum of uses, and
     * {@link SessionFallback#REBIND}.
     *
     * @throws NullPointerException if the key is {@code null}
     * @throws IllegalArgumentException if the key is blank, too long or not storable text
     */
    public static StickySession of(String key) {
        return new StickySession(key, DEFAULT_IDLE_TIMEOUT, OptionalInt.empty(), SessionFallback.REBIND);
    }

    /**
     * Checks a session key as every entry point does.
     *
     * @return the key
     * @throws NullPointerException if it is {@code null}
     * @throws IllegalArgumentException if it is blank, longer than {@value #MAX_KEY_LENGTH}
     *         characters or not {@linkplain Storable#text storable} text
     */
    public static String requireKey(String key) {
        Objects.requireNonNull(key, "session key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("session key must not be blank, was '" + key + "'");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "session key must be at most " + MAX_KEY_LENGTH + " characters, was " + key.length());
        }
        return Storable.text("session key", key);
    }

    /**
     * This session with another idle timeout.
     *
     * @throws NullPointerException if it is {@code null}
     * @throws IllegalArgumentException if it is out of range
     */
    public StickySession withIdleTimeout(Duration idleTimeout) {
        return new StickySession(key, idleTimeout, maxUses, onUnavailable);
    }

    /**
     * This session ending with its {@code maxUses}-th grant.
     *
     * @throws IllegalArgumentException if {@code maxUses} is below 1
     */
    public StickySession withMaxUses(int maxUses) {
        return new StickySession(key, idleTimeout, OptionalInt.of(maxUses), onUnavailable);
    }

    /** This session without a maximum of uses. */
    public StickySession withoutMaxUses() {
        return new StickySession(key, idleTimeout, OptionalInt.empty(), onUnavailable);
    }

    /** This session with {@code fallback} for when its proxy cannot be leased. */
    public StickySession withFallback(SessionFallback fallback) {
        return new StickySession(key, idleTimeout, maxUses, fallback);
    }

    /** This session waiting for its proxy: {@link SessionFallback#WAIT}. */
    public StickySession waitForProxy() {
        return withFallback(SessionFallback.WAIT);
    }

    /** This session rebinding to another proxy: {@link SessionFallback#REBIND}. */
    public StickySession rebindToAnotherProxy() {
        return withFallback(SessionFallback.REBIND);
    }

    /** Whether a grant that brings the session's uses to {@code uses} ends it. */
    public boolean endsAt(int uses) {
        return maxUses.isPresent() && uses >= maxUses.getAsInt();
    }
}
