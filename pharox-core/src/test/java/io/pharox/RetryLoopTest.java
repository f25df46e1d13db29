package io.pharox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.StorageException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The attempts and pauses of a retrying call, with a sleeper that records instead of sleeping. */
class RetryLoopTest {

    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();

    /** 100 ms doubling up to 350 ms, no jitter, pauses recorded. */
    private final RetryPolicy policy = RetryPolicy.defaults()
            .withMaxAttempts(5)
            .withBackoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(350))
            .withJitter(0)
            .withSleeper(pauses::add);

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    /** An attempt that answers, in order, with each of {@code outcomes}: a value, null (nothing found) or an exception. */
    private Supplier<Optional<String>> answering(Object... outcomes) {
        Deque<Object> queue = new ArrayDeque<>();
        for (Object o : outcomes) {
            queue.add(o == null ? Optional.empty() : o);
        }
        return () -> {
            attempts.incrementAndGet();
            Object next = queue.remove();
            if (next instanceof RuntimeException e) {
                throw e;
            }
            return next instanceof String s ? Optional.of(s) : Optional.empty();
        };
    }

    @Test
    void the_first_attempt_that_finds_something_ends_the_loop() throws InterruptedException {
        Optional<String> result = RetryLoop.run(policy, "test", answering(null, null, "proxy"));

        assertThat(result).contains("proxy");
        assertThat(attempts).hasValue(3);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void a_first_attempt_that_finds_something_pauses_never() throws InterruptedException {
        assertThat(RetryLoop.run(policy, "test", answering("proxy"))).contains("proxy");
        assertThat(attempts).hasValue(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void it_gives_up_after_max_attempts_with_capped_pauses_between_them() throws InterruptedException {
        Optional<String> result = RetryLoop.run(policy, "test", answering(null, null, null, null, null));

        assertThat(result).isEmpty();
        assertThat(attempts).hasValue(5);
        assertThat(pauses)
                .containsExactly(
                        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350), Duration.ofMillis(350));
    }

    @Test
    void one_attempt_means_no_retry() throws InterruptedException {
        assertThat(RetryLoop.run(RetryPolicy.none().withSleeper(pauses::add), "test", answering((Object) null)))
                .isEmpty();
        assertThat(attempts).hasValue(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void a_failure_the_policy_does_not_retry_ends_the_loop_at_once() {
        StorageException down = new StorageException("down", new SQLException("08006"));

        assertThatThrownBy(() -> RetryLoop.run(policy, "test", answering(null, down, "proxy")))
                .isSameAs(down);
        assertThat(attempts).hasValue(2);
        assertThat(pauses).hasSize(1);
    }

    @Test
    void a_failure_the_policy_retries_is_followed_by_a_pause_and_another_attempt() throws InterruptedException {
        RetryPolicy retrying = policy.withRetryOn(RetryPolicy.storageFailures());
        StorageException down = new StorageException("down", new SQLException("08006"));

        assertThat(RetryLoop.run(retrying, "test", answering(down, null, down, "proxy")))
                .contains("proxy");
        assertThat(attempts).hasValue(4);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350));
    }

    @Test
    void the_last_attempts_failure_is_thrown_when_attempts_run_out() {
        RetryPolicy retrying = policy.withMaxAttempts(3).withRetryOn(RetryPolicy.storageFailures());
        StorageException first = new StorageException("first", new SQLException());
        StorageException last = new StorageException("last", new SQLException());

        assertThatThrownBy(() -> RetryLoop.run(retrying, "test", answering(first, null, last)))
                .isSameAs(last);
        assertThat(attempts).hasValue(3);
        assertThat(pauses).hasSize(2);
    }

    @Test
    void a_missing_pool_is_never_retried_whatever_the_predicate() {
        PoolNotFoundException missing = new PoolNotFoundException("nowhere");

        assertThatThrownBy(() -> RetryLoop.run(policy.withRetryOn(e -> true), "test", answering(missing, "proxy")))
                .isSameAs(missing);
        assertThat(attempts).hasValue(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void an_interrupted_pause_ends_the_loop_with_interrupted_exception_and_a_clear_flag() {
        InterruptedException cause = new InterruptedException("sleep interrupted");
        RetryPolicy interrupted = policy.withSleeper(delay -> {
            pauses.add(delay);
            Thread.currentThread().interrupt();
            throw cause;
        });

        assertThatThrownBy(() -> RetryLoop.run(interrupted, "an acquire in pool 'p'", answering(null, "proxy")))
                .isInstanceOf(InterruptedException.class)
                .hasMessageContaining("pool 'p'")
                .hasCause(cause);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(attempts).hasValue(1);
        assertThat(pauses).hasSize(1);
    }

    @Test
    void a_loop_started_on_an_interrupted_thread_makes_no_attempt() {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> RetryLoop.run(policy, "an acquire in pool 'p'", answering("proxy")))
                .isInstanceOf(InterruptedException.class)
                .hasMessageContaining("pool 'p'");
        assertThat(attempts).hasValue(0);
    }

    @Test
    void the_default_sleeper_really_pauses() throws InterruptedException {
        RetryPolicy real = RetryPolicy.defaults()
                .withMaxAttempts(2)
                .withBackoff(Duration.ofMillis(20), 1.0, Duration.ofMillis(20))
                .withJitter(0);
        long start = System.nanoTime();

        assertThat(RetryLoop.run(real, "test", answering(null, "proxy"))).contains("proxy");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
    }
}
