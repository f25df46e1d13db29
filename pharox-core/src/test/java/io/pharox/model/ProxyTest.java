package io.pharox.model;

import static io.pharox.Fixtures.T0;
import static io.pharox.Fixtures.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.pharox.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour of {@link Proxy} values: defaults, capacity, copies, equality, order, text. */
class ProxyTest {

    @Nested
    class Defaults {

        @Test
        void a_new_proxy_is_exclusive() {
            Proxy p = proxy().build();

            assertThat(p.maxConcurrency()).isEqualTo(1);
            assertThat(p.isUnlimited()).isFalse();
        }

        @Test
        void a_new_proxy_is_active_http_with_no_leases() {
            Proxy p = proxy().build();

            assertThat(p.status()).isEqualTo(ProxyStatus.ACTIVE);
            assertThat(p.protocol()).isEqualTo(ProxyProtocol.HTTP);
            assertThat(p.currentLeases()).isZero();
        }

        @Test
        void each_builder_gets_a_fresh_version_7_id() {
            Proxy a = proxy().build();
            Proxy b = proxy().build();

            assertThat(a.id()).isNotEqualTo(b.id());
            assertThat(a.id().version()).isEqualTo(7);
            assertThat(Ids.ORDER.compare(a.id(), b.id())).isNegative();
        }

        @Test
        void an_explicit_id_is_kept() {
            UUID id = UUID.randomUUID();

            assertThat(proxy().id(id).build().id()).isEqualTo(id);
        }
    }

    @Nested
    class Capacity {

        @Test
        void shared_sets_the_limit() {
            Proxy p = proxy().shared(5).build();

            assertThat(p.maxConcurrency()).isEqualTo(5);
            assertThat(p.isUnlimited()).isFalse();
        }

        @Test
        void unlimited_sets_the_unlimited_marker() {
            Proxy p = proxy().unlimited().build();

            assertThat(p.maxConcurrency()).isEqualTo(Proxy.UNLIMITED);
            assertThat(p.isUnlimited()).isTrue();
        }

        @Test
        void unlimited_is_integer_max_value() {
            assertThat(Proxy.UNLIMITED).isEqualTo(Integer.MAX_VALUE);
        }

        @Test
        void exclusive_resets_a_shared_proxy_to_one_lease() {
            assertThat(proxy().shared(4).exclusive().build().maxConcurrency()).isEqualTo(1);
        }

        @ParameterizedTest(name = "max {0}, {1} active leases -> {2}")
        @CsvSource({
            "1, 0, true",
            "1, 1, false",
            "1, 2, false",
            "3, 0, true",
            "3, 2, true",
            "3, 3, false",
            "3, 4, false",
            "2147483647, 0, true",
            "2147483647, 1000000, true",
            "2147483647, 2147483646, true",
        })
        void an_active_proxy_has_capacity_while_below_its_limit(int max, int active, boolean expected) {
            assertThat(proxy().maxConcurrency(max).build().hasCapacityFor(active))
                    .isEqualTo(expected);
        }

        @ParameterizedTest
        @EnumSource(value = ProxyStatus.class, names = "ACTIVE", mode = EnumSource.Mode.EXCLUDE)
        void a_proxy_that_is_not_active_has_no_capacity_even_when_unused(ProxyStatus status) {
            assertThat(proxy().status(status).unlimited().build().hasCapacityFor(0))
                    .isFalse();
        }
    }

    @Nested
    class Copies {

        @ParameterizedTest
        @EnumSource(ProxyStatus.class)
        void with_status_changes_only_the_status(ProxyStatus status) {
            Proxy p = proxy().country("DE").shared(3).currentLeases(2).build();

            Proxy changed = p.withStatus(status);

            assertThat(changed.status()).isEqualTo(status);
            assertThat(changed.toBuilder().status(p.status()).build()).isEqualTo(p);
        }

        @Test
        void with_current_leases_changes_only_the_counter() {
            Proxy p = proxy().shared(3).build();

            Proxy changed = p.withCurrentLeases(2);

            assertThat(changed.currentLeases()).isEqualTo(2);
            assertThat(p.currentLeases()).isZero();
            assertThat(changed.withCurrentLeases(0)).isEqualTo(p);
        }

