/**
 * The storage contract as JUnit 5 tests: extend {@link io.pharox.testkit.ProxyStorageContract} to prove an adapter keeps it.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.testkit;

import org.jspecify.annotations.NullMarked;
