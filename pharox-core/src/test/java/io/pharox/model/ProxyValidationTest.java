package io.pharox.model;

import static io.pharox.Fixtures.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every value a {@link Proxy} holds is validated when it is built, and the error names it. */
class ProxyValidationTest {

    @Nested
    class Port {

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 65536, 70000, Integer.MIN_VALUE, Integer.MAX_VALUE})
        void an_out_of_range_port_is_rejected_naming_the_port(int port) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().port(port).build())
                    .withMessageContaining("port")
                    .withMessageContaining("1..65535")
                    .withMessageEndingWith("was " + port);
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 80, 8080, 65535})
        void a_port_within_1_to_65535_is_accepted(int port) {
            assertThat(proxy().port(port).build().port()).isEqualTo(port);
        }

        @Test
        void a_builder_without_a_port_is_rejected_as_port_0() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Proxy.builder()
                            .poolId(io.pharox.Fixtures.POOL_ID)
                            .host("h")
                            .build())
                    .withMessage("port must be 1..65535, was 0");
        }

        @Test
        void address_sets_host_and_port_together() {
            Proxy p = proxy().address("proxy.example", 3128).build();

            assertThat(p.host()).isEqualTo("proxy.example");
            assertThat(p.port()).isEqualTo(3128);
        }
    }

    @Nested
    class Host {

        @Test
        void a_null_host_is_rejected_naming_the_host() {
            assertThatNullPointerException()
                    .isThrownBy(() -> proxy().host(null).build())
                    .withMessage("host");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "   ", "\t", "\n"})
        void a_blank_host_is_rejected_quoting_the_value(String host) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().host(host).build())
                    .withMessageContaining("host")
                    .withMessageContaining("'" + host + "'");
        }

        @ParameterizedTest
        @ValueSource(strings = {" 10.0.0.1", "10.0.0.1 ", "proxy .example", "a\tb"})
        void a_host_with_whitespace_is_rejected_quoting_the_value(String host) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().host(host).build())
                    .withMessage("host must be non-blank without whitespace, was '" + host + "'");
        }

        @Test
        void a_host_of_253_characters_is_accepted() {
            String host = "a".repeat(253);

            assertThat(proxy().host(host).build().host()).isEqualTo(host);
        }

        @Test
        void a_host_longer_than_253_characters_is_rejected_naming_its_length() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().host("a".repeat(254)).build())
                    .withMessage("host must be at most 253 characters, was 254");
        }

        @ParameterizedTest
        @ValueSource(strings = {"10.0.0.1", "proxy.example.com", "::1", "2001:db8::7", "localhost"})
        void host_names_and_ip_addresses_are_accepted(String host) {
            assertThat(proxy().host(host).build().host()).isEqualTo(host);
        }
    }

    @Nested
    class Concurrency {

        @ParameterizedTest
        @ValueSource(ints = {0, -1, -2, Integer.MIN_VALUE})
        void a_max_concurrency_below_1_is_rejected_naming_the_value(int max) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().maxConcurrency(max).build())
                    .withMessageContaining("maxConcurrency")
                    .withMessageEndingWith("was " + max);
        }

        @Test
        void sharing_with_zero_leases_is_rejected() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().shared(0).build())
                    .withMessage("maxConcurrency must be >= 1 (or Proxy.UNLIMITED), was 0");
        }

        @ParameterizedTest
        @ValueSource(ints = {-1, -100, Integer.MIN_VALUE})
        void a_negative_lease_counter_is_rejected_naming_the_value(int leases) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().currentLeases(leases).build())
                    .withMessage("currentLeases must be >= 0, was " + leases);
        }

        @Test
        void a_lease_counter_above_max_concurrency_is_accepted_because_the_storage_owns_it() {
            // The counter counts ACTIVE lease records, expired ones included, so it may exceed the limit.
            assertThat(proxy().exclusive().currentLeases(2).build().currentLeases())
                    .isEqualTo(2);
        }
    }

    @Nested
    class RequiredValues {

        @Test
        void a_missing_pool_id_is_rejected_naming_it() {
            assertThatNullPointerException()
                    .isThrownBy(() -> Proxy.builder().address("10.0.0.1", 8080).build())
                    .withMessage("poolId");
        }

        @Test
        void a_null_id_is_rejected_naming_it() {
            assertThatNullPointerException()
                    .isThrownBy(() -> proxy().id(null).build())
                    .withMessage("id");
        }

        @Test
        void a_null_protocol_is_rejected_naming_it() {
            assertThatNullPointerException()
                    .isThrownBy(() -> proxy().protocol(null).build())
                    .withMessage("protocol");
        }

        @Test
        void a_null_status_is_rejected_naming_it() {
            assertThatNullPointerException()
                    .isThrownBy(() -> proxy().status(null).build())
                    .withMessage("status");
        }
    }

    @Nested
    class Location {

        @ParameterizedTest
        @ValueSource(doubles = {-90.0001, 90.0001, -91, 91, 180, Double.NaN, Double.POSITIVE_INFINITY})
        void a_latitude_out_of_range_is_rejected_when_set(double latitude) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().location(latitude, 0))
                    .withMessage("latitude must be -90..90, was " + latitude);
        }

        @ParameterizedTest
        @ValueSource(doubles = {-180.0001, 180.0001, -181, 181, 360, Double.NaN, Double.NEGATIVE_INFINITY})
        void a_longitude_out_of_range_is_rejected_when_set(double longitude) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().location(0, longitude))
                    .withMessage("longitude must be -180..180, was " + longitude);
        }

        @Test
        void a_valid_location_is_kept() {
            assertThat(proxy().location(52.52, 13.405).build().location()).contains(new GeoPoint(52.52, 13.405));
        }

        @Test
        void a_null_location_means_none() {
            assertThat(proxy().location(new GeoPoint(1, 2))
                            .location(null)
                            .build()
                            .location())
                    .isEmpty();
        }
    }

    @Nested
    class Tags {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\t"})
        void a_blank_country_is_rejected_quoting_the_value(String country) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().country(country).build())
                    .withMessage("country must not be blank when set, was '" + country + "'");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "  "})
        void a_blank_city_is_rejected_quoting_the_value(String city) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().city(city).build())
                    .withMessage("city must not be blank when set, was '" + city + "'");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "  "})
        void a_blank_source_is_rejected_quoting_the_value(String source) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().source(source).build())
                    .withMessage("source must not be blank when set, was '" + source + "'");
        }

        @ParameterizedTest
        @ValueSource(longs = {-1, 4_294_967_296L, Long.MIN_VALUE, Long.MAX_VALUE})
        void an_asn_out_of_the_32_bit_range_is_rejected_naming_it(long asn) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().asn(asn).build())
                    .withMessage("asn must be 0..4294967295, was " + asn);
        }

        @ParameterizedTest
        @ValueSource(longs = {0, 13335, 4_294_967_295L})
        void an_asn_in_the_32_bit_range_is_accepted(long asn) {
            assertThat(proxy().asn(asn).build().asn()).hasValue(asn);
        }

        @Test
        void the_country_is_stored_stripped_and_upper_case() {
            assertThat(proxy().country(" de ").build().country()).contains("DE");
        }

        @Test
        void city_and_source_are_stored_stripped_with_their_case() {
            Proxy p = proxy().city("  Berlin ").source(" ProviderX\t").build();

            assertThat(p.city()).contains("Berlin");
            assertThat(p.source()).contains("ProviderX");
        }

        @Test
        void unset_tags_are_empty() {
            Proxy p = proxy().build();

            assertThat(p.country()).isEmpty();
            assertThat(p.city()).isEmpty();
            assertThat(p.source()).isEmpty();
            assertThat(p.asn()).isEmpty();
            assertThat(p.location()).isEmpty();
            assertThat(p.credentials()).isEmpty();
            assertThat(p.lastCheckedAt()).isEmpty();
            assertThat(p.lastLatency()).isEmpty();
        }

        @Test
        void a_null_boxed_asn_means_none() {
            assertThat(proxy().asn(7L).asn((Long) null).build().asn()).isEmpty();
        }
    }

    @Nested
    class HealthValues {

        @Test
        void a_negative_last_latency_is_rejected_naming_it() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> proxy().lastLatency(Duration.ofMillis(-5)).build())
                    .withMessage("lastLatency must not be negative, was PT-0.005S");
        }

        @Test
        void a_zero_last_latency_is_accepted() {
            assertThat(proxy().lastLatency(Duration.ZERO).build().lastLatency()).contains(Duration.ZERO);
        }
    }

    @Nested
    class CredentialValues {

        @Test
        void credentials_with_a_null_password_are_rejected_when_set() {
            assertThatNullPointerException()
                    .isThrownBy(() -> proxy().credentials("user", null))
                    .withMessage("password");
        }

        @Test
        void credentials_with_a_blank_username_are_rejected_when_set() {
            assertThatThrownBy(() -> proxy().credentials(" ", "secret"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("username")
                    .hasMessageNotContaining("secret");
        }
    }
}
