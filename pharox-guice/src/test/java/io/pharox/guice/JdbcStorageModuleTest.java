package io.pharox.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.exception.CredentialEncryptionRequiredException;
import io.pharox.exception.StorageException;
import io.pharox.model.Credentials;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.CredentialKeyring;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import java.util.UUID;
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

    @Test
    void with_a_keyring_the_module_encrypts_plain_rows_at_migration_and_seals_new_ones() {
        JdbcStorage.migrate(db.dataSource(), db.name());
        ProxyStorage plain = new JdbcStorage(
                db.dataSource(),
                db.name(),
                SqlStorageOptions.builder().allowPlaintextCredentials().build());
        ProxyPool pool = plain.createPool("keyed", "");
        Proxy old = plain.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("198.51.100.8", 8080)
                .credentials("alice", "plain-before-the-key")
                .build());
        SqlStorageOptions keyed = SqlStorageOptions.builder()
                .credentialKeyring(CredentialKeyring.of("guice", CredentialKeyring.aesKey(new byte[16])))
                .build();

        Injector injector = Guice.createInjector(
                new PharoxModule(), new JdbcStorageModule(db.dataSource(), db.name()).withOptions(keyed));
        ProxyStorage storage = injector.getInstance(ProxyStorage.class);
        Proxy added = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("198.51.100.9", 8080)
                .credentials("bob", "sealed-from-the-start")
                .build());

        assertThat(storage.findProxy(old.id()).flatMap(Proxy::credentials))
                .contains(new Credentials("alice", "plain-before-the-key"));
        assertThat(storage.findProxy(added.id()).flatMap(Proxy::credentials))
                .contains(new Credentials("bob", "sealed-from-the-start"));
        assertThat(db.fingerprint()).doesNotContain("plain-before-the-key", "sealed-from-the-start");
        assertThatThrownBy(() -> Guice.createInjector(
                                new PharoxModule(), new JdbcStorageModule(db.dataSource(), db.name()))
                        .getInstance(ProxyStorage.class)
                        .addProxy(added.toBuilder()
                                .id(UUID.randomUUID())
                                .port(8081)
                                .build()))
                .isInstanceOf(CredentialEncryptionRequiredException.class);
    }
}
