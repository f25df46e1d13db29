package io.pharox.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pharox.LeaseListener;
import io.pharox.event.LeaseObserver;
import io.pharox.micrometer.PharoxMetrics;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.StorageListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Pharox's Micrometer binding ({@code pharox-micrometer}) when it is on the class path and the
 * application has a {@link MeterRegistry} bean (Actuator's, or yours): a {@link PharoxMetrics} on
 * that registry (and on the {@link ObservationRegistry} bean, if any, so acquires and releases
 * become observations and, with a tracing bridge, spans), its listener and observer as beans that
 * the auto-configured {@code ProxyManager} picks up, its storage listener (retried statements) as a
 * bean the auto-configured {@code SqlStorageOptions} picks up, and the gauges of {@code pharox.metrics.pools}
 * (or of every pool existing at startup) bound once the context is up. Off with
 * {@code pharox.metrics.enabled=false}; a {@link PharoxMetrics} bean of yours replaces it.
 */
@AutoConfiguration(
        after = PharoxAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration"
        })
@ConditionalOnClass({PharoxMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "pharox.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
public class PharoxMetricsAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PharoxMetricsAutoConfiguration.class);

    /** Created by Spring Boot. */
    public PharoxMetricsAutoConfiguration() {}

    /**
     * The binding on the one {@link MeterRegistry}, set from {@code pharox.metrics.*}.
     *
     * @throws IllegalArgumentException naming {@code pharox.metrics.pool-stats-refresh} if it is out of range
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(MeterRegistry.class)
    public PharoxMetrics pharoxMetrics(
            MeterRegistry registry, ObjectProvider<ObservationRegistry> observations, PharoxProperties properties) {
        PharoxProperties.Metrics metrics = properties.getMetrics();
        PharoxMetrics.Builder builder = PharoxMetrics.builder(registry)
                .tagProxies(metrics.isTagProxies())
                .percentileHistogram(metrics.isPercentileHistogram());
        observations.ifUnique(builder::observationRegistry);
        try {
            builder.poolStatsRefresh(metrics.getPoolStatsRefresh());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pharox.metrics.pool-stats-refresh: " + e.getMessage(), e);
        }
        return builder.build();
    }

    /** The meters' listener, registered with the auto-configured manager like every {@link LeaseListener} bean. */
    @Bean
    @ConditionalOnBean(PharoxMetrics.class)
    public LeaseListener pharoxMetricsListener(PharoxMetrics metrics) {
        return metrics.listener();
    }

    /** The observer of acquires and releases, unless the application has a {@link LeaseObserver} of its own. */
    @Bean
    @ConditionalOnBean(PharoxMetrics.class)
    @ConditionalOnMissingBean(LeaseObserver.class)
    public LeaseObserver pharoxMetricsObserver(PharoxMetrics metrics) {
        return metrics.observer();
    }

    /**
     * The counter of statements the SQL adapters ran again ({@code pharox.storage.retries}), given
     * to the auto-configured {@code SqlStorageOptions}, unless the application has a
     * {@link StorageListener} of its own.
     */
    @Bean
    @ConditionalOnBean(PharoxMetrics.class)
    @ConditionalOnMissingBean(StorageListener.class)
    public StorageListener pharoxMetricsStorageListener(PharoxMetrics metrics) {
        return metrics.storageListener();
    }

    /**
     * Binds the pool gauges once every singleton exists. Listing the pools reads the storage; if it
     * fails, startup goes on without the gauges and the failure is logged (the health indicator
     * reports the storage).
     */
    @Bean
    @ConditionalOnBean(PharoxMetrics.class)
    @ConditionalOnSingleCandidate(ProxyStorage.class)
    public SmartInitializingSingleton pharoxPoolGauges(
            PharoxMetrics metrics, ProxyStorage storage, PharoxProperties properties) {
        List<String> pools = List.copyOf(properties.getMetrics().getPools());
        return () -> {
            if (!pools.isEmpty()) {
                metrics.bindPoolStats(storage, pools);
                return;
            }
            try {
                metrics.bindPoolStats(storage);
            } catch (RuntimeException e) {
                LOG.warn(
                        "Pharox pool gauges not bound: listing the pools failed ({})",
                        e.getClass().getName());
            }
        };
    }
}
