package io.pharox.filter;

import static io.pharox.Fixtures.proxy;
import static io.pharox.filter.ProxyFilters.allOf;
import static io.pharox.filter.ProxyFilters.anyOf;
import static io.pharox.filter.ProxyFilters.asn;
import static io.pharox.filter.ProxyFilters.city;
import static io.pharox.filter.ProxyFilters.country;
import static io.pharox.filter.ProxyFilters.matchAll;
import static io.pharox.filter.ProxyFilters.matching;
import static io.pharox.filter.ProxyFilters.noneOf;
import static io.pharox.filter.ProxyFilters.protocol;
import static io.pharox.filter.ProxyFilters.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code allOf}, {@code anyOf}, {@code noneOf}: logic, nesting, limits and immutability. */
class ProxyFilterCombinatorTest {

    private static final Proxy DE_BERLIN = proxy().country("DE")
            .city("Berlin")
            .asn(3320L)
            .protocol(ProxyProtocol.SOCKS5)
            .location(52.52, 13.405)
            .build();
    private static final Proxy US_NYC = proxy().country("US")
            .city("New York")
            .asn(13335L)
            .protocol(ProxyProtocol.HTTP)
            .location(40.7128, -74.006)
            .build();
    private static final Proxy UNTAGGED = proxy().build();

    @Nested
    class Logic {

        @Test
        void all_of_needs_every_clause() {
            assertThat(allOf(country("DE"), city("Berlin")).matches(DE_BERLIN)).isTrue();
            assertThat(allOf(country("DE"), city("Munich")).matches(DE_BERLIN)).isFalse();
            assertThat(allOf(country("US"), city("Berlin")).matches(DE_BERLIN)).isFalse();
        }

        @Test
        void any_of_needs_one_clause() {
            assertThat(anyOf(country("FR"), city("Berlin")).matches(DE_BERLIN)).isTrue();
            assertThat(anyOf(country("DE"), city("Paris")).matches(DE_BERLIN)).isTrue();
            assertThat(anyOf(country("FR"), city("Paris")).matches(DE_BERLIN)).isFalse();
        }

        @Test
        void none_of_needs_every_clause_to_fail() {
            assertThat(noneOf(country("FR"), city("Paris")).matches(DE_BERLIN)).isTrue();
            assertThat(noneOf(country("FR"), city("Berlin")).matches(DE_BERLIN)).isFalse();
        }

        @Test
        void none_of_matches_a_proxy_lacking_the_attribute() {
            assertThat(noneOf(country("DE")).matches(UNTAGGED)).isTrue();
            assertThat(noneOf(asn(3320)).matches(UNTAGGED)).isTrue();
        }

        @Test
        void empty_all_of_matches_every_proxy() {
            assertThat(allOf().matches(DE_BERLIN)).isTrue();
            assertThat(allOf(List.of()).matches(UNTAGGED)).isTrue();
        }

        @Test
        void empty_any_of_matches_no_proxy() {
            assertThat(anyOf().matches(DE_BERLIN)).isFalse();
            assertThat(anyOf(List.of()).matches(UNTAGGED)).isFalse();
        }

        @Test
        void empty_none_of_matches_every_proxy() {
            assertThat(noneOf().matches(DE_BERLIN)).isTrue();
            assertThat(noneOf(List.of()).matches(UNTAGGED)).isTrue();
        }

        @Test
        void match_all_matches_every_proxy_and_is_an_empty_all_of() {
            assertThat(matchAll().matches(DE_BERLIN)).isTrue();
            assertThat(matchAll().matches(UNTAGGED)).isTrue();
            assertThat(matchAll()).isEqualTo(allOf()).isSameAs(matchAll());
            assertThat(matchAll().hasPredicates()).isFalse();
            assertThat(matchAll().depth()).isEqualTo(1);
            assertThat(matchAll().size()).isEqualTo(1);
        }

