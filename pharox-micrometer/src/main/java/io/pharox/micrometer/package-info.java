/**
 * Micrometer meters and observations for Pharox: {@link io.pharox.micrometer.PharoxMetrics} gives a
 * {@link io.pharox.LeaseListener} and a {@link io.pharox.event.LeaseObserver} for a
 * {@link io.pharox.ProxyManager}, and binds gauges that read a storage's
 * {@linkplain io.pharox.storage.ProxyStorage#poolStats pool statistics}. See {@code docs/metrics.md}.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.micrometer;

import org.jspecify.annotations.NullMarked;
