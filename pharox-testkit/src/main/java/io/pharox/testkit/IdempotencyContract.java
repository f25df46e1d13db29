package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.LeaseNotActiveException;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

abstract class IdempotencyContract extends ContractGroup {

    IdempotencyContract(ProxyStorageContract kit) {
        super(kit);
    }

    private AcquireRequest keyed(ProxyPool pool, UUID key) {
        return request(pool).idempotencyKey(key).build();
    }

    @Test
    void the_idempotency_key_becomes_the_lease_id() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        UUID key = UUID.randomUUID();

        LeasedProxy leased = storage().acquire(keyed(pool, key)).orElseThrow();

        assertThat(leased.lease().id()).isEqualTo(key);
        assertThat(storage().findLease(key)).contains(leased.lease());
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void acquiring_again_with_the_key_of_an_active_lease_returns_that_lease_and_takes_no_second_slot(
            SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        Proxy shared = seedProxy(pool, b -> b.shared(3));
        Proxy other = seedProxy(pool, b -> b.shared(3));
        AcquireRequest request = request(pool)
                .strategy(strategy)
                .idempotencyKey(UUID.randomUUID())
                .build();

        LeasedProxy first = storage().acquire(request).orElseThrow();
        LeasedProxy again = storage().acquire(request).orElseThrow();

        assertThat(again.lease()).isEqualTo(first.lease());
        assertThat(again.proxy().id()).isEqualTo(first.proxy().id());
        assertThat(again.proxy().currentLeases()).isEqualTo(1);
        assertThat(counter(shared) + counter(other)).as("slots taken").isEqualTo(1);
        assertThat(storage().activeLeasesInPool(pool.name())).containsExactly(first.lease());
        assertInvariant(pool);
    }

    @Test
    void the_key_of_an_active_lease_returns_it_even_when_no_proxy_has_room() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        UUID key = UUID.randomUUID();
        LeasedProxy first = storage().acquire(keyed(pool, key)).orElseThrow();

        assertThat(acquire(pool)).as("an acquire without the key").isEmpty();
        assertThat(storage().acquire(keyed(pool, key))).map(LeasedProxy::lease).contains(first.lease());
        assertInvariant(pool);
    }

    @Test
    void a_key_naming_a_released_lease_is_refused_as_not_active_and_takes_no_slot() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        UUID key = UUID.randomUUID();
        storage().acquire(keyed(pool, key)).orElseThrow();
        assertThat(storage().release(key)).isTrue();

        assertThatThrownBy(() -> storage().acquire(keyed(pool, key)))
                .isInstanceOf(LeaseNotActiveException.class)
                .hasMessageContaining(key.toString())
                .hasMessageContaining("RELEASED")
                .satisfies(
                        e -> assertThat(((LeaseNotActiveException) e).status()).isEqualTo(LeaseStatus.RELEASED));
        assertThat(counter(proxy)).isZero();
        assertThat(storage().findLease(key)).map(Lease::status).contains(LeaseStatus.RELEASED);
        assertThat(acquire(pool)).as("the proxy is free for others").isPresent();
    }

    @Test
    void a_key_naming_an_expired_lease_is_refused_as_not_active() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        UUID key = UUID.randomUUID();
        LeasedProxy leased = storage()
                .acquire(request(pool).ttl(shortTtl()).idempotencyKey(key).build())
                .orElseThrow();
        advancePast(leased.lease().expiresAt());

        assertThatThrownBy(() -> storage().acquire(keyed(pool, key)))
                .isInstanceOf(LeaseNotActiveException.class)
                .hasMessageContaining(key.toString())
                .satisfies(
                        e -> assertThat(((LeaseNotActiveException) e).status()).isEqualTo(LeaseStatus.EXPIRED));
        assertThat(acquire(pool)).as("the lapsed lease's slot is reclaimed").isPresent();
        assertInvariant(pool);
    }

    @Test
    void a_key_naming_a_lease_of_another_pool_is_refused_with_the_key() {
        ProxyPool pool = seedPool();
        ProxyPool elsewhere = seedPool();
        seedProxy(pool);
        Proxy free = seedProxy(elsewhere);
        UUID key = UUID.randomUUID();
        storage().acquire(keyed(pool, key)).orElseThrow();

        assertThatThrownBy(() -> storage().acquire(keyed(elsewhere, key)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key.toString());
        assertThat(counter(free)).as("no slot taken in the other pool").isZero();
        assertThat(storage().activeLeasesInPool(elsewhere.name())).isEmpty();
    }

    @Test
    void a_key_naming_a_lease_of_another_consumer_is_refused_with_the_key() {
        ProxyPool pool = seedPool();
        seedProxy(pool, b -> b.shared(5));
        UUID key = UUID.randomUUID();
        storage()
                .acquire(request(pool).consumer("first").idempotencyKey(key).build())
                .orElseThrow();

        assertThatThrownBy(() -> storage()
                        .acquire(request(pool)
                                .consumer("second")
                                .idempotencyKey(key)
                                .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key.toString());
        assertThat(storage().activeLeasesInPool(pool.name())).hasSize(1);
        assertInvariant(pool);
    }

    @Test
    void acquires_without_a_key_are_new_leases_each_time() {
        ProxyPool pool = seedPool();
        seedProxy(pool, b -> b.shared(2));
        AcquireRequest request = request(pool).build();

        LeasedProxy first = storage().acquire(request).orElseThrow();
        LeasedProxy second = storage().acquire(request).orElseThrow();

        assertThat(second.lease().id()).isNotEqualTo(first.lease().id());
        assertThat(storage().activeLeasesInPool(pool.name())).hasSize(2);
    }

    @Test
    void threads_racing_with_one_key_all_get_the_one_lease_it_grants() throws Exception {
        ProxyPool pool = seedPool();
        for (int i = 0; i < 4; i++) {
            seedProxy(pool, b -> b.shared(4));
        }
        AcquireRequest request = request(pool)
                .ttl(Duration.ofMinutes(5))
                .idempotencyKey(UUID.randomUUID())
                .build();
        int threads = Math.max(16, kit.concurrentThreads());

        List<Optional<LeasedProxy>> results = race(threads, () -> storage().acquire(request));

        assertThat(results)
                .allSatisfy(r -> assertThat(r)
                        .map(l -> l.lease().id())
                        .contains(request.idempotencyKey().orElseThrow()));
        assertThat(results.stream().map(r -> r.orElseThrow().proxy().id()).distinct())
                .as("proxies returned")
                .hasSize(1);
        assertThat(storage().activeLeasesInPool(pool.name())).hasSize(1);
        assertInvariant(pool);
    }

    /** Runs {@code task} on {@code count} threads released together; returns the results. */
    private static <T> List<T> race(int count, Callable<T> task) throws Exception {
        return ConcurrencyContract.race(count, index -> task.call());
    }
}
