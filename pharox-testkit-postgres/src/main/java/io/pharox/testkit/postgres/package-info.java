/**
 * Test support for PostgreSQL adapters: {@link io.pharox.testkit.postgres.TestPostgres} finds the test server and {@link io.pharox.testkit.postgres.TestSchema} gives a test class a migrated schema of its own.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.testkit.postgres;

import org.jspecify.annotations.NullMarked;
