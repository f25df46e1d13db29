package io.pharox.benchmarks;

/**
 * What a benchmark drives: take one slot of the pool and give it back. Adapters and their
 * baselines implement it, so both run the very same benchmark method.
 */
public interface Leaser extends AutoCloseable {

    /** Takes a slot; returns its handle, or {@code null} when no slot was available. */
    Object acquire();

    /** Gives back the slot of {@code lease}, a handle {@link #acquire()} returned. */
    void release(Object lease);

    /** Takes a slot and gives it back at once; returns whether a slot was taken. */
    default boolean acquireRelease() {
        Object lease = acquire();
        if (lease == null) {
            return false;
        }
        release(lease);
        return true;
    }

    /** Frees what the leaser holds (connections, factories); it is not used afterwards. */
    @Override
    void close();
}
