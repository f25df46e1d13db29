package io.pharox.cli;

import io.pharox.client.PharoxAdminClient;
import io.pharox.client.PharoxClientException;
import io.pharox.client.wire.HealthCheckJson;
import io.pharox.client.wire.LeaseJson;
import io.pharox.client.wire.PoolJson;
import io.pharox.client.wire.ProxyImport;
import io.pharox.client.wire.ProxyJson;
import io.pharox.client.wire.StatsJson;
import io.pharox.health.HealthCheckOptions;
import io.pharox.model.Lease;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.model.ProxyUrl;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * {@link Admin} through the administration routes of a {@code pharox-server}, with an API key
 * ({@link PharoxAdminClient}). The server answers with the domain's exceptions, which the
 * commands report as they do for a database; a server that cannot be reached, or that refuses
 * the key, is {@link Admin.Unreachable}.
 */
final class ServerAdmin implements Admin {

    private final PharoxAdminClient client;
    private final String where;

    /**
     * @throws IllegalArgumentException if the URL is not http(s) or the key is blank
     */
    ServerAdmin(URI server, String apiKey) {
        this.where = server.toString();
        this.client = new PharoxAdminClient(server, apiKey);
    }

    private <T> T call(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (PharoxClientException e) {
            if (e.status() == 0) {
                throw new Unreachable("cannot reach the server at " + where + ": " + e.getMessage(), e);
            }
            if (e.status() == 401) {
                throw new Unreachable("the server at " + where + " refused the API key in PHAROX_API_KEY", e);
            }
            throw e;
        }
    }

    @Override
    public List<ProxyPool> pools() {
        return call(client::pools).stream().map(ServerAdmin::pool).toList();
    }

    @Override
    public Optional<ProxyPool> findPool(String name) {
        return pools().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Override
    public ProxyPool createPool(String name) {
        return pool(call(() -> client.createPool(name, "")));
    }

    @Override
    public boolean deletePool(String name) {
        return call(() -> client.deletePool(name, false));
    }

    @Override
    public List<Proxy> proxies(String pool) {
        return call(() -> client.proxies(pool)).stream().map(ProxyJson::toProxy).toList();
    }

    @Override
    public List<Proxy> addProxies(ProxyPool pool, List<Proxy> proxies) {
        List<ProxyImport> entries = proxies.stream().map(ServerAdmin::entry).toList();
        return call(() -> client.importProxies(pool.name(), entries)).stream()
                .map(ProxyJson::toProxy)
                .toList();
    }

    @Override
    public List<Lease> leasesInPool(String pool) {
        return call(() -> client.leasesInPool(pool)).stream()
                .map(LeaseJson::toLease)
                .toList();
    }

    @Override
    public List<Lease> leasesOfConsumer(String consumer) {
        return call(() -> client.leasesOfConsumer(consumer)).stream()
                .map(LeaseJson::toLease)
                .toList();
    }

    @Override
    public PoolStats stats(String pool) {
        StatsJson s = call(() -> client.stats(pool));
        Map<ProxyStatus, Integer> byStatus = new EnumMap<>(ProxyStatus.class);
        for (ProxyStatus status : ProxyStatus.values()) {
            byStatus.put(status, s.proxiesByStatus().getOrDefault(status.name(), 0));
        }
        return new PoolStats(
                s.pool(),
                s.asOf(),
                byStatus,
                s.leasableProxies(),
                s.capacity(),
                s.unlimitedProxies(),
                s.activeLeases(),
                s.freeSlots());
    }

    @Override
    public boolean release(UUID leaseId) {
        return call(() -> client.release(leaseId));
    }

    @Override
    public Proxy setStatus(UUID proxyId, ProxyStatus status) {
        return call(() -> client.setStatus(proxyId, status)).toProxy();
    }

    @Override
    public HealthPass check(String pool, @Nullable HealthCheckOptions options) {
        HealthCheckJson pass = call(() -> client.checkHealth(pool));
        return new HealthPass(
                List.of(),
                pass.checked(),
                pass.byStatus(),
                pass.removedFromRotation().size(),
                pass.returnedToRotation().size(),
                pass.skipped().size());
    }

    @Override
    public boolean checksWithOwnSettings() {
        return true;
    }

    @Override
    public String migrate() {
        throw new PharoxCli.Failure(
                PharoxCli.USAGE, "migrate works on a database (--db-url): a server migrates its own schema");
    }

    @Override
    public void close() {
        client.close();
    }

    private static ProxyPool pool(PoolJson p) {
        return new ProxyPool(p.id(), p.name(), p.description(), p.createdAt());
    }

    private static ProxyImport entry(Proxy p) {
        return new ProxyImport(
                ProxyUrl.of(p).format(true),
                // Proxy.UNLIMITED for no limit: the server reads it as the core does (it refuses -1)
                p.maxConcurrency(),
                p.country().orElse(null),
                p.city().orElse(null),
                p.source().orElse(null),
                p.isp().orElse(null),
                p.asn().isPresent() ? p.asn().getAsLong() : null,
                null,
                null,
                null);
    }
}
