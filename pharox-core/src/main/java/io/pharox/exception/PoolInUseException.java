package io.pharox.exception;

/**
 * A pool cannot be deleted because leases on its proxies are active; delete it with {@code
 * force} to end them as released.
 */
public class PoolInUseException extends PharoxException {

    private static final long serialVersionUID = 1L;

    private final String poolName;
    private final int activeLeases;

    /**
     * @param poolName the pool's name
     * @param activeLeases how many leases were active when the deletion was refused
     */
    public PoolInUseException(String poolName, int activeLeases) {
        super("pool '" + poolName + "' has " + activeLeases + " active lease" + (activeLeases == 1 ? "" : "s")
                + "; release them first or delete with force");
        this.poolName = poolName;
        this.activeLeases = activeLeases;
    }

    /** The pool's name. */
    public String poolName() {
        return poolName;
    }

    /** How many leases were active when the deletion was refused. */
    public int activeLeases() {
        return activeLeases;
    }
}
