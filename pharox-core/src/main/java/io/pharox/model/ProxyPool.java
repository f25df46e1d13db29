package io.pharox.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A named group of proxies that consumers lease from.
 *
 * @param id               unique id
 * @param name             unique, non-blank name (at most 255 characters)
 * @param description      free text, possibly empty, never {@code null}
 * @param createdAt        creation time
 * @param minGrantInterval the default minimum interval between two grants of one proxy, for the
 *                         pool's proxies without an interval of their own (see {@link Pacing}); empty for none
 */
public record ProxyPool(
        UUID id, String name, String description, Instant createdAt, Optional<Duration> minGrantInterval) {

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the name is blank or too long, a text is not
     *         {@link Storable#text storable}, or the interval is not {@linkplain
     *         Pacing#requireMinGrantInterval valid}
     */
    public ProxyPool {
        Objects.requireNonNull(id, "id");
        requireName(name);
        requireDescription(description);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(minGrantInterval, "minGrantInterval");
        minGrantInterval.ifPresent(d -> Pacing.requireMinGrantInterval("minGrantInterval", d));
    }

    /** A pool without a default interval between grants. */
    public ProxyPool(UUID id, String name, String description, Instant createdAt) {
        this(id, name, description, createdAt, Optional.empty());
    }

    /** A copy with another default interval between grants; {@code null} for none. */
    public ProxyPool withMinGrantInterval(@Nullable Duration interval) {
        return new ProxyPool(id, name, description, createdAt, Optional.ofNullable(interval));
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
