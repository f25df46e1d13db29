package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.LeaseHandle;
import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.event.AcquiredEvent;
import io.pharox.event.ExpiredEvent;
import io.pharox.event.ReleasedEvent;
import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.NoProxyAvailableException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.StaleLeaseException;
import io.pharox.model.CircuitState;
import io.pharox.model.Credentials;
import io.pharox.model.FailureReason;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

abstract class ManagerContract extends ContractGroup {

    ManagerContract(ProxyStorageContract kit) {
        super(kit);
    }

    private ProxyManager.Builder managerBuilder() {
        return ProxyManager.builder(storage()).clock(kit.clock());
    }

    private ProxyManager manager() {
        return managerBuilder().build();
    }

    /** Records every lease event, in order. */
    private static final class Events implements LeaseListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onAcquired(AcquiredEvent event) {
            seen.add("acquired " + event.leased().lease().id());
        }

        @Override
        public void onReleased(ReleasedEvent event) {
            seen.add("released " + event.lease().id() + " " + event.lease().status());
        }

        @Override
        public void onExpired(ExpiredEvent event) {
            seen.add("expired " + event.lease().id() + " " + event.lease().status());
        }
    }

    /**
     * Starts a waiting acquire on {@code pool} on another thread, runs {@code meanwhile} once that
     * thread blocks (or after 30 s), and returns how the wait ended.
     */
    private static Optional<LeasedProxy> waitWhile(
            ProxyManager manager, ProxyPool pool, java.util.function.Consumer<ExecutorService> meanwhile)
            throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.atomic.AtomicReference<Thread> worker =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Future<Optional<LeasedProxy>> waiter = executor.submit(() -> {
                worker.set(Thread.currentThread());
                return manager.acquire(AcquireRequest.forPool(pool.name()).build(), Duration.ofMinutes(2));
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline
                    && !waiter.isDone()
                    && (worker.get() == null || worker.get().getState() != Thread.State.TIMED_WAITING)) {
                Thread.onSpinWait();
            }
            meanwhile.accept(executor);
            return waiter.get(60, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void acquiring_by_pool_name_uses_the_managers_defaults() {
        ProxyPool pool = seedPool();
        Proxy first = seedProxy(pool, b -> b.shared(5));
        Proxy second = seedProxy(pool, b -> b.shared(5));
        String consumer = uniqueName("crawler");
        ProxyManager manager = managerBuilder()
                .defaultConsumer(consumer)
                .defaultTtl(Duration.ofMinutes(10))
                .defaultStrategy(SelectorStrategy.ROUND_ROBIN)
                .build();

        LeasedProxy a = manager.acquire(pool.name()).orElseThrow();
        LeasedProxy b = manager.acquire(pool.name()).orElseThrow();

        assertThat(a.lease().consumerId())
                .isEqualTo(storage().ensureConsumer(consumer).id());
        assertThat(Duration.between(a.lease().acquiredAt(), a.lease().expiresAt()))
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(List.of(a.proxy().id(), b.proxy().id())).containsExactly(first.id(), second.id());
        assertThat(manager.request(pool.name()).build())
                .isEqualTo(new AcquireRequest(
                        pool.name(),
                        consumer,
                        Duration.ofMinutes(10),
                        io.pharox.filter.ProxyFilters.matchAll(),
                        SelectorStrategy.ROUND_ROBIN));
    }

    @Test
    void acquiring_from_an_unknown_pool_fails_with_its_name() {
        String name = uniqueName("nowhere");

        assertThatThrownBy(() -> manager().acquire(name))
                .isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining(name);
    }

    @Test
    void with_lease_releases_after_the_work() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();
        List<Lease> used = new CopyOnWriteArrayList<>();

        Optional<String> result = manager.withLease(manager.request(pool.name()).build(), leased -> {
            used.add(leased.lease());
            return "fetched through " + leased.proxy().address();
        });

        assertThat(result).contains("fetched through " + proxy.address());
        assertThat(storage().findLease(used.get(0).id())).map(Lease::status).contains(LeaseStatus.RELEASED);
        assertThat(counter(proxy)).isZero();
    }

    @Test
    void with_lease_releases_when_the_work_throws() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();
        IllegalStateException failure = new IllegalStateException("target refused");

        assertThatThrownBy(() -> manager.withLease(manager.request(pool.name()).build(), leased -> {
                    throw failure;
                }))
                .isSameAs(failure);

        assertThat(counter(proxy)).isZero();
        assertThat(manager.acquire(pool.name())).isPresent();
    }

    @Test
    void with_lease_runs_no_work_when_nothing_is_available() {
        ProxyPool pool = seedPool();
        AtomicBoolean ran = new AtomicBoolean();

        Optional<Object> result = manager()
                .withLease(AcquireRequest.forPool(pool.name()).build(), leased -> {
                    ran.set(true);
                    return "never";
                });

        assertThat(result).isEmpty();
        assertThat(ran).isFalse();
    }

    @Test
    void a_waiting_acquire_returns_at_once_when_a_proxy_is_free() throws InterruptedException {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);

        Optional<LeasedProxy> leased =
                manager().acquire(AcquireRequest.forPool(pool.name()).build(), Duration.ofMinutes(1));

        assertThat(leased).map(l -> l.proxy().id()).contains(proxy.id());
    }

    @Test
    void a_waiting_acquire_gives_up_on_a_full_pool_after_its_wait() throws InterruptedException {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        ProxyManager manager =
                managerBuilder().waitPollInterval(Duration.ofMillis(5)).build();
        manager.acquire(pool.name()).orElseThrow();

        assertThat(manager.acquire(AcquireRequest.forPool(pool.name()).build(), Duration.ofMillis(30)))
                .isEmpty();
        assertThat(manager.acquire(AcquireRequest.forPool(pool.name()).build(), Duration.ZERO))
                .isEmpty();
    }

    @Test
    void a_waiting_acquire_gets_the_proxy_a_release_frees() throws Exception {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager =
                managerBuilder().waitPollInterval(Duration.ofMinutes(1)).build();
        LeasedProxy held = manager.acquire(pool.name()).orElseThrow();

        Optional<LeasedProxy> leased = waitWhile(manager, pool, executor -> manager.release(held));

        assertThat(leased).map(l -> l.proxy().id()).contains(proxy.id());
    }

    @Test
    void a_waiting_acquire_notices_a_release_made_elsewhere() throws Exception {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        ProxyManager manager =
                managerBuilder().waitPollInterval(Duration.ofMillis(2)).build();
        LeasedProxy held = manager().acquire(pool.name()).orElseThrow();

        Optional<LeasedProxy> leased = waitWhile(
                manager, pool, executor -> storage().release(held.lease().id()));

        assertThat(leased).isPresent();
    }

    @Test
    void an_interrupted_wait_ends_with_interrupted_exception() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        ProxyManager manager =
                managerBuilder().waitPollInterval(Duration.ofMinutes(1)).build();
        manager.acquire(pool.name()).orElseThrow();

        assertThatThrownBy(() -> waitWhile(manager, pool, ExecutorService::shutdownNow))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InterruptedException.class);
    }

    @Test
    void a_wait_started_on_an_interrupted_thread_throws_at_once() {
        ProxyPool pool = seedPool();
        ProxyManager manager = manager();

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() ->
                            manager.acquire(AcquireRequest.forPool(pool.name()).build(), Duration.ofMinutes(10)))
                    .isInstanceOf(InterruptedException.class)
                    .hasMessageContaining(pool.name());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void renewing_through_the_manager_extends_an_active_lease() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        ProxyManager manager = manager();
        Lease lease = manager.acquire(pool.name()).orElseThrow().lease();

        Lease renewed = manager.renew(lease, Duration.ofHours(1));

        assertThat(renewed.expiresAt()).isAfter(lease.expiresAt());
        assertThat(storage().findLease(lease.id())).contains(renewed);
    }

    @Test
    void a_released_lease_cannot_be_renewed_through_the_manager() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        ProxyManager manager = manager();
        Lease lease = manager.acquire(pool.name()).orElseThrow().lease();
        manager.release(lease);

        assertThatThrownBy(() -> manager.renew(lease, Duration.ofMinutes(1)))
                .isInstanceOf(LeaseNotActiveException.class)
                .hasMessageContaining(lease.id().toString())
                .satisfies(
                        e -> assertThat(((LeaseNotActiveException) e).status()).isEqualTo(LeaseStatus.RELEASED));
    }

    @Test
    void an_expired_lease_cannot_be_renewed_through_the_manager() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        ProxyManager manager = manager();
        Lease lease = manager.acquire(
                        manager.request(pool.name()).ttl(shortTtl()).build())
                .orElseThrow()
                .lease();
        advancePast(lease.expiresAt());

        assertThatThrownBy(() -> manager.renew(lease, Duration.ofMinutes(1)))
                .isInstanceOf(LeaseNotActiveException.class)
                .satisfies(
                        e -> assertThat(((LeaseNotActiveException) e).status()).isEqualTo(LeaseStatus.EXPIRED));
    }

    @Test
    void releasing_twice_through_the_manager_reports_it() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();
        LeasedProxy leased = manager.acquire(pool.name()).orElseThrow();

        assertThat(manager.release(leased)).isTrue();
        assertThat(manager.release(leased.lease())).isFalse();
        assertThat(counter(proxy)).isZero();
    }

    @Test
    void listeners_hear_each_acquire_and_release_once() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Events events = new Events();
        ProxyManager manager = managerBuilder().listener(events).build();

        LeasedProxy leased = manager.acquire(pool.name()).orElseThrow();
        manager.release(leased);
        manager.release(leased);

        assertThat(events.seen)
                .containsExactly(
                        "acquired " + leased.lease().id(),
                        "released " + leased.lease().id() + " RELEASED");
    }

    @Test
    void listeners_hear_the_leased_proxy_without_its_credentials() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.credentials("listener-user", "listener-secret"));
        List<LeasedProxy> heard = new CopyOnWriteArrayList<>();
        ProxyManager manager = managerBuilder()
                .listener(new LeaseListener() {
                    @Override
                    public void onAcquired(AcquiredEvent event) {
                        heard.add(event.leased());
                    }
                })
                .build();

        LeasedProxy leased = manager.acquire(pool.name()).orElseThrow();

        assertThat(leased.proxy().credentials()).contains(new Credentials("listener-user", "listener-secret"));
        assertThat(heard).singleElement().satisfies(event -> {
            assertThat(event.lease()).isEqualTo(leased.lease());
            assertThat(event.proxy().id()).isEqualTo(proxy.id());
            assertThat(event.proxy().address()).isEqualTo(leased.proxy().address());
            assertThat(event.proxy().credentials()).isEmpty();
        });
    }

    @Test
    void an_acquire_repeated_with_its_idempotency_key_is_announced_once() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Events events = new Events();
        ProxyManager manager = managerBuilder().listener(events).build();
        AcquireRequest request =
                manager.request(pool.name()).idempotencyKey(UUID.randomUUID()).build();

        LeasedProxy leased = manager.acquire(request).orElseThrow();
        LeasedProxy again = manager.acquire(request).orElseThrow();
        manager.release(again);

        assertThat(again.lease().id()).isEqualTo(leased.lease().id());
        assertThat(events.seen)
                .containsExactly(
                        "acquired " + leased.lease().id(),
                        "released " + leased.lease().id() + " RELEASED");
    }

    @Test
    void listeners_hear_an_expiry_found_by_cleanup_once() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Events events = new Events();
        ProxyManager manager = managerBuilder().listener(events).build();
        Lease lease = manager.acquire(
                        manager.request(pool.name()).ttl(shortTtl()).build())
                .orElseThrow()
                .lease();
        advancePast(lease.expiresAt());

        assertThat(manager.cleanupExpiredLeases()).isEqualTo(1);
        manager.cleanupExpiredLeases();

        assertThat(events.seen).containsExactly("acquired " + lease.id(), "expired " + lease.id() + " EXPIRED");
    }

    @Test
    void listeners_hear_an_expiry_found_by_a_late_release() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Events events = new Events();
        ProxyManager manager = managerBuilder().listener(events).build();
        Lease lease = manager.acquire(
                        manager.request(pool.name()).ttl(shortTtl()).build())
                .orElseThrow()
                .lease();
        advancePast(lease.expiresAt());

        assertThat(manager.release(lease)).isFalse();

        assertThat(events.seen).containsExactly("acquired " + lease.id(), "expired " + lease.id() + " EXPIRED");
    }

    @Test
    void a_failing_listener_disturbs_neither_the_lease_nor_other_listeners() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Events events = new Events();
        LeaseListener broken = new LeaseListener() {
            @Override
            public void onAcquired(AcquiredEvent event) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onReleased(ReleasedEvent event) {
                throw new IllegalStateException("listener bug");
            }
        };
        ProxyManager manager =
                managerBuilder().listener(broken).listener(events).build();

        LeasedProxy leased = manager.acquire(pool.name()).orElseThrow();
        assertThat(manager.release(leased)).isTrue();

        assertThat(events.seen).hasSize(2);
        assertThat(counter(proxy)).isZero();
    }

    @Test
    void a_health_result_through_the_manager_takes_the_proxy_out_of_rotation() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();

        manager.applyHealthCheckResult(
                HealthCheckResult.failed(proxy.id(), HealthStatus.AUTH_FAILED, "407", Instant.now()));

        assertThat(manager.acquire(pool.name())).isEmpty();
    }

    // ------------------------------------------------------------------ lease handles and reports

    @Test
    void a_lease_handle_in_try_with_resources_releases_its_lease() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();
        Lease lease;

        try (LeaseHandle handle = manager.lease(manager.request(pool.name()).build())) {
            lease = handle.lease();
            assertThat(handle.proxy().id()).isEqualTo(proxy.id());
            assertThat(handle.fencingToken()).isEqualTo(lease.fencingToken()).isPositive();
            assertThat(counter(proxy)).isEqualTo(1);
            handle.succeeded(Duration.ofMillis(12));
        }

        assertThat(storage().findLease(lease.id())).map(Lease::status).contains(LeaseStatus.RELEASED);
        assertThat(counter(proxy)).isZero();
        ProxyStanding standing = storage().standing(proxy.id()).orElseThrow();
        assertThat(standing.consecutiveFailures()).isZero();
        assertThat(standing.latency()).isPresent();
    }

    @Test
    void a_lease_handle_closed_without_a_report_reports_it_abandoned() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();

        LeaseHandle handle = manager.lease(manager.request(pool.name()).build());
        assertThat(handle.hasReported()).isFalse();
        handle.close();

        ProxyStanding standing = storage().standing(proxy.id()).orElseThrow();
        assertThat(standing.consecutiveFailures()).isEqualTo(1);
        assertThat(standing.successRate()).isLessThan(1.0);
        assertThat(counter(proxy)).isZero();
    }

    @Test
    void a_block_that_throws_counts_as_abandoned_and_still_releases() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();
        IllegalStateException failure = new IllegalStateException("parser broke");

        assertThatThrownBy(() -> {
                    try (LeaseHandle handle =
                            manager.lease(manager.request(pool.name()).build())) {
                        assertThat(handle.proxy().id()).isEqualTo(proxy.id());
                        throw failure;
                    }
                })
                .isSameAs(failure);

        assertThat(storage().standing(proxy.id()).orElseThrow().consecutiveFailures())
                .isEqualTo(1);
        assertThat(counter(proxy)).isZero();
    }

    @Test
    void a_lease_handle_that_reported_does_not_report_again_on_close() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();

        try (LeaseHandle handle = manager.lease(manager.request(pool.name()).build())) {
            ProxyStanding reported = handle.failed(FailureReason.TIMEOUT);
            assertThat(reported.consecutiveFailures()).isEqualTo(1);
            assertThat(handle.hasReported()).isTrue();
        }

        assertThat(storage().standing(proxy.id()).orElseThrow().consecutiveFailures())
                .as("failures after close")
                .isEqualTo(1);
    }

    @Test
    void a_lease_handle_is_closed_once() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();
        LeaseHandle handle = manager.lease(manager.request(pool.name()).build());

        handle.close();
        handle.close();

        assertThat(storage().standing(proxy.id()).orElseThrow().consecutiveFailures())
                .isEqualTo(1);
        assertThat(counter(proxy)).isZero();
    }

    @Test
    void leasing_from_a_pool_with_nothing_available_throws_naming_the_pool() {
        ProxyPool pool = seedPool();
        ProxyManager manager = manager();

        assertThatThrownBy(() -> manager.lease(manager.request(pool.name()).build()))
                .isInstanceOf(NoProxyAvailableException.class)
                .hasMessageContaining(pool.name())
                .satisfies(e ->
                        assertThat(((NoProxyAvailableException) e).poolName()).isEqualTo(pool.name()));
        seedProxy(pool);
        manager.acquire(pool.name()).orElseThrow();
        assertThatThrownBy(() -> manager.lease(manager.request(pool.name()).build(), Duration.ofMillis(5)))
                .isInstanceOf(NoProxyAvailableException.class)
                .hasMessageContaining(pool.name());
    }

    @Test
    void closing_a_handle_whose_lease_expired_does_not_throw_and_reports_nothing() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();
        LeaseHandle handle =
                manager.lease(manager.request(pool.name()).ttl(shortTtl()).build());
        advancePast(handle.lease().expiresAt());

        assertThatThrownBy(() -> handle.succeeded(Duration.ofMillis(3))).isInstanceOf(StaleLeaseException.class);
        handle.close();

        assertThat(storage().findLease(handle.lease().id())).map(Lease::status).contains(LeaseStatus.EXPIRED);
        ProxyStanding standing = storage().standing(proxy.id()).orElseThrow();
        assertThat(standing.consecutiveFailures()).isZero();
        assertThat(standing.latency()).isEmpty();
    }

    @Test
    void reports_and_health_checks_through_the_manager_use_its_policy() {
        ProxyPool pool = seedPool();
        Proxy reported = seedProxy(pool);
        Proxy checked = seedProxy(pool);
        ProxyManager manager = managerBuilder()
                .outcomePolicy(OutcomePolicy.defaults().withFailureThreshold(1))
                .build();

        try (LeaseHandle handle = manager.lease(manager.request(pool.name())
                .filter(io.pharox.filter.ProxyFilters.matching("reported", p -> p.id().equals(reported.id())))
                .build())) {
            assertThat(handle.failed(FailureReason.CONNECT_FAILED).circuit()).isEqualTo(CircuitState.OPEN);
        }
        manager.applyHealthCheckResult(
                HealthCheckResult.failed(checked.id(), HealthStatus.UNREACHABLE, "refused", Instant.now()));

        assertThat(storage().standing(reported.id()).orElseThrow().circuit()).isEqualTo(CircuitState.OPEN);
        assertThat(storage().standing(checked.id()).orElseThrow().circuit()).isEqualTo(CircuitState.OPEN);
        assertThat(manager.outcomePolicy().failureThreshold()).isEqualTo(1);
    }

    @Test
    void a_report_through_the_manager_on_a_released_lease_is_stale() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = manager();
        LeasedProxy leased = manager.acquire(pool.name()).orElseThrow();
        manager.release(leased);

        assertThatThrownBy(() -> manager.report(leased.lease(), io.pharox.model.Outcome.failure(FailureReason.OTHER)))
                .isInstanceOf(StaleLeaseException.class)
                .isInstanceOf(LeaseNotActiveException.class);
        assertThat(storage().standing(proxy.id()).orElseThrow().consecutiveFailures())
                .isZero();
    }
}
