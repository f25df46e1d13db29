package io.pharox.client.wire;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The answer to {@code POST /v1/pools/{pool}/health-checks}.
 *
 * @param pool                the pool
 * @param checked             how many proxies were checked
 * @param byStatus            how many checks ended in each health status (HEALTHY, SLOW, UNHEALTHY...)
 * @param removedFromRotation the proxies the checks took out of rotation
 * @param returnedToRotation  the proxies the checks put back
 * @param skipped             the proxies not checked (banned, or gone meanwhile)
 */
public record HealthCheckJson(
        String pool,
        int checked,
        Map<String, Long> byStatus,
        List<UUID> removedFromRotation,
        List<UUID> returnedToRotation,
        List<UUID> skipped) {}
