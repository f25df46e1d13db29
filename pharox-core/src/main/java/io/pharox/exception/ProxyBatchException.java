package io.pharox.exception;

/**
 * A batch of proxies was refused because of one entry, and nothing of the batch was stored. The
 * {@linkplain #getCause() cause} is what adding that entry alone would have thrown: a {@link
 * PoolNotFoundException}, a {@link ProxyAlreadyExistsException} (also for an entry whose id, or
 * host and port in its pool, an earlier entry of the batch has), a {@link NullPointerException}
 * for a {@code null} entry.
 */
public class ProxyBatchException extends PharoxException {

    private static final long serialVersionUID = 1L;

    private final int index;

    /**
     * @param index the 0-based position of the first refused entry
     * @param cause why it was refused; its message must not contain a password
     */
    public ProxyBatchException(int index, RuntimeException cause) {
        super("proxy at index " + index + " refused, nothing was added: " + cause.getMessage(), cause);
        this.index = index;
    }

    /** The 0-based position of the first refused entry in the batch. */
    public int index() {
        return index;
    }
}
