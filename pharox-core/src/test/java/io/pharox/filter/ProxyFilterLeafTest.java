package io.pharox.filter;

import static io.pharox.Fixtures.proxy;
import static io.pharox.filter.ProxyFilters.asn;
import static io.pharox.filter.ProxyFilters.city;
import static io.pharox.filter.ProxyFilters.country;
import static io.pharox.filter.ProxyFilters.countryIn;
import static io.pharox.filter.ProxyFilters.matching;
import static io.pharox.filter.ProxyFilters.protocol;
import static io.pharox.filter.ProxyFilters.source;
import static io.pharox.filter.ProxyFilters.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.pharox.model.GeoPoint;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The leaf clauses: one attribute each, and a proxy lacking the attribute never matches. */
class ProxyFilterLeafTest {

    private static final Proxy UNTAGGED = proxy().build();

    @Nested
    class Country {

        @ParameterizedTest
        @CsvSource({"DE, de", "de, DE", "De, dE", "' de ', DE", "DE, ' de'"})
        void country_is_compared_ignoring_case_and_surrounding_blanks(String filterCode, String proxyCode) {
            assertThat(country(filterCode).matches(proxy().country(proxyCode).build()))
                    .isTrue();
        }

        @Test
        void country_case_folding_does_not_depend_on_the_default_locale() {
            Locale saved = Locale.getDefault();
            try {
                Locale.setDefault(Locale.forLanguageTag("tr-TR"));

                ProxyFilter filter = country("it");
                Proxy italian = proxy().country("it").build();

                assertThat(((ProxyFilter.Country) filter).code()).isEqualTo("IT");
                assertThat(italian.country()).contains("IT");
                assertThat(filter.matches(italian)).isTrue();
            } finally {
                Locale.setDefault(saved);
            }
        }

        @Test
        void another_country_does_not_match() {
            assertThat(country("DE").matches(proxy().country("AT").build())).isFalse();
        }

        @Test
        void a_proxy_without_a_country_does_not_match() {
            assertThat(country("DE").matches(UNTAGGED)).isFalse();
        }

