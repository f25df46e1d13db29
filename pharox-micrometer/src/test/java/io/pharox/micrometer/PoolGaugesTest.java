package io.pharox.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pharox.ProxyManager;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.memory.InMemoryStorage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pool gauges read {@code poolStats} at most once per pool per refresh interval, whatever the scrapes. */
class PoolGaugesTest {

    private final MockClock clock = new MockClock();
    private final PrometheusMeterRegistry registry = Scrapes.registry(clock);
    private final InMemoryStorage memory = new InMemoryStorage();
    private final CountingStorage counting = new CountingStorage(memory);

    private ProxyPool poolWithProxies(String name, int exclusive) {
        ProxyPool pool = memory.createPool(name, "");
        for (int i = 0; i < exclusive; i++) {
            memory.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.0.0." + (i + 1), 8080)
                    .exclusive()
                    .build());
        }
        return pool;
    }

    @Test
    void the_gauges_of_a_pool_read_the_store_once_per_interval_however_often_they_are_scraped() {
        poolWithProxies("residential", 3);
        poolWithProxies("datacenter", 1);
        PharoxMetrics metrics = PharoxMetrics.builder(registry)
                .poolStatsRefresh(Duration.ofSeconds(10))
                .build();
        metrics.bindPoolStats(counting.storage(), List.of("residential", "datacenter"));
        ProxyManager manager = ProxyManager.of(memory);

        String first = registry.scrape();
        assertThat(counting.poolStatsCalls()).as("one read per pool").isEqualTo(2);
        assertThat(Scrapes.value(first, "pharox_pool_free_slots", "pool=\"residential\""))
                .isEqualTo(3);

        manager.acquire("residential").orElseThrow();
        for (int i = 0; i < 5; i++) {
            clock.add(1, TimeUnit.SECONDS);
            registry.scrape();
        }
        clock.add(3, TimeUnit.SECONDS); // 8 s after the first read
        String cached = registry.scrape();
        assertThat(counting.poolStatsCalls()).as("within the interval").isEqualTo(2);
        assertThat(Scrapes.value(cached, "pharox_pool_free_slots", "pool=\"residential\""))
                .as("the cached snapshot, from before the acquire")
                .isEqualTo(3);

        clock.add(2, TimeUnit.SECONDS); // 10 s after the first read
        String refreshed = registry.scrape();
        assertThat(counting.poolStatsCalls()).as("once more per pool").isEqualTo(4);
        assertThat(Scrapes.value(refreshed, "pharox_pool_free_slots", "pool=\"residential\""))
                .isEqualTo(2);
        assertThat(Scrapes.value(refreshed, "pharox_pool_leases_active", "pool=\"residential\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(refreshed, "pharox_pool_proxies_leasable", "pool=\"residential\""))
                .isEqualTo(2);
        assertThat(Scrapes.value(refreshed, "pharox_pool_capacity", "pool=\"residential\""))
                .isEqualTo(3);
        assertThat(Scrapes.value(refreshed, "pharox_pool_proxies", "pool=\"residential\",status=\"active\""))
                .isEqualTo(3);
        assertThat(Scrapes.value(refreshed, "pharox_pool_proxies", "pool=\"residential\",status=\"banned\""))
                .isEqualTo(0);
        assertThat(Scrapes.value(refreshed, "pharox_pool_free_slots", "pool=\"datacenter\""))
                .isEqualTo(1);
    }

    @Test
    void a_pool_that_cannot_be_read_reads_nan_and_is_tried_again_only_after_the_interval() {
        PharoxMetrics metrics = PharoxMetrics.builder(registry)
                .poolStatsRefresh(Duration.ofSeconds(5))
                .build();
        metrics.bindPoolStats(counting.storage(), List.of("not-there"));

        String first = registry.scrape();
        registry.scrape();
        clock.add(4, TimeUnit.SECONDS);
        registry.scrape();
        assertThat(counting.poolStatsCalls()).isEqualTo(1);
        assertThat(Scrapes.value(first, "pharox_pool_free_slots", "pool=\"not-there\""))
                .isNaN();

        clock.add(1, TimeUnit.SECONDS);
        registry.scrape();
        assertThat(counting.poolStatsCalls()).isEqualTo(2);
        // a scrape may sample the counter before the gauge that fails: read it in the next one
        assertThat(Scrapes.value(registry.scrape(), "pharox_pool_stats_failures_total", "pool=\"not-there\""))
                .isEqualTo(2);
        assertThat(counting.poolStatsCalls()).isEqualTo(2);
    }

    @Test
    void binding_every_pool_binds_those_there_now_and_a_second_binding_of_one_is_refused() {
        poolWithProxies("residential", 1);
        poolWithProxies("datacenter", 1);
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();

        assertThat(metrics.bindPoolStats(counting.storage())).containsExactly("datacenter", "residential");
        poolWithProxies("mobile", 1);
        assertThat(metrics.bindPoolStats(counting.storage())).containsExactly("mobile");
        assertThat(metrics.boundPools()).containsExactlyInAnyOrder("datacenter", "residential", "mobile");
        assertThatThrownBy(() -> metrics.bindPoolStats(counting.storage(), List.of("residential")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'residential'");
        assertThat(counting.poolStatsCalls()).as("binding reads nothing").isZero();
        assertThat(Scrapes.value(registry.scrape(), "pharox_pool_proxies", "pool=\"mobile\",status=\"active\""))
                .isEqualTo(1);
    }

    @Test
    void a_proxy_in_another_status_is_counted_there() {
        ProxyPool pool = poolWithProxies("residential", 1);
        memory.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.0.1.1", 8080)
                .status(ProxyStatus.BANNED)
                .build());
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();
        metrics.bindPoolStats(counting.storage(), List.of("residential"));

        String scrape = registry.scrape();
        assertThat(Scrapes.value(scrape, "pharox_pool_proxies", "pool=\"residential\",status=\"banned\""))
                .isEqualTo(1);
        assertThat(Scrapes.value(scrape, "pharox_pool_proxies", "pool=\"residential\",status=\"active\""))
                .isEqualTo(1);
    }
}
