package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import org.junit.jupiter.api.Test;

abstract class ExpiryContract extends ContractGroup {

    ExpiryContract(ProxyStorageContract kit) {
        super(kit);
    }

    @Test
    void a_lease_holds_its_slot_until_it_expires() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        LeasedProxy leased = acquire(pool).orElseThrow();

        assertThat(acquire(pool)).isEmpty();
        assertThat(storage().findLease(leased.lease().id())).map(Lease::status).contains(LeaseStatus.ACTIVE);
    }

    @Test
    void an_expired_lease_does_not_block_capacity_even_before_cleanup() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy expiring = acquireShort(pool);

        advancePast(expiring.lease().expiresAt());

        LeasedProxy next = acquire(pool).orElseThrow();
        assertThat(next.proxy().id()).isEqualTo(proxy.id());
        assertThat(next.lease().id()).isNotEqualTo(expiring.lease().id());
        assertThat(storage().findLease(expiring.lease().id()))
                .map(Lease::status)
                .contains(LeaseStatus.EXPIRED);
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void an_expired_lease_reads_as_expired_and_is_not_listed_as_active() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        LeasedProxy expiring = acquireShort(pool);
        Lease lasting = acquire(pool).orElseThrow().lease();

        advancePast(expiring.lease().expiresAt());

        assertThat(storage().findLease(expiring.lease().id()))
                .map(Lease::status)
                .contains(LeaseStatus.EXPIRED);
        assertThat(storage().activeLeases(proxy.id())).containsExactly(lasting);
        assertThat(storage().activeLeasesInPool(pool.name())).containsExactly(lasting);
    }

    @Test
    void cleanup_expires_each_lapsed_lease_once_and_counts_them() {
        ProxyPool pool = seedPool();
        Proxy shared = seedProxy(pool, b -> b.shared(3));
        LeasedProxy first = acquireShort(pool);
        LeasedProxy second = acquireShort(pool);
        Lease lasting = acquire(pool).orElseThrow().lease();

        advancePast(second.lease().expiresAt());

        assertThat(storage().cleanupExpiredLeases()).isEqualTo(2);
        assertThat(storage().cleanupExpiredLeases()).isZero();
        assertThat(storage().findLease(first.lease().id())).map(Lease::status).contains(LeaseStatus.EXPIRED);
        assertThat(storage().findLease(second.lease().id())).map(Lease::status).contains(LeaseStatus.EXPIRED);
        assertThat(storage().findLease(lasting.id())).map(Lease::status).contains(LeaseStatus.ACTIVE);
        assertThat(counter(shared)).isEqualTo(1);
        assertInvariant(pool);
    }

    @Test
    void cleanup_counts_lapsed_leases_across_pools() {
        ProxyPool a = seedPool();
        ProxyPool b = seedPool();
        seedProxy(a);
        seedProxy(b, p -> p.shared(2));
        acquireShort(a);
        acquireShort(b);
        LeasedProxy last = acquireShort(b);

        advancePast(last.lease().expiresAt());

        assertThat(storage().cleanupExpiredLeases()).isEqualTo(3);
        assertInvariant(a);
        assertInvariant(b);
    }

    @Test
    void cleanup_with_nothing_lapsed_changes_nothing() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Lease lease = acquire(pool).orElseThrow().lease();

        assertThat(storage().cleanupExpiredLeases()).isZero();
        assertThat(storage().findLease(lease.id())).contains(lease);
        assertThat(counter(proxy)).isEqualTo(1);
    }

    @Test
    void cleanup_of_an_empty_storage_returns_zero() {
        assertThat(storage().cleanupExpiredLeases()).isZero();
    }

    @Test
    void every_lapsed_slot_of_a_shared_proxy_comes_back() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        acquireShort(pool);
        acquireShort(pool);
        LeasedProxy last = acquireShort(pool);
        assertThat(acquire(pool)).isEmpty();

        advancePast(last.lease().expiresAt());

        for (int i = 0; i < 3; i++) {
            assertThat(acquire(pool)).as("acquire %d after expiry", i + 1).isPresent();
        }
        assertThat(acquire(pool)).isEmpty();
        storage().cleanupExpiredLeases();
        assertThat(counter(proxy)).isEqualTo(3);
        assertInvariant(pool);
    }

    @Test
    void a_released_lease_is_not_expired_later() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        LeasedProxy leased = acquireShort(pool);
        storage().release(leased.lease().id());

        advancePast(leased.lease().expiresAt());

        assertThat(storage().cleanupExpiredLeases()).isZero();
        assertThat(storage().findLease(leased.lease().id())).map(Lease::status).contains(LeaseStatus.RELEASED);
    }
}
