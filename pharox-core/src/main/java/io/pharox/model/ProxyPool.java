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
     * @throws IllegalArgumentException if the name is blank or too long, or a text is not {@link Storable#text storable}
     */
    public ProxyPool {
        Objects.requireNonNull(id, "id");
        requireName(name);
        requireDescription(description);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * Checks a pool name as every entry point does.
     *
     * @return the name
     * @throws NullPointerException if it is {@code null}
     * @throws IllegalArgumentException if it is blank, longer than 255 characters, or not {@link Storable#text storable}
     */
    public static String requireName(String name) {
        return Names.require("pool name", name);
    }

    /**
     * Checks a pool description as every entry point does: any {@link Storable#text storable}
     * text, empty included.
     *
     * @return the description
     * @throws NullPointerException if it is {@code null}
     * @throws IllegalArgumentException if it holds NUL or an unpaired surrogate
     */
    public static String requireDescription(String description) {
        return Storable.text("description", description);
    }
}
