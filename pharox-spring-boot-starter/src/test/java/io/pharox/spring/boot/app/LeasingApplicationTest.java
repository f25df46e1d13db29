package io.pharox.spring.boot.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.pharox.ProxyManager;
import io.pharox.micrometer.MeterNames;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.testkit.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole Spring Boot application on the real PostgreSQL: Boot's own DataSource (HikariCP) and
 * Flyway (migrating the application's schema), the starter's storage, migration, manager, health
 * contributor and meters (on Actuator's registry), reached through the beans an application injects.
 */
@SpringBootTest(classes = LeasingApplication.class)
@DirtiesContext
class LeasingApplicationTest {

    private static final TestPostgres POSTGRES = TestPostgres.get();
    private static final String PHAROX_SCHEMA = POSTGRES.createSchema("pharox_boot_app");
    private static final String APP_SCHEMA = POSTGRES.createSchema("pharox_boot_appdata");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", POSTGRES::url);
        String user = POSTGRES.user();
        if (user != null) {
            registry.add("spring.datasource.username", () -> user);
        }
        String password = POSTGRES.password();
        if (password != null) {
            registry.add("spring.datasource.password", () -> password);
        }
        registry.add("spring.flyway.locations", () -> "classpath:db/app");
        registry.add("spring.flyway.schemas", () -> APP_SCHEMA);
        registry.add("pharox.schema.name", () -> PHAROX_SCHEMA);
        registry.add("pharox.default-consumer", () -> "boot-app");
        registry.add("management.endpoint.health.show-details", () -> "always");
    }

    @AfterAll
    static void dropSchemas() {
        POSTGRES.dropSchema(PHAROX_SCHEMA);
        POSTGRES.dropSchema(APP_SCHEMA);
    }

    @Autowired
    private ProxyManager manager;

    @Autowired
    private ProxyStorage storage;

    @Autowired
    private LeasingApplication.Crawler crawler;

    @Autowired
    private HealthEndpoint health;

    @Autowired
    private DataSource dataSource;

    @Autowired
    private MeterRegistry meters;

    @Test
    void the_application_leases_through_the_injected_manager_and_actuator_reports_the_pools() throws SQLException {
        assertThat(storage).isInstanceOf(JdbcStorage.class);
        assertThat(manager.storage()).isSameAs(storage);
        assertThat(tables(PHAROX_SCHEMA)).contains("pool", "proxy", "lease").doesNotContain("app_note");
        assertThat(tables(APP_SCHEMA))
                .as("Spring Boot's Flyway ran the application's migration, and only it, in its schema")
                .contains("app_note")
                .doesNotContain("pool", "proxy", "lease");

        ProxyPool pool = storage.createPool("crawl", "the application's pool");
        storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("198.51.100.20", 3128)
                .exclusive()
                .build());
        assertThat(crawler.crawlOnce("crawl")).contains(3128);
        assertThat(health.healthForPath("pharox").getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        LeasedProxy held = manager.acquire("crawl").orElseThrow();
        assertThat(held.lease().consumerId())
                .isEqualTo(storage.ensureConsumer("boot-app").id());
        assertThat(crawler.crawlOnce("crawl")).as("the only proxy is held").isEmpty();
        assertThat(health.healthForPath("pharox").getStatus())
                .as("a pool with no leasable proxy")
                .isEqualTo(Status.DOWN);
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

        assertThat(manager.release(held)).isTrue();
        assertThat(health.healthForPath("pharox").getStatus()).isEqualTo(Status.UP);
        assertThat(storage.activeLeasesInPool("crawl")).isEmpty();

        // Actuator's registry: the manager's acquires counted by outcome
        assertThat(meters.get(MeterNames.ACQUIRE)
                        .tag(MeterNames.TAG_POOL, "crawl")
                        .tag(MeterNames.TAG_OUTCOME, "hit")
                        .timer()
                        .count())
                .isEqualTo(2);
        assertThat(meters.get(MeterNames.ACQUIRE)
                        .tag(MeterNames.TAG_POOL, "crawl")
                        .tag(MeterNames.TAG_OUTCOME, "miss")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    private List<String> tables(String schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.getMetaData().getTables(null, schema, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }
}
