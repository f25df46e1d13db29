package io.pharox;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempts of a retrying call under a {@link RetryPolicy}: try, and while the attempt found
 * nothing (or threw what the policy retries) and attempts are left, pause and try again.
 */
final class RetryLoop {

    private static final Logger LOG = LoggerFactory.getLogger(RetryLoop.class);

    private RetryLoop() {}

    /**
     * Runs up to {@code policy.maxAttempts()} attempts.
     *
     * @param what names the call in log lines and in the {@link InterruptedException}
     * @return the first present result, or empty if the last attempt found nothing
     * @throws RuntimeException what an attempt threw that the policy does not retry, or what the
     *         last attempt threw
     * @throws InterruptedException if the thread is interrupted before an attempt or during a
     *         pause; the interrupt flag is then clear, as after {@link Thread#sleep}
     */
    static <T> Optional<T> run(RetryPolicy policy, String what, Supplier<Optional<T>> attempt)
            throws InterruptedException {
        Objects.requireNonNull(policy, "retry");
        for (int k = 1; ; k++) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted before attempt " + k + " of " + what);
            }
            Optional<T> result;
            try {
                result = attempt.get();
            } catch (RuntimeException e) {
                if (k >= policy.maxAttempts() || !policy.retries(e)) {
                    throw e;
                }
                LOG.debug("attempt {} of {} failed, retrying: {}", k, what, e.toString());
                result = Optional.empty();
            }
            if (result.isPresent() || k >= policy.maxAttempts()) {
                return result;
            }
            try {
                policy.pauseAfter(k);
            } catch (InterruptedException e) {
                Thread.interrupted(); // a sleeper that restored the flag: the exception carries it
                InterruptedException ours = new InterruptedException("interrupted after attempt " + k + " of " + what);
                ours.initCause(e);
                throw ours;
            }
        }
    }
}