        @Test
        void with_current_leases_rejects_a_negative_counter() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().build().withCurrentLeases(-1))
                    .withMessage("currentLeases must be >= 0, was -1");
        }

        @Test
        void to_builder_round_trips_every_value() {
            Proxy p = fullyLoaded();

            Proxy copy = p.toBuilder().build();

            assertThat(copy).isEqualTo(p).hasSameHashCodeAs(p).isNotSameAs(p);
            assertThat(copy.id()).isEqualTo(p.id());
            assertThat(copy.poolId()).isEqualTo(p.poolId());
            assertThat(copy.host()).isEqualTo("2001:db8::1");
            assertThat(copy.port()).isEqualTo(1080);
            assertThat(copy.protocol()).isEqualTo(ProxyProtocol.SOCKS5);
            assertThat(copy.credentials()).contains(new Credentials("alice", "s3cr3t"));
            assertThat(copy.status()).isEqualTo(ProxyStatus.SLOW);
            assertThat(copy.maxConcurrency()).isEqualTo(7);
            assertThat(copy.currentLeases()).isEqualTo(3);
            assertThat(copy.country()).contains("FR");
            assertThat(copy.city()).contains("Paris");
            assertThat(copy.source()).contains("provider-a");
            assertThat(copy.asn()).hasValue(3215);
            assertThat(copy.location()).contains(new GeoPoint(48.8566, 2.3522));
            assertThat(copy.lastCheckedAt()).contains(T0);
            assertThat(copy.lastLatency()).contains(Duration.ofMillis(120));
        }

        @Test
        void changing_a_to_builder_copy_leaves_the_original_alone() {
            Proxy p = fullyLoaded();

            Proxy other = p.toBuilder().port(1081).country("DE").build();

            assertThat(p.port()).isEqualTo(1080);
            assertThat(p.country()).contains("FR");
            assertThat(other).isNotEqualTo(p);
        }
    }

    @Nested
    class HealthChecks {

        @ParameterizedTest
        @EnumSource(HealthStatus.class)
        void a_check_sets_the_status_its_outcome_maps_to(HealthStatus outcome) {
            Proxy p = proxy().build();
            HealthCheckResult result = new HealthCheckResult(p.id(), outcome, Duration.ofMillis(40), T0, null);

            assertThat(p.withHealthCheck(result).status()).isEqualTo(outcome.proxyStatus());
        }

        @ParameterizedTest
        @EnumSource(HealthStatus.class)
        void a_check_of_an_inactive_proxy_sets_the_status_its_outcome_maps_to(HealthStatus outcome) {
            Proxy p = proxy().status(ProxyStatus.INACTIVE).build();
            HealthCheckResult result = new HealthCheckResult(p.id(), outcome, null, T0, "x");

            assertThat(p.withHealthCheck(result).status()).isEqualTo(outcome.proxyStatus());
        }

        @ParameterizedTest
        @EnumSource(HealthStatus.class)
        void a_banned_proxy_stays_banned_whatever_the_outcome(HealthStatus outcome) {
            Proxy p = proxy().status(ProxyStatus.BANNED).build();
            HealthCheckResult result = new HealthCheckResult(p.id(), outcome, Duration.ofMillis(5), T0, null);

            Proxy checked = p.withHealthCheck(result);

            assertThat(checked.status()).isEqualTo(ProxyStatus.BANNED);
            assertThat(checked.lastCheckedAt()).contains(T0);
            assertThat(checked.lastLatency()).contains(Duration.ofMillis(5));
        }

        @Test
        void a_passed_check_records_its_latency_and_time() {
            Proxy p = proxy().status(ProxyStatus.INACTIVE).build();

            Proxy checked = p.withHealthCheck(HealthCheckResult.healthy(p.id(), Duration.ofMillis(87), T0));

            assertThat(checked.status()).isEqualTo(ProxyStatus.ACTIVE);
            assertThat(checked.lastLatency()).contains(Duration.ofMillis(87));
            assertThat(checked.lastCheckedAt()).contains(T0);
        }

        @Test
        void a_failed_check_records_its_time_and_clears_the_previous_latency() {
            Proxy p =
                    proxy().lastLatency(Duration.ofMillis(30)).lastCheckedAt(T0).build();
            Instant later = T0.plusSeconds(60);

            Proxy checked = p.withHealthCheck(
                    HealthCheckResult.failed(p.id(), HealthStatus.UNREACHABLE, "connection refused", later));

            assertThat(checked.status()).isEqualTo(ProxyStatus.INACTIVE);
            assertThat(checked.lastCheckedAt()).contains(later);
            assertThat(checked.lastLatency()).isEmpty();
        }

        @Test
        void a_check_keeps_everything_else() {
            Proxy p = fullyLoaded().withStatus(ProxyStatus.ACTIVE);

            Proxy checked = p.withHealthCheck(HealthCheckResult.healthy(p.id(), Duration.ofMillis(120), T0));

            assertThat(checked).isEqualTo(p);
        }

        @Test
        void a_result_for_another_proxy_is_rejected_naming_both_ids() {
            Proxy p = proxy().build();
            UUID other = UUID.randomUUID();

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> p.withHealthCheck(HealthCheckResult.healthy(other, Duration.ZERO, T0)))
                    .withMessageContaining(other.toString())
                    .withMessageContaining(p.id().toString());
        }
    }

    @Nested
    class Equality {

        @Test
        void proxies_with_the_same_values_are_equal() {
            UUID id = Ids.next();

            Proxy a = proxy().id(id).country("de").build();
            Proxy b = proxy().id(id).country("DE").build();

            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        }

        @Test
        void proxies_differing_in_any_value_are_not_equal() {
            Proxy base = fullyLoaded();
            List<Proxy> variants = List.of(
                    base.toBuilder().id(Ids.next()).build(),
                    base.toBuilder().poolId(UUID.randomUUID()).build(),
                    base.toBuilder().host("10.9.9.9").build(),
                    base.toBuilder().port(1).build(),
                    base.toBuilder().protocol(ProxyProtocol.HTTP).build(),
                    base.toBuilder().credentials("alice", "other").build(),
                    base.toBuilder().credentials(null).build(),
                    base.toBuilder().status(ProxyStatus.ACTIVE).build(),
                    base.toBuilder().maxConcurrency(8).build(),
                    base.toBuilder().currentLeases(0).build(),
                    base.toBuilder().country("DE").build(),
                    base.toBuilder().city("Lyon").build(),
                    base.toBuilder().source("provider-b").build(),
                    base.toBuilder().asn(1L).build(),
                    base.toBuilder().location(0, 0).build(),
                    base.toBuilder().lastCheckedAt(T0.plusSeconds(1)).build(),
                    base.toBuilder().lastLatency(Duration.ofMillis(121)).build());

            assertThat(variants).allSatisfy(v -> assertThat(v).isNotEqualTo(base));
        }

        @Test
        void a_proxy_is_not_equal_to_null_or_another_type() {
            Proxy p = proxy().build();

            assertThat(p).isNotEqualTo(null).isNotEqualTo(p.toString()).isEqualTo(p);
        }
    }

    @Nested
    class StableOrder {

        @Test
        void proxies_are_ordered_by_id_as_unsigned_numbers() {
            Proxy low = proxy().id(new UUID(1L, 0L)).build();
            Proxy middle = proxy().id(new UUID(Long.MAX_VALUE, 0L)).build();
            Proxy high = proxy().id(new UUID(Long.MIN_VALUE, 0L)).build();
            Proxy highest = proxy().id(new UUID(-1L, -1L)).build();

            List<Proxy> sorted = new ArrayList<>(List.of(highest, high, low, middle));
            sorted.sort(Proxy.STABLE_ORDER);

            assertThat(sorted).containsExactly(low, middle, high, highest);
        }

        @Test
        void proxies_built_one_after_another_are_in_stable_order() {
            List<Proxy> built = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                built.add(proxy().build());
            }

            assertThat(built).isSortedAccordingTo(Proxy.STABLE_ORDER);
        }

        @Test
        void stable_order_ignores_everything_but_the_id() {
            UUID id = Ids.next();
            Proxy a = proxy().id(id).port(1).build();
            Proxy b = proxy().id(id).port(2).build();

            assertThat(Proxy.STABLE_ORDER.compare(a, b)).isZero();
        }
    }

    @Nested
    class Text {

        @Test
        void to_string_never_shows_the_password() {
            Proxy p = proxy().credentials("alice", "pa55-Word!").build();

            assertThat(p.toString())
                    .doesNotContain("pa55-Word!")
                    .contains("alice:****@")
                    .startsWith("Proxy[http://alice:****@10.0.0.1:8080");
        }

        @Test
        void to_string_of_a_fully_loaded_proxy_never_shows_the_password() {
            assertThat(fullyLoaded().toString()).doesNotContain("s3cr3t").contains("alice");
        }

        @Test
        void to_string_shows_the_tags_and_capacity() {
            Proxy p = proxy().country("de")
                    .city("Berlin")
                    .source("list")
                    .asn(3320L)
                    .location(52.5, 13.4)
                    .shared(4)
                    .currentLeases(1)
                    .build();

            assertThat(p.toString())
                    .contains(
                            "leases=1/4",
                            "country=DE",
                            "city=Berlin",
                            "source=list",
                            "asn=3320",
                            "location=52.5,13.4",
                            "status=ACTIVE",
                            "id=" + p.id());
        }

        @Test
        void to_string_says_unlimited_for_an_unlimited_proxy() {
            assertThat(proxy().unlimited().build().toString()).contains("leases=0/unlimited");
        }

        @Test
        void address_joins_host_and_port() {
            assertThat(proxy().address("proxy.example", 3128).build().address()).isEqualTo("proxy.example:3128");
        }

        @Test
        void address_brackets_an_ipv6_host() {
            assertThat(proxy().address("2001:db8::1", 1080).build().address()).isEqualTo("[2001:db8::1]:1080");
        }

        @ParameterizedTest
        @EnumSource(ProxyProtocol.class)
        void to_string_starts_with_the_protocol_as_a_scheme(ProxyProtocol protocol) {
            assertThat(proxy().protocol(protocol).build().toString())
                    .startsWith("Proxy[" + protocol.name().toLowerCase(java.util.Locale.ROOT) + "://10.0.0.1:8080");
        }
    }

    static Proxy fullyLoaded() {
        return Proxy.builder()
                .id(Ids.next())
                .poolId(Fixtures.POOL_ID)
                .address("2001:db8::1", 1080)
                .protocol(ProxyProtocol.SOCKS5)
                .credentials("alice", "s3cr3t")
                .status(ProxyStatus.SLOW)
                .shared(7)
                .currentLeases(3)
                .country("fr")
                .city("Paris")
                .source("provider-a")
                .asn(3215L)
                .location(48.8566, 2.3522)
                .lastCheckedAt(T0)
                .lastLatency(Duration.ofMillis(120))
                .build();
    }
}