        @Test
        void a_single_clause_combinator_behaves_like_the_clause_alone_or_its_negation() {
            for (Proxy p : List.of(DE_BERLIN, US_NYC, UNTAGGED)) {
                ProxyFilter leaf = country("DE");
                assertThat(allOf(leaf).matches(p)).isEqualTo(leaf.matches(p));
                assertThat(anyOf(leaf).matches(p)).isEqualTo(leaf.matches(p));
                assertThat(noneOf(leaf).matches(p)).isEqualTo(!leaf.matches(p));
            }
        }

        @Test
        void the_documented_example_selects_north_american_proxies_outside_cloudflare_near_new_york() {
            ProxyFilter filter =
                    allOf(anyOf(country("US"), country("CA")), noneOf(asn(13335)), within(40.71, -74.00, 500));
            Proxy boston =
                    proxy().country("US").asn(7922L).location(42.36, -71.06).build();
            Proxy kingston =
                    proxy().country("CA").asn(577L).location(44.2312, -76.4860).build();
            Proxy chicago =
                    proxy().country("US").asn(7922L).location(41.88, -87.63).build();

            assertThat(filter.matches(boston)).isTrue();
            assertThat(filter.matches(kingston)).isTrue();
            assertThat(filter.matches(US_NYC)).as("Cloudflare ASN").isFalse();
            assertThat(filter.matches(chicago)).as("too far").isFalse();
            assertThat(filter.matches(DE_BERLIN)).isFalse();
        }

        @Test
        void any_of_stops_at_the_first_match_and_all_of_at_the_first_miss() {
            List<String> evaluated = new ArrayList<>();
            ProxyFilter first = matching("first", p -> evaluated.add("first"));
            ProxyFilter second = matching("second", p -> evaluated.add("second"));

            anyOf(first, second).matches(UNTAGGED);
            assertThat(evaluated).containsExactly("first");

            evaluated.clear();
            allOf(noneOf(first), second).matches(UNTAGGED);
            assertThat(evaluated).containsExactly("first");
        }
    }

    @Nested
    class Nesting {

        @Test
        void nested_clauses_combine_to_several_levels() {
            // (DE and (Berlin or Munich) and not (asn 1 or asn 2)) or (US and not HTTPS and not SOCKS5)
            ProxyFilter filter = anyOf(
                    allOf(country("DE"), anyOf(city("Berlin"), city("Munich")), noneOf(anyOf(asn(1), asn(2)))),
                    allOf(country("US"), noneOf(protocol(ProxyProtocol.HTTPS), protocol(ProxyProtocol.SOCKS5))));

            assertThat(filter.matches(DE_BERLIN)).isTrue();
            assertThat(filter.matches(US_NYC)).isTrue();
            assertThat(filter.matches(UNTAGGED)).isFalse();
            assertThat(filter.matches(DE_BERLIN.toBuilder().asn(2L).build())).isFalse();
            assertThat(filter.matches(DE_BERLIN.toBuilder().city("Hamburg").build()))
                    .isFalse();
            assertThat(filter.matches(
                            US_NYC.toBuilder().protocol(ProxyProtocol.HTTPS).build()))
                    .isFalse();
            assertThat(filter.depth()).isEqualTo(5);
            assertThat(filter.size()).isEqualTo(15);
        }

        @Test
        void double_negation_is_the_clause_itself() {
            ProxyFilter inner = anyOf(country("DE"), asn(13335));
            ProxyFilter doubleNegated = noneOf(noneOf(inner));

            for (Proxy p :
                    List.of(DE_BERLIN, US_NYC, UNTAGGED, proxy().country("FR").build())) {
                assertThat(doubleNegated.matches(p)).as("%s", p).isEqualTo(inner.matches(p));
            }
        }

        @Test
        void alternating_combinators_evaluate_at_depth_ten() {
            // Each level of noneOf(x) flips the result; ten flips of country("DE") give country("DE").
            ProxyFilter filter = country("DE");
            for (int level = 0; level < 10; level++) {
                filter = level % 2 == 0 ? noneOf(allOf(filter)) : noneOf(anyOf(filter));
            }

            assertThat(filter.depth()).isEqualTo(21);
            assertThat(filter.matches(DE_BERLIN)).isTrue();
            assertThat(filter.matches(US_NYC)).isFalse();
            assertThat(filter.matches(UNTAGGED)).isFalse();
        }

