package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.LeaseNotFoundException;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import java.util.UUID;
import org.junit.jupiter.api.Test;

abstract class ReleaseContract extends ContractGroup {

    ReleaseContract(ProxyStorageContract kit) {
        super(kit);
    }

    @Test
    void releasing_ends_the_lease_and_frees_its_slot() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Lease lease = acquire(pool).orElseThrow().lease();

        assertThat(storage().release(lease.id())).isTrue();

        Lease released = storage().findLease(lease.id()).orElseThrow();
        assertThat(released.status()).isEqualTo(LeaseStatus.RELEASED);
        assertThat(released.releasedAt()).isPresent();
        assertThat(released.releasedAt().orElseThrow()).isAfterOrEqualTo(lease.acquiredAt());
        assertThat(released.expiresAt()).isEqualTo(lease.expiresAt());
        assertThat(counter(proxy)).isZero();
        assertThat(storage().activeLeases(proxy.id())).isEmpty();
        assertThat(acquire(pool)).isPresent();
    }

    @Test
    void releasing_twice_frees_the_slot_once() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        Lease first = acquire(pool).orElseThrow().lease();
        Lease second = acquire(pool).orElseThrow().lease();

        assertThat(storage().release(first.id())).isTrue();
        assertThat(storage().release(first.id())).isFalse();

        assertThat(counter(proxy)).isEqualTo(1);
        assertThat(storage().findLease(second.id())).map(Lease::status).contains(LeaseStatus.ACTIVE);
        assertThat(acquire(pool)).isPresent();
        assertThat(acquire(pool)).isEmpty();
        assertInvariant(pool);
    }

    @Test
    void releasing_many_times_never_drives_the_counter_below_zero() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Lease lease = acquire(pool).orElseThrow().lease();

        for (int i = 0; i < 5; i++) {
            storage().release(lease.id());
        }

        assertThat(counter(proxy)).isZero();
        acquire(pool).orElseThrow();
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void releasing_an_expired_lease_reports_false_and_frees_its_slot_once() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        LeasedProxy expiring = acquireShort(pool);
        Lease lasting = acquire(pool).orElseThrow().lease();
        advancePast(expiring.lease().expiresAt());

        assertThat(storage().release(expiring.lease().id())).isFalse();
        assertThat(storage().release(expiring.lease().id())).isFalse();

        assertThat(storage().findLease(expiring.lease().id()))
                .map(Lease::status)
                .contains(LeaseStatus.EXPIRED);
        assertThat(storage().cleanupExpiredLeases()).isZero();
        assertThat(counter(proxy)).isEqualTo(1);
        assertThat(storage().activeLeases(proxy.id())).containsExactly(lasting);
        assertThat(acquire(pool)).isPresent();
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void releasing_after_cleanup_reports_false_and_changes_nothing() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy expiring = acquireShort(pool);
        advancePast(expiring.lease().expiresAt());
        storage().cleanupExpiredLeases();
        Lease next = acquire(pool).orElseThrow().lease();

        assertThat(storage().release(expiring.lease().id())).isFalse();

        assertThat(counter(proxy)).isEqualTo(1);
        assertThat(storage().findLease(next.id())).map(Lease::status).contains(LeaseStatus.ACTIVE);
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void releasing_one_lease_leaves_the_others_of_the_proxy_alone() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        Lease a = acquire(pool).orElseThrow().lease();
        Lease b = acquire(pool).orElseThrow().lease();
        Lease c = acquire(pool).orElseThrow().lease();

        storage().release(b.id());

        assertThat(storage().activeLeases(proxy.id())).containsExactly(a, c);
        assertInvariant(pool);
    }

    @Test
    void releasing_an_unknown_lease_fails_with_its_id() {
        UUID unknown = UUID.randomUUID();

        assertThatThrownBy(() -> storage().release(unknown))
                .isInstanceOf(LeaseNotFoundException.class)
                .hasMessageContaining(unknown.toString());
    }
}
