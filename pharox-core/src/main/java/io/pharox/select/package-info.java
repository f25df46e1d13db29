/**
 * The selector strategies that pick one proxy among those that match a request.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.select;

import org.jspecify.annotations.NullMarked;
