package io.pharox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every adapter can store: the checks behind the model's text, time and latency values. */
class StorableTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "東京", "🧦", "e\u0301", "\u202Eevil", "'; DROP TABLE proxy; --", "%_\\"})
    void well_formed_text_is_stored_as_it_is(String text) {
        assertThat(Storable.text("city", text)).isSameAs(text);
    }

    @Test
    void nul_is_rejected_naming_the_field_and_index_but_not_the_text() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Storable.text("password", "secret\u0000"))
                .withMessageContaining("password")
                .withMessageContaining("NUL")
                .withMessageContaining("index 6")
                .withMessageNotContaining("secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD800", "a\uDC00", "\uD83E", "\uDDE6\uD83E", "x\uD83Ey"})
    void an_unpaired_surrogate_is_rejected(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Storable.text("host", text))
                .withMessageContaining("host")
                .withMessageContaining("unpaired surrogate");
    }

    @Test
    void null_is_rejected_naming_the_field() {
        assertThatNullPointerException()
                .isThrownBy(() -> Storable.text("source", null))
                .withMessage("source");
        assertThatNullPointerException()
                .isThrownBy(() -> Storable.instant("checkedAt", null))
                .withMessage("checkedAt");
        assertThatNullPointerException()
                .isThrownBy(() -> Storable.latency("latency", null))
                .withMessage("latency");
    }

    @Test
    void instants_from_year_1_to_9999_are_accepted_and_others_rejected_with_their_value() {
        assertThat(Storable.instant("t", Storable.MIN_INSTANT)).isEqualTo(Storable.MIN_INSTANT);
        assertThat(Storable.instant("t", Storable.MAX_INSTANT)).isEqualTo(Storable.MAX_INSTANT.minusNanos(999));
        for (Instant bad : new Instant[] {
            Instant.MAX, Instant.MIN, Storable.MAX_INSTANT.plusNanos(1), Storable.MIN_INSTANT.minusNanos(1)
        }) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Storable.instant("checkedAt", bad))
                    .withMessageContaining("checkedAt")
                    .withMessageEndingWith("was " + bad);
        }
    }

    @Test
    void instants_and_latencies_are_kept_to_the_microsecond_as_every_adapter_stores_them() {
        assertThat(Storable.instant("t", Instant.parse("2026-01-02T03:04:05.123456789Z")))
                .isEqualTo(Instant.parse("2026-01-02T03:04:05.123456Z"));
        assertThat(Storable.latency("l", Duration.ofNanos(1_234_567_891))).isEqualTo(Duration.ofNanos(1_234_567_000));
    }

    @Test
    void latencies_from_zero_to_the_maximum_are_accepted_and_others_rejected_with_their_value() {
        assertThat(Storable.latency("l", Duration.ZERO)).isZero();
        assertThat(Storable.latency("l", Storable.MAX_LATENCY)).isEqualTo(Storable.MAX_LATENCY);
        for (Duration bad : new Duration[] {
            Duration.ofNanos(-1), Storable.MAX_LATENCY.plusNanos(1), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)
        }) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Storable.latency("latency", bad))
                    .withMessageContaining("latency")
                    .withMessageEndingWith("was " + bad);
        }
    }
}
