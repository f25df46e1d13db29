package io.pharox.client.wire;

import java.util.List;

/**
 * The answer to an import.
 *
 * @param added   how many proxies were added
 * @param proxies the proxies as stored, in the order given, without credentials
 */
public record ImportResult(int added, List<ProxyJson> proxies) {}
