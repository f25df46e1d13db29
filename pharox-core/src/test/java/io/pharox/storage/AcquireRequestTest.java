package io.pharox.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Consumer;
import io.pharox.select.SelectorStrategy;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class AcquireRequestTest {

    private static final ProxyFilter DE = ProxyFilters.country("DE");

    @Nested
    class Defaults {

        @Test
        void a_request_for_a_pool_uses_the_documented_defaults() {
            AcquireRequest request = AcquireRequest.forPool("eu").build();

            assertThat(request.poolName()).isEqualTo("eu");
            assertThat(request.consumerName()).isEqualTo(Consumer.DEFAULT_NAME);
            assertThat(request.ttl()).isEqualTo(AcquireRequest.DEFAULT_TTL).isEqualTo(Duration.ofMinutes(5));
            assertThat(request.filter()).isEqualTo(ProxyFilters.matchAll());
            assertThat(request.strategy()).isEqualTo(SelectorStrategy.FIRST_AVAILABLE);
        }

        @Test
        void the_ttl_bounds_have_the_documented_values() {
            assertThat(AcquireRequest.MIN_TTL).isEqualTo(Duration.ofMillis(1));
            assertThat(AcquireRequest.MAX_TTL).isEqualTo(Duration.ofDays(365));
        }

        @Test
        void the_builder_sets_every_value() {
            AcquireRequest request = AcquireRequest.forPool("eu")
                    .consumer("crawler-7")
                    .ttl(Duration.ofSeconds(30))
                    .filter(DE)
                    .strategy(SelectorStrategy.LEAST_USED)
                    .build();

            assertThat(request)
                    .isEqualTo(new AcquireRequest(
                            "eu", "crawler-7", Duration.ofSeconds(30), DE, SelectorStrategy.LEAST_USED));
        }

        @ParameterizedTest
        @EnumSource(SelectorStrategy.class)
        void to_builder_round_trips_every_value(SelectorStrategy strategy) {
            AcquireRequest request = new AcquireRequest("pool-a", "worker", Duration.ofMillis(1500), DE, strategy);

            AcquireRequest copy = request.toBuilder().build();

            assertThat(copy).isEqualTo(request).hasSameHashCodeAs(request);
        }

        @Test
        void a_request_has_no_idempotency_key_unless_given_one() {
            UUID key = UUID.randomUUID();

            assertThat(AcquireRequest.forPool("eu").build().idempotencyKey()).isEmpty();
            assertThat(new AcquireRequest("eu", "c", Duration.ofSeconds(1), DE, SelectorStrategy.RANDOM)
                            .idempotencyKey())
                    .isEmpty();
            assertThat(AcquireRequest.forPool("eu").idempotencyKey(key).build().idempotencyKey())
                    .contains(key);
        }

        @Test
        void to_builder_keeps_the_idempotency_key() {
            AcquireRequest request = AcquireRequest.forPool("eu")
                    .idempotencyKey(UUID.randomUUID())
                    .build();

            AcquireRequest copy = request.toBuilder().ttl(Duration.ofSeconds(9)).build();

            assertThat(copy.idempotencyKey()).isEqualTo(request.idempotencyKey());
            assertThat(request.toBuilder().build()).isEqualTo(request);
        }

        @Test
        void a_null_idempotency_key_is_rejected_by_name() {
            assertThatNullPointerException()
                    .isThrownBy(() -> AcquireRequest.forPool("eu").idempotencyKey(null))
                    .withMessage("idempotencyKey");
            assertThatNullPointerException()
                    .isThrownBy(() ->
                            new AcquireRequest("eu", "c", Duration.ofSeconds(1), DE, SelectorStrategy.RANDOM, null))
                    .withMessage("idempotencyKey");
        }

        @Test
        void to_builder_changes_only_what_it_is_told() {
            AcquireRequest request =
                    AcquireRequest.forPool("eu").consumer("c").filter(DE).build();

            AcquireRequest changed =
                    request.toBuilder().strategy(SelectorStrategy.RANDOM).build();

            assertThat(changed.strategy()).isEqualTo(SelectorStrategy.RANDOM);
            assertThat(changed.poolName()).isEqualTo("eu");
            assertThat(changed.consumerName()).isEqualTo("c");
            assertThat(changed.filter()).isEqualTo(DE);
            assertThat(changed.ttl()).isEqualTo(AcquireRequest.DEFAULT_TTL);
            assertThat(request.strategy()).isEqualTo(SelectorStrategy.FIRST_AVAILABLE);
        }

        @Test
        void the_builder_can_be_built_again_after_a_change() {
            AcquireRequest.Builder builder = AcquireRequest.forPool("eu");
            AcquireRequest first = builder.build();

            AcquireRequest second = builder.ttl(Duration.ofSeconds(1)).build();

            assertThat(first.ttl()).isEqualTo(AcquireRequest.DEFAULT_TTL);
            assertThat(second.ttl()).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Nested
    class Ttl {

        @Test
        void a_zero_ttl_is_rejected_naming_it() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() ->
                            AcquireRequest.forPool("eu").ttl(Duration.ZERO).build())
                    .withMessage("ttl must be between PT0.001S and PT8760H, was PT0S");
        }

        @ParameterizedTest
        @ValueSource(longs = {-1, -1000, Long.MIN_VALUE / 1_000_000})
        void a_negative_ttl_is_rejected_naming_it(long millis) {
            Duration ttl = Duration.ofMillis(millis);

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> AcquireRequest.forPool("eu").ttl(ttl).build())
                    .withMessageStartingWith("ttl must be between")
                    .withMessageEndingWith("was " + ttl);
        }

        @Test
        void a_ttl_below_the_minimum_is_rejected_naming_it() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> AcquireRequest.requireTtl(Duration.ofNanos(999_999)))
                    .withMessageEndingWith("was PT0.000999999S");
        }

        @Test
        void a_ttl_above_the_maximum_is_rejected_naming_it() {
            Duration ttl = AcquireRequest.MAX_TTL.plusNanos(1);

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> AcquireRequest.forPool("eu").ttl(ttl).build())
                    .withMessageEndingWith("was " + ttl);
        }

        @Test
        void the_bounds_themselves_are_accepted() {
            assertThat(AcquireRequest.requireTtl(AcquireRequest.MIN_TTL)).isEqualTo(AcquireRequest.MIN_TTL);
            assertThat(AcquireRequest.requireTtl(AcquireRequest.MAX_TTL)).isEqualTo(AcquireRequest.MAX_TTL);
            assertThat(AcquireRequest.forPool("eu")
                            .ttl(AcquireRequest.MIN_TTL)
                            .build()
                            .ttl())
                    .isEqualTo(Duration.ofMillis(1));
        }

        @Test
        void a_null_ttl_is_rejected_naming_it() {
            assertThatNullPointerException()
                    .isThrownBy(() -> AcquireRequest.forPool("eu").ttl(null).build())
                    .withMessage("ttl");
            assertThatNullPointerException()
                    .isThrownBy(() -> AcquireRequest.requireTtl(null))
                    .withMessage("ttl");
        }
    }

    @Nested
    class Names {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\t"})
        void a_blank_pool_name_is_rejected_quoting_it(String name) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> AcquireRequest.forPool(name).build())
                    .withMessage("pool name must not be blank, was '" + name + "'");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\n"})
        void a_blank_consumer_name_is_rejected_quoting_it(String name) {
            assertThatIllegalArgumentException()
                    .isThrownBy(
                            () -> AcquireRequest.forPool("eu").consumer(name).build())
                    .withMessage("consumer name must not be blank, was '" + name + "'");
        }

        @Test
        void null_names_are_rejected_naming_them() {
            assertThatNullPointerException()
                    .isThrownBy(() -> AcquireRequest.forPool(null).build())
                    .withMessage("pool name");
            assertThatNullPointerException()
                    .isThrownBy(
                            () -> AcquireRequest.forPool("eu").consumer(null).build())
                    .withMessage("consumer name");
        }

        @Test
        void too_long_names_are_rejected_naming_their_length() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> AcquireRequest.forPool("p".repeat(300)).build())
                    .withMessage("pool name must be at most 255 characters, was 300");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> AcquireRequest.forPool("eu")
                            .consumer("c".repeat(256))
                            .build())
                    .withMessage("consumer name must be at most 255 characters, was 256");
        }

        @Test
        void names_with_nul_are_rejected() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> AcquireRequest.forPool("e\0u").build())
                    .withMessageStartingWith("pool name");
            assertThatIllegalArgumentException()
                    .isThrownBy(
                            () -> AcquireRequest.forPool("eu").consumer("\0").build())
                    .withMessageStartingWith("consumer name");
        }
    }

    @Nested
    class RequiredValues {

        @Test
        void a_null_filter_is_rejected_naming_it() {
            assertThatNullPointerException()
                    .isThrownBy(() -> AcquireRequest.forPool("eu").filter(null).build())
                    .withMessage("filter");
        }

        @Test
        void a_null_strategy_is_rejected_naming_it() {
            assertThatNullPointerException()
                    .isThrownBy(
                            () -> AcquireRequest.forPool("eu").strategy(null).build())
                    .withMessage("strategy");
        }

        @Test
        void the_canonical_constructor_checks_like_the_builder() {
            assertThatNullPointerException()
                    .isThrownBy(
                            () -> new AcquireRequest("eu", "c", Duration.ofSeconds(1), null, SelectorStrategy.RANDOM))
                    .withMessage("filter");
            assertThatIllegalArgumentException()
                    .isThrownBy(
                            () -> new AcquireRequest("eu", "c", Duration.ofSeconds(-1), DE, SelectorStrategy.RANDOM))
                    .withMessageContaining("ttl");
        }
    }
}
