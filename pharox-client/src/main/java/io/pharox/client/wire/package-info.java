/**
 * The JSON bodies of the {@code pharox-server} HTTP API, shared by the server and the client:
 * plain records that Jackson reads and writes ({@link io.pharox.client.wire.WireJson#mapper()}).
 * Instants are ISO-8601 strings, durations ISO-8601 durations ({@code "PT30S"}).
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}; absent optional fields are {@code null} in the records and left out of
 * the JSON.
 */
@NullMarked
package io.pharox.client.wire;

import org.jspecify.annotations.NullMarked;
