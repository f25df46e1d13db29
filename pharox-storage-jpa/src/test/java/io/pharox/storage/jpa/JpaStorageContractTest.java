package io.pharox.storage.jpa;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.ContractOptions;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.ProxyStorageContract;
import io.pharox.testkit.postgres.TestSchema;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The JPA adapter against the full storage contract, on PostgreSQL, credentials encrypted, in a schema of its own. */
class JpaStorageContractTest extends ProxyStorageContract {

    private static TestSchema db;
    private static EntityManagerFactory emf;

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_jpa_contract", 20);
        emf = JpaStorage.entityManagerFactory(db.dataSource(), db.name());
    }

    @AfterAll
    static void dropSchema() {
        emf.close();
        db.close();
    }

    /** The options of the adapter under test: credentials sealed, coalescing as by default. */
    SqlStorageOptions options() {
        return ContractOptions.ENCRYPTED;
    }

    @Override
    protected ProxyStorage createStorage() {
        db.truncate();
        return new JpaStorage(emf, options());
    }

    /** Every table of the schema, so that the bad-input catalogue sees consumers, finished leases and cursors too. */
    @Override
    protected Object storeFingerprint() {
        return db.fingerprint();
    }
}
