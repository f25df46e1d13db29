package io.pharox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacingTest {

    private static final UUID POOL = UUID.randomUUID();

    private static Proxy.Builder proxy() {
        return Proxy.builder().poolId(POOL).address("10.0.0.1", 3128);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-0.001S", "PT0.0005S", "PT0.001000001S", "PT24H0.001S", "PT-24H"})
    void bad_intervals_are_rejected_naming_the_value(String text) {
        Duration interval = Duration.parse(text);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Pacing.requireMinGrantInterval("interval", interval))
                .withMessageContaining("interval")
                .withMessageContaining(interval.toString());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> proxy().minGrantInterval(interval).build())
                .withMessageContaining("minGrantInterval")
                .withMessageContaining(interval.toString());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ProxyPool(POOL, "p", "", Instant.EPOCH, Optional.of(interval)))
                .withMessageContaining(interval.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0.001S", "PT1.5S", "PT23H59M59.999S", "PT24H"})
    void whole_milliseconds_up_to_a_day_are_kept_exactly(String text) {
        Duration interval = Duration.parse(text);
        assertThat(Pacing.requireMinGrantInterval("interval", interval)).isEqualTo(interval);
        Proxy p = proxy().minGrantInterval(interval).build();
        assertThat(p.minGrantInterval()).contains(interval);
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThat(p.withCurrentLeases(2).minGrantInterval()).contains(interval);
        assertThat(p.toBuilder().minGrantInterval(null).build().minGrantInterval())
                .isEmpty();
        assertThat(p.toBuilder().minGrantInterval(null).build()).isNotEqualTo(p);
        assertThat(new ProxyPool(POOL, "p", "", Instant.EPOCH)
                        .withMinGrantInterval(interval)
                        .minGrantInterval())
                .contains(interval);
    }

    @Test
    void the_effective_interval_is_the_proxys_own_else_the_pools_else_none() {
        ProxyPool plain = new ProxyPool(POOL, "p", "", Instant.EPOCH);
        ProxyPool paced = plain.withMinGrantInterval(Duration.ofSeconds(5));
        Proxy own = proxy().minGrantInterval(Duration.ofMillis(20)).build();
        Proxy none = proxy().build();

        assertThat(Pacing.effective(own, paced)).contains(Duration.ofMillis(20));
        assertThat(Pacing.effective(none, paced)).contains(Duration.ofSeconds(5));
        assertThat(Pacing.effective(none, plain)).isEmpty();
        assertThat(Pacing.effective(none, null)).isEmpty();
        assertThat(plain.minGrantInterval()).isEmpty();
        assertThat(paced.withMinGrantInterval(null)).isEqualTo(plain);
    }

    @Test
    void null_is_rejected_by_name() {
        assertThatNullPointerException()
                .isThrownBy(() -> Pacing.requireMinGrantInterval("interval", null))
                .withMessage("interval");
        assertThatNullPointerException()
                .isThrownBy(() -> new ProxyPool(POOL, "p", "", Instant.EPOCH, null))
                .withMessage("minGrantInterval");
    }
}
