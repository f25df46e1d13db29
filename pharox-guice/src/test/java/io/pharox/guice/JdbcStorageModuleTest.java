package io.pharox.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.exception.StorageException;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.testkit.postgres.TestSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JdbcStorageModule} on the real test PostgreSQL, each test in a schema of its own. */
class JdbcStorageModuleTest {

    private TestSchema db;

    @BeforeEach
    void emptySchema() {
        db = TestSchema.empty("pharox_guice_jdbc", 4);
    }

    @AfterEach
    void dropSchema() {
        db.close();
    }

    @Test
    void a_lease_round_trips_through_the_jdbc_module_which_migrated_the_schema() {
        Injector injector = Guice.createInjector(new PharoxModule(), new JdbcStorageModule(db.dataSource(), db.name()));

        RoundTrip.leaseThrough(injector, "jdbc");

        assertThat(injector.getInstance(ProxyStorage.class)).isInstanceOf(JdbcStorage.class);
        assertThat(injector.getInstance(LeasingService.class).fetchThroughGermany("jdbc"))
                .contains("198.51.100.7:8080");
    }

    @Test
    void without_migration_the_schema_is_left_to_your_own_flyway() {
        String schema = db.name();
        JdbcStorageModule module = new JdbcStorageModule(db.dataSource(), schema).withoutMigration();
        Injector injector = Guice.createInjector(new PharoxModule(), module);
        ProxyStorage storage = injector.getInstance(ProxyStorage.class);

        assertThat(module.migrates()).isFalse();
        assertThatThrownBy(() -> storage.createPool("early", "before any migration"))
                .isInstanceOf(StorageException.class);

        JdbcStorage.migrate(db.dataSource(), schema);
        RoundTrip.leaseThrough(injector, "migrated-elsewhere");
    }

    @Test
    void a_failed_migration_fails_the_injector_not_the_first_acquire() {
        HikariDataSource closed = TestSchema.dataSource(db.postgres(), 1);
        closed.close();

        assertThatThrownBy(
                        () -> Guice.createInjector(new PharoxModule(), new JdbcStorageModule(closed, "pharox_never")))
                .isInstanceOf(CreationException.class)
                .hasMessageContaining("migrating schema pharox_never failed");
    }

    @Test
    void a_bad_schema_name_is_refused_when_the_module_is_made() {
        assertThatThrownBy(() -> new JdbcStorageModule(db.dataSource(), "pharox; drop table x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'pharox; drop table x'");
        assertThatThrownBy(() -> new JdbcStorageModule(null, "pharox"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dataSource");
        assertThat(new JdbcStorageModule(db.dataSource()).schema()).isEqualTo(JdbcStorage.DEFAULT_SCHEMA);
    }
}
