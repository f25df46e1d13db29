package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.PoolNotFoundException;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-proxy pacing ({@code docs/pacing.md}): a proxy with a minimum interval between grants (its
 * own, else its pool's default) is skipped by every acquire until that interval has passed since
 * its last grant, whatever its capacity; releases, renewals and repeated acquires under an
 * idempotency key do not count as grants. Intervals that must pass in a test are
 * {@link ProxyStorageContract#shortTtl()}; intervals that must not pass are an hour.
 */
abstract class PacingContract extends ContractGroup {

    private static final Duration NEVER_PASSES = Duration.ofHours(1);

    PacingContract(ProxyStorageContract kit) {
        super(kit);
    }

    private Optional<LeasedProxy> acquireWith(ProxyPool pool, SelectorStrategy strategy) {
        return storage().acquire(request(pool).strategy(strategy).build());
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void a_paced_proxy_is_skipped_after_a_grant_and_leasable_once_its_interval_has_passed(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        Duration interval = shortTtl();
        Proxy proxy = seedProxy(pool, b -> b.shared(3).minGrantInterval(interval));
        assertThat(proxy.minGrantInterval()).contains(interval);

        Lease first = acquireWith(pool, strategy).orElseThrow().lease();
        assertThat(acquireWith(pool, strategy))
                .as("an acquire within the interval, with room for two more leases")
                .isEmpty();

        advancePast(first.acquiredAt().plus(interval));
        LeasedProxy second = acquireWith(pool, strategy)
                .orElseThrow(() -> new AssertionError("the proxy was not leased after its interval"));
        assertThat(second.proxy().id()).isEqualTo(proxy.id());
        assertThat(Duration.between(first.acquiredAt(), second.lease().acquiredAt()))
                .as("time between the two grants")
                .isGreaterThanOrEqualTo(interval);
        assertThat(counter(proxy)).isEqualTo(2);
        assertInvariant(pool);
    }

    @Test
    void an_unlimited_paced_proxy_is_granted_once_per_interval() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.unlimited().minGrantInterval(NEVER_PASSES));

        assertThat(acquire(pool)).isPresent();
        for (SelectorStrategy strategy : SelectorStrategy.values()) {
            assertThat(acquireWith(pool, strategy))
                    .as("%s within the interval", strategy)
                    .isEmpty();
        }
        assertThat(counter(proxy)).isEqualTo(1);
    }

    @Test
    void the_pools_default_applies_to_proxies_without_their_own_and_their_own_overrides_it() {
        ProxyPool pool = seedPool();
        assertThat(pool.minGrantInterval()).isEmpty();
        ProxyPool paced = storage().setDefaultMinGrantInterval(pool.name(), NEVER_PASSES);
        assertThat(paced.minGrantInterval()).contains(NEVER_PASSES);
        assertThat(paced.id()).isEqualTo(pool.id());
        assertThat(storage().findPool(pool.name()).orElseThrow().minGrantInterval())
                .contains(NEVER_PASSES);
        assertThat(storage().listPools()).contains(paced);
        Duration interval = shortTtl();
        Proxy byDefault = seedProxy(pool, b -> b.shared(2));
        Proxy own = seedProxy(pool, b -> b.shared(2).minGrantInterval(interval));
        assertThat(byDefault.minGrantInterval()).as("a proxy's own interval").isEmpty();

        Lease a = leaseOf(pool, byDefault).lease();
        Lease b = leaseOf(pool, own).lease();
        assertThat(acquire(pool)).as("both proxies paced").isEmpty();

        advancePast(b.acquiredAt().plus(interval));
        advancePast(a.acquiredAt().plus(interval));
        assertThat(acquire(pool).map(l -> l.proxy().id()))
                .as("the proxy whose own interval passed")
                .contains(own.id());
        assertThat(counter(byDefault))
                .as("the proxy paced by the pool's default")
                .isEqualTo(1);
    }

    @Test
    void clearing_the_pools_default_or_the_proxys_own_interval_ends_its_pacing() {
        ProxyPool pool = seedPool();
        storage().setDefaultMinGrantInterval(pool.name(), NEVER_PASSES);
        Proxy proxy = seedProxy(pool, b -> b.shared(5));
        assertThat(acquire(pool)).isPresent();
        assertThat(acquire(pool)).isEmpty();

        assertThat(storage().setDefaultMinGrantInterval(pool.name(), null).minGrantInterval())
                .isEmpty();
        assertThat(storage().findPool(pool.name()).orElseThrow().minGrantInterval())
                .isEmpty();
        assertThat(acquire(pool)).as("after the default was cleared").isPresent();

        Proxy ownPaced = storage()
                .updateProxy(proxy.toBuilder().minGrantInterval(NEVER_PASSES).build());
        assertThat(ownPaced.minGrantInterval()).contains(NEVER_PASSES);
        assertThat(storage().findProxy(proxy.id()).orElseThrow().minGrantInterval())
                .contains(NEVER_PASSES);
        assertThat(acquire(pool))
                .as("its last grant was a moment ago: the new interval counts from it")
                .isEmpty();

        Proxy cleared = storage()
                .updateProxy(ownPaced.toBuilder().minGrantInterval(null).build());
        assertThat(cleared.minGrantInterval()).isEmpty();
        assertThat(acquire(pool)).as("after its own interval was cleared").isPresent();
        assertThat(counter(proxy)).isEqualTo(3);
    }

    @Test
    void a_release_does_not_reset_pacing() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.minGrantInterval(NEVER_PASSES));
        LeasedProxy leased = acquire(pool).orElseThrow();

        assertThat(storage().release(leased.lease().id())).isTrue();
        assertThat(counter(proxy)).isZero();
        assertThat(acquire(pool))
                .as("a free exclusive proxy granted within its interval")
                .isEmpty();
        storage().cleanupExpiredLeases();
        assertThat(acquire(pool)).as("after a cleanup").isEmpty();
    }

    @Test
    void a_renewal_is_not_a_grant() {
        ProxyPool pool = seedPool();
        Duration interval = shortTtl();
        Proxy proxy = seedProxy(pool, b -> b.shared(2).minGrantInterval(interval));
        Lease first = acquire(pool).orElseThrow().lease();

        advancePast(first.acquiredAt().plus(interval.dividedBy(2)));
        assertThat(storage().renew(first.id(), Duration.ofMinutes(5))).isPresent();
        advancePast(first.acquiredAt().plus(interval));
        assertThat(acquire(pool).map(l -> l.proxy().id()))
                .as("an interval after the grant, half an interval after the renewal")
                .contains(proxy.id());
    }

    @Test
    void an_acquire_repeated_under_its_idempotency_key_is_not_a_grant() {
        ProxyPool pool = seedPool();
        Duration interval = shortTtl();
        seedProxy(pool, b -> b.shared(3).minGrantInterval(interval));
        UUID key = UUID.randomUUID();
        Lease first = storage()
                .acquire(request(pool).idempotencyKey(key).build())
                .orElseThrow()
                .lease();

        advancePast(first.acquiredAt().plus(interval.dividedBy(2)));
        assertThat(storage()
                        .acquire(request(pool).idempotencyKey(key).build())
                        .map(l -> l.lease().id()))
                .as("the repeated acquire, within the interval")
                .contains(first.id());
        advancePast(first.acquiredAt().plus(interval));
        assertThat(acquire(pool)).as("an interval after the only grant").isPresent();
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void acquires_go_to_unpaced_proxies_while_paced_ones_wait(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        Proxy pacedA = seedProxy(pool, b -> b.unlimited().minGrantInterval(NEVER_PASSES));
        Proxy pacedB = seedProxy(pool, b -> b.unlimited().minGrantInterval(NEVER_PASSES));
        Proxy free = seedProxy(pool, b -> b.unlimited());

        Map<UUID, Integer> grants = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            LeasedProxy leased = acquireWith(pool, strategy)
                    .orElseThrow(() -> new AssertionError("nothing leased while an unpaced proxy is free"));
            grants.merge(leased.proxy().id(), 1, Integer::sum);
        }
        assertThat(grants.getOrDefault(pacedA.id(), 0))
                .as("grants of a paced proxy")
                .isLessThanOrEqualTo(1);
        assertThat(grants.getOrDefault(pacedB.id(), 0))
                .as("grants of a paced proxy")
                .isLessThanOrEqualTo(1);
        assertThat(grants.get(free.id()))
                .as("grants of the unpaced proxy")
                .isEqualTo(6 - grants.getOrDefault(pacedA.id(), 0) - grants.getOrDefault(pacedB.id(), 0));
        assertInvariant(pool);
    }

    @ParameterizedTest
    @EnumSource(
            value = SelectorStrategy.class,
            names = {"FIRST_AVAILABLE", "LEAST_USED", "ROUND_ROBIN", "RANDOM"})
    void threads_hammering_paced_proxies_within_one_interval_get_one_grant_of_each(SelectorStrategy strategy)
            throws Exception {
        ProxyPool pool = seedPool();
        storage().setDefaultMinGrantInterval(pool.name(), NEVER_PASSES);
        List<Proxy> proxies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            proxies.add(seedProxy(pool, b -> b.unlimited()));
        }
        int threads = Math.max(16, kit.concurrentThreads());
        List<List<UUID>> leased = ConcurrencyContract.race(threads, thread -> {
            List<UUID> mine = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                acquireWith(pool, strategy).ifPresent(l -> mine.add(l.proxy().id()));
            }
            return mine;
        });
        Map<UUID, Integer> grants = new HashMap<>();
        leased.forEach(ids -> ids.forEach(id -> grants.merge(id, 1, Integer::sum)));
        for (Proxy proxy : proxies) {
            assertThat(grants.getOrDefault(proxy.id(), 0))
                    .as("grants of paced proxy %s", proxy.id())
                    .isEqualTo(1);
            assertThat(counter(proxy)).isEqualTo(1);
        }
        assertThat(grants).hasSize(proxies.size());
    }

    @Test
    void setting_the_default_of_a_missing_pool_is_an_error_naming_it() {
        String name = uniqueName("missing");
        assertThatThrownBy(() -> storage().setDefaultMinGrantInterval(name, Duration.ofSeconds(1)))
                .isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining(name);
        assertThat(storage().findPool(name)).isEmpty();
    }

    @Test
    void intervals_are_kept_exactly_to_the_millisecond() {
        ProxyPool pool = seedPool();
        Duration odd = Duration.ofMillis(86_399_999);
        Proxy proxy = seedProxy(pool, b -> b.minGrantInterval(odd));
        assertThat(storage().findProxy(proxy.id()).orElseThrow().minGrantInterval())
                .contains(odd);
        assertThat(storage().listProxies(pool.name()))
                .extracting(Proxy::minGrantInterval)
                .containsExactly(Optional.of(odd));
        Duration oneMs = Duration.ofMillis(1);
        assertThat(storage().setDefaultMinGrantInterval(pool.name(), oneMs).minGrantInterval())
                .contains(oneMs);
        assertThat(storage().findPool(pool.name()).orElseThrow().minGrantInterval())
                .contains(oneMs);
    }
}
