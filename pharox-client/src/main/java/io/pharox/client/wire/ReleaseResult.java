package io.pharox.client.wire;

/**
 * The answer to {@code POST /v1/leases/{id}/release}.
 *
 * @param released whether this call ended an active lease
 */
public record ReleaseResult(boolean released) {}
