package io.pharox.server;

import java.util.Locale;

/** What an API key may do. */
public enum Role {
    /** Lease, release and renew, read pools, statistics and available proxies, in the key's pools. */
    CONSUMER,
    /** Everything a consumer may, plus the admin routes (pools, proxies, leases, health checks), in the key's pools. */
    ADMIN;

    /**
     * The role named {@code name}, in any case.
     *
     * @throws IllegalArgumentException if there is no such role
     */
    public static Role parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("role must be admin or consumer, was '" + name + "'");
        }
    }
}
