package io.pharox.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.testkit.postgres.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The running service serves its meters to Prometheus: the test waits until it has leased for a
 * second, scrapes {@code /metrics} over HTTP and finds the acquire timer and the pool gauges, and
 * no proxy password or host. Needs the manager's issue 19 events and the JDBC adapter's poolStats.
 */
class PostgresServiceMetricsEndToEndTest {

    private static final TestPostgres POSTGRES = TestPostgres.get();
    private static final Pattern ENDPOINT =
            Pattern.compile("Metrics for Prometheus on (http://localhost:\\d+/metrics)");
    private static String schema;

    @BeforeAll
    static void createSchema() {
        schema = POSTGRES.createSchema("pharox_example_metrics");
    }

    @AfterAll
    static void dropSchema() {
        POSTGRES.dropSchema(schema);
    }

    /** What the service prints, and a latch opened once it has printed {@code marker}. */
    private static final class WatchedOutput extends OutputStream {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final String marker;
        private final CountDownLatch seen = new CountDownLatch(1);

        WatchedOutput(String marker) {
            this.marker = marker;
        }

        @Override
        public synchronized void write(int b) {
            buffer.write(b);
            check();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            buffer.write(b, off, len);
            check();
        }

        private void check() {
            if (seen.getCount() > 0 && text().contains(marker)) {
                seen.countDown();
            }
        }

        synchronized String text() {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void the_running_service_serves_its_meters_over_http() throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--url",
                POSTGRES.url(),
                "--schema",
                schema,
                "--duration",
                "3",
                "--workers",
                "2",
                "--metrics-port",
                "0"));
        if (POSTGRES.user() != null) {
            args.addAll(List.of("--user", POSTGRES.user()));
        }
        Map<String, String> env =
                POSTGRES.password() == null ? Map.of() : Map.of("PHAROX_DB_PASSWORD", POSTGRES.password());
        Settings settings = Settings.parse(args, env);
        WatchedOutput output = new WatchedOutput("[  1s]");

        CompletableFuture<LeaseLoad.Outcome> run = CompletableFuture.supplyAsync(() -> {
            try {
                return PostgresService.run(
                        settings,
                        PostgresService.readProxies(settings),
                        new PrintStream(output, true, StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(output.seen.await(60, TimeUnit.SECONDS))
                .as("a first progress line in:%n%s", output.text())
                .isTrue();
        Matcher endpoint = ENDPOINT.matcher(output.text());
        assertThat(endpoint.find()).as(output.text()).isTrue();

        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(endpoint.group(1)))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        LeaseLoad.Outcome outcome = run.get(120, TimeUnit.SECONDS);

        assertThat(outcome.ok()).as(output.text()).isTrue();
        assertThat(response.statusCode()).isEqualTo(200);
        String scrape = response.body();
        Files.writeString(Path.of("target", "service-scrape.txt"), scrape);
        assertThat(scrape).containsPattern("pharox_acquire_seconds_count\\{outcome=\"hit\",pool=\"residential\",");
        assertThat(scrape).containsPattern("pharox_pool_capacity\\{pool=\"residential\"} 24");
        assertThat(scrape).containsPattern("pharox_pool_proxies\\{pool=\"mobile\",status=\"active\"} \\d");
        assertThat(scrape)
                .as("no proxy password or host")
                .doesNotContain("pass-1", "mob@pass", "203.0.113", "198.51.100", "192.0.2");
    }
}
