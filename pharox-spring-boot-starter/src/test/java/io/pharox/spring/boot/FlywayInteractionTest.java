package io.pharox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.testkit.postgres.TestSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** How the starter's migration and Spring Boot's own Flyway auto-configuration live side by side. */
class FlywayInteractionTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class, PharoxAutoConfiguration.class));

    @Test
    void each_flyway_keeps_its_own_schema_and_history() throws SQLException {
        try (TestSchema pharox = TestSchema.empty("pharox_boot_fw", 3);
                TestSchema app = TestSchema.empty("pharox_boot_fwapp", 1)) {
            runner.withBean(DataSource.class, () -> PharoxAutoConfigurationTest.unclosable(pharox.dataSource()))
                    .withPropertyValues(
                            "pharox.schema.name=" + pharox.name(),
                            "spring.flyway.locations=classpath:db/app",
                            "spring.flyway.schemas=" + app.name())
                    .run(context -> assertThat(context).hasNotFailed());
            assertThat(tables(pharox))
                    .contains("pool", "proxy", "flyway_schema_history")
                    .doesNotContain("app_note");
            assertThat(tables(app)).containsExactlyInAnyOrder("app_note", "flyway_schema_history");
        }
    }

    /**
     * Spring Boot's default location {@code classpath:db/migration} is scanned recursively;
     * Pharox's migrations live outside it ({@code classpath:db/pharox}), so an application's
     * Flyway on the defaults never applies them to the application's schema.
     */
    @Test
    void springs_default_location_does_not_find_pharoxs_migrations() throws SQLException {
        try (TestSchema pharox = TestSchema.empty("pharox_boot_fw", 3);
                TestSchema app = TestSchema.empty("pharox_boot_fwapp", 1)) {
            runner.withBean(DataSource.class, () -> PharoxAutoConfigurationTest.unclosable(pharox.dataSource()))
                    .withPropertyValues("pharox.schema.name=" + pharox.name(), "spring.flyway.schemas=" + app.name())
                    .run(context -> assertThat(context).hasNotFailed());
            assertThat(tables(pharox)).contains("pool", "proxy", "lease");
            assertThat(tables(app)).doesNotContain("pool", "proxy", "lease");
        }
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
