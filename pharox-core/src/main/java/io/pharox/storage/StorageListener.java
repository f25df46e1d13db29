package io.pharox.storage;

/**
 * Hears what a storage adapter does behind the port that its callers cannot see, such as a
 * statement the database rolled back and the adapter ran again. Set one on an adapter that
 * supports it (the PostgreSQL adapters: {@code SqlStorageOptions.builder().storageListener(…)}),
 * e.g. to count retries by SQL state. Methods run on the thread of the storage call, between
 * its attempts: they must be quick and must not call the storage. An exception a listener throws
 * is logged and does not affect the call.
 */
public interface StorageListener {

    /** A listener that ignores everything: the adapters' default. */
    StorageListener NONE = new StorageListener() {};

    /**
     * The database rolled back a statement or transaction of {@code operation} (a deadlock
     * victim, a serialization failure) and the adapter is about to run it again.
     *
     * @param operation what the storage was doing, a short fixed name such as {@code "acquire"},
     *                  {@code "release"}, {@code "report"}, {@code "cleanupExpiredLeases"}: never
     *                  an id or a value, so it can serve as a metric tag
     * @param sqlState  the failure's five-character SQL state, such as {@code "40P01"} (deadlock)
     *                  or {@code "40001"} (serialization failure)
     */
    default void onStatementRetried(String operation, String sqlState) {}
}
