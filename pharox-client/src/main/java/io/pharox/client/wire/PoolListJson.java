package io.pharox.client.wire;

import java.util.List;

/**
 * The answer to {@code GET /v1/pools}.
 *
 * @param pools the pools the key may see
 */
public record PoolListJson(List<PoolJson> pools) {}