        @Test
        void depth_counts_the_deepest_branch_and_size_counts_every_clause() {
            ProxyFilter filter = allOf(country("DE"), anyOf(city("a"), noneOf(asn(1))), allOf());

            assertThat(filter.depth()).isEqualTo(4);
            assertThat(filter.size()).isEqualTo(7);
        }

        @Test
        void has_predicates_finds_a_predicate_at_any_depth() {
            ProxyFilter deep = matching("p", p -> true);
            for (int i = 0; i < 10; i++) {
                deep = i % 3 == 0 ? allOf(country("DE"), deep) : i % 3 == 1 ? anyOf(deep, city("x")) : noneOf(deep);
            }

            assertThat(deep.hasPredicates()).isTrue();
            assertThat(allOf(country("DE"), anyOf(city("x"), noneOf(asn(1)))).hasPredicates())
                    .isFalse();
            assertThat(anyOf(country("DE"), matching("p", p -> true)).hasPredicates())
                    .isTrue();
            assertThat(noneOf(matching("p", p -> true)).hasPredicates()).isTrue();
        }
    }

    @Nested
    class Limits {

        private ProxyFilter nested(int depth) {
            ProxyFilter filter = country("DE");
            for (int i = 1; i < depth; i++) {
                filter = allOf(filter);
            }
            return filter;
        }

        @Test
        void limits_have_the_documented_values() {
            assertThat(ProxyFilter.MAX_DEPTH).isEqualTo(64);
            assertThat(ProxyFilter.MAX_CLAUSES).isEqualTo(10_000);
            assertThat(ProxyFilter.MAX_GEO_CLAUSES).isEqualTo(8);
        }

        @Test
        void a_tree_exactly_max_depth_deep_is_accepted_and_evaluates() {
            ProxyFilter filter = nested(ProxyFilter.MAX_DEPTH);

            assertThat(filter.depth()).isEqualTo(ProxyFilter.MAX_DEPTH);
            assertThat(filter.matches(DE_BERLIN)).isTrue();
            assertThat(filter.matches(US_NYC)).isFalse();
        }

