package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.ProxyNotFoundException;
import io.pharox.model.Credentials;
import io.pharox.model.Ids;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

abstract class ProxiesContract extends ContractGroup {

    ProxiesContract(ProxyStorageContract kit) {
        super(kit);
    }

    @Test
    void an_added_proxy_is_stored_with_every_value() {
        ProxyPool pool = seedPool();
        Proxy proxy = proxyIn(pool)
                .protocol(ProxyProtocol.SOCKS5)
                .credentials(new Credentials("alice", "s3cret'--"))
                .status(ProxyStatus.SLOW)
                .shared(7)
                .country("de")
                .city("Berlin")
                .source("vendor-a")
                .asn(3320L)
                .location(52.52, 13.405)
                .lastCheckedAt(Instant.parse("2026-01-02T03:04:05.123Z"))
                .lastLatency(Duration.ofMillis(250))
                .build();

        Proxy stored = storage().addProxy(proxy);

        assertThat(stored).isEqualTo(proxy);
        assertThat(storage().findProxy(proxy.id())).contains(proxy);
        assertThat(stored.country()).contains("DE");
        assertThat(stored.credentials()).contains(new Credentials("alice", "s3cret'--"));
    }

    @Test
    void a_proxy_without_optional_values_is_stored_without_them() {
        ProxyPool pool = seedPool();
        Proxy stored = seedProxy(pool);

        Proxy found = storage().findProxy(stored.id()).orElseThrow();
        assertThat(found.credentials()).isEmpty();
        assertThat(found.country()).isEmpty();
        assertThat(found.city()).isEmpty();
        assertThat(found.source()).isEmpty();
        assertThat(found.asn()).isEmpty();
        assertThat(found.location()).isEmpty();
        assertThat(found.lastCheckedAt()).isEmpty();
        assertThat(found.lastLatency()).isEmpty();
        assertThat(found.maxConcurrency()).isEqualTo(1);
    }

    @Test
    void an_unlimited_proxy_stays_unlimited() {
        Proxy stored = seedProxy(seedPool(), b -> b.unlimited());

        assertThat(storage().findProxy(stored.id()).orElseThrow().isUnlimited()).isTrue();
        assertThat(storage().findProxy(stored.id()).orElseThrow().maxConcurrency())
                .isEqualTo(Proxy.UNLIMITED);
    }

    @Test
    void an_added_proxy_starts_with_no_leases_whatever_it_says() {
        Proxy stored = storage()
                .addProxy(proxyIn(seedPool()).shared(10).currentLeases(5).build());

        assertThat(stored.currentLeases()).isZero();
        assertThat(counter(stored)).isZero();
    }

    @Test
    void a_proxy_cannot_join_an_unknown_pool() {
        Proxy orphan = Proxy.builder()
                .poolId(UUID.randomUUID())
                .address("10.9.9.9", 80)
                .build();

        assertThatThrownBy(() -> storage().addProxy(orphan)).isInstanceOf(PoolNotFoundException.class);
        assertThat(storage().findProxy(orphan.id())).isEmpty();
    }

