package io.pharox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.ProxyManager;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jpa.JpaStorage;
import io.pharox.testkit.postgres.TestSchema;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * JPA on the EntityManagerFactory that Spring Boot's own JPA auto-configuration builds (Spring
 * ORM 6.2 with the Hibernate 7 that pharox-storage-jpa is built on): the starter registers the
 * adapter's entity package and migrates before the factory validates.
 */
class SpringJpaTest {

    @Test
    void jpa_storage_on_spring_boots_entity_manager_factory() {
        try (TestSchema db = TestSchema.empty("pharox_boot_jpa", 4)) {
            new ApplicationContextRunner()
                    .withConfiguration(
                            AutoConfigurations.of(HibernateJpaAutoConfiguration.class, PharoxAutoConfiguration.class))
                    .withBean(DataSource.class, () -> PharoxAutoConfigurationTest.unclosable(db.dataSource()))
                    .withPropertyValues(
                            "pharox.storage.type=jpa",
                            "pharox.schema.name=" + db.name(),
                            "spring.jpa.properties.hibernate.default_schema=" + db.name(),
                            "spring.jpa.hibernate.ddl-auto=validate")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        ProxyStorage storage = context.getBean(ProxyStorage.class);
                        assertThat(storage).isInstanceOf(JpaStorage.class);
                        PharoxAutoConfigurationTest.leaseAndRelease(
                                storage, context.getBean(ProxyManager.class), "spring-jpa");
                        assertThat(storage.listPools())
                                .extracting(p -> p.name())
                                .containsExactly("spring-jpa");
                    });
        }
    }
}
