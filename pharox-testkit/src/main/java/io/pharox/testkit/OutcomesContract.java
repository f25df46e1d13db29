package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.StaleLeaseException;
import io.pharox.model.CircuitState;
import io.pharox.model.FailureReason;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Outcome reports and what they change in a proxy's standing (success rate, latency,
 * consecutive failures), and the reports a store must refuse: on unknown leases, and on stale
 * ones (released, expired, another fencing token), which record nothing.
 */
@SuppressWarnings("NullAway") // passes null on purpose: the port must refuse it
abstract class OutcomesContract extends ContractGroup {

    /**
     * Smoothing 0.5, so that the expected scores are exact binary fractions, and a threshold no
     * test reaches, so that the circuit stays closed.
     */
    static final OutcomePolicy POLICY =
            OutcomePolicy.defaults().withSmoothing(0.5).withFailureThreshold(1000);

    OutcomesContract(ProxyStorageContract kit) {
        super(kit);
    }

    /** Asserts a latency to the millisecond (adapters may store microseconds or a double). */
    static void assertLatency(ProxyStanding standing, long millis) {
        assertThat(standing.latency()).as("latency of %s", standing).isPresent();
        assertThat(standing.latency().orElseThrow().toNanos() / 1e6)
                .as("latency in ms of %s", standing)
                .isCloseTo(millis, within(1.0));
    }

    static void assertRate(ProxyStanding standing, double rate) {
        assertThat(standing.successRate()).as("success rate of %s", standing).isCloseTo(rate, within(1e-9));
    }

