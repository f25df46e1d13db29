package io.pharox.client.wire;

import java.util.List;

/**
 * The body of {@code POST /v1/pools/{pool}/proxies}: added all or nothing.
 *
 * @param proxies the proxies to add
 */
public record ImportBody(List<ProxyImport> proxies) {}
