package io.pharox.cli;

import io.pharox.health.HealthCheckOptions;
import io.pharox.health.PoolHealthReport;
import io.pharox.model.Lease;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

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

    /** The proxy with this id, if there is one. */
    Optional<Proxy> findProxy(UUID id);

    /** Adds the proxies, all or nothing ({@link io.pharox.storage.ProxyStorage#addProxies}). */
    List<Proxy> addProxies(List<Proxy> proxies);

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

    /** Checks every proxy of the pool now and records the results. */
    PoolHealthReport check(String pool, HealthCheckOptions options);

    /** Creates or upgrades the schema: a sentence saying what was done. */
    String migrate();

    /** Gives back connections; never throws. */
    @Override
    void close();

    /** The store cannot be reached: exit code 3. The message names where, never a password. */
    final class Unreachable extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
