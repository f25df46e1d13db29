package io.pharox.storage.jpa;

import io.pharox.storage.ProxyStorage;
import io.pharox.testkit.ProxyStorageContract;
import io.pharox.testkit.postgres.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The JPA adapter against the full storage contract, on PostgreSQL, in a schema of its own. */
class JpaStorageContractTest extends ProxyStorageContract {

    private static TestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = new TestDatabase("pharox_jpa_contract", 20);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Override
    protected ProxyStorage createStorage() {
        db.truncate();
        return new JpaStorage(db.emf);
    }

    /** Every table of the schema, so that the bad-input catalogue sees consumers, finished leases and cursors too. */
    @Override
    protected Object storeFingerprint() {
        return TestPostgres.fingerprint(db.dataSource, db.schema);
    }
}
