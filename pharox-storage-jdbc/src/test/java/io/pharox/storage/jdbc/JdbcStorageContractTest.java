package io.pharox.storage.jdbc;

import io.pharox.storage.ProxyStorage;
import io.pharox.testkit.ProxyStorageContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The JDBC adapter against the full storage contract, on PostgreSQL, in a schema of its own. */
class JdbcStorageContractTest extends ProxyStorageContract {

    private static TestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = new TestDatabase("pharox_contract", 20);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Override
    protected ProxyStorage createStorage() {
        db.truncate();
        return new JdbcStorage(db.dataSource, db.schema);
    }
}
