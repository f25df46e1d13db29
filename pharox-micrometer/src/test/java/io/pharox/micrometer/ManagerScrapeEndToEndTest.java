package io.pharox.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pharox.ProxyManager;
import io.pharox.model.FailureReason;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.memory.InMemoryStorage;
import io.pharox.testkit.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A real {@link ProxyManager} on an {@link InMemoryStorage}, with the metrics' listener and the
 * pool gauges on a Prometheus registry: a known sequence of acquires, misses, releases and expiries,
 * then one scrape whose counts must be exactly those. Needs the manager to fire the issue 19 events.
 */
class ManagerScrapeEndToEndTest {

    private static final String PASSWORD = "tiger-s3cret-pw";
    private static final String USERNAME = "scott-the-user";
    private static final int HITS = 3;
    private static final int MISSES = 4;
    private static final int EXPIRIES = 2;

    private final MutableClock time = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final MockClock meterClock = new MockClock();
    private final PrometheusMeterRegistry registry = Scrapes.registry(meterClock);
    private final InMemoryStorage storage = new InMemoryStorage(time);
    private final List<Proxy> proxies = new ArrayList<>();

    private void seed() {
        ProxyPool pool = storage.createPool("residential", "");
        for (int i = 0; i < 2; i++) {
            proxies.add(storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("proxy-7f3a-" + i + ".internal.example", 3128)
                    .credentials(USERNAME, PASSWORD)
                    .exclusive()
                    .build()));
        }
    }

    /** Runs the sequence: {@value #HITS} hits, {@value #MISSES} misses, 1 release, {@value #EXPIRIES} expiries. */
    private String runSequence(PharoxMetrics metrics) {
        seed();
        metrics.bindPoolStats(storage, List.of("residential"));
        ProxyManager manager = metrics.instrument(
                        ProxyManager.builder(storage).clock(time).defaultTtl(Duration.ofMinutes(1)))
                .build();
        LeasedProxy first = manager.acquire("residential").orElseThrow();
        manager.acquire("residential").orElseThrow();
        for (int i = 0; i < MISSES - 1; i++) {
            assertThat(manager.acquire("residential")).isEmpty();
        }
        assertThat(manager.acquire(manager.request("residential")
                        .strategy(SelectorStrategy.LEAST_USED)
                        .build()))
                .isEmpty();
        time.advance(Duration.ofSeconds(20));
        assertThat(manager.release(first)).isTrue();
        Optional<LeasedProxy> third = manager.acquire("residential");
        assertThat(third).isPresent();
        time.advance(Duration.ofMinutes(2));
        assertThat(manager.cleanupExpiredLeases()).isEqualTo(EXPIRIES);
        return registry.scrape();
    }

    @Test
    void a_scrape_after_a_known_sequence_has_exactly_its_counts() throws IOException {
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();

        String scrape = runSequence(metrics);
        Files.writeString(Path.of("target", "sample-scrape.txt"), scrape);

        assertThat(Scrapes.value(
                        scrape,
                        "pharox_acquire_seconds_count",
                        "outcome=\"hit\",pool=\"residential\",strategy=\"first_available\",waited=\"false\""))
                .isEqualTo(HITS);
        assertThat(Scrapes.value(
                        scrape,
                        "pharox_acquire_seconds_count",
                        "outcome=\"miss\",pool=\"residential\",strategy=\"first_available\",waited=\"false\""))
                .isEqualTo(MISSES - 1);
        assertThat(Scrapes.value(
                        scrape,
                        "pharox_acquire_seconds_count",
                        "outcome=\"miss\",pool=\"residential\",strategy=\"least_used\",waited=\"false\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(scrape, "pharox_release_seconds_count", "pool=\"residential\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(scrape, "pharox_lease_held_seconds_count", "pool=\"residential\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(scrape, "pharox_lease_held_seconds_sum", "pool=\"residential\""))
                .as("held from its grant to its release, by the storage's clock")
                .isEqualTo(20);
        assertThat(Scrapes.value(scrape, "pharox_lease_expired_total", "pool=\"residential\""))
                .isEqualTo(EXPIRIES);
        assertThat(Scrapes.value(scrape, "pharox_pool_leases_active", "pool=\"residential\""))
                .isEqualTo(0);
        assertThat(Scrapes.value(scrape, "pharox_pool_free_slots", "pool=\"residential\""))
                .isEqualTo(2);
        assertThat(scrape).contains("pharox_acquire_seconds_bucket{");
    }

    @Test
    void by_default_no_meter_carries_a_password_a_username_a_host_or_a_proxy_id() {
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();

        String scrape = runSequence(metrics);

        assertThat(scrape).contains("pharox_acquire_seconds_count");
        assertThat(scrape)
                .doesNotContain(PASSWORD)
                .doesNotContain(USERNAME)
                .doesNotContain("proxy-7f3a")
                .doesNotContain("internal.example")
                .doesNotContain("3128")
                .doesNotContain("proxy=");
        for (Proxy proxy : proxies) {
            assertThat(scrape).doesNotContain(proxy.id().toString());
        }
    }

    @Test
    void with_proxy_tags_on_hits_releases_and_expiries_carry_the_proxy_id_and_still_no_host_or_password() {
        PharoxMetrics metrics = PharoxMetrics.builder(registry).tagProxies(true).build();

        String scrape = runSequence(metrics);

        Proxy first = proxies.get(0);
        assertThat(Scrapes.value(
                        scrape, "pharox_release_seconds_count", "pool=\"residential\",proxy=\"" + first.id() + "\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(
                        scrape,
                        "pharox_acquire_seconds_count",
                        "outcome=\"miss\",pool=\"residential\",proxy=\"none\",strategy=\"first_available\","
                                + "waited=\"false\""))
                .isEqualTo(MISSES - 1);
        double hits = 0;
        for (Proxy proxy : proxies) {
            hits += Scrapes.value(
                    scrape,
                    "pharox_acquire_seconds_count",
                    "outcome=\"hit\",pool=\"residential\",proxy=\"" + proxy.id()
                            + "\",strategy=\"first_available\",waited=\"false\"");
        }
        assertThat(hits).isEqualTo(HITS);
        assertThat(scrape).doesNotContain(PASSWORD).doesNotContain(USERNAME).doesNotContain("proxy-7f3a");
    }

    @Test
    void health_checks_and_circuit_transitions_through_the_manager_are_counted() {
        seed();
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();
        ProxyManager manager = ProxyManager.builder(storage)
                .clock(time)
                .outcomePolicy(OutcomePolicy.defaults().withFailureThreshold(2))
                .listener(metrics.listener())
                .observer(metrics.observer())
                .build();
        Proxy checked = proxies.get(1);
        manager.applyHealthCheckResult(HealthCheckResult.healthy(checked.id(), Duration.ofMillis(250), time.instant()));
        manager.applyHealthCheckResult(new HealthCheckResult(
                checked.id(), HealthStatus.UNREACHABLE, null, time.instant(), "connection refused"));
        LeasedProxy leased = manager.acquire("residential").orElseThrow();
        manager.report(leased.lease(), Outcome.failure(FailureReason.TIMEOUT));
        manager.report(leased.lease(), Outcome.failure(FailureReason.TIMEOUT));

        String scrape = registry.scrape();

        assertThat(Scrapes.value(scrape, "pharox_health_checks_total", "outcome=\"healthy\",pool=\"residential\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(scrape, "pharox_health_checks_total", "outcome=\"unreachable\",pool=\"residential\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(
                        scrape, "pharox_health_check_latency_seconds_sum", "outcome=\"healthy\",pool=\"residential\""))
                .isEqualTo(0.25);
        assertThat(Scrapes.value(
                        scrape, "pharox_circuit_transitions_total", "from=\"closed\",pool=\"residential\",to=\"open\""))
                .isEqualTo(1);
        assertThat(scrape).doesNotContain(checked.id().toString()).doesNotContain("connection refused");
    }
}
