package io.pharox.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.pharox.model.Credentials;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jpa.JpaStorage;
import io.pharox.storage.sql.CredentialKeyring;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JpaStorageModule} on the real test PostgreSQL, each test in a schema of its own. */
class JpaStorageModuleTest {

    private TestSchema db;

    @BeforeEach
    void emptySchema() {
        db = TestSchema.empty("pharox_guice_jpa", 4);
    }

    @AfterEach
    void dropSchema() {
        db.close();
    }

    @Test
    void a_lease_round_trips_through_the_jpa_module_which_owns_the_factory_it_built() {
        ProxyStorage storage;
        try (JpaStorageModule jpa = new JpaStorageModule(db.dataSource(), db.name())) {
            Injector injector = Guice.createInjector(new PharoxModule(), jpa);

            RoundTrip.leaseThrough(injector, "jpa");

            storage = injector.getInstance(ProxyStorage.class);
            assertThat(storage).isInstanceOf(JpaStorage.class);
            assertThat(injector.getInstance(LeasingService.class).fetchThroughGermany("jpa"))
                    .contains("198.51.100.7:8080");
        }
        assertThatThrownBy(() -> storage.listPools())
                .as("closing the module closed its factory")
                .hasMessageContaining("closed");
    }

    @Test
    void a_module_on_your_factory_neither_migrates_nor_closes_it() {
        String schema = db.name();
        JpaStorage.migrate(db.dataSource(), schema);
        EntityManagerFactory emf = JpaStorage.entityManagerFactory(db.dataSource(), schema);
        try {
            JpaStorageModule jpa = new JpaStorageModule(emf);
            RoundTrip.leaseThrough(Guice.createInjector(new PharoxModule(), jpa), "yours");
            jpa.close();

            assertThat(emf.isOpen()).isTrue();
            assertThat(jpa.migrates()).isFalse();
            assertThat(jpa.withoutMigration()).isSameAs(jpa);
        } finally {
            emf.close();
        }
    }

    @Test
    void without_migration_an_unmigrated_schema_fails_the_injector() {
        String schema = db.name();
        try (JpaStorageModule jpa = new JpaStorageModule(db.dataSource(), schema).withoutMigration()) {
            assertThat(jpa.migrates()).isFalse();
            assertThatThrownBy(() -> Guice.createInjector(new PharoxModule(), jpa))
                    .isInstanceOf(CreationException.class)
                    .hasMessageContaining("starting Hibernate on schema " + schema + " failed");
        }
    }

    @Test
    void a_closed_module_starts_no_new_factory() {
        JpaStorageModule jpa = new JpaStorageModule(db.dataSource(), db.name());
        jpa.close();

        assertThatThrownBy(() -> Guice.createInjector(new PharoxModule(), jpa))
                .isInstanceOf(CreationException.class)
                .hasMessageContaining("JpaStorageModule is closed");
    }

    @Test
    void a_bad_schema_name_fails_the_injector_with_the_name() {
        try (JpaStorageModule jpa = new JpaStorageModule(db.dataSource(), "pharox; drop table x")) {
            assertThatThrownBy(() -> Guice.createInjector(new PharoxModule(), jpa))
                    .isInstanceOf(CreationException.class)
                    .hasMessageContaining("'pharox; drop table x'");
        }
        assertThatThrownBy(() -> new JpaStorageModule(null, "pharox"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dataSource");
    }

    @Test
    void with_a_keyring_the_jpa_module_seals_credentials() {
        SqlStorageOptions keyed = SqlStorageOptions.builder()
                .credentialKeyring(CredentialKeyring.of("guice", CredentialKeyring.aesKey(new byte[16])))
                .build();
        try (JpaStorageModule jpa = new JpaStorageModule(db.dataSource(), db.name()).withOptions(keyed)) {
            ProxyStorage storage = Guice.createInjector(new PharoxModule(), jpa).getInstance(ProxyStorage.class);
            ProxyPool pool = storage.createPool("keyed", "");
            Proxy added = storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("198.51.100.9", 8080)
                    .credentials("bob", "sealed-by-jpa")
                    .build());

            assertThat(storage.findProxy(added.id()).flatMap(Proxy::credentials))
                    .contains(new Credentials("bob", "sealed-by-jpa"));
            assertThat(db.fingerprint()).doesNotContain("sealed-by-jpa");
        }
    }
}
