/**
 * {@link io.pharox.storage.jpa.JpaStorage}: the storage port on Hibernate ORM, with pools and proxies as entities and leasing run by the shared lease engine on the session's connection.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.storage.jpa;

import org.jspecify.annotations.NullMarked;
