/**
 * Pharox's domain errors, rooted at {@link io.pharox.exception.PharoxException}: a pool, proxy or lease that does not exist, a name already taken, a lease that cannot be renewed, a storage failure.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.exception;

import org.jspecify.annotations.NullMarked;
