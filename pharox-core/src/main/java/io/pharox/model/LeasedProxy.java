package io.pharox.model;

import java.util.Objects;
import java.util.Optional;

/**
 * What an acquire hands out: the lease and the proxy it is on, as the proxy was right after
 * the lease was taken (its {@link Proxy#currentLeases()} includes this lease).
 *
 * @param lease   the new lease
 * @param proxy   the leased proxy
 * @param session how the acquire's {@linkplain io.pharox.storage.StickySession sticky session}
 *                was bound; empty for an acquire without a session
 */
public record LeasedProxy(Lease lease, Proxy proxy, Optional<SessionBinding> session) {

    /**
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the lease is not on the proxy
     */
    public LeasedProxy {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(session, "session");
        if (!lease.proxyId().equals(proxy.id())) {
            throw new IllegalArgumentException(
                    "lease " + lease.id() + " is on proxy " + lease.proxyId() + ", not on " + proxy.id());
        }
    }

    /**
     * A lease granted without a session.
     *
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the lease is not on the proxy
     */
    public LeasedProxy(Lease lease, Proxy proxy) {
        this(lease, proxy, Optional.empty());
    }

    /** This grant with {@code binding} as its session's. */
    public LeasedProxy withSession(SessionBinding binding) {
        return new LeasedProxy(lease, proxy, Optional.of(Objects.requireNonNull(binding, "binding")));
    }

    /** This grant with {@code proxy} (the same proxy, e.g. without credentials) in place of its own. */
    public LeasedProxy withProxy(Proxy proxy) {
        return new LeasedProxy(lease, proxy, session);
    }
}
