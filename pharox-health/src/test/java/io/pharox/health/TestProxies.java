package io.pharox.health;

import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.time.Instant;
import java.util.UUID;

/** Proxies on loopback and a fixed instant, for the health tests that need no storage. */
final class TestProxies {

    /** The instant a fixed clock gives the checker, so results can be compared. */
    static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    private static final UUID POOL_ID = UUID.fromString("00000000-0000-7000-8000-000000000001");

    private TestProxies() {}

    /** A builder of a proxy speaking {@code protocol} on {@code 127.0.0.1:port}; tests add what they need. */
    static Proxy.Builder on(ProxyProtocol protocol, int port) {
        return Proxy.builder().poolId(POOL_ID).address("127.0.0.1", port).protocol(protocol);
    }
}