        @Test
        void the_clause_stores_the_code_upper_case_and_stripped() {
            assertThat(new ProxyFilter.Country(" us ").code()).isEqualTo("US");
            assertThat(country("us")).isEqualTo(country("US"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\t"})
        void a_blank_code_is_rejected_quoting_it(String code) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> country(code))
                    .withMessage("country filter value must not be blank, was '" + code + "'");
        }

        @Test
        void a_null_code_is_rejected_naming_the_field() {
            assertThatNullPointerException().isThrownBy(() -> country(null)).withMessage("country");
        }

        @Test
        void country_in_matches_any_of_its_codes() {
            ProxyFilter filter = countryIn("us", "CA");

            assertThat(filter.matches(proxy().country("US").build())).isTrue();
            assertThat(filter.matches(proxy().country("ca").build())).isTrue();
            assertThat(filter.matches(proxy().country("MX").build())).isFalse();
            assertThat(filter.matches(UNTAGGED)).isFalse();
        }

        @Test
        void country_in_is_an_any_of_country_clauses() {
            assertThat(countryIn("US", "CA")).isEqualTo(ProxyFilters.anyOf(country("US"), country("CA")));
        }

        @Test
        void country_in_with_no_codes_matches_nothing() {
            ProxyFilter filter = countryIn();

            assertThat(filter.matches(proxy().country("US").build())).isFalse();
            assertThat(filter.matches(UNTAGGED)).isFalse();
        }

        @Test
        void country_in_rejects_a_blank_code() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> countryIn("US", " "))
                    .withMessageContaining("country");
        }
    }

    @Nested
    class CityAndSource {

        @Test
        void city_matches_the_same_name() {
            assertThat(city("Berlin").matches(proxy().city("Berlin").build())).isTrue();
        }

        @Test
        void city_is_compared_with_case() {
            assertThat(city("berlin").matches(proxy().city("Berlin").build())).isFalse();
        }

        @Test
        void city_ignores_surrounding_blanks_on_both_sides() {
            assertThat(city(" Berlin ").matches(proxy().city("Berlin\t").build()))
                    .isTrue();
            assertThat(new ProxyFilter.City("  Berlin ").name()).isEqualTo("Berlin");
        }

        @Test
        void a_proxy_without_a_city_does_not_match() {
            assertThat(city("Berlin").matches(UNTAGGED)).isFalse();
        }

        @Test
        void another_city_does_not_match() {
            assertThat(city("Berlin").matches(proxy().city("Bern").build())).isFalse();
        }

        @Test
        void source_matches_the_same_name_with_case() {
            Proxy p = proxy().source("ProviderX").build();

            assertThat(source("ProviderX").matches(p)).isTrue();
            assertThat(source("providerx").matches(p)).isFalse();
            assertThat(source(" ProviderX ").matches(p)).isTrue();
        }

        @Test
        void a_proxy_without_a_source_does_not_match() {
            assertThat(source("ProviderX").matches(UNTAGGED)).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "  "})
        void blank_city_and_source_values_are_rejected_naming_the_field(String value) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> city(value))
                    .withMessage("city filter value must not be blank, was '" + value + "'");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> source(value))
                    .withMessage("source filter value must not be blank, was '" + value + "'");
        }

        @Test
        void null_city_and_source_values_are_rejected_naming_the_field() {
            assertThatNullPointerException().isThrownBy(() -> city(null)).withMessage("city");
            assertThatNullPointerException().isThrownBy(() -> source(null)).withMessage("source");
        }
    }

    @Nested
    class Asn {

        @ParameterizedTest
        @ValueSource(longs = {0, 13335, 4_294_967_295L})
        void asn_matches_the_same_number(long number) {
            assertThat(asn(number).matches(proxy().asn(number).build())).isTrue();
        }

        @Test
        void another_asn_does_not_match() {
            assertThat(asn(13335).matches(proxy().asn(13336).build())).isFalse();
        }

        @Test
        void a_proxy_without_an_asn_does_not_match_even_asn_zero() {
            assertThat(asn(0).matches(UNTAGGED)).isFalse();
        }

        @ParameterizedTest
        @ValueSource(longs = {-1, 4_294_967_296L, Long.MIN_VALUE, Long.MAX_VALUE})
        void an_asn_out_of_range_is_rejected_naming_it(long number) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> asn(number))
                    .withMessage("asn must be 0..4294967295, was " + number);
        }
    }

    @Nested
    class Protocol {

        @ParameterizedTest
        @EnumSource(ProxyProtocol.class)
        void protocol_matches_exactly_that_protocol(ProxyProtocol wanted) {
            for (ProxyProtocol actual : ProxyProtocol.values()) {
                assertThat(protocol(wanted).matches(proxy().protocol(actual).build()))
                        .as("%s against %s", wanted, actual)
                        .isEqualTo(wanted == actual);
            }
        }

        @Test
        void a_null_protocol_is_rejected_naming_it() {
            assertThatNullPointerException().isThrownBy(() -> protocol(null)).withMessage("protocol");
        }
    }

    @Nested
    class GeoRadius {

        private final GeoPoint paris = new GeoPoint(48.8566, 2.3522);
        private final GeoPoint london = new GeoPoint(51.5074, -0.1278);

        @Test
        void a_proxy_inside_the_radius_matches() {
            assertThat(within(paris, 400).matches(proxy().location(london).build()))
                    .isTrue();
        }

        @Test
        void a_proxy_outside_the_radius_does_not_match() {
            assertThat(within(paris, 300).matches(proxy().location(london).build()))
                    .isFalse();
        }

        @Test
        void a_proxy_at_the_centre_matches() {
            assertThat(within(48.8566, 2.3522, 0.001)
                            .matches(proxy().location(paris).build()))
                    .isTrue();
        }

        @Test
        void a_proxy_exactly_on_the_boundary_matches() {
            double distance = paris.distanceKm(london);

            assertThat(within(paris, distance).matches(proxy().location(london).build()))
                    .isTrue();
        }

        @Test
        void a_proxy_just_beyond_the_boundary_does_not_match() {
            double distance = paris.distanceKm(london);

            assertThat(within(paris, Math.nextDown(distance))
                            .matches(proxy().location(london).build()))
                    .isFalse();
        }

        @Test
        void a_proxy_without_a_location_does_not_match_even_a_world_wide_radius() {
            assertThat(within(0, 0, 30_000).matches(UNTAGGED)).isFalse();
        }

        @Test
        void the_radius_reaches_across_the_antimeridian() {
            Proxy fiji = proxy().location(-17.7, 179.9).build();

            assertThat(within(-17.7, -179.9, 50).matches(fiji)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(doubles = {0, -0.0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
        void a_radius_that_is_not_positive_and_finite_is_rejected_naming_it(double radius) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> within(0, 0, radius))
                    .withMessage("radiusKm must be positive and finite, was " + radius);
        }

        @Test
        void an_invalid_centre_is_rejected_naming_the_coordinate() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> within(91, 0, 10))
                    .withMessageContaining("latitude")
                    .withMessageContaining("91");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> within(0, -181, 10))
                    .withMessageContaining("longitude")
                    .withMessageContaining("-181");
        }

        @Test
        void a_null_centre_is_rejected_naming_it() {
            assertThatNullPointerException().isThrownBy(() -> within(null, 10)).withMessage("center");
        }

        @Test
        void both_factories_build_the_same_clause() {
            assertThat(within(48.8566, 2.3522, 10)).isEqualTo(new ProxyFilter.GeoRadius(paris, 10));
        }
    }

    @Nested
    class Matching {

        @Test
        void a_predicate_decides_the_match() {
            ProxyFilter highPorts = matching("port above 1024", p -> p.port() > 1024);

            assertThat(highPorts.matches(proxy().port(8080).build())).isTrue();
            assertThat(highPorts.matches(proxy().port(80).build())).isFalse();
        }

        @Test
        void the_predicate_sees_the_proxy_being_tested() {
            AtomicInteger calls = new AtomicInteger();
            Proxy p = proxy().build();

            boolean result = matching("counts", q -> q == p && calls.incrementAndGet() > 0)
                    .matches(p);

            assertThat(result).isTrue();
            assertThat(calls).hasValue(1);
        }

        @Test
        void a_predicate_clause_has_predicates_and_others_do_not() {
            assertThat(matching("any", p -> true).hasPredicates()).isTrue();
            assertThat(country("DE").hasPredicates()).isFalse();
            assertThat(city("Berlin").hasPredicates()).isFalse();
            assertThat(source("s").hasPredicates()).isFalse();
            assertThat(asn(1).hasPredicates()).isFalse();
            assertThat(protocol(ProxyProtocol.HTTP).hasPredicates()).isFalse();
            assertThat(within(0, 0, 1).hasPredicates()).isFalse();
        }

        @Test
        void to_string_shows_the_description() {
            assertThat(matching("low latency", p -> true).toString()).isEqualTo("Matching[low latency]");
        }

        @Test
        void null_description_or_predicate_is_rejected_naming_it() {
            assertThatNullPointerException()
                    .isThrownBy(() -> matching(null, p -> true))
                    .withMessage("description");
            assertThatNullPointerException()
                    .isThrownBy(() -> matching("d", null))
                    .withMessage("predicate");
        }
    }

    @Test
    void a_leaf_has_depth_and_size_one() {
        for (ProxyFilter leaf : new ProxyFilter[] {
            country("DE"),
            city("c"),
            source("s"),
            asn(1),
            protocol(ProxyProtocol.SOCKS5),
            within(0, 0, 1),
            matching("m", p -> true)
        }) {
            assertThat(leaf.depth()).as("%s", leaf).isEqualTo(1);
            assertThat(leaf.size()).as("%s", leaf).isEqualTo(1);
        }
    }
}
