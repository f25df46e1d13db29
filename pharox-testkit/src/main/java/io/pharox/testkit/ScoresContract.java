package io.pharox.testkit;

import static io.pharox.select.SelectorStrategy.HEALTHIEST;
import static io.pharox.select.SelectorStrategy.LOWEST_LATENCY;
import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.CircuitState;
import io.pharox.model.FailureReason;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The two strategies that read scores: {@code LOWEST_LATENCY} (lowest latency first, proxies
 * without one last, ties by id) and {@code HEALTHIEST} (highest success rate, ties by latency,
 * then id); both skip full and open proxies. Scores are fed by passed health checks and by
 * reports on leases.
 */
abstract class ScoresContract extends ContractGroup {

    /** Smoothing 0.5 and a threshold no test reaches. */
    private static final OutcomePolicy POLICY = OutcomesContract.POLICY;

    ScoresContract(ProxyStorageContract kit) {
        super(kit);
    }

    /** Gives {@code proxy} a latency through a passed health check (its first, so it is the latency). */
    private void measured(Proxy proxy, long millis) {
        storage()
                .applyHealthCheckResult(
                        HealthCheckResult.healthy(proxy.id(), Duration.ofMillis(millis), Instant.now()), POLICY);
    }

    /** Lowers {@code proxy}'s success rate by {@code failures} failures reported on one lease. */
    private void failed(ProxyPool pool, Proxy proxy, int failures, OutcomePolicy policy) {
        LeasedProxy leased = leaseOf(pool, proxy);
        for (int i = 0; i < failures; i++) {
            report(leased, Outcome.failure(FailureReason.TIMEOUT), policy);
        }
        storage().release(leased.lease().id());
    }

