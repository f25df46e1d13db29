package io.pharox.model;

import java.util.Objects;

/**
 * How an acquire through a {@linkplain io.pharox.storage.StickySession sticky session} found and
 * left the session; carried by the {@link LeasedProxy} it granted.
 *
 * @param key   the session's key
 * @param state whether the session is new, kept its proxy, or moved to this one
 * @param uses  the grants through the session, this one included (1 for a new session)
 */
public record SessionBinding(String key, State state, int uses) {

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code uses} is below 1
     */
    public SessionBinding {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
        if (uses < 1) {
            throw new IllegalArgumentException("uses must be at least 1, was " + uses);
        }
    }

    /** Whether this grant moved the session to another proxy. */
    public boolean rebound() {
        return state == State.REBOUND;
    }

    /** What an acquire did with its session. */
    public enum State {
        /** There was no live session with the key: this acquire created it, bound to this proxy. */
        NEW,
        /** The session was live and this acquire leased its proxy. */
        KEPT,
        /**
         * The session was live but its proxy could not be leased (or was removed): this acquire
         * leased another proxy and bound the session to it.
         */
        REBOUND
    }
}
