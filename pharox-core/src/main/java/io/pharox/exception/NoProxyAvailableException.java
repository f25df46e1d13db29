package io.pharox.exception;

/**
 * {@link io.pharox.ProxyManager#lease} found no available proxy: every proxy of the pool that
 * matches the request is full, not leasable, circuit-open or banned for the request's target.
 * Calls that return {@code Optional} report the same case as empty instead.
 */
public class NoProxyAvailableException extends PharoxException {

    private static final long serialVersionUID = 1L;

    private final String poolName;

    /** @param poolName the pool that had no available proxy */
    public NoProxyAvailableException(String poolName) {
        super("no proxy of pool '" + poolName + "' is available for this request");
        this.poolName = poolName;
    }

    /** The pool that had no available proxy. */
    public String poolName() {
        return poolName;
    }
}
