package io.pharox.exception;

/** No pool has the given name (or id). */
public class PoolNotFoundException extends PharoxException {

    private static final long serialVersionUID = 1L;

    private final String pool;

    /** @param pool the name (or id) that was looked up */
    public PoolNotFoundException(String pool) {
        super("pool '" + pool + "' does not exist");
        this.pool = pool;
    }

    /** The name (or id) that was looked up. */
    public String pool() {
        return pool;
    }
}
