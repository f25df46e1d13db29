/**
 * {@link io.pharox.storage.memory.InMemoryStorage}: the storage port in one JVM, thread-safe and lock-free; the embedded default.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.storage.memory;

import org.jspecify.annotations.NullMarked;
