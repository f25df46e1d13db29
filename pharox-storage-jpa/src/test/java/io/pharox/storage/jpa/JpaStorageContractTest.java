package io.pharox.storage.jpa;

import io.pharox.storage.ProxyStorage;
import io.pharox.testkit.ProxyStorageContract;
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
}
