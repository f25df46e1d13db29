package io.pharox.model;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A live sticky session as the store holds it ({@link io.pharox.storage.ProxyStorage#findSession}).
 *
 * @param key       the session's key
 * @param proxyId   the proxy the session is bound to; it may have been removed since
 * @param uses      the grants through the session so far
 * @param idleUntil when the session lapses unless a grant through it moves this later
 */
public record SessionInfo(String key, UUID proxyId, int uses, Instant idleUntil) {

    /** @throws NullPointerException if an argument is {@code null} */
    public SessionInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(proxyId, "proxyId");
        Objects.requireNonNull(idleUntil, "idleUntil");
    }
}
