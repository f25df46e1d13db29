package io.pharox.model;

/** The protocol a proxy speaks to its clients. */
public enum ProxyProtocol {
    /** A plain HTTP proxy (absolute-form requests, {@code CONNECT} for tunnels). */
    HTTP,
    /** An HTTP proxy reached over TLS. */
    HTTPS,
    /** A SOCKS version 4 proxy (no authentication beyond a user id). */
    SOCKS4,
    /** A SOCKS version 5 proxy, optionally with username/password authentication. */
    SOCKS5
}
