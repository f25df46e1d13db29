/**
 * The facade: {@link io.pharox.ProxyManager} leases proxies through a {@link io.pharox.storage.ProxyStorage}, waits for them, renews and releases them, and tells {@link io.pharox.LeaseListener}s what happened.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox;

import org.jspecify.annotations.NullMarked;
