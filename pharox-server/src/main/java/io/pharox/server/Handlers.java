package io.pharox.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.pharox.ProxyManager;
import io.pharox.client.FilterJson;
import io.pharox.client.wire.AcquireBody;
import io.pharox.client.wire.CreatePoolBody;
import io.pharox.client.wire.DeleteResult;
import io.pharox.client.wire.ErrorCode;
import io.pharox.client.wire.HealthCheckJson;
import io.pharox.client.wire.ImportBody;
import io.pharox.client.wire.ImportResult;
import io.pharox.client.wire.LeaseJson;
import io.pharox.client.wire.LeaseListJson;
import io.pharox.client.wire.LeasedProxyJson;
import io.pharox.client.wire.PoolJson;
import io.pharox.client.wire.PoolListJson;
import io.pharox.client.wire.ProxyImport;
import io.pharox.client.wire.ProxyJson;
import io.pharox.client.wire.ProxyListJson;
import io.pharox.client.wire.ReleaseResult;
import io.pharox.client.wire.RenewBody;
import io.pharox.client.wire.StatsJson;
import io.pharox.client.wire.StatusBody;
import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.exception.ProxyNotFoundException;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.health.HealthChecker;
import io.pharox.health.HealthMonitor;
import io.pharox.health.PoolHealthReport;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.model.ProxyUrl;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The handlers of the {@code /v1} routes. */
final class Handlers implements AutoCloseable {

    static final String KEY = "pharox.key";

    /** Registers a route with the server, which checks the key before the handler runs. */
    interface Registrar {
        void route(HandlerType method, String path, Route.Access access, Handler handler);
    }

    private static final int MAX_AVAILABLE = 1000;

    private final ProxyManager manager;
    private final ProxyStorage storage;
    private final @Nullable HealthMonitor healthMonitor;
    private final Duration maxWait;
    private final ObjectMapper json;

    Handlers(ProxyManager manager, @Nullable HealthChecker checker, Duration maxWait, ObjectMapper json) {
        this.manager = manager;
        this.storage = manager.storage();
        this.healthMonitor = checker == null ? null : new HealthMonitor(manager, checker);
        this.maxWait = maxWait;
        this.json = json;
    }

    void register(Registrar r) {
        r.route(HandlerType.GET, "/v1/pools", Route.Access.CONSUMER, this::listPools);
        r.route(HandlerType.POST, "/v1/pools", Route.Access.ADMIN, this::createPool);
        r.route(HandlerType.DELETE, "/v1/pools/{pool}", Route.Access.ADMIN, this::deletePool);
        r.route(HandlerType.GET, "/v1/pools/{pool}/proxies", Route.Access.ADMIN, this::listProxies);
        r.route(HandlerType.POST, "/v1/pools/{pool}/proxies", Route.Access.ADMIN, this::importProxies);
        r.route(HandlerType.GET, "/v1/pools/{pool}/stats", Route.Access.CONSUMER, this::stats);
        r.route(HandlerType.GET, "/v1/pools/{pool}/available", Route.Access.CONSUMER, this::available);
        r.route(HandlerType.POST, "/v1/pools/{pool}/leases", Route.Access.CONSUMER, this::acquire);
        r.route(HandlerType.POST, "/v1/pools/{pool}/health-checks", Route.Access.ADMIN, this::healthChecks);
        r.route(HandlerType.PATCH, "/v1/proxies/{id}", Route.Access.ADMIN, this::updateProxy);
        r.route(HandlerType.DELETE, "/v1/proxies/{id}", Route.Access.ADMIN, this::deleteProxy);
        r.route(HandlerType.GET, "/v1/leases", Route.Access.ADMIN, this::listLeases);
        r.route(HandlerType.POST, "/v1/leases/{id}/release", Route.Access.CONSUMER, this::release);
        r.route(HandlerType.POST, "/v1/leases/{id}/renew", Route.Access.CONSUMER, this::renew);
    }

    // ---- pools

    private void listPools(Context ctx) {
        ApiKey key = key(ctx);
        List<PoolJson> pools = storage.listPools().stream()
                .filter(p -> key.mayUse(p.name()))
                .map(PoolJson::of)
                .collect(Collectors.toList());
        send(ctx, 200, new PoolListJson(pools));
    }

