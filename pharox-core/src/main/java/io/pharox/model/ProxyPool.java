package io.pharox.model;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A named group of proxies that consumers lease from.
 *
 * @param id          unique id
 * @param name        unique, non-blank name (at most 255 characters)
 * @param description free text, possibly empty, never {@code null}
 * @param createdAt   creation time
 */
public record ProxyPool(UUID id, String name, String description, Instant createdAt) {

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the name is blank or too long
     */
    public ProxyPool {
        Objects.requireNonNull(id, "id");
        requireName(name);
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * Checks a pool name as every entry point does.
     *
     * @return the name
     * @throws NullPointerException if it is {@code null}
     * @throws IllegalArgumentException if it is blank, longer than 255 characters or holds NUL
     */
    public static String requireName(String name) {
        return Names.require("pool name", name);
    }
}