    @Test
    void a_proxy_id_can_be_added_once() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);

        assertThatThrownBy(() -> storage()
                        .addProxy(proxy.toBuilder().address("10.200.0.1", 9999).build()))
                .isInstanceOf(ProxyAlreadyExistsException.class);
        assertThat(storage().listProxies(pool.name())).containsExactly(proxy);
    }

    @Test
    void an_address_can_be_taken_once_per_pool() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);

        assertThatThrownBy(() -> storage()
                        .addProxy(proxyIn(pool)
                                .address(proxy.host(), proxy.port())
                                .build()))
                .isInstanceOf(ProxyAlreadyExistsException.class)
                .hasMessageContaining(proxy.address());
        assertThat(storage().listProxies(pool.name())).containsExactly(proxy);
    }

    @Test
    void the_same_address_may_serve_two_pools() {
        ProxyPool first = seedPool();
        ProxyPool second = seedPool();
        Proxy proxy = seedProxy(first);

        Proxy twin = storage()
                .addProxy(proxyIn(second).address(proxy.host(), proxy.port()).build());

        assertThat(storage().listProxies(second.name())).containsExactly(twin);
    }

    @Test
    void proxies_are_listed_in_stable_order_whatever_the_order_they_were_added_in() {
        ProxyPool pool = seedPool();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(Ids.next());
        }
        List<UUID> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(42));
        shuffled.forEach(id -> storage().addProxy(proxyIn(pool).id(id).build()));

        assertThat(storage().listProxies(pool.name())).extracting(Proxy::id).containsExactlyElementsOf(ids);
    }

    @Test
    void proxies_are_listed_per_pool() {
        ProxyPool first = seedPool();
        ProxyPool second = seedPool();
        Proxy a = seedProxy(first);
        Proxy b = seedProxy(second);

        assertThat(storage().listProxies(first.name())).containsExactly(a);
        assertThat(storage().listProxies(second.name())).containsExactly(b);
    }

    @Test
    void an_empty_pool_lists_no_proxies() {
        assertThat(storage().listProxies(seedPool().name())).isEmpty();
    }

    @Test
    void an_update_replaces_the_values_and_keeps_the_lease_counter() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3).country("FR"));
        acquire(pool).orElseThrow();

        Proxy changed = proxy.toBuilder()
                .address("10.250.0.9", 1080)
                .protocol(ProxyProtocol.SOCKS5)
                .country("IT")
                .city("Rome")
                .credentials("bob", "pw")
                .shared(5)
                .build();
        Proxy stored = storage().updateProxy(changed);

        assertThat(stored).isEqualTo(changed.withCurrentLeases(1));
        assertThat(storage().findProxy(proxy.id())).contains(changed.withCurrentLeases(1));
        assertInvariant(pool);
    }

    @Test
    void an_update_of_an_unknown_proxy_fails() {
        Proxy ghost = proxyIn(seedPool()).build();

        assertThatThrownBy(() -> storage().updateProxy(ghost))
                .isInstanceOf(ProxyNotFoundException.class)
                .hasMessageContaining(ghost.id().toString());
    }

    @Test
    void an_update_cannot_move_a_proxy_to_another_pool() {
        ProxyPool pool = seedPool();
        ProxyPool other = seedPool();
        Proxy proxy = seedProxy(pool);

        assertThatThrownBy(() -> storage()
                        .updateProxy(proxy.toBuilder().poolId(other.id()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(proxy.id().toString());
        assertThat(storage().listProxies(pool.name())).containsExactly(proxy);
    }

    @Test
    void an_update_cannot_take_the_address_of_another_proxy() {
        ProxyPool pool = seedPool();
        Proxy a = seedProxy(pool);
        Proxy b = seedProxy(pool);

        assertThatThrownBy(() -> storage()
                        .updateProxy(b.toBuilder().address(a.host(), a.port()).build()))
                .isInstanceOf(ProxyAlreadyExistsException.class);
        assertThat(storage().findProxy(b.id())).contains(b);
    }

    @Test
    void lowering_the_capacity_below_the_active_leases_ends_none_and_blocks_new_ones() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        LeasedProxy first = acquire(pool).orElseThrow();
        LeasedProxy second = acquire(pool).orElseThrow();

        storage().updateProxy(proxy.toBuilder().exclusive().build());

        assertThat(acquire(pool)).isEmpty();
        assertThat(storage().activeLeases(proxy.id()))
                .extracting(l -> l.id())
                .containsExactly(first.lease().id(), second.lease().id());
        assertThat(counter(proxy)).isEqualTo(2);
        storage().release(first.lease().id());
        assertThat(acquire(pool)).isEmpty();
        storage().release(second.lease().id());
        assertThat(acquire(pool)).isPresent();
    }

    @Test
    void a_removed_proxy_is_gone_and_its_active_leases_end_released() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        LeasedProxy leased = acquire(pool).orElseThrow();

        assertThat(storage().removeProxy(proxy.id())).isTrue();

        assertThat(storage().findProxy(proxy.id())).isEmpty();
        assertThat(storage().listProxies(pool.name())).isEmpty();
        assertThat(storage().activeLeases(proxy.id())).isEmpty();
        assertThat(storage().activeLeasesInPool(pool.name())).isEmpty();
        assertThat(storage().findLease(leased.lease().id()))
                .map(l -> l.status())
                .contains(LeaseStatus.RELEASED);
        assertThat(storage().release(leased.lease().id())).isFalse();
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void removing_an_unknown_proxy_reports_false() {
        Proxy proxy = seedProxy(seedPool());
        storage().removeProxy(proxy.id());

        assertThat(storage().removeProxy(proxy.id())).isFalse();
        assertThat(storage().removeProxy(UUID.randomUUID())).isFalse();
    }

    @Test
    void a_removed_address_can_be_added_again() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        storage().removeProxy(proxy.id());

        Proxy again = storage()
                .addProxy(proxyIn(pool).address(proxy.host(), proxy.port()).build());

        assertThat(acquire(pool)).map(l -> l.proxy().id()).contains(again.id());
    }
}
