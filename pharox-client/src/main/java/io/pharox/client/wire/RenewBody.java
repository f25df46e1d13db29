package io.pharox.client.wire;

import java.time.Duration;

/**
 * The body of {@code POST /v1/leases/{id}/renew}.
 *
 * @param ttl how long from now the lease lasts
 */
public record RenewBody(Duration ttl) {}
