package io.pharox.filter;

import static io.pharox.Fixtures.proxy;
import static io.pharox.filter.ProxyFilters.allOf;
import static io.pharox.filter.ProxyFilters.anyOf;
import static io.pharox.filter.ProxyFilters.asn;
import static io.pharox.filter.ProxyFilters.city;
import static io.pharox.filter.ProxyFilters.country;
import static io.pharox.filter.ProxyFilters.protocol;
import static io.pharox.filter.ProxyFilters.source;
import static io.pharox.filter.ProxyFilters.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProxyFiltersBuilderTest {

    @Test
    void an_empty_builder_matches_every_proxy() {
        ProxyFilter filter = ProxyFilters.builder().build();

        assertThat(filter).isEqualTo(ProxyFilters.matchAll());
        assertThat(filter.matches(proxy().build())).isTrue();
    }

    @Test
    void a_single_criterion_with_one_value_is_returned_as_the_leaf_itself() {
        assertThat(ProxyFilters.builder().country("de").build()).isEqualTo(country("DE"));
        assertThat(ProxyFilters.builder().asn(13335).build()).isEqualTo(asn(13335));
    }

    @Test
    void several_values_for_one_attribute_mean_any_of_them() {
        ProxyFilter filter = ProxyFilters.builder().country("US", "CA").build();

        assertThat(filter).isEqualTo(anyOf(country("US"), country("CA")));
        assertThat(filter.matches(proxy().country("CA").build())).isTrue();
        assertThat(filter.matches(proxy().country("MX").build())).isFalse();
    }

    @Test
    void several_criteria_must_all_hold() {
        ProxyFilter filter = ProxyFilters.builder()
                .country("DE", "AT")
                .city("Berlin", "Vienna")
                .source("list-a")
                .asn(3320, 8447)
                .protocol(ProxyProtocol.SOCKS5)
                .within(50, 12, 800)
                .matching("high port", p -> p.port() > 1024)
                .build();
        Proxy berlin = proxy().country("DE")
                .city("Berlin")
                .source("list-a")
                .asn(3320L)
                .protocol(ProxyProtocol.SOCKS5)
                .location(52.52, 13.405)
                .port(1080)
                .build();

        assertThat(filter).isInstanceOf(ProxyFilter.AllOf.class);
        assertThat(filter.size()).isEqualTo(14);
        assertThat(filter.matches(berlin)).isTrue();
        assertThat(filter.matches(berlin.toBuilder().country("CH").build())).isFalse();
        assertThat(filter.matches(berlin.toBuilder().city("Munich").build())).isFalse();
        assertThat(filter.matches(berlin.toBuilder().source("list-b").build())).isFalse();
        assertThat(filter.matches(berlin.toBuilder().asn(1L).build())).isFalse();
        assertThat(filter.matches(
                        berlin.toBuilder().protocol(ProxyProtocol.HTTP).build()))
                .isFalse();
        assertThat(filter.matches(berlin.toBuilder().location(40.7, -74).build()))
                .isFalse();
        assertThat(filter.matches(berlin.toBuilder().port(80).build())).isFalse();
    }

    @Test
    void naming_an_attribute_twice_requires_both_values() {
        ProxyFilter filter = ProxyFilters.builder().country("US").country("CA").build();

        assertThat(filter).isEqualTo(allOf(country("US"), country("CA")));
        assertThat(filter.matches(proxy().country("US").build())).isFalse();
        assertThat(filter.matches(proxy().country("CA").build())).isFalse();
    }

    @Test
    void a_repeated_value_is_accepted_and_changes_nothing() {
        ProxyFilter filter = ProxyFilters.builder().country("US", "us").build();

        assertThat(filter.matches(proxy().country("US").build())).isTrue();
        assertThat(filter.matches(proxy().country("CA").build())).isFalse();
    }

    static Stream<Arguments> emptyCriteria() {
        return Stream.of(
                Arguments.of("country", (Consumer<ProxyFilters.Builder>) b -> b.country()),
                Arguments.of("city", (Consumer<ProxyFilters.Builder>) b -> b.city()),
                Arguments.of("source", (Consumer<ProxyFilters.Builder>) b -> b.source()),
                Arguments.of("asn", (Consumer<ProxyFilters.Builder>) b -> b.asn()),
                Arguments.of("protocol", (Consumer<ProxyFilters.Builder>) b -> b.protocol()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyCriteria")
    void a_criterion_without_values_is_rejected_naming_the_attribute(
            String attribute, Consumer<ProxyFilters.Builder> call) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> call.accept(ProxyFilters.builder()))
                .withMessage(attribute + " needs at least one value, was none");
    }

    @Test
    void invalid_values_are_rejected_as_the_factories_reject_them() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProxyFilters.builder().country("US", ""))
                .withMessageContaining("country");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProxyFilters.builder().asn(1, -1))
                .withMessageContaining("asn")
                .withMessageContaining("-1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProxyFilters.builder().within(0, 0, 0))
                .withMessageContaining("radiusKm");
        assertThatNullPointerException()
                .isThrownBy(() -> ProxyFilters.builder().city("a", null))
                .withMessage("city");
        assertThatNullPointerException()
                .isThrownBy(() -> ProxyFilters.builder().protocol(ProxyProtocol.HTTP, null))
                .withMessage("protocol");
    }

    @Test
    void adding_a_null_clause_is_rejected() {
        assertThatNullPointerException()
                .isThrownBy(() -> ProxyFilters.builder().add(null))
                .withMessage("clause");
    }

    @Test
    void add_accepts_any_clause() {
        ProxyFilter filter = ProxyFilters.builder()
                .add(ProxyFilters.noneOf(source("bad")))
                .city("Oslo")
                .build();

        assertThat(filter).isEqualTo(allOf(ProxyFilters.noneOf(source("bad")), city("Oslo")));
    }

    @Test
    void a_filter_already_built_does_not_change_when_the_builder_goes_on() {
        ProxyFilters.Builder builder = ProxyFilters.builder().country("DE").protocol(ProxyProtocol.HTTP);
        ProxyFilter first = builder.build();

        builder.city("Berlin");

        assertThat(first).isEqualTo(allOf(country("DE"), protocol(ProxyProtocol.HTTP)));
        assertThat(builder.build()).isEqualTo(allOf(country("DE"), protocol(ProxyProtocol.HTTP), city("Berlin")));
    }

    @Test
    void within_in_the_builder_equals_the_factory() {
        assertThat(ProxyFilters.builder().within(1, 2, 3).build()).isEqualTo(within(1, 2, 3));
    }
}
