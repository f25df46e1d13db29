package io.pharox.exception;

/**
 * The storage failed for a reason outside the domain: a lost connection, a database
 * restart, a serialization failure that retries did not resolve. Adapters wrap driver
 * errors in it so that callers see one exception type, with the driver's error as cause.
 * The failed call may be retried later: the SQL adapters take a new connection for every
 * operation, so they recover once the database is reachable again. An acquire that failed
 * this way may have been granted a lease the caller never saw; repeat it with the same
 * {@linkplain io.pharox.storage.AcquireRequest#idempotencyKey() idempotency key} to get that
 * lease rather than a second one.
 */
public class StorageException extends PharoxException {

    private static final long serialVersionUID = 1L;

    /** A failure with a message and the underlying cause. */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
