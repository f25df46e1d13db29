package io.pharox.model;

import static io.pharox.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class LeaseTest {

    private static final UUID ID = Ids.next();
    private static final UUID POOL = Ids.next();
    private static final UUID PROXY = Ids.next();
    private static final UUID CONSUMER = Ids.next();
    private static final Instant EXPIRES = T0.plusSeconds(300);

    private static Lease active() {
        return Lease.active(ID, POOL, PROXY, CONSUMER, T0, EXPIRES);
    }

    @Nested
    class Validation {

        @Test
        void a_release_before_the_acquire_is_rejected_with_both_times() {
            Instant before = T0.minusSeconds(1);
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> active().released(before))
                    .withMessageContaining("releasedAt")
                    .withMessageContaining(before.toString())
                    .withMessageContaining(T0.toString());
        }

        @Test
        void each_required_value_is_named_when_null() {
            assertThatNullPointerException()
                    .isThrownBy(() -> new Lease(null, POOL, PROXY, CONSUMER, LeaseStatus.ACTIVE, T0, EXPIRES, null))
                    .withMessage("id");
            assertThatNullPointerException()
                    .isThrownBy(() -> new Lease(ID, null, PROXY, CONSUMER, LeaseStatus.ACTIVE, T0, EXPIRES, null))
                    .withMessage("poolId");
            assertThatNullPointerException()
                    .isThrownBy(() -> new Lease(ID, POOL, null, CONSUMER, LeaseStatus.ACTIVE, T0, EXPIRES, null))
                    .withMessage("proxyId");
            assertThatNullPointerException()
                    .isThrownBy(() -> new Lease(ID, POOL, PROXY, null, LeaseStatus.ACTIVE, T0, EXPIRES, null))
                    .withMessage("consumerId");
            assertThatNullPointerException()
                    .isThrownBy(() -> new Lease(ID, POOL, PROXY, CONSUMER, null, T0, EXPIRES, null))
                    .withMessage("status");
            assertThatNullPointerException()
                    .isThrownBy(() -> new Lease(ID, POOL, PROXY, CONSUMER, LeaseStatus.ACTIVE, null, EXPIRES, null))
                    .withMessage("acquiredAt");
            assertThatNullPointerException()
                    .isThrownBy(() -> new Lease(ID, POOL, PROXY, CONSUMER, LeaseStatus.ACTIVE, T0, null, null))
                    .withMessage("expiresAt");
        }

        @ParameterizedTest
        @ValueSource(longs = {0, -1, -1000, -86_400_000})
        void an_expiry_not_after_the_acquisition_is_rejected_naming_both_times(long offsetMillis) {
            Instant expiresAt = T0.plusMillis(offsetMillis);

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Lease.active(ID, POOL, PROXY, CONSUMER, T0, expiresAt))
                    .withMessage("expiresAt must be after acquiredAt " + T0 + ", was " + expiresAt);
        }

        @Test
        void an_expiry_one_nanosecond_after_the_acquisition_is_accepted() {
            assertThat(Lease.active(ID, POOL, PROXY, CONSUMER, T0, T0.plusNanos(1))
                            .expiresAt())
                    .isEqualTo(T0.plusNanos(1));
        }

        @Test
        void a_released_lease_without_a_release_time_is_rejected() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new Lease(ID, POOL, PROXY, CONSUMER, LeaseStatus.RELEASED, T0, EXPIRES, null))
                    .withMessageContaining("releasedAt")
                    .withMessageContaining("RELEASED")
                    .withMessageContaining("releasedAt null");
        }

        @ParameterizedTest
        @EnumSource(value = LeaseStatus.class, names = "RELEASED", mode = EnumSource.Mode.EXCLUDE)
        void a_lease_that_is_not_released_with_a_release_time_is_rejected(LeaseStatus status) {
            Instant at = T0.plusSeconds(1);

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new Lease(ID, POOL, PROXY, CONSUMER, status, T0, EXPIRES, at))
                    .withMessageContaining("releasedAt " + at)
                    .withMessageContaining("status " + status);
        }

        @Test
        void a_renewal_to_an_expiry_not_after_the_acquisition_is_rejected() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> active().withExpiresAt(T0))
                    .withMessageContaining("expiresAt");
        }
    }

    @Nested
    class Activity {

        @Test
        void a_new_lease_is_active_from_its_acquisition() {
            assertThat(active().isActiveAt(T0)).isTrue();
            assertThat(active().statusAt(T0)).isEqualTo(LeaseStatus.ACTIVE);
        }

        @Test
        void a_lease_is_active_until_just_before_its_expiry() {
            Instant justBefore = EXPIRES.minusNanos(1);

            assertThat(active().isActiveAt(justBefore)).isTrue();
            assertThat(active().statusAt(justBefore)).isEqualTo(LeaseStatus.ACTIVE);
        }

        @Test
        void a_lease_is_expired_exactly_at_its_expiry() {
            assertThat(active().isActiveAt(EXPIRES)).isFalse();
            assertThat(active().statusAt(EXPIRES)).isEqualTo(LeaseStatus.EXPIRED);
        }

        @Test
        void a_lease_is_expired_after_its_expiry_while_its_record_still_says_active() {
            Lease lease = active();
            Instant later = EXPIRES.plus(Duration.ofDays(1));

            assertThat(lease.isActiveAt(later)).isFalse();
            assertThat(lease.statusAt(later)).isEqualTo(LeaseStatus.EXPIRED);
            assertThat(lease.status()).isEqualTo(LeaseStatus.ACTIVE);
        }

        @Test
        void a_released_lease_is_not_active_even_before_its_expiry() {
            Lease released = active().released(T0.plusSeconds(10));

            assertThat(released.isActiveAt(T0.plusSeconds(11))).isFalse();
            assertThat(released.statusAt(T0.plusSeconds(11))).isEqualTo(LeaseStatus.RELEASED);
            assertThat(released.statusAt(EXPIRES.plusSeconds(1))).isEqualTo(LeaseStatus.RELEASED);
        }

        @Test
        void an_expired_lease_is_not_active_even_before_its_expiry_time() {
            Lease expired = active().expired();

            assertThat(expired.isActiveAt(T0)).isFalse();
            assertThat(expired.statusAt(T0)).isEqualTo(LeaseStatus.EXPIRED);
        }
    }

    @Nested
    class Copies {

        @Test
        void released_records_the_status_and_time_and_keeps_the_rest() {
            Instant at = T0.plusSeconds(42);

            Lease released = active().released(at);

            assertThat(released.status()).isEqualTo(LeaseStatus.RELEASED);
            assertThat(released.releasedAt()).contains(at);
            assertThat(released.id()).isEqualTo(ID);
            assertThat(released.poolId()).isEqualTo(POOL);
            assertThat(released.proxyId()).isEqualTo(PROXY);
            assertThat(released.consumerId()).isEqualTo(CONSUMER);
            assertThat(released.acquiredAt()).isEqualTo(T0);
            assertThat(released.expiresAt()).isEqualTo(EXPIRES);
        }

        @Test
        void released_with_a_null_time_is_rejected() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> active().released(null))
                    .withMessageContaining("releasedAt");
        }

        @Test
        void expired_records_the_status_without_a_release_time() {
            Lease expired = active().expired();

            assertThat(expired.status()).isEqualTo(LeaseStatus.EXPIRED);
            assertThat(expired.releasedAt()).isEmpty();
            assertThat(expired.expiresAt()).isEqualTo(EXPIRES);
        }

        @Test
        void with_expires_at_moves_only_the_expiry() {
            Instant renewed = EXPIRES.plusSeconds(600);

            Lease lease = active().withExpiresAt(renewed);

            assertThat(lease.expiresAt()).isEqualTo(renewed);
            assertThat(lease.isActiveAt(EXPIRES)).isTrue();
            assertThat(lease.withExpiresAt(EXPIRES)).isEqualTo(active());
        }

        @Test
        void a_new_lease_has_no_release_time() {
            assertThat(active().releasedAt()).isEmpty();
            assertThat(active().status()).isEqualTo(LeaseStatus.ACTIVE);
        }
    }

    @Nested
    class Equality {

        @Test
        void leases_with_the_same_values_are_equal() {
            assertThat(active()).isEqualTo(active()).hasSameHashCodeAs(active());
        }

        @Test
        void leases_differing_in_a_value_are_not_equal() {
            Lease base = active();

            assertThat(base)
                    .isNotEqualTo(base.released(T0.plusSeconds(1)))
                    .isNotEqualTo(base.expired())
                    .isNotEqualTo(base.withExpiresAt(EXPIRES.plusSeconds(1)))
                    .isNotEqualTo(Lease.active(Ids.next(), POOL, PROXY, CONSUMER, T0, EXPIRES))
                    .isNotEqualTo(Lease.active(ID, Ids.next(), PROXY, CONSUMER, T0, EXPIRES))
                    .isNotEqualTo(Lease.active(ID, POOL, Ids.next(), CONSUMER, T0, EXPIRES))
                    .isNotEqualTo(Lease.active(ID, POOL, PROXY, Ids.next(), T0, EXPIRES))
                    .isNotEqualTo(Lease.active(ID, POOL, PROXY, CONSUMER, T0.minusSeconds(1), EXPIRES))
                    .isNotEqualTo(base.released(T0.plusSeconds(1))
                            .released(T0.plusSeconds(2))
                            .expired())
                    .isNotEqualTo(null);
        }

        @Test
        void releases_at_different_times_are_not_equal() {
            assertThat(active().released(T0.plusSeconds(1))).isNotEqualTo(active().released(T0.plusSeconds(2)));
        }

        @Test
        void to_string_names_the_lease_proxy_consumer_and_times() {
            String text = active().released(T0.plusSeconds(9)).toString();

            assertThat(text)
                    .contains(
                            ID.toString(),
                            PROXY.toString(),
                            CONSUMER.toString(),
                            "RELEASED",
                            "acquiredAt=" + T0,
                            "expiresAt=" + EXPIRES,
                            "releasedAt=" + T0.plusSeconds(9));
        }
    }
}
