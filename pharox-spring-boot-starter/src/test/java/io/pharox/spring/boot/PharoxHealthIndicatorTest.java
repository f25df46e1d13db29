package io.pharox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.ProxyManager;
import io.pharox.model.Credentials;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.CredentialKeyring;
import io.pharox.storage.sql.EnvironmentKeyring;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import java.util.Base64;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code pharox} health indicator against the real database: up, down for empty pools, down when unreachable. */
class PharoxHealthIndicatorTest {

    private static TestSchema db;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(PharoxAutoConfiguration.class, PharoxHealthAutoConfiguration.class));

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_boot_health", 4);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void emptyTables() {
        db.truncate();
    }

    private ApplicationContextRunner onTestSchema() {
        return runner.withBean(DataSource.class, () -> PharoxAutoConfigurationTest.unclosable(db.dataSource()))
                .withPropertyValues(
                        "pharox.schema.name=" + db.name(), "pharox.storage.allow-plaintext-credentials=true");
    }

    private static Proxy addProxy(ProxyStorage storage, ProxyPool pool, int maxConcurrency) {
        return storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("203.0.113.44", 8888)
                .credentials(new Credentials("scraper", "s3cret-pass"))
                .maxConcurrency(maxConcurrency)
                .build());
    }

    @Test
    void up_while_every_pool_has_a_leasable_proxy_with_counts_but_no_proxy_details() {
        // credentials sealed with the application's keyring bean
        CredentialKeyring keyring = EnvironmentKeyring.from(Map.of(
                EnvironmentKeyring.KEY,
                Base64.getEncoder().encodeToString(new byte[32]),
                EnvironmentKeyring.KEY_ID,
                "k1"));
        onTestSchema().withBean(CredentialKeyring.class, () -> keyring).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(PharoxHealthIndicator.class);
            assertThat(context.getBean(SqlStorageOptions.class).credentialKeyring())
                    .containsSame(keyring);
            ProxyStorage storage = context.getBean(ProxyStorage.class);
            Proxy proxy = addProxy(storage, storage.createPool("web", ""), 3);
            LeasedProxy leased =
                    context.getBean(ProxyManager.class).acquire("web").orElseThrow();

            Health health = context.getBean(PharoxHealthIndicator.class).health();

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsOnlyKeys("pools");
            assertThat(health.getDetails().get("pools"))
                    .isEqualTo(Map.of(
                            "web",
                            Map.of(
                                    "leasableProxies", 1,
                                    "freeSlots", 2L,
                                    "activeLeases", 1,
                                    "capacity", 3L,
                                    "unlimitedProxies", 0)));
            String shown = health.toString();
            assertThat(shown)
                    .doesNotContain("203.0.113.44")
                    .doesNotContain("scraper")
                    .doesNotContain("s3cret-pass")
                    .doesNotContain(proxy.id().toString());
            context.getBean(ProxyManager.class).release(leased);
        });
    }

    @Test
    void down_when_a_pool_has_nothing_to_lease_naming_it() {
        onTestSchema().run(context -> {
            ProxyStorage storage = context.getBean(ProxyStorage.class);
            addProxy(storage, storage.createPool("full", ""), 1);
            ProxyPool banned = storage.createPool("banned", "");
            Proxy p = storage.addProxy(Proxy.builder()
                    .poolId(banned.id())
                    .address("203.0.113.45", 8888)
                    .status(ProxyStatus.BANNED)
                    .build());
            storage.createPool("empty", "");
            LeasedProxy leased =
                    context.getBean(ProxyManager.class).acquire("full").orElseThrow();

            Health health = context.getBean(PharoxHealthIndicator.class).health();

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("emptyPools"))
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                    .containsExactlyInAnyOrder("full", "banned", "empty");
            assertThat(health.toString()).doesNotContain(p.id().toString());
            context.getBean(ProxyManager.class).release(leased);
            assertThat(context.getBean(PharoxHealthIndicator.class)
                            .health()
                            .getDetails()
                            .get("emptyPools"))
                    .as("a released slot makes its pool leasable again")
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                    .containsExactlyInAnyOrder("banned", "empty");
        });
    }

    @Test
    void an_empty_pool_reports_the_configured_status_and_only_the_configured_pools_count() {
        onTestSchema()
                .withPropertyValues("pharox.health.empty-pool-status=out-of-service", "pharox.health.pools=web,gone")
                .run(context -> {
                    ProxyStorage storage = context.getBean(ProxyStorage.class);
                    addProxy(storage, storage.createPool("web", ""), 2);
                    storage.createPool("ignored", "");

                    Health health = context.getBean(PharoxHealthIndicator.class).health();

                    assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
                    assertThat(health.getDetails().get("missingPools"))
                            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                            .containsExactly("gone");
                    assertThat(health.getDetails()).doesNotContainKey("emptyPools");
                    assertThat(health.getDetails().get("pools").toString())
                            .startsWith("{web=")
                            .doesNotContain("ignored");
                });
        // the same pools: "web" with a proxy, "ignored" empty
        onTestSchema().withPropertyValues("pharox.health.pools=web").run(context -> {
            assertThat(context.getBean(ProxyStorage.class).findPool("ignored")).isPresent();
            assertThat(context.getBean(PharoxHealthIndicator.class).health().getStatus())
                    .as("an empty pool that is not configured does not count")
                    .isEqualTo(Status.UP);
        });
    }

    @Test
    void down_when_the_database_is_unreachable_without_naming_its_host() {
        runner.withBean(DataSource.class, ClosedPort::dataSource)
                .withPropertyValues("pharox.schema.migrate=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Health health = context.getBean(PharoxHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails()).containsOnlyKeys("error");
                    assertThat(health.getDetails().get("error").toString()).contains("StorageException");
                    assertThat(health.toString()).doesNotContain("127.0.0.1");
                });
    }

    @Test
    void up_with_no_pool_at_all_when_the_storage_answers() {
        onTestSchema().run(context -> {
            Health health = context.getBean(PharoxHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).isEqualTo(Map.of("pools", Map.of()));
        });
    }

    @Test
    void no_indicator_when_turned_off_or_without_actuator() {
        onTestSchema()
                .withPropertyValues("management.health.pharox.enabled=false")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(ProxyStorage.class)
                        .doesNotHaveBean(PharoxHealthIndicator.class));
        onTestSchema()
                .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(ProxyStorage.class)
                        .doesNotHaveBean(PharoxHealthIndicator.class));
    }
}
