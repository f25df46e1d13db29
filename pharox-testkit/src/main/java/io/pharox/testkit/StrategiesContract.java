package io.pharox.testkit;

import static io.pharox.select.SelectorStrategy.FIRST_AVAILABLE;
import static io.pharox.select.SelectorStrategy.LEAST_USED;
import static io.pharox.select.SelectorStrategy.RANDOM;
import static io.pharox.select.SelectorStrategy.ROUND_ROBIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.filter.ProxyFilters;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

abstract class StrategiesContract extends ContractGroup {

    StrategiesContract(ProxyStorageContract kit) {
        super(kit);
    }

    private List<UUID> seedShared(ProxyPool pool, int count, int capacity) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(seedProxy(pool, b -> b.shared(capacity)).id());
        }
        return ids;
    }

    /** Acquires and releases at once, {@code times} times; returns the leased proxies in order. */
    private List<UUID> leaseAndRelease(ProxyPool pool, SelectorStrategy strategy, int times) {
        List<UUID> chosen = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            LeasedProxy leased = acquire(pool, strategy).orElseThrow();
            chosen.add(leased.proxy().id());
            storage().release(leased.lease().id());
        }
        return chosen;
    }

    @Test
    void first_available_takes_proxies_in_stable_order() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 3, 1);

        assertThat(List.of(
                        leaseOne(pool, FIRST_AVAILABLE),
                        leaseOne(pool, FIRST_AVAILABLE),
                        leaseOne(pool, FIRST_AVAILABLE)))
                .containsExactlyElementsOf(ids);
    }

    @Test
    void first_available_fills_a_shared_proxy_before_the_next() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 2, 3);

        List<UUID> chosen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            chosen.add(leaseOne(pool, FIRST_AVAILABLE));
        }

        assertThat(chosen).containsExactly(ids.get(0), ids.get(0), ids.get(0), ids.get(1), ids.get(1), ids.get(1));
    }

    @Test
    void first_available_returns_to_the_first_proxy_once_it_is_free() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 3, 1);

        assertThat(leaseAndRelease(pool, FIRST_AVAILABLE, 4)).containsOnly(ids.get(0));
    }

    @Test
    void round_robin_visits_every_proxy_in_order_and_wraps() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 3, 10);

        assertThat(leaseAndRelease(pool, ROUND_ROBIN, 7))
                .containsExactly(ids.get(0), ids.get(1), ids.get(2), ids.get(0), ids.get(1), ids.get(2), ids.get(0));
    }

    @Test
    void round_robin_moves_on_even_while_the_previous_proxy_has_room() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 2, 10);

        List<UUID> chosen =
                List.of(leaseOne(pool, ROUND_ROBIN), leaseOne(pool, ROUND_ROBIN), leaseOne(pool, ROUND_ROBIN));

        assertThat(chosen).containsExactly(ids.get(0), ids.get(1), ids.get(0));
    }

    @Test
    void round_robin_skips_full_proxies_and_continues_after_the_one_it_chose() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 4, 1);
        LeasedProxy held = acquire(pool, FIRST_AVAILABLE).orElseThrow();
        LeasedProxy held2 = acquire(pool, FIRST_AVAILABLE).orElseThrow();
        storage().release(held.lease().id());
        // proxy 1 is free, proxy 2 is full, 3 and 4 are free

        List<UUID> chosen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            chosen.add(leaseOne(pool, ROUND_ROBIN));
        }

        assertThat(held2.proxy().id()).isEqualTo(ids.get(1));
        assertThat(chosen).containsExactly(ids.get(0), ids.get(2), ids.get(3));
        assertThat(acquire(pool, ROUND_ROBIN)).isEmpty();
    }

    @Test
    void round_robin_skips_proxies_the_filter_excludes() {
        ProxyPool pool = seedPool();
        UUID a = seedProxy(pool, b -> b.shared(10).country("DE")).id();
        seedProxy(pool, b -> b.shared(10).country("FR"));
        UUID c = seedProxy(pool, b -> b.shared(10).country("DE")).id();

        List<UUID> chosen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            LeasedProxy leased = storage()
                    .acquire(request(pool)
                            .strategy(ROUND_ROBIN)
                            .filter(ProxyFilters.country("DE"))
                            .build())
                    .orElseThrow();
            chosen.add(leased.proxy().id());
            storage().release(leased.lease().id());
        }

        assertThat(chosen).containsExactly(a, c, a, c);
    }

    @Test
    void round_robin_keeps_one_cursor_per_pool() {
        ProxyPool first = seedPool();
        ProxyPool second = seedPool();
        List<UUID> inFirst = seedShared(first, 3, 10);
        List<UUID> inSecond = seedShared(second, 3, 10);

        assertThat(leaseOne(first, ROUND_ROBIN)).isEqualTo(inFirst.get(0));
        assertThat(leaseOne(first, ROUND_ROBIN)).isEqualTo(inFirst.get(1));
        assertThat(leaseOne(second, ROUND_ROBIN)).isEqualTo(inSecond.get(0));
        assertThat(leaseOne(first, ROUND_ROBIN)).isEqualTo(inFirst.get(2));
        assertThat(leaseOne(second, ROUND_ROBIN)).isEqualTo(inSecond.get(1));
    }

    @Test
    void round_robin_is_not_moved_by_other_strategies() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 3, 10);

        assertThat(leaseOne(pool, ROUND_ROBIN)).isEqualTo(ids.get(0));
        leaseOne(pool, LEAST_USED);
        leaseOne(pool, FIRST_AVAILABLE);
        assertThat(leaseOne(pool, ROUND_ROBIN)).isEqualTo(ids.get(1));
    }

    @Test
    void round_robin_continues_with_a_proxy_added_after_the_cursor() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 2, 10);
        assertThat(leaseAndRelease(pool, ROUND_ROBIN, 2)).containsExactlyElementsOf(ids);

        UUID added = seedProxy(pool, b -> b.shared(10)).id();

        assertThat(leaseAndRelease(pool, ROUND_ROBIN, 2)).containsExactly(added, ids.get(0));
    }

    @Test
    void least_used_prefers_the_emptiest_proxy() {
        ProxyPool pool = seedPool();
        UUID first = seedProxy(pool, b -> b.shared(5).country("AT")).id();
        UUID second = seedProxy(pool, b -> b.shared(5).country("BE")).id();
        UUID third = seedProxy(pool, b -> b.shared(5).country("CH")).id();
        acquire(pool, ProxyFilters.country("AT")).orElseThrow();
        acquire(pool, ProxyFilters.country("AT")).orElseThrow();
        acquire(pool, ProxyFilters.country("CH")).orElseThrow();
        // load: first 2, second 0, third 1

        assertThat(leaseOne(pool, LEAST_USED)).isEqualTo(second);
        // load: 2, 1, 1: the tie goes to the earlier proxy
        assertThat(leaseOne(pool, LEAST_USED)).isEqualTo(second);
        assertThat(leaseOne(pool, LEAST_USED)).isEqualTo(third);
        // load: 2, 2, 2
        assertThat(leaseOne(pool, LEAST_USED)).isEqualTo(first);
    }

    @Test
    void least_used_spreads_leases_evenly() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 4, 10);
        Map<UUID, Integer> load = new HashMap<>();

        for (int i = 0; i < 12; i++) {
            load.merge(leaseOne(pool, LEAST_USED), 1, Integer::sum);
        }

        assertThat(load).containsOnlyKeys(ids);
        assertThat(load.values()).containsOnly(3);
        storage()
                .listProxies(pool.name())
                .forEach(p -> assertThat(p.currentLeases()).isEqualTo(3));
    }

    @Test
    void least_used_goes_back_to_a_proxy_whose_lease_was_released() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 3, 5);
        LeasedProxy first = acquire(pool, LEAST_USED).orElseThrow();
        leaseOne(pool, LEAST_USED);
        leaseOne(pool, LEAST_USED);
        leaseOne(pool, LEAST_USED);
        // load: 2, 1, 1 -> release one on the first: 1, 1, 1
        storage().release(first.lease().id());

        assertThat(leaseOne(pool, LEAST_USED)).isEqualTo(ids.get(0));
    }

    @Test
    void least_used_breaks_ties_in_stable_order() {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 3, 5);

        assertThat(leaseAndRelease(pool, LEAST_USED, 3)).containsOnly(ids.get(0));
    }

    @Test
    void random_only_leases_available_proxies_and_reaches_each_of_them() {
        ProxyPool pool = seedPool();
        List<UUID> free = seedShared(pool, 4, 10);
        seedProxy(pool, b -> b.shared(10).status(io.pharox.model.ProxyStatus.INACTIVE));

        Set<UUID> seen = new HashSet<>(leaseAndRelease(pool, RANDOM, 200));

        // 200 uniform draws over 4 proxies miss one with probability below 1e-24
        assertThat(seen).containsExactlyInAnyOrderElementsOf(free);
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void every_strategy_leases_distinct_exclusive_proxies_until_none_is_left(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        List<UUID> ids = seedShared(pool, 3, 1);

        Set<UUID> leased = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            leased.add(leaseOne(pool, strategy));
        }

        assertThat(leased).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(acquire(pool, strategy)).isEmpty();
        assertInvariant(pool);
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void every_strategy_finds_the_one_available_proxy_among_full_and_inactive_ones(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        seedProxy(pool, b -> b.status(io.pharox.model.ProxyStatus.BANNED));
        Proxy full = seedProxy(pool);
        acquire(pool, FIRST_AVAILABLE).orElseThrow();
        seedProxy(pool, b -> b.status(io.pharox.model.ProxyStatus.SLOW));
        Proxy free = seedProxy(pool, b -> b.shared(2));

        assertThat(leaseOne(pool, strategy)).isEqualTo(free.id());
        assertThat(counter(full)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void every_strategy_finds_nothing_in_an_empty_pool(SelectorStrategy strategy) {
        assertThat(acquire(seedPool(), strategy)).isEmpty();
    }
}
