package io.pharox.model;

import java.util.Objects;

/** Validation of the names that identify pools and consumers. */
final class Names {

    /** Longest accepted pool or consumer name, in characters. */
    static final int MAX_LENGTH = 255;

    private Names() {}

    static String require(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was '" + value + "'");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    field + " must be at most " + MAX_LENGTH + " characters, was " + value.length());
        }
        return Storable.text(field, value);
    }
}
