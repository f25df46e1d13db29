package io.pharox.spring.boot;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import io.pharox.storage.memory.InMemoryStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import jakarta.persistence.EntityManagerFactory;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The storage beans, one configuration per {@code pharox.storage.type}; each backs off when the
 * application defines a {@link ProxyStorage} of its own. The storage they create is closed with
 * the context (it stops the wait queue's listener); the data source and entity manager factory
 * stay the application's.
 */
final class PharoxStorageConfigurations {

    private PharoxStorageConfigurations() {}

    /** {@code pharox.storage.type=jdbc} (the default): {@link JdbcStorage} on the one {@link DataSource}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(ProxyStorage.class)
    @ConditionalOnProperty(prefix = "pharox.storage", name = "type", havingValue = "jdbc", matchIfMissing = true)
    @ConditionalOnSingleCandidate(DataSource.class)
    static class Jdbc {

        @Bean
        @ConditionalOnProperty(prefix = "pharox.schema", name = "migrate", havingValue = "true", matchIfMissing = true)
        PharoxSchemaInitializer pharoxSchemaInitializer(
                DataSource dataSource, PharoxProperties properties, SqlStorageOptions options) {
            return new PharoxSchemaInitializer(
                    dataSource, properties.getSchema().getName(), options);
        }

        @Bean(destroyMethod = "close")
        @DependsOnDatabaseInitialization
        JdbcStorage pharoxStorage(DataSource dataSource, PharoxProperties properties, SqlStorageOptions options) {
            return new JdbcStorage(dataSource, properties.getSchema().getName(), options);
        }
    }

    /**
     * {@code pharox.storage.type=jpa}: {@link JpaStorage} on the one {@link EntityManagerFactory},
     * which must manage {@link JpaStorage#MANAGED_CLASSES} (this configuration adds their package
     * to the auto-configuration packages that Spring Boot's JPA scans for entities) and name the
     * Pharox schema in {@value JpaStorage#DEFAULT_SCHEMA_PROPERTY} (or leave it unset for
     * {@value JpaStorage#DEFAULT_SCHEMA}). The migration runs on the one {@link DataSource}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.pharox.storage.jpa.JpaStorage")
    @ConditionalOnMissingBean(ProxyStorage.class)
    @ConditionalOnProperty(prefix = "pharox.storage", name = "type", havingValue = "jpa")
    @AutoConfigurationPackage(basePackageClasses = JpaStorage.class)
    static class Jpa {

        @Bean
        @ConditionalOnProperty(prefix = "pharox.schema", name = "migrate", havingValue = "true", matchIfMissing = true)
        PharoxSchemaInitializer pharoxSchemaInitializer(
                ObjectProvider<DataSource> dataSource, PharoxProperties properties, SqlStorageOptions options) {
            DataSource ds = dataSource.getIfUnique();
            if (ds == null) {
                throw new IllegalStateException("pharox.schema.migrate=true needs one DataSource bean to migrate"
                        + " schema " + properties.getSchema().getName()
                        + ", found none or several: define one, or set pharox.schema.migrate=false");
            }
            return new PharoxSchemaInitializer(ds, properties.getSchema().getName(), options);
        }

        @Bean(destroyMethod = "close")
        @DependsOnDatabaseInitialization
        JpaStorage pharoxStorage(
                ObjectProvider<EntityManagerFactory> factories,
                PharoxProperties properties,
                SqlStorageOptions options) {
            EntityManagerFactory emf = factories.getIfUnique();
            if (emf == null) {
                throw new IllegalStateException("pharox.storage.type=jpa needs one EntityManagerFactory bean,"
                        + " found none or several: add spring-boot-starter-data-jpa, or set pharox.storage.type=jdbc");
            }
            String schema = properties.getSchema().getName();
            Object factorySchema = emf.getProperties().get(JpaStorage.DEFAULT_SCHEMA_PROPERTY);
            String used = factorySchema == null ? JpaStorage.DEFAULT_SCHEMA : factorySchema.toString();
            if (!Objects.equals(used, schema)) {
                throw new IllegalStateException("pharox.schema.name is " + schema
                        + " but the EntityManagerFactory's " + JpaStorage.DEFAULT_SCHEMA_PROPERTY + " is " + used
                        + ": JpaStorage works in the factory's schema; make them equal (spring.jpa.properties."
                        + JpaStorage.DEFAULT_SCHEMA_PROPERTY + ")");
            }
            return new JpaStorage(emf, options);
        }
    }

    /** {@code pharox.storage.type=memory}: an {@link InMemoryStorage}, for one process. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.pharox.storage.memory.InMemoryStorage")
    @ConditionalOnMissingBean(ProxyStorage.class)
    @ConditionalOnProperty(prefix = "pharox.storage", name = "type", havingValue = "memory")
    static class Memory {

        @Bean
        InMemoryStorage pharoxStorage() {
            return new InMemoryStorage();
        }
    }

    /**
     * {@code pharox.storage.type=jpa} or {@code memory} without the adapter on the class path: fails
     * startup saying which artifact to add, rather than leaving the application without a storage.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(ProxyStorage.class)
    static class MissingAdapter {

        @Bean
        @ConditionalOnProperty(prefix = "pharox.storage", name = "type", havingValue = "jpa")
        @ConditionalOnMissingClass("io.pharox.storage.jpa.JpaStorage")
        ProxyStorage pharoxStorage() {
            throw new IllegalStateException(
                    "pharox.storage.type=jpa needs io.pharox:pharox-storage-jpa on the class path");
        }

        @Bean
        @ConditionalOnProperty(prefix = "pharox.storage", name = "type", havingValue = "memory")
        @ConditionalOnMissingClass("io.pharox.storage.memory.InMemoryStorage")
        ProxyStorage pharoxMemoryStorage() {
            throw new IllegalStateException(
                    "pharox.storage.type=memory needs io.pharox:pharox-storage-memory on the class path");
        }
    }
}