    private void createPool(Context ctx) {
        CreatePoolBody body = body(ctx, CreatePoolBody.class);
        if (body.name() == null) {
            throw badRequest("name is required");
        }
        scope(ctx, body.name());
        ProxyPool pool = storage.createPool(body.name(), body.description() == null ? "" : body.description());
        send(ctx, 201, PoolJson.of(pool));
    }

    private void deletePool(Context ctx) {
        ProxyPool pool = pool(ctx);
        boolean force = Boolean.parseBoolean(ctx.queryParam("force"));
        if (!manager.deletePool(pool.name(), force)) {
            throw new PoolNotFoundException(pool.name());
        }
        send(ctx, 200, new DeleteResult(true));
    }

    // ---- proxies

    private void listProxies(Context ctx) {
        ProxyPool pool = pool(ctx);
        send(ctx, 200, new ProxyListJson(proxies(storage.listProxies(pool.name()))));
    }

    private void importProxies(Context ctx) {
        ProxyPool pool = pool(ctx);
        ImportBody body = body(ctx, ImportBody.class);
        if (body.proxies() == null) {
            throw badRequest("proxies is required");
        }
        List<Proxy> proxies = new ArrayList<>(body.proxies().size());
        for (int i = 0; i < body.proxies().size(); i++) {
            try {
                proxies.add(proxy(pool, body.proxies().get(i)));
            } catch (RuntimeException e) {
                throw Errors.map(new ProxyBatchException(
                        i,
                        e instanceof IllegalArgumentException
                                ? e
                                : new IllegalArgumentException("entry is not a proxy")));
            }
        }
        List<Proxy> added = manager.addProxies(proxies);
        send(ctx, 201, new ImportResult(added.size(), proxies(added)));
    }

    private static Proxy proxy(ProxyPool pool, @Nullable ProxyImport entry) {
        if (entry == null || entry.url() == null) {
            throw new IllegalArgumentException("url is required");
        }
        Proxy.Builder builder =
                ProxyUrl.parse(entry.url()).applyTo(Proxy.builder().poolId(pool.id()));
        if (entry.maxConcurrency() != null) {
            builder.maxConcurrency(entry.maxConcurrency());
        }
        if (entry.status() != null) {
            builder.status(status(entry.status()));
        }
        if ((entry.latitude() == null) != (entry.longitude() == null)) {
            throw new IllegalArgumentException("latitude and longitude go together");
        }
        if (entry.latitude() != null && entry.longitude() != null) {
            builder.location(entry.latitude(), entry.longitude());
        }
        return builder.country(entry.country())
                .city(entry.city())
                .source(entry.source())
                .isp(entry.isp())
                .asn(entry.asn())
                .build();
    }

    private void updateProxy(Context ctx) {
        UUID id = uuid(ctx, "id");
        StatusBody body = body(ctx, StatusBody.class);
        if (body.status() == null) {
            throw badRequest("status is required");
        }
        ProxyStatus status = status(body.status());
        Proxy proxy = storage.findProxy(id).orElseThrow(() -> Errors.map(new ProxyNotFoundException(id), id));
        scopeOfPool(ctx, proxy.poolId());
        Proxy updated = storage.updateProxy(proxy.withStatus(status));
        send(ctx, 200, ProxyJson.of(updated, false));
    }

    private void deleteProxy(Context ctx) {
        UUID id = uuid(ctx, "id");
        Proxy proxy = storage.findProxy(id).orElseThrow(() -> Errors.map(new ProxyNotFoundException(id), id));
        scopeOfPool(ctx, proxy.poolId());
        send(ctx, 200, new DeleteResult(storage.removeProxy(id)));
    }

    // ---- statistics

    private void stats(Context ctx) {
        ProxyPool pool = pool(ctx);
        send(ctx, 200, StatsJson.of(storage.poolStats(pool.name())));
    }

    private void available(Context ctx) {
        ProxyPool pool = pool(ctx);
        int limit = 10;
        String given = ctx.queryParam("limit");
        if (given != null) {
            try {
                limit = Integer.parseInt(given);
            } catch (NumberFormatException e) {
                throw badRequest(
                        "limit must be a number from 1 to " + MAX_AVAILABLE + ", was '" + abbreviate(given) + "'");
            }
            if (limit < 1 || limit > MAX_AVAILABLE) {
                throw badRequest("limit must be from 1 to " + MAX_AVAILABLE + ", was " + limit);
            }
        }
        ProxyFilter filter = ProxyFilters.matchAll();
        String filterText = ctx.queryParam("filter");
        if (filterText != null) {
            try {
                filter = filter(json.readTree(filterText));
            } catch (JsonProcessingException e) {
                throw new ApiError(400, ErrorCode.BAD_FILTER, "filter is not JSON");
            }
        }
        AcquireRequest request =
                AcquireRequest.forPool(pool.name()).filter(filter).build();
        send(ctx, 200, new ProxyListJson(proxies(manager.findAvailable(request, limit))));
    }

