package io.pharox.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pharox.event.AcquiredEvent;
import io.pharox.event.CircuitChangedEvent;
import io.pharox.event.ExpiredEvent;
import io.pharox.event.HealthCheckedEvent;
import io.pharox.event.MissedEvent;
import io.pharox.event.ReleasedEvent;
import io.pharox.model.CircuitState;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyStatus;
import io.pharox.select.SelectorStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The listener's meters as the events that reach it say: each event record is built as the manager
 * builds it and handed to the listener, so these run whatever the manager fires.
 */
class LeaseMetersTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final UUID poolId = UUID.randomUUID();
    private final Proxy proxy = Proxy.builder()
            .poolId(poolId)
            .address("proxy-7f3a.internal.example", 3128)
            .exclusive()
            .build();
    private final Lease lease =
            Lease.active(UUID.randomUUID(), poolId, proxy.id(), UUID.randomUUID(), T0, T0.plus(Duration.ofMinutes(5)));

    @Test
    void health_checks_count_by_outcome_and_time_only_those_that_completed() {
        PrometheusMeterRegistry registry = Scrapes.registry(new MockClock());
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();

        metrics.listener()
                .onHealthChecked(new HealthCheckedEvent(
                        HealthCheckResult.healthy(proxy.id(), Duration.ofMillis(120), T0),
                        "residential",
                        ProxyStatus.ACTIVE));
        metrics.listener()
                .onHealthChecked(new HealthCheckedEvent(
                        new HealthCheckResult(proxy.id(), HealthStatus.UNREACHABLE, null, T0, "connection refused"),
                        "residential",
                        ProxyStatus.INACTIVE));

        String scrape = registry.scrape();
        assertThat(Scrapes.value(scrape, "pharox_health_checks_total", "outcome=\"healthy\",pool=\"residential\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(scrape, "pharox_health_checks_total", "outcome=\"unreachable\",pool=\"residential\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(
                        scrape,
                        "pharox_health_check_latency_seconds_count",
                        "outcome=\"healthy\",pool=\"residential\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(
                        scrape, "pharox_health_check_latency_seconds_sum", "outcome=\"healthy\",pool=\"residential\""))
                .isEqualTo(0.12);
        assertThat(scrape).doesNotContain("pharox_health_check_latency_seconds_count{outcome=\"unreachable\"");
    }

    @Test
    void circuit_transitions_count_by_the_states_before_and_after() {
        PrometheusMeterRegistry registry = Scrapes.registry(new MockClock());
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();

        metrics.listener()
                .onCircuitChanged(
                        new CircuitChangedEvent(proxy.id(), "residential", CircuitState.CLOSED, CircuitState.OPEN, T0));
        metrics.listener()
                .onCircuitChanged(new CircuitChangedEvent(
                        proxy.id(), "residential", CircuitState.OPEN, CircuitState.HALF_OPEN, T0));
        metrics.listener()
                .onCircuitChanged(new CircuitChangedEvent(
                        UUID.randomUUID(), "residential", CircuitState.CLOSED, CircuitState.OPEN, T0));

        String scrape = registry.scrape();
        assertThat(Scrapes.value(
                        scrape, "pharox_circuit_transitions_total", "from=\"closed\",pool=\"residential\",to=\"open\""))
                .isEqualTo(2);
        assertThat(Scrapes.value(
                        scrape,
                        "pharox_circuit_transitions_total",
                        "from=\"open\",pool=\"residential\",to=\"half_open\""))
                .isEqualTo(1);
        assertThat(scrape).doesNotContain(proxy.id().toString());
    }

    @Test
    void with_proxy_tags_a_miss_is_tagged_none_so_every_acquire_series_has_the_same_keys() {
        PrometheusMeterRegistry registry = Scrapes.registry(new MockClock());
        PharoxMetrics metrics = PharoxMetrics.builder(registry).tagProxies(true).build();

        metrics.listener()
                .onAcquired(new AcquiredEvent(
                        new LeasedProxy(lease, proxy, Optional.empty()),
                        "residential",
                        SelectorStrategy.ROUND_ROBIN,
                        Duration.ofMillis(3),
                        false));
        metrics.listener()
                .onMissed(new MissedEvent("residential", SelectorStrategy.ROUND_ROBIN, Duration.ofMillis(2), true));
        metrics.listener()
                .onReleased(new ReleasedEvent(lease, "residential", Duration.ofMillis(1), Duration.ofSeconds(42)));
        metrics.listener().onExpired(new ExpiredEvent(lease, "residential"));

        String scrape = registry.scrape();
        assertThat(Scrapes.value(
                        scrape,
                        "pharox_acquire_seconds_count",
                        "outcome=\"hit\",pool=\"residential\",proxy=\"" + proxy.id()
                                + "\",strategy=\"round_robin\",waited=\"false\""))
                .isEqualTo(1);
        assertThat(
                        Scrapes.value(
                                scrape,
                                "pharox_acquire_seconds_count",
                                "outcome=\"miss\",pool=\"residential\",proxy=\"none\",strategy=\"round_robin\",waited=\"true\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(
                        scrape, "pharox_lease_held_seconds_sum", "pool=\"residential\",proxy=\"" + proxy.id() + "\""))
                .isEqualTo(42);
        assertThat(Scrapes.value(
                        scrape, "pharox_lease_expired_total", "pool=\"residential\",proxy=\"" + proxy.id() + "\""))
                .isEqualTo(1);
        assertThat(scrape).doesNotContain("proxy-7f3a");
    }

    @Test
    void statements_run_again_count_by_operation_and_sql_state() {
        PrometheusMeterRegistry registry = Scrapes.registry(new MockClock());
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();

        metrics.storageListener().onStatementRetried("acquire", "40P01");
        metrics.storageListener().onStatementRetried("acquire", "40P01");
        metrics.storageListener().onStatementRetried("release", "40001");

        String scrape = registry.scrape();
        assertThat(Scrapes.value(scrape, "pharox_storage_retries_total", "operation=\"acquire\",sql_state=\"40P01\""))
                .isEqualTo(2);
        assertThat(Scrapes.value(scrape, "pharox_storage_retries_total", "operation=\"release\",sql_state=\"40001\""))
                .isEqualTo(1);
    }

    @Test
    void a_refresh_interval_below_one_second_is_refused_naming_it() {
        assertThatThrownBy(() -> PharoxMetrics.builder(Scrapes.registry(new MockClock()))
                        .poolStatsRefresh(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("poolStatsRefresh")
                .hasMessageContaining("PT0.5S");
    }
}
