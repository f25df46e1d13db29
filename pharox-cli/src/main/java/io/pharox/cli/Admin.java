package io.pharox.cli;

import io.pharox.health.HealthCheckOptions;
import io.pharox.health.PoolHealthReport;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Lease;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the commands do to a Pharox store, whichever way they reach it. The database
 * implementation is {@link DatabaseAdmin}. Failures are the core's exceptions: {@link
 * io.pharox.exception.PoolNotFoundException} and the like for refusals, {@link
 * io.pharox.exception.StorageException} when the store fails; {@link Unreachable} when it cannot
 * be reached at all.
 */
interface Admin extends AutoCloseable {

    /** Every pool, by name. */
    List<ProxyPool> pools();

    /** The pool with this name, if there is one. */
    Optional<ProxyPool> findPool(String name);

    /** Creates a pool with an empty description. */
    ProxyPool createPool(String name);

    /** Deletes a pool without active leases: whether there was one. */
    boolean deletePool(String name);

    /** The pool's proxies. */
    List<Proxy> proxies(String pool);

    /**
     * Adds the proxies to the pool, all or nothing ({@link io.pharox.storage.ProxyStorage#addProxies}).
     *
     * @throws io.pharox.exception.ProxyBatchException naming the first refused entry
     */
    List<Proxy> addProxies(ProxyPool pool, List<Proxy> proxies);

    /** The pool's active leases. */
    List<Lease> leasesInPool(String pool);

    /** The consumer's active leases in every pool. */
    List<Lease> leasesOfConsumer(String consumer);

    /** A snapshot of the pool's numbers. */
    PoolStats stats(String pool);

    /** Releases a lease: whether this call ended an active one. */
    boolean release(UUID leaseId);

    /** Sets a proxy's status, keeping everything else. */
    Proxy setStatus(UUID proxyId, ProxyStatus status);

    /**
     * Checks every proxy of the pool now and records the results.
     *
     * @param options how to check, or {@code null} for the server's own settings (a database
     *        needs them: see {@link #checksWithOwnSettings()})
     */
    HealthPass check(String pool, @Nullable HealthCheckOptions options);

    /** Whether {@link #check} uses the store's own settings (a server) rather than the caller's. */
    boolean checksWithOwnSettings();

    /** Creates or upgrades the schema: a sentence saying what was done. */
    String migrate();

    /** Gives back connections; never throws. */
    @Override
    void close();

    /**
     * What a health pass found.
     *
     * @param results one per checked proxy, when the store says (a database does, a server gives counts only)
     * @param checked how many proxies were checked
     * @param byStatus how many checks ended in each health status
     * @param removed how many proxies the pass took out of rotation
     * @param returned how many it put back
     * @param skipped how many it left unchecked (banned)
     */
    record HealthPass(
            List<HealthCheckResult> results,
            int checked,
            Map<String, Long> byStatus,
            int removed,
            int returned,
            int skipped) {

        public HealthPass {
            results = List.copyOf(results);
            byStatus = Map.copyOf(byStatus);
        }

        static HealthPass of(PoolHealthReport report) {
            Map<String, Long> byStatus = new java.util.HashMap<>();
            for (HealthStatus status : HealthStatus.values()) {
                byStatus.put(status.name(), report.count(status));
            }
            return new HealthPass(
                    report.results(),
                    report.results().size(),
                    byStatus,
                    report.removedFromRotation().size(),
                    report.returnedToRotation().size(),
                    report.skipped().size());
        }

        long count(HealthStatus status) {
            return byStatus.getOrDefault(status.name(), 0L);
        }
    }

    /** The store cannot be reached: exit code 3. The message names where, never a password. */
    final class Unreachable extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
