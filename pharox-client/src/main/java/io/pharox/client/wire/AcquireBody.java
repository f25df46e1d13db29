package io.pharox.client.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/pools/{pool}/leases}; every field may be left out.
 *
 * @param consumer       who leases; the server's default consumer when absent
 * @param filter         which proxies qualify, as {@link io.pharox.client.FilterJson} writes it; all when absent
 * @param strategy       FIRST_AVAILABLE (when absent), ROUND_ROBIN, LEAST_USED, RANDOM, LOWEST_LATENCY or HEALTHIEST
 * @param ttl            how long the lease lasts; five minutes when absent
 * @param maxWait        JSON {@code wait}: how long the server may wait for a proxy; no wait when absent; at most the server's cap
 * @param target         the host the proxy will reach (proxies banned by it are skipped)
 * @param idempotencyKey the lease's id: a repeated acquire with the same key returns the same lease
 * @param session        the sticky session to go through
 */
public record AcquireBody(
        @Nullable String consumer,
        @Nullable JsonNode filter,
        @Nullable String strategy,
        @Nullable Duration ttl,
        @JsonProperty("wait") @Nullable Duration maxWait,
        @Nullable String target,
        @Nullable UUID idempotencyKey,
        @Nullable String session) {}
