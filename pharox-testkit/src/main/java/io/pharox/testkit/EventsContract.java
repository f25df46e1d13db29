package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.LeaseHandle;
import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.RetryPolicy;
import io.pharox.event.AcquiredEvent;
import io.pharox.event.CircuitChangedEvent;
import io.pharox.event.ExpiredEvent;
import io.pharox.event.HealthCheckedEvent;
import io.pharox.event.LeaseObserver;
import io.pharox.event.MissedEvent;
import io.pharox.event.ReleasedEvent;
import io.pharox.model.CheckedProxy;
import io.pharox.model.CircuitState;
import io.pharox.model.FailureReason;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The events a {@link ProxyManager} announces on this storage ({@code docs/events.md}): hits and
 * misses (plain, waiting, retrying), releases with the time held, expiries, health results and
 * circuit transitions, with their pool names and never a password; listeners that throw; the
 * observer. Also the port's part of it: a report or health check says the circuit's state
 * before it ({@link ProxyStanding#circuitBefore()}).
 */
abstract class EventsContract extends ContractGroup {

    private static final String PASSWORD = "events-secret-4711";
    private static final Outcome FAILURE = Outcome.failure(FailureReason.CONNECT_FAILED);
    private static final Outcome SUCCESS = Outcome.success(Duration.ofMillis(20));

    EventsContract(ProxyStorageContract kit) {
        super(kit);
    }

    /** Every event heard, in order. */
    private static final class Heard implements LeaseListener {
        final List<Object> events = new CopyOnWriteArrayList<>();

        @Override
        public void onAcquired(AcquiredEvent event) {
            events.add(event);
        }

        @Override
        public void onMissed(MissedEvent event) {
            events.add(event);
        }

        @Override
        public void onReleased(ReleasedEvent event) {
            events.add(event);
        }

        @Override
        public void onExpired(ExpiredEvent event) {
            events.add(event);
        }

        @Override
        public void onHealthChecked(HealthCheckedEvent event) {
            events.add(event);
        }

        @Override
        public void onCircuitChanged(CircuitChangedEvent event) {
            events.add(event);
        }

        <T> List<T> of(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    /** A listener that throws from every method. */
    private static final class Broken implements LeaseListener {
        @Override
        public void onAcquired(AcquiredEvent event) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void onMissed(MissedEvent event) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void onReleased(ReleasedEvent event) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void onExpired(ExpiredEvent event) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void onHealthChecked(HealthCheckedEvent event) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void onCircuitChanged(CircuitChangedEvent event) {
            throw new IllegalStateException("listener bug");
        }
    }

    /** Counts the calls it runs and records what each returned. */
    private static final class Counting implements LeaseObserver {
        final List<Optional<LeasedProxy>> acquires = new CopyOnWriteArrayList<>();
        final List<String> releases = new CopyOnWriteArrayList<>();

        @Override
        public Optional<LeasedProxy> acquire(AcquireRequest request, AcquireCall call) throws InterruptedException {
            Optional<LeasedProxy> result = call.run();
            acquires.add(result);
            return result;
        }

        @Override
        public boolean release(Lease lease, String poolName, ReleaseCall call) {
            boolean released = call.run();
            releases.add(lease.id() + " " + poolName + " " + released);
            return released;
        }
    }

    /** Threshold 1, cooldown {@link #shortTtl()}. */
    private OutcomePolicy policy() {
        return OutcomePolicy.defaults()
                .withFailureThreshold(1)
                .withCooldown(shortTtl(), shortTtl().multipliedBy(4));
    }

    private ProxyManager.Builder managerBuilder() {
        return ProxyManager.builder(storage()).clock(kit.clock()).outcomePolicy(policy());
    }

    private ProxyManager listening(LeaseListener... listeners) {
        ProxyManager.Builder b = managerBuilder();
        for (LeaseListener l : listeners) {
            b.listener(l);
        }
        return b.build();
    }

    // ------------------------------------------------------------------ acquires

    @Test
    void a_hit_is_announced_with_its_pool_and_strategy_and_no_wait() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);

        LeasedProxy leased = manager.acquire(manager.request(pool.name())
                        .strategy(SelectorStrategy.ROUND_ROBIN)
                        .build())
                .orElseThrow();

        assertThat(heard.events).singleElement().isInstanceOfSatisfying(AcquiredEvent.class, e -> {
            assertThat(e.leased().lease()).isEqualTo(leased.lease());
            assertThat(e.poolName()).isEqualTo(pool.name());
            assertThat(e.strategy()).isEqualTo(SelectorStrategy.ROUND_ROBIN);
            assertThat(e.waited()).isFalse();
            assertThat(e.duration().isNegative())
                    .as("negative duration %s", e.duration())
                    .isFalse();
        });
    }

    @Test
    void a_miss_is_announced_once_without_a_wait() {
        ProxyPool pool = seedPool();
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);

        assertThat(manager.acquire(pool.name())).isEmpty();

        assertThat(heard.events).singleElement().isInstanceOfSatisfying(MissedEvent.class, e -> {
            assertThat(e.poolName()).isEqualTo(pool.name());
            assertThat(e.strategy()).isEqualTo(SelectorStrategy.FIRST_AVAILABLE);
            assertThat(e.waited()).isFalse();
            assertThat(e.duration().isNegative())
                    .as("negative duration %s", e.duration())
                    .isFalse();
        });
    }

    @Test
    void a_waiting_acquire_that_times_out_is_one_miss_that_waited() throws InterruptedException {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        LeasedProxy held = acquire(pool).orElseThrow();
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);
        Duration maxWait = Duration.ofMillis(60);

        assertThat(manager.acquire(manager.request(pool.name()).build(), maxWait))
                .isEmpty();

        assertThat(heard.events).singleElement().isInstanceOfSatisfying(MissedEvent.class, e -> {
            assertThat(e.poolName()).isEqualTo(pool.name());
            assertThat(e.waited()).isTrue();
            assertThat(e.duration()).isGreaterThanOrEqualTo(maxWait);
        });
        storage().release(held.lease().id());
    }

    @Test
    void a_waiting_acquire_granted_at_once_is_a_hit_that_did_not_wait() throws InterruptedException {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);

        LeasedProxy leased = manager.acquire(manager.request(pool.name()).build(), Duration.ofMinutes(1))
                .orElseThrow();

        assertThat(heard.events).singleElement().isInstanceOfSatisfying(AcquiredEvent.class, e -> {
            assertThat(e.leased().lease().id()).isEqualTo(leased.lease().id());
            assertThat(e.waited()).isFalse();
        });
    }

    @Test
    void a_retrying_acquire_is_announced_once_per_call() throws InterruptedException {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        LeasedProxy held = acquire(pool).orElseThrow();
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);
        RetryPolicy threeQuickAttempts =
                RetryPolicy.defaults().withMaxAttempts(3).withJitter(0).withSleeper(delay -> {});

        assertThat(manager.acquire(manager.request(pool.name()).build(), threeQuickAttempts))
                .isEmpty();
        storage().release(held.lease().id());
        LeasedProxy leased = manager.acquire(manager.request(pool.name()).build(), threeQuickAttempts)
                .orElseThrow();

        assertThat(heard.events).hasSize(2);
        assertThat(heard.events.get(0))
                .isInstanceOfSatisfying(
                        MissedEvent.class,
                        e -> assertThat(e.waited()).as("three attempts").isTrue());
        assertThat(heard.events.get(1)).isInstanceOfSatisfying(AcquiredEvent.class, e -> {
            assertThat(e.leased().lease().id()).isEqualTo(leased.lease().id());
            assertThat(e.waited()).as("granted at the first attempt").isFalse();
        });
    }

    @Test
    void with_lease_and_lease_are_announced_once_each() throws InterruptedException {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);
        AcquireRequest request = manager.request(pool.name()).build();

        assertThat(manager.withLease(request, leased -> "done")).contains("done");
        try (LeaseHandle handle = manager.lease(request)) {
            handle.succeeded(Duration.ofMillis(5));
        }
        assertThat(manager.withLease(request, Duration.ofSeconds(5), leased -> "waited"))
                .contains("waited");

        assertThat(heard.events.stream().map(e -> e.getClass().getSimpleName()))
                .containsExactly(
                        "AcquiredEvent",
                        "ReleasedEvent",
                        "AcquiredEvent",
                        "ReleasedEvent",
                        "AcquiredEvent",
                        "ReleasedEvent");
    }

    // ------------------------------------------------------------------ releases and expiries

    @Test
    void a_release_is_announced_with_the_time_the_lease_was_held() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);
        Lease lease = manager.acquire(pool.name()).orElseThrow().lease();
        Duration hold = Duration.ofMillis(200);
        kit.advancePast(lease.acquiredAt().plus(hold));

        assertThat(manager.release(lease)).isTrue();

        assertThat(heard.of(ReleasedEvent.class)).singleElement().satisfies(e -> {
            assertThat(e.lease().id()).isEqualTo(lease.id());
            assertThat(e.lease().status()).isEqualTo(LeaseStatus.RELEASED);
            assertThat(e.poolName()).isEqualTo(pool.name());
            Instant releasedAt = e.lease().releasedAt().orElseThrow();
            assertThat(e.held()).isEqualTo(Duration.between(lease.acquiredAt(), releasedAt));
            assertThat(e.held())
                    .as("held by the manager's clock, the storage's here")
                    .isGreaterThan(hold)
                    .isLessThan(hold.plus(Duration.ofMinutes(1)));
            assertThat(e.duration().isNegative())
                    .as("negative duration %s", e.duration())
                    .isFalse();
        });
    }

    @Test
    void a_second_release_is_not_announced() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);
        Lease lease = manager.acquire(pool.name()).orElseThrow().lease();

        manager.release(lease);
        manager.release(lease);

        assertThat(heard.of(ReleasedEvent.class)).hasSize(1);
    }

    @Test
    void an_expiry_found_by_cleanup_is_announced_once_with_its_pool() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);
        Lease lease = manager.acquire(
                        manager.request(pool.name()).ttl(shortTtl()).build())
                .orElseThrow()
                .lease();
        kit.advancePast(lease.expiresAt());

        manager.cleanupExpiredLeases();
        manager.cleanupExpiredLeases();

        assertThat(heard.of(ExpiredEvent.class)).singleElement().satisfies(e -> {
            assertThat(e.lease().id()).isEqualTo(lease.id());
            assertThat(e.lease().status()).isEqualTo(LeaseStatus.EXPIRED);
            assertThat(e.poolName()).isEqualTo(pool.name());
        });
        assertThat(heard.of(ReleasedEvent.class)).isEmpty();
    }

    @Test
    void an_expiry_found_by_a_late_release_is_announced_instead_of_a_release() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);
        Lease lease = manager.acquire(
                        manager.request(pool.name()).ttl(shortTtl()).build())
                .orElseThrow()
                .lease();
        kit.advancePast(lease.expiresAt());

        assertThat(manager.release(lease)).isFalse();

        assertThat(heard.of(ExpiredEvent.class)).singleElement().satisfies(e -> {
            assertThat(e.lease().id()).isEqualTo(lease.id());
            assertThat(e.poolName()).isEqualTo(pool.name());
        });
        assertThat(heard.of(ReleasedEvent.class)).isEmpty();
    }

    @Test
    void events_name_the_pool_of_each_lease() {
        ProxyPool first = seedPool();
        ProxyPool second = seedPool();
        seedProxy(first);
        seedProxy(second);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);

        Lease a = manager.acquire(first.name()).orElseThrow().lease();
        Lease b = manager.acquire(second.name()).orElseThrow().lease();
        manager.release(b);
        manager.release(a);

        assertThat(heard.of(AcquiredEvent.class).stream().map(AcquiredEvent::poolName))
                .containsExactly(first.name(), second.name());
        assertThat(heard.of(ReleasedEvent.class).stream().map(ReleasedEvent::poolName))
                .containsExactly(second.name(), first.name());
    }

    // ------------------------------------------------------------------ health and circuits

    @Test
    void a_health_result_is_announced_with_the_status_it_left() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);
        HealthCheckResult result =
                HealthCheckResult.failed(proxy.id(), HealthStatus.UNREACHABLE, "refused", Instant.now());

        Proxy after = manager.applyHealthCheckResult(result);

        assertThat(heard.of(HealthCheckedEvent.class)).singleElement().satisfies(e -> {
            assertThat(e.result()).isEqualTo(result);
            assertThat(e.poolName()).isEqualTo(pool.name());
            assertThat(e.status()).isEqualTo(after.status());
            assertThat(e.status().isLeasable()).isFalse();
        });
    }

    @Test
    void a_failed_health_check_that_opens_the_circuit_is_announced() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);

        manager.applyHealthCheckResult(
                HealthCheckResult.failed(proxy.id(), HealthStatus.UNREACHABLE, "refused", Instant.now()));

        assertThat(heard.of(CircuitChangedEvent.class)).singleElement().satisfies(e -> {
            assertThat(e.proxyId()).isEqualTo(proxy.id());
            assertThat(e.poolName()).isEqualTo(pool.name());
            assertThat(e.from()).isEqualTo(CircuitState.CLOSED);
            assertThat(e.to()).isEqualTo(CircuitState.OPEN);
        });
    }

    @Test
    void a_circuit_opened_by_a_report_and_closed_by_its_probe_is_announced() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);
        Lease first = manager.acquire(pool.name()).orElseThrow().lease();

        ProxyStanding opened = manager.report(first, FAILURE);
        manager.release(first);
        kit.advancePast(opened.openUntil().orElseThrow());
        Lease probe = manager.acquire(pool.name()).orElseThrow().lease();
        manager.report(probe, SUCCESS);
        manager.report(probe, SUCCESS);
        manager.release(probe);

        assertThat(heard.of(CircuitChangedEvent.class).stream().map(e -> e.from() + "->" + e.to()))
                .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        assertThat(heard.of(CircuitChangedEvent.class)).allSatisfy(e -> {
            assertThat(e.proxyId()).isEqualTo(proxy.id());
            assertThat(e.poolName()).isEqualTo(pool.name());
        });
    }

    @Test
    void a_failed_probe_that_opens_the_circuit_again_is_announced() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);
        Lease first = manager.acquire(pool.name()).orElseThrow().lease();
        ProxyStanding opened = manager.report(first, FAILURE);
        manager.release(first);
        kit.advancePast(opened.openUntil().orElseThrow());
        Lease probe = manager.acquire(pool.name()).orElseThrow().lease();

        manager.report(probe, FAILURE);
        manager.report(probe, FAILURE);

        assertThat(heard.of(CircuitChangedEvent.class).stream().map(e -> e.from() + "->" + e.to()))
                .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN");
        manager.release(probe);
    }

    @Test
    void the_store_says_the_circuit_before_each_report_and_check() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = acquire(pool).orElseThrow();

        ProxyStanding success =
                storage().report(leased.lease().id(), leased.lease().fencingToken(), SUCCESS, policy());
        ProxyStanding opened =
                storage().report(leased.lease().id(), leased.lease().fencingToken(), FAILURE, policy());
        ProxyStanding stillOpen =
                storage().report(leased.lease().id(), leased.lease().fencingToken(), FAILURE, policy());
        storage().release(leased.lease().id());
        kit.advancePast(opened.openUntil().orElseThrow());
        CheckedProxy closed = storage()
                .applyHealthCheck(HealthCheckResult.healthy(proxy.id(), Duration.ofMillis(5), Instant.now()), policy());

        assertThat(List.of(success.circuitBefore(), success.circuit()))
                .containsExactly(CircuitState.CLOSED, CircuitState.CLOSED);
        assertThat(List.of(opened.circuitBefore(), opened.circuit()))
                .containsExactly(CircuitState.CLOSED, CircuitState.OPEN);
        assertThat(List.of(stillOpen.circuitBefore(), stillOpen.circuit()))
                .containsExactly(CircuitState.OPEN, CircuitState.OPEN);
        assertThat(closed.proxy().id()).isEqualTo(proxy.id());
        assertThat(List.of(closed.standing().circuitBefore(), closed.standing().circuit()))
                .containsExactly(CircuitState.HALF_OPEN, CircuitState.CLOSED);
        assertThat(storage().standing(proxy.id()).orElseThrow().circuitChanged())
                .as("a standing read")
                .isFalse();
    }

    // ------------------------------------------------------------------ what events never carry, and failures

    @Test
    void no_event_carries_a_password() throws InterruptedException {
        ProxyPool pool = seedPool();
        Proxy first = seedProxy(pool, b -> b.credentials("events-user", PASSWORD));
        seedProxy(pool, b -> b.credentials("events-user", PASSWORD));
        Heard heard = new Heard();
        ProxyManager manager = listening(heard);

        LeasedProxy leased = manager.acquire(pool.name()).orElseThrow();
        Lease expiring = manager.acquire(
                        manager.request(pool.name()).ttl(shortTtl()).build(), Duration.ofMillis(20))
                .orElseThrow()
                .lease();
        assertThat(manager.acquire(manager.request(pool.name()).build(), Duration.ofMillis(20)))
                .isEmpty();
        manager.report(leased.lease(), FAILURE);
        manager.release(leased);
        manager.applyHealthCheckResult(HealthCheckResult.healthy(first.id(), Duration.ofMillis(5), Instant.now()));
        kit.advancePast(expiring.expiresAt());
        manager.cleanupExpiredLeases();

        assertThat(leased.proxy().credentials()).isPresent();
        assertThat(heard.events.stream().map(Object::getClass).distinct().count())
                .as("kinds of events heard: %s", heard.events)
                .isEqualTo(6);
        assertThat(heard.events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(PASSWORD));
        assertThat(heard.of(AcquiredEvent.class))
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.leased().proxy().credentials()).isEmpty());
    }

    @Test
    void a_throwing_listener_breaks_no_operation_and_no_other_listener() throws InterruptedException {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Heard heard = new Heard();
        ProxyManager manager = managerBuilder()
                .outcomePolicy(policy().withCooldown(Duration.ofMinutes(10), Duration.ofMinutes(10)))
                .listener(new Broken())
                .listener(heard)
                .build();

        LeasedProxy leased = manager.acquire(pool.name()).orElseThrow();
        assertThat(manager.acquire(pool.name())).isEmpty();
        ProxyStanding standing = manager.report(leased.lease(), FAILURE);
        assertThat(manager.release(leased)).isTrue();
        manager.applyHealthCheckResult(HealthCheckResult.healthy(proxy.id(), Duration.ofMillis(5), Instant.now()));

        assertThat(standing.circuit()).isEqualTo(CircuitState.OPEN);
        assertThat(counter(proxy)).isZero();
        assertThat(Stream.of(
                                AcquiredEvent.class,
                                MissedEvent.class,
                                CircuitChangedEvent.class,
                                ReleasedEvent.class,
                                HealthCheckedEvent.class)
                        .map(type -> heard.of(type).size()))
                .containsOnly(1);
    }

    // ------------------------------------------------------------------ the observer

    @Test
    void the_observer_runs_each_call_once_and_sees_its_result() throws InterruptedException {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Counting observer = new Counting();
        Heard heard = new Heard();
        ProxyManager manager =
                managerBuilder().observer(observer).listener(heard).build();
        AcquireRequest request = manager.request(pool.name()).build();
        RetryPolicy twoAttempts =
                RetryPolicy.defaults().withMaxAttempts(2).withJitter(0).withSleeper(delay -> {});

        LeasedProxy leased = manager.acquire(request).orElseThrow();
        Optional<LeasedProxy> missed = manager.acquire(request);
        Optional<LeasedProxy> waited = manager.acquire(request, Duration.ofMillis(20));
        Optional<LeasedProxy> retried = manager.acquire(request, twoAttempts);
        boolean released = manager.release(leased);
        boolean again = manager.release(leased);

        assertThat(observer.acquires).containsExactly(Optional.of(leased), missed, waited, retried);
        assertThat(List.of(missed, waited, retried)).containsOnly(Optional.empty());
        assertThat(observer.releases)
                .containsExactly(
                        leased.lease().id() + " " + pool.name() + " " + released,
                        leased.lease().id() + " " + pool.name() + " " + again);
        assertThat(List.of(released, again)).containsExactly(true, false);
        assertThat(heard.of(AcquiredEvent.class)).hasSize(1);
        assertThat(heard.of(MissedEvent.class)).hasSize(3);
        assertThat(heard.of(ReleasedEvent.class)).hasSize(1);
    }

    @Test
    void an_observer_alone_hears_the_pool_of_a_lease_it_did_not_acquire() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        Counting observer = new Counting();
        ProxyManager manager = managerBuilder().observer(observer).build();
        Lease elsewhere = acquire(pool).orElseThrow().lease();

        assertThat(manager.release(elsewhere)).isTrue();

        assertThat(observer.acquires).isEmpty();
        assertThat(observer.releases).containsExactly(elsewhere.id() + " " + pool.name() + " true");
    }

    @Test
    void without_listeners_or_observer_the_manager_still_leases() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyManager manager = managerBuilder().build();
        List<Lease> leases = new ArrayList<>();

        leases.add(manager.acquire(pool.name()).orElseThrow().lease());
        assertThat(manager.acquire(pool.name())).isEmpty();
        leases.forEach(manager::release);

        assertThat(counter(proxy)).isZero();
    }
}
