package io.pharox.spring.boot;

import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Tells Spring Boot that a {@link PharoxSchemaInitializer} initializes a database, so that beans
 * depending on database initialization wait for it. Registered in {@code META-INF/spring.factories}.
 */
public final class PharoxSchemaInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

    @Override
    protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
        return Set.of(PharoxSchemaInitializer.class);
    }
}
