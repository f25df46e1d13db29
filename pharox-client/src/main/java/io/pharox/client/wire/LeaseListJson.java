package io.pharox.client.wire;

import java.util.List;

/**
 * The answer to {@code GET /v1/leases}.
 *
 * @param leases the active leases
 */
public record LeaseListJson(List<LeaseJson> leases) {}
