package io.pharox.client;

import io.pharox.ProxyLeasing;
import io.pharox.client.wire.AcquireBody;
import io.pharox.client.wire.ErrorCode;
import io.pharox.client.wire.LeaseJson;
import io.pharox.client.wire.LeasedProxyJson;
import io.pharox.client.wire.ReleaseResult;
import io.pharox.client.wire.RenewBody;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Consumer;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.StickySession;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link ProxyLeasing} over HTTP against a {@code pharox-server}: the same acquire, waiting
 * acquire, {@code withLease}, release and renew as an embedded {@link io.pharox.ProxyManager}, so
 * a service moves from embedded to remote leasing by changing the line that builds its leaser.
 *
 * <pre>{@code
 * try (PharoxClient leasing = PharoxClient.builder(URI.create("http://127.0.0.1:8080"), apiKey)
 *         .defaultConsumer("crawler-1")
 *         .build()) {
 *     leasing.withLease(leasing.request("residential").build(), leased -> fetch(leased.proxy()));
 * }
 * }</pre>
 *
 * <p>Errors arrive as the exceptions {@link ProxyLeasing} documents ({@link
 * io.pharox.exception.PoolNotFoundException}, {@link io.pharox.exception.LeaseNotFoundException},
 * {@link io.pharox.exception.LeaseNotActiveException}, {@link IllegalArgumentException} for a
 * request the server refuses); a refused key, an unreachable server or a server failure as
 * {@link PharoxClientException}. A filter holding a {@link ProxyFilter.Matching Java predicate}
 * cannot be sent and is refused with {@link IllegalArgumentException}; so is a sticky session
 * with settings other than {@link StickySession#of(String)}'s.
 *
 * <p>A waiting acquire asks the server to wait at most {@link Builder#maxServerWait} per call and
 * repeats the call until the wait is over; it sleeps in no loop of its own. Thread-safe; close it
 * to stop its HTTP threads.
 */
public final class PharoxClient implements ProxyLeasing, AutoCloseable {

    /** The longest wait one request asks of the server unless the builder says otherwise. */
    public static final Duration DEFAULT_MAX_SERVER_WAIT = Duration.ofSeconds(30);

    private final Transport transport;
    private final String defaultConsumer;
    private final Duration defaultTtl;
    private final SelectorStrategy defaultStrategy;
    private final Duration maxServerWait;

    private PharoxClient(Builder builder) {
        this.transport = new Transport(builder.baseUri, builder.apiKey, builder.requestTimeout, builder.connectTimeout);
        this.defaultConsumer = builder.defaultConsumer;
        this.defaultTtl = builder.defaultTtl;
        this.defaultStrategy = builder.defaultStrategy;
        this.maxServerWait = builder.maxServerWait;
    }

    /**
     * A builder for a client of the server at {@code baseUri} ({@code http://host:port}) that
     * authenticates with {@code apiKey}.
     */
    public static Builder builder(URI baseUri, String apiKey) {
        return new Builder(baseUri, apiKey);
    }

    /** {@inheritDoc} The defaults are this client's consumer, ttl and strategy. */
    @Override
    public AcquireRequest.Builder request(String poolName) {
        return AcquireRequest.forPool(poolName)
                .consumer(defaultConsumer)
                .ttl(defaultTtl)
                .strategy(defaultStrategy);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the request cannot be sent (see the class comment) or
     *         the server refuses it
     * @throws PharoxClientException if the key is refused or the server cannot be reached
     */
    @Override
    public Optional<LeasedProxy> acquire(AcquireRequest request) {
        try {
            return post(request, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PharoxClientException("acquire in pool '" + request.poolName() + "' was interrupted", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code maxWait} is negative, or the request cannot be
     *         sent or is refused
     * @throws PharoxClientException if the key is refused or the server cannot be reached
     */
    @Override
    public Optional<LeasedProxy> acquire(AcquireRequest request, Duration maxWait) throws InterruptedException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
        // Every call of the loop names the same lease id, so that a call whose answer was lost
        // is not granted twice when the next one succeeds.
        AcquireRequest keyed =
                request.idempotencyKey().isPresent() || request.session().isPresent()
                        ? request
                        : request.toBuilder()
                                .idempotencyKey(java.util.UUID.randomUUID())
                                .build();
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("acquire in pool '" + request.poolName() + "' was interrupted");
            }
            Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Duration wait = remaining.compareTo(maxServerWait) > 0 ? maxServerWait : remaining;
            Optional<LeasedProxy> leased = post(keyed, wait);
            if (leased.isPresent() || deadline - System.nanoTime() <= 0) {
                return leased;
            }
        }
    }

    private Optional<LeasedProxy> post(AcquireRequest request, Duration wait) throws InterruptedException {
        AcquireBody body = body(request, wait);
        Transport.Answer answer =
                transport.send("POST", "/v1/pools/" + Transport.encode(request.poolName()) + "/leases", body, wait);
        if (answer.status() == 409
                && ErrorCode.NO_PROXY_AVAILABLE.equals(transport.error(answer).error())) {
            return Optional.empty();
        }
        return Optional.of(transport.read(answer, LeasedProxyJson.class).toLeasedProxy());
    }

    static AcquireBody body(AcquireRequest request, Duration wait) {
        @Nullable String session = null;
        if (request.session().isPresent()) {
            StickySession given = request.session().get();
            if (!given.equals(StickySession.of(given.key()))) {
                throw new IllegalArgumentException("sticky session '" + given.key()
                        + "' has settings other than the defaults, which the HTTP API does not carry: " + given);
            }
            session = given.key();
        }
        ProxyFilter filter = request.filter();
        return new AcquireBody(
                request.consumerName(),
                filter.equals(ProxyFilters.matchAll()) ? null : FilterJson.toJson(filter),
                request.strategy().name(),
                request.ttl(),
                wait.isZero() ? null : wait,
                request.target().orElse(null),
                request.idempotencyKey().orElse(null),
                session);
    }

    /**
     * {@inheritDoc}
     *
     * @throws PharoxClientException if the key is refused (also for a lease outside the key's
     *         pools) or the server cannot be reached
     */
    @Override
    public boolean release(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        return transport
                .call("POST", "/v1/leases/" + lease.id() + "/release", null, ReleaseResult.class)
                .released();
    }

    /**
     * {@inheritDoc}
     *
     * @throws PharoxClientException if the key is refused or the server cannot be reached
     */
    @Override
    public Lease renew(Lease lease, Duration ttl) {
        Objects.requireNonNull(lease, "lease");
        AcquireRequest.requireTtl(ttl);
        return transport
                .call("POST", "/v1/leases/" + lease.id() + "/renew", new RenewBody(ttl), LeaseJson.class)
                .toLease();
    }

    /** Stops the client's HTTP threads; calls made afterwards fail. */
    @Override
    public void close() {
        transport.close();
    }

    /** Builder for {@link PharoxClient}. Not thread-safe. */
    public static final class Builder {
        private final URI baseUri;
        private final String apiKey;
        private String defaultConsumer = Consumer.DEFAULT_NAME;
        private Duration defaultTtl = AcquireRequest.DEFAULT_TTL;
        private SelectorStrategy defaultStrategy = SelectorStrategy.FIRST_AVAILABLE;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration maxServerWait = DEFAULT_MAX_SERVER_WAIT;

        private Builder(URI baseUri, String apiKey) {
            this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        }

        /** Sets the consumer {@link #request} fills in (default {@value Consumer#DEFAULT_NAME}). */
        public Builder defaultConsumer(String name) {
            this.defaultConsumer = Consumer.requireName(name);
            return this;
        }

        /** Sets the ttl {@link #request} fills in (default {@link AcquireRequest#DEFAULT_TTL}). */
        public Builder defaultTtl(Duration ttl) {
            this.defaultTtl = AcquireRequest.requireTtl(ttl);
            return this;
        }

        /** Sets the strategy {@link #request} fills in (default FIRST_AVAILABLE). */
        public Builder defaultStrategy(SelectorStrategy strategy) {
            this.defaultStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * Sets how long one call may take beyond any wait it asks of the server (default 30 s).
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /**
         * Sets how long connecting may take (default 10 s).
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /**
         * Sets the longest wait one request asks of the server (default 30 s, which is also the
         * server's default cap); longer waits are made of several requests.
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder maxServerWait(Duration wait) {
            this.maxServerWait = positive("maxServerWait", wait);
            return this;
        }

        /**
         * Builds the client.
         *
         * @throws IllegalArgumentException if the URI is not http(s) or the key is blank
         */
        public PharoxClient build() {
            return new PharoxClient(this);
        }

        static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
