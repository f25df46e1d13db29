/**
 * Filters that choose which proxies may be leased: equality, geo radius, nested {@code allOf} / {@code anyOf} / {@code noneOf} trees and Java predicates, built with {@link io.pharox.filter.ProxyFilters}.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.filter;

import org.jspecify.annotations.NullMarked;
