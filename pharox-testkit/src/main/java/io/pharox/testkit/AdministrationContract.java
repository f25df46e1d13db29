package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.PoolInUseException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.CircuitState;
import io.pharox.model.FailureReason;
import io.pharox.model.Ids;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.model.ProxyUrl;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Pool administration: {@code addProxies} (all or nothing), {@code deletePool}, {@code
 * leasesOfConsumer}, {@code findAvailable} and the ISP tag.
 */
@SuppressWarnings("NullAway") // some cases pass null on purpose, to show that it is refused
abstract class AdministrationContract extends ContractGroup {

    AdministrationContract(ProxyStorageContract kit) {
        super(kit);
    }

    private List<Proxy> batch(ProxyPool pool, int n) {
        List<Proxy> proxies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            proxies.add(proxyIn(pool).build());
        }
        return proxies;
    }

    private void assertNothingStored(ProxyPool pool, List<Proxy> proxies) {
        assertThat(storage().listProxies(pool.name()))
                .as("proxies of pool %s", pool.name())
                .isEmpty();
        for (Proxy proxy : proxies) {
            if (proxy != null) {
                assertThat(storage().findProxy(proxy.id()))
                        .as("proxy %s", proxy.id())
                        .isEmpty();
            }
        }
    }

    // ------------------------------------------------------------------ addProxies

    @Test
    void a_batch_is_stored_whole_and_returned_in_order() {
        ProxyPool pool = seedPool();
        List<Proxy> proxies = batch(pool, 25);

        List<Proxy> stored = storage().addProxies(proxies);

        assertThat(stored)
                .extracting(Proxy::id)
                .containsExactlyElementsOf(proxies.stream().map(Proxy::id).toList());
        assertThat(storage().listProxies(pool.name())).hasSize(25);
        for (Proxy proxy : stored) {
            assertThat(storage().findProxy(proxy.id())).contains(proxy);
        }
    }

    @Test
    void an_empty_batch_stores_nothing() {
        assertThat(storage().addProxies(List.of())).isEmpty();
    }

    @Test
    void a_batch_keeps_every_value_and_starts_without_leases() {
        ProxyPool pool = seedPool();
        Proxy full = proxyIn(pool)
                .protocol(io.pharox.model.ProxyProtocol.SOCKS5)
                .credentials("alice", "s3cr:et@/%")
                .shared(3)
                .currentLeases(2)
                .country("de")
                .city("Berlin")
                .source("vendor-a")
                .isp("Acme Net")
                .asn(3320L)
                .location(52.52, 13.40)
                .status(ProxyStatus.INACTIVE)
                .build();

        Proxy stored = storage().addProxies(List.of(full)).get(0);

        assertThat(stored.currentLeases()).isZero();
        assertThat(stored).isEqualTo(full.toBuilder().currentLeases(0).build());
        assertThat(storage().findProxy(full.id())).contains(stored);
        assertThat(stored.isp()).contains("Acme Net");
        assertThat(stored.credentials().orElseThrow().password()).isEqualTo("s3cr:et@/%");
    }

    @Test
    void a_batch_may_span_pools() {
        ProxyPool a = seedPool();
        ProxyPool b = seedPool();
        // one address in both pools: addresses are unique per pool only
        Proxy inA = proxyIn(a).address("203.0.113.9", 8080).build();
        Proxy inB = proxyIn(b).address("203.0.113.9", 8080).build();

        storage().addProxies(List.of(inA, inB));

        assertThat(storage().listProxies(a.name())).extracting(Proxy::id).containsExactly(inA.id());
        assertThat(storage().listProxies(b.name())).extracting(Proxy::id).containsExactly(inB.id());
    }

    @Test
    void an_address_taken_later_in_the_batch_refuses_the_whole_batch_naming_its_position() {
        ProxyPool pool = seedPool();
        List<Proxy> proxies = new ArrayList<>(batch(pool, 3));
        Proxy first = proxies.get(0);
        proxies.add(proxyIn(pool)
                .address(first.host().toUpperCase(java.util.Locale.ROOT), first.port())
                .build());

        assertThatThrownBy(() -> storage().addProxies(proxies))
                .isInstanceOf(ProxyBatchException.class)
                .hasMessageContaining("index 3")
                .hasCauseInstanceOf(ProxyAlreadyExistsException.class)
                .satisfies(e -> assertThat(((ProxyBatchException) e).index()).isEqualTo(3));
        assertNothingStored(pool, proxies);
    }

    @Test
    void an_id_taken_twice_in_the_batch_refuses_it() {
        ProxyPool pool = seedPool();
        Proxy first = proxyIn(pool).build();
        Proxy sameId = proxyIn(pool).id(first.id()).build();

        assertThatThrownBy(() -> storage().addProxies(List.of(first, sameId)))
                .isInstanceOfSatisfying(
                        ProxyBatchException.class, e -> assertThat(e.index()).isEqualTo(1))
                .hasCauseInstanceOf(ProxyAlreadyExistsException.class);
        assertNothingStored(pool, List.of(first));
    }

    @Test
    void an_address_already_stored_refuses_the_batch() {
        ProxyPool pool = seedPool();
        Proxy existing = seedProxy(pool);
        List<Proxy> proxies = new ArrayList<>(batch(pool, 2));
        proxies.add(proxyIn(pool).address(existing.host(), existing.port()).build());

        assertThatThrownBy(() -> storage().addProxies(proxies))
                .isInstanceOfSatisfying(
                        ProxyBatchException.class, e -> assertThat(e.index()).isEqualTo(2))
                .hasCauseInstanceOf(ProxyAlreadyExistsException.class);
        assertThat(storage().listProxies(pool.name())).containsExactly(existing);
    }

    @Test
    void an_id_already_stored_refuses_the_batch() {
        ProxyPool pool = seedPool();
        Proxy existing = seedProxy(pool);
        Proxy fresh = proxyIn(pool).build();
        Proxy again = proxyIn(pool).id(existing.id()).build();

        assertThatThrownBy(() -> storage().addProxies(List.of(fresh, again)))
                .isInstanceOfSatisfying(
                        ProxyBatchException.class, e -> assertThat(e.index()).isEqualTo(1))
                .hasCauseInstanceOf(ProxyAlreadyExistsException.class);
        assertThat(storage().findProxy(fresh.id())).isEmpty();
    }

    @Test
    void an_entry_of_an_unknown_pool_refuses_the_batch() {
        ProxyPool pool = seedPool();
        List<Proxy> proxies = new ArrayList<>(batch(pool, 2));
        proxies.add(
                1,
                Proxy.builder().poolId(Ids.next()).address("198.51.100.1", 80).build());

        assertThatThrownBy(() -> storage().addProxies(proxies))
                .isInstanceOfSatisfying(
                        ProxyBatchException.class, e -> assertThat(e.index()).isEqualTo(1))
                .hasCauseInstanceOf(PoolNotFoundException.class);
        assertNothingStored(pool, proxies);
    }

    @Test
    void a_null_entry_refuses_the_batch() {
        ProxyPool pool = seedPool();
        List<Proxy> proxies = new ArrayList<>(batch(pool, 2));
        proxies.add(null);

        assertThatThrownBy(() -> storage().addProxies(proxies))
                .isInstanceOfSatisfying(
                        ProxyBatchException.class, e -> assertThat(e.index()).isEqualTo(2))
                .hasCauseInstanceOf(NullPointerException.class);
        assertNothingStored(pool, proxies);
    }

    @Test
    void a_null_batch_is_refused() {
        assertThatThrownBy(() -> storage().addProxies(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void a_large_batch_is_stored_and_leasable() {
        ProxyPool pool = seedPool();
        List<Proxy> proxies = batch(pool, 2_000);

        storage().addProxies(proxies);

        assertThat(storage().listProxies(pool.name())).hasSize(2_000);
        assertThat(storage().poolStats(pool.name()).proxies()).isEqualTo(2_000);
        LeasedProxy leased = acquire(pool).orElseThrow();
        assertThat(proxies).extracting(Proxy::id).contains(leased.proxy().id());
    }

    // ------------------------------------------------------------------ deletePool

    @Test
    void deleting_an_unknown_pool_returns_false() {
        assertThat(storage().deletePool(uniqueName("missing"), false)).isFalse();
        assertThat(storage().deletePool(uniqueName("missing"), true)).isFalse();
    }

    @Test
    void a_pool_without_active_leases_is_deleted_with_its_proxies_and_its_name_is_free_again() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy released = acquire(pool).orElseThrow();
        storage().release(released.lease().id());

        assertThat(storage().deletePool(pool.name(), false)).isTrue();

        assertThat(storage().findPool(pool.name())).isEmpty();
        assertThat(storage().listPools()).extracting(ProxyPool::name).doesNotContain(pool.name());
        assertThat(storage().findProxy(proxy.id())).isEmpty();
        assertThat(storage().findLease(released.lease().id())).isEmpty();
        assertThatThrownBy(() -> storage().listProxies(pool.name())).isInstanceOf(PoolNotFoundException.class);
        assertThatThrownBy(() -> acquire(pool)).isInstanceOf(PoolNotFoundException.class);
        ProxyPool again = storage().createPool(pool.name(), "again");
        assertThat(storage().listProxies(again.name())).isEmpty();
        // the deleted proxy's address is free in the new pool
        storage().addProxy(proxyIn(again).address(proxy.host(), proxy.port()).build());
        assertThat(storage().listProxies(again.name())).hasSize(1);
    }

    @Test
    void a_pool_with_an_active_lease_is_not_deleted_without_force() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        LeasedProxy one = acquire(pool).orElseThrow();
        LeasedProxy two = acquire(pool).orElseThrow();

        assertThatThrownBy(() -> storage().deletePool(pool.name(), false))
                .isInstanceOfSatisfying(PoolInUseException.class, e -> {
                    assertThat(e.poolName()).isEqualTo(pool.name());
                    assertThat(e.activeLeases()).isEqualTo(2);
                })
                .hasMessageContaining(pool.name())
                .hasMessageContaining("2 active leases");

        assertThat(storage().findPool(pool.name())).contains(pool);
        assertThat(storage().findProxy(proxy.id())).isPresent();
        assertThat(storage().activeLeasesInPool(pool.name()))
                .extracting(Lease::id)
                .containsExactlyInAnyOrder(one.lease().id(), two.lease().id());
        assertThat(storage().release(one.lease().id())).isTrue();
        assertInvariant(pool);
    }

    @Test
    void leases_past_their_expiry_do_not_hold_a_pool() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        LeasedProxy lapsed = acquireShort(pool);
        advancePast(lapsed.lease().expiresAt());

        assertThat(storage().deletePool(pool.name(), false)).isTrue();
        assertThat(storage().findPool(pool.name())).isEmpty();
    }

    @Test
    void a_forced_deletion_ends_active_leases_and_leaves_other_pools_alone() {
        ProxyPool pool = seedPool();
        ProxyPool other = seedPool();
        seedProxy(pool);
        seedProxy(other);
        LeasedProxy held = storage()
                .acquire(request(pool).consumer(uniqueName("c")).session("s-1").build())
                .orElseThrow();
        LeasedProxy elsewhere = acquire(other).orElseThrow();

        assertThat(storage().deletePool(pool.name(), true)).isTrue();

        assertThat(storage().findPool(pool.name())).isEmpty();
        assertThat(storage().findLease(held.lease().id())).isEmpty();
        assertThatThrownBy(() -> storage().release(held.lease().id())).isInstanceOf(LeaseNotFoundException.class);
        assertThat(storage().findLease(elsewhere.lease().id())).contains(elsewhere.lease());
        assertThat(storage().activeLeasesInPool(other.name())).containsExactly(elsewhere.lease());
        ProxyPool again = storage().createPool(pool.name(), "");
        assertThat(storage().findSession(again.name(), "s-1")).isEmpty();
        assertInvariant(other);
    }

    @Test
    void deleting_a_pool_checks_its_name() {
        assertThatThrownBy(() -> storage().deletePool(" ", true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().deletePool(null, true)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void the_manager_announces_the_leases_a_forced_deletion_ended() {
        ProxyPool pool = seedPool();
        seedProxy(pool, b -> b.shared(2));
        List<io.pharox.event.ReleasedEvent> released = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.pharox.ProxyManager manager = io.pharox.ProxyManager.builder(storage())
                .clock(kit.clock())
                .listener(new io.pharox.LeaseListener() {
                    @Override
                    public void onReleased(io.pharox.event.ReleasedEvent event) {
                        released.add(event);
                    }
                })
                .build();
        LeasedProxy held = manager.acquire(pool.name()).orElseThrow();
        LeasedProxy handedBack = manager.acquire(pool.name()).orElseThrow();
        manager.release(handedBack);
        released.clear();

        assertThatThrownBy(() -> manager.deletePool(pool.name(), false)).isInstanceOf(PoolInUseException.class);
        assertThat(released).isEmpty();
        assertThat(manager.deletePool(pool.name(), true)).isTrue();

        assertThat(released).singleElement().satisfies(event -> {
            assertThat(event.lease().id()).isEqualTo(held.lease().id());
            assertThat(event.poolName()).isEqualTo(pool.name());
        });
        assertThat(manager.deletePool(pool.name(), true)).isFalse();
        assertThat(released).hasSize(1);
    }

    @Test
    void the_manager_adds_finds_and_lists_through_its_storage() {
        ProxyPool pool = seedPool();
        io.pharox.ProxyManager manager =
                io.pharox.ProxyManager.builder(storage()).clock(kit.clock()).build();
        List<Proxy> added = manager.addProxies(batch(pool, 3));
        String consumer = uniqueName("m");

        LeasedProxy leased = manager.acquire(
                        manager.request(pool.name()).consumer(consumer).build())
                .orElseThrow();

        assertThat(manager.findAvailable(manager.request(pool.name()).build(), 10))
                .hasSize(2);
        assertThat(manager.leasesOfConsumer(consumer)).containsExactly(leased.lease());
        assertThat(added).extracting(Proxy::id).contains(leased.proxy().id());
    }

    // ------------------------------------------------------------------ leasesOfConsumer

    @Test
    void a_consumers_active_leases_are_listed_across_pools_oldest_first() {
        ProxyPool a = seedPool();
        ProxyPool b = seedPool();
        seedProxy(a, p -> p.shared(5));
        seedProxy(b, p -> p.shared(5));
        String consumer = uniqueName("crawler");
        LeasedProxy first =
                storage().acquire(request(a).consumer(consumer).build()).orElseThrow();
        LeasedProxy second =
                storage().acquire(request(b).consumer(consumer).build()).orElseThrow();
        LeasedProxy released =
                storage().acquire(request(a).consumer(consumer).build()).orElseThrow();
        storage().release(released.lease().id());
        LeasedProxy lapsed = storage()
                .acquire(request(b).consumer(consumer).ttl(shortTtl()).build())
                .orElseThrow();
        storage()
                .acquire(request(a).consumer(uniqueName("someone-else")).build())
                .orElseThrow();
        advancePast(lapsed.lease().expiresAt());

        List<Lease> leases = storage().leasesOfConsumer(consumer);

        assertThat(leases)
                .extracting(Lease::id)
                .containsExactly(first.lease().id(), second.lease().id());
        assertThat(leases)
                .allSatisfy(
                        l -> assertThat(l.consumerId()).isEqualTo(first.lease().consumerId()));
    }

    @Test
    void an_unknown_consumer_has_no_leases_and_a_bad_name_is_refused() {
        assertThat(storage().leasesOfConsumer(uniqueName("nobody"))).isEmpty();
        assertThatThrownBy(() -> storage().leasesOfConsumer("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().leasesOfConsumer(null)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------------ findAvailable

    @Test
    void find_available_lists_what_an_acquire_could_take_in_stable_order_without_leasing() {
        ProxyPool pool = seedPool();
        Proxy free = seedProxy(pool, b -> b.country("DE"));
        Proxy shared = seedProxy(pool, b -> b.shared(2).country("DE"));
        Proxy full = seedProxy(pool, b -> b.country("DE"));
        Proxy inactive = seedProxy(pool, b -> b.status(ProxyStatus.INACTIVE).country("DE"));
        Proxy elsewhere = seedProxy(pool, b -> b.country("FR"));
        leaseOf(pool, full);
        leaseOf(pool, shared);

        List<Proxy> found = storage()
                .findAvailable(request(pool).filter(ProxyFilters.country("DE")).build(), 100);

        assertThat(found)
                .extracting(Proxy::id)
                .containsExactlyElementsOf(List.of(free, shared).stream()
                        .sorted(Proxy.STABLE_ORDER)
                        .map(Proxy::id)
                        .toList());
        assertThat(found).extracting(Proxy::id).doesNotContain(full.id(), inactive.id(), elsewhere.id());
        assertThat(counter(free)).isZero();
        assertThat(storage()
                        .findAvailable(
                                request(pool).filter(ProxyFilters.country("DE")).build(), 100))
                .hasSize(2);
    }

    @Test
    void find_available_honours_the_limit() {
        ProxyPool pool = seedPool();
        List<Proxy> proxies = storage().addProxies(batch(pool, 10));

        List<Proxy> found = storage().findAvailable(request(pool).build(), 3);

        assertThat(found)
                .extracting(Proxy::id)
                .containsExactlyElementsOf(proxies.stream()
                        .sorted(Proxy.STABLE_ORDER)
                        .limit(3)
                        .map(Proxy::id)
                        .toList());
    }

    @Test
    void find_available_counts_a_lapsed_lease_as_free() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy lapsed = acquireShort(pool);
        assertThat(storage().findAvailable(request(pool).build(), 10)).isEmpty();

        advancePast(lapsed.lease().expiresAt());

        assertThat(storage().findAvailable(request(pool).build(), 10))
                .extracting(Proxy::id)
                .containsExactly(proxy.id());
    }

    @Test
    void find_available_skips_open_circuits_target_bans_and_paced_proxies() {
        ProxyPool pool = seedPool();
        Proxy open = seedProxy(pool, b -> b.unlimited());
        Proxy banned = seedProxy(pool, b -> b.unlimited());
        Proxy paced = seedProxy(pool, b -> b.unlimited().minGrantInterval(Duration.ofHours(1)));
        Proxy plain = seedProxy(pool, b -> b.unlimited());
        OutcomePolicy policy = OutcomePolicy.defaults().withFailureThreshold(1);
        LeasedProxy onOpen = leaseOf(pool, open);
        assertThat(report(onOpen, Outcome.failure(FailureReason.CONNECT_FAILED), policy)
                        .circuit())
                .isEqualTo(CircuitState.OPEN);
        report(leaseOf(pool, banned), Outcome.targetBlocked("shop.example"), policy);
        storage().release(leaseOf(pool, paced).lease().id());

        List<UUID> forTarget = storage()
                .findAvailable(request(pool).forTarget("shop.example").build(), 10)
                .stream()
                .map(Proxy::id)
                .toList();
        List<UUID> forAnother = storage()
                .findAvailable(request(pool).forTarget("other.example").build(), 10)
                .stream()
                .map(Proxy::id)
                .toList();

        assertThat(forTarget).containsExactly(plain.id());
        assertThat(forAnother).containsExactlyInAnyOrder(plain.id(), banned.id());
    }

    @Test
    void find_available_checks_its_arguments() {
        ProxyPool pool = seedPool();
        assertThatThrownBy(() -> storage().findAvailable(request(pool).build(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> storage()
                        .findAvailable(
                                io.pharox.storage.AcquireRequest.forPool(uniqueName("missing"))
                                        .build(),
                                1))
                .isInstanceOf(PoolNotFoundException.class);
        assertThatThrownBy(() -> storage().findAvailable(null, 1)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------------ ISP tag and proxy URLs

    @Test
    void the_isp_tag_is_stored_updated_and_filtered_on() {
        ProxyPool pool = seedPool();
        Proxy acme = seedProxy(pool, b -> b.isp("Acme Net"));
        Proxy other = seedProxy(pool, b -> b.isp("Other Telecom"));
        Proxy none = seedProxy(pool);

        assertThat(storage().findProxy(acme.id()).orElseThrow().isp()).contains("Acme Net");
        assertThat(storage()
                        .findAvailable(
                                request(pool)
                                        .filter(ProxyFilters.isp("Acme Net"))
                                        .build(),
                                10))
                .extracting(Proxy::id)
                .containsExactly(acme.id());
        assertThat(storage()
                        .acquire(request(pool)
                                .filter(ProxyFilters.isp("Other Telecom"))
                                .build())
                        .orElseThrow()
                        .proxy()
                        .id())
                .isEqualTo(other.id());
        assertThat(storage()
                        .acquire(request(pool)
                                .filter(ProxyFilters.noneOf(
                                        ProxyFilters.isp("Acme Net"), ProxyFilters.isp("Other Telecom")))
                                .build())
                        .orElseThrow()
                        .proxy()
                        .id())
                .isEqualTo(none.id());

        Proxy renamed =
                storage().updateProxy(acme.toBuilder().isp("Acme Networks").build());
        assertThat(renamed.isp()).contains("Acme Networks");
        assertThat(storage().updateProxy(renamed.toBuilder().isp(null).build()).isp())
                .isEmpty();
    }

    @Test
    void proxies_parsed_from_urls_keep_their_address_and_credentials() {
        ProxyPool pool = seedPool();
        List<Proxy> parsed = Arrays.stream(new String[] {
                    "http://198.51.100.7:3128",
                    "https://user:p%40ss@proxy.example:443",
                    "socks4://[2001:db8::7]:1080",
                    "SOCKS5://bob:@198.51.100.8:1080"
                })
                .map(url -> ProxyUrl.parse(url)
                        .applyTo(Proxy.builder().poolId(pool.id()))
                        .build())
                .toList();

        List<Proxy> stored = storage().addProxies(parsed);

        assertThat(stored)
                .extracting(p ->
                        ProxyUrl.of(storage().findProxy(p.id()).orElseThrow()).format(true))
                .containsExactly(
                        "http://198.51.100.7:3128",
                        "https://user:p%40ss@proxy.example:443",
                        "socks4://[2001:db8::7]:1080",
                        "socks5://bob:@198.51.100.8:1080");
    }
}
