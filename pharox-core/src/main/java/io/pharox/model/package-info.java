/**
 * The domain's values: pools, proxies, consumers, leases and health-check results, immutable and validated when built.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.model;

import org.jspecify.annotations.NullMarked;
