package io.pharox.storage.jdbc;

import io.pharox.storage.sql.ContractOptions;
import io.pharox.storage.sql.SqlStorageOptions;

/**
 * The JDBC adapter against the full storage contract with coalescing forced on: every acquire
 * that can be claimed together with others runs the batch claim statement, even alone, so the
 * whole suite (the concurrency group included) checks that statement's outcomes.
 */
class JdbcCoalescedContractTest extends JdbcStorageContractTest {

    @Override
    SqlStorageOptions options() {
        return ContractOptions.ALWAYS_COALESCED;
    }
}