    @Test
    void a_new_proxy_has_a_clean_standing() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);

        ProxyStanding standing = standing(proxy);

        assertThat(standing.proxyId()).isEqualTo(proxy.id());
        assertThat(standing.circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(standing.consecutiveFailures()).isZero();
        assertThat(standing.openings()).isZero();
        assertThat(standing.openUntil()).isEmpty();
        assertRate(standing, 1.0);
        assertThat(standing.latency()).isEmpty();
        assertThat(standing.lastFencingToken()).isZero();
        assertThat(storage().bans(proxy.id())).isEmpty();
    }

    @Test
    void successes_set_the_latency_and_later_ones_move_it_by_the_smoothing() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);

        ProxyStanding first = report(leased, Outcome.success(Duration.ofMillis(100)), POLICY);
        assertLatency(first, 100);
        assertRate(first, 1.0);
        assertThat(first.consecutiveFailures()).isZero();

        assertLatency(report(leased, Outcome.success(Duration.ofMillis(200)), POLICY), 150);
        assertLatency(report(leased, Outcome.success(Duration.ofMillis(50)), POLICY), 100);
        assertLatency(standing(proxy), 100);
    }

    @Test
    void failures_lower_the_success_rate_and_count_until_a_success() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);

        ProxyStanding one = report(leased, Outcome.failure(FailureReason.TIMEOUT), POLICY);
        assertThat(one.consecutiveFailures()).isEqualTo(1);
        assertRate(one, 0.5);
        assertThat(one.latency()).as("a failure sets no latency").isEmpty();

        ProxyStanding two = report(leased, Outcome.failure(FailureReason.CONNECT_FAILED), POLICY);
        assertThat(two.consecutiveFailures()).isEqualTo(2);
        assertRate(two, 0.25);

        ProxyStanding three = report(leased, Outcome.httpStatus(503), POLICY);
        assertThat(three.consecutiveFailures()).isEqualTo(3);
        assertRate(three, 0.125);

        ProxyStanding success = report(leased, Outcome.success(Duration.ofMillis(10)), POLICY);
        assertThat(success.consecutiveFailures()).isZero();
        assertRate(success, 0.5625);
        assertLatency(success, 10);
        assertThat(success.circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(standing(proxy)).isEqualTo(success);
    }

    @ParameterizedTest
    @EnumSource(
            value = FailureReason.class,
            mode = EnumSource.Mode.EXCLUDE,
            names = {"TARGET_BLOCKED", "HTTP_STATUS"})
    void every_failure_but_a_blocked_target_counts_against_the_proxy(FailureReason reason) {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);

        ProxyStanding standing = report(leased, Outcome.failure(reason), POLICY);

        assertThat(standing.consecutiveFailures()).isEqualTo(1);
        assertRate(standing, 0.5);
        assertThat(storage().bans(proxy.id())).isEmpty();
    }

    @Test
    void a_blocked_target_changes_neither_the_failures_nor_the_scores() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);
        report(leased, Outcome.success(Duration.ofMillis(40)), POLICY);
        ProxyStanding before = report(leased, Outcome.failure(FailureReason.OTHER), POLICY);

        ProxyStanding after = report(leased, Outcome.targetBlocked("shop.example"), POLICY);

        assertThat(after.consecutiveFailures()).isEqualTo(1);
        assertRate(after, 0.5);
        assertLatency(after, 40);
        assertThat(after.circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(after).isEqualTo(before);
        assertThat(storage().bans(proxy.id())).hasSize(1);
    }

    @Test
    void a_blocked_target_never_opens_the_circuit() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);
        OutcomePolicy strict = POLICY.withFailureThreshold(1);

        for (int i = 0; i < 3; i++) {
            report(leased, Outcome.targetBlocked("t" + i + ".example"), strict);
        }

        assertThat(standing(proxy).circuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(standing(proxy).consecutiveFailures()).isZero();
        storage().release(leased.lease().id());
        assertThat(acquire(pool))
                .as("the proxy is still leased without a target")
                .isPresent();
    }

    @Test
    void every_lease_of_a_shared_proxy_reports_on_the_one_standing() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        LeasedProxy first = leaseOf(pool, proxy);
        LeasedProxy second = leaseOf(pool, proxy);

        report(first, Outcome.failure(FailureReason.TIMEOUT), POLICY);
        ProxyStanding standing = report(second, Outcome.failure(FailureReason.TIMEOUT), POLICY);

        assertThat(standing.consecutiveFailures()).isEqualTo(2);
        assertRate(standing, 0.25);
    }

    @Test
    void reports_on_one_proxy_leave_another_untouched() {
        ProxyPool pool = seedPool();
        Proxy reported = seedProxy(pool);
        Proxy other = seedProxy(pool);
        ProxyStanding untouched = standing(other);

        report(leaseOf(pool, reported), Outcome.failure(FailureReason.TIMEOUT), POLICY);

        assertThat(standing(reported).consecutiveFailures()).isEqualTo(1);
        assertThat(standing(other)).isEqualTo(untouched);
    }

    @Test
    void a_report_on_an_unknown_lease_is_lease_not_found() {
        UUID unknown = UUID.randomUUID();

        assertThatThrownBy(() -> storage().report(unknown, 1, Outcome.success(Duration.ZERO), POLICY))
                .isInstanceOf(LeaseNotFoundException.class)
                .hasMessageContaining(unknown.toString());
    }

    @Test
    void null_arguments_are_refused_and_record_nothing() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);
        UUID id = leased.lease().id();
        long token = leased.lease().fencingToken();
        ProxyStanding before = standing(proxy);

        assertThatThrownBy(() -> storage().report(null, token, Outcome.failure(FailureReason.OTHER), POLICY))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> storage().report(id, token, null, POLICY)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> storage().report(id, token, Outcome.failure(FailureReason.OTHER), null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> storage().standing(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> storage().bans(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> storage().applyHealthCheckResult(null, POLICY))
                .isInstanceOf(NullPointerException.class);

        assertThat(standing(proxy)).isEqualTo(before);
    }

    @Test
    void an_unknown_proxy_has_no_standing_and_no_bans() {
        assertThat(storage().standing(UUID.randomUUID())).isEmpty();
        assertThat(storage().bans(UUID.randomUUID())).isEmpty();
    }

    // ------------------------------------------------------------------ stale reports

    /** Asserts that {@code report} is refused as stale with {@code status} and changes nothing. */
    private void assertStale(Proxy proxy, LeaseStatus status, ThrowingCallable report) {
        ProxyStanding before = standing(proxy);
        assertThatThrownBy(report)
                .isInstanceOf(StaleLeaseException.class)
                .satisfies(e -> assertThat(((StaleLeaseException) e).status()).isEqualTo(status));
        assertThat(standing(proxy)).as("standing after a stale report").isEqualTo(before);
        assertThat(storage().bans(proxy.id())).as("bans after a stale report").isEmpty();
    }

    @Test
    void a_report_after_release_is_stale_and_records_nothing() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);
        storage().release(leased.lease().id());

        assertStale(proxy, LeaseStatus.RELEASED, () -> report(leased, Outcome.failure(FailureReason.TIMEOUT), POLICY));
        assertStale(proxy, LeaseStatus.RELEASED, () -> report(leased, Outcome.success(Duration.ofMillis(5)), POLICY));
        assertStale(proxy, LeaseStatus.RELEASED, () -> report(leased, Outcome.targetBlocked("shop.example"), POLICY));
        assertThat(standing(proxy).consecutiveFailures()).isZero();
        assertThat(standing(proxy).latency()).isEmpty();
    }

    @Test
    void a_report_after_expiry_is_stale_before_and_after_cleanup() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = acquireShort(pool);
        advancePast(leased.lease().expiresAt());

        assertStale(proxy, LeaseStatus.EXPIRED, () -> report(leased, Outcome.failure(FailureReason.TIMEOUT), POLICY));
        assertStale(proxy, LeaseStatus.EXPIRED, () -> report(leased, Outcome.targetBlocked("shop.example"), POLICY));
        assertThat(storage().cleanupExpiredLeases()).isEqualTo(1);
        assertStale(proxy, LeaseStatus.EXPIRED, () -> report(leased, Outcome.success(Duration.ofMillis(5)), POLICY));
        assertRate(standing(proxy), 1.0);
    }

    @Test
    void a_report_with_another_fencing_token_is_stale_and_records_nothing() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        LeasedProxy first = leaseOf(pool, proxy);
        LeasedProxy second = leaseOf(pool, proxy);
        UUID id = first.lease().id();
        long token = first.lease().fencingToken();
        Outcome failure = Outcome.failure(FailureReason.TIMEOUT);

        assertStale(proxy, LeaseStatus.ACTIVE, () -> storage().report(id, token + 1, failure, POLICY));
        assertStale(proxy, LeaseStatus.ACTIVE, () -> storage().report(id, token - 1, failure, POLICY));
        assertStale(
                proxy,
                LeaseStatus.ACTIVE,
                () -> storage().report(id, second.lease().fencingToken(), failure, POLICY));
        assertThat(standing(proxy).consecutiveFailures()).isZero();
        assertThat(report(first, failure, POLICY).consecutiveFailures())
                .as("the right token still reports")
                .isEqualTo(1);
    }

    // ------------------------------------------------------------------ learned state and the proxy's life

    @Test
    void the_standing_survives_an_update_of_the_proxy_and_goes_with_its_removal() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        LeasedProxy leased = leaseOf(pool, proxy);
        report(leased, Outcome.success(Duration.ofMillis(80)), POLICY);
        report(leased, Outcome.failure(FailureReason.TIMEOUT), POLICY);
        report(leased, Outcome.targetBlocked("shop.example"), POLICY);
        ProxyStanding learned = standing(proxy);

        storage().updateProxy(proxy.toBuilder().country("NL").shared(3).build());

        assertThat(standing(proxy)).isEqualTo(learned);
        assertThat(storage().bans(proxy.id())).hasSize(1);

        assertThat(storage().removeProxy(proxy.id())).isTrue();

        assertThat(storage().standing(proxy.id())).isEmpty();
        assertThat(storage().bans(proxy.id())).isEmpty();
    }

    @Test
    void a_proxy_added_again_at_a_removed_ones_address_starts_afresh() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);
        report(leased, Outcome.failure(FailureReason.TIMEOUT), POLICY);
        report(leased, Outcome.targetBlocked("shop.example"), POLICY);
        storage().removeProxy(proxy.id());

        Proxy again = storage()
                .addProxy(proxyIn(pool).address(proxy.host(), proxy.port()).build());

        Optional<ProxyStanding> standing = storage().standing(again.id());
        assertThat(standing).isPresent();
        assertThat(standing.get().consecutiveFailures()).isZero();
        assertRate(standing.get(), 1.0);
        assertThat(standing.get().lastFencingToken()).isZero();
        assertThat(storage().bans(again.id())).isEmpty();
        assertThat(storage()
                        .acquire(request(pool).forTarget("shop.example").build())
                        .map(l -> l.proxy().id()))
                .contains(again.id());
    }
}
