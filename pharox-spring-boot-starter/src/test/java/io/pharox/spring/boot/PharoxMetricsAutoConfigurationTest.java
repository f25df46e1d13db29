package io.pharox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pharox.ProxyManager;
import io.pharox.event.LeaseObserver;
import io.pharox.micrometer.MeterNames;
import io.pharox.micrometer.PharoxMetrics;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.memory.InMemoryStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The Micrometer binding: on with a MeterRegistry bean, counting what the auto-configured manager does. */
class PharoxMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(PharoxAutoConfiguration.class, PharoxMetricsAutoConfiguration.class))
            .withPropertyValues("pharox.storage.type=memory");

    @Test
    void the_manager_records_hits_and_misses_in_the_registry() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(PharoxMetrics.class);
            ProxyManager manager = context.getBean(ProxyManager.class);
            assertThat(context.getBean(LeaseObserver.class))
                    .isSameAs(context.getBean(PharoxMetrics.class).observer());
            assertThat(context.getBean(SqlStorageOptions.class).storageListener())
                    .as("the SQL adapters' retried statements are counted")
                    .isSameAs(context.getBean(PharoxMetrics.class).storageListener());
            ProxyStorage storage = context.getBean(ProxyStorage.class);
            ProxyPool pool = storage.createPool("web", "");
            storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("198.51.100.9", 8080)
                    .exclusive()
                    .build());
            LeasedProxy leased = manager.acquire("web").orElseThrow();
            assertThat(manager.acquire("web")).isEmpty();
            manager.release(leased);

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find(MeterNames.ACQUIRE)
                            .tag(MeterNames.TAG_POOL, "web")
                            .tag(MeterNames.TAG_OUTCOME, "hit")
                            .timer()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.find(MeterNames.ACQUIRE)
                            .tag(MeterNames.TAG_OUTCOME, "miss")
                            .timer()
                            .count())
                    .isEqualTo(1);
        });
    }

    @Test
    void the_gauges_of_the_configured_pools_are_bound_at_startup() {
        InMemoryStorage storage = new InMemoryStorage();
        ProxyPool pool = storage.createPool("web", "");
        storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("198.51.100.9", 8080)
                .maxConcurrency(4)
                .build());
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(ProxyStorage.class, () -> storage)
                .withPropertyValues("pharox.metrics.pools=web")
                .run(context -> {
                    assertThat(context.getBean(PharoxMetrics.class).boundPools())
                            .containsExactly("web");
                    assertThat(context.getBean(MeterRegistry.class)
                                    .get(MeterNames.POOL_FREE_SLOTS)
                                    .tag(MeterNames.TAG_POOL, "web")
                                    .gauge()
                                    .value())
                            .isEqualTo(4.0);
                });
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(ProxyStorage.class, () -> storage)
                .run(context -> assertThat(context.getBean(PharoxMetrics.class).boundPools())
                        .as("every pool existing at startup")
                        .containsExactly("web"));
    }

    @Test
    void no_binding_without_a_registry_when_disabled_or_without_pharox_micrometer() {
        runner.run(context -> assertThat(context)
                .hasNotFailed()
                .hasSingleBean(ProxyManager.class)
                .doesNotHaveBean(PharoxMetrics.class));
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("pharox.metrics.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PharoxMetrics.class));
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withClassLoader(new FilteredClassLoader(PharoxMetrics.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(ProxyManager.class)
                        .doesNotHaveBean(LeaseObserver.class));
    }

    @Test
    void a_bad_refresh_interval_fails_startup_naming_the_property() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("pharox.metrics.pool-stats-refresh=10ms")
                .run(context ->
                        assertThat(context).getFailure().hasStackTraceContaining("pharox.metrics.pool-stats-refresh"));
    }
}
