package io.pharox.model;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A proxy banned for one target host: requests that {@link
 * io.pharox.storage.AcquireRequest#target() name that target} skip the proxy until the ban ends;
 * other requests still get it.
 *
 * @param proxyId the banned proxy
 * @param target  the target host that refused it, normalized ({@link Outcome#requireTarget})
 * @param until   when the ban ends
 */
public record TargetBan(UUID proxyId, String target, Instant until) {

    /** @throws NullPointerException if an argument is {@code null} */
    public TargetBan {
        Objects.requireNonNull(proxyId, "proxyId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(until, "until");
    }
}
