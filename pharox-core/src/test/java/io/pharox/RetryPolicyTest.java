package io.pharox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.CredentialDecryptionException;
import io.pharox.exception.CredentialEncryptionRequiredException;
import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.StorageException;
import io.pharox.model.LeaseStatus;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    /** Hands out the given values of {@code u}, in order; any other draw fails the test. */
    static RandomGenerator fixedU(double... values) {
        Deque<Double> queue = new ArrayDeque<>();
        for (double v : values) {
            queue.add(v);
        }
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new AssertionError("only nextDouble(-1, 1) is drawn");
            }

            @Override
            public double nextDouble(double origin, double bound) {
                assertThat(origin).isEqualTo(-1.0);
                assertThat(bound).isEqualTo(1.0);
                return queue.remove();
            }
        };
    }

    @Test
    void the_defaults_are_those_the_docs_give() {
        RetryPolicy defaults = RetryPolicy.defaults();

        assertThat(defaults.maxAttempts()).isEqualTo(3);
        assertThat(defaults.initialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(defaults.multiplier()).isEqualTo(2.0);
        assertThat(defaults.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.jitter()).isEqualTo(0.2);
        assertThat(defaults.retries(new StorageException("down", new SQLException())))
                .isFalse();
        assertThat(defaults.toString()).contains("maxAttempts=3", "PT0.5S", "PT10S");
    }

    @Test
    void none_is_one_attempt_without_pause() {
        RetryPolicy none = RetryPolicy.none();

        assertThat(none.maxAttempts()).isEqualTo(1);
        assertThat(none.baseDelay(1)).isZero();
        assertThat(none.jitter()).isZero();
        assertThat(RetryPolicy.defaults()
                        .withBackoff(Duration.ZERO, 1000.0, Duration.ofSeconds(1))
                        .baseDelay(5_000))
                .as("no backoff stays none, however far the multiplier overflows")
                .isZero();
    }

    @Test
    void the_base_delays_grow_by_the_multiplier_up_to_the_cap() {
        RetryPolicy policy = RetryPolicy.defaults()
                .withBackoff(Duration.ofMillis(100), 3.0, Duration.ofSeconds(2))
                .withJitter(0);

        assertThat(IntStream.rangeClosed(1, 6).mapToObj(policy::baseDelay).toList())
                .containsExactly(
                        Duration.ofMillis(100),
                        Duration.ofMillis(300),
                        Duration.ofMillis(900),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2));
        assertThat(policy.delay(3)).isEqualTo(Duration.ofMillis(900));
        assertThat(policy.baseDelay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> policy.baseDelay(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failedAttempt")
                .hasMessageContaining("0");
    }

    @Test
    void a_multiplier_of_one_keeps_the_pause_constant() {
        RetryPolicy policy = RetryPolicy.none().withBackoff(Duration.ofMillis(250), 1.0, Duration.ofMillis(250));

        assertThat(List.of(policy.delay(1), policy.delay(2), policy.delay(50))).containsOnly(Duration.ofMillis(250));
    }

    @Test
    void jitter_spreads_the_pause_around_its_base_by_the_drawn_u() {
        RetryPolicy policy = RetryPolicy.defaults()
                .withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(3))
                .withJitter(0.5)
                .withRandom(fixedU(-1.0, 0.0, 0.5, 0.999));

        assertThat(policy.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.delay(2)).isEqualTo(Duration.ofSeconds(2));
        // the cap bounds the base: jitter may take a pause past it
        assertThat(policy.delay(3)).isEqualTo(Duration.ofMillis(3750));
        assertThat(policy.delay(4)).isEqualTo(Duration.ofNanos((long) (3e9 * (1 + 0.5 * 0.999))));
    }

    @Test
    void jittered_pauses_stay_within_their_bounds() {
        RetryPolicy policy = RetryPolicy.defaults()
                .withBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1))
                .withJitter(0.3);

        for (int k = 1; k <= 8; k++) {
            long base = policy.baseDelay(k).toNanos();
            for (int i = 0; i < 200; i++) {
                assertThat(policy.delay(k).toNanos()).isBetween((long) (base * 0.7) - 1, (long) (base * 1.3));
            }
        }
    }

    @Test
    void without_jitter_nothing_is_drawn() {
        RetryPolicy policy = RetryPolicy.defaults().withJitter(0).withRandom(fixedU());

        assertThat(policy.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.delay(2)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void the_copies_change_one_setting_each() {
        RetryPolicy policy = RetryPolicy.defaults().withMaxAttempts(7);

        assertThat(policy.maxAttempts()).isEqualTo(7);
        assertThat(policy.initialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.withJitter(0.9).jitter()).isEqualTo(0.9);
        assertThat(policy.withJitter(0.9).maxAttempts()).isEqualTo(7);
        RetryPolicy backoff = policy.withBackoff(Duration.ZERO, 1.5, Duration.ofMinutes(1));
        assertThat(backoff.initialBackoff()).isZero();
        assertThat(backoff.multiplier()).isEqualTo(1.5);
        assertThat(backoff.maxBackoff()).isEqualTo(Duration.ofMinutes(1));
        assertThat(backoff.maxAttempts()).isEqualTo(7);
        assertThat(RetryPolicy.defaults().maxAttempts())
                .as("the original is unchanged")
                .isEqualTo(3);
    }

    @Test
    void only_the_failures_the_predicate_accepts_are_retried() {
        RetryPolicy policy = RetryPolicy.defaults().withRetryOn(RetryPolicy.storageFailures());

        assertThat(policy.retries(new StorageException("connection lost", new SQLException())))
                .isTrue();
        assertThat(policy.retries(new IllegalStateException("bug"))).isFalse();
        assertThat(policy.withRetryOn(e -> e instanceof IllegalStateException)
                        .retries(new StorageException("down", new SQLException())))
                .as("a new predicate replaces the old one")
                .isFalse();
    }

    @Test
    void errors_a_repeat_cannot_change_are_never_retried() {
        RetryPolicy everything = RetryPolicy.defaults().withRetryOn(e -> true);

        assertThat(everything.retries(new IllegalStateException("flaky"))).isTrue();
        assertThat(everything.retries(new PoolNotFoundException("nowhere"))).isFalse();
        assertThat(everything.retries(new IllegalArgumentException("bad"))).isFalse();
        assertThat(everything.retries(new NullPointerException("request"))).isFalse();
        assertThat(everything.retries(new CredentialDecryptionException(
                        UUID.randomUUID(), "wrong key", CredentialDecryptionException.Reason.UNKNOWN_KEY)))
                .isFalse();
        assertThat(everything.retries(new LeaseNotActiveException(UUID.randomUUID(), LeaseStatus.RELEASED)))
                .isFalse();
        assertThat(everything.retries(new CredentialEncryptionRequiredException(UUID.randomUUID(), "no cipher")))
                .isFalse();
    }

    @Test
    void bad_settings_are_rejected_naming_the_value() {
        RetryPolicy p = RetryPolicy.defaults();

        assertThatThrownBy(() -> p.withMaxAttempts(0))
                .hasMessageContaining("maxAttempts")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> p.withBackoff(Duration.ofMillis(-1), 2, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialBackoff")
                .hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> p.withBackoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialBackoff")
                .hasMessageContaining("PT2S");
        assertThatThrownBy(() -> p.withBackoff(Duration.ZERO, 0.5, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiplier")
                .hasMessageContaining("0.5");
        assertThatThrownBy(() -> p.withJitter(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jitter")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> p.withRetryOn(null)).isInstanceOf(NullPointerException.class);
    }
}
