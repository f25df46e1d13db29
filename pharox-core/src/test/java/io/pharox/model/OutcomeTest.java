package io.pharox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutcomeTest {

    @Test
    void a_success_carries_its_latency_and_counts_for_the_proxy() {
        Outcome outcome = Outcome.success(Duration.ofMillis(42));

        assertThat(outcome.isSuccess()).isTrue();
        assertThat(outcome.countsAgainstProxy()).isFalse();
        assertThat(outcome.latency()).contains(Duration.ofMillis(42));
        assertThat(outcome.reason()).isEmpty();
        assertThat(outcome.target()).isEmpty();
        assertThat(outcome.httpStatus()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(
            value = FailureReason.class,
            mode = EnumSource.Mode.EXCLUDE,
            names = {"TARGET_BLOCKED", "HTTP_STATUS"})
    void plain_failures_count_against_the_proxy(FailureReason reason) {
        Outcome outcome = Outcome.failure(reason);

        assertThat(outcome.isSuccess()).isFalse();
        assertThat(outcome.countsAgainstProxy()).isTrue();
        assertThat(outcome.reason()).contains(reason);
        assertThat(outcome.latency()).isEmpty();
    }

    @Test
    void a_blocked_target_is_normalized_and_does_not_count_against_the_proxy() {
        Outcome outcome = Outcome.targetBlocked("  Shop.EXAMPLE\t");

        assertThat(outcome.countsAgainstProxy()).isFalse();
        assertThat(outcome.isSuccess()).isFalse();
        assertThat(outcome.reason()).contains(FailureReason.TARGET_BLOCKED);
        assertThat(outcome.target()).contains("shop.example");
        assertThat(outcome).isEqualTo(Outcome.targetBlocked("shop.example"));
    }

    @Test
    void an_http_status_counts_against_the_proxy_with_its_code() {
        Outcome outcome = Outcome.httpStatus(503);

        assertThat(outcome.countsAgainstProxy()).isTrue();
        assertThat(outcome.httpStatus()).hasValue(503);
        assertThat(outcome).isNotEqualTo(Outcome.httpStatus(502));
        assertThat(outcome.toString()).contains("503");
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 99, 600, Integer.MAX_VALUE})
    void an_http_status_outside_100_to_599_is_refused_naming_it(int code) {
        assertThatThrownBy(() -> Outcome.httpStatus(code))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(code));
    }

    @ParameterizedTest
    @EnumSource(
            value = FailureReason.class,
            names = {"TARGET_BLOCKED", "HTTP_STATUS"})
    void the_reasons_with_a_value_are_refused_without_it(FailureReason reason) {
        assertThatThrownBy(() -> Outcome.failure(reason))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason.name());
    }

    @Test
    void a_negative_latency_and_nulls_are_refused() {
        assertThatThrownBy(() -> Outcome.success(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latency");
        assertThatThrownBy(() -> Outcome.success(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Outcome.failure(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Outcome.targetBlocked(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("target");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n", "shop example", "shop\u0000example", "bad\uD800host"})
    void a_bad_target_is_refused_naming_it(String host) {
        assertThatThrownBy(() -> Outcome.requireTarget(host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target");
    }

    @Test
    void a_target_may_hold_253_characters_and_no_more() {
        String longest = "h".repeat(Outcome.MAX_TARGET_LENGTH);

        assertThat(Outcome.requireTarget(longest)).isEqualTo(longest);
        assertThatThrownBy(() -> Outcome.requireTarget(longest + "h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("253");
    }

    @Test
    void the_standing_derives_its_circuit_from_now_and_open_until() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        assertThat(ProxyStanding.circuitAt(now, Optional.empty())).isEqualTo(CircuitState.CLOSED);
        assertThat(ProxyStanding.circuitAt(now, Optional.of(now.plusNanos(1)))).isEqualTo(CircuitState.OPEN);
        assertThat(ProxyStanding.circuitAt(now, Optional.of(now))).isEqualTo(CircuitState.HALF_OPEN);
        assertThatThrownBy(() -> new ProxyStanding(
                        UUID.randomUUID(), CircuitState.OPEN, 0, 1, Optional.empty(), 1, Optional.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openUntil");
        assertThatThrownBy(() -> new ProxyStanding(
                        UUID.randomUUID(), CircuitState.CLOSED, 0, 0, Optional.empty(), 1.5, Optional.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("successRate");
    }
}
