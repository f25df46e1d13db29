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

    @Test
    void on_a_ticking_clock_a_greater_fencing_token_never_has_an_earlier_grant_time() throws Exception {
        // a clock that moves at every read, so that a token and a time taken apart would disagree
        java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Clock ticking = new Clock() {
            @Override
            public Instant instant() {
                // let another thread run between a grant's token and its clock read, if they are apart
                Thread.yield();
                return start.plusNanos(1000 * ticks.incrementAndGet());
            }

            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        InMemoryStorage storage = new InMemoryStorage(ticking);
        ProxyPool pool = storage.createPool("p", "");
        Proxy proxy = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.0.0.1", 8080)
                .shared(4)
                .build());
        java.util.Queue<io.pharox.model.Lease> granted = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        storage.acquire(AcquireRequest.forPool("p").build()).ifPresent(l -> {
                            granted.add(l.lease());
                            storage.release(l.lease().id());
                        });
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }

        java.util.List<io.pharox.model.Lease> byToken = new java.util.ArrayList<>(granted);
        byToken.sort(java.util.Comparator.comparingLong(io.pharox.model.Lease::fencingToken));
        assertThat(byToken).extracting(io.pharox.model.Lease::fencingToken).doesNotHaveDuplicates();
        assertThat(byToken).isSortedAccordingTo(java.util.Comparator.comparing(io.pharox.model.Lease::acquiredAt));
        assertThat(storage.standing(proxy.id()).orElseThrow().lastFencingToken())
                .isEqualTo(byToken.get(byToken.size() - 1).fencingToken());
    }
}
