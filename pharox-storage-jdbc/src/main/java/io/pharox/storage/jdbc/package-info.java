/**
 * {@link io.pharox.storage.jdbc.JdbcStorage}: the storage port on a PostgreSQL {@code DataSource}, shared by every JVM that uses the same schema.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.storage.jdbc;

import org.jspecify.annotations.NullMarked;
