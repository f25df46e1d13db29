/**
 * The PostgreSQL schema of the SQL adapters: its Flyway migrations and {@link io.pharox.schema.PharoxSchema#migrate}.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.schema;

import org.jspecify.annotations.NullMarked;
