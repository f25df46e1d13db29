package io.pharox.model;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Someone who leases proxies: a worker, a service, a job. Created on first use.
 *
 * @param id        unique id
 * @param name      unique, non-blank name (at most 255 characters)
 * @param createdAt creation time
 */
public record Consumer(UUID id, String name, Instant createdAt) {

    /** The consumer name used when a caller names none. */
    public static final String DEFAULT_NAME = "default";

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the name is blank or too long
     */
    public Consumer {
        Objects.requireNonNull(id, "id");
        requireName(name);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * Checks a consumer name as every entry point does.
     *
     * @return the name
     * @throws NullPointerException if it is {@code null}
     * @throws IllegalArgumentException if it is blank, longer than 255 characters, or not {@link Storable#text storable}
     */
    public static String requireName(String name) {
        return Names.require("consumer name", name);
    }
}
