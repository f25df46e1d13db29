package io.pharox.examples.kv;

import io.pharox.exception.StorageException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The adapter's way to its {@link KeyValueStore}: reads that decode records and keep their
 * versions, commits that throw {@link Conflict} when refused, the loop that runs an operation
 * again after a conflict, and the translation of store failures into {@link StorageException}s
 * whose messages name keys, never values.
 */
final class StoreAccess {

    private final KeyValueStore store;
    private final int maxAttempts;

    StoreAccess(KeyValueStore store, int maxAttempts) {
        this.store = Objects.requireNonNull(store, "store");
        this.maxAttempts = maxAttempts;
    }

    /** The entry under {@code key}, if any. */
    Optional<Versioned> get(String key) {
        try {
            return store.get(key);
        } catch (RuntimeException e) {
            throw new StorageException("key-value store failed to read key " + key, e);
        }
    }

    /** The record under {@code key}, decoded, with its version. */
    <T> Optional<Stored<T>> read(String key, Function<String, T> decode) {
        return get(key).map(entry -> {
            try {
                return new Stored<>(key, entry.version(), decode.apply(entry.value()));
            } catch (RuntimeException e) {
                throw new StorageException("the record under key " + key + " cannot be read", e);
            }
        });
    }

    /** The keys under {@code prefix}, in order. */
    List<String> keys(String prefix) {
        try {
            return store.keys(prefix);
        } catch (RuntimeException e) {
            throw new StorageException("key-value store failed to list the keys under " + prefix, e);
        }
    }

    /** Commits {@code writes}; returns whether the store applied them. */
    boolean tryCommit(List<Write> writes) {
        try {
            return store.commit(writes);
        } catch (RuntimeException e) {
            throw new StorageException("key-value store failed to commit " + writes, e);
        }
    }

    /**
     * Commits {@code writes}.
     *
     * @throws Conflict if the store refused them
     */
    void commit(List<Write> writes) {
        if (!tryCommit(writes)) {
            throw Conflict.INSTANCE;
        }
    }

    /**
     * A write that removes {@code key} as it is now.
     *
     * @throws Conflict if it has no entry
     */
    Write removalOf(String key) {
        return get(key).map(entry -> (Write) new Write.Remove(key, entry.version()))
                .orElseThrow(() -> Conflict.INSTANCE);
    }

    /**
     * Runs {@code attempt} until it completes without a {@link Conflict}, at most
     * {@code maxAttempts} times. Every refused commit means that another writer's commit
     * succeeded, so the store as a whole always makes progress.
     *
     * @throws StorageException if every attempt ended in a conflict; {@code what} names the operation
     */
    <T> T retrying(String what, Supplier<T> attempt) {
        for (int i = 0; i < maxAttempts; i++) {
            try {
                return attempt.get();
            } catch (Conflict lost) {
                // another writer committed first: read again
            }
        }
        throw new StorageException(what + " lost to other writers " + maxAttempts + " times in a row", null);
    }

    /**
     * A commit refused because a version changed, or reads that saw a commit half applied: the
     * operation reads again. Thrown as one shared instance without a stack trace, so it is cheap.
     */
    static final class Conflict extends RuntimeException {
        static final Conflict INSTANCE = new Conflict();

        private Conflict() {
            super("a record changed since it was read", null, false, false);
        }
    }
}