    private void healthChecks(Context ctx) {
        ProxyPool pool = pool(ctx);
        if (healthMonitor == null) {
            throw new ApiError(503, ErrorCode.UNAVAILABLE, "this server has no health checker");
        }
        PoolHealthReport report = healthMonitor.checkPool(pool.name());
        Map<String, Long> byStatus = new TreeMap<>();
        for (HealthCheckResult result : report.results()) {
            byStatus.merge(result.status().name(), 1L, Long::sum);
        }
        send(
                ctx,
                200,
                new HealthCheckJson(
                        pool.name(),
                        report.results().size(),
                        byStatus,
                        report.removedFromRotation(),
                        report.returnedToRotation(),
                        report.skipped()));
    }

    // ---- leases

    private void acquire(Context ctx) throws InterruptedException {
        ProxyPool pool = pool(ctx);
        AcquireBody body = ctx.body().isBlank()
                ? new AcquireBody(null, null, null, null, null, null, null, null)
                : body(ctx, AcquireBody.class);
        AcquireRequest.Builder request = manager.request(pool.name());
        if (body.consumer() != null) {
            request.consumer(body.consumer());
        }
        if (body.filter() != null && !body.filter().isNull()) {
            request.filter(filter(body.filter()));
        }
        if (body.strategy() != null) {
            request.strategy(strategy(body.strategy()));
        }
        if (body.ttl() != null) {
            request.ttl(body.ttl());
        }
        if (body.target() != null) {
            request.forTarget(body.target());
        }
        if (body.idempotencyKey() != null) {
            request.idempotencyKey(body.idempotencyKey());
        }
        if (body.session() != null) {
            request.session(body.session());
        }
        Duration wait = body.maxWait() == null ? Duration.ZERO : body.maxWait();
        if (wait.isNegative() || wait.compareTo(maxWait) > 0) {
            throw badRequest("wait must be from PT0S to " + maxWait + ", was " + wait);
        }
        AcquireRequest built = request.build();
        Optional<LeasedProxy> leased = wait.isZero() ? manager.acquire(built) : manager.acquire(built, wait);
        if (leased.isEmpty()) {
            throw new ApiError(
                    409,
                    new io.pharox.client.wire.ErrorBody(
                            ErrorCode.NO_PROXY_AVAILABLE,
                            "no proxy of pool '" + pool.name() + "' is available"
                                    + (wait.isZero() ? "" : " within " + wait),
                            null,
                            pool.name(),
                            null,
                            null,
                            null));
        }
        ctx.header("Cache-Control", "no-store");
        send(ctx, 201, LeasedProxyJson.of(leased.get()));
    }

    private void listLeases(Context ctx) {
        ApiKey key = key(ctx);
        String pool = ctx.queryParam("pool");
        String consumer = ctx.queryParam("consumer");
        if ((pool == null) == (consumer == null)) {
            throw badRequest("give exactly one of the parameters pool and consumer");
        }
        List<Lease> leases;
        if (pool != null) {
            scope(ctx, pool);
            if (storage.findPool(pool).isEmpty()) {
                throw new PoolNotFoundException(pool);
            }
            leases = storage.activeLeasesInPool(pool);
        } else {
            Map<UUID, String> names = poolNames();
            leases = manager.leasesOfConsumer(consumer).stream()
                    .filter(l -> key.mayUse(names.getOrDefault(l.poolId(), "")))
                    .collect(Collectors.toList());
        }
        send(ctx, 200, new LeaseListJson(leases.stream().map(LeaseJson::of).collect(Collectors.toList())));
    }

    private void release(Context ctx) {
        Lease lease = lease(ctx);
        send(ctx, 200, new ReleaseResult(manager.release(lease)));
    }

