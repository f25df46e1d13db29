package io.pharox.examples.kv;

import java.util.Objects;

/**
 * One conditional write of a {@link KeyValueStore#commit commit}: it names a key, the condition
 * the key's entry must meet, and what to do with it. The {@code toString} of a write never
 * shows the value, which may hold a password.
 */
public sealed interface Write permits Write.PutIfAbsent, Write.Replace, Write.Remove {

    /** The key this write changes. */
    String key();

    /**
     * Stores a value under a key that has no entry.
     *
     * @param key   the key
     * @param value the value to store
     */
    record PutIfAbsent(String key, String value) implements Write {

        /** @throws NullPointerException if an argument is {@code null} */
        public PutIfAbsent {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        /** The key, not the value. */
        @Override
        public String toString() {
            return "PutIfAbsent[" + key + "]";
        }
    }

    /**
     * Replaces the value of a key whose entry still has a version.
     *
     * @param key             the key
     * @param expectedVersion the version read before
     * @param value           the new value
     */
    record Replace(String key, long expectedVersion, String value) implements Write {

        /** @throws NullPointerException if an argument is {@code null} */
        public Replace {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        /** The key and the expected version, not the value. */
        @Override
        public String toString() {
            return "Replace[" + key + " at version " + expectedVersion + "]";
        }
    }

    /**
     * Removes a key whose entry still has a version.
     *
     * @param key             the key
     * @param expectedVersion the version read before
     */
    record Remove(String key, long expectedVersion) implements Write {

        /** @throws NullPointerException if the key is {@code null} */
        public Remove {
            Objects.requireNonNull(key, "key");
        }
    }
}
