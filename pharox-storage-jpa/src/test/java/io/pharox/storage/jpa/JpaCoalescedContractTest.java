package io.pharox.storage.jpa;

import io.pharox.storage.sql.CredentialKeyring;
import io.pharox.storage.sql.SqlStorageOptions;

/**
 * The JPA adapter against the full storage contract with coalescing forced on: every acquire
 * that can be claimed together with others runs the batch claim statement, even alone, so the
 * whole suite (the concurrency group included) checks that statement's outcomes.
 */
class JpaCoalescedContractTest extends JpaStorageContractTest {

    private static final SqlStorageOptions ALWAYS_COALESCED = SqlStorageOptions.builder()
            .credentialKeyring(CredentialKeyring.of("contract", CredentialKeyring.aesKey(new byte[32])))
            .coalescing(SqlStorageOptions.Coalescing.ALWAYS)
            .build();

    @Override
    SqlStorageOptions options() {
        return ALWAYS_COALESCED;
    }
}
