/**
 * A Java client for {@code pharox-server}: {@link io.pharox.client.PharoxClient} implements
 * {@link io.pharox.ProxyLeasing} over HTTP, {@link io.pharox.client.PharoxAdminClient} calls the
 * admin routes, {@link io.pharox.client.FilterJson} turns filters into JSON and back.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.client;

import org.jspecify.annotations.NullMarked;
