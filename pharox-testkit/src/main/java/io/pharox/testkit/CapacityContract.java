package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

abstract class CapacityContract extends ContractGroup {

    CapacityContract(ProxyStorageContract kit) {
        super(kit);
    }

    @Test
    void an_exclusive_proxy_is_leased_once_at_a_time() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);

        assertThat(acquire(pool)).map(l -> l.proxy().id()).contains(proxy.id());
        assertThat(acquire(pool)).isEmpty();
        assertThat(counter(proxy)).isEqualTo(1);
    }

    @ParameterizedTest(name = "shared({0})")
    @ValueSource(ints = {2, 3, 5, 17})
    void a_shared_proxy_is_leased_up_to_its_capacity(int capacity) {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(capacity));

        for (int i = 1; i <= capacity; i++) {
            LeasedProxy leased = acquire(pool).orElseThrow();
            assertThat(leased.proxy().currentLeases())
                    .as("counter after acquire %d", i)
                    .isEqualTo(i);
        }
        assertThat(acquire(pool)).isEmpty();
        assertThat(counter(proxy)).isEqualTo(capacity);
        assertInvariant(pool);
    }

    @Test
    void an_unlimited_proxy_is_never_full() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, Proxy.Builder::unlimited);

        for (int i = 0; i < 250; i++) {
            assertThat(acquire(pool)).isPresent();
        }
        assertThat(counter(proxy)).isEqualTo(250);
        assertThat(storage().activeLeases(proxy.id())).hasSize(250);
    }

    @Test
    void a_full_proxy_is_passed_over_for_the_next_one() {
        ProxyPool pool = seedPool();
        Proxy first = seedProxy(pool);
        Proxy second = seedProxy(pool);

        assertThat(acquire(pool)).map(l -> l.proxy().id()).contains(first.id());
        assertThat(acquire(pool)).map(l -> l.proxy().id()).contains(second.id());
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void a_released_slot_can_be_leased_again() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = acquire(pool).orElseThrow();

        storage().release(leased.lease().id());

        assertThat(acquire(pool)).map(l -> l.proxy().id()).contains(proxy.id());
    }

    @ParameterizedTest
    @EnumSource(value = ProxyStatus.class, names = "ACTIVE", mode = EnumSource.Mode.EXCLUDE)
    void a_proxy_that_is_not_active_is_never_leased(ProxyStatus status) {
        ProxyPool pool = seedPool();
        seedProxy(pool, b -> b.status(status).unlimited());

        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void a_proxy_taken_out_of_rotation_by_an_update_is_no_longer_leased() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(5));
        acquire(pool).orElseThrow();

        storage().updateProxy(proxy.withStatus(ProxyStatus.INACTIVE));

        assertThat(acquire(pool)).isEmpty();
        assertThat(counter(proxy)).isEqualTo(1);
    }

    @Test
    void an_empty_pool_has_nothing_to_lease_and_that_is_not_an_error() {
        assertThat(acquire(seedPool())).isEmpty();
    }

    @Test
    void the_lease_records_pool_proxy_consumer_status_and_times() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        String consumer = uniqueName("consumer");
        Duration ttl = Duration.ofMinutes(7);

        LeasedProxy leased = storage()
                .acquire(request(pool).consumer(consumer).ttl(ttl).build())
                .orElseThrow();
        Lease lease = leased.lease();

        assertThat(lease.poolId()).isEqualTo(pool.id());
        assertThat(lease.proxyId()).isEqualTo(proxy.id());
        assertThat(lease.consumerId())
                .isEqualTo(storage().ensureConsumer(consumer).id());
        assertThat(lease.status()).isEqualTo(LeaseStatus.ACTIVE);
        assertThat(lease.releasedAt()).isEmpty();
        assertThat(Duration.between(lease.acquiredAt(), lease.expiresAt())).isEqualTo(ttl);
        assertThat(storage().findLease(lease.id())).contains(lease);
    }

    @Test
    void the_leased_proxy_carries_its_values_and_its_new_counter() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(4).credentials("user", "pw").country("NL"));
        acquire(pool).orElseThrow();

        LeasedProxy leased = acquire(pool).orElseThrow();

        assertThat(leased.proxy()).isEqualTo(proxy.withCurrentLeases(2));
    }

    @Test
    void every_lease_has_its_own_id() {
        ProxyPool pool = seedPool();
        seedProxy(pool, b -> b.shared(50));
        Set<Object> ids = new HashSet<>();

        for (int i = 0; i < 50; i++) {
            ids.add(acquire(pool).orElseThrow().lease().id());
        }

        assertThat(ids).hasSize(50);
    }

    @Test
    void active_leases_are_listed_oldest_first_per_proxy_and_per_pool() {
        ProxyPool pool = seedPool();
        Proxy a = seedProxy(pool, b -> b.shared(2));
        Proxy b = seedProxy(pool);
        Lease first = acquire(pool).orElseThrow().lease();
        Lease second = acquire(pool).orElseThrow().lease();
        Lease third = acquire(pool).orElseThrow().lease();

        assertThat(storage().activeLeases(a.id())).containsExactly(first, second);
        assertThat(storage().activeLeases(b.id())).containsExactly(third);
        assertThat(storage().activeLeasesInPool(pool.name())).containsExactly(first, second, third);
    }

    @Test
    void pools_do_not_lease_each_others_proxies() {
        ProxyPool empty = seedPool();
        ProxyPool full = seedPool();
        seedProxy(full, Proxy.Builder::unlimited);

        assertThat(acquire(empty)).isEmpty();
        assertThat(storage().activeLeasesInPool(empty.name())).isEmpty();
    }
}
