package io.pharox.filter;

import static io.pharox.Fixtures.proxy;
import static io.pharox.filter.ProxyFilters.allOf;
import static io.pharox.filter.ProxyFilters.anyOf;
import static io.pharox.filter.ProxyFilters.country;
import static io.pharox.filter.ProxyFilters.matchAll;
import static io.pharox.filter.ProxyFilters.matching;
import static io.pharox.filter.ProxyFilters.noneOf;
import static io.pharox.filter.ProxyFilters.withoutPredicates;
import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ProxyFilters#withoutPredicates} relaxes a tree for SQL push-down: the result has no
 * predicates and matches every proxy the original matches.
 */
class WithoutPredicatesTest {

    private static final String[] COUNTRIES = {"DE", "US", "FR"};
    private static final String[] CITIES = {"Berlin", "Paris", "Austin"};
    private static final String[] SOURCES = {"a", "b"};
    private static final long[] ASNS = {1, 2, 3};

    private static final Proxy DE = proxy().country("DE").port(8080).build();
    private static final Proxy US = proxy().country("US").port(80).build();

    @Test
    void a_tree_without_predicates_is_returned_as_it_is() {
        ProxyFilter filter = allOf(country("DE"), noneOf(anyOf(country("US"))));

        assertThat(withoutPredicates(filter)).isSameAs(filter);
        assertThat(withoutPredicates(matchAll())).isSameAs(matchAll());
    }

    @Test
    void a_lone_predicate_becomes_match_all() {
        ProxyFilter relaxed = withoutPredicates(matching("never", p -> false));

        assertThat(relaxed).isEqualTo(matchAll());
        assertThat(relaxed.matches(DE)).isTrue();
    }

    @Test
    void a_predicate_beside_other_clauses_is_dropped_to_true() {
        ProxyFilter relaxed = withoutPredicates(allOf(country("DE"), matching("high port", p -> p.port() > 1024)));

        assertThat(relaxed.hasPredicates()).isFalse();
        assertThat(relaxed.matches(DE)).isTrue();
        assertThat(relaxed.matches(US)).isFalse();
        assertThat(relaxed).isEqualTo(allOf(country("DE"), matchAll()));
    }

    @Test
    void a_predicate_under_none_of_becomes_false_so_none_of_it_holds() {
        ProxyFilter relaxed = withoutPredicates(noneOf(matching("always", p -> true)));

        assertThat(relaxed.hasPredicates()).isFalse();
        assertThat(relaxed.matches(DE)).isTrue();
        assertThat(relaxed.matches(US)).isTrue();
    }

    @Test
    void a_predicate_in_an_any_of_makes_the_any_of_true() {
        ProxyFilter relaxed = withoutPredicates(anyOf(country("FR"), matching("p", p -> false)));

        assertThat(relaxed.matches(DE)).isTrue();
        assertThat(relaxed.matches(US)).isTrue();
    }

    @Test
    void a_predicate_in_an_any_of_under_none_of_leaves_the_other_alternatives_excluded() {
        // noneOf(FR or P) relaxes to noneOf(FR or false): a French proxy stays excluded.
        ProxyFilter relaxed = withoutPredicates(noneOf(anyOf(country("FR"), matching("p", p -> true))));
        Proxy fr = proxy().country("FR").build();

        assertThat(relaxed.matches(fr)).isFalse();
        assertThat(relaxed.matches(DE)).isTrue();
    }

    @Test
    void polarity_flips_back_under_two_none_ofs() {
        ProxyFilter relaxed = withoutPredicates(noneOf(noneOf(matching("p", p -> false))));

        assertThat(relaxed).isEqualTo(noneOf(noneOf(matchAll())));
        assertThat(relaxed.matches(DE)).isTrue();
    }

    @Test
    void subtrees_without_predicates_are_kept_as_they_are() {
        ProxyFilter plain = anyOf(country("DE"), noneOf(country("US")));
        ProxyFilter.AllOf filter = (ProxyFilter.AllOf) allOf(plain, matching("p", p -> true));

        ProxyFilter.AllOf relaxed = (ProxyFilter.AllOf) withoutPredicates(filter);

        assertThat(relaxed.clauses().get(0)).isSameAs(plain);
        assertThat(relaxed.clauses().get(1)).isEqualTo(matchAll());
    }

    @Test
    void the_original_tree_is_left_unchanged() {
        ProxyFilter filter = allOf(country("DE"), matching("low port", p -> p.port() < 1024));

        withoutPredicates(filter);

        assertThat(filter.hasPredicates()).isTrue();
        assertThat(filter.matches(DE)).isFalse();
        assertThat(filter.matches(DE.toBuilder().port(443).build())).isTrue();
    }

