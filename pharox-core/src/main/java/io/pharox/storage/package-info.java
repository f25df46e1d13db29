/**
 * The storage port, {@link io.pharox.storage.ProxyStorage}, that every adapter implements, and the {@link io.pharox.storage.AcquireRequest} it takes.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.storage;

import org.jspecify.annotations.NullMarked;
