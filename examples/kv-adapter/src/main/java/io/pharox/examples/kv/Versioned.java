package io.pharox.examples.kv;

import java.util.Objects;

/**
 * A value as the store holds it, with its version (see {@link KeyValueStore}).
 *
 * @param value   the text stored
 * @param version the version of this value, at least 1
 */
public record Versioned(String value, long version) {

    /**
     * @throws NullPointerException if the value is {@code null}
     * @throws IllegalArgumentException if the version is below 1
     */
    public Versioned {
        Objects.requireNonNull(value, "value");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + version);
        }
    }

    /** The version and the value's length, not the value: a stored proxy holds its password. */
    @Override
    public String toString() {
        return "Versioned[version=" + version + ", " + value.length() + " chars]";
    }
}
