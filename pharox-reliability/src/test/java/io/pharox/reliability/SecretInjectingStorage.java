package io.pharox.reliability;

import io.pharox.filter.ProxyFilter;
import io.pharox.model.CheckedProxy;
import io.pharox.model.Consumer;
import io.pharox.model.Credentials;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.model.SessionInfo;
import io.pharox.model.TargetBan;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A storage in front of the adapter under test that makes every proxy carry a secret password
 * and tells {@link SecretScan} which strings are secret.
 *
 * <p>A proxy added or updated without credentials gets credentials with a random password of
 * its own, which this wrapper takes off again on the way back (only where the stored
 * credentials are exactly those it added), so that the contract suite sees what it stored
 * while every write, read, acquire and failure of the adapter handles a password. A password
 * the suite chose itself is registered too, unless it is shorter than
 * {@value #MIN_SECRET_LENGTH} characters or also one of the proxy's other, non-secret values
 * (the bad-input catalogue stores the same hostile text as city and password).
 *
 * <p>Every exception a call throws is checked (message, cause chain) before it is rethrown.
 */
final class SecretInjectingStorage implements ProxyStorage {

    static final int MIN_SECRET_LENGTH = 6;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ProxyStorage delegate;
    private final SecretScan scan;
    private final Map<UUID, Credentials> injected = new ConcurrentHashMap<>();

    SecretInjectingStorage(ProxyStorage delegate, SecretScan scan) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.scan = Objects.requireNonNull(scan, "scan");
    }

    /** A new secret password, registered with the scan. */
    static String newSecret(SecretScan scan) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        String secret = "pw-" + HexFormat.of().formatHex(bytes);
        scan.secret(secret);
        return secret;
    }

    private Proxy inject(Proxy proxy) {
        Optional<Credentials> own = proxy.credentials();
        if (own.isPresent()) {
            injected.remove(proxy.id());
            String password = own.get().password();
            boolean alsoPlain = Stream.of(
                            Optional.of(proxy.host()),
                            Optional.of(own.get().username()),
                            proxy.country(),
                            proxy.city(),
                            proxy.source(),
                            proxy.isp())
                    .flatMap(Optional::stream)
                    .anyMatch(password::equals);
            if (password.length() >= MIN_SECRET_LENGTH && !alsoPlain) {
                scan.secret(password);
            }
            return proxy;
        }
        Credentials credentials = injected.computeIfAbsent(proxy.id(), id -> new Credentials("trace", newSecret(scan)));
        return proxy.toBuilder().credentials(credentials).build();
    }

    private Proxy strip(Proxy proxy) {
        Credentials ours = injected.get(proxy.id());
        if (ours != null && proxy.credentials().filter(ours::equals).isPresent()) {
            return proxy.toBuilder().credentials(null).build();
        }
        return proxy;
    }

    private LeasedProxy strip(LeasedProxy leased) {
        return leased.withProxy(strip(leased.proxy()));
    }

    private <T> T call(String name, Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException | Error e) {
            scan.checkThrown(name, e);
            throw e;
        }
    }

    @Override
    public ProxyPool createPool(String name, String description) {
        return call("createPool", () -> delegate.createPool(name, description));
    }

    @Override
    public Optional<ProxyPool> findPool(String name) {
        return call("findPool", () -> delegate.findPool(name));
    }

    @Override
    public List<ProxyPool> listPools() {
        return call("listPools", delegate::listPools);
    }

    @Override
    public ProxyPool setDefaultMinGrantInterval(String poolName, @Nullable Duration interval) {
        return call("setDefaultMinGrantInterval", () -> delegate.setDefaultMinGrantInterval(poolName, interval));
    }

    @Override
    public Proxy addProxy(Proxy proxy) {
        return call("addProxy", () -> strip(delegate.addProxy(proxy == null ? null : inject(proxy))));
    }

    @Override
    public List<Proxy> addProxies(List<Proxy> proxies) {
        List<Proxy> injectedBatch = proxies == null
                ? null
                : proxies.stream().map(p -> p == null ? null : inject(p)).collect(Collectors.toList());
        return call(
                "addProxies",
                () -> delegate.addProxies(injectedBatch).stream().map(this::strip).toList());
    }

    @Override
    public boolean deletePool(String poolName, boolean force) {
        return call("deletePool", () -> delegate.deletePool(poolName, force));
    }

    @Override
    public List<Lease> leasesOfConsumer(String consumerName) {
        return call("leasesOfConsumer", () -> delegate.leasesOfConsumer(consumerName));
    }

    @Override
    public List<Proxy> findAvailable(AcquireRequest request, int limit) {
        return call(
                "findAvailable",
                () -> delegate.findAvailable(stripping(request), limit).stream()
                        .map(this::strip)
                        .toList());
    }

    @Override
    public Proxy updateProxy(Proxy proxy) {
        return call("updateProxy", () -> strip(delegate.updateProxy(proxy == null ? null : inject(proxy))));
    }

    @Override
    public boolean removeProxy(UUID proxyId) {
        return call("removeProxy", () -> delegate.removeProxy(proxyId));
    }

    @Override
    public Optional<Proxy> findProxy(UUID proxyId) {
        return call("findProxy", () -> delegate.findProxy(proxyId).map(this::strip));
    }

    @Override
    public List<Proxy> listProxies(String poolName) {
        return call(
                "listProxies",
                () -> delegate.listProxies(poolName).stream().map(this::strip).toList());
    }

    @Override
    public Consumer ensureConsumer(String name) {
        return call("ensureConsumer", () -> delegate.ensureConsumer(name));
    }

    @Override
    public Optional<LeasedProxy> acquire(AcquireRequest request) {
        AcquireRequest seen = stripping(request);
        return call("acquire", () -> delegate.acquire(seen).map(this::strip));
    }

    /** {@code request} with its filter's Java predicates seeing proxies as the suite stored them. */
    private AcquireRequest stripping(AcquireRequest request) {
        return request != null && request.filter().hasPredicates()
                ? request.toBuilder().filter(stripping(request.filter())).build()
                : request;
    }

    /** {@code filter} with each Java predicate seeing the proxy as the suite stored it. */
    private ProxyFilter stripping(ProxyFilter filter) {
        if (filter instanceof ProxyFilter.Matching m) {
            return new ProxyFilter.Matching(m.description(), p -> m.predicate().test(strip(p)));
        }
        if (filter instanceof ProxyFilter.AllOf all) {
            return new ProxyFilter.AllOf(
                    all.clauses().stream().map(this::stripping).toList());
        }
        if (filter instanceof ProxyFilter.AnyOf any) {
            return new ProxyFilter.AnyOf(
                    any.clauses().stream().map(this::stripping).toList());
        }
        if (filter instanceof ProxyFilter.NoneOf none) {
            return new ProxyFilter.NoneOf(
                    none.clauses().stream().map(this::stripping).toList());
        }
        return filter;
    }

    @Override
    public boolean release(UUID leaseId) {
        return call("release", () -> delegate.release(leaseId));
    }

    @Override
    public Optional<Lease> renew(UUID leaseId, Duration ttl) {
        return call("renew", () -> delegate.renew(leaseId, ttl));
    }

    @Override
    public int cleanupExpiredLeases() {
        return call("cleanupExpiredLeases", delegate::cleanupExpiredLeases);
    }

    @Override
    public Proxy applyHealthCheckResult(HealthCheckResult result) {
        return call("applyHealthCheckResult", () -> strip(delegate.applyHealthCheckResult(result)));
    }

    @Override
    public Proxy applyHealthCheckResult(HealthCheckResult result, OutcomePolicy policy) {
        return call("applyHealthCheckResult", () -> strip(delegate.applyHealthCheckResult(result, policy)));
    }

    @Override
    public CheckedProxy applyHealthCheck(HealthCheckResult result, OutcomePolicy policy) {
        return call("applyHealthCheck", () -> {
            CheckedProxy checked = delegate.applyHealthCheck(result, policy);
            return new CheckedProxy(strip(checked.proxy()), checked.standing());
        });
    }

    @Override
    public ProxyStanding report(UUID leaseId, long fencingToken, Outcome outcome, OutcomePolicy policy) {
        return call("report", () -> delegate.report(leaseId, fencingToken, outcome, policy));
    }

    @Override
    public Optional<ProxyStanding> standing(UUID proxyId) {
        return call("standing", () -> delegate.standing(proxyId));
    }

    @Override
    public List<TargetBan> bans(UUID proxyId) {
        return call("bans", () -> delegate.bans(proxyId));
    }

    @Override
    public Optional<SessionInfo> findSession(String poolName, String key) {
        return call("findSession", () -> delegate.findSession(poolName, key));
    }

    @Override
    public boolean endSession(String poolName, String key) {
        return call("endSession", () -> delegate.endSession(poolName, key));
    }

    @Override
    public Optional<Lease> findLease(UUID leaseId) {
        return call("findLease", () -> delegate.findLease(leaseId));
    }

    @Override
    public List<Lease> activeLeases(UUID proxyId) {
        return call("activeLeases", () -> delegate.activeLeases(proxyId));
    }

    @Override
    public List<Lease> activeLeasesInPool(String poolName) {
        return call("activeLeasesInPool", () -> delegate.activeLeasesInPool(poolName));
    }

    @Override
    public PoolStats poolStats(String poolName) {
        return call("poolStats", () -> delegate.poolStats(poolName));
    }
}
