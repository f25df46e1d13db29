package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.CircuitState;
import io.pharox.model.FailureReason;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.model.ProxyStatus;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The circuit breaker of {@code docs/outcomes.md}: consecutive failures open it, its cooldown
 * half-opens it, one probe at a time is leased while it is half-open, the probe's outcome closes
 * it or opens it again for a doubled (capped) cooldown; health checks feed the same state; a
 * status that is not leasable wins over it. Cooldowns are {@link ProxyStorageContract#shortTtl()}
 * so that storages on a real clock wait little.
 */
abstract class BreakerContract extends ContractGroup {

    private static final int THRESHOLD = 3;
    private static final Outcome FAILURE = Outcome.failure(FailureReason.CONNECT_FAILED);
    private static final Outcome SUCCESS = Outcome.success(Duration.ofMillis(20));

    BreakerContract(ProxyStorageContract kit) {
        super(kit);
    }

    private Duration cooldown() {
        return shortTtl();
    }

    /** Threshold 3, cooldown {@link #cooldown()} doubling up to 4 times it, smoothing 0.5. */
    private OutcomePolicy policy() {
        return OutcomePolicy.defaults()
                .withFailureThreshold(THRESHOLD)
                .withCooldown(cooldown(), cooldown().multipliedBy(4))
                .withBanCooldown(cooldown())
                .withSmoothing(0.5);
    }

    /** Opens {@code proxy}'s circuit with threshold failures on one lease, released after; returns the standing. */
    private ProxyStanding open(ProxyPool pool, Proxy proxy, OutcomePolicy policy) {
        LeasedProxy leased = leaseOf(pool, proxy);
        for (int i = 1; i < policy.failureThreshold(); i++) {
            report(leased, FAILURE, policy);
        }
        ProxyStanding standing = report(leased, FAILURE, policy);
        storage().release(leased.lease().id());
        assertThat(standing.circuit())
                .as("circuit after %d failures", policy.failureThreshold())
                .isEqualTo(CircuitState.OPEN);
        return standing;
    }

    /** Opens the circuit and waits its cooldown out: the circuit is half-open on return. */
    private void halfOpen(ProxyPool pool, Proxy proxy, OutcomePolicy policy) {
        ProxyStanding opened = open(pool, proxy, policy);
        advancePast(opened.openUntil().orElseThrow());
        assertThat(standing(proxy).circuit()).isEqualTo(CircuitState.HALF_OPEN);
    }

    /**
     * Asserts that a report made between {@code grantedAt} (the probe's grant, the storage's clock)
     * and {@code elapsedNanos} later (measured around the grant and the report) set the cooldown's
     * end to the report time plus {@code expected}.
     */
    private static void assertCooldown(
            ProxyStanding standing, Instant grantedAt, long elapsedNanos, Duration expected) {
        Duration measured = Duration.between(grantedAt, standing.openUntil().orElseThrow());
        assertThat(measured)
                .as("openUntil - grant time of %s", standing)
                .isGreaterThanOrEqualTo(expected)
                .isLessThanOrEqualTo(expected.plusNanos(elapsedNanos).plusMillis(20));
    }

    @Test
    void threshold_consecutive_failures_open_the_circuit() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        long start = System.nanoTime();
        LeasedProxy leased = leaseOf(pool, proxy);

        assertThat(report(leased, FAILURE, policy()).circuit()).isEqualTo(CircuitState.CLOSED);
        ProxyStanding two = report(leased, FAILURE, policy());
        assertThat(two.circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(two.consecutiveFailures()).isEqualTo(2);
        assertThat(two.openUntil()).isEmpty();
        ProxyStanding opened = report(leased, FAILURE, policy());
        long elapsed = System.nanoTime() - start;

        assertThat(opened.circuit()).isEqualTo(CircuitState.OPEN);
        assertThat(opened.consecutiveFailures()).isEqualTo(THRESHOLD);
        assertThat(opened.openings()).isEqualTo(1);
        assertCooldown(opened, leased.lease().acquiredAt(), elapsed, cooldown());
        assertThat(standing(proxy).circuit()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void a_success_before_the_threshold_starts_the_count_again() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);

        report(leased, FAILURE, policy());
        report(leased, FAILURE, policy());
        report(leased, SUCCESS, policy());
        report(leased, FAILURE, policy());
        ProxyStanding standing = report(leased, FAILURE, policy());

        assertThat(standing.circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(standing.consecutiveFailures()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void an_open_proxy_is_not_leased_and_another_still_is(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(5));
        open(pool, proxy, policy());

        assertThat(acquire(pool, strategy)).as("the only proxy is open").isEmpty();

        Proxy other = seedProxy(pool, b -> b.shared(5));
        assertThat(acquire(pool, strategy).map(l -> l.proxy().id())).contains(other.id());
        assertThat(acquire(pool, strategy).map(l -> l.proxy().id())).contains(other.id());
        assertThat(counter(proxy)).isZero();
    }

    @Test
    void reports_while_open_never_extend_the_cooldown() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        LeasedProxy lasting = leaseOf(pool, proxy);
        ProxyStanding opened = open(pool, proxy, policy());

        ProxyStanding failed = report(lasting, FAILURE, policy());
        assertThat(failed.circuit()).isEqualTo(CircuitState.OPEN);
        assertThat(failed.consecutiveFailures()).isEqualTo(THRESHOLD + 1);
        assertThat(failed.openUntil()).isEqualTo(opened.openUntil());
        assertThat(failed.openings()).isEqualTo(1);

        ProxyStanding succeeded = report(lasting, SUCCESS, policy());
        assertThat(succeeded.circuit())
                .as("a success does not close an open circuit")
                .isEqualTo(CircuitState.OPEN);
        assertThat(succeeded.consecutiveFailures()).isZero();
        assertThat(succeeded.openUntil()).isEqualTo(opened.openUntil());
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void the_circuit_half_opens_when_its_cooldown_ends() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        ProxyStanding opened = open(pool, proxy, policy());

        advancePast(opened.openUntil().orElseThrow());

        ProxyStanding halfOpen = standing(proxy);
        assertThat(halfOpen.circuit()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(halfOpen.openUntil()).isEqualTo(opened.openUntil());
        assertThat(halfOpen.openings()).isEqualTo(1);
        assertThat(acquire(pool).map(l -> l.proxy().id())).contains(proxy.id());
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void a_half_open_proxy_grants_one_probe_at_a_time_even_when_shared(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(5));
        halfOpen(pool, proxy, policy());

        LeasedProxy probe = acquire(pool, strategy).orElseThrow();
        assertThat(acquire(pool, strategy))
                .as("a second lease while the probe is active")
                .isEmpty();
        assertThat(acquire(pool)).isEmpty();
        assertThat(counter(proxy)).isEqualTo(1);

        storage().release(probe.lease().id());

        assertThat(standing(proxy).circuit())
                .as("a probe released without a report")
                .isEqualTo(CircuitState.HALF_OPEN);
        LeasedProxy second = acquire(pool, strategy).orElseThrow();
        assertThat(second.proxy().id()).isEqualTo(proxy.id());
        assertThat(acquire(pool, strategy)).isEmpty();
        assertInvariant(pool);
    }

    @Test
    void an_expired_probe_lets_the_next_probe_in() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(5));
        halfOpen(pool, proxy, policy());
        LeasedProxy probe = acquireShort(pool);
        assertThat(acquire(pool)).isEmpty();

        advancePast(probe.lease().expiresAt());

        assertThat(acquire(pool).map(l -> l.proxy().id())).contains(proxy.id());
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void a_successful_probe_closes_the_circuit_and_gives_back_the_whole_capacity() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(5));
        halfOpen(pool, proxy, policy());
        LeasedProxy probe = acquire(pool).orElseThrow();

        ProxyStanding closed = report(probe, SUCCESS, policy());

        assertThat(closed.circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(closed.openings()).isZero();
        assertThat(closed.openUntil()).isEmpty();
        assertThat(closed.consecutiveFailures()).isZero();
        for (int i = 0; i < 4; i++) {
            assertThat(acquire(pool)).as("lease %d beside the probe", i + 2).isPresent();
        }
        assertThat(acquire(pool)).as("a sixth lease on a proxy of five").isEmpty();
        assertThat(standing(proxy).circuit()).isEqualTo(CircuitState.CLOSED);
        assertInvariant(pool);
    }

    @Test
    void a_failed_probe_opens_the_circuit_again_for_twice_the_cooldown() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(5));
        halfOpen(pool, proxy, policy());
        long start = System.nanoTime();
        LeasedProxy probe = acquire(pool).orElseThrow();

        ProxyStanding reopened = report(probe, FAILURE, policy());
        long elapsed = System.nanoTime() - start;

        assertThat(reopened.circuit()).isEqualTo(CircuitState.OPEN);
        assertThat(reopened.openings()).isEqualTo(2);
        assertThat(reopened.consecutiveFailures()).isEqualTo(THRESHOLD + 1);
        assertCooldown(reopened, probe.lease().acquiredAt(), elapsed, cooldown().multipliedBy(2));
        storage().release(probe.lease().id());
        assertThat(acquire(pool)).isEmpty();

        advancePast(reopened.openUntil().orElseThrow());
        LeasedProxy next = acquire(pool).orElseThrow();
        ProxyStanding closed = report(next, SUCCESS, policy());
        assertThat(closed.circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(closed.openings()).isZero();
    }

    @Test
    void the_doubled_cooldown_is_capped_by_the_max_cooldown() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        OutcomePolicy capped = policy().withCooldown(cooldown(), cooldown());
        halfOpen(pool, proxy, capped);
        long start = System.nanoTime();
        LeasedProxy probe = acquire(pool).orElseThrow();

        ProxyStanding reopened = report(probe, FAILURE, capped);
        long elapsed = System.nanoTime() - start;

        assertThat(reopened.openings()).isEqualTo(2);
        assertCooldown(reopened, probe.lease().acquiredAt(), elapsed, cooldown());
        assertThat(Duration.between(
                        probe.lease().acquiredAt(), reopened.openUntil().orElseThrow()))
                .as("not doubled past the cap")
                .isLessThan(cooldown().multipliedBy(2));
    }

    @Test
    void a_report_from_an_older_lease_counts_like_the_probes() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(5));
        LeasedProxy older = leaseOf(pool, proxy);
        halfOpen(pool, proxy, policy());
        LeasedProxy probe = acquire(pool).orElseThrow();

        ProxyStanding closed = report(older, SUCCESS, policy());

        assertThat(closed.circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(acquire(pool)).as("more leases beside the probe once closed").isPresent();
        assertThat(probe.proxy().id()).isEqualTo(proxy.id());
    }

    @Test
    void health_checks_feed_the_same_circuit() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        for (int i = 0; i < THRESHOLD; i++) {
            storage()
                    .applyHealthCheckResult(
                            HealthCheckResult.failed(proxy.id(), HealthStatus.UNREACHABLE, "refused", Instant.now()),
                            policy());
        }
        ProxyStanding opened = standing(proxy);
        assertThat(opened.circuit()).isEqualTo(CircuitState.OPEN);
        assertThat(opened.consecutiveFailures()).isEqualTo(THRESHOLD);
        assertThat(opened.openings()).isEqualTo(1);

        Proxy passed = storage()
                .applyHealthCheckResult(
                        HealthCheckResult.healthy(proxy.id(), Duration.ofMillis(30), Instant.now()), policy());
        assertThat(passed.status()).isEqualTo(ProxyStatus.ACTIVE);
        ProxyStanding stillOpen = standing(proxy);
        assertThat(stillOpen.circuit()).as("a passed check while open").isEqualTo(CircuitState.OPEN);
        assertThat(stillOpen.consecutiveFailures()).isZero();
        assertThat(stillOpen.latency()).isPresent();
        assertThat(acquire(pool)).as("an ACTIVE proxy whose circuit is open").isEmpty();

        advancePast(opened.openUntil().orElseThrow());
        storage()
                .applyHealthCheckResult(
                        HealthCheckResult.healthy(proxy.id(), Duration.ofMillis(30), Instant.now()), policy());

        assertThat(standing(proxy).circuit())
                .as("a passed check while half-open")
                .isEqualTo(CircuitState.CLOSED);
        assertThat(acquire(pool).map(l -> l.proxy().id())).contains(proxy.id());
    }

    @Test
    void a_failed_health_check_on_a_half_open_circuit_opens_it_again() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        halfOpen(pool, proxy, policy());

        storage()
                .applyHealthCheckResult(
                        HealthCheckResult.failed(proxy.id(), HealthStatus.UNREACHABLE, "refused", Instant.now()),
                        policy());

        ProxyStanding reopened = standing(proxy);
        assertThat(reopened.circuit()).isEqualTo(CircuitState.OPEN);
        assertThat(reopened.openings()).isEqualTo(2);
    }

    @Test
    void a_status_that_is_not_leasable_wins_over_a_closed_circuit() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));

        storage().updateProxy(proxy.toBuilder().status(ProxyStatus.INACTIVE).build());

        assertThat(standing(proxy).circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void a_status_that_is_not_leasable_wins_over_a_half_open_circuit() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        halfOpen(pool, proxy, policy());

        storage().updateProxy(proxy.toBuilder().status(ProxyStatus.INACTIVE).build());
        assertThat(acquire(pool)).isEmpty();

        storage().updateProxy(proxy.toBuilder().status(ProxyStatus.ACTIVE).build());
        assertThat(standing(proxy).circuit()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(acquire(pool).map(l -> l.proxy().id())).as("the probe").contains(proxy.id());
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void an_open_circuit_survives_an_update_of_the_proxy() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        ProxyStanding opened = open(pool, proxy, policy());

        storage().updateProxy(proxy.toBuilder().country("NL").shared(4).build());

        ProxyStanding after = standing(proxy);
        assertThat(after.circuit()).isNotEqualTo(CircuitState.CLOSED);
        assertThat(after.openUntil()).isEqualTo(opened.openUntil());
        assertThat(after.openings()).isEqualTo(1);
        assertThat(after.consecutiveFailures()).isEqualTo(THRESHOLD);
        assertThat(acquire(pool)).isEmpty();
    }
}
