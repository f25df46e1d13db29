package io.pharox.examples.postgres;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pharox.guice.JdbcStorageModule;
import io.pharox.guice.PharoxModule;
import io.pharox.micrometer.PharoxMetrics;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.EnvironmentKeyring;
import io.pharox.storage.sql.SqlStorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A small leasing service on PostgreSQL: HikariCP for connections, Guice for wiring
 * ({@link PharoxModule} plus {@link JdbcStorageModule}, which runs the Flyway migrations),
 * the JDBC adapter for storage. It migrates its schema, imports proxies from a file
 * ({@link ProxyFile}), runs worker threads that lease and release them, runs the expiry
 * cleanup every second, prints a summary every second and a final one, and fails if any
 * proxy was ever seen with more active leases than its max concurrency. Then it shows a failing
 * proxy taken out of rotation by outcome reports and brought back after its cooldown
 * ({@link FailingProxyDemo}). All the while it serves its meters ({@link PharoxMetrics}) to
 * Prometheus on {@code /metrics} ({@link MetricsEndpoint}).
 *
 * <p>Run it with {@code mvn -q -B -pl examples/postgres-service -am -DskipTests -Ppostgres-service verify}
 * (see the README); options in {@link Settings#USAGE}.
 */
public final class PostgresService {

    /** The sample proxy file on the class path, used when no {@code --proxies} is given. */
    static final String SAMPLE = "proxies.txt";

    private PostgresService() {}

    /**
     * Runs the service with the arguments of {@link Settings#USAGE}; exits with status 2 on bad
     * arguments, and throws if a check failed.
     */
    public static void main(String[] args) throws InterruptedException {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.println(Settings.USAGE);
            return;
        }
        Settings settings;
        List<ProxyFile.Entry> entries;
        try {
            settings = Settings.parse(arguments, System.getenv());
            entries = readProxies(settings);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(Settings.USAGE);
            System.exit(2);
            return;
        }
        LeaseLoad.Outcome outcome = run(settings, entries, System.out);
        if (!outcome.ok()) {
            throw new IllegalStateException("the run failed its checks: " + outcome);
        }
    }

    /** The proxies of the settings' file, or of the bundled sample. */
    static List<ProxyFile.Entry> readProxies(Settings settings) {
        if (settings.proxies().isPresent()) {
            Path file = settings.proxies().get();
            try {
                return ProxyFile.parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read proxy file " + file + ": " + e.getMessage(), e);
            }
        }
        try (InputStream in = PostgresService.class.getResourceAsStream("/" + SAMPLE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled " + SAMPLE + " is missing from the class path");
            }
            return ProxyFile.parse(
                    SAMPLE + " (bundled)",
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .lines()
                            .toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the service as {@code settings} say on {@code entries}, printing to {@code out}. */
    static LeaseLoad.Outcome run(Settings settings, List<ProxyFile.Entry> entries, PrintStream out)
            throws InterruptedException {
        out.println("Pharox PostgreSQL service: " + settings.safeUrl() + ", schema " + settings.schema() + ", "
                + settings.workers() + " workers for " + settings.duration().toSeconds() + " s");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();
        try (HikariDataSource dataSource = dataSource(settings)) {
            Injector injector = Guice.createInjector(
                    PharoxModule.builder()
                            .defaultConsumer("postgres-service")
                            .defaultTtl(Duration.ofSeconds(30))
                            .outcomePolicy(FailingProxyDemo.POLICY)
                            .build(),
                    new JdbcStorageModule(dataSource, settings.schema()).withOptions(storageOptions(settings, metrics)),
                    new AbstractModule() {
                        @Override
                        protected void configure() {
                            // the manager's events become meters
                            PharoxModule.leaseListeners(binder()).addBinding().toInstance(metrics.listener());
                        }
                    });
            out.println("Schema " + settings.schema() + " migrated (Flyway, run by JdbcStorageModule)");
            out.println(settings.credentialKeyring()
                    .map(k -> "Proxy passwords encrypted at rest with key '" + k.currentKeyId() + "'")
                    .orElse("Proxy passwords stored in PLAIN TEXT: set " + EnvironmentKeyring.KEY + " and "
                            + EnvironmentKeyring.KEY_ID + " to encrypt them"));

            ProxyImporter.Result imported =
                    injector.getInstance(ProxyImporter.class).importAll(entries);
            out.println("Imported " + imported.imported() + " proxies into "
                    + imported.pools().size() + " pools " + imported.pools() + "; " + imported.alreadyPresent()
                    + " were already there");
            metrics.bindPoolStats(injector.getInstance(ProxyStorage.class), imported.pools());

            Optional<MetricsEndpoint> endpoint =
                    settings.metricsPort().map(port -> MetricsEndpoint.start(registry, port));
            try {
                endpoint.ifPresent(e ->
                        out.println("Metrics for Prometheus on http://localhost:" + e.port() + MetricsEndpoint.PATH));
                LeaseLoad load = injector.getInstance(LeaseLoad.class);
                LeaseLoad.Outcome o = load.run(imported.pools(), settings.workers(), settings.duration(), out);
                printSummary(out, settings, imported.pools(), load, o);
                injector.getInstance(FailingProxyDemo.class)
                        .run(imported.pools().get(0), out);
                return o;
            } finally {
                endpoint.ifPresent(MetricsEndpoint::close);
            }
        }
    }

    /**
     * The key from the environment if one is set. Without one the example allows plain text
     * explicitly, so that it runs with no set-up and says so; a service of yours would rather
     * require the key ({@code EnvironmentKeyring.fromEnvironment()} fails when it is missing).
     */
    static SqlStorageOptions storageOptions(Settings settings, PharoxMetrics metrics) {
        // statements PostgreSQL rolled back and the adapter ran again count in pharox.storage.retries
        SqlStorageOptions.Builder options = SqlStorageOptions.builder().storageListener(metrics.storageListener());
        settings.credentialKeyring().ifPresentOrElse(options::credentialKeyring, options::allowPlaintextCredentials);
        return options.build();
    }

    private static HikariDataSource dataSource(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("pharox-example");
        config.setJdbcUrl(settings.url());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        // one connection per worker, plus the cleanup and the reporter
        config.setMaximumPoolSize(settings.workers() + 2);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    private static void printSummary(
            PrintStream out, Settings settings, List<String> pools, LeaseLoad load, LeaseLoad.Outcome o) {
        double seconds = settings.duration().toMillis() / 1000.0;
        out.println();
        out.println("Summary after " + settings.duration().toSeconds() + " s with " + settings.workers() + " workers:");
        out.printf(
                Locale.ROOT,
                "  leases acquired: %d (%.0f/s); released: %d; forgotten to expire: %d%n",
                o.acquired(),
                o.acquired() / seconds,
                o.released(),
                o.forgotten());
        for (String pool : pools) {
            out.printf(Locale.ROOT, "    %s: %d%n", pool, load.acquiredIn(pool));
        }
        out.printf(
                Locale.ROOT,
                "  acquires that found no free proxy within %d ms: %d%n",
                LeaseLoad.MAX_WAIT.toMillis(),
                o.misses());
        out.println("  leases expired by the scheduled cleanup: " + o.expiredByCleanup());
        out.println("  leases still active at the end: " + o.activeAtEnd() + " (forgotten ones, expiring within "
                + LeaseLoad.FORGOTTEN_TTL.toSeconds() + " s)");
        out.println("  errors: " + o.errors()
                + load.firstError().map(e -> " (first: " + e + ")").orElse(""));
        out.println("Over-lease check: " + (o.localViolations() + o.snapshotViolations()) + " violations ("
                + o.acquired() + " acquisitions checked by the workers, " + o.snapshots()
                + " snapshots of every proxy's active leases against its max concurrency)");
    }
}
