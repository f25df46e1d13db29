package io.pharox.examples.kv;

/**
 * A record as it was read: its key, the version it had and its decoded value, which is what a
 * conditional write of it needs.
 *
 * @param key     where it was read
 * @param version the entry's version when it was read
 * @param value   the decoded record
 * @param <T>     the record's type
 */
record Stored<T>(String key, long version, T value) {

    /** A write that replaces this record with {@code encoded}, if nobody has written it since it was read. */
    Write replaceWith(String encoded) {
        return new Write.Replace(key, version, encoded);
    }

    /** A write that removes this record, if nobody has written it since it was read. */
    Write removal() {
        return new Write.Remove(key, version);
    }
}
