package io.pharox.examples.kv;

import io.pharox.model.Proxy;
import java.util.Locale;
import java.util.UUID;

/**
 * Where each record lives in the key space. Every kind of key has its own first segment, and
 * the segments before a name or address are fixed-length ids, so a prefix of one kind never
 * matches a key of another, whatever text a name holds.
 *
 * <table>
 *   <caption>The keys</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code pool/<name>}</td><td>the pool ({@link Records#encode(io.pharox.model.ProxyPool)})</td></tr>
 *   <tr><td>{@code pool-id/<pool id>}</td><td>the pool's name</td></tr>
 *   <tr><td>{@code proxy/<proxy id>}</td><td>the proxy, its slots and what it has learned ({@link ProxyRecord})</td></tr>
 *   <tr><td>{@code member/<pool id>/<proxy id>}</td><td>empty: the proxy belongs to the pool</td></tr>
 *   <tr><td>{@code address/<pool id>/<port>/<host in lower case>}</td><td>the id of the proxy at that address</td></tr>
 *   <tr><td>{@code cursor/<pool id>}</td><td>the id of the proxy the pool's last round-robin acquire chose</td></tr>
 *   <tr><td>{@code consumer/<name>}</td><td>the consumer</td></tr>
 *   <tr><td>{@code lease/<lease id>}</td><td>the lease, in every state</td></tr>
 *   <tr><td>{@code session/<pool id>/<key>}</td><td>a sticky session ({@link SessionRecord})</td></tr>
 * </table>
 */
final class Keys {

    /** The prefix of every pool's key. */
    static final String POOLS = "pool/";
    /** The prefix of every proxy's key. */
    static final String PROXIES = "proxy/";
    /** The prefix of every lease's key. */
    static final String LEASES = "lease/";
    /** The prefix of every sticky session's key. */
    static final String SESSIONS = "session/";

    private Keys() {}

    static String pool(String name) {
        return POOLS + name;
    }

    static String poolId(UUID poolId) {
        return "pool-id/" + poolId;
    }

    static String proxy(UUID proxyId) {
        return PROXIES + proxyId;
    }

    /** The prefix of the membership keys of a pool's proxies. */
    static String members(UUID poolId) {
        return "member/" + poolId + "/";
    }

    static String member(UUID poolId, UUID proxyId) {
        return members(poolId) + proxyId;
    }

    /** Addresses are unique per pool, the host compared without case. */
    static String address(Proxy proxy) {
        return "address/" + proxy.poolId() + "/" + proxy.port() + "/"
                + proxy.host().toLowerCase(Locale.ROOT);
    }

    static String cursor(UUID poolId) {
        return "cursor/" + poolId;
    }

    static String consumer(String name) {
        return "consumer/" + name;
    }

    static String session(UUID poolId, String key) {
        return SESSIONS + poolId + "/" + key;
    }

    static String lease(UUID leaseId) {
        return LEASES + leaseId;
    }

    /** The proxy id at the end of a proxy or membership key. */
    static UUID idAtEnd(String key) {
        return UUID.fromString(key.substring(key.lastIndexOf('/') + 1));
    }
}
