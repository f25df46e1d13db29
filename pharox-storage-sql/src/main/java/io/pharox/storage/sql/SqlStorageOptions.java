package io.pharox.storage.sql;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a SQL storage adapter treats credentials and bounds its statements; the same options
 * for the JDBC and the JPA adapter. Immutable; {@link #defaults()} or {@link #builder()}.
 */
public final class SqlStorageOptions {

    /** The statement timeout when none is given. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    /** The lock timeout when none is given. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    private static final SqlStorageOptions DEFAULTS = builder().build();

    private final @Nullable CredentialKeyring keyring;
    private final boolean plaintextCredentialsAllowed;
    private final Duration statementTimeout;
    private final Duration lockTimeout;

    private SqlStorageOptions(Builder b) {
        this.keyring = b.keyring;
        this.plaintextCredentialsAllowed = b.plaintextCredentialsAllowed;
        this.statementTimeout = b.statementTimeout;
        this.lockTimeout = b.lockTimeout;
    }

    /** No keyring (credentials refused), default timeouts. */
    public static SqlStorageOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The keyring that encrypts credentials, if one is configured. */
    public Optional<CredentialKeyring> credentialKeyring() {
        return Optional.ofNullable(keyring);
    }

    /** Whether credentials may be stored in plain text when no keyring is configured. */
    public boolean plaintextCredentialsAllowed() {
        return plaintextCredentialsAllowed;
    }

    /** How long one statement of the adapter may run before the database cancels it. */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /** How long a statement of the adapter may wait for a lock. */
    public Duration lockTimeout() {
        return lockTimeout;
    }

    /** Builder for {@link SqlStorageOptions}. Not thread-safe. */
    public static final class Builder {
        private @Nullable CredentialKeyring keyring;
        private boolean plaintextCredentialsAllowed;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;

        private Builder() {}

        /**
         * Encrypts proxy passwords at rest with the keys of {@code keyring} (AES-GCM, see
         * {@link CredentialCipher}); {@link EnvironmentKeyring} reads them from the environment.
         */
        public Builder credentialKeyring(CredentialKeyring keyring) {
            this.keyring = Objects.requireNonNull(keyring, "keyring");
            return this;
        }

        /**
         * Allows storing proxy passwords in plain text when no keyring is configured; without
         * this and without a keyring, storing a proxy with credentials throws
         * {@link io.pharox.exception.CredentialEncryptionRequiredException}.
         */
        public Builder allowPlaintextCredentials() {
            this.plaintextCredentialsAllowed = true;
            return this;
        }

        /** Sets the statement timeout. */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = Objects.requireNonNull(timeout, "statementTimeout");
            return this;
        }

        /** Sets the lock timeout. */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = Objects.requireNonNull(timeout, "lockTimeout");
            return this;
        }

        /** The options. */
        public SqlStorageOptions build() {
            return new SqlStorageOptions(this);
        }
    }
}
