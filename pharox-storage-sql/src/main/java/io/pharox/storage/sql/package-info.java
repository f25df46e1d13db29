/**
 * The PostgreSQL lease engine both SQL adapters run: claim, release, renew and cleanup statements, and the translation of database errors to Pharox exceptions.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.storage.sql;

import org.jspecify.annotations.NullMarked;
