package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fencing tokens: 1 for a proxy's first grant, then greater than every earlier grant's on that
 * proxy, whichever strategy or thread granted it; the same token for an idempotent repeat; read
 * back by every read of the lease and by the standing.
 */
abstract class FencingContract extends ContractGroup {

    FencingContract(ProxyStorageContract kit) {
        super(kit);
    }

    private static List<Long> tokens(List<LeasedProxy> leases) {
        return leases.stream().map(l -> l.lease().fencingToken()).toList();
    }

    @Test
    void the_first_grant_on_a_proxy_has_token_one_and_every_later_grant_a_greater_one() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        List<LeasedProxy> grants = new ArrayList<>();

        for (int i = 0; i < 4; i++) {
            LeasedProxy leased = acquire(pool).orElseThrow();
            grants.add(leased);
            storage().release(leased.lease().id());
        }

        assertThat(tokens(grants).get(0)).isEqualTo(1);
        assertThat(tokens(grants))
                .isSortedAccordingTo(Comparator.naturalOrder())
                .doesNotHaveDuplicates();
        assertThat(standing(proxy).lastFencingToken()).isEqualTo(tokens(grants).get(3));
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void tokens_increase_on_a_shared_proxy_with_every_strategy(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        List<LeasedProxy> grants = new ArrayList<>();

        for (int i = 0; i < 3; i++) {
            grants.add(acquire(pool, strategy).orElseThrow());
        }
        storage().release(grants.get(1).lease().id());
        grants.add(acquire(pool, strategy).orElseThrow());

        assertThat(grants).allSatisfy(l -> assertThat(l.proxy().id()).isEqualTo(proxy.id()));
        assertThat(tokens(grants).get(0)).isEqualTo(1);
        assertThat(tokens(grants))
                .isSortedAccordingTo(Comparator.naturalOrder())
                .doesNotHaveDuplicates();
        assertThat(standing(proxy).lastFencingToken()).isEqualTo(tokens(grants).get(3));
    }

    @Test
    void tokens_are_counted_per_proxy() {
        ProxyPool pool = seedPool();
        Proxy first = seedProxy(pool);
        Proxy second = seedProxy(pool);
        LeasedProxy a = leaseOf(pool, first);
        storage().release(a.lease().id());
        LeasedProxy b = leaseOf(pool, first);

        LeasedProxy c = leaseOf(pool, second);

        assertThat(a.lease().fencingToken()).isEqualTo(1);
        assertThat(b.lease().fencingToken()).isGreaterThan(1);
        assertThat(c.lease().fencingToken()).as("another proxy's first grant").isEqualTo(1);
        assertThat(standing(second).lastFencingToken()).isEqualTo(1);
        assertThat(standing(first).lastFencingToken()).isEqualTo(b.lease().fencingToken());
    }

    @Test
    void tokens_keep_increasing_after_expiry_and_cleanup() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy lapsed = acquireShort(pool);
        advancePast(lapsed.lease().expiresAt());
        LeasedProxy reclaimed = acquireShort(pool);
        advancePast(reclaimed.lease().expiresAt());
        storage().cleanupExpiredLeases();

        LeasedProxy next = acquire(pool).orElseThrow();

        assertThat(reclaimed.lease().fencingToken())
                .isGreaterThan(lapsed.lease().fencingToken());
        assertThat(next.lease().fencingToken()).isGreaterThan(reclaimed.lease().fencingToken());
        assertThat(standing(proxy).lastFencingToken()).isEqualTo(next.lease().fencingToken());
    }

    @Test
    void an_idempotent_repeat_returns_the_first_grants_token() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        AcquireRequest keyed = request(pool).idempotencyKey(UUID.randomUUID()).build();
        LeasedProxy other = acquire(pool).orElseThrow();

        LeasedProxy first = storage().acquire(keyed).orElseThrow();
        LeasedProxy again = storage().acquire(keyed).orElseThrow();

        assertThat(first.lease().fencingToken()).isGreaterThan(other.lease().fencingToken());
        assertThat(again.lease().fencingToken()).isEqualTo(first.lease().fencingToken());
        assertThat(standing(proxy).lastFencingToken()).isEqualTo(first.lease().fencingToken());
    }

    @Test
    void every_read_of_a_lease_returns_its_token() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        acquire(pool).orElseThrow();
        Lease lease = acquire(pool).orElseThrow().lease();

        assertThat(lease.fencingToken()).isEqualTo(2);
        assertThat(storage().findLease(lease.id())).map(Lease::fencingToken).contains(2L);
        assertThat(storage().activeLeases(proxy.id()))
                .extracting(Lease::fencingToken)
                .containsExactly(1L, 2L);
        assertThat(storage().activeLeasesInPool(pool.name()))
                .extracting(Lease::fencingToken)
                .containsExactly(1L, 2L);

        storage().release(lease.id());

        assertThat(storage().findLease(lease.id())).map(Lease::fencingToken).contains(2L);
    }

    @Test
    void the_standing_shows_the_last_grant_not_the_last_release() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        assertThat(standing(proxy).lastFencingToken()).isZero();
        LeasedProxy first = acquire(pool).orElseThrow();
        LeasedProxy second = acquire(pool).orElseThrow();

        storage().release(second.lease().id());
        storage().release(first.lease().id());

        assertThat(standing(proxy).lastFencingToken()).isEqualTo(second.lease().fencingToken());
    }

    @Test
    void concurrent_grants_on_one_proxy_get_unique_tokens_in_grant_order() throws Exception {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(4));
        int threads = Math.max(16, kit.concurrentThreads());
        int operations = Math.max(10, kit.operationsPerThread() / 5);
        Queue<Lease> granted = new ConcurrentLinkedQueue<>();

        ConcurrencyContract.race(threads, thread -> {
            for (int op = 0; op < operations; op++) {
                Optional<LeasedProxy> leased = storage()
                        .acquire(request(pool).consumer("fencer-" + thread).build());
                if (leased.isPresent()) {
                    granted.add(leased.get().lease());
                    storage().release(leased.get().lease().id());
                }
            }
            return thread;
        });

        List<Lease> byToken = new ArrayList<>(granted);
        byToken.sort(Comparator.comparingLong(Lease::fencingToken));
        Set<Long> unique = new HashSet<>();
        byToken.forEach(l -> unique.add(l.fencingToken()));
        assertThat(byToken).as("grants").isNotEmpty();
        assertThat(unique).as("distinct tokens").hasSize(byToken.size());
        assertThat(byToken.get(0).fencingToken()).isEqualTo(1);
        assertThat(byToken)
                .as("grants in token order are in acquiredAt order")
                .isSortedAccordingTo(Comparator.comparing(Lease::acquiredAt));
        assertThat(standing(proxy).lastFencingToken())
                .isEqualTo(byToken.get(byToken.size() - 1).fencingToken());
        assertInvariant(pool);
    }
}
