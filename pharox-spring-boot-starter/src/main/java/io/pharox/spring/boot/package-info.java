/**
 * Spring Boot auto-configuration for Pharox: a {@link io.pharox.storage.ProxyStorage} on the
 * application's data source, the schema migrated, a {@link io.pharox.ProxyManager} from
 * {@code pharox.*} properties ({@link io.pharox.spring.boot.PharoxProperties}) and an Actuator
 * health indicator. See {@code docs/spring-boot.md}.
 *
 * <p>Nothing in this package takes or returns {@code null} unless it is marked
 * {@code @Nullable}.
 */
@NullMarked
package io.pharox.spring.boot;

import org.jspecify.annotations.NullMarked;
