package io.pharox.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutcomePolicyTest {

    private static final OutcomePolicy DEFAULTS = OutcomePolicy.defaults();

    @Test
    void the_defaults_are_those_the_docs_give() {
        assertThat(DEFAULTS.failureThreshold()).isEqualTo(5);
        assertThat(DEFAULTS.cooldown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(DEFAULTS.maxCooldown()).isEqualTo(Duration.ofMinutes(10));
        assertThat(DEFAULTS.banCooldown()).isEqualTo(Duration.ofMinutes(30));
        assertThat(DEFAULTS.smoothing()).isEqualTo(0.2);
    }

    @Test
    void each_opening_doubles_the_cooldown_up_to_the_cap() {
        OutcomePolicy policy = DEFAULTS.withCooldown(Duration.ofSeconds(1), Duration.ofSeconds(5));

        assertThat(policy.cooldownOf(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.cooldownOf(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.cooldownOf(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.cooldownOf(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.cooldownOf(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> policy.cooldownOf(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }

    @Test
    void the_copies_change_one_setting_each() {
        OutcomePolicy policy = DEFAULTS.withFailureThreshold(2)
                .withBanCooldown(Duration.ofMinutes(1))
                .withSmoothing(1);

        assertThat(policy)
                .isEqualTo(
                        new OutcomePolicy(2, DEFAULTS.cooldown(), DEFAULTS.maxCooldown(), Duration.ofMinutes(1), 1.0));
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1001})
    void a_threshold_outside_1_to_1000_is_refused_naming_it(int threshold) {
        assertThatThrownBy(() -> DEFAULTS.withFailureThreshold(threshold))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failureThreshold")
                .hasMessageContaining(String.valueOf(threshold));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -0.1, 1.0001, Double.NaN, Double.POSITIVE_INFINITY})
    void a_smoothing_outside_0_to_1_is_refused_naming_it(double smoothing) {
        assertThatThrownBy(() -> DEFAULTS.withSmoothing(smoothing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smoothing");
    }

    @Test
    void cooldowns_out_of_range_are_refused_naming_them() {
        assertThatThrownBy(() -> DEFAULTS.withCooldown(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cooldown");
        assertThatThrownBy(() -> DEFAULTS.withCooldown(Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxCooldown");
        assertThatThrownBy(() -> DEFAULTS.withBanCooldown(Duration.ofDays(31)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("banCooldown");
        assertThatThrownBy(() -> DEFAULTS.withBanCooldown(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("banCooldown");
    }
}
