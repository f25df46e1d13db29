package io.pharox.exception;

/**
 * Root of Pharox's domain errors: a pool, proxy or lease that does not exist, a name already
 * taken, a lease that cannot be renewed, a storage failure. Invalid arguments are reported
 * with {@link IllegalArgumentException} or {@link NullPointerException} instead. Messages
 * name the offending value and never contain a password.
 */
public class PharoxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An error with a message. */
    public PharoxException(String message) {
        super(message);
    }

    /** An error with a message and its cause. */
    public PharoxException(String message, Throwable cause) {
        super(message, cause);
    }
}
