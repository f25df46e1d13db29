package io.pharox.testkit;

import static io.pharox.filter.ProxyFilters.allOf;
import static io.pharox.filter.ProxyFilters.anyOf;
import static io.pharox.filter.ProxyFilters.asn;
import static io.pharox.filter.ProxyFilters.city;
import static io.pharox.filter.ProxyFilters.country;
import static io.pharox.filter.ProxyFilters.countryIn;
import static io.pharox.filter.ProxyFilters.matchAll;
import static io.pharox.filter.ProxyFilters.matching;
import static io.pharox.filter.ProxyFilters.noneOf;
import static io.pharox.filter.ProxyFilters.protocol;
import static io.pharox.filter.ProxyFilters.source;
import static io.pharox.filter.ProxyFilters.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.filter.ProxyFilter;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyProtocol;
import io.pharox.select.SelectorStrategy;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Filters, on a pool of unlimited proxies so that every matching proxy stays available:
 * a filter is checked by collecting every proxy it can lease.
 */
abstract class FiltersContract extends ContractGroup {

    private ProxyPool pool;
    private Proxy berlin;
    private Proxy munich;
    private Proxy paris;
    private Proxy untagged;

    FiltersContract(ProxyStorageContract kit) {
        super(kit);
    }

    @BeforeEach
    void seedTaggedProxies() {
        pool = seedPool();
        berlin = seedProxy(
                pool,
                b -> b.unlimited()
                        .protocol(ProxyProtocol.HTTP)
                        .country("DE")
                        .city("Berlin")
                        .source("vendor-a")
                        .asn(3320L)
                        .location(52.5200, 13.4050));
        munich = seedProxy(
                pool,
                b -> b.unlimited()
                        .protocol(ProxyProtocol.SOCKS5)
                        .country("DE")
                        .city("Munich")
                        .source("vendor-b")
                        .asn(8881L)
                        .location(48.1372, 11.5756));
        paris = seedProxy(
                pool,
                b -> b.unlimited()
                        .protocol(ProxyProtocol.HTTPS)
                        .country("FR")
                        .city("Paris")
                        .source("vendor-a")
                        .asn(3215L)
                        .location(48.8566, 2.3522));
        untagged = seedProxy(pool, b -> b.unlimited().protocol(ProxyProtocol.SOCKS4));
    }