    private void renew(Context ctx) {
        Lease lease = lease(ctx);
        RenewBody body = body(ctx, RenewBody.class);
        if (body.ttl() == null) {
            throw badRequest("ttl is required");
        }
        try {
            send(ctx, 200, LeaseJson.of(manager.renew(lease, body.ttl())));
        } catch (RuntimeException e) {
            throw Errors.map(e, lease.id());
        }
    }

    private Lease lease(Context ctx) {
        UUID id = uuid(ctx, "id");
        Lease lease = storage.findLease(id).orElseThrow(() -> Errors.map(new LeaseNotFoundException(id), id));
        scopeOfPool(ctx, lease.poolId());
        return lease;
    }

    // ---- helpers

    private static ApiKey key(Context ctx) {
        ApiKey key = ctx.attribute(KEY);
        if (key == null) {
            throw new IllegalStateException("route without a key");
        }
        return key;
    }

    /** Refuses a pool outside the key's scope with 403, whether or not it exists. */
    private static void scope(Context ctx, String pool) {
        if (!key(ctx).mayUse(pool)) {
            throw new ApiError(403, ErrorCode.FORBIDDEN, "this key may not use pool '" + abbreviate(pool) + "'");
        }
    }

    private void scopeOfPool(Context ctx, UUID poolId) {
        String name = poolNames().get(poolId);
        if (name == null || !key(ctx).mayUse(name)) {
            throw new ApiError(403, ErrorCode.FORBIDDEN, "this key may not use the pool this belongs to");
        }
    }

    private Map<UUID, String> poolNames() {
        return storage.listPools().stream().collect(Collectors.toMap(ProxyPool::id, ProxyPool::name));
    }

    private ProxyPool pool(Context ctx) {
        String name = ctx.pathParam("pool");
        scope(ctx, name);
        return storage.findPool(name).orElseThrow(() -> new PoolNotFoundException(name));
    }

    private static UUID uuid(Context ctx, String param) {
        String value = ctx.pathParam(param);
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw badRequest(param + " must be a UUID, was '" + abbreviate(value) + "'");
        }
    }

    private static ProxyFilter filter(JsonNode node) {
        try {
            return FilterJson.fromJson(node);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, ErrorCode.BAD_FILTER, String.valueOf(e.getMessage()));
        }
    }

    private static SelectorStrategy strategy(String name) {
        try {
            return SelectorStrategy.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw badRequest("unknown strategy '" + abbreviate(name) + "'; expected one of "
                    + java.util.Arrays.toString(SelectorStrategy.values()));
        }
    }

    private static ProxyStatus status(String name) {
        try {
            return ProxyStatus.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown status '" + abbreviate(name) + "'; expected one of "
                    + java.util.Arrays.toString(ProxyStatus.values()));
        }
    }

    private static List<ProxyJson> proxies(List<Proxy> proxies) {
        return proxies.stream().map(p -> ProxyJson.of(p, false)).collect(Collectors.toList());
    }

    private static ApiError badRequest(String message) {
        return new ApiError(400, ErrorCode.BAD_REQUEST, message);
    }

    private <T> T body(Context ctx, Class<T> type) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw new ApiError(400, ErrorCode.BAD_JSON, "a JSON body is required");
        }
        T value;
        try {
            value = json.readValue(bytes, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause();
            throw badRequest(cause != null && cause.getMessage() != null ? cause.getMessage() : "invalid body");
        } catch (UnrecognizedPropertyException e) {
            throw new ApiError(400, ErrorCode.BAD_JSON, "unknown field '" + abbreviate(e.getPropertyName()) + "'");
        } catch (MismatchedInputException e) {
            throw new ApiError(400, ErrorCode.BAD_JSON, "field '" + path(e) + "' has the wrong type or value");
        } catch (JsonProcessingException e) {
            throw new ApiError(
                    400,
                    ErrorCode.BAD_JSON,
                    "the body is not valid JSON"
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNr() + ", column "
                                            + e.getLocation().getColumnNr() + ")"));
        } catch (java.io.IOException e) {
            throw new ApiError(400, ErrorCode.BAD_JSON, "the body cannot be read");
        }
        if (value == null) {
            throw new ApiError(400, ErrorCode.BAD_JSON, "the body must be a JSON object");
        }
        return value;
    }

    private static String path(MismatchedInputException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "$" : path;
    }

    private void send(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer", e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    @Override
    public void close() {
        if (healthMonitor != null) {
            healthMonitor.close();
        }
    }
}
