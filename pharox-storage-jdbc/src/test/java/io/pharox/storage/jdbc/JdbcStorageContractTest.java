package io.pharox.storage.jdbc;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.ContractOptions;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.ProxyStorageContract;
import io.pharox.testkit.postgres.TestSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The JDBC adapter against the full storage contract, on PostgreSQL, credentials encrypted, in a schema of its own. */
class JdbcStorageContractTest extends ProxyStorageContract {

    private static TestSchema db;

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_contract", 20);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    /** The options of the adapter under test: credentials sealed, coalescing as by default. */
    SqlStorageOptions options() {
        return ContractOptions.ENCRYPTED;
    }

    @Override
    protected ProxyStorage createStorage() {
        db.truncate();
        return new JdbcStorage(db.dataSource(), db.name(), options());
    }

    /** Every table of the schema, so that the bad-input catalogue sees consumers, finished leases and cursors too. */
    @Override
    protected Object storeFingerprint() {
        return db.fingerprint();
    }
}
