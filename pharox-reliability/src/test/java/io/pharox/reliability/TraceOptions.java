package io.pharox.reliability;

import io.pharox.storage.sql.SqlStorageOptions;

/** The SQL adapters' options in the credential-trace tests. */
final class TraceOptions {

    private TraceOptions() {}

    static SqlStorageOptions sql() {
        return SqlStorageOptions.defaults();
    }
}
