package io.pharox.spring.boot;

import io.pharox.storage.ProxyStorage;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * The {@code pharox} health contributor ({@link PharoxHealthIndicator}) when Spring Boot Actuator
 * is on the class path and there is one {@link ProxyStorage} (the starter's or yours). Turned off
 * with {@code management.health.pharox.enabled=false}; replaced by a bean of yours named
 * {@code pharoxHealthIndicator}.
 */
@AutoConfiguration(
        after = PharoxAutoConfiguration.class,
        beforeName = "org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("pharox")
public class PharoxHealthAutoConfiguration {

    /** Created by Spring Boot. */
    public PharoxHealthAutoConfiguration() {}

    /** The indicator, checking {@code pharox.health.pools} (all pools when empty). */
    @Bean
    @ConditionalOnMissingBean(name = "pharoxHealthIndicator")
    @ConditionalOnSingleCandidate(ProxyStorage.class)
    public PharoxHealthIndicator pharoxHealthIndicator(ProxyStorage storage, PharoxProperties properties) {
        PharoxProperties.Health health = properties.getHealth();
        return new PharoxHealthIndicator(
                storage,
                health.getPools(),
                new Status(health.getEmptyPoolStatus().name()));
    }
}
