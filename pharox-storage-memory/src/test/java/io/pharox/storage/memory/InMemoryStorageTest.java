package io.pharox.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.LeaseNotFoundException;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import io.pharox.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the in-memory adapter promises beyond the shared contract. */
class InMemoryStorageTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void finished_leases_stay_readable_for_the_retention_and_are_forgotten_after_it() {
        InMemoryStorage storage = new InMemoryStorage(clock, Duration.ofMinutes(10));
        ProxyPool pool = storage.createPool("p", "");
        storage.addProxy(
                Proxy.builder().poolId(pool.id()).address("10.0.0.1", 8080).build());
        LeasedProxy leased =
                storage.acquire(AcquireRequest.forPool("p").build()).orElseThrow();
        storage.release(leased.lease().id());

        clock.advance(Duration.ofMinutes(9));
        storage.cleanupExpiredLeases();
        assertThat(storage.findLease(leased.lease().id())).map(l -> l.status()).contains(LeaseStatus.RELEASED);

        clock.advance(Duration.ofMinutes(2));
        storage.cleanupExpiredLeases();
        assertThat(storage.findLease(leased.lease().id())).isEmpty();
        assertThatThrownBy(() -> storage.release(leased.lease().id())).isInstanceOf(LeaseNotFoundException.class);
    }

    @Test
    void releases_forget_leases_finished_longer_ago_than_the_retention_without_a_cleanup() {
        InMemoryStorage storage = new InMemoryStorage(clock, Duration.ofMinutes(10));
        ProxyPool pool = storage.createPool("p", "");
        storage.addProxy(
                Proxy.builder().poolId(pool.id()).address("10.0.0.1", 8080).build());
        LeasedProxy first = storage.acquire(AcquireRequest.forPool("p").build()).orElseThrow();
        storage.release(first.lease().id());

        clock.advance(Duration.ofMinutes(11));
        LeasedProxy second =
                storage.acquire(AcquireRequest.forPool("p").build()).orElseThrow();
        storage.release(second.lease().id());

        assertThat(storage.findLease(first.lease().id())).isEmpty();
        assertThat(storage.findLease(second.lease().id())).map(l -> l.status()).contains(LeaseStatus.RELEASED);
    }

    @Test
    void expired_leases_are_forgotten_after_the_retention_counted_from_their_expiry() {
        InMemoryStorage storage = new InMemoryStorage(clock, Duration.ZERO);
        ProxyPool pool = storage.createPool("p", "");
        storage.addProxy(
                Proxy.builder().poolId(pool.id()).address("10.0.0.1", 8080).build());
        LeasedProxy leased = storage.acquire(
                        AcquireRequest.forPool("p").ttl(Duration.ofSeconds(1)).build())
                .orElseThrow();

        clock.advance(Duration.ofSeconds(2));
        assertThat(storage.cleanupExpiredLeases()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(storage.cleanupExpiredLeases()).isZero();
        assertThat(storage.findLease(leased.lease().id())).isEmpty();
    }

    @Test
    void a_negative_retention_is_rejected_with_its_value() {
        assertThatThrownBy(() -> new InMemoryStorage(Clock.systemUTC(), Duration.ofSeconds(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finishedLeaseRetention")
                .hasMessageContaining("PT-5S");
    }

    @Test
    void a_null_clock_is_rejected_by_name() {
        assertThatThrownBy(() -> new InMemoryStorage(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("clock");
    }
}
