package io.pharox.client.wire;

import java.util.List;

/**
 * The answer to {@code GET /v1/pools/{pool}/proxies} and {@code GET /v1/pools/{pool}/available}.
 *
 * @param proxies the proxies, without credentials
 */
public record ProxyListJson(List<ProxyJson> proxies) {}
