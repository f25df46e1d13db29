package io.pharox.storage.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.testkit.postgres.TestPostgres;
import io.pharox.testkit.postgres.TestSchema;
import jakarta.persistence.EntityManagerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both SQL adapters work for a user who runs the migrations their own way: this class runs in
 * a Surefire execution of its own whose class path has neither Flyway nor {@code pharox-schema}
 * (see this module's POM). The schema is created by executing the migration scripts as plain
 * SQL, as any migration tool would.
 */
class WithoutFlywayTest {

    private static final Path MIGRATIONS = Path.of(
            System.getProperty("basedir", "."), "..", "pharox-schema", "src", "main", "resources", "db", "pharox");

    private static TestPostgres postgres;
    private static String schema;
    private static HikariDataSource dataSource;

    @BeforeAll
    static void migrateWithPlainSql() throws IOException, SQLException {
        postgres = TestPostgres.get();
        schema = postgres.createSchema("pharox_no_flyway");
        dataSource = TestSchema.dataSource(postgres, 4);
        List<Path> scripts;
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            // V1__…, V2__…: Flyway's order, which is the version's
            scripts = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b)))
                    .toList();
        }
        assertThat(scripts).as("migration scripts in %s", MIGRATIONS).hasSizeGreaterThanOrEqualTo(2);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET search_path = " + schema);
            for (Path script : scripts) {
                s.execute(Files.readString(script));
            }
        }
    }

    private static int version(Path script) {
        String name = script.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    @AfterAll
    static void dropSchema() {
        dataSource.close();
        postgres.dropSchema(schema);
    }

    @Test
    void flyway_and_the_schema_module_are_not_on_the_class_path() {
        assertThatThrownBy(() -> Class.forName("org.flywaydb.core.Flyway")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.pharox.schema.PharoxSchema"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void the_jdbc_adapter_leases_without_flyway() {
        leaseThroughEverything(new JdbcStorage(dataSource, schema), "jdbc");
    }

    @Test
    void the_jpa_adapter_leases_without_flyway() {
        try (EntityManagerFactory emf = JpaStorage.entityManagerFactory(dataSource, schema)) {
            leaseThroughEverything(new JpaStorage(emf), "jpa");
        }
    }

    @Test
    void migrating_without_the_schema_module_says_what_is_missing() {
        assertThatThrownBy(() -> JdbcStorage.migrate(dataSource, schema))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pharox-schema")
                .hasMessageContaining(JdbcStorage.MIGRATION_LOCATION);
        assertThatThrownBy(() -> JpaStorage.migrate(dataSource, schema))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pharox-schema");
    }

    private static void leaseThroughEverything(ProxyStorage storage, String name) {
        ProxyPool pool = storage.createPool("without-flyway-" + name, "");
        Proxy proxy = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.9.0.1", 8080)
                .shared(2)
                .build());
        for (SelectorStrategy strategy : SelectorStrategy.values()) {
            LeasedProxy leased = storage.acquire(AcquireRequest.forPool(pool.name())
                            .consumer(name)
                            .strategy(strategy)
                            .build())
                    .orElseThrow();
            assertThat(leased.proxy().id()).isEqualTo(proxy.id());
            assertThat(storage.renew(leased.lease().id(), Duration.ofMinutes(5)))
                    .isPresent();
            assertThat(storage.release(leased.lease().id())).isTrue();
        }
        assertThat(storage.cleanupExpiredLeases()).isZero();
        assertThat(storage.findProxy(proxy.id()).orElseThrow().currentLeases()).isZero();
        assertThat(storage.removeProxy(proxy.id())).isTrue();
    }
}
