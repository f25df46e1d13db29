package io.pharox.spring.boot;

import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.event.LeaseObserver;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.StorageListener;
import io.pharox.storage.sql.CredentialKeyring;
import io.pharox.storage.sql.SqlStorageOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Pharox's auto-configuration: a {@link ProxyStorage} (see {@link PharoxStorageConfigurations}:
 * JDBC on the application's {@code DataSource} by default), Pharox's schema migrated first
 * ({@link PharoxSchemaInitializer}), and a {@link ProxyManager} on the storage, set from
 * {@link PharoxProperties} with every {@link LeaseListener} bean registered.
 *
 * <p>Each bean backs off when the application defines its own: a {@link ProxyStorage} bean of
 * yours replaces the storage (and then nothing is migrated), a {@link ProxyManager} bean replaces
 * the manager, an {@link OutcomePolicy} bean replaces {@code pharox.outcome.*}, a
 * {@link SqlStorageOptions} bean replaces {@code pharox.storage.*} options, and a
 * {@link CredentialKeyring} bean seals proxy credentials in the SQL adapters.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
            "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration",
            "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration"
        })
@EnableConfigurationProperties(PharoxProperties.class)
@Import({
    DatabaseInitializationDependencyConfigurer.class,
    PharoxStorageConfigurations.Jdbc.class,
    PharoxStorageConfigurations.Jpa.class,
    PharoxStorageConfigurations.Memory.class,
    PharoxStorageConfigurations.MissingAdapter.class
})
public class PharoxAutoConfiguration {

    /** Created by Spring Boot. */
    public PharoxAutoConfiguration() {}

    /**
     * The SQL adapters' options from {@code pharox.storage.*}, sealing credentials with the
     * application's {@link CredentialKeyring} bean if it has one, and telling the
     * {@link StorageListener} bean, if there is exactly one (the Micrometer binding's), of the
     * statements PostgreSQL rolled back and the adapter ran again.
     */
    @Bean
    @ConditionalOnMissingBean
    public SqlStorageOptions pharoxSqlStorageOptions(
            PharoxProperties properties,
            ObjectProvider<CredentialKeyring> keyring,
            ObjectProvider<StorageListener> storageListener) {
        SqlStorageOptions.Builder builder = properties.sqlStorageOptions();
        keyring.ifUnique(builder::credentialKeyring);
        storageListener.ifUnique(builder::storageListener);
        return builder.build();
    }

    /**
     * The manager on the storage, with the defaults of {@code pharox.*}, the application's
     * {@link OutcomePolicy} bean (else {@code pharox.outcome.*}), every {@link LeaseListener}
     * bean, in their order ({@code @Order}, {@code Ordered}), and the {@link LeaseObserver} bean if
     * there is exactly one (the manager takes one observer).
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(ProxyStorage.class)
    public ProxyManager proxyManager(
            ProxyStorage storage,
            PharoxProperties properties,
            ObjectProvider<LeaseListener> listeners,
            ObjectProvider<LeaseObserver> observer,
            ObjectProvider<OutcomePolicy> outcomePolicy) {
        ProxyManager.Builder builder = ProxyManager.builder(storage)
                .defaultConsumer(properties.getDefaultConsumer())
                .defaultTtl(properties.getDefaultTtl())
                .defaultStrategy(properties.getDefaultStrategy())
                .waitPollInterval(properties.getWaitPollInterval())
                .wakeUpPollInterval(properties.getWakeUpPollInterval())
                .outcomePolicy(outcomePolicy.getIfUnique(properties::outcomePolicy));
        listeners.orderedStream().forEach(builder::listener);
        observer.ifUnique(builder::observer);
        return builder.build();
    }
}
