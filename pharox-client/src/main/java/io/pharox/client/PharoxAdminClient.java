package io.pharox.client;

import io.pharox.client.wire.CreatePoolBody;
import io.pharox.client.wire.DeleteResult;
import io.pharox.client.wire.HealthCheckJson;
import io.pharox.client.wire.ImportBody;
import io.pharox.client.wire.ImportResult;
import io.pharox.client.wire.LeaseJson;
import io.pharox.client.wire.LeaseListJson;
import io.pharox.client.wire.PoolJson;
import io.pharox.client.wire.PoolListJson;
import io.pharox.client.wire.ProxyImport;
import io.pharox.client.wire.ProxyJson;
import io.pharox.client.wire.ProxyListJson;
import io.pharox.client.wire.ReleaseResult;
import io.pharox.client.wire.StatsJson;
import io.pharox.client.wire.StatusBody;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.ProxyStatus;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The administration routes of a {@code pharox-server}: pools, proxies, leases, statistics and
 * health checks. Most calls need an admin key; {@link #pools()}, {@link #stats}, {@link
 * #available} and {@link #release} also work with a consumer key, within its pools.
 *
 * <p>Answers are the wire records of {@link io.pharox.client.wire}; proxies come without
 * credentials. Errors arrive as the domain exceptions ({@link
 * io.pharox.exception.PoolNotFoundException}, {@link io.pharox.exception.PoolInUseException},
 * {@link io.pharox.exception.ProxyBatchException}, {@link IllegalArgumentException}...) or as
 * {@link PharoxClientException} (refused key, unreachable server). Thread-safe; close it to stop
 * its HTTP threads.
 */
public final class PharoxAdminClient implements AutoCloseable {

    private final Transport transport;

    /**
     * A client of the server at {@code baseUri} authenticating with {@code apiKey}, with a 30 s
     * request timeout.
     *
     * @throws IllegalArgumentException if the URI is not http(s) or the key is blank
     */
    public PharoxAdminClient(URI baseUri, String apiKey) {
        this(baseUri, apiKey, Duration.ofSeconds(30));
    }

    /**
     * A client of the server at {@code baseUri} authenticating with {@code apiKey}.
     *
     * @throws IllegalArgumentException if the URI is not http(s), the key is blank or the timeout not positive
     */
    public PharoxAdminClient(URI baseUri, String apiKey, Duration requestTimeout) {
        this.transport = new Transport(
                baseUri,
                apiKey,
                PharoxClient.Builder.positive("requestTimeout", requestTimeout),
                Duration.ofSeconds(10));
    }

    /** The pools the key may see: all for an admin key, its scope for a consumer key. */
    public List<PoolJson> pools() {
        return transport.call("GET", "/v1/pools", null, PoolListJson.class).pools();
    }

    /**
     * Creates a pool.
     *
     * @throws io.pharox.exception.PoolAlreadyExistsException if a pool of that name exists
     */
    public PoolJson createPool(String name, String description) {
        return transport.call("POST", "/v1/pools", new CreatePoolBody(name, description), PoolJson.class);
    }

    /**
     * Deletes a pool with its proxies and leases.
     *
     * @param force whether to delete it even while leases are active
     * @return whether a pool was deleted
     * @throws io.pharox.exception.PoolInUseException if leases are active and {@code force} is not set
     */
    public boolean deletePool(String pool, boolean force) {
        return transport
                .call("DELETE", poolPath(pool) + (force ? "?force=true" : ""), null, DeleteResult.class)
                .deleted();
    }

    /** The pool's proxies, without credentials. */
    public List<ProxyJson> proxies(String pool) {
        return transport
                .call("GET", poolPath(pool) + "/proxies", null, ProxyListJson.class)
                .proxies();
    }

    /**
     * Adds proxies, all or nothing.
     *
     * @return the proxies as stored, without credentials
     * @throws io.pharox.exception.ProxyBatchException naming the first refused entry
     */
    public List<ProxyJson> importProxies(String pool, List<ProxyImport> proxies) {
        return transport
                .call("POST", poolPath(pool) + "/proxies", new ImportBody(List.copyOf(proxies)), ImportResult.class)
                .proxies();
    }

    /**
     * Sets a proxy's status.
     *
     * @return the proxy as updated
     * @throws io.pharox.exception.ProxyNotFoundException if there is no such proxy
     */
    public ProxyJson setStatus(UUID proxyId, ProxyStatus status) {
        Objects.requireNonNull(status, "status");
        return transport.call("PATCH", "/v1/proxies/" + proxyId, new StatusBody(status.name()), ProxyJson.class);
    }

    /**
     * Deletes a proxy.
     *
     * @return whether a proxy was deleted
     */
    public boolean deleteProxy(UUID proxyId) {
        return transport
                .call("DELETE", "/v1/proxies/" + proxyId, null, DeleteResult.class)
                .deleted();
    }

    /** The pool's statistics. */
    public StatsJson stats(String pool) {
        return transport.call("GET", poolPath(pool) + "/stats", null, StatsJson.class);
    }

    /** Up to {@code limit} proxies an acquire without a filter could be granted now. */
    public List<ProxyJson> available(String pool, int limit) {
        return available(pool, ProxyFilters.matchAll(), limit);
    }

    /**
     * Up to {@code limit} proxies an acquire with {@code filter} could be granted now.
     *
     * @throws IllegalArgumentException if the filter holds a Java predicate
     */
    public List<ProxyJson> available(String pool, ProxyFilter filter, int limit) {
        String query = "?limit=" + limit;
        if (!filter.equals(ProxyFilters.matchAll())) {
            query += "&filter=" + Transport.encode(FilterJson.toJson(filter).toString());
        }
        return transport
                .call("GET", poolPath(pool) + "/available" + query, null, ProxyListJson.class)
                .proxies();
    }

    /** The active leases in a pool. */
    public List<LeaseJson> leasesInPool(String pool) {
        return transport
                .call("GET", "/v1/leases?pool=" + Transport.encode(pool), null, LeaseListJson.class)
                .leases();
    }

    /** The consumer's active leases in every pool. */
    public List<LeaseJson> leasesOfConsumer(String consumer) {
        return transport
                .call("GET", "/v1/leases?consumer=" + Transport.encode(consumer), null, LeaseListJson.class)
                .leases();
    }

    /**
     * Releases a lease by id.
     *
     * @return whether this call ended an active lease
     * @throws io.pharox.exception.LeaseNotFoundException if there is no such lease
     */
    public boolean release(UUID leaseId) {
        return transport
                .call("POST", "/v1/leases/" + leaseId + "/release", null, ReleaseResult.class)
                .released();
    }

    /** Health-checks the pool's proxies now and applies the results. */
    public HealthCheckJson checkHealth(String pool) {
        return transport.call("POST", poolPath(pool) + "/health-checks", null, HealthCheckJson.class);
    }

    private static String poolPath(String pool) {
        Objects.requireNonNull(pool, "pool");
        return "/v1/pools/" + Transport.encode(pool);
    }

    /** Stops the client's HTTP threads. */
    @Override
    public void close() {
        transport.close();
    }
}
