package io.pharox.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.ProvisionException;
import com.google.inject.binder.LinkedBindingBuilder;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.health.HealthCheckOptions;
import io.pharox.health.HealthChecker;
import io.pharox.health.HealthMonitor;
import io.pharox.health.ProxyProbe;
import io.pharox.model.Consumer;
import io.pharox.model.ProxyProtocol;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The core's Guice wiring: binds {@link ProxyManager} (a singleton on the bound
 * {@link ProxyStorage}), the {@link Clock} and the set of {@link LeaseListener}s. It binds no
 * storage: install exactly one adapter module beside it ({@link InMemoryStorageModule},
 * {@link JdbcStorageModule}, {@link JpaStorageModule}, or a module of your own that binds
 * {@link ProxyStorage}), so that swapping adapters is swapping that one module.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *         PharoxModule.builder().defaultConsumer("crawler-1").build(),
 *         new JdbcStorageModule(dataSource, "pharox"));
 * ProxyManager manager = injector.getInstance(ProxyManager.class);
 * }</pre>
 *
 * <h2>Bindings</h2>
 * <ul>
 *   <li>{@link ProxyManager}, singleton: every injection point shares one manager, so that a
 *       release through it wakes every acquire waiting on it, and its listeners see every
 *       lease it hands out. Built from the builder's settings (defaults as in
 *       {@link ProxyManager#builder(ProxyStorage)}).</li>
 *   <li>{@link Clock}: {@link Clock#systemUTC()} or the builder's clock, as the default of an
 *       {@link OptionalBinder}; another module may replace it through {@link #clockBinding}.
 *       {@link InMemoryStorageModule} reads "now" from it too; the SQL adapters use the
 *       database's clock.</li>
 *   <li>{@code Set<LeaseListener>}: empty unless modules add listeners through
 *       {@link #leaseListeners}; the manager notifies each of them.</li>
 * </ul>
 *
 * <h2>Health checking</h2>
 * {@link HealthChecker} and {@link HealthMonitor} are singletons built from the bound
 * {@link HealthCheckOptions}, {@link Clock} and {@link ProxyStorage}. The options have no
 * default (a probe needs a target URL you choose): give them with
 * {@link Builder#healthChecks}, or bind them from another module through
 * {@link #healthCheckOptionsBinding}. Without options the injector still starts, and asking
 * for the checker or the monitor fails with a message saying how to give them. The monitor
 * runs nothing until you call {@link HealthMonitor#start}; whoever starts it closes it. Probes
 * of your own ({@link ProxyProbe}) replace the built-in one for their protocol when a module adds
 * them through {@link #healthProbes}.
 */
public final class PharoxModule extends AbstractModule {

    private final String defaultConsumer;
    private final Duration defaultTtl;
    private final SelectorStrategy defaultStrategy;
    private final Duration waitPollInterval;
    private final Clock clock;
    private final @Nullable HealthCheckOptions healthChecks;
    private final OutcomePolicy outcomePolicy;

    /** A module with every default: consumer {@value Consumer#DEFAULT_NAME}, ttl 5 min, FIRST_AVAILABLE, UTC clock. */
    public PharoxModule() {
        this(builder());
    }

    private PharoxModule(Builder b) {
        this.defaultConsumer = b.defaultConsumer;
        this.defaultTtl = b.defaultTtl;
        this.defaultStrategy = b.defaultStrategy;
        this.waitPollInterval = b.waitPollInterval;
        this.clock = b.clock;
        this.healthChecks = b.healthChecks;
        this.outcomePolicy = b.outcomePolicy;
    }

    /** A builder for the manager's settings, starting from the defaults of {@link ProxyManager#builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The binding of the {@link Clock} for another module to set (in its {@code configure}),
     * replacing this module's default, e.g. with a test clock:
     * {@code PharoxModule.clockBinding(binder()).toInstance(testClock)}.
     */
    public static LinkedBindingBuilder<Clock> clockBinding(Binder binder) {
        return OptionalBinder.newOptionalBinder(Objects.requireNonNull(binder, "binder"), Clock.class)
                .setBinding();
    }

    /**
     * The set of lease listeners for another module to add to (in its {@code configure}):
     * {@code PharoxModule.leaseListeners(binder()).addBinding().to(AuditListener.class)}.
     */
    public static Multibinder<LeaseListener> leaseListeners(Binder binder) {
        return Multibinder.newSetBinder(Objects.requireNonNull(binder, "binder"), LeaseListener.class);
    }

    /**
     * The binding of the {@link HealthCheckOptions} for another module to set (in its
     * {@code configure}), replacing those of {@link Builder#healthChecks}:
     * {@code PharoxModule.healthCheckOptionsBinding(binder()).toInstance(options)}.
     */
    public static LinkedBindingBuilder<HealthCheckOptions> healthCheckOptionsBinding(Binder binder) {
        return OptionalBinder.newOptionalBinder(Objects.requireNonNull(binder, "binder"), HealthCheckOptions.class)
                .setBinding();
    }

    /**
     * The probes for another module to add (in its {@code configure}), at most one per protocol,
     * each replacing the bound {@link HealthChecker}'s built-in probe for that protocol (see
     * {@link HealthChecker#withProbe}):
     * {@code PharoxModule.healthProbes(binder()).addBinding(ProxyProtocol.SOCKS5).toInstance(probe)}.
     */
    public static MapBinder<ProxyProtocol, ProxyProbe> healthProbes(Binder binder) {
        return MapBinder.newMapBinder(Objects.requireNonNull(binder, "binder"), ProxyProtocol.class, ProxyProbe.class);
    }

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), Clock.class).setDefault().toInstance(clock);
        OptionalBinder<HealthCheckOptions> options =
                OptionalBinder.newOptionalBinder(binder(), HealthCheckOptions.class);
        if (healthChecks != null) {
            options.setDefault().toInstance(healthChecks);
        }
        leaseListeners(binder());
        healthProbes(binder());
    }

    @Provides
    @Singleton
    HealthChecker healthChecker(
            Optional<HealthCheckOptions> options, Clock boundClock, Map<ProxyProtocol, ProxyProbe> probes) {
        HealthChecker checker = new HealthChecker(
                options.orElseThrow(() -> new ProvisionException("health checking"
                        + " needs HealthCheckOptions (the target URL to probe): give them with PharoxModule.builder()"
                        + ".healthChecks(options) or PharoxModule.healthCheckOptionsBinding(binder())")),
                boundClock);
        for (Map.Entry<ProxyProtocol, ProxyProbe> probe : probes.entrySet()) {
            checker = checker.withProbe(probe.getKey(), probe.getValue());
        }
        return checker;
    }

    @Provides
    @Singleton
    HealthMonitor healthMonitor(ProxyStorage storage, HealthChecker checker) {
        return new HealthMonitor(storage, checker, outcomePolicy);
    }

    @Provides
    @Singleton
    ProxyManager proxyManager(ProxyStorage storage, Clock boundClock, Set<LeaseListener> listeners) {
        ProxyManager.Builder builder = ProxyManager.builder(storage)
                .defaultConsumer(defaultConsumer)
                .defaultTtl(defaultTtl)
                .defaultStrategy(defaultStrategy)
                .waitPollInterval(waitPollInterval)
                .outcomePolicy(outcomePolicy)
                .clock(boundClock);
        listeners.forEach(builder::listener);
        return builder.build();
    }

    /** Builder for {@link PharoxModule}; each setter validates at once, as {@link ProxyManager.Builder} does. Not thread-safe. */
    public static final class Builder {
        private String defaultConsumer = Consumer.DEFAULT_NAME;
        private Duration defaultTtl = AcquireRequest.DEFAULT_TTL;
        private SelectorStrategy defaultStrategy = SelectorStrategy.FIRST_AVAILABLE;
        private Duration waitPollInterval = Duration.ofMillis(50);
        private Clock clock = Clock.systemUTC();
        private @Nullable HealthCheckOptions healthChecks;
        private OutcomePolicy outcomePolicy = OutcomePolicy.defaults();

        private Builder() {}

        /**
         * The manager's default consumer name.
         *
         * @throws IllegalArgumentException if the name is blank or too long
         */
        public Builder defaultConsumer(String name) {
            this.defaultConsumer = Consumer.requireName(name);
            return this;
        }

        /**
         * The manager's default lease duration.
         *
         * @throws IllegalArgumentException if it is out of {@link AcquireRequest#requireTtl range}
         */
        public Builder defaultTtl(Duration ttl) {
            this.defaultTtl = AcquireRequest.requireTtl(ttl);
            return this;
        }

        /** The manager's default selector strategy. */
        public Builder defaultStrategy(SelectorStrategy strategy) {
            this.defaultStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * How often a waiting acquire polls for releases made elsewhere: 1 ms..1 min, as
         * {@link ProxyManager.Builder#waitPollInterval} accepts.
         *
         * @throws IllegalArgumentException if it is out of range
         */
        public Builder waitPollInterval(Duration interval) {
            this.waitPollInterval = ProxyManager.requireWaitPollInterval(interval);
            return this;
        }

        /** The clock bound by default (another module may still replace it through {@link #clockBinding}). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The options of the bound {@link HealthChecker} (target URL, timeouts, slow threshold,
         * retries, concurrency); another module may still replace them through
         * {@link #healthCheckOptionsBinding}.
         */
        public Builder healthChecks(HealthCheckOptions options) {
            this.healthChecks = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * How outcome reports and health checks change a proxy's circuit, bans and scores, for the
         * bound {@link ProxyManager} and {@link HealthMonitor}; default
         * {@link OutcomePolicy#defaults()}.
         */
        public Builder outcomePolicy(OutcomePolicy policy) {
            this.outcomePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Builds the module. */
        public PharoxModule build() {
            return new PharoxModule(this);
        }
    }
}
