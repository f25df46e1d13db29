package io.pharox.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.pharox.ProxyManager;
import io.pharox.client.wire.ErrorBody;
import io.pharox.client.wire.ErrorCode;
import io.pharox.client.wire.WireJson;
import io.pharox.health.HealthChecker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pharox HTTP API on Javalin: the routes of {@code openapi.json} over a {@link ProxyManager},
 * behind the {@link ApiKeys} (see {@code docs/server.md} and {@code docs/http-api.md}).
 *
 * <p>Every route but {@code GET /health} and {@code GET /openapi.json} needs {@code
 * Authorization: Bearer <key>}: a missing or unknown key gets 401, a key whose role or pools do
 * not allow the call 403, always with the body {@code {"error":..,"message":..}} and nothing
 * more. {@link #stop()} is graceful: the server stops accepting connections, lets the requests in
 * flight finish (up to {@link Builder#stopTimeout}), then stops.
 */
public final class PharoxServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PharoxServer.class);

    /** The longest wait an acquire may ask for unless the builder says otherwise. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(30);

    private final ApiKeys keys;
    private final ObjectMapper json = WireJson.strictMapper();
    private final byte[] openApi;
    private final List<Route> routes = new ArrayList<>();
    private final Handlers handlers;
    private final Javalin app;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final BooleanSupplier healthy;
    private final StatisticsHandler statistics = new StatisticsHandler();

    private PharoxServer(Builder builder) {
        this.keys = builder.keys;
        this.healthy = builder.healthy;
        this.openApi = openApiDocument();
        this.handlers = new Handlers(builder.manager, builder.healthChecker, builder.maxWait, json);
        long stopMillis = builder.stopTimeout.toMillis();
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = builder.maxRequestBytes;
            config.jetty.modifyServer(server -> {
                // Jetty shuts a StatisticsHandler down gracefully: it refuses new requests and
                // waits for the ones in flight, up to the stop timeout.
                server.setHandler(statistics);
                server.setStopTimeout(stopMillis);
            });
        });
        register();
        app.exception(ApiError.class, (e, ctx) -> answer(ctx, e.status(), e.body()));
        app.exception(HttpResponseException.class, (e, ctx) -> httpError(ctx, e.getStatus()));
        app.exception(Exception.class, (e, ctx) -> {
            ApiError mapped = Errors.map(e);
            if (mapped.status() >= 500) {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            }
            answer(ctx, mapped.status(), mapped.body());
        });
        app.error(404, ctx -> {
            if (ctx.attribute("pharox.answered") == null) {
                httpError(ctx, 404);
            }
        });
        app.error(405, ctx -> {
            if (ctx.attribute("pharox.answered") == null) {
                httpError(ctx, 405);
            }
        });
    }

    /** A builder for a server over {@code manager} that checks keys against {@code keys}. */
    public static Builder builder(ProxyManager manager, ApiKeys keys) {
        return new Builder(manager, keys);
    }

    private void register() {
        route(HandlerType.GET, "/health", Route.Access.PUBLIC, ctx -> {
            boolean up;
            try {
                up = healthy.getAsBoolean();
            } catch (RuntimeException e) {
                up = false;
            }
            ctx.status(up ? 200 : 503)
                    .contentType("application/json")
                    .result(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        });
        route(
                HandlerType.GET,
                "/openapi.json",
                Route.Access.PUBLIC,
                ctx -> ctx.contentType("application/json").result(openApi));
        handlers.register(this::route);
    }

    private void route(HandlerType method, String path, Route.Access access, io.javalin.http.Handler handler) {
        routes.add(new Route(method.name(), path, access));
        app.addHttpHandler(method, path, ctx -> {
            if (access != Route.Access.PUBLIC) {
                ApiKey key = authenticate(ctx);
                if (access == Route.Access.ADMIN && key.role() != Role.ADMIN) {
                    throw new ApiError(403, ErrorCode.FORBIDDEN, "this route needs an admin key");
                }
                ctx.attribute(Handlers.KEY, key);
            }
            handler.handle(ctx);
        });
    }

    private ApiKey authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        Optional<ApiKey> key = Optional.empty();
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String secret = header.substring(7).strip();
            if (!secret.isEmpty() && secret.length() <= 200) {
                key = keys.authenticate(secret);
            }
        }
        return key.orElseThrow(() ->
                new ApiError(401, ErrorCode.UNAUTHORIZED, "a valid API key is required: Authorization: Bearer <key>"));
    }

    private void httpError(Context ctx, int status) {
        if (status == 404 || status == 405) {
            // An unknown route is told only to a caller with a key.
            try {
                authenticate(ctx);
            } catch (ApiError e) {
                answer(ctx, e.status(), e.body());
                return;
            }
        }
        String code;
        String message;
        switch (status) {
            case 404:
                code = ErrorCode.NOT_FOUND;
                message = "no such route: " + ctx.method() + " " + ctx.path();
                break;
            case 405:
                code = ErrorCode.METHOD_NOT_ALLOWED;
                message = "the route does not take " + ctx.method();
                break;
            case 413:
                code = ErrorCode.TOO_LARGE;
                message = "the body is too large";
                break;
            case 503:
                code = ErrorCode.UNAVAILABLE;
                message = "the server is stopping";
                break;
            default:
                code = status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
                message = "HTTP " + status;
                break;
        }
        answer(ctx, status, ErrorBody.of(code, message));
    }

    private void answer(Context ctx, int status, ErrorBody body) {
        ctx.attribute("pharox.answered", Boolean.TRUE);
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] openApiDocument() {
        try (InputStream in = PharoxServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the server's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts serving on {@code host} and {@code port} (0 for a free port).
     *
     * @return this server
     * @throws IllegalStateException if it cannot listen there
     */
    public PharoxServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    /** The port the server listens on. */
    public int port() {
        return app.port();
    }

    /** The requests being handled now, a waiting acquire included. */
    public int requestsInFlight() {
        return statistics.getRequestsActive();
    }

    /** The routes served, in the order registered, for the OpenAPI check. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * Stops gracefully: stops accepting, lets requests in flight finish up to the stop timeout,
     * then stops. The manager's storage is the caller's to close. Calling it again does nothing.
     */
    public void stop() {
        if (stopped.compareAndSet(false, true)) {
            app.stop();
            handlers.close();
        }
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Builder for {@link PharoxServer}. Not thread-safe. */
    public static final class Builder {
        private final ProxyManager manager;
        private final ApiKeys keys;
        private @Nullable HealthChecker healthChecker;
        private Duration maxWait = DEFAULT_MAX_WAIT;
        private Duration stopTimeout = DEFAULT_MAX_WAIT.plusSeconds(5);
        private long maxRequestBytes = 16L * 1024 * 1024;
        private BooleanSupplier healthy = () -> true;

        private Builder(ProxyManager manager, ApiKeys keys) {
            this.manager = Objects.requireNonNull(manager, "manager");
            this.keys = Objects.requireNonNull(keys, "keys");
        }

        /** Sets the checker {@code POST /v1/pools/{pool}/health-checks} uses; without one that route answers 503. */
        public Builder healthChecker(HealthChecker checker) {
            this.healthChecker = Objects.requireNonNull(checker, "checker");
            return this;
        }

        /**
         * Sets the longest wait an acquire may ask for (default 30 s); a longer one is refused
         * with 400.
         *
         * @throws IllegalArgumentException if it is negative
         */
        public Builder maxWait(Duration maxWait) {
            Objects.requireNonNull(maxWait, "maxWait");
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
            }
            this.maxWait = maxWait;
            return this;
        }

        /**
         * Sets how long {@link #stop()} lets requests in flight finish (default 35 s).
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder stopTimeout(Duration stopTimeout) {
            Objects.requireNonNull(stopTimeout, "stopTimeout");
            if (stopTimeout.isNegative() || stopTimeout.isZero()) {
                throw new IllegalArgumentException("stopTimeout must be positive, was " + stopTimeout);
            }
            this.stopTimeout = stopTimeout;
            return this;
        }

        /**
         * Sets the largest request body accepted, in bytes (default 16 MiB).
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder maxRequestBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxRequestBytes must be positive, was " + bytes);
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        /** Sets what {@code GET /health} asks: UP when it returns true (default: always). */
        public Builder healthProbe(BooleanSupplier probe) {
            this.healthy = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /** Builds the server, not started. */
        public PharoxServer build() {
            return new PharoxServer(this);
        }
    }
}