        @Test
        void a_tree_one_level_deeper_than_max_depth_is_rejected_naming_the_depth() {
            ProxyFilter deepest = nested(ProxyFilter.MAX_DEPTH);

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> allOf(deepest))
                    .withMessage("allOf nests 65 levels deep; a filter tree may nest at most 64");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> anyOf(deepest))
                    .withMessageStartingWith("anyOf nests 65 levels deep");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> noneOf(country("DE"), deepest))
                    .withMessageStartingWith("noneOf nests 65 levels deep");
        }

        @Test
        void a_combinator_with_max_clauses_minus_one_children_is_accepted() {
            List<ProxyFilter> leaves = Collections.nCopies(ProxyFilter.MAX_CLAUSES - 1, country("DE"));

            ProxyFilter filter = anyOf(leaves);

            assertThat(filter.size()).isEqualTo(ProxyFilter.MAX_CLAUSES);
            assertThat(filter.matches(DE_BERLIN)).isTrue();
        }

        @Test
        void a_combinator_with_max_clauses_children_is_rejected_naming_the_count() {
            List<ProxyFilter> leaves = Collections.nCopies(ProxyFilter.MAX_CLAUSES, country("DE"));

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> allOf(leaves))
                    .withMessage(
                            "allOf of 10000 clauses makes a tree of 10001 clauses with itself; a filter tree may hold at most 10000");
        }

        @Test
        void a_tree_larger_than_max_clauses_in_all_is_rejected_naming_its_size() {
            ProxyFilter half = anyOf(Collections.nCopies(5000, country("DE")));

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> noneOf(half, half))
                    .withMessage("noneOf holds 10003 clauses in all; a filter tree may hold at most 10000");
        }

        @Test
        void a_tree_of_exactly_max_clauses_in_all_is_accepted() {
            ProxyFilter a = anyOf(Collections.nCopies(4998, country("DE")));
            ProxyFilter b = anyOf(Collections.nCopies(4999, city("x")));

            ProxyFilter filter = allOf(a, b);

            assertThat(filter.size()).isEqualTo(ProxyFilter.MAX_CLAUSES);
        }

        @Test
        void a_tree_of_exactly_max_geo_clauses_radii_is_accepted_and_evaluates() {
            ProxyFilter berlin = within(52.52, 13.405, 10);
            ProxyFilter filter = allOf(
                    anyOf(Collections.nCopies(ProxyFilter.MAX_GEO_CLAUSES - 1, berlin)),
                    noneOf(within(40.71, -74.0, 10)));

            assertThat(filter.geoClauses()).isEqualTo(ProxyFilter.MAX_GEO_CLAUSES);
            assertThat(filter.matches(DE_BERLIN)).isTrue();
            assertThat(filter.matches(US_NYC)).isFalse();
        }

        @Test
        void a_tree_with_one_radius_more_than_max_geo_clauses_is_rejected_naming_the_count_and_the_cap() {
            ProxyFilter radii = anyOf(Collections.nCopies(ProxyFilter.MAX_GEO_CLAUSES, within(52.52, 13.405, 10)));
            int over = ProxyFilter.MAX_GEO_CLAUSES + 1;

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> allOf(country("DE"), noneOf(radii, within(0, 0, 1))))
                    .withMessage("noneOf holds " + over + " geo radius clauses in all; a filter tree may hold at most "
                            + ProxyFilter.MAX_GEO_CLAUSES);
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> anyOf(Collections.nCopies(over, within(0, 0, 1))))
                    .withMessageStartingWith("anyOf holds " + over + " geo radius clauses");
        }
    }

    @Nested
    class Construction {

        @Test
        void a_null_clause_is_rejected_naming_its_position() {
            assertThatNullPointerException()
                    .isThrownBy(() -> allOf(country("DE"), null))
                    .withMessage("allOf clause 1 is null");
            assertThatNullPointerException()
                    .isThrownBy(() -> anyOf((ProxyFilter) null))
                    .withMessage("anyOf clause 0 is null");
            assertThatNullPointerException()
                    .isThrownBy(() -> noneOf(Collections.singletonList(null)))
                    .withMessage("noneOf clause 0 is null");
        }

        @Test
        void a_null_clause_list_is_rejected() {
            assertThatNullPointerException()
                    .isThrownBy(() -> allOf((List<ProxyFilter>) null))
                    .withMessage("allOf clauses");
            assertThatNullPointerException()
                    .isThrownBy(() -> anyOf((ProxyFilter[]) null))
                    .withMessage("clauses");
            assertThatNullPointerException()
                    .isThrownBy(() -> new ProxyFilter.NoneOf(null))
                    .withMessage("noneOf clauses");
        }

        @Test
        void the_clause_list_is_copied_and_unmodifiable() {
            List<ProxyFilter> source = new ArrayList<>(List.of(country("DE")));
            ProxyFilter.AllOf filter = new ProxyFilter.AllOf(source);

            source.add(country("US"));

            assertThat(filter.clauses()).containsExactly(country("DE"));
            assertThat(filter.matches(DE_BERLIN)).isTrue();
            assertThatThrownBy(() -> filter.clauses().add(country("FR")))
                    .isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void changing_the_varargs_array_later_does_not_change_the_filter() {
            ProxyFilter[] clauses = {country("DE")};
            ProxyFilter filter = anyOf(clauses);

            clauses[0] = country("US");

            assertThat(filter.matches(DE_BERLIN)).isTrue();
            assertThat(filter.matches(US_NYC)).isFalse();
        }

        @Test
        void combinators_with_equal_clauses_are_equal() {
            assertThat(allOf(country("de"), asn(1))).isEqualTo(allOf(country("DE"), asn(1)));
            assertThat(allOf(country("DE"))).isNotEqualTo(anyOf(country("DE")));
            assertThat(anyOf(country("DE"), asn(1))).isNotEqualTo(anyOf(asn(1), country("DE")));
        }
    }
}
