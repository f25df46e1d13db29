package io.pharox;

/**
 * The storage failed for a reason outside the domain: a lost connection, a database
 * restart, a serialization failure that retries did not resolve. Adapters wrap driver
 * errors in it so that callers see one exception type, with the driver's error as cause.
 * The failed call may be retried later: the SQL adapters take a new connection for every
 * operation, so they recover once the database is reachable again.
 */
public class StorageException extends PharoxException {

    private static final long serialVersionUID = 1L;

    /** A failure with a message and the underlying cause. */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The message for a database failure with SQL state {@code sqlState}: what happened, in
     * words, then the state, e.g. {@code "database connection lost (SQL state 08006)"} or
     * {@code "database connection terminated by the server (SQL state 57P01)"}. For SQL
     * adapters, so that callers read the same words whichever adapter failed.
     *
     * @param sqlState the five-character SQL state, or {@code null} if the driver gave none
     */
    public static String messageFor(String sqlState) {
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
}
