package io.pharox.cli;

import io.pharox.health.HealthCheckOptions;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyUrl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code pharox check POOL}: a health pass over a pool, now, with its results recorded. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Checks every proxy of a pool now (except BANNED ones) by fetching the target URL through it, and"
                    + " records each result: a proxy that fails becomes INACTIVE and is not leased, one that"
                    + " answers slowly becomes SLOW, one that passes becomes ACTIVE again.",
            "Columns (tab-separated, header first): PROXY_ID, PROXY (URL), RESULT (HEALTHY, SLOW, UNREACHABLE,"
                    + " AUTH_FAILED, UNEXPECTED_RESPONSE), LATENCY_MS, ERROR. A summary line follows on standard"
                    + " error. Failing proxies do not change the exit code: the check itself succeeded."
        },
        footerHeading = "%n",
        footer = PharoxCli.EXIT_CODES)
final class CheckCommand extends ListCommands.Listing {

    @Parameters(index = "0", paramLabel = "POOL", description = "the pool")
    @SuppressWarnings("NullAway.Init")
    String pool;

    @Option(
            names = "--target",
            paramLabel = "URL",
            defaultValue = "https://example.com/",
            description = "the http or https URL fetched through each proxy (default: ${DEFAULT-VALUE})")
    String target = "https://example.com/";

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "the longest wait to connect, and to read the answer (default: ${DEFAULT-VALUE})")
    int timeoutSeconds = 10;

    @Option(
            names = "--slow",
            paramLabel = "MILLIS",
            defaultValue = "2000",
            description = "an answer slower than this marks the proxy SLOW (default: ${DEFAULT-VALUE})")
    long slowMillis = 2000;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            defaultValue = "16",
            description = "proxies checked at once (default: ${DEFAULT-VALUE})")
    int concurrency = 16;

    @Override
    int run(Admin admin) {
        HealthCheckOptions options = null;
        if (admin.checksWithOwnSettings()) {
            for (String option : List.of("--target", "--timeout", "--slow", "--concurrency")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new ParameterException(
                            spec.commandLine(), option + " is for a database: the server checks with its own settings");
                }
            }
        } else {
            options = options();
        }
        Map<UUID, Proxy> proxies =
                admin.proxies(pool).stream().collect(Collectors.toMap(Proxy::id, Function.identity()));
        Admin.HealthPass pass = admin.check(pool, options);
        Table table = new Table("PROXY_ID", "PROXY", "RESULT", "LATENCY_MS", "ERROR");
        for (HealthCheckResult r : pass.results()) {
            Proxy proxy = proxies.get(r.proxyId());
            table.row(
                    r.proxyId(),
                    proxy == null ? null : ProxyUrl.of(proxy).format(false),
                    r.status(),
                    r.latency().map(Duration::toMillis).orElse(null),
                    r.error().orElse(null));
        }
        table.print(out(), json);
        long healthy = pass.count(HealthStatus.HEALTHY);
        long slow = pass.count(HealthStatus.SLOW);
        err().println(spec.qualifiedName() + ": pool '" + pool + "': " + pass.checked() + " checked, " + healthy
                + " healthy, " + slow + " slow, " + (pass.checked() - healthy - slow) + " failed; " + pass.removed()
                + " taken out of rotation, " + pass.returned() + " returned, " + pass.skipped() + " banned skipped");
        err().flush();
        return PharoxCli.OK;
    }

    private HealthCheckOptions options() {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second, was " + timeoutSeconds);
        }
        if (slowMillis < 1) {
            throw new IllegalArgumentException("--slow must be at least 1 millisecond, was " + slowMillis);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1, was " + concurrency);
        }
        return HealthCheckOptions.builder(target)
                .connectTimeout(Duration.ofSeconds(timeoutSeconds))
                .readTimeout(Duration.ofSeconds(timeoutSeconds))
                .slowThreshold(Duration.ofMillis(slowMillis))
                .concurrency(concurrency)
                .build();
    }
}
