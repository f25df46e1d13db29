package io.pharox.storage.jpa;

import io.pharox.storage.sql.ContractOptions;
import io.pharox.storage.sql.SqlStorageOptions;

/**
 * The JPA adapter against the full storage contract with coalescing forced on: every acquire
 * that can be claimed together with others runs the batch claim statement, even alone, so the
 * whole suite (the concurrency group included) checks that statement's outcomes.
 */
class JpaCoalescedContractTest extends JpaStorageContractTest {

    @Override
    SqlStorageOptions options() {
        return ContractOptions.ALWAYS_COALESCED;
    }
}
