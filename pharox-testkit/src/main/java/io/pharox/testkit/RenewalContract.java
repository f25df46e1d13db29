package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.LeaseNotFoundException;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.ProxyPool;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

abstract class RenewalContract extends ContractGroup {

    RenewalContract(ProxyStorageContract kit) {
        super(kit);
    }

    @Test
    void renewing_keeps_a_lease_past_its_first_expiry() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        LeasedProxy leased = acquireShort(pool);

        Lease renewed =
                storage().renew(leased.lease().id(), Duration.ofMinutes(10)).orElseThrow();
        advancePast(leased.lease().expiresAt());

        assertThat(renewed.id()).isEqualTo(leased.lease().id());
        assertThat(renewed.status()).isEqualTo(LeaseStatus.ACTIVE);
        assertThat(renewed.acquiredAt()).isEqualTo(leased.lease().acquiredAt());
        assertThat(renewed.expiresAt()).isAfter(leased.lease().expiresAt());
        assertThat(storage().findLease(renewed.id())).contains(renewed);
        assertThat(storage().cleanupExpiredLeases()).isZero();
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void renewing_counts_the_new_ttl_from_now() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Lease lease = acquire(pool).orElseThrow().lease();

        Lease longer = storage().renew(lease.id(), Duration.ofHours(2)).orElseThrow();
        Lease shorter = storage().renew(lease.id(), Duration.ofMinutes(1)).orElseThrow();

        assertThat(longer.expiresAt()).isAfterOrEqualTo(lease.acquiredAt().plus(Duration.ofHours(2)));
        assertThat(shorter.expiresAt()).isBefore(longer.expiresAt());
        assertThat(shorter.expiresAt()).isAfterOrEqualTo(lease.acquiredAt().plus(Duration.ofMinutes(1)));
    }

    @Test
    void a_released_lease_cannot_be_renewed() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Lease lease = acquire(pool).orElseThrow().lease();
        storage().release(lease.id());

        assertThat(storage().renew(lease.id(), Duration.ofMinutes(5))).isEmpty();
        assertThat(storage().findLease(lease.id())).map(Lease::status).contains(LeaseStatus.RELEASED);
        assertThat(acquire(pool)).isPresent();
    }

    @Test
    void an_expired_lease_cannot_be_renewed() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        LeasedProxy leased = acquireShort(pool);
        advancePast(leased.lease().expiresAt());

        assertThat(storage().renew(leased.lease().id(), Duration.ofMinutes(5))).isEmpty();
        assertThat(storage().findLease(leased.lease().id())).map(Lease::status).contains(LeaseStatus.EXPIRED);
        assertThat(acquire(pool)).isPresent();
    }

    @Test
    void renewing_an_unknown_lease_fails_with_its_id() {
        UUID unknown = UUID.randomUUID();

        assertThatThrownBy(() -> storage().renew(unknown, Duration.ofMinutes(1)))
                .isInstanceOf(LeaseNotFoundException.class)
                .hasMessageContaining(unknown.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-1S", "PT0.0005S", "P366D"})
    void renewing_with_a_ttl_out_of_range_fails_with_the_ttl(String ttl) {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Lease lease = acquire(pool).orElseThrow().lease();

        assertThatThrownBy(() -> storage().renew(lease.id(), Duration.parse(ttl)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl")
                .hasMessageContaining(Duration.parse(ttl).toString());
        assertThat(storage().findLease(lease.id())).contains(lease);
    }
}
