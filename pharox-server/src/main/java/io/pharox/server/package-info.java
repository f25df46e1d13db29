/**
 * The Pharox HTTP server: {@link io.pharox.server.PharoxServer} serves the JSON API over a
 * {@link io.pharox.ProxyManager} on Javalin, {@link io.pharox.server.ApiKeys} keeps the hashed
 * API keys, {@link io.pharox.server.ServerMain} is the command line ({@code serve},
 * {@code create-key}, {@code list-keys}, {@code revoke-key}).
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.server;

import org.jspecify.annotations.NullMarked;
