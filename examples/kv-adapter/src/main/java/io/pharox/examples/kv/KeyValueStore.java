package io.pharox.examples.kv;

import java.util.List;
import java.util.Optional;

/**
 * The key-value store {@link KeyValueStorage} is written against: text keys, text values, a
 * version on every entry, and one atomic commit of conditional writes. That is the shape of
 * etcd's transactions (compare each key's revision, then put and delete), of Redis
 * {@code WATCH} / {@code MULTI} / {@code EXEC}, and of DynamoDB's {@code TransactWriteItems}
 * with condition expressions; an adapter for one of them implements this interface on its
 * client.
 *
 * <p>Versions: every commit that writes a key gives it a version higher than any the key had
 * before, even across a removal and a new insertion, so a version read once identifies that
 * exact value.
 *
 * <p>Implementations are thread-safe. A failure of the store itself (a lost connection)
 * surfaces as an unchecked exception of the implementation's choice.
 */
public interface KeyValueStore {

    /** The entry under {@code key}, if there is one. */
    Optional<Versioned> get(String key);

    /** Every key that starts with {@code prefix} (all keys for {@code ""}), in {@link String} order; unmodifiable. */
    List<String> keys(String prefix);

    /**
     * Applies all of {@code writes} if every one's condition holds, or none of them.
     *
     * @return {@code true} if the writes were applied; {@code false} if a condition failed (a
     *         key was written or removed since it was read), and nothing changed
     * @throws IllegalArgumentException if two writes name one key
     */
    boolean commit(List<Write> writes);

    /** Stores {@code value} under {@code key} if the key has no entry; see {@link #commit}. */
    default boolean putIfAbsent(String key, String value) {
        return commit(List.of(new Write.PutIfAbsent(key, value)));
    }

    /** Replaces the entry under {@code key} if it still has {@code expectedVersion}; see {@link #commit}. */
    default boolean replace(String key, long expectedVersion, String value) {
        return commit(List.of(new Write.Replace(key, expectedVersion, value)));
    }

    /** Removes the entry under {@code key} if it still has {@code expectedVersion}; see {@link #commit}. */
    default boolean remove(String key, long expectedVersion) {
        return commit(List.of(new Write.Remove(key, expectedVersion)));
    }
}
