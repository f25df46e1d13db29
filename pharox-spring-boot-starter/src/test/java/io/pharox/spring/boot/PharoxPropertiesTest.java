package io.pharox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.ProxyManager;
import io.pharox.model.Consumer;
import io.pharox.schema.PharoxSchema;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.sql.SqlStorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The pharox.* properties: their defaults, their validation at startup, their IDE metadata. */
class PharoxPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PharoxAutoConfiguration.class))
            .withPropertyValues("pharox.storage.type=memory");

    @Test
    void the_defaults_are_the_cores_defaults() {
        PharoxProperties p = new PharoxProperties();
        assertThat(p.getDefaultConsumer()).isEqualTo(Consumer.DEFAULT_NAME);
        assertThat(p.getDefaultTtl()).isEqualTo(AcquireRequest.DEFAULT_TTL);
        assertThat(p.getDefaultStrategy()).isEqualTo(SelectorStrategy.FIRST_AVAILABLE);
        assertThat(p.outcomePolicy()).isEqualTo(OutcomePolicy.defaults());
        assertThat(p.getSchema().getName()).isEqualTo(PharoxSchema.DEFAULT_SCHEMA);
        assertThat(p.getSchema().isMigrate()).isTrue();
        assertThat(p.getStorage().getType()).isEqualTo(PharoxProperties.StorageType.JDBC);
        SqlStorageOptions defaults = SqlStorageOptions.defaults();
        SqlStorageOptions bound = p.sqlStorageOptions().build();
        assertThat(bound.statementTimeout()).isEqualTo(defaults.statementTimeout());
        assertThat(bound.lockTimeout()).isEqualTo(defaults.lockTimeout());
        assertThat(bound.coalescing()).isEqualTo(defaults.coalescing());
        assertThat(bound.wakeUps()).isEqualTo(defaults.wakeUps());
        assertThat(bound.plaintextCredentialsAllowed()).isEqualTo(defaults.plaintextCredentialsAllowed());
        // the manager's own defaults, which the builder does not expose: built the same way, it accepts them
        assertThat(ProxyManager.requireWaitPollInterval(p.getWaitPollInterval()))
                .hasMillis(50);
        assertThat(ProxyManager.requireWakeUpPollInterval(p.getWakeUpPollInterval()))
                .hasSeconds(1);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "pharox.default-ttl|-5s|ttl must be between",
                "pharox.default-ttl|0s|ttl must be between",
                "pharox.default-consumer|'  '|",
                "pharox.default-strategy|fastest|",
                "pharox.wait-poll-interval|0ms|waitPollInterval must be between",
                "pharox.wake-up-poll-interval|2m|wakeUpPollInterval must be between",
                "pharox.storage.type|mongodb|",
                "pharox.storage.statement-timeout|-1s|",
                "pharox.storage.lock-timeout|25h|",
                "pharox.storage.coalescing|sometimes|",
                "pharox.schema.name|drop table|schema must be a plain SQL identifier",
                "pharox.outcome.failure-threshold|0|failureThreshold must be between 1 and 1000",
                "pharox.outcome.smoothing|1.5|smoothing must be in (0, 1]",
                "pharox.outcome.cooldown|0s|",
                "pharox.outcome.max-cooldown|1s|maxCooldown must not be shorter than cooldown",
                "pharox.outcome.ban-cooldown|31d|",
                "pharox.health.empty-pool-status|sideways|",
                "pharox.health.pools|'web, '|pool name",
                "pharox.metrics.pools|'web, '|pool name",
            })
    void a_bad_value_fails_startup_naming_the_property(String property, String value, String why) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().hasStackTraceContaining(property);
            if (why != null) {
                assertThat(context).getFailure().hasStackTraceContaining(why);
            }
        });
    }

    @Test
    void good_values_start() {
        runner.withPropertyValues("pharox.default-ttl=1s", "pharox.default-strategy=LEAST_USED")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void the_configuration_processor_writes_metadata_for_every_property() throws IOException {
        String pharox = null;
        for (URL url : Collections.list(
                getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (json.contains("\"pharox.default-ttl\"")) {
                    pharox = json;
                }
            }
        }
        assertThat(pharox).as("this module's metadata").isNotNull();
        for (String property : List.of(
                "pharox.default-consumer",
                "pharox.default-strategy",
                "pharox.wait-poll-interval",
                "pharox.wake-up-poll-interval",
                "pharox.storage.type",
                "pharox.storage.statement-timeout",
                "pharox.storage.allow-plaintext-credentials",
                "pharox.schema.name",
                "pharox.schema.migrate",
                "pharox.outcome.failure-threshold",
                "pharox.health.pools",
                "pharox.health.empty-pool-status")) {
            assertThat(pharox).contains("\"" + property + "\"");
        }
        assertThat(pharox).contains("\"defaultValue\": \"5m\"");
    }
}
