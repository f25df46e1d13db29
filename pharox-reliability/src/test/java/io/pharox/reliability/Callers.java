package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.exception.StorageException;
import io.pharox.model.LeasedProxy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** What a caller of the storage does after a fault: try again, a bounded number of times. */
final class Callers {

    /** Messages of a fault of the connection or the server: what a caller may read around one. */
    static final Set<String> CONNECTION_FAULTS = Set.of(
            "database connection terminated by the server (SQL state 57P01)",
            "database connection lost (SQL state 08006)",
            "database connection lost (SQL state 08003)",
            "database unreachable: cannot connect (SQL state 08001)");

    private Callers() {}

    /**
     * Acquires, retrying on {@link StorageException}s of {@link #CONNECTION_FAULTS} (a pooled
     * connection that died with the fault fails its next use once) until {@code bound} has
     * passed; any other failure fails the test.
     */
    static Optional<LeasedProxy> acquireWithin(ProxyStorage storage, AcquireRequest request, Duration bound)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        StorageException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return storage.acquire(request);
            } catch (StorageException e) {
                assertThat(CONNECTION_FAULTS).as("message after the fault").contains(e.getMessage());
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("no acquire within " + bound + " after the fault", last);
    }
}
