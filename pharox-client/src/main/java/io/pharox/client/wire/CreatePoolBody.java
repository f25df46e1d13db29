package io.pharox.client.wire;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/pools}.
 *
 * @param name        the new pool's name
 * @param description free text; empty when absent
 */
public record CreatePoolBody(String name, @Nullable String description) {}
