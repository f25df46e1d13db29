package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.LeaseHandle;
import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.RetryPolicy;
import io.pharox.event.AcquiredEvent;
import io.pharox.exception.NoProxyAvailableException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.StorageException;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import java.lang.reflect.InvocationTargetException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The {@link ProxyManager}'s retrying calls under a {@link RetryPolicy} and its waiting
 * {@code withLease}, on this storage. The policies here record their pauses instead of sleeping,
 * and a storage wrapper counts the acquire attempts that reach the store.
 */
abstract class RetriesContract extends ContractGroup {

    RetriesContract(ProxyStorageContract kit) {
        super(kit);
    }

    /** Forwards every call to the contract's storage and counts the acquires; may fail the first ones. */
    private final class Counting {
        final AtomicInteger acquires = new AtomicInteger();
        final AtomicInteger failFirst = new AtomicInteger();
        final ProxyStorage storage = (ProxyStorage) java.lang.reflect.Proxy.newProxyInstance(
                ProxyStorage.class.getClassLoader(), new Class<?>[] {ProxyStorage.class}, (proxy, method, args) -> {
                    if (method.getName().equals("acquire")) {
                        acquires.incrementAndGet();
                        if (failFirst.getAndDecrement() > 0) {
                            throw new StorageException(
                                    "connection lost (injected)", new SQLException("08006 injected"));
                        }
                    }
                    try {
                        return method.invoke(RetriesContract.this.storage(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Pauses of 10, 20, 40 ms… capped at 50 ms, no jitter, recorded and not slept. */
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();

    private RetryPolicy recording(int attempts) {
        return RetryPolicy.defaults()
                .withMaxAttempts(attempts)
                .withBackoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(50))
                .withJitter(0)
                .withSleeper(pauses::add);
    }

    /** As {@link #recording}, and runs {@code between} at the first pause. */
    private RetryPolicy recording(int attempts, Runnable between) {
        return recording(attempts).withSleeper(delay -> {
            if (pauses.isEmpty()) {
                between.run();
            }
            pauses.add(delay);
        });
    }

    private ProxyManager.Builder managerOn(ProxyStorage storage) {
        return ProxyManager.builder(storage).clock(kit.clock());
    }

    /** A pool of one exclusive proxy, and a lease on it that the test holds. */
    private final class FullPool {
        final ProxyPool pool = seedPool();
        final Proxy proxy = seedProxy(pool);
        final LeasedProxy held = RetriesContract.this.acquire(pool).orElseThrow();

        AcquireRequest request() {
            return AcquireRequest.forPool(pool.name()).build();
        }

        void free() {
            assertThat(storage().release(held.lease().id())).isTrue();
        }
    }

    /**
     * Runs {@code call} on another thread, runs {@code meanwhile} once that thread waits (or after
     * 30 s), and returns what the call returned.
     */
    private static <T> T callWhileWaiting(Callable<T> call, Runnable meanwhile) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            AtomicReference<Thread> worker = new AtomicReference<>();
            Future<T> result = executor.submit(() -> {
                worker.set(Thread.currentThread());
                return call.call();
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline
                    && !result.isDone()
                    && (worker.get() == null || worker.get().getState() != Thread.State.TIMED_WAITING)) {
                Thread.onSpinWait();
            }
            meanwhile.run();
            return result.get(60, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ acquire with a policy

    @Test
    void a_retried_acquire_gets_the_proxy_freed_between_its_attempts() throws InterruptedException {
        FullPool full = new FullPool();
        Counting counting = new Counting();
        List<String> announced = new CopyOnWriteArrayList<>();
        ProxyManager manager = managerOn(counting.storage)
                .listener(new LeaseListener() {
                    @Override
                    public void onAcquired(AcquiredEvent event) {
                        announced.add(event.leased().lease().id().toString());
                    }
                })
                .build();

        Optional<LeasedProxy> leased = manager.acquire(full.request(), recording(3, full::free));

        assertThat(leased).map(l -> l.proxy().id()).contains(full.proxy.id());
        assertThat(counting.acquires).as("acquire attempts").hasValue(2);
        assertThat(pauses).containsExactly(Duration.ofMillis(10));
        assertThat(announced).containsExactly(leased.orElseThrow().lease().id().toString());
        assertThat(counter(full.proxy)).isEqualTo(1);
    }

    @Test
    void a_retried_acquire_gives_up_after_its_attempts_with_the_policys_pauses() throws InterruptedException {
        FullPool full = new FullPool();
        Counting counting = new Counting();
        ProxyManager manager = managerOn(counting.storage).build();

        Optional<LeasedProxy> leased = manager.acquire(full.request(), recording(5));

        assertThat(leased).isEmpty();
        assertThat(counting.acquires).as("acquire attempts").hasValue(5);
        assertThat(pauses)
                .containsExactly(
                        Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(50));
        assertThat(storage().findLease(full.held.lease().id()))
                .map(Lease::status)
                .contains(LeaseStatus.ACTIVE);
        assertThat(counter(full.proxy)).isEqualTo(1);
    }

    @Test
    void a_policy_of_one_attempt_acquires_once_and_never_pauses() throws InterruptedException {
        FullPool full = new FullPool();
        Counting counting = new Counting();

        assertThat(managerOn(counting.storage).build().acquire(full.request(), recording(1)))
                .isEmpty();
        assertThat(counting.acquires).hasValue(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void a_retried_acquire_from_an_unknown_pool_fails_at_the_first_attempt() {
        Counting counting = new Counting();
        String name = uniqueName("nowhere");
        RetryPolicy retryEverything = recording(5).withRetryOn(e -> true);

        assertThatThrownBy(() -> managerOn(counting.storage)
                        .build()
                        .acquire(AcquireRequest.forPool(name).build(), retryEverything))
                .isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining(name);
        assertThat(counting.acquires).hasValue(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void a_storage_failure_is_retried_only_when_the_policy_says_so() throws InterruptedException {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Counting counting = new Counting();
        ProxyManager manager = managerOn(counting.storage).build();
        AcquireRequest request = AcquireRequest.forPool(pool.name()).build();

        counting.failFirst.set(1);
        assertThatThrownBy(() -> manager.acquire(request, recording(3)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("injected");
        assertThat(counting.acquires).hasValue(1);
        assertThat(counter(proxy)).isZero();

        counting.acquires.set(0);
        counting.failFirst.set(2);
        Optional<LeasedProxy> leased =
                manager.acquire(request, recording(3).withRetryOn(RetryPolicy.storageFailures()));

        assertThat(leased).map(l -> l.proxy().id()).contains(proxy.id());
        assertThat(counting.acquires).hasValue(3);
        assertThat(pauses).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void an_interrupted_pause_ends_the_acquire_with_no_lease_held() {
        FullPool full = new FullPool();
        Counting counting = new Counting();
        RetryPolicy interrupted = recording(3).withSleeper(delay -> {
            full.free();
            throw new InterruptedException("pause interrupted");
        });

        try {
            assertThatThrownBy(() -> managerOn(counting.storage).build().acquire(full.request(), interrupted))
                    .isInstanceOf(InterruptedException.class)
                    .hasMessageContaining(full.pool.name());
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        } finally {
            Thread.interrupted();
        }
        assertThat(counting.acquires).hasValue(1);
        assertThat(counter(full.proxy)).isZero();
    }

    // ------------------------------------------------------------------ withLease with a policy

    @Test
    void a_retrying_with_lease_runs_its_work_once_with_the_proxy_freed_between_attempts_and_releases_it()
            throws InterruptedException {
        FullPool full = new FullPool();
        Counting counting = new Counting();
        ProxyManager manager = managerOn(counting.storage).build();
        List<Lease> used = new CopyOnWriteArrayList<>();

        Optional<String> result = manager.withLease(full.request(), recording(4, full::free), leased -> {
            used.add(leased.lease());
            return "through " + leased.proxy().address();
        });

        assertThat(result).contains("through " + full.proxy.address());
        assertThat(used).hasSize(1);
        assertThat(counting.acquires).hasValue(2);
        assertThat(storage().findLease(used.get(0).id())).map(Lease::status).contains(LeaseStatus.RELEASED);
        assertThat(counter(full.proxy)).isZero();
    }

    @Test
    void a_retrying_with_lease_that_finds_nothing_runs_no_work() throws InterruptedException {
        FullPool full = new FullPool();
        Counting counting = new Counting();
        AtomicInteger ran = new AtomicInteger();

        Optional<String> result = managerOn(counting.storage)
                .build()
                .withLease(full.request(), recording(3), leased -> {
                    ran.incrementAndGet();
                    return "never";
                });

        assertThat(result).isEmpty();
        assertThat(ran).hasValue(0);
        assertThat(counting.acquires).hasValue(3);
        assertThat(pauses).hasSize(2);
    }

    @Test
    void work_that_throws_under_a_retrying_lease_propagates_is_not_retried_and_its_lease_is_released() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Counting counting = new Counting();
        ProxyManager manager = managerOn(counting.storage).build();
        IllegalStateException failure = new IllegalStateException("target refused");
        List<Lease> used = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() ->
                        manager.withLease(AcquireRequest.forPool(pool.name()).build(), recording(3), leased -> {
                            used.add(leased.lease());
                            throw failure;
                        }))
                .isSameAs(failure);

        assertThat(used).hasSize(1);
        assertThat(counting.acquires).hasValue(1);
        assertThat(storage().findLease(used.get(0).id())).map(Lease::status).contains(LeaseStatus.RELEASED);
        assertThat(counter(proxy)).isZero();
    }

    // ------------------------------------------------------------------ waiting withLease

    @Test
    void a_waiting_with_lease_gets_the_proxy_another_thread_releases() throws Exception {
        FullPool full = new FullPool();
        ProxyManager manager =
                managerOn(storage()).waitPollInterval(Duration.ofMillis(20)).build();
        List<Lease> used = new CopyOnWriteArrayList<>();

        Optional<String> result = callWhileWaiting(
                () -> manager.withLease(full.request(), Duration.ofMinutes(2), leased -> {
                    used.add(leased.lease());
                    assertThat(counter(full.proxy)).isEqualTo(1);
                    return leased.proxy().id().toString();
                }),
                full::free);

        assertThat(result).contains(full.proxy.id().toString());
        assertThat(used)
                .singleElement()
                .satisfies(lease -> assertThat(storage().findLease(lease.id()))
                        .map(Lease::status)
                        .contains(LeaseStatus.RELEASED));
        assertThat(counter(full.proxy)).isZero();
    }

    @Test
    void a_waiting_with_lease_that_times_out_runs_no_work() throws InterruptedException {
        FullPool full = new FullPool();
        ProxyManager manager =
                managerOn(storage()).waitPollInterval(Duration.ofMillis(5)).build();
        AtomicInteger ran = new AtomicInteger();

        Optional<String> result = manager.withLease(full.request(), Duration.ofMillis(30), leased -> {
            ran.incrementAndGet();
            return "never";
        });

        assertThat(result).isEmpty();
        assertThat(ran).hasValue(0);
        assertThat(counter(full.proxy)).isEqualTo(1);
    }

    @Test
    void work_that_throws_under_a_waiting_lease_propagates_and_its_lease_is_released() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = managerOn(storage()).build();
        IllegalStateException failure = new IllegalStateException("parser broke");
        List<Lease> used = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> manager.withLease(
                        AcquireRequest.forPool(pool.name()).build(), Duration.ofSeconds(5), leased -> {
                            used.add(leased.lease());
                            throw failure;
                        }))
                .isSameAs(failure);

        assertThat(storage().findLease(used.get(0).id())).map(Lease::status).contains(LeaseStatus.RELEASED);
        assertThat(counter(proxy)).isZero();
    }

    // ------------------------------------------------------------------ lease handles with a policy

    @Test
    void a_retrying_lease_handle_holds_the_proxy_freed_between_attempts_until_closed() throws InterruptedException {
        FullPool full = new FullPool();
        Counting counting = new Counting();
        ProxyManager manager = managerOn(counting.storage).build();
        Lease lease;

        try (LeaseHandle handle = manager.lease(full.request(), recording(3, full::free))) {
            lease = handle.lease();
            assertThat(handle.proxy().id()).isEqualTo(full.proxy.id());
            handle.succeeded(Duration.ofMillis(7));
        }

        assertThat(counting.acquires).hasValue(2);
        assertThat(storage().findLease(lease.id())).map(Lease::status).contains(LeaseStatus.RELEASED);
        assertThat(standing(full.proxy).consecutiveFailures()).isZero();
        assertThat(counter(full.proxy)).isZero();
    }

    @Test
    void a_retrying_lease_handle_that_finds_nothing_throws_naming_the_pool() {
        FullPool full = new FullPool();
        Counting counting = new Counting();

        assertThatThrownBy(() -> managerOn(counting.storage).build().lease(full.request(), recording(3)))
                .isInstanceOf(NoProxyAvailableException.class)
                .hasMessageContaining(full.pool.name());
        assertThat(counting.acquires).hasValue(3);
        assertThat(pauses).hasSize(2);
    }
}
