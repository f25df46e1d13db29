package io.pharox.server;

import io.pharox.model.ProxyPool;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A stored API key, without its secret: its name, role and pool scope.
 *
 * @param name      unique name, for people and logs
 * @param role      what the key may do
 * @param allPools  whether the key may use every pool (scope {@code *})
 * @param pools     the pools it may use when not all; empty when {@code allPools}
 * @param createdAt when it was created
 */
public record ApiKey(String name, Role role, boolean allPools, Set<String> pools, Instant createdAt) {

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the name is blank, a pool name is invalid, or the scope is empty
     */
    public ApiKey {
        requireName(name);
        Objects.requireNonNull(role, "role");
        pools = Set.copyOf(new TreeSet<>(pools));
        pools.forEach(ProxyPool::requireName);
        if (allPools && !pools.isEmpty()) {
            throw new IllegalArgumentException("a key for all pools lists no pools, was " + pools);
        }
        if (!allPools && pools.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one pool, or * for all");
        }
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether the key may use {@code pool}. */
    public boolean mayUse(String pool) {
        return allPools || pools.contains(pool);
    }

    /** The scope as the command line writes it: {@code *} or the pools separated by commas. */
    public String scope() {
        return allPools ? "*" : String.join(",", new TreeSet<>(pools));
    }

    /**
     * Checks a key name: 1 to 100 characters of letters, digits, {@code . _ -}.
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static String requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException(
                    "key name must be 1 to 100 letters, digits, '.', '_' or '-', was '" + name + "'");
        }
        return name;
    }
}
