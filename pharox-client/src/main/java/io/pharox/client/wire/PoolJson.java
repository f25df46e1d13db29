package io.pharox.client.wire;

import io.pharox.model.ProxyPool;
import java.time.Instant;
import java.util.UUID;

/**
 * A pool.
 *
 * @param id          the pool's id
 * @param name        its name
 * @param description free text, possibly empty
 * @param createdAt   when it was created
 */
public record PoolJson(UUID id, String name, String description, Instant createdAt) {

    /** The JSON form of {@code pool}. */
    public static PoolJson of(ProxyPool pool) {
        return new PoolJson(pool.id(), pool.name(), pool.description(), pool.createdAt());
    }
}
