package io.pharox.storage.sql;

/** The options the SQL adapters run the storage contract with. */
public final class ContractOptions {

    /** Credentials sealed under a test key, as a production setup would; coalescing as by default. */
    public static final SqlStorageOptions ENCRYPTED = builder().build();

    /**
     * As {@link #ENCRYPTED}, with coalescing forced on: every acquire that can be claimed
     * together with others runs the batch claim statement, even alone.
     */
    public static final SqlStorageOptions ALWAYS_COALESCED =
            builder().coalescing(SqlStorageOptions.Coalescing.ALWAYS).build();

    private ContractOptions() {}

    private static SqlStorageOptions.Builder builder() {
        return SqlStorageOptions.builder()
                .credentialKeyring(CredentialKeyring.of("contract", CredentialKeyring.aesKey(new byte[32])));
    }
}