    /** Leases (and holds) until nothing is left; returns the proxies in the order they were chosen. */
    private List<UUID> drain(ProxyPool pool, SelectorStrategy strategy) {
        List<UUID> chosen = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            var leased = acquire(pool, strategy);
            if (leased.isEmpty()) {
                return chosen;
            }
            chosen.add(leased.get().proxy().id());
        }
        throw new AssertionError("more than 100 leases in " + pool.name());
    }

    @Test
    void lowest_latency_takes_the_fastest_then_slower_ones_then_those_without_latency() {
        ProxyPool pool = seedPool();
        Proxy unmeasured = seedProxy(pool);
        Proxy slow = seedProxy(pool);
        Proxy fast = seedProxy(pool);
        Proxy middle = seedProxy(pool);
        measured(slow, 300);
        measured(fast, 100);
        measured(middle, 200);

        assertThat(drain(pool, LOWEST_LATENCY)).containsExactly(fast.id(), middle.id(), slow.id(), unmeasured.id());
    }

    @Test
    void lowest_latency_breaks_ties_in_stable_order() {
        ProxyPool pool = seedPool();
        Proxy a = seedProxy(pool);
        Proxy b = seedProxy(pool);
        Proxy c = seedProxy(pool);
        Proxy d = seedProxy(pool);
        measured(a, 100);
        measured(c, 100);

        assertThat(drain(pool, LOWEST_LATENCY)).containsExactly(a.id(), c.id(), b.id(), d.id());
    }

    @Test
    void lowest_latency_returns_to_the_fastest_proxy_once_it_has_room() {
        ProxyPool pool = seedPool();
        Proxy slow = seedProxy(pool, b -> b.shared(2));
        Proxy fast = seedProxy(pool, b -> b.shared(2));
        measured(slow, 300);
        measured(fast, 10);

        List<UUID> chosen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LeasedProxy leased = acquire(pool, LOWEST_LATENCY).orElseThrow();
            chosen.add(leased.proxy().id());
            storage().release(leased.lease().id());
        }

        assertThat(chosen).containsOnly(fast.id());
        assertThat(drain(pool, LOWEST_LATENCY)).containsExactly(fast.id(), fast.id(), slow.id(), slow.id());
    }

    @Test
    void lowest_latency_follows_the_latency_that_reports_bring() {
        ProxyPool pool = seedPool();
        Proxy first = seedProxy(pool, b -> b.shared(5));
        Proxy second = seedProxy(pool, b -> b.shared(5));
        measured(first, 100);
        measured(second, 200);
        assertThat(leaseOne(pool, LOWEST_LATENCY)).isEqualTo(first.id());

        LeasedProxy leased = leaseOf(pool, first);
        report(leased, Outcome.success(Duration.ofMillis(500)), POLICY.withSmoothing(1.0));

        assertThat(standing(first).latency()).contains(Duration.ofMillis(500));
        assertThat(leaseOne(pool, LOWEST_LATENCY)).isEqualTo(second.id());
    }

    @Test
    void healthiest_takes_the_highest_success_rate_then_the_lowest_latency_then_stable_order() {
        ProxyPool pool = seedPool();
        Proxy unmeasured = seedProxy(pool);
        Proxy halfRate = seedProxy(pool);
        Proxy slow = seedProxy(pool);
        Proxy fast = seedProxy(pool);
        Proxy quarterRate = seedProxy(pool);
        Proxy alsoUnmeasured = seedProxy(pool);
        measured(halfRate, 5);
        measured(slow, 200);
        measured(fast, 100);
        failed(pool, halfRate, 1, POLICY);
        failed(pool, quarterRate, 2, POLICY);

        assertThat(drain(pool, HEALTHIEST))
                .containsExactly(
                        fast.id(), slow.id(), unmeasured.id(), alsoUnmeasured.id(), halfRate.id(), quarterRate.id());
    }

    @Test
    void healthiest_moves_to_another_proxy_as_failures_come_in_and_back_as_successes_do() {
        ProxyPool pool = seedPool();
        Proxy first = seedProxy(pool, b -> b.shared(5));
        Proxy second = seedProxy(pool, b -> b.shared(5));
        assertThat(leaseOne(pool, HEALTHIEST)).isEqualTo(first.id());

        LeasedProxy leased = leaseOf(pool, first);
        report(leased, Outcome.failure(FailureReason.TIMEOUT), POLICY);
        assertThat(leaseOne(pool, HEALTHIEST)).isEqualTo(second.id());

        LeasedProxy other = leaseOf(pool, second);
        report(other, Outcome.failure(FailureReason.TIMEOUT), POLICY);
        report(other, Outcome.failure(FailureReason.TIMEOUT), POLICY);
        assertThat(leaseOne(pool, HEALTHIEST)).isEqualTo(first.id());
    }

    @ParameterizedTest
    @EnumSource(
            value = SelectorStrategy.class,
            names = {"LOWEST_LATENCY", "HEALTHIEST"})
    void both_skip_an_open_proxy_and_take_it_again_as_a_probe(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        Proxy best = seedProxy(pool, b -> b.shared(5));
        Proxy worse = seedProxy(pool, b -> b.shared(5));
        measured(best, 10);
        measured(worse, 500);
        failed(pool, worse, 2, POLICY);
        OutcomePolicy opening = POLICY.withFailureThreshold(1).withCooldown(shortTtl(), shortTtl());
        LeasedProxy leased = leaseOf(pool, best);
        ProxyStanding opened = report(leased, Outcome.failure(FailureReason.TIMEOUT), opening);
        storage().release(leased.lease().id());
        assertThat(opened.circuit()).isEqualTo(CircuitState.OPEN);
        // best: latency 10, rate 0.5, open; worse: latency 500, rate 0.25, closed

        assertThat(leaseOne(pool, strategy)).isEqualTo(worse.id());

        advancePast(opened.openUntil().orElseThrow());

        assertThat(leaseOne(pool, strategy)).as("the probe").isEqualTo(best.id());
        assertThat(leaseOne(pool, strategy)).as("while the probe is active").isEqualTo(worse.id());
    }

    @ParameterizedTest
    @EnumSource(
            value = SelectorStrategy.class,
            names = {"LOWEST_LATENCY", "HEALTHIEST"})
    void both_skip_full_and_inactive_proxies_and_honour_the_filter(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        Proxy full = seedProxy(pool, b -> b.country("DE"));
        Proxy inactive = seedProxy(pool, b -> b.shared(5).country("DE"));
        Proxy elsewhere = seedProxy(pool, b -> b.shared(5).country("FR"));
        Proxy left = seedProxy(pool, b -> b.shared(5).country("DE"));
        measured(full, 10);
        measured(inactive, 20);
        measured(elsewhere, 30);
        measured(left, 400);
        failed(pool, left, 1, POLICY);
        storage()
                .updateProxy(inactive.toBuilder()
                        .status(io.pharox.model.ProxyStatus.INACTIVE)
                        .build());
        leaseOf(pool, full);

        LeasedProxy chosen = storage()
                .acquire(request(pool)
                        .strategy(strategy)
                        .filter(io.pharox.filter.ProxyFilters.country("DE"))
                        .build())
                .orElseThrow();

        assertThat(chosen.proxy().id()).isEqualTo(left.id());
        assertInvariant(pool);
    }
}