    /** Every proxy the filter can lease: round-robin over the pool, enough turns to see them all. */
    private Set<UUID> leasable(ProxyFilter filter) {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            Optional<LeasedProxy> leased = storage()
                    .acquire(request(pool)
                            .filter(filter)
                            .strategy(SelectorStrategy.ROUND_ROBIN)
                            .build());
            if (leased.isEmpty()) {
                break;
            }
            assertThat(filter.matches(leased.get().proxy()))
                    .as("filter %s matches the leased %s", filter, leased.get().proxy())
                    .isTrue();
            seen.add(leased.get().proxy().id());
            storage().release(leased.get().lease().id());
        }
        return seen;
    }

    private static Set<UUID> ids(Proxy... proxies) {
        Set<UUID> ids = new HashSet<>();
        for (Proxy p : proxies) {
            ids.add(p.id());
        }
        return ids;
    }

    @Test
    void no_filter_matches_every_proxy() {
        assertThat(leasable(matchAll())).isEqualTo(ids(berlin, munich, paris, untagged));
    }

    @Test
    void country_matches_its_proxies_in_any_case() {
        assertThat(leasable(country("DE"))).isEqualTo(ids(berlin, munich));
        assertThat(leasable(country("fr"))).isEqualTo(ids(paris));
    }

    @Test
    void country_in_matches_any_of_its_codes() {
        assertThat(leasable(countryIn("FR", "IT"))).isEqualTo(ids(paris));
    }

    @Test
    void city_matches_exactly() {
        assertThat(leasable(city("Munich"))).isEqualTo(ids(munich));
        assertThat(leasable(city("munich"))).isEmpty();
    }

    @Test
    void source_matches_exactly() {
        assertThat(leasable(source("vendor-a"))).isEqualTo(ids(berlin, paris));
    }

    @Test
    void asn_matches_its_number() {
        assertThat(leasable(asn(8881))).isEqualTo(ids(munich));
    }

    @ParameterizedTest
    @EnumSource(ProxyProtocol.class)
    void protocol_matches_its_proxies(ProxyProtocol protocol) {
        Set<UUID> expected = new HashSet<>();
        for (Proxy p : new Proxy[] {berlin, munich, paris, untagged}) {
            if (p.protocol() == protocol) {
                expected.add(p.id());
            }
        }
        assertThat(leasable(protocol(protocol))).isEqualTo(expected).hasSize(1);
    }

    @Test
    void a_geo_radius_matches_the_proxies_within_it() {
        // Berlin-Munich is about 504 km, Berlin-Paris about 878 km
        assertThat(leasable(within(52.52, 13.405, 50))).isEqualTo(ids(berlin));
        assertThat(leasable(within(52.52, 13.405, 600))).isEqualTo(ids(berlin, munich));
        assertThat(leasable(within(52.52, 13.405, 1000))).isEqualTo(ids(berlin, munich, paris));
    }

    @Test
    void a_geo_radius_is_a_great_circle_distance() {
        // Paris-Munich is 683.9 km, Paris-Berlin 877.5 km
        assertThat(leasable(within(48.8566, 2.3522, 690))).isEqualTo(ids(paris, munich));
        assertThat(leasable(within(48.8566, 2.3522, 675))).isEqualTo(ids(paris));
    }

    @Test
    void a_proxy_without_a_tag_matches_no_clause_on_it() {
        assertThat(leasable(anyOf(
                        country("DE"),
                        country("FR"),
                        city("Paris"),
                        source("vendor-b"),
                        asn(3320),
                        within(0, 0, 20_000))))
                .doesNotContain(untagged.id());
    }

    @Test
    void a_proxy_without_a_tag_passes_none_of_the_clauses_on_it() {
        assertThat(leasable(noneOf(country("DE")))).isEqualTo(ids(paris, untagged));
    }

    @Test
    void all_of_needs_every_clause() {
        assertThat(leasable(allOf(country("DE"), source("vendor-b")))).isEqualTo(ids(munich));
    }

    @Test
    void any_of_needs_one_clause() {
        assertThat(leasable(anyOf(city("Berlin"), city("Paris")))).isEqualTo(ids(berlin, paris));
    }

    @Test
    void none_of_excludes_every_clause() {
        assertThat(leasable(noneOf(city("Berlin"), protocol(ProxyProtocol.SOCKS4))))
                .isEqualTo(ids(munich, paris));
    }

    @Test
    void empty_combinators_follow_logic() {
        assertThat(leasable(allOf())).isEqualTo(ids(berlin, munich, paris, untagged));
        assertThat(leasable(anyOf())).isEmpty();
        assertThat(leasable(noneOf())).isEqualTo(ids(berlin, munich, paris, untagged));
    }

    @Test
    void nested_clauses_combine_at_any_depth() {
        ProxyFilter filter = anyOf(
                allOf(country("DE"), noneOf(anyOf(city("Berlin"), asn(1)))),
                allOf(source("vendor-a"), noneOf(country("DE")), anyOf(within(48.85, 2.35, 10), city("Nowhere"))));

        assertThat(leasable(filter)).isEqualTo(ids(munich, paris));
    }

    @Test
    void a_deep_chain_of_clauses_is_translated_whole() {
        ProxyFilter filter = country("FR");
        for (int depth = 0; depth < 30; depth++) {
            filter = depth % 2 == 0 ? allOf(filter, matchAll()) : anyOf(filter, anyOf());
        }

        assertThat(leasable(filter)).isEqualTo(ids(paris));
        assertThat(leasable(noneOf(filter))).isEqualTo(ids(berlin, munich, untagged));
    }

    @Test
    void a_predicate_chooses_among_the_proxies() {
        assertThat(leasable(matching("SOCKS only", p -> p.protocol().name().startsWith("SOCKS"))))
                .isEqualTo(ids(munich, untagged));
    }

    @Test
    void a_predicate_combines_with_translated_clauses() {
        ProxyFilter filter = allOf(
                country("DE"), matching("not Berlin", p -> !p.city().orElse("").equals("Berlin")));

        assertThat(leasable(filter)).isEqualTo(ids(munich));
    }

    @Test
    void a_predicate_inside_none_of_and_any_of_is_honoured() {
        ProxyFilter filter =
                anyOf(noneOf(matching("has a country", p -> p.country().isPresent())), city("Paris"));

        assertThat(leasable(filter)).isEqualTo(ids(paris, untagged));
    }

    @Test
    void a_predicate_sees_the_stored_proxy() {
        java.util.List<Proxy> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        leasable(matching("records and rejects", p -> seen.add(p.withCurrentLeases(0)) && false));

        assertThat(new HashSet<>(seen)).containsExactlyInAnyOrder(berlin, munich, paris, untagged);
    }

    @Test
    void a_predicate_that_rejects_everything_leases_nothing() {
        assertThat(acquire(pool, matching("never", p -> false))).isEmpty();
        assertThat(storage().activeLeasesInPool(pool.name())).isEmpty();
        assertInvariant(pool);
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void a_predicate_passes_over_rejected_proxies_with_every_strategy(SelectorStrategy strategy) {
        ProxyFilter onlyParis = matching("Paris by port and host", p -> p.id().equals(paris.id()));

        for (int i = 0; i < 5; i++) {
            LeasedProxy leased = storage()
                    .acquire(request(pool).filter(onlyParis).strategy(strategy).build())
                    .orElseThrow();
            assertThat(leased.proxy().id()).isEqualTo(paris.id());
        }
        assertThat(counter(paris)).isEqualTo(5);
        assertThat(counter(berlin) + counter(munich) + counter(untagged)).isZero();
    }

    @Test
    void a_predicate_respects_capacity() {
        ProxyPool small = seedPool();
        Proxy only = seedProxy(small, b -> b.shared(2).country("SE"));
        ProxyFilter filter = allOf(country("SE"), matching("any", p -> true));

        assertThat(storage().acquire(request(small).filter(filter).build())).isPresent();
        assertThat(storage().acquire(request(small).filter(filter).build())).isPresent();
        assertThat(storage().acquire(request(small).filter(filter).build())).isEmpty();
        assertThat(counter(only)).isEqualTo(2);
    }

    @Test
    void a_predicate_finds_the_one_match_behind_many_rejected_proxies() {
        ProxyPool big = seedPool();
        for (int i = 0; i < 40; i++) {
            seedProxy(big, b -> b.unlimited().source("bulk"));
        }
        Proxy last = seedProxy(big, b -> b.unlimited().source("bulk").city("Oslo"));

        Optional<LeasedProxy> leased = storage()
                .acquire(request(big)
                        .filter(matching("Oslo", p -> p.city().isPresent()))
                        .build());

        assertThat(leased).map(l -> l.proxy().id()).contains(last.id());
        assertThat(storage().activeLeasesInPool(big.name())).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DE' OR '1'='1", "'; DROP TABLE proxy; --", "\\", "%", "_", "Berlin\" OR 1=1", "$1", "?"})
    void hostile_filter_values_match_nothing_and_break_nothing(String value) {
        assertThat(leasable(anyOf(city(value), source(value)))).isEmpty();
        assertThat(leasable(noneOf(city(value)))).isEqualTo(ids(berlin, munich, paris, untagged));
        assertThat(storage().listProxies(pool.name())).hasSize(4);
    }

    @Test
    void tag_values_with_quotes_and_wildcards_match_exactly() {
        Proxy odd = seedProxy(pool, b -> b.unlimited().city("L'Aquila%_").source("it's \"quoted\""));

        assertThat(leasable(city("L'Aquila%_"))).isEqualTo(ids(odd));
        assertThat(leasable(city("L'Aquila"))).isEmpty();
        assertThat(leasable(source("it's \"quoted\""))).isEqualTo(ids(odd));
    }
}
