package io.pharox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.event.AcquiredEvent;
import io.pharox.event.ReleasedEvent;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import io.pharox.storage.memory.InMemoryStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The auto-configuration in contexts built by {@link ApplicationContextRunner}, on a schema of the
 * test PostgreSQL: which storage and manager it makes, when it backs off, how the properties bind,
 * and the migration.
 */
class PharoxAutoConfigurationTest {

    private static TestSchema db;

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PharoxAutoConfiguration.class));

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_boot", 6);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void emptyTables() {
        db.truncate();
    }

    /** The test's pool, wrapped so that the context does not close it when it closes. */
    static DataSource unclosable(DataSource dataSource) {
        return new DelegatingDataSource(dataSource);
    }

    private ApplicationContextRunner onTestSchema() {
        return runner.withBean(DataSource.class, () -> unclosable(db.dataSource()))
                .withPropertyValues("pharox.schema.name=" + db.name());
    }

    @Test
    void a_jdbc_storage_and_a_manager_are_made_from_the_data_source() {
        onTestSchema().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(ProxyStorage.class).hasSingleBean(ProxyManager.class);
            ProxyStorage storage = context.getBean(ProxyStorage.class);
            assertThat(storage).isInstanceOf(JdbcStorage.class);
            ProxyManager manager = context.getBean(ProxyManager.class);
            assertThat(manager.storage()).isSameAs(storage);
            leaseAndRelease(storage, manager, "jdbc-pool");
            assertThat(context.getBeanFactory()
                            .getBeanDefinition("pharoxStorage")
                            .getDestroyMethodName())
                    .as("the storage the starter made is closed with the context")
                    .isEqualTo("close");
        });
    }

    @Test
    void without_a_data_source_there_is_no_storage_and_no_manager() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ProxyStorage.class).doesNotHaveBean(ProxyManager.class);
        });
    }

    @Test
    void the_properties_set_the_manager() {
        onTestSchema()
                .withPropertyValues(
                        "pharox.default-consumer=crawler-7",
                        "pharox.default-ttl=90s",
                        "pharox.default-strategy=round-robin",
                        "pharox.wait-poll-interval=20ms",
                        "pharox.wake-up-poll-interval=2s",
                        "pharox.outcome.failure-threshold=3",
                        "pharox.outcome.smoothing=0.5",
                        "pharox.storage.statement-timeout=5s",
                        "pharox.storage.lock-timeout=2s",
                        "pharox.storage.coalescing=off",
                        "pharox.storage.wake-ups=false",
                        "pharox.health.pools=a,b",
                        "pharox.health.empty-pool-status=out-of-service")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    PharoxProperties properties = context.getBean(PharoxProperties.class);
                    assertThat(properties.getDefaultStrategy()).isEqualTo(SelectorStrategy.ROUND_ROBIN);
                    assertThat(properties.getWaitPollInterval()).isEqualTo(Duration.ofMillis(20));
                    assertThat(properties.getWakeUpPollInterval()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(properties.getHealth().getPools()).containsExactly("a", "b");
                    assertThat(properties.getHealth().getEmptyPoolStatus())
                            .isEqualTo(PharoxProperties.EmptyPoolStatus.OUT_OF_SERVICE);

                    SqlStorageOptions options = context.getBean(SqlStorageOptions.class);
                    assertThat(options.statementTimeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(options.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(options.coalescing()).isEqualTo(SqlStorageOptions.Coalescing.OFF);
                    assertThat(options.wakeUps()).isFalse();
                    assertThat(options.plaintextCredentialsAllowed()).isFalse();

                    ProxyManager manager = context.getBean(ProxyManager.class);
                    assertThat(manager.outcomePolicy())
                            .isEqualTo(OutcomePolicy.defaults()
                                    .withFailureThreshold(3)
                                    .withSmoothing(0.5));
                    ProxyStorage storage = context.getBean(ProxyStorage.class);
                    ProxyPool pool = storage.createPool("props", "");
                    storage.addProxy(Proxy.builder()
                            .poolId(pool.id())
                            .address("198.51.100.8", 3128)
                            .build());
                    LeasedProxy leased = manager.acquire("props").orElseThrow();
                    assertThat(leased.lease().consumerId())
                            .as("the default consumer")
                            .isEqualTo(storage.ensureConsumer("crawler-7").id());
                    assertThat(Duration.between(
                                    leased.lease().acquiredAt(), leased.lease().expiresAt()))
                            .as("the default ttl")
                            .isEqualTo(Duration.ofSeconds(90));
                    assertThat(manager.request("props").build().strategy()).isEqualTo(SelectorStrategy.ROUND_ROBIN);
                    manager.release(leased);
                });
    }

    @Test
    void every_lease_listener_bean_is_registered_with_the_manager() {
        List<String> heard = new ArrayList<>();
        onTestSchema()
                .withBean("first", LeaseListener.class, () -> new LeaseListener() {
                    @Override
                    public void onAcquired(AcquiredEvent event) {
                        heard.add("first acquired");
                    }
                })
                .withBean("second", LeaseListener.class, () -> new LeaseListener() {
                    @Override
                    public void onReleased(ReleasedEvent event) {
                        heard.add("second released");
                    }
                })
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    leaseAndRelease(context.getBean(ProxyStorage.class), context.getBean(ProxyManager.class), "heard");
                    assertThat(heard).containsExactly("first acquired", "second released");
                });
    }

    @Test
    void an_outcome_policy_bean_replaces_the_properties() {
        OutcomePolicy mine = OutcomePolicy.defaults().withFailureThreshold(9);
        onTestSchema()
                .withBean(OutcomePolicy.class, () -> mine)
                .withPropertyValues("pharox.outcome.failure-threshold=3")
                .run(context -> assertThat(context.getBean(ProxyManager.class).outcomePolicy())
                        .isSameAs(mine));
    }

    @Test
    void a_storage_of_the_application_replaces_the_starters_and_nothing_is_migrated() {
        InMemoryStorage mine = new InMemoryStorage();
        onTestSchema().withBean(ProxyStorage.class, () -> mine).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(ProxyStorage.class).doesNotHaveBean(PharoxSchemaInitializer.class);
            assertThat(context.getBean(ProxyStorage.class)).isSameAs(mine);
            assertThat(context.getBean(ProxyManager.class).storage()).isSameAs(mine);
        });
    }

    @Test
    void a_manager_of_the_application_replaces_the_starters() {
        InMemoryStorage other = new InMemoryStorage();
        ProxyManager mine = ProxyManager.of(other);
        onTestSchema().withBean(ProxyManager.class, () -> mine).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(ProxyManager.class);
            assertThat(context.getBean(ProxyManager.class)).isSameAs(mine);
            assertThat(context.getBean(ProxyStorage.class))
                    .as("the storage is still made for whoever wants it")
                    .isInstanceOf(JdbcStorage.class);
        });
    }

    @Test
    void jpa_is_chosen_by_property_on_the_entity_manager_factory() {
        EntityManagerFactory emf = JpaStorage.entityManagerFactory(db.dataSource(), db.name());
        try {
            ApplicationContextRunner withEmf =
                    onTestSchema().withBean(EntityManagerFactory.class, () -> emf, d -> d.setDestroyMethodName(""));
            withEmf.withPropertyValues("pharox.storage.type=jpa").run(context -> {
                assertThat(context).hasNotFailed();
                ProxyStorage storage = context.getBean(ProxyStorage.class);
                assertThat(storage).isInstanceOf(JpaStorage.class);
                leaseAndRelease(storage, context.getBean(ProxyManager.class), "jpa-pool");
            });
            withEmf.run(context -> assertThat(context.getBean(ProxyStorage.class))
                    .as("an EntityManagerFactory alone does not switch to JPA")
                    .isInstanceOf(JdbcStorage.class));
        } finally {
            emf.close();
        }
    }

    @Test
    void jpa_without_an_entity_manager_factory_fails_startup_saying_so() {
        onTestSchema()
                .withPropertyValues("pharox.storage.type=jpa")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("pharox.storage.type=jpa needs one EntityManagerFactory bean"));
    }

    @Test
    void jpa_on_a_factory_of_another_schema_fails_startup_naming_both() {
        EntityManagerFactory emf = JpaStorage.entityManagerFactory(db.dataSource(), db.name());
        try {
            onTestSchema()
                    .withBean(EntityManagerFactory.class, () -> emf, d -> d.setDestroyMethodName(""))
                    .withPropertyValues(
                            "pharox.storage.type=jpa", "pharox.schema.name=elsewhere", "pharox.schema.migrate=false")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("pharox.schema.name is elsewhere")
                            .hasMessageContaining(db.name()));
        } finally {
            emf.close();
        }
    }

    @Test
    void a_storage_type_whose_adapter_is_missing_fails_startup_naming_the_artifact() {
        onTestSchema()
                .withPropertyValues("pharox.storage.type=jpa")
                .withClassLoader(new FilteredClassLoader(JpaStorage.class))
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("pharox.storage.type=jpa needs io.pharox:pharox-storage-jpa"));
        runner.withPropertyValues("pharox.storage.type=memory")
                .withClassLoader(new FilteredClassLoader(InMemoryStorage.class))
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("pharox.storage.type=memory needs io.pharox:pharox-storage-memory"));
    }

    @Test
    void memory_is_chosen_by_property() {
        runner.withPropertyValues("pharox.storage.type=memory").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ProxyStorage.class)).isInstanceOf(InMemoryStorage.class);
            leaseAndRelease(context.getBean(ProxyStorage.class), context.getBean(ProxyManager.class), "mem");
        });
    }

    @Test
    void the_schema_is_migrated_at_startup() {
        try (TestSchema empty = TestSchema.empty("pharox_boot_migrate", 2)) {
            runner.withBean(DataSource.class, () -> unclosable(empty.dataSource()))
                    .withPropertyValues("pharox.schema.name=" + empty.name())
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(PharoxSchemaInitializer.class);
                        assertThat(tables(empty)).contains("pool", "proxy", "lease", "flyway_schema_history");
                        leaseAndRelease(
                                context.getBean(ProxyStorage.class), context.getBean(ProxyManager.class), "fresh");
                    });
        }
    }

    @Test
    void the_schema_is_left_alone_when_migration_is_off() {
        try (TestSchema empty = TestSchema.empty("pharox_boot_nomigrate", 2)) {
            runner.withBean(DataSource.class, () -> unclosable(empty.dataSource()))
                    .withPropertyValues("pharox.schema.name=" + empty.name(), "pharox.schema.migrate=false")
                    .run(context -> {
                        assertThat(context).hasNotFailed().doesNotHaveBean(PharoxSchemaInitializer.class);
                        assertThat(context).hasSingleBean(ProxyStorage.class);
                        assertThat(tables(empty)).isEmpty();
                    });
        }
    }

    @Test
    void a_failing_migration_fails_startup() {
        runner.withBean(DataSource.class, () -> ClosedPort.dataSource())
                .run(context ->
                        assertThat(context).getFailure().hasStackTraceContaining("migrating schema pharox failed"));
    }

    /** Acquires the one proxy of a new pool through the manager, and releases it. */
    static void leaseAndRelease(ProxyStorage storage, ProxyManager manager, String poolName) {
        ProxyPool pool = storage.createPool(poolName, "");
        Proxy proxy = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("198.51.100.7", 8080)
                .exclusive()
                .build());
        LeasedProxy leased = manager.acquire(poolName).orElseThrow();
        assertThat(leased.proxy().id()).isEqualTo(proxy.id());
        assertThat(manager.acquire(poolName))
                .as("an exclusive proxy is leased once")
                .isEmpty();
        assertThat(manager.release(leased)).isTrue();
        assertThat(storage.activeLeases(proxy.id())).isEmpty();
    }

    private static List<String> tables(TestSchema schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = schema.dataSource().getConnection();
                ResultSet rs = c.getMetaData().getTables(null, schema.name(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }
}
