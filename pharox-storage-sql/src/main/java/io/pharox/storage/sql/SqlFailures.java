package io.pharox.storage.sql;

import io.pharox.exception.PharoxException;
import io.pharox.exception.PoolAlreadyExistsException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.StorageException;
import io.pharox.model.Proxy;
import io.pharox.storage.StorageListener;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the SQL adapters turn a PostgreSQL failure into the storage port's exceptions, so that
 * callers read the same exception and the same words whichever adapter failed: a violated
 * constraint of this schema becomes its domain exception, anything else a
 * {@link StorageException} whose message says in words what the SQL state means (e.g.
 * {@code "database connection terminated by the server (SQL state 57P01)"}), with the
 * driver's exception as the cause.
 *
 * <p>Deadlocks and serialization failures ({@code 40P01}, {@code 40001}) roll back the whole
 * transaction, so running the same work again is safe: {@link #retrying} does that, up to
 * {@value #ATTEMPTS} attempts in all. A statement canceled by the statement timeout
 * ({@code 57014}) or the lock timeout ({@code 55P03}) is not retried: the timeouts bound how
 * long a call may take, and a retry would wait again.
 *
 * <p>A lost connection ({@link #connectionLost}) leaves the work in doubt: the commit may have
 * happened with only its reply lost. The lease engine runs acquire, release and renew through
 * {@code recovering}, which tries again on a new connection after finding out what the lost
 * attempt did.
 */
public final class SqlFailures {

    /** Attempts {@link #retrying} makes at work that PostgreSQL keeps rolling back. */
    public static final int ATTEMPTS = 5;

    /**
     * Attempts {@link #recovering} makes at work whose connection is lost: the first, and two on
     * new connections.
     */
    public static final int RECOVERY_ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(SqlFailures.class);

    private SqlFailures() {}

    /**
     * The exception for a database failure.
     *
     * @param sqlState      the failure's five-character SQL state, or {@code null} if the driver gave none
     * @param driverMessage the driver's message, which names the violated constraint
     * @param cause         the driver's exception, kept as the cause of a {@link StorageException}
     * @param poolName      the pool name the failed call tried to create, or {@code null}
     * @param proxy         the proxy the failed call tried to store, or {@code null}
     * @return {@link PoolAlreadyExistsException} for a taken pool name, {@link ProxyAlreadyExistsException}
     *         for a taken proxy id or address, {@link PoolNotFoundException} for a proxy of an unknown
     *         pool, otherwise a {@link StorageException} (one that {@link #retrying} retries for
     *         {@code 40P01} and {@code 40001})
     */
    public static PharoxException translate(
            @Nullable String sqlState,
            @Nullable String driverMessage,
            Throwable cause,
            @Nullable String poolName,
            @Nullable Proxy proxy) {
        String message = String.valueOf(driverMessage);
        if ("23505".equals(sqlState)) {
            if (message.contains("pool_name_key") && poolName != null) {
                return new PoolAlreadyExistsException(poolName);
            }
            if (message.contains("proxy_pkey") && proxy != null) {
                return new ProxyAlreadyExistsException(proxy.id().toString());
            }
            if (message.contains("proxy_address_key") && proxy != null) {
                return new ProxyAlreadyExistsException(proxy.address() + " in pool " + proxy.poolId());
            }
        }
        if ("23503".equals(sqlState) && message.contains("proxy_pool_fkey") && proxy != null) {
            return new PoolNotFoundException(proxy.poolId().toString());
        }
        if (sqlState != null && (sqlState.equals("40P01") || sqlState.equals("40001"))) {
            return new RolledBack(sqlState, messageFor(sqlState), cause);
        }
        if ("57014".equals(sqlState) && message.contains("statement timeout")) {
            return new StorageException(
                    "database statement canceled: it ran longer than the statement timeout (SQL state 57014)", cause);
        }
        return new StorageException(messageFor(sqlState), cause);
    }

    /**
     * The exception for {@code failure}, thrown by jOOQ, Hibernate or the driver: the
     * translation of the first {@link SQLException} in its cause chain as by
     * {@link #translate(String, String, Throwable, String, Proxy)}, or a {@link StorageException}
     * if there is none.
     *
     * @param poolName the pool name the failed call tried to create, or {@code null}
     * @param proxy    the proxy the failed call tried to store, or {@code null}
     */
    public static PharoxException translate(Throwable failure, @Nullable String poolName, @Nullable Proxy proxy) {
        return sqlCause(failure)
                .map(sql -> translate(sql.getSQLState(), sql.getMessage(), failure, poolName, proxy))
                .orElseGet(() -> new StorageException("database operation failed: " + failure.getMessage(), failure));
    }

    /** The first {@link SQLException} in the cause chain of {@code failure}, if any: a failure of the database. */
    public static Optional<SQLException> sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code work}, and runs it again while PostgreSQL rolls it back as a deadlock victim
     * or for a serialization failure, up to {@value #ATTEMPTS} attempts in all; the last
     * failure then reaches the caller as a {@link StorageException}.
     */
    public static <T> T retrying(Supplier<T> work) {
        return retrying("statement", StorageListener.NONE, work);
    }

    /**
     * {@link #retrying(Supplier)}, telling {@code listener} of each retry: {@code operation}
     * names the work (a fixed word, never a value) and the SQL state says why it was rolled back.
     * A listener that throws is logged and the retry goes on.
     */
    public static <T> T retrying(String operation, StorageListener listener, Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (RolledBack e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                try {
                    listener.onStatementRetried(operation, e.sqlState);
                } catch (RuntimeException bug) {
                    LOG.warn("storage listener {} failed in onStatementRetried", listener, bug);
                }
            }
        }
    }

    /**
     * Whether {@code failure} lost the connection while a statement or commit was under way, so
     * that the work may or may not have committed: a connection exception (SQL state class
     * {@code 08}, which the driver also reports for an I/O error on its socket) other than a
     * failure to connect ({@code 08001}, {@code 08004}), or the server ending the session
     * ({@code 57P01}, {@code 57P02}). A failure to connect is not in doubt: nothing ran.
     */
    public static boolean connectionLost(Throwable failure) {
        String state = sqlCause(failure).map(SQLException::getSQLState).orElse(null);
        if (state == null) {
            return false;
        }
        if (state.startsWith("08")) {
            return !"08001".equals(state) && !"08004".equals(state);
        }
        return "57P01".equals(state) || "57P02".equals(state);
    }

    /** Whether {@code failure} is the insert of a lease whose id another lease has. */
    static boolean leaseIdTaken(Throwable failure) {
        return sqlCause(failure)
                .filter(sql -> "23505".equals(sql.getSQLState()))
                .map(sql -> String.valueOf(sql.getMessage()).contains("lease_pkey"))
                .orElse(false);
    }

    /**
     * Runs {@code work}, and runs it again on a new connection while its connection is lost
     * ({@link #connectionLost}) or {@code resumable} says so, up to {@value #RECOVERY_ATTEMPTS}
     * attempts in all; {@code work} learns whether the attempt before it ended in doubt, so that
     * it can first find out what that attempt did. The last failure reaches the caller.
     * Deadlocks and serialization failures are retried too, as by {@link #retrying}.
     */
    static <T> T recovering(
            String operation, StorageListener listener, Predicate<StorageException> resumable, Attempt<T> work) {
        for (int attempt = 1; ; attempt++) {
            boolean afterDoubt = attempt > 1;
            try {
                return retrying(operation, listener, () -> work.run(afterDoubt));
            } catch (StorageException e) {
                if (attempt >= RECOVERY_ATTEMPTS || !(connectionLost(e) || resumable.test(e))) {
                    throw e;
                }
            }
        }
    }

    /** {@link #recovering(Predicate, Attempt)} for work that only a lost connection makes resumable. */
    static <T> T recovering(Predicate<StorageException> resumable, Attempt<T> work) {
        return recovering("statement", StorageListener.NONE, resumable, work);
    }

    /** {@link #recovering(Predicate, Attempt)} for work that only a lost connection makes resumable. */
    static <T> T recovering(Attempt<T> work) {
        return recovering(e -> false, work);
    }

    /** {@link #recovering(Attempt)}, telling {@code listener} of each retry as {@link #retrying(String, StorageListener, Supplier)} does. */
    static <T> T recovering(String operation, StorageListener listener, Attempt<T> work) {
        return recovering(operation, listener, e -> false, work);
    }

    /** One attempt of work run by {@link #recovering}. */
    @FunctionalInterface
    interface Attempt<T> {
        /**
         * @param afterDoubt whether the attempt before this one lost its connection (or failed as
         *                   resumable) and may have committed
         */
        T run(boolean afterDoubt);
    }

    /**
     * The message for a database failure with SQL state {@code sqlState}: what happened, in
     * words, then the state, e.g. {@code "database connection lost (SQL state 08006)"}.
     *
     * @param sqlState the five-character SQL state, or {@code null} if the driver gave none
     */
    public static String messageFor(@Nullable String sqlState) {
        if (sqlState == null) {
            return "database operation failed (no SQL state)";
        }
        return describe(sqlState) + " (SQL state " + sqlState + ")";
    }

    private static String describe(String state) {
        switch (state) {
            case "08001", "08004":
                return "database unreachable: cannot connect";
            case "57P01", "57P05", "25P03":
                return "database connection terminated by the server";
            case "57P02":
                return "database server crashed; connection lost";
            case "57P03":
                return "database server is starting up or shutting down";
            case "57014":
                return "database statement canceled";
            case "55P03":
                return "database statement canceled: it waited for a lock longer than the lock timeout";
            case "40P01":
                return "database operation rolled back as a deadlock victim";
            case "40001":
                return "database operation rolled back (serialization failure)";
            default:
                if (state.startsWith("08")) {
                    return "database connection lost";
                }
                if (state.startsWith("53")) {
                    return "database server out of resources";
                }
                return "database operation failed";
        }
    }

    /** A deadlock or serialization failure: the whole transaction was rolled back. */
    private static final class RolledBack extends StorageException {
        private static final long serialVersionUID = 1L;

        final String sqlState;

        RolledBack(String sqlState, String message, Throwable cause) {
            super(message, cause);
            this.sqlState = sqlState;
        }
    }
}
