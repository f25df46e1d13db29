package io.pharox.examples.kv;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link KeyValueStore} in this JVM's memory: a stand-in for a real key-value server (etcd,
 * Redis, DynamoDB) so that the example and its tests run without one. Nothing survives the
 * process, and nothing is shared with other processes.
 *
 * <p>Entries live in a {@link ConcurrentHashMap}; reads take no lock. Commits are serialised
 * by one lock, held only for the map operations of one commit, as a single-leader server
 * applies its transactions one after another. Versions come from one revision counter that
 * every commit increments, as etcd's revisions do, so a key never gets a version twice.
 *
 * <p>A reader that reads several keys while a commit is applied may see some of its writes and
 * not others; a commit conditioned on the versions it read is refused in that case, which is
 * how {@link KeyValueStorage} detects it.
 */
public final class InProcessKeyValueStore implements KeyValueStore {

    private final Map<String, Versioned> entries = new ConcurrentHashMap<>();
    private final ReentrantLock commitLock = new ReentrantLock();
    private long revision;

    /** An empty store. */
    public InProcessKeyValueStore() {}

    @Override
    public Optional<Versioned> get(String key) {
        return Optional.ofNullable(entries.get(Objects.requireNonNull(key, "key")));
    }

    @Override
    public List<String> keys(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return entries.keySet().stream()
                .filter(key -> key.startsWith(prefix))
                .sorted()
                .toList();
    }

    @Override
    public boolean commit(List<Write> writes) {
        List<Write> all = List.copyOf(writes);
        Set<String> keys = new HashSet<>();
        for (Write write : all) {
            if (!keys.add(write.key())) {
                throw new IllegalArgumentException("a commit writes each key once; " + write.key() + " appears twice");
            }
        }
        commitLock.lock();
        try {
            for (Write write : all) {
                if (!holds(write, entries.get(write.key()))) {
                    return false;
                }
            }
            long version = ++revision;
            for (Write write : all) {
                if (write instanceof Write.PutIfAbsent put) {
                    entries.put(put.key(), new Versioned(put.value(), version));
                } else if (write instanceof Write.Replace replace) {
                    entries.put(replace.key(), new Versioned(replace.value(), version));
                } else {
                    entries.remove(write.key());
                }
            }
            return true;
        } finally {
            commitLock.unlock();
        }
    }

    /** Whether the condition of {@code write} holds on {@code current}, the key's entry or {@code null}. */
    private static boolean holds(Write write, Versioned current) {
        if (write instanceof Write.PutIfAbsent) {
            return current == null;
        }
        long expected = write instanceof Write.Replace replace
                ? replace.expectedVersion()
                : ((Write.Remove) write).expectedVersion();
        return current != null && current.version() == expected;
    }
}
