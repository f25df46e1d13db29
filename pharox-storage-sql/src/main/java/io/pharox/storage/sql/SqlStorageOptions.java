package io.pharox.storage.sql;

import io.pharox.storage.StorageListener;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a SQL storage adapter treats credentials and bounds its statements; the same options
 * for the JDBC and the JPA adapter. Immutable; {@link #defaults()} or {@link #builder()}.
 *
 * <p>The statement and lock timeouts bound every statement the adapter runs (not the
 * migrations): PostgreSQL cancels a statement that runs longer than the statement timeout
 * ({@code 57014}) or waits for a lock longer than the lock timeout ({@code 55P03}), and the
 * caller gets a {@link io.pharox.exception.StorageException} that says which. The adapter sets
 * them for its own statements only, in their transaction ({@code set_config(…, true)}); a
 * connection goes back to the pool with the server's settings untouched.
 */
public final class SqlStorageOptions {

    /** The statement timeout when none is given. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    /** The lock timeout when none is given. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    /** The shortest statement or lock timeout accepted: PostgreSQL counts them in milliseconds. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

    /** The longest statement or lock timeout accepted. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(24);

    private static final SqlStorageOptions DEFAULTS = builder().build();

    /**
     * Whether concurrent acquires and releases of one storage are served together, group-commit
     * style: one statement and one commit for every call that queued while the previous one ran.
     */
    public enum Coalescing {
        /** Every call runs its own statements. */
        OFF,
        /**
         * The default. Acquires of the same pool, strategy ({@code FIRST_AVAILABLE} or
         * {@code LEAST_USED}) and filter without Java predicates or idempotency key, and all
         * releases, are claimed or ended together when they arrive while a statement of their kind
         * runs; a call that finds none running runs at once, alone, with the one-call statement.
         */
        ON,
        /**
         * As {@link #ON}, but a lone acquire runs the batch statement too (a batch of one): for
         * tests that run every claim through the batch statement.
         */
        ALWAYS
    }

    private final @Nullable CredentialKeyring keyring;
    private final boolean plaintextCredentialsAllowed;
    private final Duration statementTimeout;
    private final Duration lockTimeout;
    private final Coalescing coalescing;
    private final boolean wakeUps;
    private final @Nullable ListenConnections listenConnections;
    private final StorageListener storageListener;

    private SqlStorageOptions(Builder b) {
        this.listenConnections = b.listenConnections;
        this.storageListener = b.storageListener;
        this.coalescing = b.coalescing;
        this.wakeUps = b.wakeUps;
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

    /** Whether concurrent calls are served together ({@link Coalescing#ON} by default). */
    public Coalescing coalescing() {
        return coalescing;
    }

    /**
     * Whether waiting acquires are woken across processes by {@code LISTEN}/{@code NOTIFY}
     * ({@code true} by default; see {@code docs/waiting.md}). Without, they poll.
     */
    public boolean wakeUps() {
        return wakeUps;
    }

    /**
     * Where the wait queue's listener takes its connection, if set; by default the adapter's
     * own (a connection of the {@code DataSource}, or of Hibernate's connection provider). Set
     * it when those connections cannot {@code LISTEN}, e.g. behind PgBouncer in transaction mode.
     */
    public Optional<ListenConnections> listenConnections() {
        return Optional.ofNullable(listenConnections);
    }

    /**
     * What hears the adapter's retried statements (deadlocks and serialization failures that
     * PostgreSQL rolled back, run again); {@link StorageListener#NONE} by default.
     */
    public StorageListener storageListener() {
        return storageListener;
    }

    /** Builder for {@link SqlStorageOptions}. Not thread-safe. */
    public static final class Builder {
        private StorageListener storageListener = StorageListener.NONE;
        private @Nullable CredentialKeyring keyring;
        private boolean plaintextCredentialsAllowed;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
        private Coalescing coalescing = Coalescing.ON;
        private boolean wakeUps = true;
        private @Nullable ListenConnections listenConnections;

        private Builder() {}

        /**
         * Sets what hears each statement or transaction that PostgreSQL rolled back as a
         * deadlock victim ({@code 40P01}) or for a serialization failure ({@code 40001}) and that
         * the adapter runs again ({@link StorageListener#onStatementRetried}), e.g. a metrics
         * binder counting them by SQL state. None by default.
         */
        public Builder storageListener(StorageListener listener) {
            this.storageListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets where the wait queue's listener takes its one connection (by default, where the
         * adapter takes its others): for a direct connection when those go through a pooler
         * that cannot {@code LISTEN}.
         */
        public Builder listenConnections(ListenConnections connections) {
            this.listenConnections = Objects.requireNonNull(connections, "connections");
            return this;
        }

        /**
         * Sets whether waiting acquires join the store's wait queue and are woken by
         * {@code LISTEN}/{@code NOTIFY} from any process ({@code true} by default), or poll.
         */
        public Builder wakeUps(boolean wakeUps) {
            this.wakeUps = wakeUps;
            return this;
        }

        /** Sets whether concurrent acquires and releases are served together ({@link Coalescing#ON} by default). */
        public Builder coalescing(Coalescing coalescing) {
            this.coalescing = Objects.requireNonNull(coalescing, "coalescing");
            return this;
        }

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

        /**
         * Sets the statement timeout: how long one statement may run ({@link #DEFAULT_STATEMENT_TIMEOUT}, 30 s,
         * by default).
         *
         * @throws IllegalArgumentException if it is not whole milliseconds from {@link #MIN_TIMEOUT}
         *         to {@link #MAX_TIMEOUT}
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = requireTimeout("statementTimeout", timeout);
            return this;
        }

        /**
         * Sets the lock timeout: how long one statement may wait for a lock, such as a proxy row
         * that another transaction holds ({@link #DEFAULT_LOCK_TIMEOUT}, 10 s, by default).
         *
         * @throws IllegalArgumentException if it is not whole milliseconds from {@link #MIN_TIMEOUT}
         *         to {@link #MAX_TIMEOUT}
         */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = requireTimeout("lockTimeout", timeout);
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException if the lock timeout is longer than the statement
         *         timeout, which would cancel the statement first
         */
        public SqlStorageOptions build() {
            if (lockTimeout.compareTo(statementTimeout) > 0) {
                throw new IllegalArgumentException(
                        "lockTimeout must not exceed statementTimeout (" + statementTimeout + "), was " + lockTimeout);
            }
            return new SqlStorageOptions(this);
        }

        private static Duration requireTimeout(String name, Duration timeout) {
            Objects.requireNonNull(timeout, name);
            if (timeout.compareTo(MIN_TIMEOUT) < 0
                    || timeout.compareTo(MAX_TIMEOUT) > 0
                    || timeout.getNano() % 1_000_000 != 0) {
                throw new IllegalArgumentException(name + " must be whole milliseconds between " + MIN_TIMEOUT + " and "
                        + MAX_TIMEOUT + ", was " + timeout);
            }
            return timeout;
        }
    }
}
