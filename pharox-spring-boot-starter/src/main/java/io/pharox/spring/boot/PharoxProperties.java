package io.pharox.spring.boot;

import io.pharox.ProxyManager;
import io.pharox.model.Consumer;
import io.pharox.model.ProxyPool;
import io.pharox.schema.PharoxSchema;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.sql.SqlStorageOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code pharox.*} configuration properties. Spring Boot binds them at startup and then
 * validates them with the very checks the core and the adapters apply ({@link #validate}), so a
 * bad value fails startup with a message that names the property, e.g.
 * {@code pharox.default-ttl: ttl must be between PT0.001S and PT8760H, was PT-5S}. A value that cannot be
 * converted at all (an unknown strategy or storage type) fails the binding, whose message names
 * the property too. No Bean Validation provider is needed.
 */
@ConfigurationProperties(prefix = "pharox")
@Validated
public class PharoxProperties implements Validator {

    /** The consumer name the manager leases for when a request names none. */
    private String defaultConsumer = "default";

    /** How long a lease lasts when a request does not say. */
    private Duration defaultTtl = Duration.ofMinutes(5);

    /** The selector strategy used when a request does not say. */
    private SelectorStrategy defaultStrategy = SelectorStrategy.FIRST_AVAILABLE;

    /** How often a waiting acquire retries when no wake-up can reach it (1ms..1min). */
    private Duration waitPollInterval = Duration.ofMillis(50);

    /** How often a waiting acquire retries while the storage's wake-ups are delivered (1ms..1min). */
    private Duration wakeUpPollInterval = Duration.ofSeconds(1);

    private final Storage storage = new Storage();
    private final Schema schema = new Schema();
    private final Outcome outcome = new Outcome();
    private final Health health = new Health();
    private final Metrics metrics = new Metrics();

    /** The consumer name the manager leases for when a request names none. */
    public String getDefaultConsumer() {
        return defaultConsumer;
    }

    /** Sets {@code pharox.default-consumer}. */
    public void setDefaultConsumer(String defaultConsumer) {
        this.defaultConsumer = defaultConsumer;
    }

    /** How long a lease lasts when a request does not say. */
    public Duration getDefaultTtl() {
        return defaultTtl;
    }

    /** Sets {@code pharox.default-ttl}. */
    public void setDefaultTtl(Duration defaultTtl) {
        this.defaultTtl = defaultTtl;
    }

    /** The selector strategy used when a request does not say. */
    public SelectorStrategy getDefaultStrategy() {
        return defaultStrategy;
    }

    /** Sets {@code pharox.default-strategy}. */
    public void setDefaultStrategy(SelectorStrategy defaultStrategy) {
        this.defaultStrategy = defaultStrategy;
    }

    /** How often a waiting acquire retries when no wake-up can reach it. */
    public Duration getWaitPollInterval() {
        return waitPollInterval;
    }

    /** Sets {@code pharox.wait-poll-interval}. */
    public void setWaitPollInterval(Duration waitPollInterval) {
        this.waitPollInterval = waitPollInterval;
    }

    /** How often a waiting acquire retries while wake-ups are delivered. */
    public Duration getWakeUpPollInterval() {
        return wakeUpPollInterval;
    }

    /** Sets {@code pharox.wake-up-poll-interval}. */
    public void setWakeUpPollInterval(Duration wakeUpPollInterval) {
        this.wakeUpPollInterval = wakeUpPollInterval;
    }

    /** {@code pharox.storage.*}: which adapter, and the SQL adapters' options. */
    public Storage getStorage() {
        return storage;
    }

    /** {@code pharox.schema.*}: the schema of the SQL adapters and its migration. */
    public Schema getSchema() {
        return schema;
    }

    /** {@code pharox.outcome.*}: the manager's {@link OutcomePolicy}. */
    public Outcome getOutcome() {
        return outcome;
    }

    /** {@code pharox.health.*}: the Actuator health indicator. */
    public Health getHealth() {
        return health;
    }

    /** {@code pharox.metrics.*}: the Micrometer binding. */
    public Metrics getMetrics() {
        return metrics;
    }

    /** Binding and validation of these properties is this class's own job. */
    @Override
    public boolean supports(Class<?> type) {
        return PharoxProperties.class.isAssignableFrom(type);
    }

    /**
     * Checks every value with the rule of the code that will use it ({@link Consumer#requireName},
     * {@link AcquireRequest#requireTtl}, {@link ProxyManager#requireWaitPollInterval}, {@link PharoxSchema#requireName},
     * {@link SqlStorageOptions.Builder}, {@link OutcomePolicy}, {@link ProxyPool#requireName}); each failure is a field error whose
     * message starts with the property's name.
     */
    @Override
    public void validate(Object target, Errors errors) {
        PharoxProperties p = (PharoxProperties) target;
        check(errors, "defaultConsumer", "pharox.default-consumer", () -> Consumer.requireName(p.defaultConsumer));
        check(errors, "defaultTtl", "pharox.default-ttl", () -> AcquireRequest.requireTtl(p.defaultTtl));
        check(errors, "defaultStrategy", "pharox.default-strategy", () -> Objects.requireNonNull(p.defaultStrategy));
        check(
                errors,
                "waitPollInterval",
                "pharox.wait-poll-interval",
                () -> ProxyManager.requireWaitPollInterval(p.waitPollInterval));
        check(
                errors,
                "wakeUpPollInterval",
                "pharox.wake-up-poll-interval",
                () -> ProxyManager.requireWakeUpPollInterval(p.wakeUpPollInterval));
        check(errors, "storage.type", "pharox.storage.type", () -> Objects.requireNonNull(p.storage.type));
        check(
                errors,
                "storage.statementTimeout",
                "pharox.storage.statement-timeout",
                () -> SqlStorageOptions.builder().statementTimeout(p.storage.statementTimeout));
        check(
                errors,
                "storage.lockTimeout",
                "pharox.storage.lock-timeout",
                () -> SqlStorageOptions.builder().lockTimeout(p.storage.lockTimeout));
        check(
                errors,
                "storage.coalescing",
                "pharox.storage.coalescing",
                () -> Objects.requireNonNull(p.storage.coalescing));
        check(errors, "schema.name", "pharox.schema.name", () -> PharoxSchema.requireName(p.schema.name));
        OutcomePolicy d = OutcomePolicy.defaults();
        Outcome o = p.outcome;
        check(
                errors,
                "outcome.failureThreshold",
                "pharox.outcome.failure-threshold",
                () -> d.withFailureThreshold(o.failureThreshold));
        check(
                errors,
                "outcome.cooldown",
                "pharox.outcome.cooldown",
                () -> d.withCooldown(o.cooldown, OutcomePolicy.MAX_COOLDOWN));
        check(errors, "outcome.maxCooldown", "pharox.outcome.max-cooldown", () -> {
            d.withCooldown(OutcomePolicy.MIN_COOLDOWN, o.maxCooldown);
            if (o.cooldown != null && o.cooldown.compareTo(OutcomePolicy.MIN_COOLDOWN) >= 0) {
                d.withCooldown(o.cooldown, o.maxCooldown);
            }
        });
        check(errors, "outcome.banCooldown", "pharox.outcome.ban-cooldown", () -> d.withBanCooldown(o.banCooldown));
        check(errors, "outcome.smoothing", "pharox.outcome.smoothing", () -> d.withSmoothing(o.smoothing));
        check(
                errors,
                "health.emptyPoolStatus",
                "pharox.health.empty-pool-status",
                () -> Objects.requireNonNull(p.health.emptyPoolStatus));
        for (String pool : p.metrics.pools) {
            check(errors, "metrics.pools", "pharox.metrics.pools", () -> ProxyPool.requireName(pool));
        }
        for (String pool : p.health.pools) {
            check(errors, "health.pools", "pharox.health.pools", () -> ProxyPool.requireName(pool));
        }
    }

    private static void check(Errors errors, String field, String property, Runnable rule) {
        try {
            rule.run();
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? "must be set" : e.getMessage();
            errors.rejectValue(field, "pharox.invalid", property + ": " + why);
        }
    }

    /**
     * The manager's {@link OutcomePolicy} from {@code pharox.outcome.*}.
     *
     * @throws IllegalArgumentException if a value is out of range, naming it
     */
    OutcomePolicy outcomePolicy() {
        return new OutcomePolicy(
                outcome.failureThreshold,
                outcome.cooldown,
                outcome.maxCooldown,
                outcome.banCooldown,
                outcome.smoothing);
    }

    /** The SQL adapters' options from {@code pharox.storage.*}, without a credential keyring. */
    SqlStorageOptions.Builder sqlStorageOptions() {
        SqlStorageOptions.Builder builder = SqlStorageOptions.builder()
                .statementTimeout(storage.statementTimeout)
                .lockTimeout(storage.lockTimeout)
                .coalescing(storage.coalescing)
                .wakeUps(storage.wakeUps);
        if (storage.allowPlaintextCredentials) {
            builder.allowPlaintextCredentials();
        }
        return builder;
    }

    /** Which storage adapter the auto-configuration builds. */
    public enum StorageType {
        /** {@code JdbcStorage} on the application's {@code DataSource} (the default). */
        JDBC,
        /** {@code JpaStorage} on the application's {@code EntityManagerFactory}; needs pharox-storage-jpa. */
        JPA,
        /** {@code InMemoryStorage}, for one process (tests, demos); needs pharox-storage-memory. */
        MEMORY
    }

    /** The health status reported while a pool has no leasable proxy. */
    public enum EmptyPoolStatus {
        /** {@code DOWN}: the application cannot work without proxies (the default). */
        DOWN,
        /** {@code OUT_OF_SERVICE}. */
        OUT_OF_SERVICE,
        /** {@code UNKNOWN}. */
        UNKNOWN,
        /** {@code UP}: empty pools are listed in the details but do not change the status. */
        UP
    }

    /** {@code pharox.storage.*}. */
    public static class Storage {

        /** The storage adapter: jdbc (on the DataSource), jpa (on the EntityManagerFactory) or memory. */
        private StorageType type = StorageType.JDBC;

        /** Longest a SQL adapter's statement may run before PostgreSQL cancels it (1ms..24h). */
        private Duration statementTimeout = Duration.ofSeconds(30);

        /** Longest a SQL adapter's statement may wait for a lock (1ms..24h). */
        private Duration lockTimeout = Duration.ofSeconds(10);

        /** Whether concurrent acquires and releases share statements: off, on or always. */
        private SqlStorageOptions.Coalescing coalescing = SqlStorageOptions.Coalescing.ON;

        /** Whether waiting acquires are woken by LISTEN/NOTIFY (otherwise they poll). */
        private boolean wakeUps = true;

        /**
         * Whether proxy credentials may be stored in plain text when no CredentialKeyring bean
         * is defined (by default the SQL adapters refuse to store them).
         */
        private boolean allowPlaintextCredentials = false;

        /** The storage adapter. */
        public StorageType getType() {
            return type;
        }

        /** Sets {@code pharox.storage.type}. */
        public void setType(StorageType type) {
            this.type = type;
        }

        /** The SQL adapters' statement timeout. */
        public Duration getStatementTimeout() {
            return statementTimeout;
        }

        /** Sets {@code pharox.storage.statement-timeout}. */
        public void setStatementTimeout(Duration statementTimeout) {
            this.statementTimeout = statementTimeout;
        }

        /** The SQL adapters' lock timeout. */
        public Duration getLockTimeout() {
            return lockTimeout;
        }

        /** Sets {@code pharox.storage.lock-timeout}. */
        public void setLockTimeout(Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }

        /** Whether acquires and releases are coalesced. */
        public SqlStorageOptions.Coalescing getCoalescing() {
            return coalescing;
        }

        /** Sets {@code pharox.storage.coalescing}. */
        public void setCoalescing(SqlStorageOptions.Coalescing coalescing) {
            this.coalescing = coalescing;
        }

        /** Whether waiting acquires are woken by LISTEN/NOTIFY. */
        public boolean isWakeUps() {
            return wakeUps;
        }

        /** Sets {@code pharox.storage.wake-ups}. */
        public void setWakeUps(boolean wakeUps) {
            this.wakeUps = wakeUps;
        }

        /** Whether credentials may be stored in plain text without a keyring. */
        public boolean isAllowPlaintextCredentials() {
            return allowPlaintextCredentials;
        }

        /** Sets {@code pharox.storage.allow-plaintext-credentials}. */
        public void setAllowPlaintextCredentials(boolean allowPlaintextCredentials) {
            this.allowPlaintextCredentials = allowPlaintextCredentials;
        }
    }

    /** {@code pharox.schema.*}. */
    public static class Schema {

        /** The PostgreSQL schema holding Pharox's tables (and Flyway's history of them). */
        private String name = "pharox";

        /** Whether Pharox's Flyway migrations run on that schema at startup. */
        private boolean migrate = true;

        /** The schema's name. */
        public String getName() {
            return name;
        }

        /** Sets {@code pharox.schema.name}. */
        public void setName(String name) {
            this.name = name;
        }

        /** Whether the migrations run at startup. */
        public boolean isMigrate() {
            return migrate;
        }

        /** Sets {@code pharox.schema.migrate}. */
        public void setMigrate(boolean migrate) {
            this.migrate = migrate;
        }
    }

    /** {@code pharox.outcome.*}: see {@link OutcomePolicy}. */
    public static class Outcome {

        /** Consecutive failures that open a proxy's circuit (1..1000). */
        private int failureThreshold = 5;

        /** How long a circuit stays open after it first opens; doubled at each re-opening. */
        private Duration cooldown = Duration.ofSeconds(30);

        /** The cap of the doubled cooldown. */
        private Duration maxCooldown = Duration.ofMinutes(10);

        /** How long a target-blocked report bans a proxy for its target. */
        private Duration banCooldown = Duration.ofMinutes(30);

        /** The weight of a new report in a proxy's smoothed success rate and latency, in (0, 1]. */
        private double smoothing = 0.2;

        /** Failures that open a circuit. */
        public int getFailureThreshold() {
            return failureThreshold;
        }

        /** Sets {@code pharox.outcome.failure-threshold}. */
        public void setFailureThreshold(int failureThreshold) {
            this.failureThreshold = failureThreshold;
        }

        /** The first cooldown of an open circuit. */
        public Duration getCooldown() {
            return cooldown;
        }

        /** Sets {@code pharox.outcome.cooldown}. */
        public void setCooldown(Duration cooldown) {
            this.cooldown = cooldown;
        }

        /** The cap of the cooldown. */
        public Duration getMaxCooldown() {
            return maxCooldown;
        }

        /** Sets {@code pharox.outcome.max-cooldown}. */
        public void setMaxCooldown(Duration maxCooldown) {
            this.maxCooldown = maxCooldown;
        }

        /** How long a per-target ban lasts. */
        public Duration getBanCooldown() {
            return banCooldown;
        }

        /** Sets {@code pharox.outcome.ban-cooldown}. */
        public void setBanCooldown(Duration banCooldown) {
            this.banCooldown = banCooldown;
        }

        /** The smoothing weight of new reports. */
        public double getSmoothing() {
            return smoothing;
        }

        /** Sets {@code pharox.outcome.smoothing}. */
        public void setSmoothing(double smoothing) {
            this.smoothing = smoothing;
        }
    }

    /** {@code pharox.health.*}. */
    public static class Health {

        /** The pools the health indicator checks; empty (the default) checks every pool. */
        private List<String> pools = new ArrayList<>();

        /** The status reported while a checked pool has no leasable proxy (or does not exist). */
        private EmptyPoolStatus emptyPoolStatus = EmptyPoolStatus.DOWN;

        /** The pools checked; empty for all. */
        public List<String> getPools() {
            return pools;
        }

        /** Sets {@code pharox.health.pools}. */
        public void setPools(List<String> pools) {
            this.pools = pools;
        }

        /** The status of an empty pool. */
        public EmptyPoolStatus getEmptyPoolStatus() {
            return emptyPoolStatus;
        }

        /** Sets {@code pharox.health.empty-pool-status}. */
        public void setEmptyPoolStatus(EmptyPoolStatus emptyPoolStatus) {
            this.emptyPoolStatus = emptyPoolStatus;
        }
    }

    /**
     * {@code pharox.metrics.*}: used when {@code pharox-micrometer} is on the class path and there
     * is a {@code MeterRegistry} bean. The refresh interval is checked when the binding starts
     * ({@code PharoxMetrics.Builder#poolStatsRefresh}: 1s..1h).
     */
    public static class Metrics {

        /** Whether the manager's meters, observations and pool gauges are registered. */
        private boolean enabled = true;

        /** The pools whose gauges are bound at startup; empty (the default): every pool existing then. */
        private List<String> pools = new ArrayList<>();

        /** How often a pool's gauges read poolStats at most (1s..1h). */
        private Duration poolStatsRefresh = Duration.ofSeconds(10);

        /** Whether meters carry a proxy-id tag (unbounded cardinality: off by default). */
        private boolean tagProxies = false;

        /** Whether the acquire timer publishes a percentile histogram. */
        private boolean percentileHistogram = true;

        /** Whether the binding is on. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets {@code pharox.metrics.enabled}. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The pools whose gauges are bound; empty for every pool existing at startup. */
        public List<String> getPools() {
            return pools;
        }

        /** Sets {@code pharox.metrics.pools}. */
        public void setPools(List<String> pools) {
            this.pools = pools;
        }

        /** How often pool gauges refresh at most. */
        public Duration getPoolStatsRefresh() {
            return poolStatsRefresh;
        }

        /** Sets {@code pharox.metrics.pool-stats-refresh}. */
        public void setPoolStatsRefresh(Duration poolStatsRefresh) {
            this.poolStatsRefresh = poolStatsRefresh;
        }

        /** Whether meters carry a proxy-id tag. */
        public boolean isTagProxies() {
            return tagProxies;
        }

        /** Sets {@code pharox.metrics.tag-proxies}. */
        public void setTagProxies(boolean tagProxies) {
            this.tagProxies = tagProxies;
        }

        /** Whether the acquire timer publishes a percentile histogram. */
        public boolean isPercentileHistogram() {
            return percentileHistogram;
        }

        /** Sets {@code pharox.metrics.percentile-histogram}. */
        public void setPercentileHistogram(boolean percentileHistogram) {
            this.percentileHistogram = percentileHistogram;
        }
    }
}
