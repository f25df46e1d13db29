package io.pharox;

import io.pharox.model.Proxy;
import java.time.Instant;
import java.util.UUID;

/** Values shared by the core unit tests. */
public final class Fixtures {

    /** A fixed pool id, so that proxies built in one test compare equal when they should. */
    public static final UUID POOL_ID = UUID.fromString("00000000-0000-7000-8000-000000000001");

    /** A fixed instant to build leases and health results around. */
    public static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    private Fixtures() {}

    /** A builder of a valid proxy (pool, host and port set); tests change what they need. */
    public static Proxy.Builder proxy() {
        return Proxy.builder().poolId(POOL_ID).address("10.0.0.1", 8080);
    }
}
