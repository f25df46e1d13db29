package io.pharox.reliability;

import io.pharox.storage.sql.CredentialKeyring;
import io.pharox.storage.sql.SqlStorageOptions;
import java.security.SecureRandom;

/**
 * The SQL adapters' options in the credential-trace tests: credentials encrypted with a fresh
 * key, as a service configures them. (With plain text allowed instead, the PostgreSQL driver's
 * own TRACE logging shows every bound value, the password too: see docs/credentials.md.)
 */
final class TraceOptions {

    private static final SqlStorageOptions OPTIONS;

    static {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        OPTIONS = SqlStorageOptions.builder()
                .credentialKeyring(CredentialKeyring.of("trace-key", CredentialKeyring.aesKey(key)))
                .build();
    }

    private TraceOptions() {}

    static SqlStorageOptions sql() {
        return OPTIONS;
    }
}
