/**
 * Guice modules: {@link io.pharox.guice.PharoxModule} for the manager and one module per storage adapter.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.guice;

import org.jspecify.annotations.NullMarked;