    @Test
    void relaxing_keeps_the_tree_shape_and_limits() {
        ProxyFilter filter = allOf(country("DE"), anyOf(noneOf(matching("p", p -> true)), country("US")));

        ProxyFilter relaxed = withoutPredicates(filter);

        assertThat(relaxed.depth()).isEqualTo(filter.depth());
        assertThat(relaxed.size()).isEqualTo(filter.size());
    }

    @Test
    void the_relaxed_tree_is_a_superset_of_the_original_for_random_trees_and_proxies() {
        Random random = new Random(0xFA20L);
        List<Proxy> proxies = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            proxies.add(randomProxy(random));
        }
        int treesWithPredicates = 0;
        int strictlyRelaxed = 0;
        for (int t = 0; t < 1500; t++) {
            ProxyFilter filter = randomTree(random, 1 + random.nextInt(6), true);
            ProxyFilter relaxed = withoutPredicates(filter);

            assertThat(relaxed.hasPredicates()).as("%s", filter).isFalse();
            if (filter.hasPredicates()) {
                treesWithPredicates++;
            }
            for (Proxy p : proxies) {
                boolean original = filter.matches(p);
                boolean loose = relaxed.matches(p);
                if (original) {
                    assertThat(loose).as("tree %d: %s on %s", t, filter, p).isTrue();
                }
                if (loose && !original) {
                    strictlyRelaxed++;
                }
            }
        }
        // The sample must have exercised predicates, and relaxing must sometimes have widened the match.
        assertThat(treesWithPredicates).isGreaterThan(500);
        assertThat(strictlyRelaxed).isPositive();
    }

    @Test
    void a_random_tree_without_predicates_matches_exactly_like_its_relaxed_form() {
        Random random = new Random(0xBEEFL);
        List<Proxy> proxies = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            proxies.add(randomProxy(random));
        }
        for (int t = 0; t < 1000; t++) {
            ProxyFilter filter = randomTree(random, 1 + random.nextInt(6), false);
            ProxyFilter relaxed = withoutPredicates(filter);

            assertThat(filter.hasPredicates()).isFalse();
            assertThat(relaxed).isSameAs(filter);
            for (Proxy p : proxies) {
                assertThat(relaxed.matches(p)).as("%s on %s", filter, p).isEqualTo(filter.matches(p));
            }
        }
    }

    private static ProxyFilter randomTree(Random random, int depth, boolean withPredicates) {
        if (depth <= 1 || random.nextInt(4) == 0) {
            return randomLeaf(random, withPredicates);
        }
        int n = random.nextInt(4); // 0..3 children, empty combinators included
        List<ProxyFilter> children = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            children.add(randomTree(random, depth - 1, withPredicates));
        }
        switch (random.nextInt(3)) {
            case 0:
                return allOf(children);
            case 1:
                return anyOf(children);
            default:
                return noneOf(children);
        }
    }

    private static ProxyFilter randomLeaf(Random random, boolean withPredicates) {
        int kinds = withPredicates ? 8 : 6;
        switch (random.nextInt(kinds)) {
            case 0:
                return country(COUNTRIES[random.nextInt(COUNTRIES.length)]);
            case 1:
                return ProxyFilters.city(CITIES[random.nextInt(CITIES.length)]);
            case 2:
                return ProxyFilters.source(SOURCES[random.nextInt(SOURCES.length)]);
            case 3:
                return ProxyFilters.asn(ASNS[random.nextInt(ASNS.length)]);
            case 4:
                return ProxyFilters.protocol(ProxyProtocol.values()[random.nextInt(ProxyProtocol.values().length)]);
            case 5:
                return ProxyFilters.within(
                        random.nextInt(21) - 10, random.nextInt(21) - 10, 100 + random.nextInt(1500));
            default:
                return randomPredicate(random);
        }
    }

    private static ProxyFilter randomPredicate(Random random) {
        int modulus = 2 + random.nextInt(3);
        int remainder = random.nextInt(modulus);
        switch (random.nextInt(3)) {
            case 0:
                return matching("port % " + modulus + " == " + remainder, p -> p.port() % modulus == remainder);
            case 1:
                return matching("always", p -> true);
            default:
                return matching("never", p -> false);
        }
    }

    private static Proxy randomProxy(Random random) {
        Proxy.Builder b = proxy().port(1 + random.nextInt(65535))
                .protocol(ProxyProtocol.values()[random.nextInt(ProxyProtocol.values().length)]);
        if (random.nextBoolean()) {
            b.country(COUNTRIES[random.nextInt(COUNTRIES.length)]);
        }
        if (random.nextBoolean()) {
            b.city(CITIES[random.nextInt(CITIES.length)]);
        }
        if (random.nextBoolean()) {
            b.source(SOURCES[random.nextInt(SOURCES.length)]);
        }
        if (random.nextBoolean()) {
            b.asn(ASNS[random.nextInt(ASNS.length)]);
        }
        if (random.nextBoolean()) {
            b.location(random.nextDouble() * 20 - 10, random.nextDouble() * 20 - 10);
        }
        return b.build();
    }
}
