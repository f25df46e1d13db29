package io.pharox.storage;

import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Consumer;
import io.pharox.model.Outcome;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything one acquire needs: where to lease from, for whom, for how long, which proxies
 * qualify and how to choose among them.
 *
 * @param poolName     the pool to lease from
 * @param consumerName who leases; created on first use
 * @param ttl          how long the lease lasts unless released or renewed: {@link #MIN_TTL}..{@link #MAX_TTL}
 * @param filter       which proxies qualify
 * @param strategy     how to choose among qualifying proxies
 * @param idempotencyKey the id the granted lease gets, if the caller chose it: acquiring again
 *                     with the same key returns the lease the key names instead of a second one
 *                     (see {@link ProxyStorage#acquire}); empty lets the storage choose the id
 * @param target       the host the caller will reach through the proxy, normalized by
 *                     {@link io.pharox.model.Outcome#requireTarget}: proxies banned for it are
 *                     skipped; empty skips no proxy for bans
 * @param session      the {@linkplain StickySession sticky session} the acquire goes through:
 *                     every acquire with its key in the pool gets the session's proxy while it
 *                     lives (see {@link ProxyStorage#acquire}); empty for none. A session
 *                     request carries no idempotency key.
 */
public record AcquireRequest(
        String poolName,
        String consumerName,
        Duration ttl,
        ProxyFilter filter,
        SelectorStrategy strategy,
        Optional<UUID> idempotencyKey,
        Optional<String> target,
        Optional<StickySession> session) {

    /** Shortest lease accepted. */
    public static final Duration MIN_TTL = Duration.ofMillis(1);
    /** Longest lease accepted. */
    public static final Duration MAX_TTL = Duration.ofDays(365);
    /** Lease duration when none is given. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if a name is blank, the ttl is out of range, or the
     *         request has both a session and an idempotency key
     */
    public AcquireRequest {
        ProxyPool.requireName(poolName);
        Consumer.requireName(consumerName);
        requireTtl(ttl);
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(target, "target");
        target = target.map(Outcome::requireTarget);
        Objects.requireNonNull(session, "session");
        if (session.isPresent() && idempotencyKey.isPresent()) {
            throw new IllegalArgumentException(
                    "a request through session '" + session.get().key()
                            + "' cannot carry an idempotency key (" + idempotencyKey.get()
                            + "): a session acquire is not repeatable under a key");
        }
    }

    /**
     * A request without a session.
     *
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if a name is blank or the ttl is out of range
     */
    public AcquireRequest(
            String poolName,
            String consumerName,
            Duration ttl,
            ProxyFilter filter,
            SelectorStrategy strategy,
            Optional<UUID> idempotencyKey,
            Optional<String> target) {
        this(poolName, consumerName, ttl, filter, strategy, idempotencyKey, target, Optional.empty());
    }

    /**
     * A request without a target.
     *
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if a name is blank or the ttl is out of range
     */
    public AcquireRequest(
            String poolName,
            String consumerName,
            Duration ttl,
            ProxyFilter filter,
            SelectorStrategy strategy,
            Optional<UUID> idempotencyKey) {
        this(poolName, consumerName, ttl, filter, strategy, idempotencyKey, Optional.empty(), Optional.empty());
    }

    /**
     * A request without an idempotency key: the storage chooses the lease id.
     *
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if a name is blank or the ttl is out of range
     */
    public AcquireRequest(
            String poolName, String consumerName, Duration ttl, ProxyFilter filter, SelectorStrategy strategy) {
        this(poolName, consumerName, ttl, filter, strategy, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * Checks a lease duration as every entry point does.
     *
     * @return the ttl
     * @throws NullPointerException if it is {@code null}
     * @throws IllegalArgumentException if it is shorter than {@link #MIN_TTL} (zero and negative
     *         included) or longer than {@link #MAX_TTL}
     */
    public static Duration requireTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between " + MIN_TTL + " and " + MAX_TTL + ", was " + ttl);
        }
        return ttl;
    }

    /**
     * A builder for leasing from {@code poolName}, with defaults: consumer
     * {@value Consumer#DEFAULT_NAME}, {@link #DEFAULT_TTL}, no filter, FIRST_AVAILABLE.
     */
    public static Builder forPool(String poolName) {
        return new Builder(poolName);
    }

    /** A builder holding this request's values, its idempotency key and session included. */
    public Builder toBuilder() {
        Builder builder = new Builder(poolName)
                .consumer(consumerName)
                .ttl(ttl)
                .filter(filter)
                .strategy(strategy);
        idempotencyKey.ifPresent(builder::idempotencyKey);
        target.ifPresent(builder::forTarget);
        session.ifPresent(builder::session);
        return builder;
    }

    /** Builder for {@link AcquireRequest}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final String poolName;
        private String consumerName = Consumer.DEFAULT_NAME;
        private Duration ttl = DEFAULT_TTL;
        private ProxyFilter filter = ProxyFilters.matchAll();
        private SelectorStrategy strategy = SelectorStrategy.FIRST_AVAILABLE;
        private Optional<UUID> idempotencyKey = Optional.empty();
        private Optional<String> target = Optional.empty();
        private Optional<StickySession> session = Optional.empty();

        private Builder(String poolName) {
            this.poolName = poolName;
        }

        /** Sets who leases. */
        public Builder consumer(String consumerName) {
            this.consumerName = consumerName;
            return this;
        }

        /** Sets the lease duration. */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /** Sets which proxies qualify. */
        public Builder filter(ProxyFilter filter) {
            this.filter = filter;
            return this;
        }

        /** Sets how to choose among qualifying proxies. */
        public Builder strategy(SelectorStrategy strategy) {
            this.strategy = strategy;
            return this;
        }

        /**
         * Sets the idempotency key: the id the granted lease gets. A caller that does not know
         * whether an acquire succeeded (a timeout, a lost connection, a crash before the reply
         * was recorded) acquires again with the same key and gets the lease the first call
         * granted, if it did, instead of a second one. Use a fresh random UUID per request
         * ({@link UUID#randomUUID()}); never reuse one for another request.
         *
         * @throws NullPointerException if the key is {@code null}
         */
        public Builder idempotencyKey(UUID key) {
            this.idempotencyKey = Optional.of(Objects.requireNonNull(key, "idempotencyKey"));
            return this;
        }

        /**
         * Names the host the caller will reach through the proxy: proxies that this host has
         * refused ({@link io.pharox.model.FailureReason#TARGET_BLOCKED}) are skipped until their
         * ban ends. The host is compared without case.
         *
         * @throws NullPointerException if the host is {@code null}
         * @throws IllegalArgumentException if it is not a valid target (the message names it)
         */
        public Builder forTarget(String host) {
            this.target = Optional.of(Outcome.requireTarget(host));
            return this;
        }

        /**
         * Goes through the sticky session named {@code key}, with the session defaults
         * ({@link StickySession#of}): every acquire with this key in the pool gets the same proxy
         * while the session lives.
         *
         * @throws NullPointerException if the key is {@code null}
         * @throws IllegalArgumentException if the key is invalid (the message names it)
         */
        public Builder session(String key) {
            return session(StickySession.of(key));
        }

        /**
         * Goes through {@code session}: every acquire with its key in the pool gets the same proxy
         * while the session lives.
         *
         * @throws NullPointerException if the session is {@code null}
         */
        public Builder session(StickySession session) {
            this.session = Optional.of(Objects.requireNonNull(session, "session"));
            return this;
        }

        /**
         * Builds the request.
         *
         * @throws NullPointerException if a value is {@code null}
         * @throws IllegalArgumentException if a name is blank, the ttl is out of range, or both a
         *         session and an idempotency key are set
         */
        public AcquireRequest build() {
            return new AcquireRequest(poolName, consumerName, ttl, filter, strategy, idempotencyKey, target, session);
        }
    }
}
