package io.pharox;

import io.pharox.exception.CredentialDecryptionException;
import io.pharox.exception.CredentialEncryptionRequiredException;
import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.StorageException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * How often, and how far apart, the {@link ProxyManager}'s retrying calls try to acquire a lease:
 * {@link ProxyManager#acquire(io.pharox.storage.AcquireRequest, RetryPolicy)},
 * {@link ProxyManager#withLease(io.pharox.storage.AcquireRequest, RetryPolicy, java.util.function.Function)}
 * and {@link ProxyManager#lease(io.pharox.storage.AcquireRequest, RetryPolicy)}. Immutable and
 * thread-safe: one policy may serve every thread.
 *
 * <p>An attempt is one non-waiting {@link ProxyManager#acquire(io.pharox.storage.AcquireRequest)}.
 * An attempt that finds no proxy is retried, up to {@link #maxAttempts()} attempts in all. An
 * attempt that throws is retried only if the {@linkplain #withRetryOn failure predicate} accepts
 * the exception (by default it accepts none); {@link PoolNotFoundException},
 * {@link IllegalArgumentException}, {@link NullPointerException},
 * {@link CredentialDecryptionException}, {@link CredentialEncryptionRequiredException} and
 * {@link LeaseNotActiveException} (an idempotency key whose lease has ended) are never retried,
 * whatever the predicate says: repeating the call cannot change them.
 *
 * <p>The pause after the {@code k}-th failed attempt (k = 1, 2, …) is
 *
 * <pre>
 * base(k)  = min(maxBackoff, initialBackoff × multiplier^(k−1))
 * delay(k) = base(k) × (1 + jitter × u),   u uniform in [−1, 1)
 * </pre>
 *
 * so with jitter {@code j} a pause lies in {@code [base × (1 − j), base × (1 + j)]}: the cap
 * bounds the base, and jitter may take a pause up to {@code j × maxBackoff} past it. Delays are
 * computed in nanoseconds and rounded down.
 *
 * <p>{@link #withRandom} and {@link #withSleeper} replace where {@code u} comes from and how a
 * pause is spent, so that tests draw fixed values and need not sleep.
 */
public final class RetryPolicy {

    /** Longest {@link #maxBackoff()} accepted: one day. */
    public static final Duration MAX_BACKOFF = Duration.ofDays(1);

    /**
     * How a retrying call spends the pause between two attempts. The default sleeps the calling
     * thread ({@link TimeUnit#sleep}); a test may record the delays instead, or do something
     * between attempts (free a proxy).
     */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Pauses for {@code delay} (zero or more).
         *
         * @throws InterruptedException if the thread is interrupted while pausing
         */
        void sleep(Duration delay) throws InterruptedException;
    }

    private static final Sleeper THREAD_SLEEP = delay -> TimeUnit.NANOSECONDS.sleep(delay.toNanos());

    /** Draws from the calling thread's {@link ThreadLocalRandom}, so one policy serves any thread. */
    private static final RandomGenerator THREAD_RANDOM =
            () -> ThreadLocalRandom.current().nextLong();

    private static final Predicate<RuntimeException> NOTHING = e -> false;

    private static final RetryPolicy DEFAULTS = new RetryPolicy(
            3, Duration.ofMillis(500), 2.0, Duration.ofSeconds(10), 0.2, NOTHING, THREAD_RANDOM, THREAD_SLEEP);

    private static final RetryPolicy NONE =
            new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, 0.0, NOTHING, THREAD_RANDOM, THREAD_SLEEP);

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final double jitter;
    private final Predicate<? super RuntimeException> retryOn;
    private final RandomGenerator random;
    private final Sleeper sleeper;

    private RetryPolicy(
            int maxAttempts,
            Duration initialBackoff,
            double multiplier,
            Duration maxBackoff,
            double jitter,
            Predicate<? super RuntimeException> retryOn,
            RandomGenerator random,
            Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be 1 or more, was " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxBackoff.isNegative() || maxBackoff.compareTo(MAX_BACKOFF) > 0) {
            throw new IllegalArgumentException(
                    "maxBackoff must be between PT0S and " + MAX_BACKOFF + ", was " + maxBackoff);
        }
        if (initialBackoff.isNegative() || initialBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalArgumentException(
                    "initialBackoff must be between PT0S and maxBackoff " + maxBackoff + ", was " + initialBackoff);
        }
        if (!(multiplier >= 1.0 && Double.isFinite(multiplier))) {
            throw new IllegalArgumentException("multiplier must be finite and 1 or more, was " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0, 1], was " + jitter);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.multiplier = multiplier;
        this.maxBackoff = maxBackoff;
        this.jitter = jitter;
        this.retryOn = Objects.requireNonNull(retryOn, "retryOn");
        this.random = Objects.requireNonNull(random, "random");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * 3 attempts, 500 ms initial backoff, multiplier 2.0, 10 s cap, jitter 0.2; retries an
     * attempt that found no proxy, no exception. The pauses are about 500 ms and 1 s.
     */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** One attempt, no pause: a retrying call that behaves as a plain acquire. */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * A predicate for {@link #withRetryOn}: accepts a {@link StorageException} (a lost connection,
     * a database restart). Such an acquire may have been granted a lease its caller never saw;
     * give the request an {@linkplain io.pharox.storage.AcquireRequest#idempotencyKey() idempotency
     * key} so that the retry returns that lease rather than taking a second one.
     */
    public static Predicate<RuntimeException> storageFailures() {
        return StorageException.class::isInstance;
    }

    /** Attempts in all, the first included; 1 or more. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The pause after the first failed attempt, before jitter; 0..{@link #maxBackoff()}. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** How much each pause grows over the one before, before the cap; finite, 1 or more. */
    public double multiplier() {
        return multiplier;
    }

    /** The cap of a pause before jitter; 0..{@link #MAX_BACKOFF}, not shorter than the initial backoff. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The spread of a pause around its base, as a fraction of it; in [0, 1]. */
    public double jitter() {
        return jitter;
    }

    /**
     * A copy with another number of attempts in all.
     *
     * @throws IllegalArgumentException if {@code attempts} is less than 1
     */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, multiplier, maxBackoff, jitter, retryOn, random, sleeper);
    }

    /**
     * A copy with another backoff: the first pause {@code initial}, each next one
     * {@code multiplier} times longer, none longer than {@code cap} (before jitter).
     *
     * @throws NullPointerException if a duration is {@code null}
     * @throws IllegalArgumentException if {@code cap} is negative or longer than
     *         {@link #MAX_BACKOFF}, {@code initial} negative or longer than {@code cap}, or
     *         {@code multiplier} less than 1, infinite or NaN; the message names the value
     */
    public RetryPolicy withBackoff(Duration initial, double multiplier, Duration cap) {
        return new RetryPolicy(maxAttempts, initial, multiplier, cap, jitter, retryOn, random, sleeper);
    }

    /**
     * A copy with another jitter.
     *
     * @throws IllegalArgumentException if {@code jitter} is outside [0, 1] or NaN
     */
    public RetryPolicy withJitter(double jitter) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, retryOn, random, sleeper);
    }

    /**
     * A copy that also retries an attempt that threw an exception {@code failure} accepts (the
     * exceptions listed in the class comment excepted). It replaces the previous predicate.
     * Example: {@code withRetryOn(RetryPolicy.storageFailures())}.
     */
    public RetryPolicy withRetryOn(Predicate<? super RuntimeException> failure) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, failure, random, sleeper);
    }

    /**
     * A copy that draws the jitter's {@code u} with {@code random.nextDouble(-1.0, 1.0)}. The
     * generator is then shared by every thread using the policy; give a thread-safe one, or use
     * the copy on one thread. Default: the calling thread's {@link ThreadLocalRandom}.
     */
    public RetryPolicy withRandom(RandomGenerator random) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, retryOn, random, sleeper);
    }

    /** A copy that spends its pauses with {@code sleeper}. Default: sleep the calling thread. */
    public RetryPolicy withSleeper(Sleeper sleeper) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, retryOn, random, sleeper);
    }

    /**
     * The pause after the {@code failedAttempt}-th failed attempt before jitter:
     * {@code min(maxBackoff, initialBackoff × multiplier^(failedAttempt − 1))}.
     *
     * @throws IllegalArgumentException if {@code failedAttempt} is less than 1
     */
    public Duration baseDelay(int failedAttempt) {
        if (failedAttempt < 1) {
            throw new IllegalArgumentException("failedAttempt must be 1 or more, was " + failedAttempt);
        }
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, failedAttempt - 1.0);
        return nanos >= maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos((long) nanos);
    }

    /**
     * The pause after the {@code failedAttempt}-th failed attempt, jitter included:
     * {@code baseDelay(failedAttempt) × (1 + jitter × u)} with {@code u} drawn from this policy's
     * random generator in [−1, 1). With no jitter nothing is drawn.
     *
     * @throws IllegalArgumentException if {@code failedAttempt} is less than 1
     */
    public Duration delay(int failedAttempt) {
        Duration base = baseDelay(failedAttempt);
        if (jitter == 0.0 || base.isZero()) {
            return base;
        }
        double u = random.nextDouble(-1.0, 1.0);
        return Duration.ofNanos((long) (base.toNanos() * (1.0 + jitter * u)));
    }

    /** Whether an attempt that threw {@code failure} is tried again (attempts left permitting). */
    boolean retries(RuntimeException failure) {
        if (failure instanceof PoolNotFoundException
                || failure instanceof IllegalArgumentException
                || failure instanceof NullPointerException
                || failure instanceof CredentialDecryptionException
                || failure instanceof CredentialEncryptionRequiredException
                || failure instanceof LeaseNotActiveException) {
            return false;
        }
        return retryOn.test(failure);
    }

    /** Spends the pause after the {@code failedAttempt}-th failed attempt. */
    void pauseAfter(int failedAttempt) throws InterruptedException {
        sleeper.sleep(delay(failedAttempt));
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", multiplier="
                + multiplier + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter + ']';
    }
}
